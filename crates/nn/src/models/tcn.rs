//! `tcn`: causal dilated convolution stack with 1×1 heads at every time step
//! (Beniaguev et al. 2021). Output [batch, time, targets]: spike logit, soma, dendrites.

use burn::prelude::*;
use rand_chacha::ChaCha8Rng;

use burn::module::Param;
use crate::layers::{CausalConv1d, CausalConv1dConfig, TcnBlockKind, TcnEncoder, TcnEncoderConfig};

#[derive(Config, Debug)]
pub struct TcnModelConfig {
    pub encoder: TcnEncoderConfig,
    /// Initial bias of the spike head (−2: spikes are rare).
    #[config(default = -2.0)]
    pub spike_bias_init: f64,
}

impl TcnModelConfig {
    /// Beniaguev et al.'s best NMDA model "7×128×153": 7 layers of 128 channels whose
    /// receptive field is 153 ms (first kernel 39, then six kernels of 20: 1 + 38 + 6·19 = 153;
    /// the published per-layer kernel split is not in our spec, the extent is), ReLU then
    /// BatchNorm, truncated-normal kernels σ = 0.002.
    pub fn preset_7x128x153() -> Self {
        let mut kernels = vec![39];
        kernels.extend([20; 6]);
        TcnModelConfig::new(
            TcnEncoderConfig::new(vec![128; 7], kernels, vec![1; 7], TcnBlockKind::Plain).with_init_std(Some(0.002)),
        )
    }

    /// The small "1×128×43" model (enough without NMDA).
    pub fn preset_1x128x43() -> Self {
        TcnModelConfig::new(TcnEncoderConfig::new(vec![128], vec![43], vec![1], TcnBlockKind::Plain).with_init_std(Some(0.002)))
    }

    pub fn init(&self, in_channels: usize, n_targets: usize, device: &Device, rng: &mut ChaCha8Rng) -> TcnModel {
        let encoder = self.encoder.init(in_channels, device, rng);
        let mut head = CausalConv1dConfig::new(encoder.out_channels(), n_targets, 1).init(device, rng);
        // Spike head is target 0.
        let mut b = head.bias.val().into_data().try_to_vec_as::<f32>().expect("f32 bias");
        b[0] = self.spike_bias_init as f32;
        head.bias = Param::from_data(TensorData::new(b, [n_targets]), device);
        TcnModel { encoder, head }
    }
}

#[derive(Module, Debug)]
pub struct TcnModel {
    pub encoder: TcnEncoder,
    pub head: CausalConv1d,
}

impl TcnModel {
    /// x [batch, channels, time] → [batch, time, targets] (every step predicted).
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        self.head.forward(self.encoder.forward(x)).swap_dims(1, 2)
    }
}
