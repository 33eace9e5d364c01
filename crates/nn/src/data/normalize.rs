//! Per-channel z-scoring of voltages, fitted on the training split only and saved with the
//! model (`normalization.json` in the run folder).
//!
//! Soma: clipped at `soma_clip_mv` (−55 mV: spikes removed, the field's convention) before
//! its statistics are taken; segments: raw voltages.

use serde::{Deserialize, Serialize};

use super::source::{Simulation, SimulationSource};
use crate::error::{NnError, Result};

pub const SOMA_CLIP_MV: f32 = -55.0;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Normalization {
    pub soma_clip_mv: f32,
    pub soma_mean: f32,
    pub soma_std: f32,
    pub segment_mean: Vec<f32>,
    pub segment_std: Vec<f32>,
    /// Indices of the simulations the statistics were computed from (the training split).
    pub fitted_on: Vec<usize>,
}

/// Running mean/variance in f64 (Chan et al. merge of per-simulation sums).
#[derive(Default, Clone, Copy)]
struct Moments {
    n: f64,
    sum: f64,
    sum_sq: f64,
}

impl Moments {
    fn add(&mut self, xs: impl Iterator<Item = f32>) {
        for x in xs {
            let x = x as f64;
            self.n += 1.0;
            self.sum += x;
            self.sum_sq += x * x;
        }
    }
    fn mean_std(&self) -> (f32, f32) {
        let mean = self.sum / self.n;
        let var = (self.sum_sq / self.n - mean * mean).max(0.0);
        // A flat channel would divide by zero; leave it unscaled instead.
        let std = if var.sqrt() < 1e-6 { 1.0 } else { var.sqrt() };
        (mean as f32, std as f32)
    }
}

impl Normalization {
    /// Fits the statistics on the simulations `train` of `source`; no other simulation is read.
    pub fn fit(source: &dyn SimulationSource, train: &[usize]) -> Result<Self> {
        if train.is_empty() {
            return Err(NnError::Data("cannot fit z-scoring on an empty training split".into()));
        }
        let nseg = source.n_segments();
        let mut soma = Moments::default();
        let mut seg = vec![Moments::default(); nseg];
        for &i in train {
            let sim: Simulation = source.load(i)?;
            soma.add(sim.soma_v.iter().map(|&v| v.min(SOMA_CLIP_MV)));
            for (s, m) in seg.iter_mut().enumerate() {
                m.add(sim.segment(s).iter().copied());
            }
        }
        let (soma_mean, soma_std) = soma.mean_std();
        let (segment_mean, segment_std) = seg.iter().map(|m| m.mean_std()).unzip();
        Ok(Normalization { soma_clip_mv: SOMA_CLIP_MV, soma_mean, soma_std, segment_mean, segment_std, fitted_on: train.to_vec() })
    }

    #[inline]
    pub fn soma(&self, v_mv: f32) -> f32 {
        (v_mv.min(self.soma_clip_mv) - self.soma_mean) / self.soma_std
    }

    #[inline]
    pub fn segment(&self, i: usize, v_mv: f32) -> f32 {
        (v_mv - self.segment_mean[i]) / self.segment_std[i]
    }

    /// Back to millivolts (soma: the clipped trace).
    pub fn soma_mv(&self, z: f32) -> f32 {
        z * self.soma_std + self.soma_mean
    }

    pub fn segment_mv(&self, i: usize, z: f32) -> f32 {
        z * self.segment_std[i] + self.segment_mean[i]
    }

    pub fn save(&self, path: &std::path::Path) -> Result<()> {
        let s = serde_json::to_string_pretty(self).map_err(|e| NnError::io(path, e))?;
        std::fs::write(path, s).map_err(|e| NnError::io(path, e))
    }

    pub fn load(path: &std::path::Path) -> Result<Self> {
        let s = std::fs::read_to_string(path).map_err(|e| NnError::io(path, e))?;
        serde_json::from_str(&s).map_err(|e| NnError::io(path, e))
    }
}
