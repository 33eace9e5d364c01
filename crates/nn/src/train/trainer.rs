//! The training loop: splits, z-scoring, balanced windows with prefetch, Adam/AdamW with a
//! learning-rate schedule and gradient clipping, MMoEEx constraints after every step,
//! validation and checkpoint every epoch, early stopping, resume.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use burn::module::Module;
use burn::prelude::*;
use serde::{Deserialize, Serialize};

use super::checkpoint::{load_checkpoint, save_checkpoint, save_weights, TrainState};
use super::config::{InputUpload, RunConfig};
use super::loss::surrogate_loss;
use super::loss_history::LossHistory;
use super::non_finite;
use super::parallel::{DataParallel, LossWeights};
use super::step::{build_optimizer, train_step, train_step_checked};
use crate::data::{events_to_tensor, loader_threads, split_by_simulation, HostBatch, Normalization, Pca, Prefetcher, SimulationSource, Splits, WindowSampler, WindowSpec};
use crate::error::{NnError, Result};
use crate::models::{ModelShape, Surrogate};

/// Validation metrics of one epoch.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct EpochMetrics {
    pub epoch: u64,
    pub step: u64,
    pub lr: f64,
    pub train_loss: f64,
    pub val_loss: f64,
    pub val_bce: f64,
    pub val_soma_mse: f64,
    pub val_dend_mse: f64,
    /// ROC AUC of the per-step spike probability (NaN when the windows hold no spike).
    pub val_spike_auc: f64,
    /// Soma RMSE in mV (clipped trace).
    pub val_soma_rmse_mv: f64,
    pub seconds: f64,
}

impl EpochMetrics {
    pub const CSV_HEADER: &'static str =
        "epoch,step,lr,train_loss,val_loss,val_bce,val_soma_mse,val_dend_mse,val_spike_auc,val_soma_rmse_mv,seconds";
    pub fn csv_row(&self) -> String {
        format!(
            "{},{},{:.3e},{:.6},{:.6},{:.6},{:.6},{:.6},{:.5},{:.5},{:.2}",
            self.epoch, self.step, self.lr, self.train_loss, self.val_loss, self.val_bce, self.val_soma_mse,
            self.val_dend_mse, self.val_spike_auc, self.val_soma_rmse_mv, self.seconds
        )
    }
}

/// Progress reported to the caller (the CLI draws it).
pub enum Progress<'a> {
    Step { step: u64, max_steps: u64, loss: f64, lr: f64 },
    Epoch(&'a EpochMetrics),
    Message(String),
}

/// Why training ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// `train.max_steps` reached.
    MaxSteps,
    /// `train.patience` epochs without a validation improvement.
    EarlyStop,
    /// `train.max_seconds` ran out.
    TimeBudget,
}

impl std::fmt::Display for StopReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            StopReason::MaxSteps => "max_steps reached",
            StopReason::EarlyStop => "early stop (patience)",
            StopReason::TimeBudget => "time budget (train.max_seconds) ran out",
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainSummary {
    pub run_dir: PathBuf,
    pub num_params: usize,
    pub steps: u64,
    pub epochs: Vec<EpochMetrics>,
    pub best_val: f64,
    pub best_epoch: u64,
    pub stopped_early: bool,
    pub stop_reason: StopReason,
    /// Mean wall time per optimiser step (s), from asking the loader for its batch to the loss
    /// read back; validation excluded.
    pub seconds_per_step: f64,
    /// The same without the run's first step (kernel compilation and autotuning on a GPU):
    /// the steady-state step time, e.g. to compare one device with several.
    pub steady_seconds_per_step: f64,
    /// Of `seconds_per_step`: the mean wait of the training thread for the loader's next batch
    /// (a slow loader shows here, not in a benchmark of the step).
    #[serde(default)]
    pub batch_wait_seconds_per_step: f64,
    /// Of `seconds_per_step`: the mean time turning a host batch into device tensors on the
    /// training thread (single device). On CUDA Burn queues the copy, which then runs inside
    /// the step (an H200 showed under 0.1 ms here for 131 MB TCN batches).
    #[serde(default)]
    pub upload_seconds_per_step: f64,
}

/// Model metadata written beside the weights, enough to rebuild the model for inference.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ModelMeta {
    pub kind: String,
    pub shape: ModelShape,
    pub spec: WindowSpec,
    pub num_params: usize,
}

pub(crate) fn to_tensors(b: &HostBatch, device: &Device) -> (Tensor<3>, Tensor<3>) {
    into_tensors(b.clone(), device)
}

/// [`to_tensors`] without the copy: a training batch (~130 MB for the TCN at batch 64) is used
/// once, and copying it cost the training thread a fresh allocation and its page faults.
pub(crate) fn into_tensors(b: HostBatch, device: &Device) -> (Tensor<3>, Tensor<3>) {
    let s = b.spec;
    let shape = [b.batch, s.channels(), s.window];
    let x = match b.input_events {
        None => Tensor::from_data(TensorData::new(b.inputs, shape), device),
        Some(events) => events_to_tensor(events, shape, device),
    };
    let y = Tensor::from_data(TensorData::new(b.targets, [b.batch, s.out_steps, s.n_targets()]), device);
    (x, y)
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| NnError::io(path, e))
}

/// Everything fixed before the first step: splits, statistics, samplers, shapes.
pub struct Prepared {
    pub splits: Splits,
    pub norm: Arc<Normalization>,
    pub pca: Option<Arc<Pca>>,
    pub train: Arc<WindowSampler>,
    pub val: Arc<WindowSampler>,
    pub spec: WindowSpec,
    pub shape: ModelShape,
}

pub fn prepare(cfg: &RunConfig, source: &dyn SimulationSource) -> Result<Prepared> {
    let d = &cfg.data;
    let splits = split_by_simulation(source.len(), d.val_fraction, d.test_fraction, cfg.seed)?;
    if splits.val.is_empty() {
        return Err(NnError::config("data.val_fraction", "validation needs at least one simulation"));
    }
    let norm = Arc::new(Normalization::fit(source, &splits.train)?);
    let pca = match (d.predict_dendrites, d.pca_components) {
        (true, k) if k > 0 => Some(Arc::new(Pca::fit(source, &splits.train, &norm, k, cfg.seed)?)),
        _ => None,
    };
    let spec = WindowSpec {
        window: d.window_ms,
        out_steps: cfg.out_steps(),
        mode: d.input_mode,
        n_synapses: source.n_synapses(),
        n_segments: source.n_segments(),
        dend_targets: match (d.predict_dendrites, &pca) {
            (false, _) => 0,
            (true, Some(p)) => p.n_components(),
            (true, None) => source.n_segments(),
        },
    };
    let events = d.input_upload == InputUpload::Events;
    let train = Arc::new(WindowSampler::new(source, &splits.train, spec, norm.clone(), pca.clone(), d.spike_fraction)?.with_input_events(events));
    let val = Arc::new(WindowSampler::new(source, &splits.val, spec, norm.clone(), pca.clone(), d.spike_fraction)?);
    let shape = ModelShape { in_channels: spec.channels(), n_targets: spec.n_targets(), window: spec.window };
    Ok(Prepared { splits, norm, pca, train, val, spec, shape })
}

/// Loss and metrics of `model` (validation mode) on fixed validation batches.
pub fn evaluate(model: &Surrogate, batches: &[HostBatch], cfg: &RunConfig, norm: &Normalization, device: &Device) -> EpochMetrics {
    let model = model.valid();
    // A validation module holds plain tensors; its inputs must not carry autodiff either.
    let device = &device.clone().without_autodiff();
    let t = &cfg.train;
    let (mut loss, mut bce, mut soma, mut dend) = (0.0, 0.0, 0.0, 0.0);
    let (mut probs, mut labels, mut soma_err) = (Vec::new(), Vec::new(), Vec::new());
    for b in batches {
        let (x, y) = to_tensors(b, device);
        let pred = model.forward_last(x, b.spec.out_steps);
        let parts = surrogate_loss(pred.clone(), y, t.spike_weight, t.soma_weight, t.dend_weight);
        loss += parts.total.into_scalar::<f32>() as f64;
        bce += parts.bce.into_scalar::<f32>() as f64;
        soma += parts.soma_mse.into_scalar::<f32>() as f64;
        dend += parts.dend_mse.into_scalar::<f32>() as f64;
        let p = pred.into_data().try_to_vec_as::<f32>().expect("f32 predictions");
        let k = b.spec.n_targets();
        for (row, target) in p.chunks(k).zip(b.targets.chunks(k)) {
            probs.push(1.0 / (1.0 + (-row[0] as f64).exp()));
            labels.push(target[0] > 0.5);
            soma_err.push((norm.soma_mv(row[1]) - norm.soma_mv(target[1])) as f64);
        }
    }
    let n = batches.len().max(1) as f64;
    let auc = if labels.iter().any(|&l| l) && labels.iter().any(|&l| !l) {
        lfdeep_metrics::roc_auc(&labels, &probs).unwrap_or(f64::NAN)
    } else {
        f64::NAN
    };
    let rmse = (soma_err.iter().map(|e| e * e).sum::<f64>() / soma_err.len().max(1) as f64).sqrt();
    EpochMetrics {
        val_loss: loss / n,
        val_bce: bce / n,
        val_soma_mse: soma / n,
        val_dend_mse: dend / n,
        val_spike_auc: auc,
        val_soma_rmse_mv: rmse,
        ..Default::default()
    }
}

/// Trains `cfg.model` on `source`, writing everything into `run_dir`. With `resume`, continues
/// from `run_dir/checkpoints/last` (same config required).
pub fn train(
    cfg: &RunConfig,
    source: &dyn SimulationSource,
    run_dir: &Path,
    device: &Device,
    resume: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<TrainSummary> {
    train_on(cfg, source, run_dir, std::slice::from_ref(device), resume, progress)
}

/// [`train`] on one or more devices. With several, each step splits the global batch
/// (`data.batch_size`) over them, data-parallel (see [`super::parallel`]); the model, the
/// optimiser, validation and checkpoints live on the first device. Same seed and data order as
/// one device: the same trajectory up to floating-point reduction order (batch norm aside).
pub fn train_on(
    cfg: &RunConfig,
    source: &dyn SimulationSource,
    run_dir: &Path,
    devices: &[Device],
    resume: bool,
    progress: &mut dyn FnMut(Progress),
) -> Result<TrainSummary> {
    let run_start = Instant::now();
    let Some(device) = devices.first() else {
        return Err(NnError::config("--device", "no device given"));
    };
    if cfg.data.batch_size < devices.len() {
        return Err(NnError::config("data.batch_size", format!("{} is below the number of devices ({})", cfg.data.batch_size, devices.len())));
    }
    std::fs::create_dir_all(run_dir).map_err(|e| NnError::io(run_dir, e))?;
    let prep = prepare(cfg, source)?;
    write_file(&run_dir.join("config.toml"), &cfg.to_toml())?;
    prep.norm.save(&run_dir.join("normalization.json"))?;
    if let Some(p) = &prep.pca {
        write_file(&run_dir.join("pca.json"), &serde_json::to_string(p.as_ref()).unwrap())?;
    }
    write_file(&run_dir.join("splits.json"), &serde_json::to_string_pretty(&prep.splits).unwrap())?;

    let device = device.clone().autodiff();
    let parallel = if devices.len() > 1 {
        let ad: Vec<Device> = devices.iter().map(|d| d.clone().autodiff()).collect();
        Some(DataParallel::new(&ad)?)
    } else {
        None
    };
    let mut model = cfg.model.init(prep.shape, &device, cfg.seed)?;
    let num_params = model.num_params();
    let meta = ModelMeta { kind: cfg.model.name().into(), shape: prep.shape, spec: prep.spec, num_params };
    write_file(&run_dir.join("model.json"), &serde_json::to_string_pretty(&meta).unwrap())?;
    let mut optim = build_optimizer(cfg);
    progress(Progress::Message(format!(
        "{}: {num_params} parameters; {} train / {} val / {} test simulations; {} input channels, {} targets",
        cfg.model.name(),
        prep.splits.train.len(),
        prep.splits.val.len(),
        prep.splits.test.len(),
        prep.shape.in_channels,
        prep.shape.n_targets
    )));
    if let Some(dp) = &parallel {
        progress(Progress::Message(format!(
            "data-parallel over {} devices ({devices:?}): global batch {} split per step",
            dp.num_devices(),
            cfg.data.batch_size
        )));
    }

    let val_seed = cfg.seed ^ 0x5eed_0f_7a1;
    let val_batches: Vec<HostBatch> =
        (0..cfg.data.val_batches as u64).map(|i| prep.val.batch(cfg.data.batch_size, val_seed, i)).collect();

    let csv_path = run_dir.join("metrics.csv");
    let mut state = TrainState { step: 0, epoch: 0, best_val: f64::INFINITY, best_epoch: 0, epochs_without_improvement: 0 };
    let mut epochs = Vec::new();
    if resume {
        let (m, o, s) = load_checkpoint(run_dir, model, optim)?;
        model = m;
        optim = o;
        state = s;
        progress(Progress::Message(format!("resumed at step {} (epoch {})", state.step, state.epoch)));
    } else {
        let mut m0 = evaluate(&model, &val_batches, cfg, &prep.norm, &device);
        m0.lr = cfg.train.lr_at(0);
        m0.train_loss = f64::NAN;
        let mut f = std::fs::File::create(&csv_path).map_err(|e| NnError::io(&csv_path, e))?;
        writeln!(f, "{}\n{}", EpochMetrics::CSV_HEADER, m0.csv_row()).map_err(|e| NnError::io(&csv_path, e))?;
        progress(Progress::Epoch(&m0));
        epochs.push(m0);
    }

    let t_cfg = &cfg.train;
    let mut stop_reason = StopReason::MaxSteps;
    let mut step_seconds = 0.0;
    let mut steps_timed = 0u64;
    let mut steady_seconds = 0.0;
    let (mut batch_wait_seconds, mut upload_seconds) = (0.0, 0.0);
    while state.step < t_cfg.max_steps {
        let epoch_start = Instant::now();
        let end = (state.step + t_cfg.steps_per_epoch).min(t_cfg.max_steps);
        let mut batches = Prefetcher::spawn(prep.train.clone(), cfg.data.batch_size, cfg.seed, state.step, end, cfg.data.prefetch, loader_threads(cfg.data.loader_threads));
        let mut train_loss = 0.0;
        let mut n = 0u64;
        let mut history = LossHistory::default();
        loop {
            // A step's time runs from asking for its batch, so a loader that falls behind
            // counts against the run as it does against its wall clock.
            let t0 = Instant::now();
            let Some(batch) = batches.next() else { break };
            batch_wait_seconds += t0.elapsed().as_secs_f64();
            let lr = t_cfg.lr_at(state.step);
            let loss = match &parallel {
                None => {
                    let t_up = Instant::now();
                    let (x, y) = into_tensors(batch, &device);
                    upload_seconds += t_up.elapsed().as_secs_f64();
                    // Kept (shared buffers, no copy) to say where a non-finite loss came from.
                    let kept = t_cfg.explain_non_finite.then(|| (model.clone(), x.clone(), y.clone()));
                    let loss = if t_cfg.check_gradients {
                        let (m, loss) = train_step_checked(model, &mut optim, cfg, x, y, state.step)?;
                        model = m;
                        loss
                    } else {
                        let (m, loss) = train_step(model, &mut optim, cfg, x, y, state.step);
                        model = m;
                        loss.into_scalar::<f32>() as f64
                    };
                    history.check(state.step, loss, || {
                        kept.map(|(before, x, y)| format!("{}; {}", non_finite::describe(&before, &x, &y), non_finite::replay(&before, &x, &y, cfg)))
                    })?
                }
                Some(dp) => {
                    let weights = LossWeights { spike: t_cfg.spike_weight, soma: t_cfg.soma_weight, dend: t_cfg.dend_weight };
                    let (grads, loss) = dp.gradients(&model, &batch, weights)?;
                    model = optim.step(lr, model, grads).enforce_constraints();
                    history.check(state.step, loss, || None)?
                }
            };
            let dt = t0.elapsed().as_secs_f64();
            if steps_timed > 0 {
                steady_seconds += dt;
            }
            step_seconds += dt;
            steps_timed += 1;
            train_loss += loss;
            n += 1;
            state.step += 1;
            progress(Progress::Step { step: state.step, max_steps: t_cfg.max_steps, loss, lr });
            if state.step < t_cfg.max_steps && t_cfg.max_seconds.is_some_and(|b| run_start.elapsed().as_secs_f64() >= b) {
                stop_reason = StopReason::TimeBudget;
                break;
            }
        }
        state.epoch += 1;
        let mut m = evaluate(&model, &val_batches, cfg, &prep.norm, &device);
        m.epoch = state.epoch;
        m.step = state.step;
        m.lr = t_cfg.lr_at(state.step.saturating_sub(1));
        m.train_loss = train_loss / n.max(1) as f64;
        m.seconds = epoch_start.elapsed().as_secs_f64();
        let mut f = std::fs::OpenOptions::new().append(true).open(&csv_path).map_err(|e| NnError::io(&csv_path, e))?;
        writeln!(f, "{}", m.csv_row()).map_err(|e| NnError::io(&csv_path, e))?;
        if m.val_loss < state.best_val - t_cfg.min_delta {
            state.best_val = m.val_loss;
            state.best_epoch = state.epoch;
            state.epochs_without_improvement = 0;
            save_weights(&model, &run_dir.join("best.safetensors"))?;
        } else {
            state.epochs_without_improvement += 1;
        }
        save_checkpoint(run_dir, &model, &optim, &state)?;
        progress(Progress::Epoch(&m));
        epochs.push(m);
        if stop_reason == StopReason::TimeBudget {
            progress(Progress::Message(format!(
                "stopped after step {}: time budget of {} s ran out ({:.1} s elapsed)",
                state.step,
                t_cfg.max_seconds.unwrap_or(f64::NAN),
                run_start.elapsed().as_secs_f64()
            )));
            break;
        }
        if t_cfg.patience > 0 && state.epochs_without_improvement >= t_cfg.patience {
            stop_reason = StopReason::EarlyStop;
            progress(Progress::Message(format!("early stop: no improvement for {} epochs", t_cfg.patience)));
            break;
        }
    }
    Ok(TrainSummary {
        run_dir: run_dir.to_path_buf(),
        num_params,
        steps: state.step,
        epochs,
        best_val: state.best_val,
        best_epoch: state.best_epoch,
        stopped_early: stop_reason == StopReason::EarlyStop,
        stop_reason,
        seconds_per_step: if steps_timed > 0 { step_seconds / steps_timed as f64 } else { f64::NAN },
        steady_seconds_per_step: if steps_timed > 1 { steady_seconds / (steps_timed - 1) as f64 } else { f64::NAN },
        batch_wait_seconds_per_step: batch_wait_seconds / steps_timed.max(1) as f64,
        upload_seconds_per_step: upload_seconds / steps_timed.max(1) as f64,
    })
}
