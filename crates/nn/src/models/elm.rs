//! `elm`: the Expressive Leaky Memory neuron (Spieler et al., ICLR 2024).
//!
//! - Branch routing ("neuronio"): the inputs are interleaved exc/inh (exc 0, inh 0, exc 1, …);
//!   branch b sums `synapses_per_branch` consecutive interleaved inputs starting at b·stride,
//!   stride = ceil(inputs / branches), wrapping around at the end. Each (branch, slot) has its
//!   own weight w = ReLU(θ), θ = 0.5 at init — 45 × 100 = 4,500 weights for NeuronIO.
//! - Synaptic trace per branch: s_t = κ_s s_{t−1} + Σ w x_t, κ_s = e^(−Δt/τ_s), τ_s = 5 ms
//!   (linear, so it is applied after the weighted branch sum as one Toeplitz matmul).
//! - Memory: Δm_t = 1.7159·tanh(⅔·MLP([s_t, κ_m ⊙ m_{t−1}])), m_t = κ_m ⊙ m_{t−1} +
//!   λ(1 − κ_m) ⊙ Δm_t, λ = 5, τ_m log-spaced in [τ_min, τ_max] (fixed), MLP hidden 2·d_m.
//! - Output y_t = W_y m_t + b.
//!
//! Parameters: B·S + (B + d_m)·h + h + h·d_m + d_m + d_m·n_out + n_out; with B = 45, S = 100,
//! d_m = 20, h = 40, n_out = 2 this is 8,002 (the published "8k" model).

use burn::module::Param;
use burn::nn::{Linear, LinearConfig};
use burn::prelude::*;
use burn::tensor::activation::{relu, silu};
use rand_chacha::ChaCha8Rng;

use crate::layers::init;

#[derive(Config, Debug, Copy, PartialEq)]
pub enum ElmRouting {
    /// 45 overlapping branches of 100 interleaved exc/inh synapses (NeuronIO).
    Neuronio,
    /// Every input is its own branch with one weight.
    None,
}

#[derive(Config, Debug)]
pub struct ElmConfig {
    /// Memory units d_m.
    #[config(default = 20)]
    pub num_memory: usize,
    /// MLP hidden width; `None`: 2·d_m.
    #[config(default = "None")]
    pub mlp_hidden: Option<usize>,
    /// SiLU instead of ReLU in the MLP.
    #[config(default = false)]
    pub mlp_silu: bool,
    #[config(default = "ElmRouting::Neuronio")]
    pub routing: ElmRouting,
    #[config(default = 45)]
    pub num_branches: usize,
    #[config(default = 100)]
    pub synapses_per_branch: usize,
    /// Synaptic time constant τ_s (ms).
    #[config(default = 5.0)]
    pub tau_s_ms: f64,
    #[config(default = 1.0)]
    pub tau_m_min_ms: f64,
    #[config(default = 150.0)]
    pub tau_m_max_ms: f64,
    #[config(default = 5.0)]
    pub lambda: f64,
    #[config(default = 0.5)]
    pub w_s_init: f64,
}

#[derive(Module, Debug)]
pub struct ElmModel {
    /// θ per routed synapse (weight = ReLU(θ)), [branches · synapses_per_branch].
    pub w_s: Param<Tensor<1>>,
    pub mlp_in: Linear,
    pub mlp_out: Linear,
    pub readout: Linear,
    pub num_branches: usize,
    pub synapses_per_branch: usize,
    pub mlp_silu: bool,
    pub lambda: f64,
    pub kappa_s: f64,
    #[module(skip)]
    pub route: Vec<i64>,
    #[module(skip)]
    pub kappa_m: Vec<f32>,
}

/// Routed input index of each (branch, slot), row-major.
pub fn neuronio_route(num_inputs: usize, branches: usize, per_branch: usize) -> Vec<i64> {
    let half = num_inputs / 2;
    // Interleaved position j → original channel: exc j/2 or inh j/2 (rows half..).
    let interleaved = |j: usize| if num_inputs % 2 == 0 { j / 2 + (j % 2) * half } else { j };
    let stride = num_inputs.div_ceil(branches);
    (0..branches)
        .flat_map(|b| (0..per_branch).map(move |s| interleaved((b * stride + s) % num_inputs) as i64))
        .collect()
}

impl ElmConfig {
    pub fn init(&self, num_inputs: usize, n_outputs: usize, device: &Device, _rng: &mut ChaCha8Rng) -> ElmModel {
        let (branches, per_branch, route) = match self.routing {
            ElmRouting::Neuronio => (
                self.num_branches,
                self.synapses_per_branch,
                neuronio_route(num_inputs, self.num_branches, self.synapses_per_branch),
            ),
            ElmRouting::None => (num_inputs, 1, (0..num_inputs as i64).collect()),
        };
        let d_m = self.num_memory;
        let h = self.mlp_hidden.unwrap_or(2 * d_m);
        let n = self.num_memory.max(2) as f64;
        let kappa_m = (0..d_m)
            .map(|i| {
                // log-spaced τ_m
                let f = if d_m > 1 { i as f64 / (n - 1.0) } else { 0.0 };
                let tau = (self.tau_m_min_ms.ln() + f * (self.tau_m_max_ms.ln() - self.tau_m_min_ms.ln())).exp();
                (-1.0 / tau).exp() as f32
            })
            .collect();
        ElmModel {
            w_s: init::constant([branches * per_branch], self.w_s_init as f32, device),
            mlp_in: LinearConfig::new(branches + d_m, h).init(device),
            mlp_out: LinearConfig::new(h, d_m).init(device),
            readout: LinearConfig::new(d_m, n_outputs).init(device),
            num_branches: branches,
            synapses_per_branch: per_branch,
            mlp_silu: self.mlp_silu,
            lambda: self.lambda,
            kappa_s: (-1.0 / self.tau_s_ms).exp(),
            route,
            kappa_m,
        }
    }
}

impl ElmModel {
    /// Branch input currents after routing, weighting and the synaptic trace:
    /// x [batch, inputs, time] → [batch, time, branches].
    pub fn branch_traces(&self, x: Tensor<3>) -> Tensor<3> {
        let device = x.device();
        let [b, _, t] = x.dims();
        let idx = Tensor::<1, Int>::from_data(TensorData::new(self.route.clone(), [self.route.len()]), &device);
        let routed = x.select(1, idx); // [b, B·S, t]
        let w = relu(self.w_s.val()).reshape([1, self.route.len(), 1]);
        let u = (routed * w)
            .reshape([b, self.num_branches, self.synapses_per_branch, t])
            .sum_dim(2)
            .reshape([b * self.num_branches, t]);
        // Toeplitz K[s, t] = κ^(t−s) for s ≤ t: trace = u · K.
        let mut k = vec![0.0f32; t * t];
        for s in 0..t {
            let mut v = 1.0f64;
            for tt in s..t {
                k[s * t + tt] = v as f32;
                v *= self.kappa_s;
            }
        }
        let k = Tensor::<2>::from_data(TensorData::new(k, [t, t]), &device);
        u.matmul(k).reshape([b, self.num_branches, t]).swap_dims(1, 2)
    }

    /// Memory trajectory [batch, time, d_m].
    pub fn memory(&self, x: Tensor<3>) -> Tensor<3> {
        let device = x.device();
        let s = self.branch_traces(x);
        let [b, t, nb] = s.dims();
        let d_m = self.kappa_m.len();
        let w1 = self.mlp_in.weight.val(); // [nb + d_m, h]
        let [_, h] = w1.dims();
        let w1_s = w1.clone().slice([0..nb, 0..h]);
        let w1_m = w1.slice([nb..nb + d_m, 0..h]);
        // The branch part of the first MLP layer for all steps at once.
        let mut pre = s.matmul(w1_s.unsqueeze_dim::<3>(0));
        if let Some(b1) = &self.mlp_in.bias {
            pre = pre + b1.val().reshape([1, 1, h]);
        }
        let kappa = Tensor::<2>::from_data(TensorData::new(self.kappa_m.clone(), [1, d_m]), &device);
        let leak = kappa.clone().neg().add_scalar(1.0).mul_scalar(self.lambda);
        let mut m = Tensor::<2>::zeros([b, d_m], &device);
        let mut out = Vec::with_capacity(t);
        for step in pre.iter_dim(1) {
            let km = m * kappa.clone();
            let z = step.reshape([b, h]) + km.clone().matmul(w1_m.clone());
            let z = if self.mlp_silu { silu(z) } else { relu(z) };
            let dm = self.mlp_out.forward(z).mul_scalar(2.0 / 3.0).tanh().mul_scalar(1.7159);
            m = km + leak.clone() * dm;
            out.push(m.clone());
        }
        Tensor::stack(out, 1)
    }

    /// x [batch, inputs, time] → [batch, time, outputs].
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        self.readout.forward(self.memory(x))
    }
}
