//! The NeuronIO input generator (spec: neuronio.md, "Input spike trains").
//!
//! One excitatory and one inhibitory synapse per dendritic segment; synapse rows are
//! 0..n (excitatory, segment order) then n..2n (inhibitory). Per simulation:
//! 1. T_c = choice(block options) + int(U(−J, J)); σ = choice(σ options) + int(U(−J, J));
//! 2. per block and tree: N_E ~ U(lo, hi), N_I ~ U(max(0, N_E + d_lo), N_E + d_hi)
//!    (spikes per 100 ms per tree);
//! 3. rate of segment i (per ms) = N/(100·ΣL̃)·L̃_i·U(0.5, 1.5), L̃ = length + 10 µm, the
//!    factor drawn per segment, per block, separately for excitation and inhibition;
//! 4. blocks expanded to 1 ms bins, smoothed ('same' mode) by a normalised Gaussian of
//!    length 1 + 7σ and s.d. σ;
//! 5. every ms: p ~ Exponential(mean = smoothed rate), spike if U(0, 1) < p.
//!
//! Every draw comes from [`Stream`]s keyed by (seed, simulation, purpose).

use crate::config::InputConfig;
use crate::rng::{Purpose, Stream};
use crate::smoothing::BlockSmoother;

/// Which dendritic tree a segment belongs to (each tree gets its own block rates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tree {
    Basal = 0,
    Apical = 1,
}

/// The dendritic segments that carry synapses, in synapse order.
#[derive(Debug, Clone, PartialEq)]
pub struct DendriteLayout {
    pub tree: Vec<Tree>,
    pub length_um: Vec<f64>,
}

impl DendriteLayout {
    pub fn n_segments(&self) -> usize {
        self.tree.len()
    }
    pub fn n_synapses(&self) -> usize {
        2 * self.tree.len()
    }
}

/// The drawn rate parameters of one simulation (before smoothing).
#[derive(Debug, Clone, PartialEq)]
pub struct RateProfile {
    pub block_ms: usize,
    pub sigma_ms: usize,
    pub n_blocks: usize,
    /// Spikes per 100 ms per tree, `[tree][0 = exc, 1 = inh][block]`.
    pub tree_per_100ms: [[Vec<f64>; 2]; 2],
    /// Per-synapse per-block rate (spikes/ms), row-major `[synapse][block]`.
    pub block_rates: Vec<f64>,
}

/// Draw T_c and σ exactly as the spec says: option + int(U(−J, J)) (truncation toward 0).
pub fn draw_block_and_sigma(cfg: &InputConfig, s: &mut Stream) -> (usize, usize) {
    let j = cfg.jitter_ms as f64;
    let tc = cfg.block_ms_options[s.index(cfg.block_ms_options.len())] as i64 + s.uniform_range(-j, j).trunc() as i64;
    let sg = cfg.sigma_ms_options[s.index(cfg.sigma_ms_options.len())] as i64 + s.uniform_range(-j, j).trunc() as i64;
    // Config validation guarantees min option − J ≥ 1.
    (tc.max(1) as usize, sg.max(1) as usize)
}

/// Draw the rate profile of simulation `sim`.
pub fn draw_profile(cfg: &InputConfig, layout: &DendriteLayout, duration_ms: usize, seed: u64, sim: u64) -> RateProfile {
    let (block_ms, sigma_ms) = draw_block_and_sigma(cfg, &mut Stream::new(seed, sim, Purpose::BlockAndSigma));
    let n_blocks = duration_ms.div_ceil(block_ms);

    let mut tr = Stream::new(seed, sim, Purpose::TreeRates);
    let mut tree_per_100ms: [[Vec<f64>; 2]; 2] = Default::default();
    for per_tree in &mut tree_per_100ms {
        for _ in 0..n_blocks {
            let ne = tr.uniform_range(cfg.exc_per_100ms[0], cfg.exc_per_100ms[1]);
            let lo = (ne + cfg.inh_minus_exc_per_100ms[0]).max(0.0);
            let ni = tr.uniform_range(lo, ne + cfg.inh_minus_exc_per_100ms[1]);
            per_tree[0].push(ne);
            per_tree[1].push(ni);
        }
    }

    let mut sum_len = [0.0f64; 2];
    for (t, l) in layout.tree.iter().zip(&layout.length_um) {
        sum_len[*t as usize] += l + cfg.length_offset_um;
    }
    let n = layout.n_segments();
    let mut jit = Stream::new(seed, sim, Purpose::SegmentJitter);
    let mut block_rates = vec![0.0; 2 * n * n_blocks];
    for kind in 0..2 {
        for i in 0..n {
            let tree = layout.tree[i] as usize;
            let lt = layout.length_um[i] + cfg.length_offset_um;
            let row = &mut block_rates[(kind * n + i) * n_blocks..(kind * n + i + 1) * n_blocks];
            for (b, r) in row.iter_mut().enumerate() {
                let f = jit.uniform_range(cfg.segment_jitter[0], cfg.segment_jitter[1]);
                *r = tree_per_100ms[tree][kind][b] / (100.0 * sum_len[tree]) * lt * f;
            }
        }
    }
    RateProfile { block_ms, sigma_ms, n_blocks, tree_per_100ms, block_rates }
}

impl RateProfile {
    pub fn smoother(&self, duration_ms: usize) -> BlockSmoother {
        BlockSmoother::new(duration_ms, self.block_ms, self.sigma_ms)
    }
    pub fn block_row(&self, synapse: usize) -> &[f64] {
        &self.block_rates[synapse * self.n_blocks..(synapse + 1) * self.n_blocks]
    }
    pub fn n_synapses(&self) -> usize {
        self.block_rates.len() / self.n_blocks
    }
}

/// Doubly stochastic sampling of every synapse's train from its smoothed rate: spike times
/// are whole ms, at most one per ms. Row r uses draws 2·(r·T + t) and 2·(r·T + t) + 1.
pub fn sample_spikes(profile: &RateProfile, duration_ms: usize, seed: u64, sim: u64) -> Vec<Vec<u32>> {
    let smoother = profile.smoother(duration_ms);
    let mut s = Stream::new(seed, sim, Purpose::SpikeSampling);
    let mut rate = vec![0.0; duration_ms];
    (0..profile.n_synapses())
        .map(|r| {
            smoother.smooth_into(profile.block_row(r), &mut rate);
            let mut train = Vec::new();
            for (t, &m) in rate.iter().enumerate() {
                let p = s.exponential(m);
                if s.uniform() < p {
                    train.push(t as u32);
                }
            }
            train
        })
        .collect()
}

/// Keep each presynaptic spike with probability `p` (the published code's release quirk).
pub fn release(trains: &[Vec<u32>], p: f64, seed: u64, sim: u64) -> Vec<Vec<u32>> {
    if p >= 1.0 {
        return trains.to_vec();
    }
    let mut s = Stream::new(seed, sim, Purpose::Release);
    trains.iter().map(|tr| tr.iter().copied().filter(|_| s.uniform() < p).collect()).collect()
}

/// Probability of a spike in a 1 ms bin of mean rate m: P(U < X), X ~ Exp(mean m)
/// = E[min(X, 1)] = m·(1 − e^(−1/m)).
pub fn spike_probability(m: f64) -> f64 {
    if m <= 0.0 {
        0.0
    } else {
        m * (-(-1.0 / m).exp_m1())
    }
}
