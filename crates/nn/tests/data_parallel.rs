//! Data-parallel training (several devices, one optimiser step) against one device with the
//! same global batch. Flex has one CPU device, so "two devices" are the same device twice:
//! this exercises the whole path (shards, worker threads, fork, gradient transfer and
//! accumulation) without a GPU. No batch norm and dropout 0 here: with batch norm each shard
//! normalises with its own statistics, which legitimately differs from one device.

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use lfdeep_nn::data::{synthetic_dataset, InMemorySource, SyntheticConfig};
use lfdeep_nn::train::{prepare, split_batch, surrogate_loss, train_on, DataParallel, LossWeights, Progress, RunConfig};

fn config(max_steps: u64, batch_size: usize) -> RunConfig {
    let text = r#"
seed = 5
[data]
window_ms = 48
burn_in_ms = 16
input_mode = "inputs"
val_fraction = 0.2
test_fraction = 0.1
val_batches = 2
[model]
kind = "tcn"
spike_bias_init = -2.0
[model.encoder]
channels = [8, 8]
kernel_sizes = [5, 5]
dilations = [1, 2]
kind = "Plain"
dropout = 0.0
batch_norm = false
[train]
lr = 3e-3
optimizer = "adam"
grad_clip_norm = 0.5
"#;
    let o = vec![format!("max_steps={max_steps}"), format!("train.steps_per_epoch={max_steps}"), format!("batch_size={batch_size}")];
    RunConfig::from_toml(text, "test config", &o).unwrap()
}

fn source() -> InMemorySource {
    InMemorySource::new(synthetic_dataset(&SyntheticConfig { n_segments: 3, duration_ms: 600, max_exc_hz: 80.0, seed: 9 }, 8)).unwrap()
}

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / a.abs().max(b.abs()).max(1e-12)
}

/// Per-step training losses and the final validation loss of a run on `devices`.
fn trajectory(cfg: &RunConfig, devices: &[Device], tag: &str) -> (Vec<f64>, f64) {
    let dir = std::env::temp_dir().join(format!("lfdeep-nn-dp-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut losses = Vec::new();
    let s = train_on(cfg, &source(), &dir, devices, false, &mut |p| {
        if let Progress::Step { loss, .. } = p {
            losses.push(loss)
        }
    })
    .unwrap();
    assert!(dir.join("checkpoints/last/model.safetensors").exists(), "{tag}: checkpoint written");
    std::fs::remove_dir_all(&dir).ok();
    (losses, s.epochs.last().unwrap().val_loss)
}

#[test]
fn two_and_three_devices_follow_the_single_device_trajectory() {
    // 15 windows: uneven shards (8 + 7, 5 + 5 + 5), so the b_k/B weighting is exercised.
    let cfg = config(5, 15);
    let one = trajectory(&cfg, &[Device::flex()], "one");
    let two = trajectory(&cfg, &[Device::flex(), Device::flex()], "two");
    let three = trajectory(&cfg, &[Device::flex(), Device::flex(), Device::flex()], "three");
    eprintln!("1 device {:?} val {}\n2 devices {:?} val {}\n3 devices {:?} val {}", one.0, one.1, two.0, two.1, three.0, three.1);
    assert_eq!(one.0.len(), 5);
    // The run must actually learn something, or equal trajectories would prove little.
    assert!(rel(one.0[0], one.0[4]) > 1e-3, "loss did not move: {:?}", one.0);
    for (name, other) in [("2 devices", &two), ("3 devices", &three)] {
        assert_eq!(other.0.len(), one.0.len());
        for (i, (a, b)) in one.0.iter().zip(&other.0).enumerate() {
            assert!(rel(*a, *b) < 1e-5, "{name}, step {i}: loss {b} vs {a} on one device");
        }
        assert!(rel(one.1, other.1) < 1e-5, "{name}: final val loss {} vs {}", other.1, one.1);
    }
}

struct Collect<'a> {
    grads: &'a GradientsParams,
    out: Vec<(u64, Vec<f32>)>,
}

impl ModuleVisitor for Collect<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.grads.get::<D>(param.id) {
            self.out.push((param.id.val(), g.into_data().try_to_vec::<f32>().unwrap()));
        }
    }
}

#[test]
fn sharded_gradients_equal_the_global_batch_gradient() {
    let cfg = config(1, 13);
    let src = source();
    let prep = prepare(&cfg, &src).unwrap();
    let batch = prep.train.batch(13, 77, 0);
    // The shards tile the batch: 7 + 6 windows, in order.
    let shards = split_batch(&batch, 2);
    assert_eq!(shards.iter().map(|s| s.batch).collect::<Vec<_>>(), vec![7, 6]);
    assert_eq!(shards.iter().flat_map(|s| s.inputs.clone()).collect::<Vec<_>>(), batch.inputs);
    assert_eq!(shards.iter().flat_map(|s| s.targets.clone()).collect::<Vec<_>>(), batch.targets);
    // Event batches split into the same shards.
    let ev_batch = lfdeep_nn::data::HostBatch { inputs: Vec::new(), input_events: Some(lfdeep_nn::data::events_of_dense(&batch.inputs)), ..batch.clone() };
    let ev_shards = split_batch(&ev_batch, 2);
    for (e, d) in ev_shards.iter().zip(&shards) {
        assert_eq!(e.dense_inputs().as_ref(), d.inputs.as_slice());
    }

    let device = Device::flex().autodiff();
    let model = cfg.model.init(prep.shape, &device, cfg.seed).unwrap();
    let t = &cfg.train;
    let x = Tensor::from_data(TensorData::new(batch.inputs.clone(), [13, batch.spec.channels(), batch.spec.window]), &device);
    let y = Tensor::from_data(TensorData::new(batch.targets.clone(), [13, batch.spec.out_steps, batch.spec.n_targets()]), &device);
    let parts = surrogate_loss(model.forward_last(x, batch.spec.out_steps), y, t.spike_weight, t.soma_weight, t.dend_weight);
    let single = GradientsParams::from_grads(parts.total.backward(), &model);
    let single_loss = parts.total.into_scalar::<f32>() as f64;

    let dp = DataParallel::new(&[device.clone(), device.clone()]).unwrap();
    let weights = LossWeights { spike: t.spike_weight, soma: t.soma_weight, dend: t.dend_weight };
    let (multi, multi_loss) = dp.gradients(&model, &batch, weights).unwrap();
    assert!(rel(single_loss, multi_loss) < 1e-6, "loss {multi_loss} vs {single_loss}");

    let mut a = Collect { grads: &single, out: Vec::new() };
    model.visit(&mut a);
    let mut b = Collect { grads: &multi, out: Vec::new() };
    model.visit(&mut b);
    assert_eq!(a.out.len(), b.out.len());
    assert!(!a.out.is_empty());
    let (mut num, mut den) = (0.0f64, 0.0f64);
    for ((ia, ga), (ib, gb)) in a.out.iter().zip(&b.out) {
        assert_eq!(ia, ib);
        for (x, y) in ga.iter().zip(gb) {
            num += ((x - y) as f64).powi(2);
            den += (*x as f64).powi(2);
        }
    }
    // A sum instead of a mean would be off by a factor of 2 (relative error 1).
    let err = (num / den).sqrt();
    assert!(err < 1e-5, "relative gradient error {err}");
}

#[test]
fn device_lists_parse() {
    assert_eq!(lfdeep_nn::devices_from_spec("cpu").unwrap().len(), 1);
    assert_eq!(lfdeep_nn::devices_from_spec("cpu,cpu").unwrap().len(), 2);
    // Without CUDA, `all` is the one Flex CPU device.
    #[cfg(not(feature = "cuda"))]
    assert_eq!(lfdeep_nn::devices_from_spec("all").unwrap().len(), 1);
    assert!(lfdeep_nn::devices_from_spec("cpu,").is_err());
    assert!(lfdeep_nn::devices_from_spec("1,2").is_err());
    assert!(lfdeep_nn::devices_from_spec("tpu:0").is_err());
    // A batch smaller than the device count is refused with the key named.
    let dir = std::env::temp_dir().join(format!("lfdeep-nn-dp-small-{}", std::process::id()));
    let err = train_on(&config(1, 2), &source(), &dir, &[Device::flex(), Device::flex(), Device::flex()], false, &mut |_| {}).unwrap_err();
    assert!(err.to_string().contains("batch_size"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn throughput_timer_runs_one_and_two_devices_to_the_same_loss() {
    use lfdeep_nn::data::{InputMode, WindowSpec};
    use lfdeep_nn::train::throughput::time_train_steps;
    let cfg = config(1, 12);
    let spec = WindowSpec { window: 48, out_steps: 32, mode: InputMode::Inputs, n_synapses: 6, n_segments: 3, dend_targets: 3 };
    let one = time_train_steps(&cfg, spec, &[Device::flex()], 12, 1, 3, 2).unwrap();
    let two = time_train_steps(&cfg, spec, &[Device::flex(), Device::flex()], 12, 1, 3, 2).unwrap();
    eprintln!("{one:?}\n{two:?}");
    assert_eq!((one.steps, two.steps, two.devices), (3, 3, 2));
    assert!(one.median_step_s > 0.0 && two.samples_per_s.is_finite());
    assert!(rel(one.final_loss, two.final_loss) < 1e-5, "{} vs {}", one.final_loss, two.final_loss);
}
