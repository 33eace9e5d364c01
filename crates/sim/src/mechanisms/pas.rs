//! Passive leak: i = g_pas·(v − e_pas).

use super::{Currents, Mechanism, NodeState};

#[derive(Debug, Clone)]
pub struct Pas {
    nodes: Vec<usize>,
    /// Leak conductance density (S/cm²) per node.
    pub g: Vec<f64>,
    /// Leak reversal (mV) per node.
    pub e: Vec<f64>,
}

impl Pas {
    pub fn new(nodes: Vec<usize>, g: Vec<f64>, e: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), g.len());
        assert_eq!(nodes.len(), e.len());
        Pas { nodes, g, e }
    }
}

impl Mechanism for Pas {
    fn name(&self) -> &'static str {
        "pas"
    }
    fn nodes(&self) -> &[usize] {
        &self.nodes
    }
    fn init(&mut self, _s: &NodeState) {}
    fn current(&self, s: &NodeState, out: &mut Currents) {
        for (k, &n) in self.nodes.iter().enumerate() {
            out.i[n] += self.g[k] * (s.v[n] - self.e[k]);
            out.g[n] += self.g[k];
        }
    }
    fn advance(&mut self, _s: &NodeState, _dt_ms: f64) {}
    fn states(&self) -> Vec<(&'static str, &[f64])> {
        Vec::new()
    }
}
