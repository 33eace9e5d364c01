//! TEST-ONLY stand-in for the simulator: a cheap deterministic function of the input trains
//! with the same output shapes, so the store/resume/shard/merge logic can be tested in
//! milliseconds. It is not a neuron model and is never used outside tests.

use lfdeep_data::model::{output_spikes, NeuronModel, Recordings};

pub struct StandIn {
    pub n_segments: usize,
    /// Sleep per simulation (to leave time to kill a run mid-way).
    pub sleep_ms: u64,
}

impl NeuronModel for StandIn {
    fn n_recorded_segments(&self) -> usize {
        self.n_segments
    }
    fn simulate(&self, exc: &[Vec<f64>], inh: &[Vec<f64>], duration_ms: u64) -> Result<Recordings, String> {
        std::thread::sleep(std::time::Duration::from_millis(self.sleep_ms));
        let t = duration_ms as usize;
        // Net drive per ms, low-pass filtered (τ = 10 ms).
        let mut drive = vec![0.0f64; t];
        for tr in exc {
            for &s in tr {
                drive[s as usize] += 1.0;
            }
        }
        for tr in inh {
            for &s in tr {
                drive[s as usize] -= 1.0;
            }
        }
        let mut x = 0.0;
        let mut soma = vec![0.0f64; 8 * t];
        for k in 0..t {
            x += (drive[k] - x) / 10.0;
            for j in 0..8 {
                soma[8 * k + j] = -70.0 + 0.5 * x + if x > 20.0 && j == 4 { 60.0 } else { 0.0 };
            }
        }
        let nexus: Vec<f64> = soma.iter().map(|v| v + 3.0).collect();
        let mut seg = vec![0f32; self.n_segments * t];
        for r in 0..self.n_segments {
            let tr = &exc[r % exc.len()];
            for &s in tr {
                seg[r * t + s as usize] += 1.5;
            }
            for k in 0..t {
                seg[r * t + k] += -71.0 + (r % 7) as f32 * 0.37;
            }
        }
        Ok(Recordings {
            output_spike_times_ms: output_spikes(&soma, 8),
            soma_highres_mv: soma.iter().map(|&v| v as f32).collect(),
            nexus_highres_mv: nexus.iter().map(|&v| v as f32).collect(),
            soma_lowres_mv: (0..t).map(|k| soma[8 * k] as f32).collect(),
            nexus_lowres_mv: (0..t).map(|k| nexus[8 * k] as f32).collect(),
            segment_lowres_mv: seg,
        })
    }
}
