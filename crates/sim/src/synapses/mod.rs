//! Event-driven conductance synapses (NeuronIO): AMPA+NMDA excitation and GABA_A inhibition,
//! each a two-state (rise/decay) scheme, plus the schedule of presynaptic events.
//!
//! Units: conductances µS, currents nA (outward positive), times ms.

pub mod ampa_nmda;
pub mod events;
pub mod gaba_a;

pub use ampa_nmda::{AmpaNmda, ExcParams};
pub use events::{EventQueue, SynEvent, SynKind};
pub use gaba_a::{GabaA, InhParams};

use crate::error::{check_positive, Result, SimError};

/// A two-exponential conductance g = gmax·(B − A), dA/dt = −A/τr, dB/dt = −B/τd, with A and B
/// jumping by the peak-normalising `factor` on each event (NEURON's Exp2Syn scheme).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TwoExp {
    pub tau_rise_ms: f64,
    pub tau_decay_ms: f64,
    /// Peak conductance (µS).
    pub gmax_us: f64,
}

impl TwoExp {
    pub fn validate(&self, name: &str) -> Result<()> {
        check_positive(&format!("{name}.tau_rise"), self.tau_rise_ms)?;
        check_positive(&format!("{name}.tau_decay"), self.tau_decay_ms)?;
        if self.tau_rise_ms >= self.tau_decay_ms {
            return Err(SimError::param(format!("{name}.tau_rise"), "must be shorter than tau_decay"));
        }
        if !(self.gmax_us.is_finite() && self.gmax_us >= 0.0) {
            return Err(SimError::param(format!("{name}.gmax"), format!("must be ≥ 0, got {}", self.gmax_us)));
        }
        Ok(())
    }
    /// 1/(e^(−tp/τd) − e^(−tp/τr)), tp = τr·τd/(τd−τr)·ln(τd/τr): makes the peak of B − A equal 1.
    pub fn factor(&self) -> f64 {
        let (r, d) = (self.tau_rise_ms, self.tau_decay_ms);
        let tp = r * d / (d - r) * (d / r).ln();
        1.0 / ((-tp / d).exp() - (-tp / r).exp())
    }
    /// Per-step decay multipliers (exact exponential update, NEURON's cnexp) of A and B.
    pub fn decay(&self, dt_ms: f64) -> (f64, f64) {
        ((-dt_ms / self.tau_rise_ms).exp(), (-dt_ms / self.tau_decay_ms).exp())
    }
}

/// A counter-based uniform draw in [0, 1) keyed by (seed, synapse, event count): the same
/// seed gives the same releases whatever the order or thread the events are processed in.
pub fn keyed_uniform(seed: u64, stream: u64, counter: u64) -> f64 {
    let mut z = seed ^ splitmix(stream.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ splitmix(counter));
    z = splitmix(z);
    (z >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn factor_normalises_peak_to_one() {
        let s = TwoExp { tau_rise_ms: 2.0, tau_decay_ms: 70.0, gmax_us: 4e-4 };
        let f = s.factor();
        let peak = (0..200000)
            .map(|k| {
                let t = k as f64 * 1e-3;
                f * ((-t / 70.0).exp() - (-t / 2.0).exp())
            })
            .fold(f64::MIN, f64::max);
        assert!((peak - 1.0).abs() < 1e-8, "{peak}");
    }
    #[test]
    fn keyed_uniform_is_uniform_and_reproducible() {
        let n = 200_000;
        let mean: f64 = (0..n).map(|k| keyed_uniform(7, k % 13, k)).sum::<f64>() / n as f64;
        assert!((mean - 0.5).abs() < 0.005, "{mean}");
        assert_eq!(keyed_uniform(1, 2, 3), keyed_uniform(1, 2, 3));
        assert_ne!(keyed_uniform(1, 2, 3), keyed_uniform(2, 2, 3));
    }
}
