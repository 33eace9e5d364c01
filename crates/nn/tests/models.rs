//! Model tests: output shapes (default cell and a small morphology), the ELM parameter count,
//! MMoEEx exclusivity through training, save → load, finite-difference gradients.

mod common;

use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::prelude::*;
use lfdeep_nn::layers::{CausalConv1dConfig, GroupedLinearConfig};
use lfdeep_nn::models::*;
use lfdeep_nn::train::{load_weights, save_weights};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

fn spikes(shape: [usize; 3], seed: u64, device: &Device) -> Tensor<3> {
    use rand::Rng;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|_| if rng.random::<f64>() < 0.05 { 1.0 } else { 0.0 }).collect();
    Tensor::from_data(TensorData::new(v, shape), device)
}

/// Channels and targets the loaders give for a cell with `nseg` dendritic segments.
fn io(nseg: usize, teacher: bool) -> (usize, usize) {
    let syn = 2 * nseg;
    (if teacher { syn + nseg + 1 } else { syn }, 2 + nseg)
}

fn check_shapes(nseg: usize, full_size: bool) {
    let device = Device::flex();
    let window = 100;
    let configs: Vec<(ModelConfig, bool)> = if full_size {
        vec![
            (ModelConfig::Tcn(TcnModelConfig::preset_7x128x153()), false),
            (ModelConfig::Mh(MhConfig::preset_lfdeep()), true),
            (ModelConfig::Mmoe(MmoeConfig::preset_mmoe()), true),
            (ModelConfig::Mmoeex(MmoeConfig::preset_mmoeex()), true),
            (ModelConfig::Elm(ElmConfig::new()), false),
        ]
    } else {
        vec![
            (ModelConfig::Tcn(TcnModelConfig::new(common::tiny_plain_encoder())), true),
            (ModelConfig::Mh(MhConfig::new(common::tiny_residual_encoder(), vec![5, 5])), true),
            (ModelConfig::Mmoe(MmoeConfig::new(common::tiny_residual_encoder(), common::tiny_residual_encoder(), vec![4])), false),
            (
                ModelConfig::Mmoeex(
                    MmoeConfig::new(common::tiny_residual_encoder(), common::tiny_residual_encoder(), vec![4]).with_exclusivity(0.5),
                ),
                true,
            ),
            (ModelConfig::Elm(ElmConfig::new().with_num_branches(4).with_synapses_per_branch(5)), false),
        ]
    };
    for (cfg, teacher) in configs {
        let (c, k) = io(nseg, teacher);
        let model = cfg.init(ModelShape { in_channels: c, n_targets: k, window }, &device, 7).unwrap();
        let y = model.forward(spikes([2, c, window], 1, &device));
        let steps = if cfg.is_sequence() { window } else { 1 };
        assert_eq!(y.dims(), [2, steps, k], "{} on {nseg} segments", cfg.name());
        let v = y.into_data().try_to_vec::<f32>().unwrap();
        assert!(v.iter().all(|x| x.is_finite()), "{} gives non-finite outputs", cfg.name());
    }
}

#[test]
fn output_shapes_default_cell() {
    let nseg = common::dendritic_segments("builtin:l5pc");
    assert_eq!(nseg, 639, "the default cell has 639 dendritic segments");
    check_shapes(nseg, true);
}

#[test]
fn output_shapes_small_morphology() {
    let nseg = common::dendritic_segments(&common::small_swc());
    assert!(nseg > 0 && nseg < 50, "small cell: {nseg} segments");
    check_shapes(nseg, false);
}

#[test]
fn elm_parameter_count_matches_published_formula() {
    let device = Device::flex();
    // P = B·S + (B + d_m)·2d_m + 2d_m + 2d_m·d_m + d_m + d_m·n_out + n_out
    let formula = |b: usize, s: usize, dm: usize, out: usize| b * s + (b + dm) * 2 * dm + 2 * dm + 2 * dm * dm + dm + dm * out + out;
    for (dm, published) in [(20, 8_002), (100, 54_002)] {
        let m = ModelConfig::Elm(ElmConfig::new().with_num_memory(dm))
            .init(ModelShape { in_channels: 1278, n_targets: 2, window: 10 }, &device, 0)
            .unwrap();
        assert_eq!(formula(45, 100, dm, 2), published);
        assert_eq!(m.num_params(), published, "ELM d_m = {dm}");
    }
}

#[test]
fn elm_neuronio_routing_covers_interleaved_inputs() {
    let r = elm::neuronio_route(1278, 45, 100);
    assert_eq!(r.len(), 4500);
    // Branch 0 starts exc 0, inh 0, exc 1, inh 1 …; branch 1 starts at interleaved 29.
    assert_eq!(&r[..4], &[0, 639, 1, 640]);
    assert_eq!(r[100], 14 + 639); // interleaved 29 = inh 14
    let mut seen = vec![false; 1278];
    r.iter().for_each(|&i| seen[i as usize] = true);
    assert!(seen.iter().all(|&s| s), "every synapse reaches some branch");
}

#[test]
fn mmoeex_masked_gates_stay_exactly_zero_through_training() {
    let device = Device::flex().autodiff();
    let (c, k, window) = (6, 7, 20);
    let cfg = MmoeConfig::new(common::tiny_residual_encoder(), common::tiny_residual_encoder(), vec![4])
        .with_num_experts(4)
        .with_exclusivity(0.5);
    let mut model = ModelConfig::Mmoeex(cfg).init(ModelShape { in_channels: c, n_targets: k, window }, &device, 3).unwrap();
    let allowed = match &model {
        Surrogate::Mmoe(m) => m.allowed.clone(),
        _ => unreachable!(),
    };
    assert_eq!(allowed.iter().filter(|&&a| a == 0.0).count(), 2 * (k - 1), "2 exclusive experts, each hidden from k−1 tasks");
    let mut optim = AdamConfig::new().init();
    for step in 0..20 {
        let x = spikes([4, c, window], 100 + step, &device);
        let target = Tensor::<3>::ones([4, 1, k], &device);
        let loss = (model.forward(x) - target).powf_scalar(2.0).mean();
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        model = optim.step(1e-2, model, grads).enforce_constraints();
    }
    let Surrogate::Mmoe(m) = &model else { unreachable!() };
    let gates = m.gates(spikes([3, c, window], 999, &device)).into_data().try_to_vec::<f32>().unwrap();
    let w = m.gate_weight.val().into_data().try_to_vec::<f32>().unwrap();
    let b = m.gate_bias.val().into_data().try_to_vec::<f32>().unwrap();
    let e = m.num_experts;
    let f = w.len() / (k * e);
    let mut moved = 0;
    for task in 0..k {
        for ex in 0..e {
            let a = allowed[task * e + ex];
            for batch in 0..3 {
                let g = gates[(batch * k + task) * e + ex];
                if a == 0.0 {
                    assert_eq!(g, 0.0, "gate (task {task}, expert {ex}) must be exactly zero");
                } else {
                    assert!(g > 0.0);
                }
            }
            for fi in 0..f {
                let wv = w[(task * f + fi) * e + ex];
                if a == 0.0 {
                    assert_eq!(wv, 0.0, "masked gate weight");
                } else if wv != 0.0 {
                    moved += 1;
                }
            }
            if a == 0.0 {
                assert_eq!(b[task * e + ex], 0.0, "masked gate bias");
            }
        }
    }
    assert!(moved > 0, "the allowed gate weights did train");
}

#[test]
fn save_then_load_gives_identical_predictions() {
    let device = Device::flex();
    let dir = std::env::temp_dir().join(format!("lfdeep-nn-saveload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shape = ModelShape { in_channels: 8, n_targets: 5, window: 30 };
    let configs = [
        ModelConfig::Tcn(TcnModelConfig::new(common::tiny_plain_encoder())),
        ModelConfig::Mh(MhConfig::new(common::tiny_residual_encoder(), vec![5])),
        ModelConfig::Mmoeex(MmoeConfig::new(common::tiny_residual_encoder(), common::tiny_residual_encoder(), vec![3]).with_exclusivity(0.5)),
        ModelConfig::Elm(ElmConfig::new().with_num_branches(3).with_synapses_per_branch(4)),
    ];
    for cfg in configs {
        let a = cfg.init(shape, &device, 11).unwrap();
        let path = dir.join(format!("{}.safetensors", cfg.name()));
        save_weights(&a, &path).unwrap();
        // A differently seeded model predicts differently until the weights are loaded.
        let fresh = cfg.init(shape, &device, 12).unwrap();
        let x = spikes([2, 8, 30], 5, &device);
        let before = fresh.forward(x.clone()).into_data().try_to_vec::<f32>().unwrap();
        let b = load_weights(fresh, &path).unwrap();
        let ya = a.valid().forward(x.clone()).into_data().try_to_vec::<f32>().unwrap();
        let yb = b.valid().forward(x).into_data().try_to_vec::<f32>().unwrap();
        assert_ne!(before, ya, "{}: seeds differ", cfg.name());
        assert_eq!(ya, yb, "{}: identical predictions after load", cfg.name());
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Central differences of a scalar function of one parameter tensor, in f64 on the host.
fn finite_diff(f: &dyn Fn(&[f32]) -> f64, p: &[f32], h: f32) -> Vec<f64> {
    (0..p.len())
        .map(|i| {
            let (mut a, mut b) = (p.to_vec(), p.to_vec());
            a[i] += h;
            b[i] -= h;
            (f(&a) - f(&b)) / (2.0 * h as f64)
        })
        .collect()
}

#[test]
fn weight_normalised_causal_conv_gradient_matches_finite_differences() {
    let device = Device::flex().autodiff();
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let conv = CausalConv1dConfig::new(2, 3, 3).with_dilation(2).with_weight_norm(true).init(&device, &mut rng);
    let x = spikes([2, 2, 9], 8, &device).add_scalar(0.3);
    let probe: Tensor<3> = Tensor::from_data(
        TensorData::new((0..54).map(|i| ((i * 7 % 11) as f32 - 5.0) / 5.0).collect::<Vec<_>>(), [2, 3, 9]),
        &device,
    );
    let loss = (conv.forward(x.clone()) * probe.clone()).sum();
    let grads = loss.backward();
    let gv = conv.weight.val().grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap();
    let gg = conv.gain.as_ref().unwrap().val().grad(&grads).unwrap().into_data().try_to_vec::<f32>().unwrap();
    let v0 = conv.weight.val().into_data().try_to_vec::<f32>().unwrap();
    let g0 = conv.gain.as_ref().unwrap().val().into_data().try_to_vec::<f32>().unwrap();
    let plain = Device::flex();
    let eval = |v: &[f32], g: &[f32]| -> f64 {
        let mut c = CausalConv1dConfig::new(2, 3, 3).with_dilation(2).with_weight_norm(true).init(&plain, &mut ChaCha8Rng::seed_from_u64(4));
        c.weight = burn::module::Param::from_data(TensorData::new(v.to_vec(), [3, 2, 3]), &plain);
        c.gain = Some(burn::module::Param::from_data(TensorData::new(g.to_vec(), [3]), &plain));
        let xp = Tensor::<3>::from_data(x.clone().inner().into_data(), &plain);
        let pp = Tensor::<3>::from_data(probe.clone().inner().into_data(), &plain);
        let out = (c.forward(xp) * pp).sum().into_data().try_to_vec::<f32>().unwrap();
        out[0] as f64
    };
    let fd_v = finite_diff(&|v| eval(v, &g0), &v0, 1e-2);
    let fd_g = finite_diff(&|g| eval(&v0, g), &g0, 1e-2);
    for (a, b) in gv.iter().zip(&fd_v).chain(gg.iter().zip(&fd_g)) {
        assert!((*a as f64 - b).abs() <= 2e-2 * (1.0 + b.abs()), "autodiff {a} vs finite difference {b}");
    }
}

#[test]
fn grouped_linear_gradient_matches_finite_differences_and_per_task_layers() {
    let device = Device::flex().autodiff();
    let layer = GroupedLinearConfig::new(3, 4, 2).init(&device, &mut ChaCha8Rng::seed_from_u64(1));
    let x = spikes([5, 3, 4], 2, &device).add_scalar(-0.2);
    let y = layer.forward(x.clone());
    // Independent check of the batched matmul: task k is x[:, k, :] · W[k] + b[k].
    let w = layer.weight.val().inner().into_data().try_to_vec::<f32>().unwrap();
    let bias = layer.bias.val().inner().into_data().try_to_vec::<f32>().unwrap();
    let xv = x.clone().inner().into_data().try_to_vec::<f32>().unwrap();
    let yv = y.clone().inner().into_data().try_to_vec::<f32>().unwrap();
    for b in 0..5 {
        for k in 0..3 {
            for o in 0..2 {
                let want: f32 = (0..4).map(|i| xv[(b * 3 + k) * 4 + i] * w[(k * 4 + i) * 2 + o]).sum::<f32>() + bias[k * 2 + o];
                assert!((yv[(b * 3 + k) * 2 + o] - want).abs() < 1e-5);
            }
        }
    }
    let loss = y.powf_scalar(2.0).sum();
    let gw = layer.weight.val().grad(&loss.backward()).unwrap().into_data().try_to_vec::<f32>().unwrap();
    let f = |wv: &[f32]| -> f64 {
        let mut s = 0.0f64;
        for b in 0..5 {
            for k in 0..3 {
                for o in 0..2 {
                    let v: f64 = (0..4).map(|i| (xv[(b * 3 + k) * 4 + i] * wv[(k * 4 + i) * 2 + o]) as f64).sum::<f64>() + bias[k * 2 + o] as f64;
                    s += v * v;
                }
            }
        }
        s
    };
    let fd = finite_diff(&f, &w, 1e-3);
    for (a, b) in gw.iter().zip(&fd) {
        assert!((*a as f64 - b).abs() <= 1e-3 * (1.0 + b.abs()), "autodiff {a} vs finite difference {b}");
    }
}

#[test]
fn residual_encoder_without_weight_norm_drops_one_gain_per_output_channel_of_each_dilated_conv() {
    use lfdeep_nn::layers::{TcnBlockKind, TcnEncoderConfig};
    let dev = Device::flex();
    let cfg = TcnEncoderConfig::new(vec![4, 3], vec![3, 3], vec![1, 2], TcnBlockKind::Residual);
    let with = cfg.init(5, &dev, &mut ChaCha8Rng::seed_from_u64(1)).num_params();
    let without = cfg.clone().with_weight_norm(Some(false)).init(5, &dev, &mut ChaCha8Rng::seed_from_u64(1)).num_params();
    // conv1 and conv2 of each block: one gain per output channel, 2 · (4 + 3).
    assert_eq!(with - without, 2 * (4 + 3));
}

#[test]
fn tower_gradients_stay_finite_when_a_hidden_pre_activation_is_far_above_88() {
    use lfdeep_nn::layers::TowersConfig;
    // e^88.7 overflows f32: an ELU that evaluates e^x for positive x gave NaN gradients here
    // (the NaN that stopped MH and MMoE training at a data-dependent step).
    let dev = Device::flex().autodiff();
    let towers = TowersConfig::new(3, 4, vec![5]).init(&dev, &mut ChaCha8Rng::seed_from_u64(2));
    let x = Tensor::<2>::from_data(TensorData::new(vec![500.0f32, -500.0, 800.0, 300.0, 1.0, 2.0, -3.0, 0.5], [2, 4]), &dev);
    let y = towers.forward_shared(x);
    let grads = GradientsParams::from_grads(y.powf_scalar(2.0).mean().backward(), &towers);
    let (bad, ok) = lfdeep_nn::train::non_finite::gradient_finiteness(&towers, &grads);
    assert!(bad.is_empty(), "non-finite gradients in {bad:?}");
    assert_eq!(ok.len(), 4, "two layers, weight and bias each: {ok:?}");
}
