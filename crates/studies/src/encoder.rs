//! Generative ("encoder") neurons of the hidden-input study (seed 003) and their inputs.
//!
//! Inputs are standardised with their generating mean and SD of the observed family, so
//! the three families are comparable: observed inputs have mean 0 and variance 1; a hidden
//! input has variance `hidden_variance` (its activity scaled by the observed SD).
//! - gaussian: x ~ N(0, 1), hidden ~ N(0, k);
//! - poisson: counts ~ Poisson(λ), hidden ~ Poisson(k·λ);
//! - correlated: spike counts of correlated trains in windows (Brette's mixture or Cox
//!   method), all pairs correlated by `correlation`, hidden train at k× the rate.
//!
//! Models (the hidden inputs are the last `hidden` inputs; their weights are 1):
//! - GLM: y = σ(w·x + b);
//! - hierarchical LN: inputs split into contiguous branches, branch β computes
//!   σ(w_β·x_β + c_β), the soma y = σ(Σ_β v_β·branch_β + d); hidden inputs sit in the
//!   first branches (hidden j in branch j mod B).

use crate::correlated::{window_counts, CorrelationTarget, CoxGenerator, Mixture};
use crate::error::{Result, StudyError};
use rand::Rng;
use rand_distr::{Distribution, Normal, StandardNormal};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum InputKind {
    Gaussian,
    Poisson,
    Correlated,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum ModelKind {
    Glm,
    Hierarchical,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum CorrelationMethod {
    Mixture,
    Cox,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct InputConfig {
    pub kind: InputKind,
    /// Total inputs N (observed + hidden).
    pub n_inputs: usize,
    pub hidden: usize,
    pub hidden_variance: f64,
    /// Poisson mean count / mean window count of correlated trains.
    pub mean_count: f64,
    /// Pairwise count correlation of the correlated trains.
    pub correlation: f64,
    pub method: CorrelationMethod,
    /// Counting window of correlated trains (ms); the rate is mean_count / window.
    pub window_ms: f64,
}

/// Samples: inputs [sample][input] (standardised; hidden inputs last).
pub struct Samples {
    pub x: Vec<Vec<f64>>,
}

impl InputConfig {
    pub fn validate(&self) -> Result<()> {
        if self.n_inputs < 2 || self.hidden == 0 || self.hidden >= self.n_inputs {
            return Err(StudyError::config("hidden", self.hidden, format!("need 1 ≤ hidden < inputs ({})", self.n_inputs)));
        }
        if !(self.hidden_variance > 0.0) {
            return Err(StudyError::config("hidden_variance", self.hidden_variance, "must be positive"));
        }
        if !(self.mean_count > 0.0) {
            return Err(StudyError::config("mean_count", self.mean_count, "must be positive"));
        }
        Ok(())
    }

    pub fn observed(&self) -> usize {
        self.n_inputs - self.hidden
    }

    pub fn sample(&self, n: usize, rng: &mut impl Rng) -> Result<Samples> {
        self.validate()?;
        let (no, k) = (self.observed(), self.hidden_variance);
        let x = match self.kind {
            InputKind::Gaussian => (0..n)
                .map(|_| {
                    (0..self.n_inputs)
                        .map(|i| {
                            let z: f64 = StandardNormal.sample(rng);
                            if i < no { z } else { z * k.sqrt() }
                        })
                        .collect()
                })
                .collect(),
            InputKind::Poisson => {
                let lam = self.mean_count;
                let po = rand_distr::Poisson::new(lam).map_err(|e| StudyError::config("mean_count", lam, e))?;
                let ph = rand_distr::Poisson::new(lam * k).map_err(|e| StudyError::config("hidden_variance", k, e))?;
                (0..n)
                    .map(|_| {
                        (0..self.n_inputs)
                            .map(|i| {
                                if i < no {
                                    (po.sample(rng) - lam) / lam.sqrt()
                                } else {
                                    (ph.sample(rng) - lam * k) / lam.sqrt()
                                }
                            })
                            .collect()
                    })
                    .collect()
            }
            InputKind::Correlated => {
                let lam = self.mean_count;
                let rate_hz = lam / self.window_ms * 1000.0;
                let rates: Vec<f64> = (0..self.n_inputs).map(|i| if i < no { rate_hz } else { rate_hz * k }).collect();
                let target = CorrelationTarget::uniform(rates, self.correlation, self.window_ms);
                let duration = n as f64 * self.window_ms;
                let trains = match self.method {
                    CorrelationMethod::Mixture => Mixture::from_target(&target)?.generate(duration, 0.0, rng),
                    CorrelationMethod::Cox => {
                        CoxGenerator::new(&target, self.window_ms / 5.0, 1.0)?.generate(duration, rng).trains
                    }
                };
                let counts = window_counts(&trains, self.window_ms, duration);
                (0..n)
                    .map(|s| {
                        (0..self.n_inputs)
                            .map(|i| {
                                let mean = if i < no { lam } else { lam * k };
                                (counts[i][s] - mean) / lam.sqrt()
                            })
                            .collect()
                    })
                    .collect()
            }
        };
        Ok(Samples { x })
    }
}

/// True parameters of an encoder neuron.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Encoder {
    pub kind: ModelKind,
    /// One weight per input (hidden ones = 1).
    pub weights: Vec<f64>,
    /// Branch of each input (all 0 for the GLM).
    pub branch_of: Vec<usize>,
    /// GLM: [b]; hierarchical: branch biases c_β.
    pub branch_bias: Vec<f64>,
    /// Hierarchical only: somatic weights v_β and bias d.
    pub soma_weights: Vec<f64>,
    pub soma_bias: f64,
}

/// σ(x) = 1/(1 + e^(−x)).
pub fn sigmoid(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

impl Encoder {
    /// Random encoder: observed weights ~ N(0, 2/observed) so the observed drive has
    /// variance ≈ 2; biases ~ N(0, 0.25²); somatic weights ~ ±U(1.5, 3).
    pub fn random(kind: ModelKind, n_inputs: usize, hidden: usize, branches: usize, rng: &mut impl Rng) -> Self {
        let no = n_inputs - hidden;
        let nb = if kind == ModelKind::Glm { 1 } else { branches.max(1) };
        let wn = Normal::new(0.0, (2.0 / no as f64).sqrt() * if nb > 1 { (nb as f64).sqrt() } else { 1.0 }).expect("normal");
        let bn = Normal::new(0.0, 0.25).expect("normal");
        let mut weights: Vec<f64> = (0..no).map(|_| wn.sample(rng)).collect();
        weights.extend(std::iter::repeat_n(1.0, hidden));
        // Observed inputs split into contiguous branches; hidden j goes to branch j mod B.
        let mut branch_of: Vec<usize> = (0..no).map(|i| i * nb / no).collect();
        branch_of.extend((0..hidden).map(|j| j % nb));
        let branch_bias = (0..nb).map(|_| bn.sample(rng)).collect();
        let soma_weights = if kind == ModelKind::Glm {
            vec![]
        } else {
            (0..nb).map(|_| (1.5 + 1.5 * rng.random::<f64>()) * if rng.random::<bool>() { 1.0 } else { -1.0 }).collect()
        };
        Encoder { kind, weights, branch_of, branch_bias, soma_weights, soma_bias: bn.sample(rng) }
    }

    pub fn branches(&self) -> usize {
        self.branch_bias.len()
    }

    pub fn respond(&self, x: &[f64]) -> f64 {
        let nb = self.branches();
        let mut drive = self.branch_bias.clone();
        for (i, xi) in x.iter().enumerate() {
            drive[self.branch_of[i]] += self.weights[i] * xi;
        }
        match self.kind {
            ModelKind::Glm => sigmoid(drive[0]),
            ModelKind::Hierarchical => {
                let s: f64 = (0..nb).map(|b| self.soma_weights[b] * sigmoid(drive[b])).sum();
                sigmoid(s + self.soma_bias)
            }
        }
    }
}
