//! Inhibitory GABA_A synapses (structure of arrays): i = g·(v − e), g = gmax·(B − A).

use super::TwoExp;
use crate::error::{check_finite, Result};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct InhParams {
    pub gaba: TwoExp,
    /// Reversal (mV).
    pub e_mv: f64,
}

impl Default for InhParams {
    /// NeuronIO: τr 0.2 ms, τd 8 ms, gmax 1 nS, e −80 mV.
    fn default() -> Self {
        InhParams { gaba: TwoExp { tau_rise_ms: 0.2, tau_decay_ms: 8.0, gmax_us: 0.001 }, e_mv: -80.0 }
    }
}

impl InhParams {
    pub fn validate(&self) -> Result<()> {
        self.gaba.validate("gaba")?;
        check_finite("inh.e", self.e_mv)
    }
}

#[derive(Debug, Clone)]
pub struct GabaA {
    pub p: InhParams,
    pub node: Vec<usize>,
    pub a: Vec<f64>,
    pub b: Vec<f64>,
    f: f64,
    dec: [f64; 2],
}

impl GabaA {
    pub fn new(p: InhParams, node: Vec<usize>) -> Result<GabaA> {
        p.validate()?;
        let n = node.len();
        Ok(GabaA { p, node, a: vec![0.0; n], b: vec![0.0; n], f: p.gaba.factor(), dec: [0.0; 2] })
    }
    pub fn len(&self) -> usize {
        self.node.len()
    }
    pub fn is_empty(&self) -> bool {
        self.node.is_empty()
    }
    pub fn init(&mut self, dt_ms: f64) {
        self.a.iter_mut().for_each(|y| *y = 0.0);
        self.b.iter_mut().for_each(|y| *y = 0.0);
        let (r, d) = self.p.gaba.decay(dt_ms);
        self.dec = [r, d];
    }
    #[inline]
    pub fn receive(&mut self, k: usize) {
        self.a[k] += self.f;
        self.b[k] += self.f;
    }
    /// Linear in v, so the derivative is the conductance itself (NEURON's numerical
    /// derivative equals it up to rounding).
    #[inline]
    pub fn add_currents(&self, v: &[f64], scale: &[f64], rhs: &mut [f64], d: &mut [f64]) {
        let gmax = self.p.gaba.gmax_us;
        for k in 0..self.node.len() {
            let n = self.node[k];
            let g = gmax * (self.b[k] - self.a[k]);
            rhs[n] -= g * (v[n] - self.p.e_mv) * scale[n];
            d[n] += g * scale[n];
        }
    }
    #[inline]
    pub fn advance(&mut self) {
        let [r, d] = self.dec;
        self.a.iter_mut().for_each(|x| *x *= r);
        self.b.iter_mut().for_each(|x| *x *= d);
    }
    pub fn states(&self) -> [(&'static str, &[f64]); 2] {
        [("A_gaba", &self.a), ("B_gaba", &self.b)]
    }
}
