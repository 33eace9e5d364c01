//! One optimiser step: the optimiser a run config asks for and a forward + backward + update
//! on device tensors already in place. The trainer's single-device loop and `lfdeep bench
//! train` both run these, so the benchmark times the step a real run takes.

use burn::grad_clipping::GradientClippingConfig;
use burn::optim::decay::WeightDecayConfig;
use burn::optim::{AdamConfig, AdamWConfig, GradientsParams, ModuleOptimizer};
use burn::prelude::*;
use std::time::Instant;

use super::config::{OptimizerKind, RunConfig};
use super::loss::surrogate_loss;
use super::non_finite;
use crate::error::{NnError, Result};
use crate::models::Surrogate;

/// The optimiser of `cfg.train` (Adam or AdamW, weight decay, per-tensor gradient clipping).
pub fn build_optimizer(cfg: &RunConfig) -> ModuleOptimizer {
    let t = &cfg.train;
    let clip = (t.grad_clip_norm > 0.0).then(|| GradientClippingConfig::Norm(t.grad_clip_norm as f32));
    match t.optimizer {
        OptimizerKind::Adam => AdamConfig::new()
            .with_weight_decay((t.weight_decay > 0.0).then(|| WeightDecayConfig::new(t.weight_decay as f32)))
            .with_grad_clipping(clip)
            .init(),
        OptimizerKind::Adamw => AdamWConfig::new().with_weight_decay(t.weight_decay as f32).with_grad_clipping(clip).init(),
    }
}

/// Forward on `x` [batch, channels, window], the surrogate loss against `y`
/// [batch, out_steps, targets], backward, optimiser update at `step`'s learning rate and the
/// model's constraints, as the trainer's inner loop does. Returns the updated model and the
/// loss tensor (not read back: the caller decides when to synchronise).
pub fn train_step(model: Surrogate, optim: &mut ModuleOptimizer, cfg: &RunConfig, x: Tensor<3>, y: Tensor<3>, step: u64) -> (Surrogate, Tensor<1>) {
    train_step_marked(model, optim, cfg, x, y, step, || {})
}

/// [`train_step`] that also checks every gradient before the update (one more read from the
/// device per step): gradients with a NaN or an infinity end the run with an error naming them
/// and the finite ones, before the optimiser can spread them into the parameters. The loss is
/// read back here too.
pub fn train_step_checked(model: Surrogate, optim: &mut ModuleOptimizer, cfg: &RunConfig, x: Tensor<3>, y: Tensor<3>, step: u64) -> Result<(Surrogate, f64)> {
    let total = step_loss(&model, cfg, x, y);
    let loss = total.clone().into_scalar::<f32>() as f64;
    let grads = GradientsParams::from_grads(total.backward(), &model);
    let (bad, ok) = non_finite::gradient_finiteness(&model, &grads);
    if !bad.is_empty() && loss.is_finite() {
        return Err(NnError::Data(non_finite::describe_gradients(step, loss, &bad, &ok)));
    }
    Ok((optim.step(cfg.train.lr_at(step), model, grads).enforce_constraints(), loss))
}

/// The surrogate loss of `model` on batch `x` [batch, channels, window] against `y` [batch,
/// out_steps, targets], weighted as `cfg.train` says: what every training step minimises.
pub(crate) fn step_loss(model: &Surrogate, cfg: &RunConfig, x: Tensor<3>, y: Tensor<3>) -> Tensor<1> {
    let t = &cfg.train;
    let out_steps = y.dims()[1];
    surrogate_loss(model.forward_last(x, out_steps), y, t.spike_weight, t.soma_weight, t.dend_weight).total
}

/// Wall seconds of the three phases of one step, each ended by a device sync.
#[derive(Clone, Copy, Debug, Default)]
pub struct PhaseTimes {
    pub forward_s: f64,
    pub backward_s: f64,
    pub update_s: f64,
}

/// [`train_step`] with a device sync after the forward pass (loss included), the backward pass
/// and the update, and the wall time of each: where a slow first step spends its time.
pub fn train_step_phases(model: Surrogate, optim: &mut ModuleOptimizer, cfg: &RunConfig, x: Tensor<3>, y: Tensor<3>, step: u64, device: &Device) -> (Surrogate, Tensor<1>, PhaseTimes) {
    let mut marks = Vec::with_capacity(3);
    let t0 = Instant::now();
    let (model, loss) = train_step_marked(model, optim, cfg, x, y, step, || {
        let _ = device.sync();
        marks.push(t0.elapsed().as_secs_f64());
    });
    let times = PhaseTimes { forward_s: marks[0], backward_s: marks[1] - marks[0], update_s: marks[2] - marks[1] };
    (model, loss, times)
}

/// The step itself; `mark` runs after the forward pass, the backward pass and the update.
fn train_step_marked(model: Surrogate, optim: &mut ModuleOptimizer, cfg: &RunConfig, x: Tensor<3>, y: Tensor<3>, step: u64, mut mark: impl FnMut()) -> (Surrogate, Tensor<1>) {
    let total = step_loss(&model, cfg, x, y);
    mark();
    let grads = GradientsParams::from_grads(total.backward(), &model);
    mark();
    let model = optim.step(cfg.train.lr_at(step), model, grads).enforce_constraints();
    mark();
    (model, total)
}
