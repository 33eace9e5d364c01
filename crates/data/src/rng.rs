//! Random streams keyed by (seed, simulation index, purpose).
//!
//! Each stream is ChaCha20 with a 256-bit key made of the seed and the purpose tag, and the
//! simulation index as ChaCha's 64-bit stream number. A simulation's draws therefore never
//! depend on which thread or which shard runs it, or on how many simulations ran before.
//! Uniforms and exponentials are computed here from raw 64-bit words (not through a
//! distribution crate) so the numbers cannot change when a dependency changes its algorithm.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha20Rng;

/// What a stream is used for; the tag value is part of the key and must never change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Block length and smoothing σ of the input rates.
    BlockAndSigma = 1,
    /// Per-block, per-tree total spike counts N_E and N_I.
    TreeRates = 2,
    /// Per-segment, per-block U(0.5, 1.5) factors.
    SegmentJitter = 3,
    /// The per-ms doubly stochastic spike draws.
    SpikeSampling = 4,
    /// Synaptic release (probability `release_probability`) of each presynaptic spike.
    Release = 5,
}

/// A stream of draws for one purpose of one simulation.
pub struct Stream(ChaCha20Rng);

impl Stream {
    pub fn new(seed: u64, simulation: u64, purpose: Purpose) -> Self {
        let mut key = [0u8; 32];
        key[..8].copy_from_slice(&seed.to_le_bytes());
        key[8..16].copy_from_slice(&(purpose as u64).to_le_bytes());
        key[16..24].copy_from_slice(b"lfdeep-d");
        let mut rng = ChaCha20Rng::from_seed(key);
        rng.set_stream(simulation);
        Stream(rng)
    }

    /// Uniform on [0, 1) with 53 random bits.
    #[inline]
    pub fn uniform(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform on [lo, hi).
    #[inline]
    pub fn uniform_range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Exponential with the given mean (0 for mean 0).
    #[inline]
    pub fn exponential(&mut self, mean: f64) -> f64 {
        // 1 − U is in (0, 1], so the logarithm is finite.
        -mean * (1.0 - self.uniform()).ln()
    }

    /// An index uniform on 0..n (n ≥ 1).
    #[inline]
    pub fn index(&mut self, n: usize) -> usize {
        ((self.uniform() * n as f64) as usize).min(n - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_differ_by_every_key_part_and_repeat_exactly() {
        let a: Vec<f64> = (0..4).map({ let mut s = Stream::new(1, 2, Purpose::TreeRates); move |_| s.uniform() }).collect();
        let b: Vec<f64> = (0..4).map({ let mut s = Stream::new(1, 2, Purpose::TreeRates); move |_| s.uniform() }).collect();
        assert_eq!(a, b);
        for (seed, sim, p) in [(2, 2, Purpose::TreeRates), (1, 3, Purpose::TreeRates), (1, 2, Purpose::Release)] {
            let mut s = Stream::new(seed, sim, p);
            assert_ne!(a[0], s.uniform());
        }
    }

    #[test]
    fn uniform_moments() {
        let mut s = Stream::new(7, 0, Purpose::SpikeSampling);
        let n = 200_000;
        let (mut m, mut m2) = (0.0, 0.0);
        for _ in 0..n {
            let u = s.uniform();
            assert!((0.0..1.0).contains(&u));
            m += u;
            m2 += u * u;
        }
        m /= n as f64;
        m2 /= n as f64;
        // Standard error of the mean is 0.29/√n ≈ 6.5e-4; allow 5 σ.
        assert!((m - 0.5).abs() < 3.3e-3, "mean {m}");
        assert!((m2 - 1.0 / 3.0).abs() < 3.3e-3, "second moment {m2}");
    }
}
