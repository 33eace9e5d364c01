//! Encoders run as one group of stacked convolutions (`layers::encoder_group`) against the same
//! encoders run one by one (`TcnEncoder::forward`, Burn's conv1d on the CPU, itself checked
//! against the direct causal sum in `causal_conv.rs`): the outputs, and the MMoE's gradients
//! of every parameter, batched against unbatched on the same model.

mod common;

use burn::module::{Module, ModuleVisitor, Param};
use burn::optim::GradientsParams;
use burn::prelude::*;
use lfdeep_nn::layers::encoder_group::{can_group, forward_group};
use lfdeep_nn::layers::{ConvAlgorithm, TcnBlockKind, TcnEncoder, TcnEncoderConfig};
use lfdeep_nn::models::{MmoeConfig, ModelConfig, ModelShape, Surrogate};
use common::{max_abs_diff, random, to_vec};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Residual encoders: with a 1×1 downsample in every block (6 inputs → 4 → 3), with none in
/// the first (6 → 6, the shared input is the residual), and without weight norm.
fn encoder_configs() -> Vec<TcnEncoderConfig> {
    vec![
        TcnEncoderConfig::new(vec![4, 3], vec![3, 3], vec![1, 2], TcnBlockKind::Residual),
        TcnEncoderConfig::new(vec![6, 2], vec![4, 2], vec![2, 3], TcnBlockKind::Residual),
        TcnEncoderConfig::new(vec![5], vec![3], vec![1], TcnBlockKind::Residual).with_weight_norm(Some(false)),
    ]
}

#[test]
fn a_group_equals_each_encoder_run_alone() {
    let device = Device::flex();
    let (b, c, t, g) = (2, 6, 23, 3);
    for (case, cfg) in encoder_configs().iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(case as u64);
        let encoders: Vec<TcnEncoder> = (0..g).map(|_| cfg.init(c, &device, &mut rng)).collect();
        let refs: Vec<&TcnEncoder> = encoders.iter().collect();
        assert!(can_group(&refs));
        let x = random([b, c, t], 50 + case as u64, &device);
        let alone: Vec<Vec<f32>> = encoders.iter().map(|e| to_vec(e.forward(x.clone()))).collect();
        for alg in [ConvAlgorithm::Burn, ConvAlgorithm::Shift] {
            let y = forward_group(&refs, x.clone(), alg);
            let o = encoders[0].out_channels();
            assert_eq!(y.dims(), [b, g, o, t]);
            for (i, want) in alone.iter().enumerate() {
                let got = to_vec(y.clone().narrow(1, i, 1).reshape([b, o, t]));
                let err = max_abs_diff(&got, want);
                assert!(err < 1e-5, "case {case}, {alg:?}, encoder {i}: max |Δ| {err}");
            }
        }
    }
}

#[test]
fn encoders_of_different_shapes_do_not_group() {
    let device = Device::flex();
    let rng = &mut ChaCha8Rng::seed_from_u64(1);
    let cfgs = encoder_configs();
    let a = cfgs[0].init(6, &device, rng);
    let b = cfgs[1].init(6, &device, rng);
    let no_wn = cfgs[0].clone().with_weight_norm(Some(false)).init(6, &device, rng);
    let plain = TcnEncoderConfig::new(vec![4, 3], vec![3, 3], vec![1, 2], TcnBlockKind::Plain).init(6, &device, rng);
    assert!(!can_group(&[&a, &b]), "different channels");
    assert!(!can_group(&[&a, &no_wn]), "weight norm in one only");
    assert!(!can_group(&[&plain, &plain]), "plain blocks (BatchNorm) are not grouped");
    assert!(!can_group(&[]));
}

struct Grads<'a> {
    grads: &'a GradientsParams,
    out: Vec<(u64, Vec<f32>)>,
}

impl ModuleVisitor for Grads<'_> {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        if let Some(g) = self.grads.get::<D>(param.id) {
            self.out.push((param.id.val(), g.into_data().try_to_vec::<f32>().unwrap()));
        }
    }
}

fn gradients(model: &Surrogate, x: Tensor<3>, r: Tensor<3>) -> (Vec<f32>, Vec<(u64, Vec<f32>)>) {
    let y = model.forward(x);
    let out = to_vec(y.clone());
    let grads = GradientsParams::from_grads((y * r).sum().backward(), model);
    let mut v = Grads { grads: &grads, out: Vec::new() };
    model.visit(&mut v);
    (out, v.out)
}

#[test]
fn the_batched_mmoe_has_the_unbatched_outputs_and_gradients() {
    let device = Device::flex().autodiff();
    let (c, k, window, b) = (6, 5, 20, 3);
    let enc = TcnEncoderConfig::new(vec![4, 3], vec![3, 3], vec![1, 2], TcnBlockKind::Residual);
    // The compressor in the experts' shape (one group of 4 + 1), then in another (a group of
    // the 4 experts, the compressor alone).
    let other = TcnEncoderConfig::new(vec![2], vec![3], vec![1], TcnBlockKind::Residual);
    for (compressor, grouped) in [(enc.clone(), 5), (other, 4)] {
        let cfg = MmoeConfig::new(enc.clone(), compressor, vec![4]).with_num_experts(4).with_exclusivity(0.25);
        let model = ModelConfig::Mmoeex(cfg).init(ModelShape { in_channels: c, n_targets: k, window }, &device, 9).unwrap();
        let Surrogate::Mmoe(m) = &model else { unreachable!() };
        assert_eq!(m.grouped_encoders(), grouped);
        let mut unbatched = m.clone();
        unbatched.batched_encoders = false;
        assert_eq!(unbatched.grouped_encoders(), 0);
        let x = random([b, c, window], 3, &device);
        let r = random([b, 1, k], 4, &device);
        let (y1, g1) = gradients(&model, x.clone(), r.clone());
        let (y0, g0) = gradients(&Surrogate::Mmoe(unbatched), x, r);
        assert!(max_abs_diff(&y1, &y0) < 1e-5, "outputs differ by {}", max_abs_diff(&y1, &y0));
        assert_eq!(g1.len(), g0.len(), "the same parameters get gradients");
        for ((id1, a), (id0, b)) in g1.iter().zip(&g0) {
            assert_eq!(id1, id0);
            let scale = b.iter().fold(1e-3f32, |m, v| m.max(v.abs()));
            let err = max_abs_diff(a, b);
            assert!(err < 1e-4 * scale, "parameter {id1}: gradients differ by {err} (scale {scale})");
        }
    }
}

#[test]
fn the_lfdeep_presets_run_all_six_encoders_as_one_group() {
    let device = Device::flex();
    for cfg in [ModelConfig::Mmoe(MmoeConfig::preset_mmoe()), ModelConfig::Mmoeex(MmoeConfig::preset_mmoeex())] {
        let model = cfg.init(ModelShape { in_channels: 8, n_targets: 4, window: 100 }, &device, 1).unwrap();
        let Surrogate::Mmoe(m) = &model else { unreachable!() };
        assert_eq!(m.grouped_encoders(), 6, "{}: 5 experts + the compressor", cfg.name());
    }
}

#[test]
fn group_gradients_equal_the_gradients_of_each_encoder_alone() {
    let device = Device::flex().autodiff();
    let (b, c, t, g) = (2, 6, 19, 3);
    for (case, cfg) in encoder_configs().iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(10 + case as u64);
        let encoders: Vec<TcnEncoder> = (0..g).map(|_| cfg.init(c, &device, &mut rng)).collect();
        let refs: Vec<&TcnEncoder> = encoders.iter().collect();
        let o = encoders[0].out_channels();
        let x = random([b, c, t], 60 + case as u64, &device);
        let r: Vec<Tensor<3>> = (0..g).map(|i| random([b, o, t], 70 + i as u64, &device)).collect();
        // Every encoder parameter's gradient of Σ_i ⟨encoder_i(x), r_i⟩.
        let grads_of = |loss: Tensor<1>| {
            let grads = GradientsParams::from_grads(loss.backward(), &encoders);
            let mut v = Grads { grads: &grads, out: Vec::new() };
            encoders.visit(&mut v);
            v.out
        };
        let alone = encoders.iter().zip(&r).map(|(e, r)| (e.forward(x.clone()) * r.clone()).sum()).reduce(|a, b| a + b).unwrap();
        let want = grads_of(alone);
        for alg in [ConvAlgorithm::Burn, ConvAlgorithm::Shift] {
            let y = forward_group(&refs, x.clone(), alg);
            let loss = r.iter().enumerate().map(|(i, r)| (y.clone().narrow(1, i, 1).reshape([b, o, t]) * r.clone()).sum()).reduce(|a, b| a + b).unwrap();
            let got = grads_of(loss);
            assert_eq!(got.len(), want.len(), "case {case}, {alg:?}: the same parameters get gradients");
            for ((id, a), (_, w)) in got.iter().zip(&want) {
                let scale = w.iter().fold(1e-3f32, |m, v| m.max(v.abs()));
                let err = max_abs_diff(a, w);
                assert!(err < 1e-4 * scale, "case {case}, {alg:?}, parameter {id}: gradients differ by {err} (scale {scale})");
            }
        }
    }
}
