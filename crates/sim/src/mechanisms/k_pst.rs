//! K_Pst: slow persistent K current.
//!
//! i = ḡ·m²·h·(v − ek). Rates from spec/hay2011.md; `oracle/mod/K_Pst.mod` is the NMODL twin.

use super::{Gate, QT_HAY};
use super::gated::{Ion, MhChannel, MhKinetics};

/// Gates m and h of K_Pst at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> (Gate, Gate) {
    let qt = QT_HAY;
    // The published kinetics are written in a voltage shifted by +10 mV.
    let u = v_mv + 10.0;
    let m_inf = 1.0 / (1.0 + (-(u + 1.0) / 12.0).exp());
    let m_tau = if u < -50.0 {
        (1.25 + 175.03 * (0.026 * u).exp()) / qt
    } else {
        (1.25 + 13.0 * (-0.026 * u).exp()) / qt
    };
    let h_inf = 1.0 / (1.0 + ((u + 54.0) / 11.0).exp());
    let w = (u + 75.0) / 48.0;
    let h_tau = (360.0 + (1010.0 + 24.0 * (u + 55.0)) * (-(w * w)).exp()) / qt;
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

/// K_Pst's kinetics for the shared gated-channel machinery ([`super::gated`]).
#[derive(Debug, Clone)]
pub struct Kinetics;

impl MhKinetics for Kinetics {
    const NAME: &'static str = "K_Pst";
    const P: u32 = 2;
    const ION: Ion = Ion::K;
    fn rates(v_mv: f64) -> (Gate, Gate) {
        rates(v_mv)
    }
}

/// K_Pst inserted in a set of nodes (`KPst::new(nodes, gbar)`, gbar in S/cm²).
pub type KPst = MhChannel<Kinetics>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        let qt = 2.3f64.powf(1.3);
        // u = v + 10: m∞(u = −1) = 1/2, h∞(u = −54) = 1/2,
        // τ_h(u = −75) = (360 + 1010 − 24·20)/qt = 890/qt.
        assert!(rel(rates(-11.0).0.inf, 0.5) < 1e-12);
        assert!(rel(rates(-64.0).1.inf, 0.5) < 1e-12);
        assert!(rel(rates(-85.0).1.tau_ms, 890.0 / qt) < 1e-12);
        // Both branches of τ_m: u = −1 and u = −60.
        assert!(rel(rates(-11.0).0.tau_ms, (1.25 + 13.0 * 0.026f64.exp()) / qt) < 1e-12);
        assert!(
            rel(
                rates(-70.0).0.tau_ms,
                (1.25 + 175.03 * (-1.56f64).exp()) / qt
            ) < 1e-12
        );
    }
}
