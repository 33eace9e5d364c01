//! Several residual TCN encoders of the same shape run on the same input as one set of grouped
//! operations.
//!
//! The MMoE runs five expert encoders and a compressor, all the same [32, 16, 8] residual TCN,
//! on the same input window. One encoder after the other, a training step is some 6 × 9
//! convolutions, each a handful of small kernels forward and backward; on a GPU their launches,
//! not their arithmetic, set the step time (an MMoE step took 90.5 ms on an H200 against 63.3 ms
//! in PyTorch, which also runs the experts one by one; BENCHMARKS.md, ninth session). Here
//! the G encoders' kernels are stacked per layer position, so each convolution is one op:
//! - the first layer reads the shared input x [batch, in, time]: its G kernels are one
//!   [G·out, in, k] kernel, one matmul over all groups;
//! - later layers hold activations [batch, G, channels, time] and apply group g's kernel to
//!   group g's channels: one batched matmul (`Shift` form; in bf16/f16 one matmul per group with
//!   the batch folded into its columns, [`super::folded_conv`]) or one grouped `conv1d` (`Burn`).
//!
//! The arithmetic is the same as running the encoders one by one (each output channel sums
//! the same products); the parameters stay each encoder's own, so checkpoints, initialisation
//! and the per-encoder path are unchanged. Dropout draws one mask over the stacked tensor,
//! which has the same distribution as one mask per encoder.

use burn::prelude::*;
use burn::tensor::activation::relu;
use burn::tensor::module::conv1d;
use burn::tensor::ops::ConvOptions;

use super::causal_conv::{shifted_sum, CausalConv1d, ConvAlgorithm};
use super::folded_conv;
use super::tcn_encoder::{TcnEncoder, TcnLayer};

/// Whether `encoders` can run as one group: at least one, all residual, and layer by layer
/// the same kernel shapes, dilations, weight norm, downsampling and dropout.
pub fn can_group(encoders: &[&TcnEncoder]) -> bool {
    let Some(first) = encoders.first() else { return false };
    let sig = |e: &TcnEncoder| -> Option<Vec<(Vec<usize>, f64)>> {
        e.layers
            .iter()
            .map(|l| match l {
                TcnLayer::Plain(_) => None,
                TcnLayer::Residual(b) => {
                    let conv = |c: &CausalConv1d| [c.weight.dims().to_vec(), vec![c.dilation, c.gain.is_some() as usize]].concat();
                    let ds = b.downsample.as_ref().map(conv).unwrap_or_default();
                    Some(([conv(&b.conv1), conv(&b.conv2), ds].concat(), b.dropout.prob))
                }
            })
            .collect()
    };
    let Some(s0) = sig(first) else { return false };
    encoders[1..].iter().all(|e| sig(e).as_ref() == Some(&s0))
}

/// Runs the encoders (which must pass [`can_group`]) on x [batch, in, time]: encoder g's
/// output is [.., g, .., ..] of the result [batch, G, out, time]. `algorithm`: `Burn` uses
/// grouped `conv1d`; every other choice the `Shift` matmul form (its k·out rows are no more
/// than im2col's k·in for every layer of the LFDeep encoder but the square ones, where they
/// are equal).
pub fn forward_group(encoders: &[&TcnEncoder], x: Tensor<3>, algorithm: ConvAlgorithm) -> Tensor<4> {
    debug_assert!(can_group(encoders), "encoders of different shapes cannot run as one group");
    let g = encoders.len();
    let mut h = Input::Shared(x);
    for i in 0..encoders[0].layers.len() {
        let blocks: Vec<_> = encoders
            .iter()
            .map(|e| match &e.layers[i] {
                TcnLayer::Residual(b) => b,
                TcnLayer::Plain(_) => unreachable!("can_group admits residual encoders only"),
            })
            .collect();
        let conv1 = Stacked::new(blocks.iter().map(|b| &b.conv1).collect());
        let conv2 = Stacked::new(blocks.iter().map(|b| &b.conv2).collect());
        let dropout = &blocks[0].dropout;
        let a = dropout.forward(relu(h.conv(&conv1, algorithm)));
        let a = dropout.forward(relu(Input::Grouped(a).conv(&conv2, algorithm)));
        let res = match blocks[0].downsample {
            Some(_) => h.conv(&Stacked::new(blocks.iter().map(|b| b.downsample.as_ref().expect("same shape")).collect()), algorithm),
            None => h.into_grouped(g),
        };
        h = Input::Grouped(relu(a + res));
    }
    h.into_grouped(g)
}

/// One layer position's kernels across the group, weight norm folded in.
struct Stacked {
    /// [G, out, in, k]
    weight: Tensor<4>,
    /// [G, out]
    bias: Tensor<2>,
    dilation: usize,
}

impl Stacked {
    fn new(convs: Vec<&CausalConv1d>) -> Self {
        let dilation = convs[0].dilation;
        let weight = Tensor::stack(convs.iter().map(|c| c.effective_weight()).collect(), 0);
        let bias = Tensor::stack(convs.iter().map(|c| c.bias.val()).collect(), 0);
        Stacked { weight, bias, dilation }
    }

    fn history(&self) -> usize {
        let [_, _, _, k] = self.weight.dims();
        (k - 1) * self.dilation
    }
}

/// A layer's input: the shared window (first layer) or one activation per group.
enum Input {
    /// [batch, channels, time], read by every group.
    Shared(Tensor<3>),
    /// [batch, G, channels, time], group g read by group g's kernel.
    Grouped(Tensor<4>),
}

impl Input {
    fn into_grouped(self, g: usize) -> Tensor<4> {
        match self {
            Input::Shared(x) => {
                let [b, c, t] = x.dims();
                x.unsqueeze_dim::<4>(1).expand([b, g, c, t])
            }
            Input::Grouped(x) => x,
        }
    }

    /// The causal convolution of every group: [batch, G, out, time].
    fn conv(&self, s: &Stacked, algorithm: ConvAlgorithm) -> Tensor<4> {
        let [g, o, c, k] = s.weight.dims();
        let pad = s.history();
        match (self, algorithm) {
            (Input::Shared(x), ConvAlgorithm::Burn) => {
                let [b, _, t] = x.dims();
                let y = conv1d(pad_left(x.clone(), pad), s.weight.clone().reshape([g * o, c, k]), Some(s.bias.clone().reshape([g * o])), ConvOptions::new([1], [0], [s.dilation], 1));
                y.reshape([b, g, o, t])
            }
            (Input::Grouped(x), ConvAlgorithm::Burn) => {
                let [b, _, _, t] = x.dims();
                let xp = pad_left(x.clone().reshape([b, g * c, t]), pad);
                let y = conv1d(xp, s.weight.clone().reshape([g * o, c, k]), Some(s.bias.clone().reshape([g * o])), ConvOptions::new([1], [0], [s.dilation], g));
                y.reshape([b, g, o, t])
            }
            (Input::Shared(x), _) if folded_conv::folds(x) => {
                // Rows (g, o, tap): one matmul for every group's every tap.
                let [b, _, t] = x.dims();
                let xp = pad_left(x.clone(), pad).unsqueeze_dim::<4>(1); // [b, 1, c, L]
                let y = folded_conv::shift(xp, s.weight.clone().reshape([1, g * o, c, k]), s.dilation);
                y.reshape([b, g, o, t]) + s.bias.clone().reshape([1, g, o, 1])
            }
            (Input::Grouped(x), _) if folded_conv::folds(x) => {
                let xp = pad_left(x.clone(), pad); // [b, g, c, L]
                folded_conv::shift(xp, s.weight.clone(), s.dilation) + s.bias.clone().reshape([1, g, o, 1])
            }
            (Input::Shared(x), _) => {
                let [b, _, t] = x.dims();
                let xp = pad_left(x.clone(), pad); // [b, c, L]
                let l = t + pad;
                // Rows (g, o, tap): one matmul for every group's every tap.
                let w = s.weight.clone().swap_dims(2, 3).reshape([1, g * o * k, c]);
                let z = w.matmul(xp).reshape([b, g, o, k * l]);
                shifted_sum(z, k, t, s.dilation) + s.bias.clone().reshape([1, g, o, 1])
            }
            (Input::Grouped(x), _) => {
                let [b, _, _, t] = x.dims();
                let xp = pad_left(x.clone(), pad); // [b, g, c, L]
                let l = t + pad;
                let w = s.weight.clone().swap_dims(2, 3).reshape([1, g, o * k, c]);
                let z = w.matmul(xp).reshape([b, g, o, k * l]);
                shifted_sum(z, k, t, s.dilation) + s.bias.clone().reshape([1, g, o, 1])
            }
        }
    }
}

/// Zeros in front of the last (time) axis.
fn pad_left<const D: usize>(x: Tensor<D>, pad: usize) -> Tensor<D> {
    if pad == 0 {
        return x;
    }
    let mut shape = x.dims();
    shape[D - 1] = pad;
    let zeros = Tensor::zeros(shape, &x.device());
    Tensor::cat(vec![zeros, x], D - 1)
}
