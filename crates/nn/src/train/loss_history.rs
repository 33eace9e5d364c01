//! The last finite training losses, quoted when one turns non-finite: steadily growing losses
//! mean the run diverged (lower the learning rate); a NaN right after steady ones points at one
//! batch or one operation instead.

use std::collections::VecDeque;

use crate::error::{NnError, Result};

/// How many finite losses before a non-finite one the error quotes.
const HISTORY: usize = 5;

#[derive(Default)]
pub struct LossHistory {
    recent: VecDeque<f64>,
}

impl LossHistory {
    /// `loss` of step `step` (counting from 0) if finite, else an error naming the step, the
    /// losses before it and what `explain` says of where it came from (asked only then).
    pub fn check(&mut self, step: u64, loss: f64, explain: impl FnOnce() -> Option<String>) -> Result<f64> {
        if !loss.is_finite() {
            let before = if self.recent.is_empty() {
                "no earlier step in this epoch".to_string()
            } else {
                let v: Vec<String> = self.recent.iter().map(|l| format!("{l:.4}")).collect();
                format!("the {} steps before: {}", v.len(), v.join(", "))
            };
            let origin = explain().map(|e| format!("; {e}")).unwrap_or_default();
            return Err(NnError::Data(format!(
                "training loss became {loss} at step {step} ({before}{origin}); lower train.lr or set train.grad_clip_norm"
            )));
        }
        if self.recent.len() == HISTORY {
            self.recent.pop_front();
        }
        self.recent.push_back(loss);
        Ok(loss)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_nan_names_its_step_and_the_last_five_losses_before_it() {
        let mut h = LossHistory::default();
        for (s, l) in [9.0, 1.0, 2.0, 4.0, 8.0, 16.0].into_iter().enumerate() {
            assert_eq!(h.check(s as u64, l, || unreachable!("explained only on error")).unwrap(), l);
        }
        let err = h.check(6, f64::NAN, || Some("why".into())).unwrap_err().to_string();
        assert!(err.contains("became NaN at step 6"), "{err}");
        assert!(err.contains("the 5 steps before: 1.0000, 2.0000, 4.0000, 8.0000, 16.0000; why)"), "{err}");
        let err = LossHistory::default().check(0, f64::INFINITY, || None).unwrap_err().to_string();
        assert!(err.contains("became inf at step 0 (no earlier step in this epoch)"), "{err}");
    }
}
