//! Nap_Et2: persistent Na current.
//!
//! i = ḡ·m³·h·(v − ena). Rates from spec/hay2011.md; `oracle/mod/Nap_Et2.mod` is the NMODL twin.

use super::{nudge, Gate, QT_HAY};
use super::gated::{Ion, MhChannel, MhKinetics};

/// Gates m and h of Nap_Et2 at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> (Gate, Gate) {
    let qt = QT_HAY;
    let m_inf = 1.0 / (1.0 + (-(v_mv + 52.6) / 4.6).exp());
    let u = nudge(v_mv, -38.0);
    let am = 0.182 * (u + 38.0) / (1.0 - (-(u + 38.0) / 6.0).exp());
    let bm = 0.124 * (-u - 38.0) / (1.0 - ((u + 38.0) / 6.0).exp());
    let m_tau = 6.0 * (1.0 / (am + bm)) / qt;
    let h_inf = 1.0 / (1.0 + ((v_mv + 48.8) / 10.0).exp());
    let u = nudge(v_mv, -17.0);
    let ah = -2.88e-6 * (u + 17.0) / (1.0 - ((u + 17.0) / 4.63).exp());
    let u = nudge(v_mv, -64.4);
    let bh = 6.94e-6 * (u + 64.4) / (1.0 - (-(u + 64.4) / 2.63).exp());
    let h_tau = (1.0 / (ah + bh)) / qt;
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

/// Nap_Et2's kinetics for the shared gated-channel machinery ([`super::gated`]).
#[derive(Debug, Clone)]
pub struct Kinetics;

impl MhKinetics for Kinetics {
    const NAME: &'static str = "Nap_Et2";
    const P: u32 = 3;
    const ION: Ion = Ion::Na;
    fn rates(v_mv: f64) -> (Gate, Gate) {
        rates(v_mv)
    }
}

/// Nap_Et2 inserted in a set of nodes (`NapEt2::new(nodes, gbar)`, gbar in S/cm²).
pub type NapEt2 = MhChannel<Kinetics>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        let qt = 2.3f64.powf(1.3);
        assert!(rel(rates(-52.6).0.inf, 0.5) < 1e-12);
        assert!(rel(rates(-48.8).1.inf, 0.5) < 1e-12);
        // τ_m at the singular point −38 mV: 6/(0.182·6 + 0.124·6)/qt.
        assert!(rel(rates(-38.0).0.tau_ms, 6.0 / 1.836 / qt) < 1e-4);
        // τ_h at −17 mV: α_h → 2.88e-6·4.63 (limit), β_h = 6.94e-6·47.4/(1 − e^(−47.4/2.63)).
        let bh = 6.94e-6 * 47.4 / (1.0 - (-47.4f64 / 2.63).exp());
        let ah = 2.88e-6 * 4.63;
        assert!(rel(rates(-17.0).1.tau_ms, 1.0 / (ah + bh) / qt) < 1e-4);
    }
}
