//! Causal dilated 1-D convolution, optionally weight-normalised (Salimans & Kingma 2016,
//! as in the TCN blocks of Bai et al. used by LFDeep).
//!
//! Output at time t depends only on inputs at t, t−d, …, t−(k−1)d: the input is padded with
//! (k−1)·d zeros on the left only, so a window's first steps see "silence" before it.

use burn::module::Param;
use burn::prelude::*;
use burn::tensor::module::conv1d;
use burn::tensor::ops::ConvOptions;
use rand_chacha::ChaCha8Rng;

use super::init;

#[derive(Config, Debug)]
pub struct CausalConv1dConfig {
    pub in_channels: usize,
    pub out_channels: usize,
    pub kernel_size: usize,
    #[config(default = 1)]
    pub dilation: usize,
    /// Reparameterise w = g · v / ‖v‖ per output channel.
    #[config(default = false)]
    pub weight_norm: bool,
    /// Standard deviation of the truncated-normal kernel init; `None` gives the
    /// PyTorch-style uniform bound 1/√(in·k).
    #[config(default = "None")]
    pub init_std: Option<f64>,
}

#[derive(Module, Debug)]
pub struct CausalConv1d {
    /// Kernel [out, in, k] (the direction v when weight-normalised).
    pub weight: Param<Tensor<3>>,
    /// Per-output-channel gain g (weight norm only).
    pub gain: Option<Param<Tensor<1>>>,
    pub bias: Param<Tensor<1>>,
    pub kernel_size: usize,
    pub dilation: usize,
}

impl CausalConv1dConfig {
    pub fn init(&self, device: &Device, rng: &mut ChaCha8Rng) -> CausalConv1d {
        let shape = [self.out_channels, self.in_channels, self.kernel_size];
        let fan_in = (self.in_channels * self.kernel_size) as f64;
        let weight = match self.init_std {
            Some(std) => init::truncated_normal(shape, std, rng, device),
            None => init::uniform(shape, 1.0 / fan_in.sqrt(), rng, device),
        };
        let gain = self.weight_norm.then(|| {
            // g = ‖v‖ at init, so the reparameterised kernel starts equal to v.
            let norms = weight.val().powf_scalar(2.0).sum_dim(2).sum_dim(1).sqrt().reshape([self.out_channels]);
            Param::from_data(norms.into_data(), device)
        });
        CausalConv1d {
            weight,
            gain,
            bias: init::uniform([self.out_channels], 1.0 / fan_in.sqrt(), rng, device),
            kernel_size: self.kernel_size,
            dilation: self.dilation,
        }
    }
}

impl CausalConv1d {
    /// Number of past steps each output sees (receptive field − 1).
    pub fn history(&self) -> usize {
        (self.kernel_size - 1) * self.dilation
    }

    /// The kernel actually applied (weight norm folded in).
    pub fn effective_weight(&self) -> Tensor<3> {
        let v = self.weight.val();
        match &self.gain {
            None => v,
            Some(g) => {
                let [o, _, _] = v.dims();
                let norm = v.clone().powf_scalar(2.0).sum_dim(2).sum_dim(1).sqrt(); // [o,1,1]
                let g = g.val().reshape([o, 1, 1]);
                v * (g / norm)
            }
        }
    }

    /// x [batch, in, time] → [batch, out, time].
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let [b, c, _] = x.dims();
        let pad = self.history();
        let x = if pad > 0 {
            let zeros = Tensor::zeros([b, c, pad], &x.device());
            Tensor::cat(vec![zeros, x], 2)
        } else {
            x
        };
        conv1d(x, self.effective_weight(), Some(self.bias.val()), ConvOptions::new([1], [0], [self.dilation], 1))
    }
}
