//! `simulate`: generate inputs, simulate, store, in parallel over simulations.
//!
//! Simulation i depends only on (config, i): its inputs come from streams keyed by
//! (seed, i, purpose), so the dataset is the same for any thread count or shard split.

use crate::config::SimulateConfig;
use crate::error::{DataError, Result};
use crate::generator::{draw_profile, release, sample_spikes, DendriteLayout};
use crate::model::{NeuronModel, SimModel};
use crate::provenance::Provenance;
use crate::site::{dendrite_layout, dendritic_rows, nexus_row};
use crate::store::{partial_path, SegmentTable, SimulationRecord, Store, StoreInfo, FORMAT, FORMAT_VERSION, HIGHRES_PER_MS};
use indicatif::{ProgressBar, ProgressStyle};
use lfdeep_morph::{discretize, load_morphology, DiscretizeOptions, Discretized};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// Shard K of N (1-based K), owning simulations ⌊(K−1)·S/N⌋ .. ⌊K·S/N⌋.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (k, n) = s.split_once('/').ok_or_else(|| format!("--shard expects K/N (e.g. 3/8), got '{s}'"))?;
        let k: u64 = k.trim().parse().map_err(|_| format!("--shard: K must be a whole number, got '{k}'"))?;
        let n: u64 = n.trim().parse().map_err(|_| format!("--shard: N must be a whole number, got '{n}'"))?;
        if n == 0 || k == 0 || k > n {
            return Err(format!("--shard K/N needs 1 ≤ K ≤ N, got {k}/{n}"));
        }
        Ok(Shard { k, n })
    }
}

impl Shard {
    pub fn range(&self, total: u64) -> [u64; 2] {
        [(self.k - 1) * total / self.n, self.k * total / self.n]
    }
}

/// Cell, synapse sites and recording sites of a configuration.
pub struct CellSetup {
    pub disc: Discretized,
    pub layout: DendriteLayout,
    pub synapse_rows: Vec<usize>,
    pub nexus_row: usize,
}

impl CellSetup {
    pub fn from_config(cfg: &SimulateConfig) -> Result<Self> {
        let m = load_morphology(&cfg.morphology).map_err(|e| DataError::config("config field 'morphology'", e))?;
        // The Hay/NeuronIO discretisation: 1 + 2·floor(L/40), Ra 100, Hay's axon stub.
        let disc = discretize(&m, &DiscretizeOptions { hay_axon: true, ..Default::default() })
            .map_err(|e| DataError::config("config field 'morphology'", e))?;
        Self::from_discretized(disc, &cfg.nexus)
    }

    pub fn from_discretized(disc: Discretized, nexus: &str) -> Result<Self> {
        let synapse_rows = dendritic_rows(&disc);
        if synapse_rows.is_empty() {
            return Err(DataError::config("config field 'morphology'", format!("{} has no dendritic segments for synapses", disc.morphology.source)));
        }
        let layout = dendrite_layout(&disc);
        let nexus_row = nexus_row(&disc, nexus)?;
        Ok(CellSetup { disc, layout, synapse_rows, nexus_row })
    }

    /// The default model: the real simulator.
    pub fn sim_model(&self, cfg: &SimulateConfig) -> Result<SimModel> {
        SimModel::new(self.disc.clone(), cfg, self.synapse_rows.clone(), self.nexus_row)
    }
}

/// Where and how to run.
pub struct RunOptions {
    pub out: PathBuf,
    pub resume: bool,
    pub shard: Option<Shard>,
    pub progress: bool,
}

#[derive(Debug, Clone)]
pub struct RunReport {
    pub path: PathBuf,
    pub simulated_now: u64,
    pub already_done: u64,
    pub wall_s: f64,
    pub complete: bool,
}

/// Inputs (presynaptic trains, whole ms) of simulation i, and its T_c and σ.
pub fn inputs_of(cfg: &SimulateConfig, layout: &DendriteLayout, i: u64) -> (Vec<Vec<u32>>, u32, u32) {
    let t = cfg.duration_ms as usize;
    let profile = draw_profile(&cfg.input, layout, t, cfg.seed, i);
    (sample_spikes(&profile, t, cfg.seed, i), profile.block_ms as u32, profile.sigma_ms as u32)
}

/// Generate, simulate and package simulation i.
pub fn simulate_one(cfg: &SimulateConfig, setup: &CellSetup, model: &dyn NeuronModel, i: u64) -> Result<SimulationRecord> {
    let (trains, block_ms, sigma_ms) = inputs_of(cfg, &setup.layout, i);
    let released = release(&trains, cfg.release_probability, cfg.seed, i);
    let n = setup.layout.n_segments();
    let to_ms = |rows: &[Vec<u32>]| -> Vec<Vec<f64>> { rows.iter().map(|r| r.iter().map(|&t| t as f64).collect()).collect() };
    let rec = model
        .simulate(&to_ms(&released[..n]), &to_ms(&released[n..]), cfg.duration_ms)
        .map_err(|msg| DataError::Simulation { index: i, msg })?;
    Ok(SimulationRecord {
        soma_highres_mv: rec.soma_highres_mv,
        nexus_highres_mv: rec.nexus_highres_mv,
        soma_lowres_mv: rec.soma_lowres_mv,
        nexus_lowres_mv: rec.nexus_lowres_mv,
        segment_lowres_mv: rec.segment_lowres_mv,
        output_spike_times_ms: rec.output_spike_times_ms,
        input_spikes_ms: trains,
        block_ms,
        sigma_ms,
    })
}

fn store_info(cfg: &SimulateConfig, setup: &CellSetup, model: &dyn NeuronModel, shard: Option<Shard>) -> StoreInfo {
    let n_syn = setup.synapse_rows.len() as u64;
    StoreInfo {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        status: "in_progress".into(),
        source: "simulate".into(),
        simulations: cfg.simulations,
        duration_ms: cfg.duration_ms,
        highres_per_ms: HIGHRES_PER_MS,
        n_segments: model.n_recorded_segments() as u64,
        n_exc: n_syn,
        n_inh: n_syn,
        segment_voltage_dtype: cfg.segment_voltage_dtype,
        owned: shard.map(|s| s.range(cfg.simulations)).unwrap_or([0, cfg.simulations]),
        shard: shard.map(|s| [s.k, s.n]),
        nexus_row: Some(setup.nexus_row as u64),
        nexus_site: format!(
            "{} -> {}({:.4})",
            cfg.nexus,
            setup.disc.segments[setup.nexus_row].section_name,
            setup.disc.segments[setup.nexus_row].x
        ),
    }
}

/// Create (or resume) the store and run every simulation it still lacks.
pub fn run(cfg: &SimulateConfig, setup: &CellSetup, model: &dyn NeuronModel, opts: &RunOptions) -> Result<RunReport> {
    let info = store_info(cfg, setup, model, opts.shard);
    let mut store = if opts.resume {
        if opts.out.join("zarr.json").exists() && !partial_path(&opts.out).exists() {
            let s = Store::open(&opts.out)?;
            if s.info.status == "complete" {
                return Ok(RunReport { path: s.path, simulated_now: 0, already_done: s.info.owned[1] - s.info.owned[0], wall_s: 0.0, complete: true });
            }
        }
        let s = Store::open(&partial_path(&opts.out)).map_err(|_| {
            DataError::store(partial_path(&opts.out), "--resume: no interrupted run here (start without --resume)")
        })?;
        check_same_run(&s, cfg, &info)?;
        s
    } else {
        let mut attrs = serde_json::Map::new();
        attrs.insert("config".into(), serde_json::to_value(cfg).expect("config"));
        attrs.insert("provenance".into(), serde_json::to_value(Provenance::now(Some(cfg.seed))).expect("provenance"));
        let s = Store::create(
            &opts.out,
            info,
            &SegmentTable::from_discretized(&setup.disc),
            &setup.synapse_rows.iter().chain(&setup.synapse_rows).map(|&r| r as u32).collect::<Vec<_>>(),
            attrs,
        )?;
        s.write_side_file("config.toml", &cfg.to_toml())?;
        s
    };
    // Every run (and every resume) leaves its provenance beside the data.
    let prov = Provenance::now(Some(cfg.seed));
    let tag = if opts.resume { format!("provenance-resume-{}.json", prov.started_unix_s) } else { "provenance.json".into() };
    store.write_side_file(&tag, &serde_json::to_string_pretty(&prov).expect("provenance"))?;

    let committed = store.committed()?;
    let [a, b] = store.info.owned;
    let todo: Vec<u64> = (a..b).filter(|&i| !committed[i as usize]).collect();
    let already = (b - a) - todo.len() as u64;

    let bar = if opts.progress { ProgressBar::new(todo.len() as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} simulations  {msg}  ETA {eta}")
            .expect("template"),
    );
    let start = Instant::now();
    let done_ms = AtomicU64::new(0);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(cfg.threads)
        .build()
        .map_err(|e| DataError::Invalid(format!("thread pool: {e}")))?;
    let result: Result<()> = pool.install(|| {
        todo.par_iter().try_for_each(|&i| {
            let rec = simulate_one(cfg, setup, model, i)?;
            store.write_simulation(i, &rec)?;
            let ms = done_ms.fetch_add(cfg.duration_ms, Ordering::Relaxed) + cfg.duration_ms;
            let wall = start.elapsed().as_secs_f64().max(1e-9);
            bar.set_message(format!("{:.3} simulated s per wall s", ms as f64 / 1000.0 / wall));
            bar.inc(1);
            Ok(())
        })
    });
    bar.finish();
    result?;
    let complete = store.finish_if_complete()?;
    Ok(RunReport { path: store.path.clone(), simulated_now: todo.len() as u64, already_done: already, wall_s: start.elapsed().as_secs_f64(), complete })
}

/// A resumed run must have the same data-defining config and layout.
fn check_same_run(s: &Store, cfg: &SimulateConfig, info: &StoreInfo) -> Result<()> {
    let attrs = s.root_attributes()?;
    let old: SimulateConfig = attrs
        .get("config")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .ok_or_else(|| DataError::store(&s.path, "no readable 'config' attribute; cannot resume"))?;
    let (o, n) = (old.data_identity(), cfg.data_identity());
    if o != n {
        let diff: Vec<String> = n
            .as_object()
            .expect("object")
            .iter()
            .filter(|(k, v)| o.get(*k) != Some(v))
            .map(|(k, v)| format!("{k}: stored {} vs now {}", o.get(k).cloned().unwrap_or_default(), v))
            .collect();
        return Err(DataError::store(&s.path, format!("--resume with a different config: {}", diff.join("; "))));
    }
    let mut a = s.info.clone();
    let mut b = info.clone();
    a.status.clear();
    b.status.clear();
    if a != b {
        return Err(DataError::store(&s.path, format!("--resume: stored layout {:?} differs from this run's {:?}", s.info, info)));
    }
    Ok(())
}

/// For tests and tools: the path a run writes to while in progress.
pub fn in_progress_path(out: &Path) -> PathBuf {
    partial_path(out)
}
