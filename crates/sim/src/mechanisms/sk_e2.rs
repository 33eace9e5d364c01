//! SK_E2: small-conductance Ca-activated K current.
//!
//! i = ḡ·z·(v − ek), z driven by the node's cai. Rates from spec/hay2011.md; `oracle/mod/SK_E2.mod` is the NMODL twin.

use super::{Currents, Gate, Mechanism, NodeState};

/// Gate z of SK_E2 at intracellular calcium `cai_mm` (mM); τ_z = 1 ms.
pub fn rates(cai_mm: f64) -> Gate {
    // Below 1e-7 mM the published model adds 1e-7 mM, keeping the power law finite at 0.
    let c = if cai_mm < 1e-7 { cai_mm + 1e-7 } else { cai_mm };
    let inf = 1.0 / (1.0 + (0.00043 / c).powf(4.8));
    Gate { inf, tau_ms: 1.0 }
}

#[derive(Debug, Clone)]
pub struct SkE2 {
    nodes: Vec<usize>,
    /// Maximal conductance density (S/cm²) per inserted node (`gSK_E2bar` in NEURON).
    pub gbar: Vec<f64>,
    /// Gate per inserted node.
    pub z: Vec<f64>,
}

impl SkE2 {
    pub fn new(nodes: Vec<usize>, gbar: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), gbar.len(), "SK_E2: one gbar per node");
        let n = nodes.len();
        SkE2 {
            nodes,
            gbar,
            z: vec![0.0; n],
        }
    }
}

impl Mechanism for SkE2 {
    fn name(&self) -> &'static str {
        "SK_E2"
    }
    fn nodes(&self) -> &[usize] {
        &self.nodes
    }
    fn init(&mut self, s: &NodeState) {
        for (k, &n) in self.nodes.iter().enumerate() {
            self.z[k] = rates(s.cai[n]).inf;
        }
    }
    fn current(&self, s: &NodeState, out: &mut Currents) {
        for (k, &n) in self.nodes.iter().enumerate() {
            // Ohmic: the conductance is also dI/dV (what NEURON's numerical derivative gives).
            let g = self.gbar[k] * self.z[k];
            out.i[n] += g * (s.v[n] - s.ek);
            out.g[n] += g;
        }
    }
    fn advance(&mut self, s: &NodeState, dt_ms: f64) {
        // τ_z is 1 ms at every calcium level: one decay factor per step (cnexp's formula).
        let decay = (-dt_ms / 1.0).exp();
        for (k, &n) in self.nodes.iter().enumerate() {
            let inf = rates(s.cai[n]).inf;
            self.z[k] = inf + (self.z[k] - inf) * decay;
        }
    }
    fn states(&self) -> Vec<(&'static str, &[f64])> {
        vec![("z", &self.z)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mechanisms::test_support::rel;

    /// Values worked by hand from the spec formulas at points where they simplify.
    #[test]
    fn hand_checked_values() {
        assert!(rel(rates(0.00043).inf, 0.5) < 1e-12);
        assert_eq!(rates(0.00043).tau_ms, 1.0);
        // cai = 0 is read as 1e-7 mM: z∞ = 1/(1 + 4300^4.8).
        assert!(rel(rates(0.0).inf, 1.0 / (1.0 + 4300f64.powf(4.8))) < 1e-12);
    }
}
