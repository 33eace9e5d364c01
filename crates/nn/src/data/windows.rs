//! Windows and batches.
//!
//! A window starting at t0 of length T gives inputs for times t0..t0+T and targets for its
//! last `out_steps` times (sequence models: T − burn-in; MH/MMoE: 1).
//!
//! Input channels (layout fixed, documented in the run folder):
//! - `inputs` mode: the synaptic spike raster (n_synapses channels, 0/1);
//! - `teacher` mode: the raster, then every segment's z-scored voltage, then the z-scored
//!   (clipped) soma voltage — each **one step in the past** (v(t−1) at time t), so the model
//!   never sees the value it must predict.
//!
//! Targets per step: [spike (0/1), soma (z), segment 0 (z), …].
//!
//! Sampling: with probability `spike_fraction` a window is drawn whose target steps contain a
//! somatic spike (a random training spike placed at a random target step); otherwise a window
//! whose target steps contain none (up to 32 tries, then any window). Batch `i` is a pure
//! function of (seed, i), so a resumed run sees the batches it would have seen.

use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::thread::JoinHandle;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use super::normalize::Normalization;
use super::pca::Pca;
use super::source::{Simulation, SimulationSource};
use crate::error::{NnError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputMode {
    /// Synaptic spikes only: the surrogate must run free.
    Inputs,
    /// Spikes plus the past voltages of every compartment (LFDeep's teacher forcing).
    Teacher,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WindowSpec {
    pub window: usize,
    pub out_steps: usize,
    pub mode: InputMode,
    pub n_synapses: usize,
    pub n_segments: usize,
    /// Dendritic targets per step: 0 (spike and soma only, as the ELM paper), the number of
    /// segments, or the number of PCA components.
    pub dend_targets: usize,
}

impl WindowSpec {
    pub fn channels(&self) -> usize {
        match self.mode {
            InputMode::Inputs => self.n_synapses,
            InputMode::Teacher => self.n_synapses + self.n_segments + 1,
        }
    }
    pub fn n_targets(&self) -> usize {
        2 + self.dend_targets
    }
}

/// A batch in host memory: inputs [batch, channels, window], targets [batch, out_steps, targets].
#[derive(Debug, Clone, PartialEq)]
pub struct HostBatch {
    pub batch: usize,
    /// The inputs, dense; empty when `input_events` holds them.
    pub inputs: Vec<f32>,
    /// The inputs as events ([`super::input_events`]: sorted flat indices of the ones) when the
    /// sampler was asked for them (`inputs` mode only).
    pub input_events: Option<Vec<i32>>,
    pub targets: Vec<f32>,
    pub spec: WindowSpec,
}

impl HostBatch {
    /// The inputs [batch, channels, window] as dense values, whichever form the batch holds.
    pub fn dense_inputs(&self) -> std::borrow::Cow<'_, [f32]> {
        match &self.input_events {
            None => std::borrow::Cow::Borrowed(&self.inputs),
            Some(ev) => {
                let mut x = vec![0.0; self.batch * self.spec.channels() * self.spec.window];
                for &e in ev {
                    x[e as usize] = 1.0;
                }
                std::borrow::Cow::Owned(x)
            }
        }
    }
}

struct Prepared {
    sim: Simulation,
    spike_bins: Vec<usize>,
}

impl Prepared {
    fn has_spike_in(&self, from: usize, to: usize) -> bool {
        let i = self.spike_bins.partition_point(|&b| b < from);
        i < self.spike_bins.len() && self.spike_bins[i] < to
    }
}

/// Draws windows from one split.
pub struct WindowSampler {
    sims: Vec<Prepared>,
    /// (simulation, bin) of every output spike in the split.
    spikes: Vec<(usize, usize)>,
    spec: WindowSpec,
    norm: Arc<Normalization>,
    pca: Option<Arc<Pca>>,
    spike_fraction: f64,
    /// Hand out `inputs`-mode batches as events ([`HostBatch::input_events`]).
    input_events: bool,
}

impl WindowSampler {
    /// Loads the simulations `indices` of `source` (held in memory for the run).
    pub fn new(
        source: &dyn SimulationSource,
        indices: &[usize],
        spec: WindowSpec,
        norm: Arc<Normalization>,
        pca: Option<Arc<Pca>>,
        spike_fraction: f64,
    ) -> Result<Self> {
        let want = match (&pca, spec.dend_targets) {
            (_, 0) => 0,
            (Some(p), _) => p.n_components(),
            (None, _) => spec.n_segments,
        };
        if spec.dend_targets != want {
            return Err(NnError::Data(format!("{} dendritic targets requested, the data gives {want}", spec.dend_targets)));
        }
        if spec.out_steps == 0 || spec.out_steps > spec.window {
            return Err(NnError::config("data.burn_in_ms", format!("window {} leaves {} target steps", spec.window, spec.out_steps)));
        }
        if !(0.0..=1.0).contains(&spike_fraction) {
            return Err(NnError::config("data.spike_fraction", format!("must be in [0, 1], got {spike_fraction}")));
        }
        let mut sims = Vec::with_capacity(indices.len());
        let mut spikes = Vec::new();
        for &i in indices {
            let sim = source.load(i)?;
            if sim.duration_ms < spec.window {
                return Err(NnError::Data(format!("simulation {i} lasts {} ms, shorter than the {} ms window", sim.duration_ms, spec.window)));
            }
            let spike_bins = sim.spike_bins();
            spikes.extend(spike_bins.iter().map(|&b| (sims.len(), b)));
            sims.push(Prepared { sim, spike_bins });
        }
        if sims.is_empty() {
            return Err(NnError::Data("a split has no simulations".into()));
        }
        Ok(WindowSampler { sims, spikes, spec, norm, pca, spike_fraction, input_events: false })
    }

    /// Batches with their inputs as events instead of dense values (`on`), where every input
    /// channel is binary (`inputs` mode) and a batch's flat indices fit an i32; teacher-mode
    /// batches, with voltages among their inputs, stay dense.
    pub fn with_input_events(mut self, on: bool) -> Self {
        self.input_events = on && self.spec.mode == InputMode::Inputs;
        self
    }

    pub fn spec(&self) -> WindowSpec {
        self.spec
    }

    fn target_range(&self, t0: usize) -> (usize, usize) {
        (t0 + self.spec.window - self.spec.out_steps, t0 + self.spec.window)
    }

    /// (simulation within the split, window start).
    pub fn sample_window(&self, rng: &mut ChaCha8Rng) -> (usize, usize) {
        let (w, k) = (self.spec.window, self.spec.out_steps);
        let want_spike = !self.spikes.is_empty() && rng.random::<f64>() < self.spike_fraction;
        for _ in 0..32 {
            if want_spike {
                let (s, bin) = self.spikes[rng.random_range(0..self.spikes.len())];
                let j = rng.random_range(0..k);
                // bin = t0 + w − k + j
                let Some(t0) = (bin + k).checked_sub(w + j) else { continue };
                if t0 + w <= self.sims[s].sim.duration_ms {
                    return (s, t0);
                }
            } else {
                let s = rng.random_range(0..self.sims.len());
                let t0 = rng.random_range(0..=self.sims[s].sim.duration_ms - w);
                let (a, b) = self.target_range(t0);
                if !self.sims[s].has_spike_in(a, b) {
                    return (s, t0);
                }
            }
        }
        let s = rng.random_range(0..self.sims.len());
        (s, rng.random_range(0..=self.sims[s].sim.duration_ms - w))
    }

    /// Does this window's target contain a somatic spike?
    pub fn window_has_spike(&self, s: usize, t0: usize) -> bool {
        let (a, b) = self.target_range(t0);
        self.sims[s].has_spike_in(a, b)
    }

    /// Writes one window into `x` [channels, window] and `y` [out_steps, targets].
    pub fn fill(&self, s: usize, t0: usize, x: &mut [f32], y: &mut [f32]) {
        x.fill(0.0);
        self.fill_zeroed(s, t0, x, y);
    }

    /// [`Self::fill`] into an `x` known to hold zeros (a fresh batch buffer: zeroing it again
    /// would be one more pass over ~2 MB per TCN window).
    fn fill_zeroed(&self, s: usize, t0: usize, x: &mut [f32], y: &mut [f32]) {
        let sim = &self.sims[s].sim;
        let w = self.spec.window;
        self.for_each_input_spike(s, t0, |c, t| x[c * w + t] = 1.0);
        if self.spec.mode == InputMode::Teacher {
            let base = self.spec.n_synapses;
            for seg in 0..sim.n_segments {
                let v = sim.segment(seg);
                let row = &mut x[(base + seg) * w..(base + seg + 1) * w];
                for (j, r) in row.iter_mut().enumerate() {
                    *r = self.norm.segment(seg, v[(t0 + j).saturating_sub(1)]);
                }
            }
            let row = &mut x[(base + sim.n_segments) * w..(base + sim.n_segments + 1) * w];
            for (j, r) in row.iter_mut().enumerate() {
                *r = self.norm.soma(sim.soma_v[(t0 + j).saturating_sub(1)]);
            }
        }
        self.fill_targets(s, t0, y);
    }

    /// Calls `f(channel, step within the window)` for every input spike of window (`s`, `t0`),
    /// channel by channel, in time order.
    fn for_each_input_spike(&self, s: usize, t0: usize, mut f: impl FnMut(usize, usize)) {
        let w = self.spec.window;
        for (c, times) in self.sims[s].sim.input_spikes.iter().enumerate() {
            let start = times.partition_point(|&t| (t as usize) < t0);
            for &t in &times[start..] {
                let t = t as usize;
                if t >= t0 + w {
                    break;
                }
                f(c, t - t0);
            }
        }
    }

    /// Writes the targets [out_steps, targets] of window (`s`, `t0`) into `y`.
    fn fill_targets(&self, s: usize, t0: usize, y: &mut [f32]) {
        let p = &self.sims[s];
        let sim = &p.sim;
        let (w, k, nt) = (self.spec.window, self.spec.out_steps, self.spec.n_targets());
        let first = t0 + w - k;
        for j in 0..k {
            let t = first + j;
            let row = &mut y[j * nt..(j + 1) * nt];
            row[0] = if p.has_spike_in(t, t + 1) { 1.0 } else { 0.0 };
            row[1] = self.norm.soma(sim.soma_v[t]);
        }
        if self.spec.dend_targets > 0 {
            match &self.pca {
                None => {
                    // Segment-major: each segment's voltages are read in order (they are stored
                    // [segment, time]); the writes stride through the small target block.
                    for seg in 0..sim.n_segments {
                        let v = &sim.segment(seg)[first..first + k];
                        for (j, &v) in v.iter().enumerate() {
                            y[j * nt + 2 + seg] = self.norm.segment(seg, v);
                        }
                    }
                }
                Some(pca) => {
                    let mut z = vec![0f32; sim.n_segments];
                    for j in 0..k {
                        let t = first + j;
                        for (seg, z) in z.iter_mut().enumerate() {
                            *z = self.norm.segment(seg, sim.segment(seg)[t]);
                        }
                        pca.project(&z, &mut y[j * nt + 2..(j + 1) * nt]);
                    }
                }
            }
        }
    }

    /// Batch number `index` of the stream keyed by `seed`.
    pub fn batch(&self, batch: usize, seed: u64, index: u64) -> HostBatch {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(index);
        let (xs, ys) = (self.spec.channels() * self.spec.window, self.spec.out_steps * self.spec.n_targets());
        let as_events = self.input_events && batch * xs <= super::input_events::MAX_EVENT_VALUES;
        let mut targets = super::buffer::zeroed(batch * ys);
        let mut inputs = if as_events { Vec::new() } else { super::buffer::zeroed(batch * xs) };
        let mut events = Vec::new();
        let w = self.spec.window;
        for b in 0..batch {
            let (s, t0) = self.sample_window(&mut rng);
            let y = &mut targets[b * ys..(b + 1) * ys];
            if as_events {
                self.for_each_input_spike(s, t0, |c, t| {
                    let e = (b * xs + c * w + t) as i32;
                    // Two spikes of one synapse in one bin are one 1, as in the dense raster.
                    if events.last() != Some(&e) {
                        events.push(e);
                    }
                });
                self.fill_targets(s, t0, y);
            } else {
                self.fill_zeroed(s, t0, &mut inputs[b * xs..(b + 1) * xs], y);
            }
        }
        HostBatch { batch, inputs, input_events: as_events.then_some(events), targets, spec: self.spec }
    }
}

/// Batches `start..end` of a sampler, assembled `depth` batches ahead by `threads` background
/// threads so the accelerator never waits on window assembly. Thread w assembles batches
/// start + w, start + w + threads, …; they are handed out in order, so the stream is the same
/// for any number of threads (each batch is a pure function of (seed, index)).
///
/// A thread that panics does not shorten the stream silently: the iterator re-raises its panic
/// at the batch it never delivered.
pub struct Prefetcher {
    rx: Vec<Receiver<HostBatch>>,
    handles: Vec<Option<JoinHandle<()>>>,
    next: usize,
    total: usize,
}

impl Prefetcher {
    pub fn spawn(sampler: Arc<WindowSampler>, batch: usize, seed: u64, start: u64, end: u64, depth: usize, threads: usize) -> Self {
        Self::from_fn(start, end, depth, threads, move |i| sampler.batch(batch, seed, i))
    }

    /// The prefetching machinery over any batch function of the batch index.
    pub fn from_fn<F>(start: u64, end: u64, depth: usize, threads: usize, make: F) -> Self
    where
        F: Fn(u64) -> HostBatch + Send + Sync + 'static,
    {
        let make = Arc::new(make);
        let threads = threads.max(1).min(end.saturating_sub(start).max(1) as usize);
        // Each thread holds ⌈depth / threads⌉ finished batches (at least one).
        let per_thread = depth.max(1).div_ceil(threads);
        let mut rx = Vec::with_capacity(threads);
        let mut handles = Vec::with_capacity(threads);
        for w in 0..threads {
            let (tx, r) = sync_channel(per_thread);
            let make = make.clone();
            handles.push(Some(std::thread::spawn(move || {
                for i in (start + w as u64..end).step_by(threads) {
                    if tx.send(make(i)).is_err() {
                        break; // consumer stopped early (early stopping, error)
                    }
                }
            })));
            rx.push(r);
        }
        Prefetcher { rx, handles, next: 0, total: end.saturating_sub(start) as usize }
    }
}

/// Background window-assembly threads for `requested` (0: one per core but one, at most 8).
pub fn loader_threads(requested: usize) -> usize {
    match requested {
        0 => std::thread::available_parallelism().map(|n| n.get().saturating_sub(1)).unwrap_or(1).clamp(1, 8),
        n => n,
    }
}

impl Iterator for Prefetcher {
    type Item = HostBatch;
    fn next(&mut self) -> Option<HostBatch> {
        if self.next >= self.total {
            return None;
        }
        let w = self.next % self.rx.len();
        match self.rx[w].recv() {
            Ok(b) => {
                self.next += 1;
                Some(b)
            }
            // The thread's channel closed before its last batch: it panicked. Re-raise that
            // panic here rather than end the epoch early as if the data had run out.
            Err(_) => {
                if let Some(Err(payload)) = self.handles[w].take().map(JoinHandle::join) {
                    std::panic::resume_unwind(payload);
                }
                panic!("window loader thread {w} stopped before batch {} of {}", self.next, self.total);
            }
        }
    }
}

impl Drop for Prefetcher {
    fn drop(&mut self) {
        // Unblock the producers by dropping the receivers first, then join them.
        self.rx.clear();
        for h in self.handles.drain(..).flatten() {
            let _ = h.join();
        }
    }
}
