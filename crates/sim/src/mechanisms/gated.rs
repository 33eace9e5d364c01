//! The machinery every gated, ohmic channel shares, so each channel file holds only what is
//! its own (rate functions, gate exponent, ion): per-node gates stored as arrays, steady state
//! at init, conductance ḡ·mᵖ·h (or ḡ·m), current g·(v − E), and the cnexp update with the new v.

use super::{cnexp, Currents, Gate, Mechanism, NodeState};
use std::marker::PhantomData;

/// Which reversal potential a channel's current flows against.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Ion {
    Na,
    K,
    /// Calcium: E = eca of the node, and the current also counts as ica (CaDynamics reads it).
    Ca,
    /// A fixed reversal potential (mV), e.g. Ih's ehcn.
    Fixed(f64),
}

impl Ion {
    #[inline]
    fn reversal(self, s: &NodeState, node: usize) -> f64 {
        match self {
            Ion::Na => s.ena,
            Ion::K => s.ek,
            Ion::Ca => s.eca[node],
            Ion::Fixed(e) => e,
        }
    }
}

/// Kinetics of a channel with an activation gate m (exponent `P`) and an inactivation gate h:
/// g = ḡ·mᴾ·h.
pub trait MhKinetics: Send + Sync + std::fmt::Debug + Clone + 'static {
    /// NEURON's SUFFIX.
    const NAME: &'static str;
    /// Exponent of m.
    const P: u32;
    const ION: Ion;
    /// Gates m and h at membrane potential `v_mv` (mV).
    fn rates(v_mv: f64) -> (Gate, Gate);
}

/// Kinetics of a channel with one gate m: g = ḡ·m.
pub trait MKinetics: Send + Sync + std::fmt::Debug + Clone + 'static {
    const NAME: &'static str;
    const ION: Ion;
    fn rates(v_mv: f64) -> Gate;
}

/// A channel g = ḡ·mᴾ·h inserted in a set of nodes.
#[derive(Debug, Clone)]
pub struct MhChannel<K: MhKinetics> {
    nodes: Vec<usize>,
    /// Maximal conductance density (S/cm²) per inserted node (NEURON's `g<name>bar`).
    pub gbar: Vec<f64>,
    /// Activation gate per inserted node.
    pub m: Vec<f64>,
    /// Inactivation gate per inserted node.
    pub h: Vec<f64>,
    kinetics: PhantomData<K>,
}

impl<K: MhKinetics> MhChannel<K> {
    pub fn new(nodes: Vec<usize>, gbar: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), gbar.len(), "{}: one gbar per node", K::NAME);
        let n = nodes.len();
        MhChannel { nodes, gbar, m: vec![0.0; n], h: vec![0.0; n], kinetics: PhantomData }
    }

    /// Conductance density (S/cm²) of inserted node `k` at its present gates. The current is
    /// ohmic, so this is also dI/dV, the value NEURON's numerical derivative gives.
    #[inline]
    fn g(&self, k: usize) -> f64 {
        let m = self.m[k];
        let mut g = self.gbar[k];
        for _ in 0..K::P {
            g *= m;
        }
        g * self.h[k]
    }
}

impl<K: MhKinetics> Mechanism for MhChannel<K> {
    fn name(&self) -> &'static str {
        K::NAME
    }
    fn nodes(&self) -> &[usize] {
        &self.nodes
    }
    fn init(&mut self, s: &NodeState) {
        for (k, &n) in self.nodes.iter().enumerate() {
            let (m, h) = K::rates(s.v[n]);
            self.m[k] = m.inf;
            self.h[k] = h.inf;
        }
    }
    fn current(&self, s: &NodeState, out: &mut Currents) {
        for (k, &n) in self.nodes.iter().enumerate() {
            let g = self.g(k);
            let i = g * (s.v[n] - K::ION.reversal(s, n));
            out.i[n] += i;
            out.g[n] += g;
            if K::ION == Ion::Ca {
                out.ica[n] += i;
            }
        }
    }
    fn advance(&mut self, s: &NodeState, dt_ms: f64) {
        for (k, &n) in self.nodes.iter().enumerate() {
            let (m, h) = K::rates(s.v[n]);
            self.m[k] = cnexp(self.m[k], m.inf, m.tau_ms, dt_ms);
            self.h[k] = cnexp(self.h[k], h.inf, h.tau_ms, dt_ms);
        }
    }
    fn states(&self) -> Vec<(&'static str, &[f64])> {
        vec![("m", &self.m), ("h", &self.h)]
    }
}

/// A channel g = ḡ·m inserted in a set of nodes.
#[derive(Debug, Clone)]
pub struct MChannel<K: MKinetics> {
    nodes: Vec<usize>,
    /// Maximal conductance density (S/cm²) per inserted node (NEURON's `g<name>bar`).
    pub gbar: Vec<f64>,
    /// Gate per inserted node.
    pub m: Vec<f64>,
    kinetics: PhantomData<K>,
}

impl<K: MKinetics> MChannel<K> {
    pub fn new(nodes: Vec<usize>, gbar: Vec<f64>) -> Self {
        assert_eq!(nodes.len(), gbar.len(), "{}: one gbar per node", K::NAME);
        let n = nodes.len();
        MChannel { nodes, gbar, m: vec![0.0; n], kinetics: PhantomData }
    }
}

impl<K: MKinetics> Mechanism for MChannel<K> {
    fn name(&self) -> &'static str {
        K::NAME
    }
    fn nodes(&self) -> &[usize] {
        &self.nodes
    }
    fn init(&mut self, s: &NodeState) {
        for (k, &n) in self.nodes.iter().enumerate() {
            self.m[k] = K::rates(s.v[n]).inf;
        }
    }
    fn current(&self, s: &NodeState, out: &mut Currents) {
        for (k, &n) in self.nodes.iter().enumerate() {
            let g = self.gbar[k] * self.m[k];
            let i = g * (s.v[n] - K::ION.reversal(s, n));
            out.i[n] += i;
            out.g[n] += g;
            if K::ION == Ion::Ca {
                out.ica[n] += i;
            }
        }
    }
    fn advance(&mut self, s: &NodeState, dt_ms: f64) {
        for (k, &n) in self.nodes.iter().enumerate() {
            let x = K::rates(s.v[n]);
            self.m[k] = cnexp(self.m[k], x.inf, x.tau_ms, dt_ms);
        }
    }
    fn states(&self) -> Vec<(&'static str, &[f64])> {
        vec![("m", &self.m)]
    }
}
