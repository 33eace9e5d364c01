//! The surrogate loss: BCE-with-logits on the spike target plus MSE on the soma and on the
//! dendritic targets, each with its own weight.

use burn::prelude::*;

/// Loss terms of one batch (each a scalar tensor).
pub struct LossParts {
    pub total: Tensor<1>,
    pub bce: Tensor<1>,
    pub soma_mse: Tensor<1>,
    pub dend_mse: Tensor<1>,
}

/// Numerically stable BCE with logits: max(x,0) − x·y + ln(1 + e^(−|x|)), mean.
pub fn bce_with_logits(logits: Tensor<3>, targets: Tensor<3>) -> Tensor<1> {
    let pos = logits.clone().clamp_min(0.0);
    let soft = logits.clone().abs().neg().exp().add_scalar(1.0).log();
    (pos - logits * targets + soft).mean()
}

/// pred, target: [batch, steps, targets] with targets ordered spike, soma, dendrites.
pub fn surrogate_loss(pred: Tensor<3>, target: Tensor<3>, w_spike: f64, w_soma: f64, w_dend: f64) -> LossParts {
    let [b, s, k] = pred.dims();
    let bce = bce_with_logits(pred.clone().slice([0..b, 0..s, 0..1]), target.clone().slice([0..b, 0..s, 0..1]));
    let soma_mse = (pred.clone().slice([0..b, 0..s, 1..2]) - target.clone().slice([0..b, 0..s, 1..2])).powf_scalar(2.0).mean();
    let dend_mse = if k > 2 {
        (pred.slice([0..b, 0..s, 2..k]) - target.slice([0..b, 0..s, 2..k])).powf_scalar(2.0).mean()
    } else {
        Tensor::zeros([1], &bce.device())
    };
    let total = bce.clone().mul_scalar(w_spike) + soma_mse.clone().mul_scalar(w_soma) + dend_mse.clone().mul_scalar(w_dend);
    LossParts { total, bce, soma_mse, dend_mse }
}
