//! The surrogate models and the one enum that wraps them.
//!
//! Every model maps an input window x [batch, channels, window] to predictions
//! [batch, steps, targets] for the **last** `steps` time steps of the window (sequence models:
//! every step; MH/MMoE: the final step only). Targets are ordered spike logit, soma voltage,
//! then the dendritic targets (see [`crate::data::targets`]).

pub mod elm;
pub mod mh;
pub mod mmoe;
pub mod tcn;

use burn::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

pub use elm::{ElmConfig, ElmModel, ElmRouting};
pub use mh::{MhConfig, MhModel};
pub use mmoe::{MmoeConfig, MmoeModel};
pub use tcn::{TcnModel, TcnModelConfig};

use crate::error::{NnError, Result};

/// Which model to build, as written in a run config's `[model]` table (`kind = "mmoe"` …).
#[derive(Serialize, Deserialize, Debug, Clone)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ModelConfig {
    Tcn(TcnModelConfig),
    Mh(MhConfig),
    Mmoe(MmoeConfig),
    Mmoeex(MmoeConfig),
    Elm(ElmConfig),
}

/// What the data gives a model: input channels, number of targets, window length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelShape {
    pub in_channels: usize,
    pub n_targets: usize,
    pub window: usize,
}

impl ModelConfig {
    pub fn name(&self) -> &'static str {
        match self {
            ModelConfig::Tcn(_) => "tcn",
            ModelConfig::Mh(_) => "mh",
            ModelConfig::Mmoe(_) => "mmoe",
            ModelConfig::Mmoeex(_) => "mmoeex",
            ModelConfig::Elm(_) => "elm",
        }
    }

    /// Does the model predict every step of the window (true) or only the last one?
    pub fn is_sequence(&self) -> bool {
        matches!(self, ModelConfig::Tcn(_) | ModelConfig::Elm(_))
    }

    /// Builds the model; the same seed gives the same weights.
    pub fn init(&self, shape: ModelShape, device: &Device, seed: u64) -> Result<Surrogate> {
        device.seed(seed);
        let rng = &mut ChaCha8Rng::seed_from_u64(seed);
        let ModelShape { in_channels, n_targets, window } = shape;
        let bad = |e: String| NnError::config(format!("model ({})", self.name()), e);
        Ok(match self {
            ModelConfig::Tcn(c) => {
                c.encoder.validate().map_err(bad)?;
                Surrogate::Tcn(c.init(in_channels, n_targets, device, rng))
            }
            ModelConfig::Mh(c) => {
                c.encoder.validate().map_err(bad)?;
                Surrogate::Mh(c.init(in_channels, n_targets, window, device, rng))
            }
            ModelConfig::Mmoe(c) | ModelConfig::Mmoeex(c) => {
                c.expert.validate().map_err(bad)?;
                c.compressor.validate().map_err(bad)?;
                c.validate().map_err(bad)?;
                if matches!(self, ModelConfig::Mmoeex(_)) && c.num_exclusive() == 0 {
                    return Err(bad("mmoeex needs exclusivity · num_experts ≥ 1".into()));
                }
                Surrogate::Mmoe(c.init(in_channels, n_targets, window, device, rng))
            }
            ModelConfig::Elm(c) => Surrogate::Elm(c.init(in_channels, n_targets, device, rng)),
        })
    }
}

#[derive(Module, Debug)]
pub enum Surrogate {
    Tcn(TcnModel),
    Mh(MhModel),
    Mmoe(MmoeModel),
    Elm(ElmModel),
}

impl Surrogate {
    /// x [batch, channels, window] → [batch, steps, targets].
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        match self {
            Surrogate::Tcn(m) => m.forward(x),
            Surrogate::Mh(m) => m.forward(x),
            Surrogate::Mmoe(m) => m.forward(x),
            Surrogate::Elm(m) => m.forward(x),
        }
    }

    /// Predictions for the last `steps` steps of the window only (burn-in dropped):
    /// [batch, steps, targets].
    pub fn forward_last(&self, x: Tensor<3>, steps: usize) -> Tensor<3> {
        let y = self.forward(x);
        let [b, t, k] = y.dims();
        if t == steps {
            y
        } else {
            assert!(steps <= t, "{steps} target steps asked of a {t}-step prediction");
            y.slice([0..b, t - steps..t, 0..k])
        }
    }

    /// Constraints that must hold after every optimiser step (MMoEEx exclusivity).
    pub fn enforce_constraints(self) -> Self {
        match self {
            Surrogate::Mmoe(m) => Surrogate::Mmoe(m.enforce_exclusivity()),
            other => other,
        }
    }
}
