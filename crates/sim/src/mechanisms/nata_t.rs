//! NaTa_t: fast inactivating Na current (axon).
//!
//! i = ḡ·m³·h·(v − ena). Rates from spec/hay2011.md; `oracle/mod/NaTa_t.mod` is the NMODL twin.

use super::{cnexp, nudge, Currents, Gate, Mechanism, NodeState, QT_HAY};

/// Gates m and h of NaTa_t at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> (Gate, Gate) {
    let qt = QT_HAY;
    let u = nudge(v_mv, -38.0);
    let am = 0.182 * (u + 38.0) / (1.0 - (-(u + 38.0) / 6.0).exp());
    let bm = 0.124 * (-u - 38.0) / (1.0 - ((u + 38.0) / 6.0).exp());
    let u = nudge(v_mv, -66.0);
    let ah = -0.015 * (u + 66.0) / (1.0 - ((u + 66.0) / 6.0).exp());
    let bh = -0.015 * (-u - 66.0) / (1.0 - ((-u - 66.0) / 6.0).exp());
    (Gate::from_rates(am, bm, qt), Gate::from_rates(ah, bh, qt))
}

#[derive(Debug, Clone)]
pub struct NaTaT {
    nodes: Vec<usize>,
    /// Maximal conductance density (S/cm²) per inserted node (`gNaTa_tbar` in NEURON).
    pub gbar: Vec<f64>,
    /// Activation gate per inserted node.
    pub m: Vec<f64>,
    /// Inactivation gate per inserted node.
    pub h: Vec<f64>,
}

impl NaTaT {
    pub fn new(nodes: Vec<usize>, gbar: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), gbar.len(), "NaTa_t: one gbar per node");
        let n = nodes.len();
        NaTaT {
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

impl Mechanism for NaTaT {
    fn name(&self) -> &'static str {
        "NaTa_t"
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
