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
//! Calcium, as NEURON orders it (checked against NEURON in `tests/channels_vs_neuron.rs`):
//! eca = [`nernst_mv`]`(cai, cao, 2, celsius)` is recomputed at the start of each step from the
//! cai the previous step left (before the currents); after the solve, [`CaDynamics::advance`]
//! runs with this step's ica **before** the channels advance, so SK_E2 reads the new cai
//! (advancing SK_E2 with the old cai moves v by ~3 mV in the SK_E2 oracle case).
//!
//! Units: v in mV, t in ms, conductance densities in S/cm², currents in mA/cm², cai in mM.

pub mod ca_hva;
pub mod ca_lvast;
pub mod cadynamics;
pub mod gated;
pub mod ih;
pub mod im;
pub mod k_pst;
pub mod k_tst;
pub mod nap_et2;
pub mod nata_t;
pub mod nats2_t;
pub mod pas;
pub mod sk_e2;
pub mod skv3_1;

/// Helpers shared by the mechanisms' unit tests.
#[cfg(test)]
pub(crate) mod test_support {
    /// Relative error of `a` against the reference `b`.
    pub fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }
}

pub use ca_hva::CaHva;
pub use ca_lvast::CaLvast;
pub use cadynamics::{nernst_mv, CaDynamics};
pub use ih::Ih;
pub use im::Im;
pub use k_pst::KPst;
pub use k_tst::KTst;
pub use nap_et2::NapEt2;
pub use nata_t::NaTaT;
pub use nats2_t::NaTs2T;
pub use pas::Pas;
pub use sk_e2::SkE2;
pub use skv3_1::SKv31;

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

/// [`qt_hay`] as a constant (the channels' hot loops use it; a test checks it is the same f64).
pub const QT_HAY: f64 = 2.952882641412121;

/// Steady state and time constant of one gate at one voltage (or calcium level).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gate {
    /// x∞ (dimensionless).
    pub inf: f64,
    /// τ (ms), temperature factor included.
    pub tau_ms: f64,
}

impl Gate {
    /// From opening and closing rates (1/ms) and a temperature factor: x∞ = α/(α+β),
    /// τ = 1/(α+β)/q.
    #[inline]
    pub fn from_rates(alpha: f64, beta: f64, q: f64) -> Self {
        Gate {
            inf: alpha / (alpha + beta),
            tau_ms: (1.0 / (alpha + beta)) / q,
        }
    }
}

/// Voltages closer than this (mV) to a removable singularity of x/(1 − eˣ) are evaluated at
/// the nudged voltage: direct evaluation loses digits there (0/0 exactly at the point).
pub const SINGULARITY_WINDOW_MV: f64 = 1e-6;
/// How far (mV) the spec moves v off a removable singularity.
pub const SINGULARITY_NUDGE_MV: f64 = 1e-4;

/// `v`, or `v0 + 1e-4 mV` when `v` is within [`SINGULARITY_WINDOW_MV`] of the singular point
/// `v0` (the NMODL files in `oracle/mod` apply the same rule, so both sides agree).
#[inline]
pub fn nudge(v: f64, v0: f64) -> f64 {
    if (v - v0).abs() < SINGULARITY_WINDOW_MV {
        v0 + SINGULARITY_NUDGE_MV
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qt_constant_is_the_computed_factor() {
        assert_eq!(QT_HAY.to_bits(), qt_hay().to_bits());
    }

    #[test]
    fn nudge_moves_only_points_at_the_singularity() {
        assert_eq!(nudge(-38.0, -38.0), -38.0 + 1e-4);
        assert_eq!(nudge(-38.0 + 5e-7, -38.0), -38.0 + 1e-4);
        assert_eq!(nudge(-38.0 + 2e-6, -38.0), -38.0 + 2e-6);
    }

    #[test]
    fn cnexp_is_exact_for_fixed_rates() {
        // x(t) = x∞ + (x0 − x∞)·e^(−t/τ): two half steps equal one full step.
        let one = cnexp(0.2, 0.9, 3.0, 0.5);
        let two = cnexp(cnexp(0.2, 0.9, 3.0, 0.25), 0.9, 3.0, 0.25);
        assert!((one - two).abs() < 1e-15);
        assert!((one - (0.9 - 0.7 * (-0.5f64 / 3.0).exp())).abs() < 1e-15);
    }
}
