//! A dataset store (lfdeep-data, Zarr v3) seen as the loaders' `SimulationSource`.
//!
//! Targets follow the LFDeep convention: the dendritic segments (basal and apical rows of the
//! segment table, 639 on the default cell) are the per-segment targets and the soma row is
//! the somatic target; axon rows are not targets. Only committed simulations are used, so a
//! store still being written (or interrupted) can be trained on without reading half-written
//! chunks.

use anyhow::{bail, Context, Result};
use lfdeep_data::store::Store;
use lfdeep_nn::data::{Simulation, SimulationSource};
use std::path::Path;

pub struct StoreSource {
    store: Store,
    /// Store indices of the committed simulations, in order.
    sims: Vec<u64>,
    /// Segment-table rows that are targets (basal, apical), in table order.
    dend_rows: Vec<usize>,
    soma_row: usize,
}

impl StoreSource {
    pub fn open(dir: &Path) -> Result<Self> {
        let store = Store::open(dir).with_context(|| format!("opening dataset {}", dir.display()))?;
        let table = store.read_segment_table().with_context(|| format!("reading the segment table of {}", dir.display()))?;
        let dend_rows: Vec<usize> =
            (0..table.region.len()).filter(|&i| matches!(table.region[i].as_str(), "basal" | "apical")).collect();
        let Some(soma_row) = table.region.iter().position(|r| r == "soma") else {
            bail!("{}: the segment table has no soma row", dir.display());
        };
        if dend_rows.is_empty() {
            bail!("{}: the segment table has no basal or apical rows", dir.display());
        }
        let committed = store.committed()?;
        let sims: Vec<u64> = (0..committed.len() as u64).filter(|&i| committed[i as usize]).collect();
        if sims.is_empty() {
            bail!("{}: no committed simulations", dir.display());
        }
        if committed.len() != sims.len() {
            eprintln!(
                "note: {} has {} of {} simulations committed; training on those",
                dir.display(),
                sims.len(),
                committed.len()
            );
        }
        Ok(StoreSource { store, sims, dend_rows, soma_row })
    }
}

impl SimulationSource for StoreSource {
    fn len(&self) -> usize {
        self.sims.len()
    }
    fn n_synapses(&self) -> usize {
        self.store.info.n_synapses() as usize
    }
    fn n_segments(&self) -> usize {
        self.dend_rows.len()
    }
    fn load(&self, index: usize) -> lfdeep_nn::error::Result<Simulation> {
        let i = self.sims[index];
        let r = self
            .store
            .read_simulation(i)
            .map_err(|e| lfdeep_nn::error::NnError::Data(format!("{}: simulation {i}: {e}", self.store.path.display())))?;
        let t = self.store.info.duration_ms as usize;
        let row = |k: usize| &r.segment_lowres_mv[k * t..(k + 1) * t];
        let mut segment_v = Vec::with_capacity(self.dend_rows.len() * t);
        for &k in &self.dend_rows {
            segment_v.extend_from_slice(row(k));
        }
        let sim = Simulation {
            duration_ms: t,
            input_spikes: r.input_spikes_ms,
            segment_v,
            n_segments: self.dend_rows.len(),
            soma_v: row(self.soma_row).to_vec(),
            output_spikes_ms: r.output_spike_times_ms,
        };
        sim.validate(&format!("{} simulation {i}", self.store.path.display()))?;
        Ok(sim)
    }
}
