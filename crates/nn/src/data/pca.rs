//! Optional PCA compression of the dendritic targets (Beniaguev et al. predict 20 whitened
//! principal components of the 639 dendritic voltages instead of the voltages themselves).
//!
//! Fitted on the z-scored segment voltages of the training split only (every 5th ms of at
//! most 32 simulations), top components by subspace iteration on the covariance matrix.
//! Component j of a target is (u_j · z) / √λ_j, so every component has unit variance.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::normalize::Normalization;
use super::source::SimulationSource;
use crate::error::{NnError, Result};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Pca {
    pub n_segments: usize,
    /// Row-major [components, segments], orthonormal rows.
    pub components: Vec<f32>,
    /// Variance of each component (z-units²), descending.
    pub eigenvalues: Vec<f32>,
}

impl Pca {
    pub fn n_components(&self) -> usize {
        self.eigenvalues.len()
    }

    pub fn fit(source: &dyn SimulationSource, train: &[usize], norm: &Normalization, k: usize, seed: u64) -> Result<Self> {
        let n = source.n_segments();
        if k == 0 || k > n {
            return Err(NnError::config("data.pca_components", format!("must be in 1..={n}, got {k}")));
        }
        let mut cov = vec![0.0f64; n * n];
        let mut count = 0.0;
        let mut z = vec![0.0f64; n];
        for &i in train.iter().take(32) {
            let sim = source.load(i)?;
            for t in (0..sim.duration_ms).step_by(5) {
                for (s, zs) in z.iter_mut().enumerate() {
                    *zs = norm.segment(s, sim.segment(s)[t]) as f64;
                }
                for a in 0..n {
                    let za = z[a];
                    let row = &mut cov[a * n..a * n + n];
                    for (c, zb) in row[a..].iter_mut().zip(&z[a..]) {
                        *c += za * zb;
                    }
                }
                count += 1.0;
            }
        }
        for a in 0..n {
            for b in a..n {
                cov[a * n + b] /= count;
                cov[b * n + a] = cov[a * n + b];
            }
        }
        // Subspace iteration with Gram–Schmidt.
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut q: Vec<Vec<f64>> = (0..k).map(|_| (0..n).map(|_| rng.random_range(-1.0..1.0)).collect()).collect();
        let matvec = |v: &[f64]| -> Vec<f64> { (0..n).map(|a| cov[a * n..a * n + n].iter().zip(v).map(|(c, x)| c * x).sum()).collect() };
        for _ in 0..100 {
            let mut next: Vec<Vec<f64>> = q.iter().map(|v| matvec(v)).collect();
            for j in 0..k {
                for i in 0..j {
                    let d: f64 = next[j].iter().zip(&next[i]).map(|(a, b)| a * b).sum();
                    let (head, tail) = next.split_at_mut(j);
                    tail[0].iter_mut().zip(&head[i]).for_each(|(a, b)| *a -= d * b);
                }
                let norm2 = next[j].iter().map(|a| a * a).sum::<f64>().sqrt().max(1e-300);
                next[j].iter_mut().for_each(|a| *a /= norm2);
            }
            q = next;
        }
        let mut pairs: Vec<(f64, Vec<f64>)> = q
            .into_iter()
            .map(|v| {
                let cv = matvec(&v);
                (v.iter().zip(&cv).map(|(a, b)| a * b).sum::<f64>(), v)
            })
            .collect();
        pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
        Ok(Pca {
            n_segments: n,
            components: pairs.iter().flat_map(|(_, v)| v.iter().map(|&x| x as f32)).collect(),
            eigenvalues: pairs.iter().map(|(l, _)| l.max(1e-12) as f32).collect(),
        })
    }

    /// Whitened components of one z-scored segment vector.
    pub fn project(&self, z: &[f32], out: &mut [f32]) {
        for (j, o) in out.iter_mut().enumerate() {
            let row = &self.components[j * self.n_segments..(j + 1) * self.n_segments];
            *o = row.iter().zip(z).map(|(a, b)| a * b).sum::<f32>() / self.eigenvalues[j].sqrt();
        }
    }

    /// Back from whitened components to z-scored segment voltages.
    pub fn reconstruct(&self, c: &[f32], z: &mut [f32]) {
        z.fill(0.0);
        for (j, &cj) in c.iter().enumerate() {
            let s = cj * self.eigenvalues[j].sqrt();
            let row = &self.components[j * self.n_segments..(j + 1) * self.n_segments];
            z.iter_mut().zip(row).for_each(|(zi, r)| *zi += s * r);
        }
    }
}
