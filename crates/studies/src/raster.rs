//! Sparse binary spike rasters at 1 ms resolution (rows × time), stored as events so that
//! thousands of 6 s simulations fit in memory (a dense u8 raster of the published
//! integrate-and-fire training set would take 7.2 GB; its events take about 100 MB).

/// A binary raster: `events` are (time in ms, row), sorted by time then row.
#[derive(Clone, Debug, Default)]
pub struct SparseRaster {
    pub rows: usize,
    pub duration_ms: usize,
    pub events: Vec<(u32, u16)>,
}

impl SparseRaster {
    /// Dense window `[t0, t0 + len)` written row-major (`row * len + (t - t0)`) into `out`
    /// (cleared first); times past the end stay 0.
    pub fn window_into(&self, t0: usize, len: usize, out: &mut [f32]) {
        assert_eq!(out.len(), self.rows * len);
        out.iter_mut().for_each(|v| *v = 0.0);
        let start = self.events.partition_point(|e| (e.0 as usize) < t0);
        for &(t, r) in &self.events[start..] {
            let t = t as usize;
            if t >= t0 + len {
                break;
            }
            out[r as usize * len + (t - t0)] = 1.0;
        }
    }

    /// Spike count per ms summed over rows with per-row weights (the net drive Σ w_i x_i(t)).
    pub fn weighted_sum(&self, weights: &[f64]) -> Vec<f64> {
        assert_eq!(weights.len(), self.rows);
        let mut u = vec![0.0; self.duration_ms];
        for &(t, r) in &self.events {
            u[t as usize] += weights[r as usize];
        }
        u
    }

    /// Mean rate of rows `range` in spikes per second.
    pub fn mean_rate_hz(&self, range: std::ops::Range<usize>) -> f64 {
        let n = self.events.iter().filter(|e| range.contains(&(e.1 as usize))).count();
        n as f64 / (range.len() as f64 * self.duration_ms as f64) * 1000.0
    }
}
