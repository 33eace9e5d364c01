//! TEST DATA: a small, fully known neuron generated in memory, so the loaders and the
//! training loop can be tested without a simulator or a dataset on disk.
//!
//! The "neuron": `n_segments` compartments, each with one excitatory and one inhibitory input.
//! Segment voltage = −70 mV + exponential-kernel filters (τ = 10 ms) of its own inputs
//! (+3 mV per excitatory, −2 mV per inhibitory spike). The soma is a leaky integrate-and-fire
//! unit (τ = 10 ms) driven by the mean segment depolarisation (gain 20), threshold −55 mV,
//! spike drawn as one +20 mV bin, reset to −75 mV. Input rates change every 100–300 ms so
//! that some windows hold output spikes and some do not. Every draw comes from
//! ChaCha8(seed, sim).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::source::Simulation;

#[derive(Debug, Clone)]
pub struct SyntheticConfig {
    pub n_segments: usize,
    pub duration_ms: usize,
    /// Peak excitatory rate per synapse (Hz).
    pub max_exc_hz: f64,
    pub seed: u64,
}

impl Default for SyntheticConfig {
    fn default() -> Self {
        SyntheticConfig { n_segments: 8, duration_ms: 2000, max_exc_hz: 60.0, seed: 1 }
    }
}

/// Generates simulation `index` of the synthetic dataset.
pub fn synthetic_simulation(cfg: &SyntheticConfig, index: u64) -> Simulation {
    let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
    rng.set_stream(index + 1);
    let (n, t) = (cfg.n_segments, cfg.duration_ms);
    // Piecewise-constant rates.
    let mut exc_rate = vec![0.0f64; t];
    let mut start = 0;
    while start < t {
        let len = rng.random_range(100..300).min(t - start);
        let r = rng.random_range(0.0..cfg.max_exc_hz) / 1000.0;
        exc_rate[start..start + len].fill(r);
        start += len;
    }
    let mut input_spikes = vec![Vec::new(); 2 * n];
    for (row, spikes) in input_spikes.iter_mut().enumerate() {
        let scale = if row < n { 1.0 } else { 0.5 };
        for (ms, &r) in exc_rate.iter().enumerate() {
            if rng.random::<f64>() < r * scale {
                spikes.push(ms as u32);
            }
        }
    }
    let decay = (-1.0f64 / 10.0).exp();
    let mut segment_v = vec![0.0f32; n * t];
    for i in 0..n {
        let (mut e, mut h) = (0.0f64, 0.0f64);
        let (mut pe, mut ph) = (0usize, 0usize);
        let (ex, inh) = (&input_spikes[i], &input_spikes[n + i]);
        for ms in 0..t {
            e *= decay;
            h *= decay;
            while pe < ex.len() && ex[pe] as usize == ms {
                e += 3.0;
                pe += 1;
            }
            while ph < inh.len() && inh[ph] as usize == ms {
                h += 2.0;
                ph += 1;
            }
            segment_v[i * t + ms] = (-70.0 + e - h) as f32;
        }
    }
    let mut soma_v = vec![0.0f32; t];
    let mut output_spikes_ms = Vec::new();
    let mut v = -70.0f64;
    let mut refractory = 0;
    for ms in 0..t {
        let drive: f64 = (0..n).map(|i| segment_v[i * t + ms] as f64 + 70.0).sum::<f64>() / n as f64;
        v += (-(v + 70.0) + 20.0 * drive) / 10.0;
        if refractory > 0 {
            refractory -= 1;
            v = v.min(-70.0);
        }
        if v > -55.0 && refractory == 0 {
            output_spikes_ms.push(ms as f64 + 0.6);
            soma_v[ms] = 20.0;
            v = -75.0;
            refractory = 3;
        } else {
            soma_v[ms] = v as f32;
        }
    }
    Simulation { duration_ms: t, input_spikes, segment_v, n_segments: n, soma_v, output_spikes_ms }
}

/// `count` synthetic simulations.
pub fn synthetic_dataset(cfg: &SyntheticConfig, count: usize) -> Vec<Simulation> {
    (0..count as u64).map(|i| synthetic_simulation(cfg, i)).collect()
}
