//! The seam between the dataset pipeline and the simulator: input trains in, recordings out.
//!
//! [`NeuronModel`] is all the pipeline knows about simulation. [`SimModel`] implements it
//! with `lfdeep-sim` (the default); tests may plug in cheaper models.

use crate::config::{SimulateConfig, Variant};
use crate::error::{DataError, Result};
use lfdeep_morph::Discretized;
use lfdeep_sim::synapses::{EventQueue, ExcParams, InhParams};
use lfdeep_sim::{Biophysics, Cell, Recording, Release};

/// What one simulation records (mV, ms).
#[derive(Debug, Clone, PartialEq)]
pub struct Recordings {
    /// Soma and nexus every 1/8 ms, samples at t = k/8, k = 0..8T.
    pub soma_highres_mv: Vec<f32>,
    pub nexus_highres_mv: Vec<f32>,
    /// Soma and nexus every 1 ms, t = 0..T.
    pub soma_lowres_mv: Vec<f32>,
    pub nexus_lowres_mv: Vec<f32>,
    /// Every segment-table row every 1 ms, row-major [N][T].
    pub segment_lowres_mv: Vec<f32>,
    /// Output spikes (ms): local maxima of the high-resolution soma trace above −25 mV.
    pub output_spike_times_ms: Vec<f64>,
}

/// A neuron model driven by per-synapse spike times.
pub trait NeuronModel: Send + Sync {
    /// Rows of `segment_lowres_mv`.
    fn n_recorded_segments(&self) -> usize;
    /// Simulate `duration_ms` with excitatory/inhibitory trains (one per synapse, ms).
    fn simulate(&self, exc_ms: &[Vec<f64>], inh_ms: &[Vec<f64>], duration_ms: u64) -> std::result::Result<Recordings, String>;
}

/// NeuronIO's output spike rule on a trace sampled every 1/8 ms.
pub fn output_spikes(highres_mv: &[f64], highres_per_ms: u64) -> Vec<f64> {
    let t: Vec<f64> = (0..highres_mv.len()).map(|k| k as f64 / highres_per_ms as f64).collect();
    lfdeep_sim::spikes::local_maxima_above(&t, highres_mv, -25.0)
}

/// The real simulator: Hay/NeuronIO cell with one AMPA(+NMDA) and one GABA_A synapse per
/// dendritic segment.
pub struct SimModel {
    disc: Discretized,
    bio: Biophysics,
    exc: ExcParams,
    inh: InhParams,
    synapse_rows: Vec<usize>,
    nexus_row: usize,
    dt_ms: f64,
    v_init_mv: f64,
}

impl SimModel {
    pub fn new(disc: Discretized, cfg: &SimulateConfig, synapse_rows: Vec<usize>, nexus_row: usize) -> Result<Self> {
        let sim_err = |e: lfdeep_sim::SimError| DataError::Invalid(format!("simulator: {e}"));
        let mut bio = Biophysics::by_name(&cfg.biophysics).map_err(sim_err)?;
        let mut exc = ExcParams::default();
        match cfg.variant {
            Variant::Nmda => {}
            Variant::Ampa => exc.nmda.gmax_us = 0.0,
            Variant::AmpaSk => {
                exc.nmda.gmax_us = 0.0;
                bio.sk_multiplier = 0.1;
            }
        }
        // Build once now so bad parameters fail before any work starts.
        let mut c = Cell::new(&disc, &bio).map_err(sim_err)?;
        c.set_synapses(&synapse_rows, &synapse_rows, exc, InhParams::default()).map_err(sim_err)?;
        Ok(SimModel { disc, bio, exc, inh: InhParams::default(), synapse_rows, nexus_row, dt_ms: cfg.dt_ms, v_init_mv: cfg.v_init_mv })
    }
}

impl NeuronModel for SimModel {
    fn n_recorded_segments(&self) -> usize {
        self.disc.segments.len()
    }

    fn simulate(&self, exc_ms: &[Vec<f64>], inh_ms: &[Vec<f64>], duration_ms: u64) -> std::result::Result<Recordings, String> {
        let e = |x: lfdeep_sim::SimError| x.to_string();
        let mut cell = Cell::new(&self.disc, &self.bio).map_err(e)?;
        cell.set_synapses(&self.synapse_rows, &self.synapse_rows, self.exc, self.inh).map_err(e)?;
        // Release is applied upstream (keyed by simulation), so the cell releases every event.
        cell.set_events(EventQueue::from_trains(exc_ms, inh_ms).map_err(e)?, Release { probability: 1.0, seed: 0 }).map_err(e)?;
        cell.init(self.v_init_mv, self.dt_ms).map_err(e)?;
        let soma = cell.soma_node().map_err(e)?;
        let nexus = self.disc.segments[self.nexus_row].node;
        let all: Vec<usize> = self.disc.segments.iter().map(|s| s.node).collect();
        let mut hi = Recording::new(vec![soma, nexus], 0.125, self.dt_ms).map_err(e)?;
        let mut lo = Recording::new(all, 1.0, self.dt_ms).map_err(e)?;
        let n = cell.steps_for(duration_ms as f64).map_err(e)?;
        cell.run_steps(n, &mut [&mut hi, &mut lo]).map_err(e)?;
        let (t, h) = (duration_ms as usize, 8 * duration_ms as usize);
        if hi.len() < h || lo.len() < t {
            return Err(format!("simulator returned {} / {} samples, expected {h} / {t}", hi.len(), lo.len()));
        }
        let soma_hi = hi.trace(0);
        let nexus_hi = hi.trace(1);
        let nrow = self.disc.segments.len();
        let mut seg = vec![0f32; nrow * t];
        for k in 0..t {
            for j in 0..nrow {
                seg[j * t + k] = lo.values[k * nrow + j] as f32;
            }
        }
        let f = |v: &[f64], step: usize, len: usize| -> Vec<f32> { (0..len).map(|k| v[k * step] as f32).collect() };
        Ok(Recordings {
            output_spike_times_ms: output_spikes(&soma_hi, 8),
            soma_highres_mv: f(&soma_hi, 1, h),
            nexus_highres_mv: f(&nexus_hi, 1, h),
            soma_lowres_mv: f(&soma_hi, 8, t),
            nexus_lowres_mv: f(&nexus_hi, 8, t),
            segment_lowres_mv: seg,
        })
    }
}
