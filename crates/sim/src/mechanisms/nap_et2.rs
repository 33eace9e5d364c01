//! Nap_Et2: persistent Na current.
//!
//! i = ḡ·m³·h·(v − ena). Rates from spec/hay2011.md; `oracle/mod/Nap_Et2.mod` is the NMODL twin.

use super::{cnexp, nudge, Currents, Gate, Mechanism, NodeState, QT_HAY};

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

#[derive(Debug, Clone)]
pub struct NapEt2 {
    nodes: Vec<usize>,
    /// Maximal conductance density (S/cm²) per inserted node (`gNap_Et2bar` in NEURON).
    pub gbar: Vec<f64>,
    /// Activation gate per inserted node.
    pub m: Vec<f64>,
    /// Inactivation gate per inserted node.
    pub h: Vec<f64>,
}

impl NapEt2 {
    pub fn new(nodes: Vec<usize>, gbar: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), gbar.len(), "Nap_Et2: one gbar per node");
        let n = nodes.len();
        NapEt2 {
            nodes,
            gbar,
            m: vec![0.0; n],
            h: vec![0.0; n],
        }
    }

    /// Conductance density (S/cm²) of inserted node `k` at its present gates. The current is
    /// ohmic, so this is also dI/dV, the value NEURON's numerical derivative gives.
    #[inline]
    fn g(&self, k: usize) -> f64 {
        let (m, h) = (self.m[k], self.h[k]);
        self.gbar[k] * m * m * m * h
    }
}

impl Mechanism for NapEt2 {
    fn name(&self) -> &'static str {
        "Nap_Et2"
    }
    fn nodes(&self) -> &[usize] {
        &self.nodes
    }
    fn init(&mut self, s: &NodeState) {
        for (k, &n) in self.nodes.iter().enumerate() {
            let (m, h) = rates(s.v[n]);
            self.m[k] = m.inf;
            self.h[k] = h.inf;
        }
    }
    fn current(&self, s: &NodeState, out: &mut Currents) {
        for (k, &n) in self.nodes.iter().enumerate() {
            let g = self.g(k);
            let i = g * (s.v[n] - s.ena);
            out.i[n] += i;
            out.g[n] += g;
        }
    }
    fn advance(&mut self, s: &NodeState, dt_ms: f64) {
        for (k, &n) in self.nodes.iter().enumerate() {
            let (m, h) = rates(s.v[n]);
            self.m[k] = cnexp(self.m[k], m.inf, m.tau_ms, dt_ms);
            self.h[k] = cnexp(self.h[k], h.inf, h.tau_ms, dt_ms);
        }
    }
    fn states(&self) -> Vec<(&'static str, &[f64])> {
        vec![("m", &self.m), ("h", &self.h)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rel(a: f64, b: f64) -> f64 {
        ((a - b) / b).abs()
    }

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
