//! Excitatory AMPA+NMDA synapses (structure of arrays, one entry per synapse).
//! i = (g_AMPA + g_NMDA·B(v))·(v − e), B(v) = 1/(1 + e^(−0.08 v)·[Mg]/3.57).

use super::TwoExp;
use crate::error::{check_finite, check_positive, Result};

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ExcParams {
    pub ampa: TwoExp,
    pub nmda: TwoExp,
    /// Reversal (mV).
    pub e_mv: f64,
    /// Extracellular Mg (mM).
    pub mg_mm: f64,
}

impl Default for ExcParams {
    /// NeuronIO: AMPA 0.3/3 ms, NMDA 2/70 ms, both 0.4 nS, e 0 mV, Mg 1 mM.
    fn default() -> Self {
        ExcParams {
            ampa: TwoExp { tau_rise_ms: 0.3, tau_decay_ms: 3.0, gmax_us: 0.0004 },
            nmda: TwoExp { tau_rise_ms: 2.0, tau_decay_ms: 70.0, gmax_us: 0.0004 },
            e_mv: 0.0,
            mg_mm: 1.0,
        }
    }
}

impl ExcParams {
    pub fn validate(&self) -> Result<()> {
        self.ampa.validate("ampa")?;
        self.nmda.validate("nmda")?;
        check_finite("exc.e", self.e_mv)?;
        check_positive("exc.mg", self.mg_mm)
    }
}

/// Mg block of the NMDA conductance.
#[inline]
pub fn mg_block(v: f64, mg_mm: f64) -> f64 {
    1.0 / (1.0 + (-0.08 * v).exp() * mg_mm / 3.57)
}

#[derive(Debug, Clone)]
pub struct AmpaNmda {
    pub p: ExcParams,
    /// Node of each synapse.
    pub node: Vec<usize>,
    pub a_ampa: Vec<f64>,
    pub b_ampa: Vec<f64>,
    pub a_nmda: Vec<f64>,
    pub b_nmda: Vec<f64>,
    f_ampa: f64,
    f_nmda: f64,
    dec: [f64; 4],
}

impl AmpaNmda {
    pub fn new(p: ExcParams, node: Vec<usize>) -> Result<AmpaNmda> {
        p.validate()?;
        let n = node.len();
        Ok(AmpaNmda {
            p,
            node,
            a_ampa: vec![0.0; n],
            b_ampa: vec![0.0; n],
            a_nmda: vec![0.0; n],
            b_nmda: vec![0.0; n],
            f_ampa: p.ampa.factor(),
            f_nmda: p.nmda.factor(),
            dec: [0.0; 4],
        })
    }
    pub fn len(&self) -> usize {
        self.node.len()
    }
    pub fn is_empty(&self) -> bool {
        self.node.is_empty()
    }
    pub fn init(&mut self, dt_ms: f64) {
        for x in [&mut self.a_ampa, &mut self.b_ampa, &mut self.a_nmda, &mut self.b_nmda] {
            x.iter_mut().for_each(|y| *y = 0.0);
        }
        let (ra, da) = self.p.ampa.decay(dt_ms);
        let (rn, dn) = self.p.nmda.decay(dt_ms);
        self.dec = [ra, da, rn, dn];
    }
    /// A presynaptic event with weight 1 (NET_RECEIVE).
    #[inline]
    pub fn receive(&mut self, k: usize) {
        self.a_ampa[k] += self.f_ampa;
        self.b_ampa[k] += self.f_ampa;
        self.a_nmda[k] += self.f_nmda;
        self.b_nmda[k] += self.f_nmda;
    }
    /// Add currents to `rhs` and their derivative to `d` (both per node, mA/cm² and S/cm²).
    /// di/dv is the numerical derivative with a +0.001 mV step, as NEURON computes it; the
    /// block at v + 0.001 reuses e^(−0.08 v) times the constant e^(−0.08·0.001).
    #[inline]
    pub fn add_currents(&self, v: &[f64], scale: &[f64], rhs: &mut [f64], d: &mut [f64]) {
        const DV: f64 = 0.001;
        let shift = (-0.08 * DV).exp();
        let mg = self.p.mg_mm / 3.57;
        let (ga_max, gn_max, e) = (self.p.ampa.gmax_us, self.p.nmda.gmax_us, self.p.e_mv);
        for k in 0..self.node.len() {
            let n = self.node[k];
            let gn = gn_max * (self.b_nmda[k] - self.a_nmda[k]);
            let ga = ga_max * (self.b_ampa[k] - self.a_ampa[k]);
            let vn = v[n];
            let x = (-0.08 * vn).exp() * mg;
            let g0 = ga + gn / (1.0 + x);
            let g1 = ga + gn / (1.0 + x * shift);
            let i0 = g0 * (vn - e);
            let i1 = g1 * (vn + DV - e);
            rhs[n] -= i0 * scale[n];
            d[n] += (i1 - i0) / DV * scale[n];
        }
    }
    /// Exact exponential decay over one step.
    #[inline]
    pub fn advance(&mut self) {
        let [ra, da, rn, dn] = self.dec;
        self.a_ampa.iter_mut().for_each(|x| *x *= ra);
        self.b_ampa.iter_mut().for_each(|x| *x *= da);
        self.a_nmda.iter_mut().for_each(|x| *x *= rn);
        self.b_nmda.iter_mut().for_each(|x| *x *= dn);
    }
    pub fn states(&self) -> [(&'static str, &[f64]); 4] {
        [("A_ampa", &self.a_ampa), ("B_ampa", &self.b_ampa), ("A_nmda", &self.a_nmda), ("B_nmda", &self.b_nmda)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn block_is_half_at_its_midpoint() {
        // e^(−0.08 v)·Mg/3.57 = 1 ⇔ v = −ln(3.57/Mg)/0.08.
        let v = -(3.57f64).ln() / 0.08;
        assert!((mg_block(v, 1.0) - 0.5).abs() < 1e-12);
        assert!(mg_block(40.0, 1.0) > 0.9 && mg_block(-80.0, 1.0) < 0.01);
    }
}
