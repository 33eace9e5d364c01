//! Training throughput on one or several devices, for benchmarks: the trainer's step (host
//! batch uploaded every step, forward, backward, one optimiser update) on random host batches
//! of a given window spec, with the data-parallel path of [`super::parallel`] when more than
//! one device is given. Comparing `devices = [cuda:0]` with `[cuda:0, cuda:1]` at the same
//! global batch measures the data-parallel speed-up as training would see it.

use std::time::Instant;

use burn::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;

use super::config::RunConfig;
use super::parallel::{DataParallel, LossWeights};
use super::step::{build_optimizer, train_step};
use super::trainer::to_tensors;
use crate::data::{HostBatch, WindowSpec};
use crate::error::{NnError, Result};
use crate::models::ModelShape;

#[derive(Debug, Clone, Serialize)]
pub struct StepTiming {
    pub devices: usize,
    pub batch: usize,
    pub params: usize,
    /// The first step (kernel compilation, autotuning), seconds.
    pub first_step_s: f64,
    /// Median of the timed steps, seconds; each ends by reading the loss back (a sync).
    pub median_step_s: f64,
    pub min_step_s: f64,
    pub samples_per_s: f64,
    pub steps: usize,
    pub final_loss: f64,
}

/// Random host batch: 1 % dense binary inputs, spike targets at 5 %, other targets U(-1, 1).
pub fn random_host_batch(spec: WindowSpec, batch: usize, seed: u64) -> HostBatch {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let inputs = (0..batch * spec.channels() * spec.window).map(|_| if rng.random::<f64>() < 0.01 { 1.0 } else { 0.0 }).collect();
    let k = spec.n_targets();
    let targets = (0..batch * spec.out_steps * k)
        .map(|i| if i % k == 0 { f32::from(rng.random::<f64>() < 0.05) } else { rng.random::<f32>() * 2.0 - 1.0 })
        .collect();
    HostBatch { batch, inputs, input_events: None, targets, spec }
}

/// Times `1 + warmup + steps` training steps of `cfg.model` with global batch `batch` on
/// `devices` (the first holds model and optimiser); `input_sets` random batches are rotated.
pub fn time_train_steps(cfg: &RunConfig, spec: WindowSpec, devices: &[Device], batch: usize, warmup: usize, steps: usize, input_sets: usize) -> Result<StepTiming> {
    let main = devices.first().ok_or_else(|| NnError::config("--device", "no device given"))?.clone().autodiff();
    let shape = ModelShape { in_channels: spec.channels(), n_targets: spec.n_targets(), window: spec.window };
    let mut model = cfg.model.init(shape, &main, cfg.seed)?;
    let params = model.num_params();
    let mut optim = build_optimizer(cfg);
    let parallel = if devices.len() > 1 {
        Some(DataParallel::new(&devices.iter().map(|d| d.clone().autodiff()).collect::<Vec<_>>())?)
    } else {
        None
    };
    let data: Vec<HostBatch> = (0..input_sets.max(1) as u64).map(|i| random_host_batch(spec, batch, cfg.seed ^ i)).collect();
    let t = &cfg.train;
    let weights = LossWeights { spike: t.spike_weight, soma: t.soma_weight, dend: t.dend_weight };
    let (mut first, mut times, mut loss) = (f64::NAN, Vec::with_capacity(steps), f64::NAN);
    for i in 0..1 + warmup + steps {
        let b = &data[i % data.len()];
        let t0 = Instant::now();
        loss = match &parallel {
            None => {
                let (x, y) = to_tensors(b, &main);
                let (m, l) = train_step(model, &mut optim, cfg, x, y, i as u64);
                model = m;
                let l = l.into_scalar::<f32>() as f64;
                main.sync().map_err(|e| NnError::Data(format!("device sync: {e:?}")))?;
                l
            }
            Some(dp) => {
                let (grads, l) = dp.gradients(&model, b, weights)?;
                model = optim.step(t.lr_at(i as u64), model, grads).enforce_constraints();
                // Both branches end with the update done on the main device.
                main.sync().map_err(|e| NnError::Data(format!("device sync: {e:?}")))?;
                l
            }
        };
        let dt = t0.elapsed().as_secs_f64();
        if i == 0 {
            first = dt;
        } else if i > warmup {
            times.push(dt);
        }
    }
    if !loss.is_finite() {
        return Err(NnError::Data(format!("the loss became {loss} on random data")));
    }
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| a.total_cmp(b));
    let median = if sorted.is_empty() { f64::NAN } else { sorted[sorted.len() / 2] };
    Ok(StepTiming {
        devices: devices.len(),
        batch,
        params,
        first_step_s: first,
        median_step_s: median,
        min_step_s: sorted.first().copied().unwrap_or(f64::NAN),
        samples_per_s: batch as f64 / median,
        steps: times.len(),
        final_loss: loss,
    })
}
