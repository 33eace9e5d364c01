//! K_Tst: fast inactivating K current.
//!
//! i = ḡ·m⁴·h·(v − ek). Rates from spec/hay2011.md; `oracle/mod/K_Tst.mod` is the NMODL twin.

use super::{Gate, QT_HAY};
use super::gated::{Ion, MhChannel, MhKinetics};

/// Gates m and h of K_Tst at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> (Gate, Gate) {
    let qt = QT_HAY;
    // The published kinetics are written in a voltage shifted by +10 mV.
    let u = v_mv + 10.0;
    let m_inf = 1.0 / (1.0 + (-u / 19.0).exp());
    let wm = (u + 71.0) / 59.0;
    let m_tau = (0.34 + 0.92 * (-(wm * wm)).exp()) / qt;
    let h_inf = 1.0 / (1.0 + ((u + 66.0) / 10.0).exp());
    let wh = (u + 73.0) / 23.0;
    let h_tau = (8.0 + 49.0 * (-(wh * wh)).exp()) / qt;
    (
        Gate {
            inf: m_inf,
            tau_ms: m_tau,
        },
        Gate {
            inf: h_inf,
            tau_ms: h_tau,
        },
    )
}

/// K_Tst's kinetics for the shared gated-channel machinery ([`super::gated`]).
#[derive(Debug, Clone)]
pub struct Kinetics;

impl MhKinetics for Kinetics {
    const NAME: &'static str = "K_Tst";
    const P: u32 = 4;
    const ION: Ion = Ion::K;
    fn rates(v_mv: f64) -> (Gate, Gate) {
        rates(v_mv)
    }
}

/// K_Tst inserted in a set of nodes (`KTst::new(nodes, gbar)`, gbar in S/cm²).
pub type KTst = MhChannel<Kinetics>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        let qt = 2.3f64.powf(1.3);
        // u = v + 10: m∞(0) = 1/2, τ_m(−71) = 1.26/qt, h∞(−66) = 1/2, τ_h(−73) = 57/qt.
        assert!(rel(rates(-10.0).0.inf, 0.5) < 1e-12);
        assert!(rel(rates(-81.0).0.tau_ms, 1.26 / qt) < 1e-12);
        assert!(rel(rates(-76.0).1.inf, 0.5) < 1e-12);
        assert!(rel(rates(-83.0).1.tau_ms, 57.0 / qt) < 1e-12);
    }
}
