//! Causal convolutions as matmuls with the batch folded into the matmul's columns.
//!
//! A convolution written as W · x with x [batch, in, time] and the kernel broadcast over the
//! batch is a *batched* matmul: forward it is `batch` small products, and backward Burn's
//! autodiff computes the kernel's gradient as one product per batch element
//! ([batch, out·k, in] for the TCN's first layer: 128 × 4992 × 1278 values, 3.3 GB at batch 128)
//! and then sums them over the batch. Here the input is laid out [G, in, batch·time] first
//! (one copy of the layer's input), so each group's convolution is **one** matmul
//! W [out·k or out, k·in or in] · x [.., batch·time] whose kernel gradient is one matmul
//! with batch·time as its inner dimension: no per-sample gradients, no reduction over them.
//!
//! Used in bf16/f16 ([`folds`]). Both forms of [`super::causal_conv`] are here, for G groups
//! of kernels applied to G groups of channels (G = 1 for a single convolution; the MMoE's
//! grouped encoders use G = 6):
//! - [`im2col`]: the k shifted copies of the padded input stacked on the channel axis;
//! - [`shift`]: every tap's kernel against the unshifted input, then the tap-shifted sum.
//!
//! The arithmetic is that of the batched forms (each output sums the same products);
//! `tests/causal_conv.rs` holds both forms to the batched ones (outputs, kernel and input
//! gradients), and each group of a G-group call to the same call on that group alone.

use burn::prelude::*;
use burn::tensor::DType;

use super::causal_conv::shifted_sum;

/// Whether the convolutions of `x` run folded: in bf16 and f16. Measured on an H100 (heuristic
/// matmul, BENCHMARKS.md eleventh session), folding made the TCN's bf16 training step 1.45×
/// faster (142.4 → 98.1 ms at batch 128) but its f32 step 1.22× slower (83.7 → 102.4 ms), so f32
/// keeps the batched forms of `causal_conv` and `encoder_group`.
pub fn folds<const D: usize>(x: &Tensor<D>) -> bool {
    matches!(x.dtype(), DType::BF16 | DType::F16)
}

/// xp [batch, G, in, L] left-padded by (k − 1)·d, w [G, out, in, k] → [batch, G, out, t] with
/// t = L − (k − 1)·d: group g's kernel applied to group g's channels, as one matmul per group
/// of [out, k·in] against im2col columns [k·in, batch·t] (tap-major rows).
pub fn im2col(xp: Tensor<4>, w: Tensor<4>, dilation: usize) -> Tensor<4> {
    let [b, g, c, l] = xp.dims();
    let [_, o, _, k] = w.dims();
    let t = l - (k - 1) * dilation;
    let xg = xp.permute([1, 2, 0, 3]); // [G, in, batch, L]
    let cols = if k == 1 {
        xg
    } else {
        Tensor::cat((0..k).map(|j| xg.clone().narrow(3, j * dilation, t)).collect(), 1) // [G, k·in, batch, t]
    };
    let w = w.swap_dims(2, 3).reshape([g, o, k * c]); // tap-major: column j·in + c
    let y = w.matmul(cols.reshape([g, k * c, b * t])); // [G, out, batch·t]
    y.reshape([g, o, b, t]).permute([2, 0, 1, 3])
}

/// As [`im2col`], computed as Z = W[(out, tap), in] · xp [.., batch·L] (one matmul per group,
/// k·out rows: fewer than im2col's k·in where in > out), then y[.., τ] = Σ_j Z[(o, j), τ + j·d].
///
/// The shifted read is `causal_conv::shifted_sum` over a time axis of batch·L: a channel's
/// block of Z is k rows of batch·L, tap-major, and Z[(o, j), β·L + τ + j·d] is read at column
/// β·L + τ (τ + j·d < L, so no read crosses into the next sample); the columns β·L + τ with
/// τ ≥ t are dropped.
pub fn shift(xp: Tensor<4>, w: Tensor<4>, dilation: usize) -> Tensor<4> {
    let [b, g, c, l] = xp.dims();
    let [_, o, _, k] = w.dims();
    let d = dilation;
    let t = l - (k - 1) * d;
    let w = w.swap_dims(2, 3).reshape([g, o * k, c]); // rows (o, j)
    let xs = xp.permute([1, 2, 0, 3]).reshape([g, c, b * l]);
    let z = w.matmul(xs).reshape([1, g, o, k * b * l]); // per channel k rows of batch·L
    let y = shifted_sum(z, k, b * l, d).reshape([g, o, b, l]);
    y.narrow(3, 0, t).permute([2, 0, 1, 3])
}
