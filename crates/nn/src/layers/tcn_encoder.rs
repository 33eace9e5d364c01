//! Temporal convolutional encoder: a stack of causal dilated convolutions.
//!
//! Two block styles:
//! - `Plain` (Beniaguev et al. 2021): conv → ReLU → BatchNorm per layer;
//! - `Residual` (Bai et al. 2018, used by LFDeep): two weight-normalised convs with ReLU and
//!   dropout, plus a 1×1 residual conv when the channel count changes, ReLU on the sum.

use burn::nn::{BatchNorm, BatchNormConfig, Dropout, DropoutConfig};
use burn::prelude::*;
use burn::tensor::activation::relu;
use rand_chacha::ChaCha8Rng;

use super::causal_conv::{scratch_per_step, CausalConv1d, CausalConv1dConfig, ConvAlgorithm};

#[derive(Config, Debug, Copy, PartialEq)]
pub enum TcnBlockKind {
    Plain,
    Residual,
}

#[derive(Config, Debug)]
pub struct TcnEncoderConfig {
    /// Output channels of each layer (Plain) or block (Residual).
    pub channels: Vec<usize>,
    /// Kernel size per layer/block (ms at 1 ms resolution).
    pub kernel_sizes: Vec<usize>,
    /// Dilation per layer/block.
    pub dilations: Vec<usize>,
    pub kind: TcnBlockKind,
    #[config(default = 0.0)]
    pub dropout: f64,
    /// Plain blocks: BatchNorm after the activation.
    #[config(default = true)]
    pub batch_norm: bool,
    /// Residual blocks: weight-normalise both dilated convolutions (Bai et al., LFDeep); `None`
    /// (a config without the key) means on. `Some(false)` leaves plain kernels, e.g. to tell
    /// whether the reparameterisation is behind a fault.
    #[config(default = "None")]
    pub weight_norm: Option<bool>,
    /// Truncated-normal kernel init σ (the TCN paper uses 0.002); `None`: uniform 1/√fan_in.
    #[config(default = "None")]
    pub init_std: Option<f64>,
}

#[derive(Module, Debug)]
pub struct PlainLayer {
    conv: CausalConv1d,
    norm: Option<BatchNorm>,
}

#[derive(Module, Debug)]
pub struct ResidualBlock {
    pub(crate) conv1: CausalConv1d,
    pub(crate) conv2: CausalConv1d,
    pub(crate) downsample: Option<CausalConv1d>,
    pub(crate) dropout: Dropout,
}

#[derive(Module, Debug)]
pub enum TcnLayer {
    Plain(PlainLayer),
    Residual(ResidualBlock),
}

#[derive(Module, Debug)]
pub struct TcnEncoder {
    pub(crate) layers: Vec<TcnLayer>,
    out_channels: usize,
    receptive_field: usize,
}

impl TcnEncoderConfig {
    /// Checks that the per-layer lists agree; the message names the field.
    pub fn validate(&self) -> Result<(), String> {
        let n = self.channels.len();
        if n == 0 {
            return Err("channels: at least one layer is needed".into());
        }
        if self.kernel_sizes.len() != n || self.dilations.len() != n {
            return Err(format!(
                "channels ({n}), kernel_sizes ({}) and dilations ({}) must have the same length",
                self.kernel_sizes.len(),
                self.dilations.len()
            ));
        }
        if self.kernel_sizes.contains(&0) || self.dilations.contains(&0) || self.channels.contains(&0) {
            return Err("channels, kernel_sizes and dilations must be positive".into());
        }
        Ok(())
    }

    /// Steps of history each output sees, including the current one.
    pub fn receptive_field(&self) -> usize {
        let per_layer = match self.kind {
            TcnBlockKind::Plain => 1,
            TcnBlockKind::Residual => 2,
        };
        1 + self.kernel_sizes.iter().zip(&self.dilations).map(|(k, d)| per_layer * (k - 1) * d).sum::<usize>()
    }

    /// Values per batch element and time step that the layer at the peak of an inference forward
    /// pass holds (for sizing chunks of long sequences): its live activations (Plain: input and
    /// output; Residual: input, both convolutions' outputs and the 1×1-downsampled skip) plus the
    /// largest scratch of its convolutions under `conv` ([`scratch_per_step`]).
    pub fn peak_values_per_step(&self, in_channels: usize, conv: ConvAlgorithm) -> usize {
        let ins = std::iter::once(in_channels).chain(self.channels.iter().copied());
        ins.zip(&self.channels)
            .zip(&self.kernel_sizes)
            .map(|((i, &o), &k)| match self.kind {
                TcnBlockKind::Plain => i + o + scratch_per_step(conv, i, o, k),
                TcnBlockKind::Residual => {
                    let skip = if i != o { o } else { 0 };
                    let scratch = scratch_per_step(conv, i, o, k)
                        .max(scratch_per_step(conv, o, o, k))
                        .max(if i != o { scratch_per_step(conv, i, o, 1) } else { 0 });
                    i + 2 * o + skip + scratch
                }
            })
            .max()
            .unwrap_or(in_channels)
    }

    pub fn init(&self, in_channels: usize, device: &Device, rng: &mut ChaCha8Rng) -> TcnEncoder {
        let mut layers = Vec::with_capacity(self.channels.len());
        let mut c_in = in_channels;
        for ((&c_out, &k), &d) in self.channels.iter().zip(&self.kernel_sizes).zip(&self.dilations) {
            let conv = |ci: usize, kk: usize, dd: usize, wn: bool, rng: &mut ChaCha8Rng| {
                CausalConv1dConfig::new(ci, c_out, kk)
                    .with_dilation(dd)
                    .with_weight_norm(wn)
                    .with_init_std(self.init_std)
                    .init(device, rng)
            };
            let layer = match self.kind {
                TcnBlockKind::Plain => TcnLayer::Plain(PlainLayer {
                    conv: conv(c_in, k, d, false, rng),
                    norm: self.batch_norm.then(|| BatchNormConfig::new(c_out).init(device)),
                }),
                TcnBlockKind::Residual => TcnLayer::Residual(ResidualBlock {
                    conv1: conv(c_in, k, d, self.weight_norm.unwrap_or(true), rng),
                    conv2: conv(c_out, k, d, self.weight_norm.unwrap_or(true), rng),
                    downsample: (c_in != c_out).then(|| conv(c_in, 1, 1, false, rng)),
                    dropout: DropoutConfig::new(self.dropout).init(),
                }),
            };
            layers.push(layer);
            c_in = c_out;
        }
        TcnEncoder { layers, out_channels: c_in, receptive_field: self.receptive_field() }
    }
}

impl TcnEncoder {
    pub fn out_channels(&self) -> usize {
        self.out_channels
    }

    pub fn receptive_field(&self) -> usize {
        self.receptive_field
    }

    /// x [batch, channels_in, time] → [batch, channels_out, time], causal.
    pub fn forward(&self, mut x: Tensor<3>) -> Tensor<3> {
        for layer in &self.layers {
            x = match layer {
                TcnLayer::Plain(l) => {
                    let h = relu(l.conv.forward(x));
                    match &l.norm {
                        Some(n) => n.forward(h),
                        None => h,
                    }
                }
                TcnLayer::Residual(b) => {
                    let h = b.dropout.forward(relu(b.conv1.forward(x.clone())));
                    let h = b.dropout.forward(relu(b.conv2.forward(h)));
                    let res = match &b.downsample {
                        Some(ds) => ds.forward(x),
                        None => x,
                    };
                    relu(h + res)
                }
            };
        }
        x
    }
}
