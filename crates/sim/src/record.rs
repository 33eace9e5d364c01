//! Recording node voltages at a multiple of dt.

use crate::error::{Result, SimError};

/// What to record: cell nodes, every `every_steps` steps (t = 0 included).
#[derive(Debug, Clone)]
pub struct Recording {
    /// Nodes recorded (cell node indices).
    pub nodes: Vec<usize>,
    pub every_steps: usize,
    pub dt_ms: f64,
    /// Sample times (ms).
    pub t_ms: Vec<f64>,
    /// Values, time-major: `values[k·nodes.len() + j]` is node j at sample k (mV).
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
        Ok(Recording { nodes, every_steps: every as usize, dt_ms, t_ms: Vec::new(), values: Vec::new() })
    }
    /// Take a sample if step `step` is on the grid.
    #[inline]
    pub fn sample(&mut self, step: u64, t_ms: f64, v: &[f64]) {
        if step % self.every_steps as u64 == 0 {
            self.t_ms.push(t_ms);
            self.values.extend(self.nodes.iter().map(|&n| v[n]));
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
