//! Ih: hyperpolarisation-activated cation current (no temperature factor).
//!
//! i = ḡ·m·(v − ehcn), ehcn = −45 mV. Rates from spec/hay2011.md; `oracle/mod/Ih.mod` is the NMODL twin.

use super::{nudge, Gate};
use super::gated::{Ion, MChannel, MKinetics};

/// Reversal potential of Ih (mV).
pub const EHCN_MV: f64 = -45.0;

/// Gate m of Ih at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> Gate {
    let u = nudge(v_mv, -154.9);
    let a = 6.43e-3 * (u + 154.9) / (((u + 154.9) / 11.9).exp() - 1.0);
    let b = 0.193 * (v_mv / 33.1).exp();
    Gate::from_rates(a, b, 1.0)
}

/// Ih's kinetics for the shared gated-channel machinery ([`super::gated`]).
#[derive(Debug, Clone)]
pub struct Kinetics;

impl MKinetics for Kinetics {
    const NAME: &'static str = "Ih";
    const ION: Ion = Ion::Fixed(EHCN_MV);
    fn rates(v_mv: f64) -> Gate {
        rates(v_mv)
    }
}

/// Ih inserted in a set of nodes (`Ih::new(nodes, gbar)`, gbar in S/cm²).
pub type Ih = MChannel<Kinetics>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        // At −154.9 mV α takes its limit 6.43e-3·11.9; β = 0.193·e^(−154.9/33.1).
        let (a, b) = (6.43e-3 * 11.9, 0.193 * (-154.9f64 / 33.1).exp());
        let g = rates(-154.9);
        assert!(rel(g.inf, a / (a + b)) < 1e-4 && rel(g.tau_ms, 1.0 / (a + b)) < 1e-4);
        // At 0 mV: α = 6.43e-3·154.9/(e^(154.9/11.9) − 1), β = 0.193.
        let (a, b) = (6.43e-3 * 154.9 / ((154.9f64 / 11.9).exp() - 1.0), 0.193);
        assert!(rel(rates(0.0).tau_ms, 1.0 / (a + b)) < 1e-12);
    }
}
