//! lfdeep-sim: a multi-compartment simulator that reproduces NEURON's fixed-step scheme on
//! the Hay 2011 L5PC (channels, calcium dynamics, NeuronIO synapses). No Burn dependency.
//!
//! Data flow: a [`lfdeep_morph::Discretized`] cell + a [`Biophysics`] set → [`Cell`];
//! add stimuli ([`stimulus`]) and synapses with their events ([`synapses`]); `init`, then
//! `run_steps` with [`Recording`]s; detect spikes with [`spikes`]. [`protocols`] packages the
//! standard Hay 2011 protocols and the NeuronIO bombardment.

pub mod biophysics;
pub mod catalogue;
pub mod cell;
pub mod error;
pub mod mechanisms;
pub mod protocols;
pub mod record;
pub mod solver;
pub mod spikes;
pub mod stimulus;
pub mod synapses;

pub use biophysics::Biophysics;
pub use cell::{Cell, Release};
pub use error::{Result, SimError};
pub use record::{Quantity, Recording};
