//! NEURON's IClamp: a rectangular current pulse.

use super::Stimulus;
use crate::error::{check_finite, Result, SimError};

#[derive(Debug, Clone)]
pub struct IClamp {
    pub node: usize,
    /// Onset (ms), duration (ms), amplitude (nA).
    pub delay_ms: f64,
    pub dur_ms: f64,
    pub amp_na: f64,
}

impl IClamp {
    pub fn new(node: usize, delay_ms: f64, dur_ms: f64, amp_na: f64) -> Result<IClamp> {
        check_finite("iclamp.delay", delay_ms)?;
        check_finite("iclamp.amp", amp_na)?;
        if !(dur_ms.is_finite() && dur_ms >= 0.0) {
            return Err(SimError::param("iclamp.dur", format!("must be ≥ 0 ms, got {dur_ms}")));
        }
        Ok(IClamp { node, delay_ms, dur_ms, amp_na })
    }
}

impl Stimulus for IClamp {
    fn node(&self) -> usize {
        self.node
    }
    /// On for del ≤ t < del + dur, as IClamp's BREAKPOINT.
    fn injected_na(&self, t: f64) -> f64 {
        if t < self.delay_ms + self.dur_ms && t >= self.delay_ms {
            self.amp_na
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn pulse_edges() {
        let c = IClamp::new(0, 10.0, 5.0, 0.3).unwrap();
        assert_eq!(c.injected_na(9.999), 0.0);
        assert_eq!(c.injected_na(10.0), 0.3);
        assert_eq!(c.injected_na(14.999), 0.3);
        assert_eq!(c.injected_na(15.0), 0.0);
        assert!(IClamp::new(0, 0.0, -1.0, 1.0).is_err());
    }
}
