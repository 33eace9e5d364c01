//! The integrate-and-fire cell of Beniaguev et al. 2021, Fig. 1:
//! V(t) = v_rest + gain · Σ_i w_i (x_i ∗ k)(t), k(s) = e^(−s/τ) for s = 0..L−1 ms
//! (L = 7τ + 1 = 141 ms), threshold −55 mV; after a spike at t, (V[t+1] − v_reset)·k(s) is
//! subtracted from V[t+1+s], which puts V[t+1] at v_reset and lets the reset decay with the
//! membrane kernel.

use crate::raster::SparseRaster;

/// Parameters (mV, ms). `weights` has one entry per input row.
#[derive(Clone, Debug, serde::Serialize)]
pub struct IfCell {
    pub weights: Vec<f64>,
    pub v_rest_mv: f64,
    pub v_reset_mv: f64,
    pub threshold_mv: f64,
    pub tau_ms: f64,
    /// mV per unit of filtered input ("current_to_voltage_mult_factor").
    pub gain_mv: f64,
    pub kernel_len_ms: usize,
}

/// One simulation's outputs: the voltage (mV, 1 ms bins, unclipped) and spike times (ms).
#[derive(Clone, Debug)]
pub struct IfOutput {
    pub voltage_mv: Vec<f64>,
    pub spikes_ms: Vec<usize>,
}

impl IfCell {
    /// The published cell: 80 excitatory (+1) then 20 inhibitory (−1) inputs, τ = 20 ms,
    /// v_rest = v_reset = −75 mV, threshold −55 mV, gain 2 mV, kernel 141 ms.
    pub fn published(num_exc: usize, num_inh: usize) -> Self {
        let mut weights = vec![1.0; num_exc];
        weights.extend(std::iter::repeat_n(-1.0, num_inh));
        let tau_ms = 20.0;
        IfCell {
            weights,
            v_rest_mv: -75.0,
            v_reset_mv: -75.0,
            threshold_mv: -55.0,
            tau_ms,
            gain_mv: 2.0,
            kernel_len_ms: (7.0 * tau_ms) as usize + 1,
        }
    }

    /// The synaptic/membrane kernel k(s) = e^(−s/τ), s = 0..L−1.
    pub fn kernel(&self) -> Vec<f64> {
        (0..self.kernel_len_ms).map(|s| (-(s as f64) / self.tau_ms).exp()).collect()
    }

    /// The true spatio-temporal kernel of the voltage, `gain · w_i · k(s)` for s < `len`,
    /// row-major [row][lag].
    pub fn voltage_kernel(&self, len: usize) -> Vec<Vec<f64>> {
        let k = self.kernel();
        self.weights
            .iter()
            .map(|w| (0..len).map(|s| if s < k.len() { self.gain_mv * w * k[s] } else { 0.0 }).collect())
            .collect()
    }

    pub fn simulate(&self, x: &SparseRaster) -> IfOutput {
        let k = self.kernel();
        let u = x.weighted_sum(&self.weights);
        let n = u.len();
        // Causal convolution truncated to the kernel length: events are sparse, so spread
        // each non-zero input sample over the kernel.
        let mut v = vec![self.v_rest_mv; n];
        for (t, &ut) in u.iter().enumerate() {
            if ut != 0.0 {
                for (s, ks) in k.iter().enumerate().take(n - t) {
                    v[t + s] += self.gain_mv * ut * ks;
                }
            }
        }
        let mut spikes = Vec::new();
        for t in 0..n {
            if v[t] > self.threshold_mv && t + 1 < n {
                let drop = v[t + 1] - self.v_reset_mv;
                for (s, ks) in k.iter().enumerate().take(n - t - 1) {
                    v[t + 1 + s] -= drop * ks;
                }
                spikes.push(t);
            }
        }
        IfOutput { voltage_mv: v, spikes_ms: spikes }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raster(rows: usize, dur: usize, events: Vec<(u32, u16)>) -> SparseRaster {
        SparseRaster { rows, duration_ms: dur, events }
    }

    /// One excitatory spike: V = −75 + 2·e^(−s/20) from its time on, zero before, and nothing
    /// after the kernel's 141 ms (hand-derived from the definition).
    #[test]
    fn single_input_gives_the_scaled_kernel() {
        let cell = IfCell::published(80, 20);
        let out = cell.simulate(&raster(100, 400, vec![(10, 3)]));
        for t in 0..400 {
            let want = if (10..151).contains(&t) { -75.0 + 2.0 * (-((t - 10) as f64) / 20.0).exp() } else { -75.0 };
            assert!((out.voltage_mv[t] - want).abs() < 1e-12, "t {t}");
        }
        assert!(out.spikes_ms.is_empty());
        // An inhibitory row pulls the voltage down by the same amount.
        let out = cell.simulate(&raster(100, 50, vec![(0, 95)]));
        assert!((out.voltage_mv[0] + 77.0).abs() < 1e-12);
    }

    /// Eleven coincident excitatory spikes reach −53 mV > −55 mV: a spike at that ms, the
    /// next ms is exactly at v_reset, and V stays there while the input's kernel lasts (the
    /// reset cancels the remaining drive, both decaying with the same kernel); the reset
    /// kernel starts 1 ms later, so at t = 146 only its tail −22·e^(−141/20) remains.
    #[test]
    fn threshold_crossing_resets_to_v_reset() {
        let cell = IfCell::published(80, 20);
        let ev: Vec<(u32, u16)> = (0..11).map(|r| (5u32, r as u16)).collect();
        let out = cell.simulate(&raster(100, 300, ev));
        assert_eq!(out.spikes_ms, vec![5]);
        assert!((out.voltage_mv[5] + 53.0).abs() < 1e-12);
        for t in 6..146 {
            assert!((out.voltage_mv[t] + 75.0).abs() < 1e-9, "t {t}: {}", out.voltage_mv[t]);
        }
        assert!((out.voltage_mv[146] + 75.0 + 22.0 * (-141.0f64 / 20.0).exp()).abs() < 1e-9);
        assert!((out.voltage_mv[147] + 75.0).abs() < 1e-12);
    }
}
