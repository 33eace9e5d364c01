//! The device-resident free-running rollout (`predict_free`) against the host-side oracle
//! (`predict_free_host`: every window rebuilt on the host from mV traces), on small random
//! teacher-mode models with and without PCA-compressed dendritic targets.

use burn::prelude::*;
use lfdeep_nn::data::{synthetic_dataset, InMemorySource, Normalization, Pca, Simulation, SimulationSource, Splits, SyntheticConfig, WindowSpec};
use lfdeep_nn::eval::predict::predict_free_host;
use lfdeep_nn::eval::{predict_free, LoadedRun, SimPrediction};
use lfdeep_nn::models::ModelShape;
use lfdeep_nn::train::{ModelMeta, RunConfig};

const MMOE: &str = r#"
seed = 3
[data]
window_ms = 16
input_mode = "teacher"
predict_dendrites = true
pca_components = PCA
[model]
kind = "mmoe"
num_experts = 2
tower_hidden = [4]
exclusivity = 0.0
[model.expert]
channels = [6, 4]
kernel_sizes = [3, 3]
dilations = [1, 2]
kind = "Residual"
dropout = 0.2
batch_norm = false
[model.compressor]
channels = [6, 4]
kernel_sizes = [3, 3]
dilations = [1, 2]
kind = "Residual"
dropout = 0.2
batch_norm = false
"#;

fn random_run(pca_components: usize, src: &InMemorySource) -> LoadedRun {
    let cfg = RunConfig::from_toml(&MMOE.replace("PCA", &pca_components.to_string()), "test config", &[]).unwrap();
    let train: Vec<usize> = (0..src.len()).collect();
    let mut norm = Normalization::fit(src, &train).unwrap();
    // Clip the soma at its mean so the fed-back soma channel is clipped about half the time
    // (the generated soma rarely crosses the real −55 mV clip).
    norm.soma_clip_mv = norm.soma_mean;
    let pca = (pca_components > 0).then(|| Pca::fit(src, &train, &norm, pca_components, 1).unwrap());
    let spec = WindowSpec {
        window: cfg.data.window_ms,
        out_steps: 1,
        mode: cfg.data.input_mode,
        n_synapses: src.n_synapses(),
        n_segments: src.n_segments(),
        dend_targets: if pca_components > 0 { pca_components } else { src.n_segments() },
    };
    let shape = ModelShape { in_channels: spec.channels(), n_targets: spec.n_targets(), window: spec.window };
    let device = Device::flex();
    // Built on the autodiff device and switched to inference mode, as LoadedRun::load does.
    let model = cfg.model.init(shape, &device.clone().autodiff(), cfg.seed).unwrap().valid();
    let meta = ModelMeta { kind: cfg.model.name().into(), shape, spec, num_params: 0 };
    LoadedRun {
        dir: std::env::temp_dir(),
        cfg,
        meta,
        norm,
        pca,
        splits: Splits { train, val: vec![], test: vec![] },
        model,
        device,
        weights: "random".into(),
    }
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

fn compare(run: &LoadedRun, sims: &[Simulation]) {
    let dev: Vec<SimPrediction> = predict_free(run, sims).unwrap();
    let host: Vec<SimPrediction> = predict_free_host(run, sims).unwrap();
    assert_eq!(dev.len(), sims.len());
    for (d, h) in dev.iter().zip(&host) {
        assert_eq!(d.first_ms, h.first_ms);
        let f = d.first_ms;
        let sp = d.spike_prob[f..].iter().zip(&h.spike_prob[f..]).map(|(a, b)| (a - b).abs()).fold(0.0, f64::max);
        assert!(sp < 1e-4, "spike probability differs by {sp}");
        // Voltages in mV (z-score × a few mV): 1e-4 in z-space is ~1e-3 mV.
        let soma = max_abs_diff(&d.soma_mv[f..], &h.soma_mv[f..]);
        assert!(soma < 1e-3 * run.norm.soma_std.max(1.0), "soma differs by {soma} mV");
        let dur = d.duration_ms;
        for s in 0..run.meta.spec.n_segments {
            let e = max_abs_diff(&d.segment_mv[s * dur + f..(s + 1) * dur], &h.segment_mv[s * dur + f..(s + 1) * dur]);
            assert!(e < 1e-3 * run.norm.segment_std[s].max(1.0), "segment {s} differs by {e} mV");
        }
        // The rollout really ran free: predictions exist for every ms after the seed window.
        assert!(d.soma_mv[f..].iter().all(|v| v.is_finite()) && d.soma_mv[..f].iter().all(|v| v.is_nan()));
    }
}

#[test]
fn device_rollout_equals_host_rollout() {
    let sims = synthetic_dataset(&SyntheticConfig { n_segments: 3, duration_ms: 90, max_exc_hz: 80.0, seed: 4 }, 3);
    let src = InMemorySource::new(sims.clone()).unwrap();
    let run = random_run(0, &src);
    compare(&run, &sims);
    // A single simulation (batch 1) gives the same rows as inside a batch.
    compare(&run, &sims[1..2]);
}

#[test]
fn device_rollout_equals_host_rollout_with_pca() {
    let sims = synthetic_dataset(&SyntheticConfig { n_segments: 4, duration_ms: 70, max_exc_hz: 80.0, seed: 6 }, 2);
    let src = InMemorySource::new(sims.clone()).unwrap();
    let run = random_run(2, &src);
    compare(&run, &sims);
}
