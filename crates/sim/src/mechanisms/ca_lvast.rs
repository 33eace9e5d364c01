//! Ca_LVAst: low-voltage-activated (T-type) Ca current.
//!
//! i = ḡ·m²·h·(v − eca), eca per node. Rates from spec/hay2011.md; `oracle/mod/Ca_LVAst.mod` is the NMODL twin.

use super::{cnexp, Currents, Gate, Mechanism, NodeState, QT_HAY};

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

#[derive(Debug, Clone)]
pub struct CaLvast {
    nodes: Vec<usize>,
    /// Maximal conductance density (S/cm²) per inserted node (`gCa_LVAstbar` in NEURON).
    pub gbar: Vec<f64>,
    /// Activation gate per inserted node.
    pub m: Vec<f64>,
    /// Inactivation gate per inserted node.
    pub h: Vec<f64>,
}

impl CaLvast {
    pub fn new(nodes: Vec<usize>, gbar: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), gbar.len(), "Ca_LVAst: one gbar per node");
        let n = nodes.len();
        CaLvast {
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

impl Mechanism for CaLvast {
    fn name(&self) -> &'static str {
        "Ca_LVAst"
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
        let qt = 2.3f64.powf(1.3);
        // u = v + 10: m∞(−30) = 1/2, τ_m(−25) = 15/qt, h∞(−80) = 1/2, τ_h(−40) = 45/qt.
        assert!(rel(rates(-40.0).0.inf, 0.5) < 1e-12);
        assert!(rel(rates(-35.0).0.tau_ms, 15.0 / qt) < 1e-12);
        assert!(rel(rates(-90.0).1.inf, 0.5) < 1e-12);
        assert!(rel(rates(-50.0).1.tau_ms, 45.0 / qt) < 1e-12);
    }
}
