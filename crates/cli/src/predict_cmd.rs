//! `lfdeep predict RUN_DIR --inputs DATASET --out OUT`: free-running predictions of every
//! simulation of a dataset from its synaptic input (teacher-mode models feed back their own
//! voltages after the first window), as `.npy` arrays, with throughput printed.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use lfdeep_nn::eval::{predict_free, LoadedRun, SimPrediction};
use serde_json::json;

#[derive(clap::Args)]
#[command(after_help = "Example:\n  lfdeep predict runs/mh --inputs data/new --out preds/new\n\n\
Writes OUT/spike_prob.npy [sims, ms], OUT/soma_mv.npy [sims, ms], OUT/segments_mv.npy\n\
[sims, segments, ms] (when the model predicts dendrites) as float32; NaN before the first\n\
predicted ms (the first window); OUT/predict.json with shapes and throughput.")]
pub struct Args {
    /// Run folder written by `lfdeep train`.
    run_dir: PathBuf,
    /// Inputs: a dataset directory (or `synthetic:SIMS[:SEGMENTS[:MS]]`).
    #[arg(long)]
    inputs: String,
    /// Output folder.
    #[arg(long)]
    out: PathBuf,
    /// cpu, cuda or cuda:N.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Predict at most this many simulations (0: all).
    #[arg(long, default_value_t = 0)]
    max_sims: usize,
}

pub fn run(a: Args) -> Result<()> {
    let device = lfdeep_nn::device_from_name(&a.device)?;
    let run = LoadedRun::load(&a.run_dir, &device).with_context(|| format!("loading run {}", a.run_dir.display()))?;
    let (source, _) = crate::evaluate_cmd::open_data(&a.inputs)?;
    let n = if a.max_sims > 0 { a.max_sims.min(source.len()) } else { source.len() };
    if n == 0 {
        bail!("--inputs {}: no simulations", a.inputs);
    }
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let start = Instant::now();
    let mut preds: Vec<SimPrediction> = Vec::with_capacity(n);
    let idx: Vec<usize> = (0..n).collect();
    for chunk in idx.chunks(16) {
        let sims = chunk.iter().map(|&i| source.load(i)).collect::<lfdeep_nn::Result<Vec<_>>>()?;
        preds.extend(predict_free(&run, &sims)?);
        eprint!("\r  {} / {n} simulations", preds.len());
    }
    eprintln!();
    let secs = start.elapsed().as_secs_f64();
    let t = preds[0].duration_ms;
    if preds.iter().any(|p| p.duration_ms != t) {
        bail!("--inputs {}: simulations of different lengths cannot share one array", a.inputs);
    }
    let write = |name: &str, shape: &[u64], v: Vec<f32>| -> Result<()> {
        let p = a.out.join(name);
        lfdeep_data::npy::write(&p, shape, &v).with_context(|| format!("writing {}", p.display()))
    };
    write("spike_prob.npy", &[n as u64, t as u64], preds.iter().flat_map(|p| p.spike_prob.iter().map(|&x| x as f32)).collect())?;
    write("soma_mv.npy", &[n as u64, t as u64], preds.iter().flat_map(|p| p.soma_mv.iter().copied()).collect())?;
    let nseg = run.spec().n_segments;
    if !preds[0].segment_mv.is_empty() {
        write("segments_mv.npy", &[n as u64, nseg as u64, t as u64], preds.iter().flat_map(|p| p.segment_mv.iter().copied()).collect())?;
    }
    let sim_ms = (n * t) as f64;
    let meta = json!({
        "run": a.run_dir.display().to_string(), "inputs": a.inputs, "model": run.meta.kind,
        "simulations": n, "duration_ms": t, "first_predicted_ms": preds[0].first_ms,
        "segments": if preds[0].segment_mv.is_empty() { 0 } else { nseg },
        "wall_s": secs, "simulated_ms_per_wall_s": sim_ms / secs,
    });
    std::fs::write(a.out.join("predict.json"), serde_json::to_string_pretty(&meta)?)?;
    println!("{n} simulations × {t} ms in {secs:.1} s: {:.0} simulated ms per second ({:.3}× real time); {}", sim_ms / secs, sim_ms / 1000.0 / secs, a.out.display());
    Ok(())
}
