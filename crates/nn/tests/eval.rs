//! Evaluation of trained runs on whole simulations (generated test data, test-only).
//! A tiny run is trained, loaded back from its folder and evaluated in both modes; the metric
//! assembly is checked against hand-derived values for a perfect and an uninformative predictor.

use burn::prelude::*;
use lfdeep_nn::data::{synthetic_dataset, InMemorySource, Simulation, SimulationSource, SyntheticConfig};
use lfdeep_nn::eval::{evaluate_predictions, predict_free, predict_teacher, LoadedRun, SimPrediction};
use lfdeep_nn::train::{train, RunConfig};

fn config(mode: &str, dendrites: bool) -> RunConfig {
    let text = format!(
        r#"
seed = 5
[data]
window_ms = 64
burn_in_ms = 32
batch_size = 16
input_mode = "{mode}"
predict_dendrites = {dendrites}
val_fraction = 0.2
test_fraction = 0.2
val_batches = 2
[model]
kind = "tcn"
spike_bias_init = -2.0
[model.encoder]
channels = [8, 8]
kernel_sizes = [9, 9]
dilations = [1, 2]
kind = "Plain"
dropout = 0.0
batch_norm = true
[train]
max_steps = 60
steps_per_epoch = 30
lr = 3e-3
optimizer = "adam"
grad_clip_norm = 5.0
"#
    );
    RunConfig::from_toml(&text, "test config", &[]).unwrap()
}

fn source() -> InMemorySource {
    InMemorySource::new(synthetic_dataset(&SyntheticConfig { n_segments: 3, duration_ms: 900, max_exc_hz: 80.0, seed: 9 }, 10)).unwrap()
}

fn trained(tag: &str, mode: &str, dendrites: bool) -> (std::path::PathBuf, InMemorySource) {
    let dir = std::env::temp_dir().join(format!("lfdeep-nn-eval-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let src = source();
    train(&config(mode, dendrites), &src, &dir, &Device::flex(), false, &mut |_| {}).unwrap();
    (dir, src)
}

#[test]
fn teacher_mode_run_evaluates_in_both_modes_with_finite_metrics() {
    let (dir, src) = trained("teacher", "teacher", true);
    let run = LoadedRun::load(&dir, &Device::flex()).unwrap();
    assert!(run.weights.ends_with("best.safetensors"));
    let sims: Vec<Simulation> = run.splits.test.iter().map(|&i| src.load(i).unwrap()).collect();
    assert_eq!(sims.len(), 2);
    let teacher: Vec<SimPrediction> = sims.iter().map(|s| predict_teacher(&run, s, 32).unwrap()).collect();
    let free = predict_free(&run, &sims).unwrap();
    last_window_matches_training(&run, &src, run.splits.test[0]);
    let sref: Vec<&Simulation> = sims.iter().collect();
    for (name, preds) in [("teacher", &teacher), ("free", &free)] {
        for p in preds.iter() {
            assert!(p.spike_prob[p.first_ms..].iter().all(|v| v.is_finite() && (0.0..=1.0).contains(v)), "{name}: spike probabilities");
            assert!(p.soma_mv[p.first_ms..].iter().all(|v| v.is_finite()), "{name}: soma");
        }
        let pref: Vec<&SimPrediction> = preds.iter().collect();
        let m = evaluate_predictions(&sref, &pref, 500, run.norm.soma_clip_mv).unwrap();
        eprintln!(
            "{name}: AUC {:.4} soma RMSE {:.3} mV EV {:.3}; segments RMSE {:.3} mV EV {:.3}",
            m.spike_auc, m.soma_rmse_mv, m.soma_explained_variance, m.segments_rmse_mv_mean, m.segments_explained_variance_mean
        );
        for (k, v) in [("soma_rmse_mv", m.soma_rmse_mv), ("soma_ev", m.soma_explained_variance), ("seg_rmse", m.segments_rmse_mv_mean), ("seg_ev", m.segments_explained_variance_mean)] {
            assert!(v.is_finite(), "{name}: {k} = {v}");
        }
        assert_eq!(m.segments.rmse_mv.len(), 3);
        assert_eq!(m.spike_tpr_at_fpr.len(), 5);
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A prediction built from the truth: spike probability 1 on spike bins and 0 elsewhere,
/// voltages shifted by `offset_mv`.
fn oracle_prediction(sim: &Simulation, offset_mv: f32, clip: f32) -> SimPrediction {
    let bins = sim.spike_bins();
    let dur = sim.duration_ms;
    SimPrediction {
        duration_ms: dur,
        first_ms: 0,
        spike_prob: (0..dur).map(|t| if bins.contains(&t) { 1.0 } else { 0.0 }).collect(),
        soma_mv: sim.soma_v.iter().map(|&v| v.min(clip) + offset_mv).collect(),
        segment_mv: sim.segment_v.iter().map(|&v| v + offset_mv).collect(),
    }
}

#[test]
fn perfect_and_uninformative_predictors_give_hand_derived_metrics() {
    let src = source();
    let sims: Vec<Simulation> = (0..4).map(|i| src.load(i).unwrap()).collect();
    let spikes_after_500: usize = sims.iter().map(|s| s.spike_bins().iter().filter(|&&b| b >= 500).count()).sum();
    assert!(spikes_after_500 > 0, "generated data must spike after 500 ms");
    let sref: Vec<&Simulation> = sims.iter().collect();
    let clip = -55.0;

    // Perfect: AUC 1, RMSE 0, EV 1, TPR 1 at every FPR.
    let perfect: Vec<SimPrediction> = sims.iter().map(|s| oracle_prediction(s, 0.0, clip)).collect();
    let m = evaluate_predictions(&sref, &perfect.iter().collect::<Vec<_>>(), 500, clip).unwrap();
    assert_eq!(m.spike_auc, 1.0);
    assert!(m.spike_tpr_at_fpr.iter().all(|&(_, t)| t == 1.0));
    assert!(m.soma_rmse_mv < 1e-9 && (m.soma_explained_variance - 1.0).abs() < 1e-12);
    assert!(m.segments_rmse_mv_mean < 1e-9 && (m.segments_explained_variance_mean - 1.0).abs() < 1e-12);

    // A constant 2 mV offset: RMSE = MAE = 2 mV exactly (up to f32 rounding), EV still 1
    // (explained variance ignores a constant bias), Pearson r = 1.
    let shifted: Vec<SimPrediction> = sims.iter().map(|s| oracle_prediction(s, 2.0, clip)).collect();
    let m = evaluate_predictions(&sref, &shifted.iter().collect::<Vec<_>>(), 500, clip).unwrap();
    assert!((m.soma_rmse_mv - 2.0).abs() < 1e-4 && (m.soma_mae_mv - 2.0).abs() < 1e-4, "{}", m.soma_rmse_mv);
    assert!((m.segments_rmse_mv_mean - 2.0).abs() < 1e-4);
    assert!((m.soma_explained_variance - 1.0).abs() < 1e-6 && (m.soma_pearson - 1.0).abs() < 1e-6);

    // Identical scores everywhere: one threshold, AUC 0.5, d′ 0; the constant voltage equal to
    // each segment's mean over the evaluated ms gives EV 0.
    let mut flat: Vec<SimPrediction> = sims.iter().map(|s| oracle_prediction(s, 0.0, clip)).collect();
    let n_seg = sims[0].n_segments;
    let seg_means: Vec<f64> = (0..n_seg)
        .map(|s| {
            let v: Vec<f64> = sims.iter().flat_map(|sim| sim.segment(s)[500..].iter().map(|&x| x as f64)).collect();
            v.iter().sum::<f64>() / v.len() as f64
        })
        .collect();
    for (p, sim) in flat.iter_mut().zip(&sims) {
        p.spike_prob.iter_mut().for_each(|x| *x = 0.3);
        for (row, &mean) in p.segment_mv.chunks_mut(sim.duration_ms).zip(&seg_means) {
            row.iter_mut().for_each(|x| *x = mean as f32);
        }
    }
    let m = evaluate_predictions(&sref, &flat.iter().collect::<Vec<_>>(), 500, clip).unwrap();
    assert_eq!(m.spike_auc, 0.5);
    assert!(m.spike_d_prime.abs() < 1e-12);
    assert!(m.segments_explained_variance_mean.abs() < 1e-5, "{}", m.segments_explained_variance_mean);
}

#[test]
fn whole_simulation_windows_match_the_training_windows_and_inputs_mode_free_equals_teacher() {
    let (dir, src) = trained("inputs", "inputs", true);
    let run = LoadedRun::load(&dir, &Device::flex()).unwrap();
    let idx = run.splits.test[0];
    let sim = src.load(idx).unwrap();
    let teacher = last_window_matches_training(&run, &src, idx);
    // An inputs-mode model has no voltage input: its free-running prediction is the same.
    let free = predict_free(&run, std::slice::from_ref(&sim)).unwrap();
    assert_eq!(free[0].soma_mv[teacher.first_ms..], teacher.soma_mv[teacher.first_ms..]);
    std::fs::remove_dir_all(&dir).ok();
}

/// The whole-simulation prediction at the last ms equals the model run on the window the
/// training sampler assembles for that ms (same inputs, same voltage channels).
fn last_window_matches_training(run: &LoadedRun, src: &InMemorySource, idx: usize) -> SimPrediction {
    use lfdeep_nn::data::WindowSampler;
    use std::sync::Arc;
    let spec = run.spec();
    let sim = src.load(idx).unwrap();
    let teacher = predict_teacher(run, &sim, 7).unwrap();
    // The window ending at the last ms, assembled by the training sampler and run directly.
    let sampler = WindowSampler::new(src, &[idx], spec, Arc::new(run.norm.clone()), None, 0.0).unwrap();
    let t0 = sim.duration_ms - spec.window;
    let mut x = vec![0.0; spec.channels() * spec.window];
    let mut y = vec![0.0; spec.out_steps * spec.n_targets()];
    sampler.fill(0, t0, &mut x, &mut y);
    let xt = Tensor::<3>::from_data(TensorData::new(x, [1, spec.channels(), spec.window]), &run.device);
    let out = run.model.forward_last(xt, 1).into_data().try_to_vec::<f32>().unwrap();
    let last = sim.duration_ms - 1;
    assert!((run.norm.soma_mv(out[1]) - teacher.soma_mv[last]).abs() < 1e-4, "{} vs {}", run.norm.soma_mv(out[1]), teacher.soma_mv[last]);
    let p = 1.0 / (1.0 + (-out[0] as f64).exp());
    assert!((p - teacher.spike_prob[last]).abs() < 1e-6);
    for s in 0..spec.n_segments {
        assert!((run.norm.segment_mv(s, out[2 + s]) - teacher.segment_mv[s * sim.duration_ms + last]).abs() < 1e-4);
    }
    teacher
}
