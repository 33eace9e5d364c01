//! lfdeep-data: NeuronIO-protocol datasets (no Burn).
//!
//! - [`generator`]: the published input generator, every draw keyed by (seed, simulation,
//!   purpose) through [`rng`];
//! - [`model`]: the seam to the simulator (input trains in, recordings out);
//! - [`store`]: the Zarr v3 dataset store (atomic per-simulation commit, resume, shards);
//! - [`runner`]: parallel generation; [`merge`], [`check`], [`summary`];
//! - [`pickle`] + [`neuronio`]: import of the published pickles; [`npy`]: export.

pub mod config;
pub mod error;
pub mod generator;
pub mod rng;
pub mod smoothing;

pub use config::{InputConfig, SimulateConfig, Variant, VoltageDtype};
pub use error::{DataError, Result};
pub mod model;
pub mod provenance;
pub mod runner;
pub mod site;
pub mod store;
pub mod check;
pub mod merge;
pub mod neuronio;
pub mod pickle;
pub mod export;
pub mod npy;
pub mod summary;
