//! SKv3_1: Kv3.1 fast delayed-rectifier K current (no temperature factor).
//!
//! i = ḡ·m·(v − ek). Rates from spec/hay2011.md; `oracle/mod/SKv3_1.mod` is the NMODL twin.

use super::{cnexp, Currents, Gate, Mechanism, NodeState};

/// Gate m of SKv3_1 at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> Gate {
    let inf = 1.0 / (1.0 + ((v_mv - 18.7) / (-9.7)).exp());
    let tau_ms = 4.0 / (1.0 + ((v_mv + 46.56) / (-44.14)).exp());
    Gate { inf, tau_ms }
}

#[derive(Debug, Clone)]
pub struct SKv31 {
    nodes: Vec<usize>,
    /// Maximal conductance density (S/cm²) per inserted node (`gSKv3_1bar` in NEURON).
    pub gbar: Vec<f64>,
    /// Gate per inserted node.
    pub m: Vec<f64>,
}

impl SKv31 {
    pub fn new(nodes: Vec<usize>, gbar: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), gbar.len(), "SKv3_1: one gbar per node");
        let n = nodes.len();
        SKv31 {
            nodes,
            gbar,
            m: vec![0.0; n],
        }
    }
}

impl Mechanism for SKv31 {
    fn name(&self) -> &'static str {
        "SKv3_1"
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
            out.i[n] += g * (s.v[n] - s.ek);
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
        // m∞(18.7) = 1/2, τ(−46.56) = 4/2 = 2 ms.
        assert!(rel(rates(18.7).inf, 0.5) < 1e-12);
        assert!(rel(rates(-46.56).tau_ms, 2.0) < 1e-12);
    }
}
