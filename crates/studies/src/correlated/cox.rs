//! The Cox (doubly stochastic) method: train i is an inhomogeneous Poisson process with
//! rate λ_i(t) = r_i + (L·y(t))_i, y a vector of independent unit-variance
//! Ornstein–Uhlenbeck processes with time constant τ_c (Brette 2009, section 2; Brian's
//! `CorrelatedSpikeTrains`). Rates are piecewise constant over steps of `dt_ms` and
//! rectified at zero (the generator reports how often that happened: rectification
//! lowers correlations, so the method suits moderate correlations and long τ_c).
//!
//! From target to L. With rate covariance C (per ms²) and AR(1) steps ρ = e^(−dt/τ_c),
//! the counts in a window of n = W/dt steps have var(N_i) = W(r_i + K·C_ii) and
//! cov(N_i, N_j) = W·K·C_ij, with K = (dt²/W)·[n + 2·Σ_{m=1}^{n−1} (n−m)·ρ^m] (ms).
//! Writing K·C = S·ρ̃·S, S = diag(s_i), gives count correlations ρ̃_ij off the diagonal
//! when s_i² = r_i/(1 − δ), where δ = ρ̃_ii is the common diagonal. The smallest δ that
//! makes ρ̃ positive definite is used (Brette's "diagonal completion"), which keeps the
//! private rate fluctuations, and hence rectification, as small as possible.

use super::linalg::{cholesky, min_diagonal_completion};
use super::CorrelationTarget;
use crate::error::{Result, StudyError};
use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

#[derive(Clone, Debug)]
pub struct CoxGenerator {
    rates_per_ms: Vec<f64>,
    /// Row i: the loadings of λ_i on the OU processes (per ms).
    l: Vec<Vec<f64>>,
    tau_ms: f64,
    dt_ms: f64,
    /// The diagonal completion δ in [0, 1).
    pub delta: f64,
}

/// Trains and the fraction of (train, step) pairs whose rate was clipped at zero.
#[derive(Clone, Debug)]
pub struct CoxTrains {
    pub trains: Vec<Vec<f64>>,
    pub rectified_fraction: f64,
}

/// K of the module docs (ms).
fn window_factor(window_ms: f64, tau_ms: f64, dt_ms: f64) -> f64 {
    let n = (window_ms / dt_ms).round().max(1.0) as usize;
    let rho = (-dt_ms / tau_ms).exp();
    let mut s = n as f64;
    let mut p = 1.0;
    for m in 1..n {
        p *= rho;
        s += 2.0 * (n - m) as f64 * p;
    }
    dt_ms * dt_ms / (n as f64 * dt_ms) * s
}

impl CoxGenerator {
    pub fn new(target: &CorrelationTarget, tau_ms: f64, dt_ms: f64) -> Result<Self> {
        target.validate()?;
        if !(tau_ms > 0.0) {
            return Err(StudyError::config("tau_ms", tau_ms, "must be positive"));
        }
        if !(dt_ms > 0.0 && dt_ms <= target.window_ms) {
            return Err(StudyError::config("dt_ms", dt_ms, "must be positive and at most the window"));
        }
        let n = target.rates_hz.len();
        let delta = min_diagonal_completion(&target.corr, 0.999_999).ok_or_else(|| {
            StudyError::Infeasible("the correlation matrix needs a diagonal ≥ 1 to be positive definite".into())
        })?;
        let rho: Vec<Vec<f64>> =
            (0..n).map(|i| (0..n).map(|j| if i == j { delta } else { target.corr[i][j] }).collect()).collect();
        let m = cholesky(&rho).ok_or_else(|| StudyError::Infeasible("Cholesky of the completed matrix failed".into()))?;
        let k = window_factor(target.window_ms, tau_ms, dt_ms);
        let rates_per_ms: Vec<f64> = target.rates_hz.iter().map(|r| r / 1000.0).collect();
        let s: Vec<f64> = rates_per_ms.iter().map(|r| (r / (1.0 - delta)).sqrt()).collect();
        let l = (0..n).map(|i| (0..n).map(|j| s[i] * m[i][j] / k.sqrt()).collect()).collect();
        Ok(CoxGenerator { rates_per_ms, l, tau_ms, dt_ms, delta })
    }

    /// Standard deviation of each train's rate (per ms) before rectification.
    pub fn rate_sd_per_ms(&self) -> Vec<f64> {
        self.l.iter().map(|row| row.iter().map(|v| v * v).sum::<f64>().sqrt()).collect()
    }

    pub fn generate(&self, duration_ms: f64, rng: &mut impl Rng) -> CoxTrains {
        let n = self.rates_per_ms.len();
        let steps = (duration_ms / self.dt_ms).floor() as usize;
        let a = (-self.dt_ms / self.tau_ms).exp();
        let b = (1.0 - a * a).sqrt();
        // Start the OU processes in their stationary distribution.
        let mut y: Vec<f64> = (0..n).map(|_| StandardNormal.sample(rng)).collect();
        let mut trains = vec![Vec::new(); n];
        let mut clipped = 0usize;
        for step in 0..steps {
            let t0 = step as f64 * self.dt_ms;
            for i in 0..n {
                let lam = self.rates_per_ms[i] + self.l[i].iter().zip(&y).map(|(l, y)| l * y).sum::<f64>();
                if lam <= 0.0 {
                    clipped += 1;
                    continue;
                }
                let k = poisson_small(lam * self.dt_ms, rng);
                for _ in 0..k {
                    trains[i].push(t0 + self.dt_ms * rng.random::<f64>());
                }
            }
            for yj in y.iter_mut() {
                let z: f64 = StandardNormal.sample(rng);
                *yj = a * *yj + b * z;
            }
        }
        for tr in trains.iter_mut() {
            tr.sort_by(|p, q| p.total_cmp(q));
        }
        CoxTrains { trains, rectified_fraction: clipped as f64 / (n * steps).max(1) as f64 }
    }
}

/// Poisson sample by inversion; efficient for the small means of one time step.
pub(crate) fn poisson_small(mean: f64, rng: &mut impl Rng) -> u32 {
    if mean > 30.0 {
        return rand_distr::Poisson::new(mean).map(|p| p.sample(rng) as u32).unwrap_or(0);
    }
    let u: f64 = rng.random();
    let mut p = (-mean).exp();
    let mut cdf = p;
    let mut k = 0u32;
    while u > cdf && k < 1000 {
        k += 1;
        p *= mean / k as f64;
        cdf += p;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    /// K for W ≫ τ tends to 2τ (the integral of e^(−|s|/τ)), and to W for τ ≫ W
    /// (a rate constant over the window).
    #[test]
    fn window_factor_limits() {
        let k = window_factor(100_000.0, 10.0, 0.01);
        assert!((k / 20.0 - 1.0).abs() < 2e-3, "{k}");
        let k = window_factor(10.0, 1e7, 0.1);
        assert!((k / 10.0 - 1.0).abs() < 1e-4, "{k}");
    }
}
