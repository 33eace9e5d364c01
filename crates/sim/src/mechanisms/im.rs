//! Im: muscarinic (M-type) K current.
//!
//! i = ḡ·m·(v − ek). Rates from spec/hay2011.md; `oracle/mod/Im.mod` is the NMODL twin.

use super::{Gate, QT_HAY};
use super::gated::{Ion, MChannel, MKinetics};

/// Gate m of Im at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> Gate {
    // α and β share one exponential: e^(−x) = 1/e^(x) (within an ulp of a second exp call).
    let e = (0.1 * (v_mv + 35.0)).exp();
    let a = 3.3e-3 * e;
    let b = 3.3e-3 / e;
    Gate::from_rates(a, b, QT_HAY)
}

/// Im's kinetics for the shared gated-channel machinery ([`super::gated`]).
#[derive(Debug, Clone)]
pub struct Kinetics;

impl MKinetics for Kinetics {
    const NAME: &'static str = "Im";
    const ION: Ion = Ion::K;
    fn rates(v_mv: f64) -> Gate {
        rates(v_mv)
    }
}

/// Im inserted in a set of nodes (`Im::new(nodes, gbar)`, gbar in S/cm²).
pub type Im = MChannel<Kinetics>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        // At −35 mV α = β = 3.3e-3/ms: m∞ = 1/2, τ = 1/(6.6e-3)/qt.
        let qt = 2.3f64.powf(1.3);
        assert!(rel(rates(-35.0).inf, 0.5) < 1e-12);
        assert!(rel(rates(-35.0).tau_ms, 1.0 / 6.6e-3 / qt) < 1e-12);
        // At −25 mV α/β = e²: m∞ = 1/(1 + e^−2).
        assert!(rel(rates(-25.0).inf, 1.0 / (1.0 + (-2.0f64).exp())) < 1e-12);
    }
}
