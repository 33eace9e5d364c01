//! Ca_LVAst: low-voltage-activated (T-type) Ca current.
//!
//! i = ḡ·m²·h·(v − eca), eca per node. Rates from spec/hay2011.md; `oracle/mod/Ca_LVAst.mod` is the NMODL twin.

use super::{Gate, QT_HAY};
use super::gated::{Ion, MhChannel, MhKinetics};

/// Gates m and h of Ca_LVAst at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> (Gate, Gate) {
    let qt = QT_HAY;
    // The published kinetics are written in a voltage shifted by +10 mV.
    let u = v_mv + 10.0;
    let m_inf = 1.0 / (1.0 + (-(u + 30.0) / 6.0).exp());
    let m_tau = (5.0 + 20.0 / (1.0 + ((u + 25.0) / 5.0).exp())) / qt;
    let h_inf = 1.0 / (1.0 + ((u + 80.0) / 6.4).exp());
    let h_tau = (20.0 + 50.0 / (1.0 + ((u + 40.0) / 7.0).exp())) / qt;
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

/// Ca_LVAst's kinetics for the shared gated-channel machinery ([`super::gated`]).
#[derive(Debug, Clone)]
pub struct Kinetics;

impl MhKinetics for Kinetics {
    const NAME: &'static str = "Ca_LVAst";
    const P: u32 = 2;
    const ION: Ion = Ion::Ca;
    fn rates(v_mv: f64) -> (Gate, Gate) {
        rates(v_mv)
    }
}

/// Ca_LVAst inserted in a set of nodes (`CaLvast::new(nodes, gbar)`, gbar in S/cm²).
pub type CaLvast = MhChannel<Kinetics>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        let qt = 2.3f64.powf(1.3);
        // u = v + 10: m∞(−30) = 1/2, τ_m(−25) = 15/qt, h∞(−80) = 1/2, τ_h(−40) = 45/qt.
        assert!(rel(rates(-40.0).0.inf, 0.5) < 1e-12);
        assert!(rel(rates(-35.0).0.tau_ms, 15.0 / qt) < 1e-12);
        assert!(rel(rates(-90.0).1.inf, 0.5) < 1e-12);
        assert!(rel(rates(-50.0).1.tau_ms, 45.0 / qt) < 1e-12);
    }
}
