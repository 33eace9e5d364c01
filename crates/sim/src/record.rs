//! Recording node voltages or membrane currents at a multiple of dt.

use crate::error::{Result, SimError};

/// The quantity a [`Recording`] samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Quantity {
    /// Node voltage (mV).
    #[default]
    Voltage,
    /// Total transmembrane current of the node (nA, outward positive): capacitive + ionic +
    /// synaptic, electrode (IClamp) currents excluded, as NEURON's `i_membrane_` with
    /// `cvode.use_fast_imem(1)`. The sample at step k is the current over the step that ended
    /// there (see [`crate::Cell::membrane_currents_na`]); at t = 0 it is 0 (uniform v_init).
    MembraneCurrent,
}

/// What to record: cell nodes, every `every_steps` steps (t = 0 included).
#[derive(Debug, Clone)]
pub struct Recording {
    /// What is sampled (voltage unless made with [`Recording::membrane_currents`]).
    pub quantity: Quantity,
    /// Nodes recorded (cell node indices).
    pub nodes: Vec<usize>,
    pub every_steps: usize,
    pub dt_ms: f64,
    /// Sample times (ms).
    pub t_ms: Vec<f64>,
    /// Values, time-major: `values[k·nodes.len() + j]` is node j at sample k (mV, or nA for
    /// membrane currents).
    pub values: Vec<f64>,
}

impl Recording {
    /// Record `nodes` every `interval_ms`, which must be a positive multiple of `dt_ms`.
    pub fn new(nodes: Vec<usize>, interval_ms: f64, dt_ms: f64) -> Result<Recording> {
        if !(interval_ms.is_finite() && interval_ms > 0.0) {
            return Err(SimError::param("record interval", format!("must be > 0 ms, got {interval_ms}")));
        }
        let ratio = interval_ms / dt_ms;
        let every = ratio.round();
        if every < 1.0 || (ratio - every).abs() > 1e-6 * ratio {
            return Err(SimError::param(
                "record interval",
                format!("{interval_ms} ms is not a whole multiple of dt = {dt_ms} ms"),
            ));
        }
        Ok(Recording { quantity: Quantity::Voltage, nodes, every_steps: every as usize, dt_ms, t_ms: Vec::new(), values: Vec::new() })
    }
    /// Record the membrane currents (nA) of `nodes` every `interval_ms`. The cell computes
    /// them only while such a recording is passed to `run_steps`.
    pub fn membrane_currents(nodes: Vec<usize>, interval_ms: f64, dt_ms: f64) -> Result<Recording> {
        Ok(Recording { quantity: Quantity::MembraneCurrent, ..Recording::new(nodes, interval_ms, dt_ms)? })
    }
    /// Take a sample of `x` (the node values of this recording's quantity) if step `step` is
    /// on the grid.
    #[inline]
    pub fn sample(&mut self, step: u64, t_ms: f64, x: &[f64]) {
        if step % self.every_steps as u64 == 0 {
            self.t_ms.push(t_ms);
            self.values.extend(self.nodes.iter().map(|&n| x[n]));
        }
    }
    pub fn len(&self) -> usize {
        self.t_ms.len()
    }
    pub fn is_empty(&self) -> bool {
        self.t_ms.is_empty()
    }
    /// The trace of the j-th recorded node.
    pub fn trace(&self, j: usize) -> Vec<f64> {
        let n = self.nodes.len();
        (0..self.len()).map(|k| self.values[k * n + j]).collect()
    }
    /// Sampling interval (ms).
    pub fn interval_ms(&self) -> f64 {
        self.every_steps as f64 * self.dt_ms
    }
}
