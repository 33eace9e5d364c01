//! `lfdeep bench sim`: the 1 s NeuronIO bombardment in lfdeep and in NEURON (same cell, same
//! input spike trains, all 639 dendritic segments recorded at 1 ms), timed in one invocation,
//! one core each; then `--threads` independent bombardments in parallel (aggregate throughput).

use anyhow::{bail, Context, Result};
use lfdeep_sim::protocols::{dendritic_rows, hay_cell_geometry, poisson_input, run_bombardment, BombardProtocol};
use lfdeep_morph::Discretized;
use lfdeep_sim::Biophysics;
use std::path::PathBuf;
use std::time::Instant;

use super::common::{repo_root, write_json, write_json_quiet};

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
    /// Independent bombardments run in parallel, one per thread, different seeds (default:
    /// all cores); reported as aggregate simulated s per wall s. 0 skips the parallel run.
    #[arg(long)]
    threads: Option<usize>,
    /// Write the results as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
}

pub fn run(a: SimArgs) -> Result<()> {
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
    let threads = a.threads.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    let parallel = if threads > 0 { Some(run_parallel(&disc, &bio, &a, &p, rows.len(), threads)?) } else { None };
    if let Some(par) = &parallel {
        println!(
            "lfdeep ×{threads} threads: {:.1} s wall for {threads} × {} ms → {:.3} simulated s per wall s ({:.3} per thread)",
            par.wall_s,
            a.tstop,
            par.aggregate,
            par.aggregate / threads as f64
        );
    }
    let mut json = serde_json::json!({
        "bench": "sim", "morphology": a.morphology, "tstop_ms": a.tstop, "dt_ms": p.dt_ms, "segments": rows.len(),
        "input_events": n_events, "lfdeep_one_core_s_per_sim_s": per_s, "lfdeep_output_spikes": spikes,
        "threads": threads,
        "parallel_wall_s": parallel.as_ref().map(|x| x.wall_s),
        "parallel_sim_s_per_wall_s": parallel.as_ref().map(|x| x.aggregate),
        "parallel_thread_wall_s": parallel.as_ref().map(|x| x.thread_wall_s.clone()),
        "available_parallelism": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
    });
    if a.no_neuron {
        return write_json(a.json.as_deref(), &json);
    }
    // Kept if the NEURON run fails or is cut short.
    write_json_quiet(a.json.as_deref(), &json)?;
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
    println!("speed-up lfdeep vs NEURON (one core each): {:.2}×", nrn / per_s);
    json["neuron_one_core_s_per_sim_s"] = nrn.into();
    json["speedup_one_core"] = (nrn / per_s).into();
    if let Some(par) = &parallel {
        // NEURON on one core stays the denominator: simulated s per wall s of the parallel run
        // against NEURON's 1 / (s wall per simulated s).
        let x = par.aggregate * nrn;
        println!("lfdeep ×{threads} threads vs NEURON one core: {x:.1}× the simulated time per wall second");
        json["speedup_parallel_vs_neuron_one_core"] = x.into();
    }
    write_json(a.json.as_deref(), &json)
}

struct Parallel {
    wall_s: f64,
    thread_wall_s: Vec<f64>,
    /// Simulated seconds per wall second, all threads together.
    aggregate: f64,
}

/// `threads` independent bombardments (seeds `seed + 1 …`, inputs drawn before the clock
/// starts), one per thread, started together.
fn run_parallel(disc: &Discretized, bio: &Biophysics, a: &SimArgs, p: &BombardProtocol, n_rows: usize, threads: usize) -> Result<Parallel> {
    let inputs = (0..threads).map(|i| poisson_input(n_rows, a.exc_hz, a.inh_hz, a.tstop, a.seed + 1 + i as u64)).collect::<Result<Vec<_>, _>>()?;
    let barrier = std::sync::Barrier::new(threads + 1);
    let (wall_s, thread_wall_s) = std::thread::scope(|s| -> Result<(f64, Vec<f64>)> {
        let handles: Vec<_> = inputs
            .iter()
            .map(|input| {
                let barrier = &barrier;
                s.spawn(move || -> Result<f64> {
                    barrier.wait();
                    let t0 = Instant::now();
                    run_bombardment(disc, bio, input, p)?;
                    Ok(t0.elapsed().as_secs_f64())
                })
            })
            .collect();
        barrier.wait();
        let t0 = Instant::now();
        let per: Vec<f64> = handles.into_iter().map(|h| h.join().map_err(|_| anyhow::anyhow!("a simulation thread panicked"))?).collect::<Result<_>>()?;
        Ok((t0.elapsed().as_secs_f64(), per))
    })?;
    Ok(Parallel { wall_s, thread_wall_s, aggregate: threads as f64 * a.tstop / 1000.0 / wall_s })
}
