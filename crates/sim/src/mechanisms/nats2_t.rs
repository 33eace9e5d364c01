//! NaTs2_t: fast inactivating Na current (soma, apical).
//!
//! i = ḡ·m³·h·(v − ena); NaTa_t with its half-activation points shifted by +6 mV. Rates from spec/hay2011.md; `oracle/mod/NaTs2_t.mod` is the NMODL twin.

use super::Gate;
use super::gated::{Ion, MhChannel, MhKinetics};

/// Gates m and h of NaTs2_t at membrane potential `v_mv` (mV): NaTa_t's expressions with
/// the shifts 32 and 60 mV.
pub fn rates(v_mv: f64) -> (Gate, Gate) {
    super::nata_t::transient_na_rates(v_mv, 32.0, 60.0)
}

/// NaTs2_t's kinetics for the shared gated-channel machinery ([`super::gated`]).
#[derive(Debug, Clone)]
pub struct Kinetics;

impl MhKinetics for Kinetics {
    const NAME: &'static str = "NaTs2_t";
    const P: u32 = 3;
    const ION: Ion = Ion::Na;
    fn rates(v_mv: f64) -> (Gate, Gate) {
        rates(v_mv)
    }
}

/// NaTs2_t inserted in a set of nodes (`NaTs2T::new(nodes, gbar)`, gbar in S/cm²).
pub type NaTs2T = MhChannel<Kinetics>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        // At the singular points the rates take their limits: x/(1 − e^(−x/6)) → 6, so
        // α_m = 0.182·6, β_m = 0.124·6 at v = −32; α_h = β_h = 0.015·6 at v = −60.
        // The 1e-4 mV nudge moves them by < 1e-5 relative.
        let qt = 2.3f64.powf(1.3);
        let (m, _) = rates(-32.0);
        assert!(rel(m.inf, 1.092 / 1.836) < 1e-4, "{}", m.inf);
        assert!(rel(m.tau_ms, 1.0 / 1.836 / qt) < 1e-4, "{}", m.tau_ms);
        let (_, h) = rates(-60.0);
        assert!(rel(h.inf, 0.5) < 1e-4, "{}", h.inf);
        assert!(rel(h.tau_ms, 1.0 / 0.18 / qt) < 1e-4, "{}", h.tau_ms);
    }
}
