//! lfdeep-sim: a multi-compartment simulator that reproduces NEURON's fixed-step scheme on
//! the Hay 2011 L5PC (channels, calcium dynamics, NeuronIO synapses). No Burn dependency.

pub mod mechanisms;
