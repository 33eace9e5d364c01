//! Ca_HVA: high-voltage-activated Ca current (no temperature factor).
//!
//! i = ḡ·m²·h·(v − eca), eca per node. Rates from spec/hay2011.md; `oracle/mod/Ca_HVA.mod` is the NMODL twin.

use super::{cnexp, nudge, Currents, Gate, Mechanism, NodeState};

/// Gates m and h of Ca_HVA at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> (Gate, Gate) {
    let u = nudge(v_mv, -27.0);
    let am = 0.055 * (-27.0 - u) / (((-27.0 - u) / 3.8).exp() - 1.0);
    let bm = 0.94 * ((-75.0 - v_mv) / 17.0).exp();
    let ah = 4.57e-4 * ((-13.0 - v_mv) / 50.0).exp();
    let bh = 0.0065 / (((-v_mv - 15.0) / 28.0).exp() + 1.0);
    (Gate::from_rates(am, bm, 1.0), Gate::from_rates(ah, bh, 1.0))
}

#[derive(Debug, Clone)]
pub struct CaHva {
    nodes: Vec<usize>,
    /// Maximal conductance density (S/cm²) per inserted node (`gCa_HVAbar` in NEURON).
    pub gbar: Vec<f64>,
    /// Activation gate per inserted node.
    pub m: Vec<f64>,
    /// Inactivation gate per inserted node.
    pub h: Vec<f64>,
}

impl CaHva {
    pub fn new(nodes: Vec<usize>, gbar: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), gbar.len(), "Ca_HVA: one gbar per node");
        let n = nodes.len();
        CaHva {
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
        self.gbar[k] * m * m * h
    }
}

impl Mechanism for CaHva {
    fn name(&self) -> &'static str {
        "Ca_HVA"
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
            let i = g * (s.v[n] - s.eca[n]);
            out.i[n] += i;
            out.g[n] += g;
            // Ca current also feeds calcium dynamics.
            out.ica[n] += i;
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
