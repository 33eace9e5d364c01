//! The mixture method (Brette 2009, section 3): independent Poisson "source" trains with
//! rates ν_k; target train i copies each spike of source k with probability p_ik
//! (optionally delayed by an exponential jitter). Targets are Poisson with rate
//! r_i = Σ_k p_ik ν_k, and window counts have cov(N_i, N_j) = W·Σ_k p_ik p_jk ν_k, so
//! (without jitter) corr_ij = Σ_k p_ik p_jk ν_k / √(r_i r_j) for any window. Only
//! non-negative correlations are possible.
//!
//! Finding (ν, P) for a target: Brian's `find_mixture` runs gradient descent; here a
//! constructive decomposition gives an exact answer when one exists in its family.
//! With A_ij = corr_ij·√(r_i r_j) (i ≠ j):
//! 1. group sources, greedily: a group of trains with positive residual correlations gets
//!    the best rank-one part u·uᵀ ≤ residual (alternating least squares on off-diagonal
//!    entries, scaled down until u_i u_j ≤ residual_ij); its rate is ν = max u_i² and
//!    p_i = u_i/√ν (rate used by train i: u_i·max u); repeat on the residual;
//! 2. one source per pair for any residual left, copied with probability 1 by both;
//! 3. a private source per train with the remaining rate (must be ≥ 0, else infeasible).
//!
//! Uniform correlations c with equal rates use a common source only (any c in [0, 1]).

use super::cox::poisson_small;
use super::CorrelationTarget;
use crate::error::{Result, StudyError};
use rand::Rng;
use rand_distr::{Distribution, Exp};

/// Source rates (Hz) and copy probabilities `p[target][source]`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Mixture {
    pub source_rates_hz: Vec<f64>,
    pub p: Vec<Vec<f64>>,
}

impl Mixture {
    pub fn from_target(target: &CorrelationTarget) -> Result<Self> {
        target.validate()?;
        let n = target.rates_hz.len();
        let r = &target.rates_hz;
        let mut a = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in 0..n {
                if i != j {
                    let c = target.corr[i][j];
                    if c < 0.0 {
                        return Err(StudyError::Infeasible(format!(
                            "the mixture method cannot make negative correlations (corr[{i}][{j}] = {c}); use the Cox method"
                        )));
                    }
                    a[i][j] = c * (r[i] * r[j]).sqrt();
                }
            }
        }
        let scale = a.iter().flatten().fold(0.0f64, |m, v| m.max(*v));
        let mut sources: Vec<f64> = Vec::new();
        let mut columns: Vec<Vec<f64>> = Vec::new();
        let mut used = vec![0.0; n];
        if scale > 0.0 && n > 1 {
            let tol = 1e-9 * scale;
            let mut res = a.clone();
            // 1. Group sources, greedily: grow a group from the largest residual pair while
            //    every member keeps a positive residual with all others, give it the best
            //    rank-one part u·uᵀ ≤ residual, subtract. Each round zeroes at least one
            //    entry (the binding pair), so this ends; block structures end exactly.
            for _round in 0..n * n {
                let mut best = (0, 0, 0.0);
                for i in 0..n {
                    for j in (i + 1)..n {
                        if res[i][j] > best.2 {
                            best = (i, j, res[i][j]);
                        }
                    }
                }
                if best.2 <= tol {
                    break;
                }
                let mut group = vec![best.0, best.1];
                loop {
                    let cand = (0..n)
                        .filter(|c| !group.contains(c))
                        .map(|c| (c, group.iter().map(|&g| res[c][g]).fold(f64::INFINITY, f64::min)))
                        .max_by(|x, y| x.1.total_cmp(&y.1));
                    match cand {
                        Some((c, m)) if m > tol => group.push(c),
                        _ => break,
                    }
                }
                let u = rank_one_below(&res, &group);
                let umax = u.iter().fold(0.0f64, |m, v| m.max(*v));
                if umax <= 0.0 {
                    break;
                }
                sources.push(umax * umax);
                let mut col = vec![0.0; n];
                for (gi, &i) in group.iter().enumerate() {
                    col[i] = u[gi] / umax;
                    used[i] += u[gi] * umax;
                    for (gj, &j) in group.iter().enumerate() {
                        if gi != gj {
                            res[i][j] = (res[i][j] - u[gi] * u[gj]).max(0.0);
                        }
                    }
                }
                columns.push(col);
            }
            // 2. Pairwise sources for what is left.
            for i in 0..n {
                for j in (i + 1)..n {
                    if res[i][j] > tol {
                        sources.push(res[i][j]);
                        let mut col = vec![0.0; n];
                        col[i] = 1.0;
                        col[j] = 1.0;
                        columns.push(col);
                        used[i] += res[i][j];
                        used[j] += res[i][j];
                    }
                }
            }
        }
        // 3. Private sources.
        for i in 0..n {
            let rest = r[i] - used[i];
            if rest < -1e-9 * r[i] {
                return Err(StudyError::Infeasible(format!(
                    "train {i}: the correlations need {:.4} Hz of shared spikes but its rate is {:.4} Hz",
                    used[i], r[i]
                )));
            }
            if rest > 0.0 {
                sources.push(rest);
                let mut col = vec![0.0; n];
                col[i] = 1.0;
                columns.push(col);
            }
        }
        let p = (0..n).map(|i| columns.iter().map(|c| c[i]).collect()).collect();
        Ok(Mixture { source_rates_hz: sources, p })
    }

    /// Rates (Hz) and count correlations this mixture produces (no jitter).
    pub fn predicted(&self) -> (Vec<f64>, Vec<Vec<f64>>) {
        let n = self.p.len();
        let rates: Vec<f64> =
            (0..n).map(|i| self.p[i].iter().zip(&self.source_rates_hz).map(|(p, v)| p * v).sum()).collect();
        let corr = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        if i == j {
                            return 1.0;
                        }
                        let c: f64 = (0..self.source_rates_hz.len())
                            .map(|k| self.p[i][k] * self.p[j][k] * self.source_rates_hz[k])
                            .sum();
                        c / (rates[i] * rates[j]).sqrt()
                    })
                    .collect()
            })
            .collect();
        (rates, corr)
    }

    /// Trains over `[0, duration_ms)`; `jitter_ms` > 0 delays each copied spike by an
    /// exponential of that mean (spikes pushed past the end are dropped).
    pub fn generate(&self, duration_ms: f64, jitter_ms: f64, rng: &mut impl Rng) -> Vec<Vec<f64>> {
        let n = self.p.len();
        let mut trains = vec![Vec::new(); n];
        let jitter = if jitter_ms > 0.0 { Exp::new(1.0 / jitter_ms).ok() } else { None };
        for (k, &nu) in self.source_rates_hz.iter().enumerate() {
            let count = poisson_small(nu / 1000.0 * duration_ms, rng);
            for _ in 0..count {
                let t = duration_ms * rng.random::<f64>();
                for i in 0..n {
                    let p = self.p[i][k];
                    if p > 0.0 && (p >= 1.0 || rng.random::<f64>() < p) {
                        let d = jitter.as_ref().map_or(0.0, |e| e.sample(rng));
                        if t + d < duration_ms {
                            trains[i].push(t + d);
                        }
                    }
                }
            }
        }
        for tr in trains.iter_mut() {
            tr.sort_by(|p, q| p.total_cmp(q));
        }
        trains
    }
}

/// The rank-one u (over `group`) fitting the off-diagonal entries of `m` restricted to the
/// group by alternating least squares, scaled down so that u_i·u_j ≤ m_ij everywhere.
fn rank_one_below(m: &[Vec<f64>], group: &[usize]) -> Vec<f64> {
    let g = group.len();
    let sub = |a: usize, b: usize| m[group[a]][group[b]];
    let mut u: Vec<f64> = (0..g).map(|a| ((0..g).filter(|&b| b != a).map(|b| sub(a, b)).sum::<f64>() / (g - 1) as f64).sqrt()).collect();
    for _ in 0..500 {
        u = (0..g)
            .map(|a| {
                let num: f64 = (0..g).filter(|&b| b != a).map(|b| sub(a, b) * u[b]).sum();
                let den: f64 = (0..g).filter(|&b| b != a).map(|b| u[b] * u[b]).sum();
                if den > 0.0 { (num / den).max(0.0) } else { 0.0 }
            })
            .collect();
    }
    let mut s2 = f64::INFINITY;
    for a in 0..g {
        for b in 0..g {
            if a != b && u[a] * u[b] > 0.0 {
                s2 = s2.min(sub(a, b) / (u[a] * u[b]));
            }
        }
    }
    let s = if s2.is_finite() { s2.min(1.0).max(0.0).sqrt() } else { 0.0 };
    u.iter().map(|v| v * s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_target_is_reproduced_exactly_by_the_decomposition() {
        let t = CorrelationTarget::uniform(vec![10.0; 6], 0.3, 100.0);
        let m = Mixture::from_target(&t).unwrap();
        let (r, c) = m.predicted();
        for i in 0..6 {
            assert!((r[i] - 10.0).abs() < 1e-9);
            for j in 0..6 {
                if i != j {
                    assert!((c[i][j] - 0.3).abs() < 1e-9, "{}", c[i][j]);
                }
            }
        }
    }

    #[test]
    fn heterogeneous_block_target_is_reproduced() {
        let rates = vec![5.0, 10.0, 20.0, 8.0, 12.0];
        let mut corr = vec![vec![0.05; 5]; 5];
        for i in 0..5 {
            corr[i][i] = 1.0;
        }
        corr[0][1] = 0.3;
        corr[1][0] = 0.3;
        corr[3][4] = 0.2;
        corr[4][3] = 0.2;
        let t = CorrelationTarget { rates_hz: rates.clone(), corr: corr.clone(), window_ms: 50.0 };
        let (r, c) = Mixture::from_target(&t).unwrap().predicted();
        for i in 0..5 {
            assert!((r[i] - rates[i]).abs() < 1e-9);
            for j in 0..5 {
                if i != j {
                    assert!((c[i][j] - corr[i][j]).abs() < 1e-9, "[{i}][{j}] {} vs {}", c[i][j], corr[i][j]);
                }
            }
        }
    }

    #[test]
    fn negative_and_infeasible_targets_are_errors() {
        let t = CorrelationTarget::uniform(vec![10.0; 3], -0.1, 100.0);
        assert!(matches!(Mixture::from_target(&t), Err(StudyError::Infeasible(_))));
        // Train 0 at 1 Hz cannot share 0.9·√(1·100) = 9 Hz with train 1.
        let t = CorrelationTarget::uniform(vec![1.0, 100.0], 0.9, 100.0);
        assert!(matches!(Mixture::from_target(&t), Err(StudyError::Infeasible(_))));
    }
}
