//! NaTa_t: fast inactivating Na current (axon).
//!
//! i = ḡ·m³·h·(v − ena). Rates from spec/hay2011.md; `oracle/mod/NaTa_t.mod` is the NMODL twin.

use super::{nudge, Gate, QT_HAY};
use super::gated::{Ion, MhChannel, MhKinetics};

/// Gates m and h of NaTa_t at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> (Gate, Gate) {
    transient_na_rates(v_mv, 38.0, 66.0)
}

/// The transient-Na kinetics shared by NaTa_t (`m_shift` 38, `h_shift` 66 mV) and NaTs2_t
/// (32, 60 mV): the same rate expressions with v + shift in place of v + 38 and v + 66.
pub fn transient_na_rates(v_mv: f64, m_shift: f64, h_shift: f64) -> (Gate, Gate) {
    let qt = QT_HAY;
    let u = nudge(v_mv, -m_shift);
    let am = 0.182 * (u + m_shift) / (1.0 - (-(u + m_shift) / 6.0).exp());
    let bm = 0.124 * (-u - m_shift) / (1.0 - ((u + m_shift) / 6.0).exp());
    let u = nudge(v_mv, -h_shift);
    let ah = -0.015 * (u + h_shift) / (1.0 - ((u + h_shift) / 6.0).exp());
    let bh = -0.015 * (-u - h_shift) / (1.0 - ((-u - h_shift) / 6.0).exp());
    (Gate::from_rates(am, bm, qt), Gate::from_rates(ah, bh, qt))
}

/// NaTa_t's kinetics for the shared gated-channel machinery ([`super::gated`]).
#[derive(Debug, Clone)]
pub struct Kinetics;

impl MhKinetics for Kinetics {
    const NAME: &'static str = "NaTa_t";
    const P: u32 = 3;
    const ION: Ion = Ion::Na;
    fn rates(v_mv: f64) -> (Gate, Gate) {
        rates(v_mv)
    }
}

/// NaTa_t inserted in a set of nodes (`NaTaT::new(nodes, gbar)`, gbar in S/cm²).
pub type NaTaT = MhChannel<Kinetics>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        // At the singular points the rates take their limits: x/(1 − e^(−x/6)) → 6, so
        // α_m = 0.182·6, β_m = 0.124·6 at v = −38; α_h = β_h = 0.015·6 at v = −66.
        // The 1e-4 mV nudge moves them by < 1e-5 relative.
        let qt = 2.3f64.powf(1.3);
        let (m, _) = rates(-38.0);
        assert!(rel(m.inf, 1.092 / 1.836) < 1e-4, "{}", m.inf);
        assert!(rel(m.tau_ms, 1.0 / 1.836 / qt) < 1e-4, "{}", m.tau_ms);
        let (_, h) = rates(-66.0);
        assert!(rel(h.inf, 0.5) < 1e-4, "{}", h.inf);
        assert!(rel(h.tau_ms, 1.0 / 0.18 / qt) < 1e-4, "{}", h.tau_ms);
    }
}
