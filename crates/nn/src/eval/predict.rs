//! Whole-simulation prediction, millisecond by millisecond.
//!
//! - Teacher-forced one-step ([`predict_teacher`]): windows as in training, stepped by the
//!   number of target steps, so every ms from `window − out_steps` on is predicted once; the
//!   voltage channels (teacher mode) hold the **true** past voltages.
//! - Free-running ([`predict_free`]): for `teacher`-mode models, one step at a time, the voltage
//!   channels hold the model's **own** past predictions (the first `window` ms are seeded with
//!   the true voltages, as the initial condition of the rollout); `inputs`-mode models see only
//!   synaptic input, so their teacher-forced prediction already is the free-running one.

use burn::prelude::*;

use crate::data::{InputMode, Normalization, Pca, Simulation, WindowSpec};
use crate::error::{NnError, Result};
use crate::models::Surrogate;

use super::run::LoadedRun;

/// Predictions for one simulation; entries before the first predicted ms are NaN.
#[derive(Debug, Clone)]
pub struct SimPrediction {
    pub duration_ms: usize,
    /// First ms with a prediction.
    pub first_ms: usize,
    /// Spike probability per ms.
    pub spike_prob: Vec<f64>,
    /// Soma voltage (mV, the clipped trace the model is trained on).
    pub soma_mv: Vec<f32>,
    /// Segment voltages (mV), [segments, duration] row-major; empty when the model predicts
    /// no dendritic targets.
    pub segment_mv: Vec<f32>,
}

/// Writes the input window starting at `t0` into `x` [channels, window], with the voltage
/// channels (teacher mode) taken from `seg_mv` [segments, duration] and `soma_mv`, each one
/// step in the past as in training (`data::windows`).
pub fn fill_window(spec: &WindowSpec, norm: &Normalization, sim: &Simulation, seg_mv: &[f32], soma_mv: &[f32], t0: usize, x: &mut [f32]) {
    let w = spec.window;
    let dur = sim.duration_ms;
    x.fill(0.0);
    for (c, times) in sim.input_spikes.iter().enumerate() {
        let start = times.partition_point(|&t| (t as usize) < t0);
        for &t in times[start..].iter().take_while(|&&t| (t as usize) < t0 + w) {
            x[c * w + (t as usize - t0)] = 1.0;
        }
    }
    if spec.mode == InputMode::Teacher {
        let base = spec.n_synapses;
        for seg in 0..spec.n_segments {
            let row = &mut x[(base + seg) * w..(base + seg + 1) * w];
            for (j, r) in row.iter_mut().enumerate() {
                *r = norm.segment(seg, seg_mv[seg * dur + (t0 + j).saturating_sub(1)]);
            }
        }
        let row = &mut x[(base + spec.n_segments) * w..(base + spec.n_segments + 1) * w];
        for (j, r) in row.iter_mut().enumerate() {
            *r = norm.soma(soma_mv[(t0 + j).saturating_sub(1)]);
        }
    }
}

/// Runs the model on `n` windows in `x` and returns [n, steps, targets] as a flat vector.
fn forward(model: &Surrogate, device: &Device, spec: &WindowSpec, x: Vec<f32>, n: usize, steps: usize) -> Vec<f32> {
    let xt = Tensor::<3>::from_data(TensorData::new(x, [n, spec.channels(), spec.window]), device);
    model.forward_last(xt, steps).into_data().try_to_vec_as::<f32>().expect("f32 predictions")
}

/// Writes one predicted target row (z-scored) at time `t` into `p`, in mV.
fn write_row(p: &mut SimPrediction, row: &[f32], t: usize, norm: &Normalization, pca: Option<&Pca>, nseg: usize, zbuf: &mut [f32]) {
    p.spike_prob[t] = 1.0 / (1.0 + (-row[0] as f64).exp());
    p.soma_mv[t] = norm.soma_mv(row[1]);
    if p.segment_mv.is_empty() {
        return;
    }
    let dur = p.duration_ms;
    match pca {
        Some(pca) => {
            pca.reconstruct(&row[2..], zbuf);
            for (s, &z) in zbuf.iter().enumerate() {
                p.segment_mv[s * dur + t] = norm.segment_mv(s, z);
            }
        }
        None => {
            for s in 0..nseg {
                p.segment_mv[s * dur + t] = norm.segment_mv(s, row[2 + s]);
            }
        }
    }
}

fn empty_prediction(spec: &WindowSpec, dur: usize, first_ms: usize) -> SimPrediction {
    let segs = if spec.dend_targets > 0 { spec.n_segments * dur } else { 0 };
    SimPrediction {
        duration_ms: dur,
        first_ms,
        spike_prob: vec![f64::NAN; dur],
        soma_mv: vec![f32::NAN; dur],
        segment_mv: vec![f32::NAN; segs],
    }
}

fn check(spec: &WindowSpec, sim: &Simulation) -> Result<()> {
    if sim.n_synapses() != spec.n_synapses || sim.n_segments != spec.n_segments {
        return Err(NnError::Data(format!(
            "the simulation has {} synapses / {} segments, the model was trained on {} / {}",
            sim.n_synapses(),
            sim.n_segments,
            spec.n_synapses,
            spec.n_segments
        )));
    }
    if sim.duration_ms < spec.window {
        return Err(NnError::Data(format!("the simulation lasts {} ms, shorter than the {} ms window", sim.duration_ms, spec.window)));
    }
    Ok(())
}

/// Teacher-forced one-step prediction of a whole simulation (`batch` windows per forward pass).
pub fn predict_teacher(run: &LoadedRun, sim: &Simulation, batch: usize) -> Result<SimPrediction> {
    let spec = run.spec();
    check(&spec, sim)?;
    let (w, k, nt, dur) = (spec.window, spec.out_steps, spec.n_targets(), sim.duration_ms);
    let mut starts: Vec<usize> = (0..=dur - w).step_by(k).collect();
    if *starts.last().unwrap() != dur - w {
        starts.push(dur - w);
    }
    let mut p = empty_prediction(&spec, dur, w - k);
    let xs = spec.channels() * w;
    let mut zbuf = vec![0.0f32; spec.n_segments];
    for chunk in starts.chunks(batch.max(1)) {
        let mut x = vec![0.0f32; chunk.len() * xs];
        for (b, &t0) in chunk.iter().enumerate() {
            fill_window(&spec, &run.norm, sim, &sim.segment_v, &sim.soma_v, t0, &mut x[b * xs..(b + 1) * xs]);
        }
        let y = forward(&run.model, &run.device, &spec, x, chunk.len(), k);
        for (b, &t0) in chunk.iter().enumerate() {
            for j in 0..k {
                let row = &y[(b * k + j) * nt..(b * k + j + 1) * nt];
                write_row(&mut p, row, t0 + w - k + j, &run.norm, run.pca.as_ref(), spec.n_segments, &mut zbuf);
            }
        }
    }
    Ok(p)
}

/// Checks a batch for a teacher-mode free-running rollout and returns its common length (ms);
/// `None` for an empty batch.
fn free_run_duration(spec: &WindowSpec, sims: &[Simulation]) -> Result<Option<usize>> {
    if spec.dend_targets == 0 {
        return Err(NnError::Data(
            "free-running needs a model that predicts the dendritic voltages it takes as input (data.predict_dendrites = true)".into(),
        ));
    }
    for s in sims {
        check(spec, s)?;
    }
    let Some(dur) = sims.first().map(|s| s.duration_ms) else { return Ok(None) };
    if sims.iter().any(|s| s.duration_ms != dur) {
        return Err(NnError::Data("free-running batches need simulations of equal length".into()));
    }
    Ok(Some(dur))
}

/// Free-running rollout of several simulations at once (one batch row per simulation).
///
/// Device-resident: the input window stays on the device; each ms the model predicts the last
/// step, the next column (input spikes from a precomputed device raster, the predicted
/// z-scored voltages fed back through [`feedback_column`]) is appended and the oldest dropped.
/// Predictions are read back once at the end. Same results as [`predict_free_host`].
pub fn predict_free(run: &LoadedRun, sims: &[Simulation]) -> Result<Vec<SimPrediction>> {
    let spec = run.spec();
    if spec.mode == InputMode::Inputs {
        return sims.iter().map(|s| predict_teacher(run, s, 64)).collect();
    }
    let Some(dur) = free_run_duration(&spec, sims)? else { return Ok(Vec::new()) };
    let (w, nt, nseg, nsyn) = (spec.window, spec.n_targets(), spec.n_segments, spec.n_synapses);
    let n = sims.len();
    let mut preds: Vec<SimPrediction> = sims.iter().map(|_| empty_prediction(&spec, dur, w)).collect();
    if dur == w {
        return Ok(preds);
    }
    let dev = &run.device;
    // Initial condition: the window ending at ms w (true voltages, one step in the past).
    let xs = spec.channels() * w;
    let mut x0 = vec![0.0f32; n * xs];
    for (b, s) in sims.iter().enumerate() {
        let soma: Vec<f32> = s.soma_v.iter().map(|&v| v.min(run.norm.soma_clip_mv)).collect();
        fill_window(&spec, &run.norm, s, &s.segment_v, &soma, 1, &mut x0[b * xs..(b + 1) * xs]);
    }
    let x0 = Tensor::<3>::from_data(TensorData::new(x0, [n, spec.channels(), w]), dev);
    // Input raster [n, synapses, dur] (0/1).
    let mut raster = vec![0.0f32; n * nsyn * dur];
    for (b, s) in sims.iter().enumerate() {
        for (c, times) in s.input_spikes.iter().enumerate() {
            for &t in times.iter().filter(|&&t| (t as usize) < dur) {
                raster[(b * nsyn + c) * dur + t as usize] = 1.0;
            }
        }
    }
    let raster = Tensor::<3>::from_data(TensorData::new(raster, [n, nsyn, dur]), dev);
    let fb = Feedback::new(&run.norm, run.pca.as_ref(), nseg, dev);
    let mut rows = Vec::with_capacity(dur - w);
    // Step j predicts ms w + j; the column after it is ms w + j + 1.
    rollout(&run.model, x0, dur - w, &fb, |j| raster.clone().slice([0..n, 0..nsyn, w + j + 1..w + j + 2]), |y| rows.push(y));
    // [n, steps, targets], read back once.
    let y = Tensor::cat(rows, 1).into_data().convert::<f32>().try_to_vec::<f32>().expect("f32 predictions");
    let steps = dur - w;
    let mut zbuf = vec![0.0f32; nseg];
    for (b, p) in preds.iter_mut().enumerate() {
        for j in 0..steps {
            let row = &y[(b * steps + j) * nt..(b * steps + j + 1) * nt];
            write_row(p, row, w + j, &run.norm, run.pca.as_ref(), nseg, &mut zbuf);
        }
    }
    Ok(preds)
}

/// How predicted targets become the voltage channels of the next input column, on the device.
pub struct Feedback {
    /// Soma z-score of the clip voltage: the soma channel holds the clipped trace.
    pub soma_clip_z: f32,
    /// PCA: coefficients [.., k] · `pca_basis` [k, segments] = segment z-scores (whitened
    /// components scaled by √eigenvalue, as [`Pca::reconstruct`]).
    pub pca_basis: Option<Tensor<2>>,
}

impl Feedback {
    pub fn new(norm: &Normalization, pca: Option<&Pca>, n_segments: usize, device: &Device) -> Self {
        let soma_clip_z = (norm.soma_clip_mv - norm.soma_mean) / norm.soma_std;
        let pca_basis = pca.map(|p| {
            let k = p.n_components();
            let m: Vec<f32> = (0..k)
                .flat_map(|j| {
                    let s = p.eigenvalues[j].sqrt();
                    p.components[j * n_segments..(j + 1) * n_segments].iter().map(move |&c| c * s)
                })
                .collect();
            Tensor::<2>::from_data(TensorData::new(m, [k, n_segments]), device)
        });
        Feedback { soma_clip_z, pca_basis }
    }
}

/// The voltage channels [batch, segments + 1, 1] of the next input column from one predicted
/// step y [batch, 1, targets] (spike, soma, dendritic targets; all z-scored). A voltage goes
/// through mV and back in the host version; here it stays a z-score (the segment channels use
/// the target's own z-scoring, `data::windows`), and the soma is clipped at the clip voltage.
pub fn feedback_column(y: Tensor<3>, fb: &Feedback) -> Tensor<3> {
    let [b, _, k] = y.dims();
    let soma = y.clone().slice([0..b, 0..1, 1..2]).clamp_max(fb.soma_clip_z);
    let dend = y.slice([0..b, 0..1, 2..k]);
    let seg = match &fb.pca_basis {
        Some(m) => dend.reshape([b, k - 2]).matmul(m.clone()).unsqueeze_dim::<3>(1),
        None => dend,
    };
    // [b, 1, segments + 1] → [b, segments + 1, 1]
    Tensor::cat(vec![seg, soma], 2).swap_dims(1, 2)
}

/// Runs `steps` free-running steps from the window `x` [batch, channels, w], whose last column
/// is the first predicted ms. After each prediction y [batch, 1, targets] (handed to
/// `on_step`), the window drops its oldest column and appends the next ms: its input spikes,
/// `spikes(j)` [batch, synapses, 1] for the ms after step `j`, and the fed-back voltages of the
/// ms just predicted (one step in the past, as in training). Nothing is read back here.
pub fn rollout(
    model: &Surrogate,
    mut x: Tensor<3>,
    steps: usize,
    fb: &Feedback,
    mut spikes: impl FnMut(usize) -> Tensor<3>,
    mut on_step: impl FnMut(Tensor<3>),
) {
    let [b, c, w] = x.dims();
    for j in 0..steps {
        let y = model.forward_last(x.clone(), 1);
        if j + 1 < steps {
            let next = Tensor::cat(vec![spikes(j), feedback_column(y.clone(), fb)], 1);
            debug_assert_eq!(next.dims()[1], c);
            x = Tensor::cat(vec![x.slice([0..b, 0..c, 1..w]), next], 2);
        }
        on_step(y);
    }
}

/// The host-side free-running rollout (every window assembled on the host, one upload and one
/// read-back per ms): slow, kept as the test oracle of [`predict_free`].
pub fn predict_free_host(run: &LoadedRun, sims: &[Simulation]) -> Result<Vec<SimPrediction>> {
    let spec = run.spec();
    if spec.mode == InputMode::Inputs {
        return sims.iter().map(|s| predict_teacher(run, s, 64)).collect();
    }
    let Some(dur) = free_run_duration(&spec, sims)? else { return Ok(Vec::new()) };
    let (w, nt, nseg) = (spec.window, spec.n_targets(), spec.n_segments);
    // Rolling state: true voltages for the first window (initial condition), then predictions.
    let mut seg: Vec<Vec<f32>> = sims.iter().map(|s| s.segment_v.clone()).collect();
    let mut soma: Vec<Vec<f32>> = sims.iter().map(|s| s.soma_v.iter().map(|&v| v.min(run.norm.soma_clip_mv)).collect()).collect();
    let mut preds: Vec<SimPrediction> = sims.iter().map(|_| empty_prediction(&spec, dur, w)).collect();
    let xs = spec.channels() * w;
    let mut zbuf = vec![0.0f32; nseg];
    let mut x = vec![0.0f32; sims.len() * xs];
    for t in w..dur {
        let t0 = t + 1 - w;
        for (b, s) in sims.iter().enumerate() {
            fill_window(&spec, &run.norm, s, &seg[b], &soma[b], t0, &mut x[b * xs..(b + 1) * xs]);
        }
        let y = forward(&run.model, &run.device, &spec, x.clone(), sims.len(), 1);
        for (b, p) in preds.iter_mut().enumerate() {
            write_row(p, &y[b * nt..(b + 1) * nt], t, &run.norm, run.pca.as_ref(), nseg, &mut zbuf);
            soma[b][t] = p.soma_mv[t];
            for s in 0..nseg {
                seg[b][s * dur + t] = p.segment_mv[s * dur + t];
            }
        }
    }
    Ok(preds)
}
