//! The seam between datasets and the loaders: one recorded simulation, and a source of them.
//!
//! Any store (the Zarr dataset of `lfdeep-data`, an imported NeuronIO pickle, generated test
//! data) is read through [`SimulationSource`]; the loaders never see file formats.

use crate::error::{NnError, Result};

/// One simulation at 1 ms resolution.
#[derive(Debug, Clone, PartialEq)]
pub struct Simulation {
    /// Length in 1 ms bins.
    pub duration_ms: usize,
    /// Input spike bins (ms) per synapse, sorted ascending. Row order: excitatory synapses of
    /// every segment, then inhibitory ones (NeuronIO's X matrix layout).
    pub input_spikes: Vec<Vec<u32>>,
    /// Segment voltages (mV), row-major [segments, duration_ms].
    pub segment_v: Vec<f32>,
    pub n_segments: usize,
    /// Soma voltage (mV) [duration_ms].
    pub soma_v: Vec<f32>,
    /// Somatic output spike times (ms).
    pub output_spikes_ms: Vec<f64>,
}

impl Simulation {
    pub fn n_synapses(&self) -> usize {
        self.input_spikes.len()
    }

    /// Voltage of one segment over time.
    pub fn segment(&self, i: usize) -> &[f32] {
        &self.segment_v[i * self.duration_ms..(i + 1) * self.duration_ms]
    }

    /// The 1 ms bin of each output spike: bin = floor(t − 0.5) as in NeuronIO's parser,
    /// clamped into the recording.
    pub fn spike_bins(&self) -> Vec<usize> {
        let mut b: Vec<usize> = self
            .output_spikes_ms
            .iter()
            .map(|&t| ((t - 0.5).floor().max(0.0) as usize).min(self.duration_ms.saturating_sub(1)))
            .collect();
        b.sort_unstable();
        b.dedup();
        b
    }

    /// Checks internal consistency; `what` names the simulation in the message.
    pub fn validate(&self, what: &str) -> Result<()> {
        let t = self.duration_ms;
        let bad = |m: String| Err(NnError::Data(format!("{what}: {m}")));
        if self.segment_v.len() != self.n_segments * t {
            return bad(format!("segment voltages have {} values, expected {} × {t}", self.segment_v.len(), self.n_segments));
        }
        if self.soma_v.len() != t {
            return bad(format!("soma voltage has {} values, expected {t}", self.soma_v.len()));
        }
        for (i, s) in self.input_spikes.iter().enumerate() {
            if s.windows(2).any(|w| w[0] > w[1]) || s.last().is_some_and(|&x| x as usize >= t) {
                return bad(format!("input spikes of synapse {i} are unsorted or outside 0..{t} ms"));
            }
        }
        if self.segment_v.iter().chain(&self.soma_v).any(|v| !v.is_finite()) {
            return bad("voltages contain NaN or infinity".into());
        }
        Ok(())
    }
}

/// Anything that can hand out simulations by index.
pub trait SimulationSource: Send + Sync {
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn n_synapses(&self) -> usize;
    fn n_segments(&self) -> usize;
    fn load(&self, index: usize) -> Result<Simulation>;
}

/// Simulations held in memory (generated test data, or a store read once).
#[derive(Debug, Clone)]
pub struct InMemorySource {
    pub sims: Vec<Simulation>,
}

impl InMemorySource {
    pub fn new(sims: Vec<Simulation>) -> Result<Self> {
        let first = sims.first().ok_or_else(|| NnError::Data("no simulations".into()))?;
        let (ns, nseg) = (first.n_synapses(), first.n_segments);
        for (i, s) in sims.iter().enumerate() {
            s.validate(&format!("simulation {i}"))?;
            if s.n_synapses() != ns || s.n_segments != nseg {
                return Err(NnError::Data(format!(
                    "simulation {i} has {} synapses / {} segments, simulation 0 has {ns} / {nseg}",
                    s.n_synapses(),
                    s.n_segments
                )));
            }
        }
        Ok(InMemorySource { sims })
    }
}

impl SimulationSource for InMemorySource {
    fn len(&self) -> usize {
        self.sims.len()
    }
    fn n_synapses(&self) -> usize {
        self.sims[0].n_synapses()
    }
    fn n_segments(&self) -> usize {
        self.sims[0].n_segments
    }
    fn load(&self, index: usize) -> Result<Simulation> {
        self.sims.get(index).cloned().ok_or_else(|| NnError::Data(format!("no simulation {index}")))
    }
}
