//! Density mechanisms (ion channels and the passive leak), one small file each.
//!
//! Each mechanism holds its own nodes (indices into the cell's node arrays), its parameters
//! per node and its gating states, as structures of arrays. The cell calls, every step of
//! NEURON's fixed-step scheme:
//! 1. [`Mechanism::current`] at the old voltage: adds membrane current density and its
//!    conductance dI/dV to the node arrays (NEURON's BREAKPOINT);
//! 2. the voltage solve (backward Euler, Hines);
//! 3. [`Mechanism::advance`] with the new voltage: exponential-Euler (`cnexp`) state update.
//!
//! Units: v in mV, t in ms, conductance densities in S/cm², currents in mA/cm², cai in mM.

pub mod pas;

/// Per-node quantities a mechanism reads.
#[derive(Debug, Clone, Copy)]
pub struct NodeState<'a> {
    /// Membrane potential (mV), indexed by node.
    pub v: &'a [f64],
    /// Intracellular calcium (mM), indexed by node.
    pub cai: &'a [f64],
    /// Calcium reversal potential (mV), indexed by node (Nernst from cai).
    pub eca: &'a [f64],
    /// Sodium and potassium reversal potentials (mV), the same everywhere.
    pub ena: f64,
    pub ek: f64,
}

/// Per-node accumulators a mechanism adds to.
#[derive(Debug)]
pub struct Currents<'a> {
    /// Outward membrane current density (mA/cm²).
    pub i: &'a mut [f64],
    /// Its derivative with respect to v (S/cm²), used by the implicit voltage solve.
    pub g: &'a mut [f64],
    /// Calcium current density (mA/cm²), read by calcium dynamics.
    pub ica: &'a mut [f64],
}

/// A density mechanism inserted in a set of nodes.
pub trait Mechanism: Send + Sync + std::fmt::Debug {
    /// NEURON's SUFFIX (e.g. "NaTa_t").
    fn name(&self) -> &'static str;
    /// Nodes this mechanism is inserted in.
    fn nodes(&self) -> &[usize];
    /// Set gating states to their steady state at the given voltages (NEURON's INITIAL).
    fn init(&mut self, s: &NodeState);
    /// Add current and conductance at the present voltage (NEURON's BREAKPOINT).
    fn current(&self, s: &NodeState, out: &mut Currents);
    /// Advance gating states by `dt_ms` with the new voltage (cnexp).
    fn advance(&mut self, s: &NodeState, dt_ms: f64);
    /// Named state arrays (per inserted node), for inspection and non-finite checks.
    fn states(&self) -> Vec<(&'static str, &[f64])>;
}

/// Exponential-Euler update of a first-order gate: exact for constant x∞ and τ.
#[inline]
pub fn cnexp(x: f64, x_inf: f64, tau_ms: f64, dt_ms: f64) -> f64 {
    x_inf + (x - x_inf) * (-dt_ms / tau_ms).exp()
}

/// The temperature factor most Hay channels use: 2.3^((34 − 21)/10), independent of celsius.
pub fn qt_hay() -> f64 {
    2.3f64.powf((34.0 - 21.0) / 10.0)
}
