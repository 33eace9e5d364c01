//! `dataset merge`: join the shards of one run into one store.

use crate::config::SimulateConfig;
use crate::error::{DataError, Result};
use crate::provenance::Provenance;
use crate::store::Store;
use std::path::{Path, PathBuf};

/// Merge complete shard stores (any order) into `out`. The shards must come from the same
/// configuration and together own every simulation exactly once.
pub fn merge(shards: &[PathBuf], out: &Path) -> Result<PathBuf> {
    if shards.is_empty() {
        return Err(DataError::Invalid("merge: no shard stores given".into()));
    }
    let mut stores = shards.iter().map(|p| Store::open(p)).collect::<Result<Vec<_>>>()?;
    stores.sort_by_key(|s| s.info.owned[0]);
    let first = &stores[0];
    let identity = |s: &Store| -> Result<serde_json::Value> {
        let a = s.root_attributes()?;
        let c: SimulateConfig = a
            .get("config")
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .ok_or_else(|| DataError::store(&s.path, "no readable 'config' attribute"))?;
        Ok(c.data_identity())
    };
    let id0 = identity(first)?;
    let mut next = 0u64;
    for s in &stores {
        if s.info.status != "complete" {
            return Err(DataError::store(&s.path, "shard is not complete (finish it with --resume first)"));
        }
        if identity(s)? != id0 {
            return Err(DataError::store(&s.path, format!("config differs from {}", first.path.display())));
        }
        let mut a = s.info.clone();
        let mut b = first.info.clone();
        for x in [&mut a, &mut b] {
            x.owned = [0, 0];
            x.shard = None;
        }
        if a != b {
            return Err(DataError::store(&s.path, format!("layout differs from {}", first.path.display())));
        }
        if s.info.owned[0] != next {
            return Err(DataError::store(
                &s.path,
                format!("owns simulations {}..{}, but the next expected index is {next} (missing or overlapping shard)", s.info.owned[0], s.info.owned[1]),
            ));
        }
        next = s.info.owned[1];
    }
    if next != first.info.simulations {
        return Err(DataError::Invalid(format!("merge: shards cover simulations 0..{next} of {}; a shard is missing", first.info.simulations)));
    }
    let mut info = first.info.clone();
    info.status = "in_progress".into();
    info.owned = [0, info.simulations];
    info.shard = None;
    let mut attrs = first.root_attributes()?;
    attrs.remove("lfdeep");
    attrs.insert("merged_from".into(), serde_json::json!(stores.iter().map(|s| s.path.display().to_string()).collect::<Vec<_>>()));
    attrs.insert("merge_provenance".into(), serde_json::to_value(Provenance::now(None)).expect("provenance"));
    let mut dst = Store::create(out, info, &first.read_segment_table()?, &first.read_synapse_segment()?, attrs)?;
    let (th, tl) = first.read_times()?;
    dst.write_times(&th, &tl)?;
    if let Ok(t) = std::fs::read_to_string(first.path.join("config.toml")) {
        dst.write_side_file("config.toml", &t)?;
    }
    for s in &stores {
        for i in s.info.owned[0]..s.info.owned[1] {
            dst.write_simulation(i, &s.read_simulation(i)?)?;
        }
    }
    if !dst.finish_if_complete()? {
        return Err(DataError::store(&dst.path, "merge finished but not every simulation is committed"));
    }
    Ok(dst.path.clone())
}
