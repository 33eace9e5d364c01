//! Small studies from the seeds, independent of the detailed simulator:
//! - the integrate-and-fire figure of Beniaguev et al. 2021 (a one-filter network fitted
//!   with Burn recovers the cell's synaptic kernel): [`integrate_fire`], [`if_network`],
//!   [`if_study`], driven by the published block generator [`block_inputs`];
//! - inferring a neuron's computation when an input is never observed (seed 003):
//!   [`encoder`], [`hidden_fit`], [`hidden_study`];
//! - correlated spike trains (Brette 2009), Cox and mixture methods: [`correlated`].

pub mod block_inputs;
pub mod correlated;
pub mod error;
pub mod if_network;
pub mod if_study;
pub mod integrate_fire;
pub mod raster;
pub mod rng;
pub mod smoothing;

pub use error::{Result, StudyError};
pub mod encoder;
pub mod hidden_fit;
pub mod hidden_study;
