//! Correlated spike trains (Brette 2009, "Generation of correlated spike trains", Neural
//! Computation 21:188–215): the Cox (doubly stochastic) method and the mixture method.
//!
//! Both take target rates (Hz) and a target correlation matrix. The correlation is defined
//! as what one measures: the Pearson correlation of spike counts in windows of
//! `window_ms` (for the mixture method without jitter it does not depend on the window).
//! Trains are returned as sorted spike times in ms.

mod cox;
mod linalg;
mod mixture;
mod stats;

pub use cox::{CoxGenerator, CoxTrains};
pub use mixture::Mixture;
pub use stats::{count_statistics, window_counts, CountStatistics};

use crate::error::{Result, StudyError};

/// Rates and pairwise count correlations to produce.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CorrelationTarget {
    pub rates_hz: Vec<f64>,
    /// Symmetric; the diagonal is ignored.
    pub corr: Vec<Vec<f64>>,
    /// Counting window that defines the correlation (ms).
    pub window_ms: f64,
}

impl CorrelationTarget {
    /// All pairs correlated by `c`.
    pub fn uniform(rates_hz: Vec<f64>, c: f64, window_ms: f64) -> Self {
        let n = rates_hz.len();
        let corr = (0..n).map(|i| (0..n).map(|j| if i == j { 1.0 } else { c }).collect()).collect();
        CorrelationTarget { rates_hz, corr, window_ms }
    }

    pub fn validate(&self) -> Result<()> {
        let n = self.rates_hz.len();
        if n == 0 {
            return Err(StudyError::config("rates_hz", "[]", "need at least one train"));
        }
        if let Some((i, r)) = self.rates_hz.iter().enumerate().find(|(_, r)| !(**r > 0.0 && r.is_finite())) {
            return Err(StudyError::config("rates_hz", format!("[{i}] = {r}"), "rates must be positive"));
        }
        if self.corr.len() != n || self.corr.iter().any(|row| row.len() != n) {
            return Err(StudyError::config("corr", format!("{} rows", self.corr.len()), format!("need a {n}×{n} matrix")));
        }
        for i in 0..n {
            for j in 0..n {
                let c = self.corr[i][j];
                if i != j && (!(-1.0..=1.0).contains(&c) || (c - self.corr[j][i]).abs() > 1e-12) {
                    return Err(StudyError::config("corr", format!("[{i}][{j}] = {c}"), "need a symmetric matrix with entries in [-1, 1]"));
                }
            }
        }
        if !(self.window_ms > 0.0) {
            return Err(StudyError::config("window_ms", self.window_ms, "must be positive"));
        }
        Ok(())
    }
}
