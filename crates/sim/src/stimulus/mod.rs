//! Current stimuli that depend only on time (point processes with no voltage dependence).
//! NEURON evaluates them at the step's midpoint t + dt/2; so does the cell.

pub mod epsp;
pub mod iclamp;

pub use epsp::Epsp;
pub use iclamp::IClamp;

/// A time-dependent current injected at one node.
pub trait Stimulus: Send + Sync + std::fmt::Debug {
    /// Node the stimulus sits at.
    fn node(&self) -> usize;
    /// Current injected into the cell (nA; positive depolarises) at time `t_ms`.
    fn injected_na(&self, t_ms: f64) -> f64;
}
