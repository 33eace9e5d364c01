//! Ca_HVA: high-voltage-activated Ca current (no temperature factor).
//!
//! i = ḡ·m²·h·(v − eca), eca per node. Rates from spec/hay2011.md; `oracle/mod/Ca_HVA.mod` is the NMODL twin.

use super::{nudge, Gate};
use super::gated::{Ion, MhChannel, MhKinetics};

/// Gates m and h of Ca_HVA at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> (Gate, Gate) {
    let u = nudge(v_mv, -27.0);
    let am = 0.055 * (-27.0 - u) / (((-27.0 - u) / 3.8).exp() - 1.0);
    let bm = 0.94 * ((-75.0 - v_mv) / 17.0).exp();
    let ah = 4.57e-4 * ((-13.0 - v_mv) / 50.0).exp();
    let bh = 0.0065 / (((-v_mv - 15.0) / 28.0).exp() + 1.0);
    (Gate::from_rates(am, bm, 1.0), Gate::from_rates(ah, bh, 1.0))
}

/// Ca_HVA's kinetics for the shared gated-channel machinery ([`super::gated`]).
#[derive(Debug, Clone)]
pub struct Kinetics;

impl MhKinetics for Kinetics {
    const NAME: &'static str = "Ca_HVA";
    const P: u32 = 2;
    const ION: Ion = Ion::Ca;
    fn rates(v_mv: f64) -> (Gate, Gate) {
        rates(v_mv)
    }
}

/// Ca_HVA inserted in a set of nodes (`CaHva::new(nodes, gbar)`, gbar in S/cm²).
pub type CaHva = MhChannel<Kinetics>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        // At −27 mV α_m takes its limit 0.055·3.8; β_m = 0.94·e^(−48/17).
        let (am, bm) = (0.055 * 3.8, 0.94 * (-48.0f64 / 17.0).exp());
        let (m, _) = rates(-27.0);
        assert!(rel(m.inf, am / (am + bm)) < 1e-4 && rel(m.tau_ms, 1.0 / (am + bm)) < 1e-4);
        // At −13 mV α_h = 4.57e-4, β_h = 0.0065/(e^(−2/28) + 1).
        let (ah, bh) = (4.57e-4, 0.0065 / ((-2.0f64 / 28.0).exp() + 1.0));
        let (_, h) = rates(-13.0);
        assert!(rel(h.inf, ah / (ah + bh)) < 1e-12 && rel(h.tau_ms, 1.0 / (ah + bh)) < 1e-12);
    }
}
