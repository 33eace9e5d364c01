//! Hay's EPSP-like current: a difference of exponentials, normalised to peak `imax`.
//! i(t) = imax·adjust·((1−e^(−s/τ0)) − (1−e^(−s/τ1))), s = t − onset ≥ 0.

use super::Stimulus;
use crate::error::{check_finite, check_positive, Result, SimError};

#[derive(Debug, Clone)]
pub struct Epsp {
    pub node: usize,
    pub onset_ms: f64,
    pub tau0_ms: f64,
    pub tau1_ms: f64,
    pub imax_na: f64,
    /// 1 / (peak of the bracket), precomputed.
    adjust: f64,
}

/// e^x with the template's underflow guard (0 below x = −100).
fn myexp(x: f64) -> f64 {
    if x < -100.0 {
        0.0
    } else {
        x.exp()
    }
}

impl Epsp {
    pub fn new(node: usize, onset_ms: f64, tau0_ms: f64, tau1_ms: f64, imax_na: f64) -> Result<Epsp> {
        check_finite("epsp.onset", onset_ms)?;
        check_positive("epsp.tau0", tau0_ms)?;
        check_positive("epsp.tau1", tau1_ms)?;
        check_finite("epsp.imax", imax_na)?;
        if tau0_ms == tau1_ms {
            return Err(SimError::param("epsp.tau1", "must differ from tau0"));
        }
        let tpeak = tau0_ms * tau1_ms * (tau0_ms / tau1_ms).ln() / (tau0_ms - tau1_ms);
        let adjust = 1.0 / ((1.0 - myexp(-tpeak / tau0_ms)) - (1.0 - myexp(-tpeak / tau1_ms)));
        Ok(Epsp { node, onset_ms, tau0_ms, tau1_ms, imax_na, adjust })
    }
}

impl Stimulus for Epsp {
    fn node(&self) -> usize {
        self.node
    }
    fn injected_na(&self, t: f64) -> f64 {
        if t < self.onset_ms {
            return 0.0;
        }
        let s = t - self.onset_ms;
        let a0 = 1.0 - myexp(-s / self.tau0_ms);
        let a1 = 1.0 - myexp(-s / self.tau1_ms);
        self.adjust * self.imax_na * (a0 - a1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn peak_is_imax_at_tpeak() {
        let e = Epsp::new(0, 10.0, 0.5, 5.0, 0.5).unwrap();
        let tp = 0.5 * 5.0 * (0.5f64 / 5.0).ln() / (0.5 - 5.0);
        assert!((e.injected_na(10.0 + tp) - 0.5).abs() < 1e-12);
        // Maximum over a fine grid is at tp.
        let best = (0..20000).map(|k| e.injected_na(10.0 + k as f64 * 1e-3)).fold(f64::MIN, f64::max);
        assert!((best - 0.5).abs() < 1e-6);
        assert_eq!(e.injected_na(9.0), 0.0);
    }
}
