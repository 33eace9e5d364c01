//! `lfdeep predict RUN_DIR --inputs DATASET|SPIKES.npy --out OUT`: free-running predictions of
//! every simulation of a dataset (or of one input-spike array) from its synaptic input
//! (teacher-mode models feed back their own voltages after the first window), as `.npy`
//! arrays, with throughput printed.

use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{bail, Context, Result};
use lfdeep_nn::data::{InMemorySource, Simulation, SimulationSource};
use lfdeep_nn::eval::{predict_free, LoadedRun, SimPrediction};
use serde_json::json;

#[derive(clap::Args)]
#[command(after_help = "Examples:\n  lfdeep predict runs/mh --inputs data/new --out preds/new\n  \
lfdeep predict runs/tcn --inputs spikes.npy --out preds/one\n  \
lfdeep predict runs/mmoe --inputs data/test --max-sims 1 --lfp-voltages --out preds/lfp\n\n\
Writes OUT/spike_prob.npy [sims, ms], OUT/soma_mv.npy [sims, ms], OUT/segments_mv.npy\n\
[sims, segments, ms] (when the model predicts dendrites) as float32; NaN before the first\n\
predicted ms (the first window); OUT/predict.json with shapes and throughput.\n\
--lfp-voltages also writes OUT/voltages_simK_mv.npy [segments + soma, ms] per simulation, in\n\
segment-table order (basal, apical, soma), ready for\n  \
lfdeep lfp --prediction OUT/voltages_sim0_mv.npy --axon-from-soma ...")]
pub struct Args {
    /// Run folder written by `lfdeep train`.
    run_dir: PathBuf,
    /// Inputs: a dataset directory, `synthetic:SIMS[:SEGMENTS[:MS]]`, or a `.npy` array of
    /// input spikes [synapses, ms] (float32/float64, 1 = a spike in that 1 ms bin, else 0;
    /// rows in the dataset's synapse order). Teacher-mode models need past voltages for their
    /// first window: from a `.npy`, each segment starts at its training-set mean voltage.
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
    /// Also write one voltage file per simulation for `lfdeep lfp --prediction`: the
    /// predicted dendritic rows and the soma row (clipped as the model was trained), every ms;
    /// the first window, which the model does not predict, holds the input's own voltages
    /// (the rollout's initial condition).
    #[arg(long)]
    lfp_voltages: bool,
}

pub fn run(a: Args) -> Result<()> {
    let device = lfdeep_nn::device_from_name(&a.device)?;
    let run = LoadedRun::load(&a.run_dir, &device).with_context(|| format!("loading run {}", a.run_dir.display()))?;
    let source: Box<dyn SimulationSource> = if a.inputs.ends_with(".npy") {
        Box::new(InMemorySource::new(vec![simulation_from_npy(Path::new(&a.inputs), &run)?])?)
    } else {
        crate::evaluate_cmd::open_data(&a.inputs)?.0
    };
    let n = if a.max_sims > 0 { a.max_sims.min(source.len()) } else { source.len() };
    if n == 0 {
        bail!("--inputs {}: no simulations", a.inputs);
    }
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let write = |name: &str, shape: &[u64], v: Vec<f32>| -> Result<()> {
        let p = a.out.join(name);
        lfdeep_data::npy::write(&p, shape, &v).with_context(|| format!("writing {}", p.display()))
    };
    let mut wall_s = 0.0;
    let mut preds: Vec<SimPrediction> = Vec::with_capacity(n);
    let idx: Vec<usize> = (0..n).collect();
    for chunk in idx.chunks(16) {
        let sims = chunk.iter().map(|&i| source.load(i)).collect::<lfdeep_nn::Result<Vec<_>>>()?;
        let start = Instant::now();
        let p = predict_free(&run, &sims)?;
        wall_s += start.elapsed().as_secs_f64();
        if a.lfp_voltages {
            for ((&i, s), p) in chunk.iter().zip(&sims).zip(&p) {
                let (rows, v) = lfp_rows(s, p, run.norm.soma_clip_mv);
                write(&format!("voltages_sim{i}_mv.npy"), &[rows as u64, s.duration_ms as u64], v)?;
            }
        }
        preds.extend(p);
        eprint!("\r  {} / {n} simulations", preds.len());
    }
    eprintln!();
    let t = preds[0].duration_ms;
    if preds.iter().any(|p| p.duration_ms != t) {
        bail!("--inputs {}: simulations of different lengths cannot share one array", a.inputs);
    }
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
        "device": a.device,
        "wall_s": wall_s, "simulated_ms_per_wall_s": sim_ms / wall_s,
        "lfp_voltages": a.lfp_voltages,
    });
    std::fs::write(a.out.join("predict.json"), serde_json::to_string_pretty(&meta)?)?;
    println!(
        "{n} simulations × {t} ms in {wall_s:.2} s of prediction: {:.0} simulated ms per second ({:.3}× real time); {}",
        sim_ms / wall_s,
        sim_ms / 1000.0 / wall_s,
        a.out.display()
    );
    Ok(())
}

/// Predicted voltages of one simulation as [segments + soma, ms] (segment-table order of the
/// dataset: dendritic rows, then the soma), the unpredicted first ms taken from the input.
fn lfp_rows(s: &Simulation, p: &SimPrediction, soma_clip_mv: f32) -> (usize, Vec<f32>) {
    let t = s.duration_ms;
    let mut v = Vec::with_capacity((s.n_segments + 1) * t);
    let pick = |pred: f32, truth: f32| if pred.is_finite() { pred } else { truth };
    for seg in 0..s.n_segments {
        let truth = s.segment(seg);
        if p.segment_mv.is_empty() {
            v.extend_from_slice(truth);
        } else {
            v.extend(p.segment_mv[seg * t..(seg + 1) * t].iter().zip(truth).map(|(&a, &b)| pick(a, b)));
        }
    }
    v.extend(p.soma_mv.iter().zip(&s.soma_v).map(|(&a, &b)| pick(a, b.min(soma_clip_mv))));
    (s.n_segments + 1, v)
}

/// One simulation from an input-spike array [synapses, ms]; voltages (only used as the
/// teacher-mode rollout's first window) at each target's training mean.
fn simulation_from_npy(path: &Path, run: &LoadedRun) -> Result<Simulation> {
    let spec = run.spec();
    let mut m = lfdeep_lfp::npy::read_npy(path).with_context(|| format!("reading input spikes {}", path.display()))?;
    if m.rows != spec.n_synapses && m.cols == spec.n_synapses {
        m = m.transpose();
    }
    if m.rows != spec.n_synapses {
        bail!("{}: {} × {} array, but the model takes {} synapses (expected synapses × ms)", path.display(), m.rows, m.cols, spec.n_synapses);
    }
    let t = m.cols;
    let mut input_spikes = Vec::with_capacity(m.rows);
    for r in 0..m.rows {
        let mut times = Vec::new();
        for (ms, &x) in m.row(r).iter().enumerate() {
            if x == 1.0 {
                times.push(ms as u32);
            } else if x != 0.0 {
                bail!("{}: synapse {r}, ms {ms}: value {x}; input spikes must be 0 or 1", path.display());
            }
        }
        input_spikes.push(times);
    }
    let nseg = spec.n_segments;
    let mut segment_v = Vec::with_capacity(nseg * t);
    for s in 0..nseg {
        segment_v.extend(std::iter::repeat_n(run.norm.segment_mv(s, 0.0), t));
    }
    let sim = Simulation {
        duration_ms: t,
        input_spikes,
        segment_v,
        n_segments: nseg,
        soma_v: vec![run.norm.soma_mv(0.0); t],
        output_spikes_ms: Vec::new(),
    };
    sim.validate(&path.display().to_string())?;
    Ok(sim)
}
