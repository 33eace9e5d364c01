//! `lfdeep bench sim`: the 1 s NeuronIO bombardment in lfdeep and in NEURON (same cell, same
//! input spike trains, all 639 dendritic segments recorded at 1 ms), timed in one invocation.

use anyhow::{bail, Context, Result};
use lfdeep_sim::protocols::{dendritic_rows, hay_cell_geometry, poisson_input, run_bombardment, BombardProtocol};
use lfdeep_sim::Biophysics;
use std::path::PathBuf;
use std::time::Instant;

#[derive(clap::Subcommand, Debug)]
pub enum Cmd {
    /// Simulator speed: wall seconds per simulated second, lfdeep vs NEURON, one core each.
    Sim(SimArgs),
}

#[derive(clap::Args, Debug)]
pub struct SimArgs {
    /// Morphology (.asc/.swc path or builtin:l5pc).
    #[arg(long, default_value = "builtin:l5pc")]
    morphology: String,
    /// Simulated time per run (ms).
    #[arg(long, default_value_t = 1000.0)]
    tstop: f64,
    /// Poisson rate of each excitatory / inhibitory input (Hz).
    #[arg(long, default_value_t = 30.0)]
    exc_hz: f64,
    #[arg(long, default_value_t = 15.0)]
    inh_hz: f64,
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// lfdeep repetitions (the best is reported; NEURON runs once).
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Python with NEURON (default: .venv/bin/python under the repository root).
    #[arg(long)]
    python: Option<PathBuf>,
    /// Skip the NEURON run.
    #[arg(long)]
    no_neuron: bool,
}

/// The repository root: `$LFDEEP_ROOT`, else the first ancestor of the current directory
/// holding `oracle/neuron_cell.py`.
fn repo_root() -> Result<PathBuf> {
    if let Some(r) = std::env::var_os("LFDEEP_ROOT") {
        return Ok(PathBuf::from(r));
    }
    let mut d = std::env::current_dir()?;
    loop {
        if d.join("oracle/neuron_cell.py").exists() {
            return Ok(d);
        }
        if !d.pop() {
            bail!("cannot find oracle/neuron_cell.py above the current directory (set LFDEEP_ROOT)");
        }
    }
}

pub fn run(cmd: Cmd) -> Result<()> {
    let Cmd::Sim(a) = cmd;
    let disc = hay_cell_geometry(&a.morphology).with_context(|| format!("morphology {}", a.morphology))?;
    let bio = Biophysics::neuronio();
    let rows = dendritic_rows(&disc);
    let input = poisson_input(rows.len(), a.exc_hz, a.inh_hz, a.tstop, a.seed)?;
    let p = BombardProtocol { tstop_ms: a.tstop, ..Default::default() };
    let n_events: usize = input.exc.iter().chain(&input.inh).map(|t| t.len()).sum();
    println!(
        "bench sim: {} ({} dendritic segments, {} synapses, {n_events} input events), {} ms at dt {} ms, all segments recorded at 1 ms",
        a.morphology,
        rows.len(),
        2 * rows.len(),
        a.tstop,
        p.dt_ms
    );
    let mut best = f64::INFINITY;
    let mut spikes = 0;
    for _ in 0..a.repeat.max(1) {
        let t0 = Instant::now();
        let r = run_bombardment(&disc, &bio, &input, &p)?;
        best = best.min(t0.elapsed().as_secs_f64());
        spikes = r.spike_times_ms.len();
    }
    let per_s = best / (a.tstop / 1000.0);
    println!("lfdeep : {per_s:8.3} s wall per simulated second (best of {}), {spikes} output spikes", a.repeat.max(1));
    if a.no_neuron {
        return Ok(());
    }
    let root = repo_root()?;
    let py = a.python.clone().unwrap_or_else(|| root.join(".venv/bin/python"));
    let (morph_path, _keep) = if a.morphology.starts_with("builtin:") {
        let m = lfdeep_morph::load_morphology(&a.morphology)?;
        let dir = std::env::temp_dir().join(format!("lfdeep-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let f = dir.join("morphology.json");
        // The discretised morphology already has Hay's axon; NEURON builds it from pt3d points.
        std::fs::write(&f, serde_json::to_string(&disc.morphology)?)?;
        let _ = m;
        (f, Some(dir))
    } else {
        (PathBuf::from(&a.morphology), None)
    };
    let is_json = morph_path.extension().is_some_and(|e| e == "json");
    let cfg = serde_json::json!({
        "morphology": morph_path, "hay_axon": !is_json, "biophysics": "neuronio",
        "tstop": a.tstop, "v_init": p.v_init_mv, "record_step_rows": [],
        "exc_rows": rows, "inh_rows": rows, "exc_events": input.exc, "inh_events": input.inh,
        "record_rows": rows, "record_interval": p.dend_interval_ms,
    });
    let cfg_path = std::env::temp_dir().join(format!("lfdeep-bench-{}.json", std::process::id()));
    std::fs::write(&cfg_path, cfg.to_string())?;
    let out = std::process::Command::new(&py)
        .arg(root.join("oracle/neuron_cell.py"))
        .arg(&cfg_path)
        .current_dir(root.join("oracle"))
        .output()
        .with_context(|| format!("running {}", py.display()))?;
    let _ = std::fs::remove_file(&cfg_path);
    if !out.status.success() {
        bail!("NEURON run failed:\n{}", String::from_utf8_lossy(&out.stderr));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).context("NEURON output")?;
    let nrn = v["run_wall_s"].as_f64().context("run_wall_s missing")? / (a.tstop / 1000.0);
    println!("NEURON : {nrn:8.3} s wall per simulated second (finitialize + fadvance loop)");
    println!("speed-up lfdeep vs NEURON: {:.2}×", nrn / per_s);
    Ok(())
}
