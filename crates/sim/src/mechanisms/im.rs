//! Im: muscarinic (M-type) K current.
//!
//! i = ḡ·m·(v − ek). Rates from spec/hay2011.md; `oracle/mod/Im.mod` is the NMODL twin.

use super::{cnexp, Currents, Gate, Mechanism, NodeState, QT_HAY};

/// Gate m of Im at membrane potential `v_mv` (mV).
pub fn rates(v_mv: f64) -> Gate {
    // α and β share one exponential: e^(−x) = 1/e^(x) (within an ulp of a second exp call).
    let e = (0.1 * (v_mv + 35.0)).exp();
    let a = 3.3e-3 * e;
    let b = 3.3e-3 / e;
    Gate::from_rates(a, b, QT_HAY)
}

#[derive(Debug, Clone)]
pub struct Im {
    nodes: Vec<usize>,
    /// Maximal conductance density (S/cm²) per inserted node (`gImbar` in NEURON).
    pub gbar: Vec<f64>,
    /// Gate per inserted node.
    pub m: Vec<f64>,
}

impl Im {
    pub fn new(nodes: Vec<usize>, gbar: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), gbar.len(), "Im: one gbar per node");
        let n = nodes.len();
        Im {
            nodes,
            gbar,
            m: vec![0.0; n],
        }
    }
}

impl Mechanism for Im {
    fn name(&self) -> &'static str {
        "Im"
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
        // At −35 mV α = β = 3.3e-3/ms: m∞ = 1/2, τ = 1/(6.6e-3)/qt.
        let qt = 2.3f64.powf(1.3);
        assert!(rel(rates(-35.0).inf, 0.5) < 1e-12);
        assert!(rel(rates(-35.0).tau_ms, 1.0 / 6.6e-3 / qt) < 1e-12);
        // At −25 mV α/β = e²: m∞ = 1/(1 + e^−2).
        assert!(rel(rates(-25.0).inf, 1.0 / (1.0 + (-2.0f64).exp())) < 1e-12);
    }
}
