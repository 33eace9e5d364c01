//! Per-task MLP towers (Linear–ELU–…–Linear → 1), every layer a [`GroupedLinear`].

use burn::prelude::*;
use rand_chacha::ChaCha8Rng;

use super::elu::elu;
use super::grouped_linear::{GroupedLinear, GroupedLinearConfig};

#[derive(Config, Debug)]
pub struct TowersConfig {
    pub tasks: usize,
    pub d_input: usize,
    /// Hidden widths, e.g. [25, 25] for LFDeep's MH towers, [10] for MMoE.
    pub hidden: Vec<usize>,
}

#[derive(Module, Debug)]
pub struct Towers {
    layers: Vec<GroupedLinear>,
}

impl TowersConfig {
    pub fn init(&self, device: &Device, rng: &mut ChaCha8Rng) -> Towers {
        let mut dims = vec![self.d_input];
        dims.extend(&self.hidden);
        dims.push(1);
        let layers = dims
            .windows(2)
            .map(|w| GroupedLinearConfig::new(self.tasks, w[0], w[1]).init(device, rng))
            .collect();
        Towers { layers }
    }
}

impl Towers {
    fn rest(&self, mut h: Tensor<3>) -> Tensor<2> {
        for layer in &self.layers[1..] {
            h = layer.forward(elu(h, 1.0));
        }
        let [b, k, _] = h.dims();
        h.reshape([b, k])
    }

    /// Shared input x [batch, in] → one output per task [batch, tasks].
    pub fn forward_shared(&self, x: Tensor<2>) -> Tensor<2> {
        self.rest(self.layers[0].forward_shared(x))
    }

    /// Per-task input x [batch, tasks, in] → [batch, tasks].
    pub fn forward(&self, x: Tensor<3>) -> Tensor<2> {
        self.rest(self.layers[0].forward(x))
    }
}
