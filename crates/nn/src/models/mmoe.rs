//! `mmoe` / `mmoeex`: multi-gate mixture of experts with a compressor (LFDeep).
//!
//! E expert TCNs each give ReLU(flatten(TCN_e(x)) + b_e). A separate compressor TCN maps the
//! input to features read only by the gates: g_k = softmax(c·W_k + b_k) over experts
//! (W: [tasks, features, experts]). h_k = Σ_e g_k,e · expert_e + task_bias_k feeds tower k.
//!
//! With `exclusivity > 0` (MMoEEx) a fraction of the experts is each made exclusive to one
//! task: the gate logits of every other task for that expert are −∞ in every forward pass, so
//! those gate entries are exactly zero, and [`MmoeModel::enforce_exclusivity`] (called after
//! every optimiser step) keeps the corresponding gate weights at exactly zero too.
//!
//! With `batched_encoders` (the default) the experts, and the compressor where it has the
//! experts' shape, run as one group of stacked convolutions ([`crate::layers::encoder_group`]):
//! the same arithmetic in one op per layer position instead of one per encoder.

use burn::module::Param;
use burn::prelude::*;
use burn::tensor::activation::{relu, softmax};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use super::mh::{flatten_window, lfdeep_encoder};
use crate::layers::encoder_group::{can_group, forward_group};
use crate::layers::{conv_algorithm_on, init, TcnEncoder, TcnEncoderConfig, Towers, TowersConfig};

#[derive(Config, Debug)]
pub struct MmoeConfig {
    pub expert: TcnEncoderConfig,
    pub compressor: TcnEncoderConfig,
    #[config(default = 5)]
    pub num_experts: usize,
    pub tower_hidden: Vec<usize>,
    /// Fraction of experts made exclusive to one task (0: plain MMoE; MMoEEx: 0.5).
    #[config(default = 0.0)]
    pub exclusivity: f64,
    /// Run the encoders as one group of stacked convolutions (same results as one by one,
    /// fewer and larger ops); `Some(false)`: one encoder after the other. `None` (a config
    /// without the key, e.g. a run saved before it existed) means on.
    #[config(default = "None")]
    pub batched_encoders: Option<bool>,
}

impl MmoeConfig {
    /// LFDeep's MMoE: 5 experts and a compressor, all the residual [32,16,8] TCN; towers of 10.
    pub fn preset_mmoe() -> Self {
        MmoeConfig::new(lfdeep_encoder(), lfdeep_encoder(), vec![10])
    }

    /// LFDeep's MMoEEx: as MMoE, towers of 100, half of the experts exclusive.
    pub fn preset_mmoeex() -> Self {
        MmoeConfig::new(lfdeep_encoder(), lfdeep_encoder(), vec![100]).with_exclusivity(0.5)
    }

    /// Number of exclusive experts; at least one expert always stays shared so every task's
    /// softmax has a finite entry.
    pub fn num_exclusive(&self) -> usize {
        ((self.num_experts as f64) * self.exclusivity).floor() as usize
    }

    pub fn validate(&self) -> Result<(), String> {
        if self.num_experts == 0 {
            return Err("num_experts must be at least 1".into());
        }
        if !(0.0..1.0).contains(&self.exclusivity) {
            return Err(format!("exclusivity must be in [0, 1), got {}", self.exclusivity));
        }
        if self.num_exclusive() >= self.num_experts {
            return Err("at least one expert must stay shared".into());
        }
        Ok(())
    }

    pub fn init(&self, in_channels: usize, n_targets: usize, window: usize, device: &Device, rng: &mut ChaCha8Rng) -> MmoeModel {
        let experts: Vec<TcnEncoder> = (0..self.num_experts).map(|_| self.expert.init(in_channels, device, rng)).collect();
        let f_exp = experts[0].out_channels() * window;
        let compressor = self.compressor.init(in_channels, device, rng);
        let f_comp = compressor.out_channels() * window;
        let e = self.num_experts;
        let k = n_targets;
        // Exclusive experts: the first `num_exclusive` experts, each owned by a random task.
        let owners: Vec<Option<usize>> =
            (0..e).map(|i| (i < self.num_exclusive()).then(|| rng.random_range(0..k))).collect();
        let allowed: Vec<f32> = (0..k)
            .flat_map(|task| owners.iter().map(move |o| if o.is_none_or(|t| t == task) { 1.0 } else { 0.0 }))
            .collect();
        let bound = 1.0 / (f_comp as f64).sqrt();
        let mut model = MmoeModel {
            experts,
            expert_bias: init::constant([e, f_exp], 0.0, device),
            compressor,
            gate_weight: init::uniform([k, f_comp, e], bound, rng, device),
            gate_bias: init::constant([k, e], 0.0, device),
            task_bias: init::constant([k, f_exp], 0.0, device),
            towers: TowersConfig::new(k, f_exp, self.tower_hidden.clone()).init(device, rng),
            window,
            num_experts: e,
            allowed,
            batched_encoders: self.batched_encoders.unwrap_or(true),
        };
        if model.has_exclusive() {
            model = model.enforce_exclusivity();
        }
        model
    }
}

#[derive(Module, Debug)]
pub struct MmoeModel {
    pub experts: Vec<TcnEncoder>,
    /// [experts, features]
    pub expert_bias: Param<Tensor<2>>,
    pub compressor: TcnEncoder,
    /// [tasks, compressor features, experts]
    pub gate_weight: Param<Tensor<3>>,
    /// [tasks, experts]
    pub gate_bias: Param<Tensor<2>>,
    /// [tasks, features]
    pub task_bias: Param<Tensor<2>>,
    pub towers: Towers,
    pub window: usize,
    pub num_experts: usize,
    /// Row-major [tasks, experts]: 1 where task k may use expert e. Rebuilt from the config
    /// and seed at init, so it is not a parameter.
    #[module(skip)]
    pub allowed: Vec<f32>,
    /// From the config ([`MmoeConfig::batched_encoders`]), so not a parameter either.
    #[module(skip)]
    pub batched_encoders: bool,
}

impl MmoeModel {
    pub fn has_exclusive(&self) -> bool {
        self.allowed.iter().any(|&a| a == 0.0)
    }

    fn allowed_tensor(&self, device: &Device) -> Tensor<2> {
        let k = self.allowed.len() / self.num_experts;
        Tensor::from_data(TensorData::new(self.allowed.clone(), [k, self.num_experts]), device)
    }

    /// Gate probabilities [batch, tasks, experts].
    pub fn gates(&self, x: Tensor<3>) -> Tensor<3> {
        self.gates_from(flatten_window(self.compressor.forward(x), self.window))
    }

    /// Gate probabilities from the flattened compressor output c [batch, features].
    fn gates_from(&self, c: Tensor<2>) -> Tensor<3> {
        let [k, f, e] = self.gate_weight.dims();
        let [b, _] = c.dims();
        let w = self.gate_weight.val().swap_dims(0, 1).reshape([f, k * e]);
        let logits = c.matmul(w).reshape([b, k, e]) + self.gate_bias.val().unsqueeze_dim::<3>(0);
        let logits = if self.has_exclusive() {
            let excluded = self.allowed_tensor(&logits.device()).equal_elem(0.0).unsqueeze_dim::<3>(0).expand([b, k, e]);
            logits.mask_fill(excluded, f32::NEG_INFINITY)
        } else {
            logits
        };
        softmax(logits, 2)
    }

    /// How many encoders [`Self::forward`] runs as one group: experts + compressor where they
    /// all have one shape, the experts alone where the compressor differs, 0 when
    /// `batched_encoders` is off or the experts cannot be grouped (plain blocks).
    pub fn grouped_encoders(&self) -> usize {
        if !self.batched_encoders {
            return 0;
        }
        let experts: Vec<&TcnEncoder> = self.experts.iter().collect();
        let mut all = experts.clone();
        all.push(&self.compressor);
        if can_group(&all) {
            all.len()
        } else if can_group(&experts) {
            experts.len()
        } else {
            0
        }
    }

    /// The flattened compressor output [batch, compressor features] and the experts' flattened
    /// outputs before their bias [batch, experts, features], grouped where they can be.
    fn encode(&self, x: Tensor<3>) -> (Tensor<2>, Tensor<3>) {
        let algorithm = conv_algorithm_on(&x.device());
        let e = self.num_experts;
        let mut group: Vec<&TcnEncoder> = self.experts.iter().collect();
        let flat = |h: Tensor<4>| {
            let [b, g, c, t] = h.dims();
            assert_eq!(t, self.window, "this model was built for {}-step windows, got {t}", self.window);
            h.reshape([b, g, c * t])
        };
        let compressor = || flatten_window(self.compressor.forward(x.clone()), self.window);
        match self.grouped_encoders() {
            0 => {
                let h = group.iter().map(|enc| flatten_window(enc.forward(x.clone()), self.window)).collect();
                (compressor(), Tensor::stack::<3>(h, 1))
            }
            n if n == e => (compressor(), flat(forward_group(&group, x, algorithm))),
            _ => {
                group.push(&self.compressor);
                let h = flat(forward_group(&group, x, algorithm));
                let [b, _, f] = h.dims();
                (h.clone().narrow(1, e, 1).reshape([b, f]), h.narrow(1, 0, e))
            }
        }
    }

    /// x [batch, channels, window] → [batch, 1, targets].
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let (c, experts) = self.encode(x);
        let g = self.gates_from(c);
        let experts = relu(experts + self.expert_bias.val().unsqueeze_dim::<3>(0)); // [b, e, f]
        let h = g.matmul(experts) + self.task_bias.val().unsqueeze_dim::<3>(0); // [b, k, f]
        self.towers.forward(h).unsqueeze_dim(1)
    }

    /// Sets the gate weights and biases of excluded (task, expert) pairs to exactly zero,
    /// keeping each parameter's id and gradient setting. Called after every optimiser step.
    pub fn enforce_exclusivity(mut self) -> Self {
        if !self.has_exclusive() {
            return self;
        }
        let device = self.gate_bias.val().device();
        let allowed = self.allowed_tensor(&device);
        let [k, e] = allowed.dims();
        let a3 = allowed.clone().reshape([k, 1, e]);
        self.gate_weight = self.gate_weight.map(|t| masked_leaf(t, a3));
        self.gate_bias = self.gate_bias.map(|t| masked_leaf(t, allowed));
        self
    }
}

/// `t · mask` as a fresh leaf with t's gradient setting (like an optimiser update: computed
/// off the autodiff graph, then put back).
fn masked_leaf<const D: usize>(t: Tensor<D>, mask: Tensor<D>) -> Tensor<D> {
    if !t.is_autodiff() {
        return t * mask;
    }
    let rg = t.is_require_grad();
    let v = (t.inner() * mask.inner()).autodiff();
    if rg {
        v.require_grad()
    } else {
        v
    }
}
