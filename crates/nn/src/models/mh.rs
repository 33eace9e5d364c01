//! `mh`: hard parameter sharing (LFDeep). One TCN encoder over the whole window, its output
//! flattened (channels × window) and passed through ReLU to one tower per task.
//! Predicts the step at the end of the window: output [batch, 1, targets].

use burn::prelude::*;
use burn::tensor::activation::relu;
use rand_chacha::ChaCha8Rng;

use crate::layers::{TcnBlockKind, TcnEncoder, TcnEncoderConfig, Towers, TowersConfig};

#[derive(Config, Debug)]
pub struct MhConfig {
    pub encoder: TcnEncoderConfig,
    /// Tower hidden widths (LFDeep: [25, 25]).
    pub tower_hidden: Vec<usize>,
}

impl MhConfig {
    /// LFDeep's MH: residual TCN [32, 16, 8], kernel 10, dilations 1, 2, 4, dropout 0.2;
    /// towers 25–25–1.
    pub fn preset_lfdeep() -> Self {
        MhConfig::new(lfdeep_encoder(), vec![25, 25])
    }

    pub fn init(&self, in_channels: usize, n_targets: usize, window: usize, device: &Device, rng: &mut ChaCha8Rng) -> MhModel {
        let encoder = self.encoder.init(in_channels, device, rng);
        let features = encoder.out_channels() * window;
        let towers = TowersConfig::new(n_targets, features, self.tower_hidden.clone()).init(device, rng);
        MhModel { encoder, towers, window }
    }
}

/// The TCN encoder LFDeep uses for MH, every MMoE expert and the compressor.
pub fn lfdeep_encoder() -> TcnEncoderConfig {
    TcnEncoderConfig::new(vec![32, 16, 8], vec![10; 3], vec![1, 2, 4], TcnBlockKind::Residual).with_dropout(0.2)
}

#[derive(Module, Debug)]
pub struct MhModel {
    pub encoder: TcnEncoder,
    pub towers: Towers,
    pub window: usize,
}

/// Flattens encoder output [batch, channels, window] to [batch, channels·window].
pub(crate) fn flatten_window(h: Tensor<3>, window: usize) -> Tensor<2> {
    let [b, c, t] = h.dims();
    assert_eq!(t, window, "this model was built for {window}-step windows, got {t}");
    h.reshape([b, c * t])
}

impl MhModel {
    /// x [batch, channels, window] → [batch, 1, targets].
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let f = relu(flatten_window(self.encoder.forward(x), self.window));
        self.towers.forward_shared(f).unsqueeze_dim(1)
    }
}
