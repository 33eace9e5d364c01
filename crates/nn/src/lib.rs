//! lfdeep-nn: surrogate networks of a detailed neuron and their training, with Burn 0.22.
//!
//! - [`layers`]: causal (weight-normalised) convolutions, TCN encoders, grouped task towers;
//! - [`models`]: `tcn`, `mh`, `mmoe`/`mmoeex`, `elm` behind one [`models::Surrogate`] enum;
//! - [`data`]: the simulation source seam, windows, z-scoring fitted on the training split,
//!   spike-balanced sampling, splits by simulation, background prefetch, synthetic test data;
//! - [`train`]: run configs with `key=value` overrides, losses, the training loop,
//!   SafeTensors checkpoints and resume.

pub mod data;
pub mod device;
pub mod error;
#[cfg(feature = "cuda")]
pub mod kernel_cache;
pub mod eval;
pub mod layers;
pub mod models;
pub mod train;

pub use device::{device_from_name, devices_from_spec};
pub use error::{NnError, Result};
