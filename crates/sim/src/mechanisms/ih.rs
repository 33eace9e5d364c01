//! Ih: hyperpolarisation-activated cation current (no temperature factor).
//!
//! i = ḡ·m·(v − ehcn), ehcn = −45 mV. Rates from spec/hay2011.md; `oracle/mod/Ih.mod` is the NMODL twin.

use super::{cnexp, nudge, Currents, Gate, Mechanism, NodeState};

/// Reversal potential of Ih (mV).
pub const EHCN_MV: f64 = -45.0;

/// Gate m of Ih at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> Gate {
    let u = nudge(v_mv, -154.9);
    let a = 6.43e-3 * (u + 154.9) / (((u + 154.9) / 11.9).exp() - 1.0);
    let b = 0.193 * (v_mv / 33.1).exp();
    Gate::from_rates(a, b, 1.0)
}

#[derive(Debug, Clone)]
pub struct Ih {
    nodes: Vec<usize>,
    /// Maximal conductance density (S/cm²) per inserted node (`gIhbar` in NEURON).
    pub gbar: Vec<f64>,
    /// Gate per inserted node.
    pub m: Vec<f64>,
}

impl Ih {
    pub fn new(nodes: Vec<usize>, gbar: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), gbar.len(), "Ih: one gbar per node");
        let n = nodes.len();
        Ih {
            nodes,
            gbar,
            m: vec![0.0; n],
        }
    }
}

impl Mechanism for Ih {
    fn name(&self) -> &'static str {
        "Ih"
    }
    fn nodes(&self) -> &[usize] {
        &self.nodes
    }
    fn init(&mut self, s: &NodeState) {
        for (k, &n) in self.nodes.iter().enumerate() {
            self.m[k] = rates(s.v[n]).inf;
        }
    }
    fn current(&self, s: &NodeState, out: &mut Currents) {
        for (k, &n) in self.nodes.iter().enumerate() {
            // Ohmic: the conductance is also dI/dV (what NEURON's numerical derivative gives).
            let g = self.gbar[k] * self.m[k];
            out.i[n] += g * (s.v[n] - EHCN_MV);
            out.g[n] += g;
        }
    }
    fn advance(&mut self, s: &NodeState, dt_ms: f64) {
        for (k, &n) in self.nodes.iter().enumerate() {
            let x = rates(s.v[n]);
            self.m[k] = cnexp(self.m[k], x.inf, x.tau_ms, dt_ms);
        }
    }
    fn states(&self) -> Vec<(&'static str, &[f64])> {
        vec![("m", &self.m)]
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
        // At −154.9 mV α takes its limit 6.43e-3·11.9; β = 0.193·e^(−154.9/33.1).
        let (a, b) = (6.43e-3 * 11.9, 0.193 * (-154.9f64 / 33.1).exp());
        let g = rates(-154.9);
        assert!(rel(g.inf, a / (a + b)) < 1e-4 && rel(g.tau_ms, 1.0 / (a + b)) < 1e-4);
        // At 0 mV: α = 6.43e-3·154.9/(e^(154.9/11.9) − 1), β = 0.193.
        let (a, b) = (6.43e-3 * 154.9 / ((154.9f64 / 11.9).exp() - 1.0), 0.193);
        assert!(rel(rates(0.0).tau_ms, 1.0 / (a + b)) < 1e-12);
    }
}
