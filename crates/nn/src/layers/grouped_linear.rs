//! One small linear layer per task, all tasks computed as a single batched matmul.
//!
//! Weights are stored as [tasks, in, out]. Hundreds of task towers (641 for LFDeep) therefore
//! cost one kernel launch per layer instead of one per task.

use burn::module::Param;
use burn::prelude::*;
use rand_chacha::ChaCha8Rng;

use super::init;

#[derive(Config, Debug)]
pub struct GroupedLinearConfig {
    pub tasks: usize,
    pub d_input: usize,
    pub d_output: usize,
}

#[derive(Module, Debug)]
pub struct GroupedLinear {
    /// [tasks, in, out]
    pub weight: Param<Tensor<3>>,
    /// [tasks, out]
    pub bias: Param<Tensor<2>>,
}

impl GroupedLinearConfig {
    pub fn init(&self, device: &Device, rng: &mut ChaCha8Rng) -> GroupedLinear {
        // PyTorch nn.Linear's default bound, per task.
        let bound = 1.0 / (self.d_input as f64).sqrt();
        GroupedLinear {
            weight: init::uniform([self.tasks, self.d_input, self.d_output], bound, rng, device),
            bias: init::uniform([self.tasks, self.d_output], bound, rng, device),
        }
    }
}

impl GroupedLinear {
    /// Every task reads the same input: x [batch, in] → [batch, tasks, out].
    /// One [batch, in] × [in, tasks·out] matmul.
    pub fn forward_shared(&self, x: Tensor<2>) -> Tensor<3> {
        let [k, i, o] = self.weight.dims();
        let [b, _] = x.dims();
        // [k, i, o] → [i, k, o] → [i, k·o]
        let w = self.weight.val().swap_dims(0, 1).reshape([i, k * o]);
        let y = x.matmul(w).reshape([b, k, o]);
        y + self.bias.val().unsqueeze_dim::<3>(0)
    }

    /// Each task reads its own input: x [batch, tasks, in] → [batch, tasks, out].
    /// One batched matmul over tasks: [k, batch, in] × [k, in, out].
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let y = x.swap_dims(0, 1).matmul(self.weight.val()); // [k, b, o]
        y.swap_dims(0, 1) + self.bias.val().unsqueeze_dim::<3>(0)
    }
}
