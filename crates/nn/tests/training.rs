//! A CPU training run on a small generated dataset (synthetic, test-only): the validation loss
//! must fall to at most half its initial value; resume continues exactly where a run stopped.

use burn::prelude::*;
use lfdeep_nn::data::{synthetic_dataset, InMemorySource, SyntheticConfig};
use lfdeep_nn::train::{train, RunConfig, TrainSummary};

fn config(max_steps: u64, extra: &[&str]) -> RunConfig {
    let text = r#"
seed = 3
[data]
window_ms = 64
burn_in_ms = 32
batch_size = 16
input_mode = "inputs"
val_fraction = 0.2
test_fraction = 0.1
val_batches = 4
[model]
kind = "tcn"
spike_bias_init = -2.0
[model.encoder]
channels = [16, 16]
kernel_sizes = [11, 11]
dilations = [1, 2]
kind = "Plain"
dropout = 0.0
batch_norm = true
[train]
steps_per_epoch = 50
lr = 3e-3
optimizer = "adam"
grad_clip_norm = 5.0
"#;
    let mut o: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    o.push(format!("max_steps={max_steps}"));
    RunConfig::from_toml(text, "test config", &o).unwrap()
}

fn source() -> InMemorySource {
    InMemorySource::new(synthetic_dataset(&SyntheticConfig { n_segments: 4, duration_ms: 1000, max_exc_hz: 80.0, seed: 21 }, 12)).unwrap()
}

fn run(cfg: &RunConfig, dir: &std::path::Path, resume: bool) -> TrainSummary {
    train(cfg, &source(), dir, &Device::flex(), resume, &mut |_| {}).unwrap()
}

#[test]
fn cpu_training_halves_the_validation_loss() {
    let dir = std::env::temp_dir().join(format!("lfdeep-nn-train-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let s = run(&config(300, &[]), &dir, false);
    let first = s.epochs.first().unwrap().val_loss;
    let last = s.epochs.last().unwrap().val_loss;
    eprintln!("val loss {first:.4} → {last:.4} in {} steps; {:.4} s/step; {} parameters", s.steps, s.seconds_per_step, s.num_params);
    assert_eq!(s.steps, 300);
    assert!(s.steady_seconds_per_step > 0.0 && s.steady_seconds_per_step.is_finite(), "{}", s.steady_seconds_per_step);
    assert!(last <= 0.5 * first, "validation loss {first} → {last}: not halved");
    // The run folder holds what a run must leave behind.
    for f in ["config.toml", "model.json", "normalization.json", "splits.json", "metrics.csv", "best.safetensors", "checkpoints/last/model.safetensors"] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    assert_eq!(csv.lines().count(), 1 + 1 + 6, "header, epoch 0, six epochs");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn resume_continues_where_the_run_stopped() {
    let base = std::env::temp_dir().join(format!("lfdeep-nn-resume-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    let straight = run(&config(100, &[]), &base.join("straight"), false);
    let part = base.join("parts");
    let first = run(&config(50, &[]), &part, false);
    assert_eq!(first.steps, 50);
    let resumed = run(&config(100, &[]), &part, true);
    assert_eq!(resumed.steps, 100);
    let a = straight.epochs.last().unwrap().val_loss;
    let b = resumed.epochs.last().unwrap().val_loss;
    assert!((a - b).abs() <= 1e-5 * a.abs().max(1.0), "straight {a} vs resumed {b}");
    std::fs::remove_dir_all(&base).ok();
}

#[test]
fn time_budget_stops_the_run_cleanly_before_max_steps() {
    let dir = std::env::temp_dir().join(format!("lfdeep-nn-budget-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let t0 = std::time::Instant::now();
    let s = run(&config(1_000_000, &["train.max_seconds=0.5"]), &dir, false);
    let wall = t0.elapsed().as_secs_f64();
    assert_eq!(s.stop_reason, lfdeep_nn::train::StopReason::TimeBudget);
    assert!(s.steps >= 1 && s.steps < 1_000_000, "{} steps", s.steps);
    assert!(!s.stopped_early, "stopped_early means patience");
    // The last epoch row (validation after the final, partial epoch) is at the stop step, and its checkpoint exists.
    let last = s.epochs.last().unwrap();
    assert_eq!(last.step, s.steps);
    assert!(last.val_loss.is_finite());
    let csv = std::fs::read_to_string(dir.join("metrics.csv")).unwrap();
    assert!(csv.lines().last().unwrap().starts_with(&format!("{},{},", last.epoch, s.steps)), "{csv}");
    let state = std::fs::read_to_string(dir.join("checkpoints/last/state.json")).unwrap();
    assert!(state.contains(&format!("\"step\": {}", s.steps)) || state.contains(&format!("\"step\":{}", s.steps)), "{state}");
    // One step of this tiny model plus validation takes well under 10 s even in a debug build.
    assert!(wall < 10.0, "run took {wall:.1} s for a 0.5 s budget");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_step_time_holds_its_batch_wait_and_upload() {
    let dir = std::env::temp_dir().join(format!("lfdeep-nn-train-parts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let s = run(&config(20, &[]), &dir, false);
    let (wait, up) = (s.batch_wait_seconds_per_step, s.upload_seconds_per_step);
    assert!(wait >= 0.0 && up >= 0.0 && wait.is_finite() && up.is_finite(), "wait {wait}, upload {up}");
    // Both are parts of the step time, which runs from asking for the batch to the loss.
    assert!(wait + up <= s.seconds_per_step, "wait {wait} + upload {up} > step {}", s.seconds_per_step);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn replaying_a_batch_gives_the_same_loss_in_both_modes_without_dropout_or_batch_norm() {
    use lfdeep_nn::models::ModelShape;
    use lfdeep_nn::train::non_finite::replay;
    let cfg = config(1, &["model.encoder.batch_norm=false"]);
    let dev = Device::flex().autodiff();
    let shape = ModelShape { in_channels: 5, n_targets: 6, window: 64 };
    let model = cfg.model.init(shape, &dev, 7).unwrap();
    let x = Tensor::<3>::random([3, 5, 64], burn::tensor::Distribution::Bernoulli(0.2), &dev);
    let y = Tensor::<3>::random([3, 32, 6], burn::tensor::Distribution::Normal(0.0, 1.0), &dev);
    let text = replay(&model, &x, &y, &cfg);
    let losses: Vec<f64> = text.split("loss ").nth(1).unwrap().split(|c: char| c == ' ' || c == ',').filter_map(|w| w.parse().ok()).collect();
    assert_eq!(losses.len(), 2, "{text}");
    assert!(losses[0].is_finite() && losses[0] > 0.0, "{text}");
    assert!((losses[0] - losses[1]).abs() <= 1e-5 * losses[0], "{text}");
}

/// Validation losses of every epoch of a `steps`-step run as configured and of the same run with
/// the override `changed` (each in its own fresh run folder named by `tag`).
fn val_losses_plain_and(changed: &str, steps: u64, tag: &str) -> (Vec<f64>, Vec<f64>) {
    let dir = std::env::temp_dir().join(format!("lfdeep-nn-train-{tag}-{}", std::process::id()));
    let mut out = Vec::new();
    for extra in [&[][..], &[changed][..]] {
        let _ = std::fs::remove_dir_all(&dir);
        let s = run(&config(steps, extra), &dir, false);
        assert_eq!(s.steps, steps);
        out.push(s.epochs.iter().map(|e| e.val_loss).collect::<Vec<f64>>());
    }
    let _ = std::fs::remove_dir_all(&dir);
    let b = out.pop().unwrap();
    (out.pop().unwrap(), b)
}

#[test]
fn checking_gradients_every_step_passes_a_finite_run_unchanged() {
    // The same seed and data: the check reads the gradients but must not change the run.
    let (plain, checked) = val_losses_plain_and("train.check_gradients=true", 30, "checked");
    assert_eq!(plain, checked);
}

#[test]
fn events_upload_trains_exactly_as_the_dense_upload() {
    // Same 0/1 values on the device either way: the same arithmetic, the same run.
    let (dense, events) = val_losses_plain_and("data.input_upload=events", 25, "events");
    assert_eq!(dense, events);
}
