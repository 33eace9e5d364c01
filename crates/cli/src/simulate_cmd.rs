//! `lfdeep simulate [CONFIG.toml] [key=value ...] --out DIR`: a NeuronIO-protocol dataset.

use anyhow::{Context, Result};
use lfdeep_data::runner::{run as run_sims, CellSetup, RunOptions, Shard};
use lfdeep_data::SimulateConfig;
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(after_help = "Keys: simulations=N duration_ms=T seed=S threads=K (0 = all cores) \
morphology=PATH|builtin:l5pc nexus=auto|SECTION(x) variant=nmda|ampa|ampa_sk \
release_probability=P (0.632 reproduces the published data) segment_voltage_dtype=float16|float32 \
dt_ms, v_init_mv, biophysics, input.* (see configs/simulate.toml).\n\n\
Examples:\n  lfdeep simulate --out ds.zarr simulations=8 duration_ms=1000\n  \
lfdeep simulate configs/simulate.toml seed=3 --shard 2/16 --out shards/s02.zarr")]
pub struct Args {
    /// An optional CONFIG.toml, then key=value overrides.
    #[arg(value_name = "CONFIG.toml | KEY=VALUE")]
    items: Vec<String>,
    /// The store directory to write (a Zarr v3 group); written as DIR.partial until complete.
    #[arg(long)]
    out: PathBuf,
    /// Continue an interrupted run at DIR.partial (same config required).
    #[arg(long)]
    resume: bool,
    /// Run only shard K of N (1-based), for cluster job arrays; join with `dataset merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

pub fn run(a: Args) -> Result<()> {
    let (file, overrides): (Option<PathBuf>, Vec<String>) = match a.items.split_first() {
        Some((first, rest)) if !first.contains('=') => (Some(PathBuf::from(first)), rest.to_vec()),
        _ => (None, a.items.clone()),
    };
    if let Some(bad) = overrides.iter().find(|o| !o.contains('=')) {
        anyhow::bail!("'{bad}' is not key=value (only the first argument may be a CONFIG.toml)");
    }
    let cfg = SimulateConfig::resolve(file.as_deref(), &overrides)?;
    let setup = CellSetup::from_config(&cfg)?;
    let model = setup.sim_model(&cfg)?;
    eprintln!(
        "simulate: {} simulations × {} ms on {} ({} synapses, nexus {}), seed {}{}",
        cfg.simulations,
        cfg.duration_ms,
        cfg.morphology,
        2 * setup.synapse_rows.len(),
        setup.disc.segments[setup.nexus_row].section_name,
        cfg.seed,
        a.shard.map(|s| format!(", shard {}/{}", s.k, s.n)).unwrap_or_default()
    );
    let r = run_sims(&cfg, &setup, &model, &RunOptions { out: a.out.clone(), resume: a.resume, shard: a.shard, progress: !a.quiet })
        .with_context(|| format!("simulate --out {}", a.out.display()))?;
    let sim_s = r.simulated_now as f64 * cfg.duration_ms as f64 / 1000.0;
    eprintln!(
        "{} simulations now ({} already done) in {:.1} s: {:.3} simulated s per wall s; store {} is {}",
        r.simulated_now,
        r.already_done,
        r.wall_s,
        sim_s / r.wall_s.max(1e-9),
        r.path.display(),
        if r.complete { "complete" } else { "NOT complete" }
    );
    Ok(())
}
