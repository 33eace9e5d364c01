//! The algorithms of `CausalConv1d` (Burn's conv1d, im2col + matmul, one matmul per tap, one matmul then shifted sums) against a direct
//! evaluation of the causal sum y[o,t] = b[o] + Σ_c Σ_j W[o,c,j]·x[c, t − (k−1−j)·d] written out
//! here in loops, and against Burn's for the gradients of a loss through each.

mod common;

use burn::prelude::*;
use lfdeep_nn::layers::{folded_conv, CausalConv1dConfig, ConvAlgorithm};
use common::{max_abs_diff, random, to_vec};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Cases: (in, out, kernel, dilation, weight norm).
const CASES: [(usize, usize, usize, usize, bool); 4] = [(5, 3, 4, 1, false), (4, 6, 3, 2, true), (3, 2, 1, 1, false), (7, 4, 5, 3, false)];

#[test]
fn every_algorithm_equals_the_direct_causal_sum() {
    let device = Device::flex();
    let (b, t) = (2, 17);
    for (case, &(c_in, c_out, k, d, wn)) in CASES.iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(case as u64);
        let conv = CausalConv1dConfig::new(c_in, c_out, k).with_dilation(d).with_weight_norm(wn).init(&device, &mut rng);
        let x = random([b, c_in, t], 100 + case as u64, &device);
        let w = to_vec(conv.effective_weight());
        let bias = to_vec(conv.bias.val());
        let xs = to_vec(x.clone());
        let mut want = vec![0f32; b * c_out * t];
        for bi in 0..b {
            for o in 0..c_out {
                for ti in 0..t {
                    let mut acc = bias[o] as f64;
                    for c in 0..c_in {
                        for j in 0..k {
                            let shift = (k - 1 - j) * d;
                            if ti >= shift {
                                acc += w[(o * c_in + c) * k + j] as f64 * xs[(bi * c_in + c) * t + ti - shift] as f64;
                            }
                        }
                    }
                    want[(bi * c_out + o) * t + ti] = acc as f32;
                }
            }
        }
        for alg in [ConvAlgorithm::Burn, ConvAlgorithm::Matmul, ConvAlgorithm::Taps, ConvAlgorithm::Shift, ConvAlgorithm::Auto] {
            let y = conv.forward_with(x.clone(), alg);
            assert_eq!(y.dims(), [b, c_out, t]);
            let err = max_abs_diff(&to_vec(y), &want);
            assert!(err < 1e-5, "case {case} ({c_in}→{c_out}, k {k}, d {d}, weight norm {wn}), {alg:?}: max |Δ| {err}");
        }
    }
}

#[test]
fn every_algorithm_gives_burns_gradients() {
    let device = Device::flex().autodiff();
    let (b, t) = (3, 11);
    for (case, &(c_in, c_out, k, d, wn)) in CASES.iter().enumerate() {
        let grads_of = |alg: ConvAlgorithm| {
            let mut rng = ChaCha8Rng::seed_from_u64(case as u64);
            let conv = CausalConv1dConfig::new(c_in, c_out, k).with_dilation(d).with_weight_norm(wn).init(&device, &mut rng);
            let x = random([b, c_in, t], 200 + case as u64, &device).require_grad();
            // A loss that weighs every output differently, so a misplaced tap changes it.
            let r = random([b, c_out, t], 300 + case as u64, &device);
            let loss = (conv.forward_with(x.clone(), alg) * r).sum();
            let g = loss.backward();
            let gw = to_vec(conv.weight.val().grad(&g).unwrap());
            let gb = to_vec(conv.bias.val().grad(&g).unwrap());
            let gx = to_vec(x.grad(&g).unwrap());
            (gw, gb, gx)
        };
        let (bw, bb, bx) = grads_of(ConvAlgorithm::Burn);
        assert!(bw.iter().any(|v| *v != 0.0), "case {case}: zero weight gradient");
        for alg in [ConvAlgorithm::Matmul, ConvAlgorithm::Taps, ConvAlgorithm::Shift, ConvAlgorithm::Auto] {
            let (mw, mb, mx) = grads_of(alg);
            for (name, a, m) in [("weight", &bw, &mw), ("bias", &bb, &mb), ("input", &bx, &mx)] {
                let err = max_abs_diff(a, m);
                assert!(err < 1e-4, "case {case} ({c_in}→{c_out}, k {k}, d {d}, weight norm {wn}), {alg:?}: {name} gradients differ from Burn's by {err}");
            }
        }
    }
}

/// The batch-folded forms (taken in bf16/f16) against the batched ones (f32): the same outputs
/// and the same kernel and input gradients, here in f32 on the CPU by calling them directly.
#[test]
fn folded_forms_give_the_batched_outputs_and_gradients() {
    let device = Device::flex().autodiff();
    let (b, t) = (3, 11);
    for (case, &(c_in, c_out, k, d, wn)) in CASES.iter().enumerate() {
        let mut rng = ChaCha8Rng::seed_from_u64(case as u64);
        let conv = CausalConv1dConfig::new(c_in, c_out, k).with_dilation(d).with_weight_norm(wn).init(&device, &mut rng);
        let r = random([b, c_out, t], 500 + case as u64, &device);
        let run = |form: &str| {
            let x = random([b, c_in, t], 400 + case as u64, &device).require_grad();
            let xp = Tensor::cat(vec![Tensor::zeros([b, c_in, (k - 1) * d], &device), x.clone()], 2).unsqueeze_dim::<4>(1);
            let w = conv.effective_weight().unsqueeze_dim::<4>(0);
            let y = match form {
                "im2col" => folded_conv::im2col(xp, w, d).reshape([b, c_out, t]) + conv.bias.val().reshape([1, c_out, 1]),
                "shift" => folded_conv::shift(xp, w, d).reshape([b, c_out, t]) + conv.bias.val().reshape([1, c_out, 1]),
                _ => conv.forward_with(x.clone(), ConvAlgorithm::Matmul),
            };
            let g = (y.clone() * r.clone()).sum().backward();
            (to_vec(y), to_vec(conv.weight.val().grad(&g).unwrap()), to_vec(x.grad(&g).unwrap()))
        };
        let (yb, wb, xb) = run("batched");
        for form in ["im2col", "shift"] {
            let (yf, wf, xf) = run(form);
            for (name, a, f) in [("output", &yb, &yf), ("weight gradient", &wb, &wf), ("input gradient", &xb, &xf)] {
                let err = max_abs_diff(a, f);
                assert!(err < 1e-4, "case {case} ({c_in}→{c_out}, k {k}, d {d}), folded {form}: {name} differs by {err}");
            }
        }
    }
}

/// A G-group folded call applies group g's kernel to group g's channels only: each group of the
/// result equals the same form run on that group alone (G = 1, held to the batched forms above).
#[test]
fn folded_groups_stay_apart() {
    let device = Device::flex();
    let (b, g, c_in, c_out, k, d, t) = (2, 3, 4, 5, 3, 2, 9);
    let l = t + (k - 1) * d;
    let xp = random([b * g, c_in, l], 600, &device).reshape([b, g, c_in, l]);
    let w = random([g * c_out, c_in, k], 601, &device).reshape([g, c_out, c_in, k]);
    for (name, form) in [("im2col", folded_conv::im2col as fn(Tensor<4>, Tensor<4>, usize) -> Tensor<4>), ("shift", folded_conv::shift)] {
        let all = form(xp.clone(), w.clone(), d);
        assert_eq!(all.dims(), [b, g, c_out, t]);
        for gi in 0..g {
            let alone = form(xp.clone().narrow(1, gi, 1), w.clone().narrow(0, gi, 1), d);
            let err = max_abs_diff(&to_vec(all.clone().narrow(1, gi, 1)), &to_vec(alone));
            assert!(err < 1e-5, "folded {name}: group {gi} differs from the group run alone by {err}");
        }
    }
}

/// The peak of an inference pass, by hand: Plain layers hold input + output + scratch; a
/// Residual block holds input, both convs' outputs, the downsampled skip, and the largest scratch
/// of its three convolutions, which for an expanding block is the second conv's.
#[test]
fn peak_values_per_step_counts_every_convolution_of_a_block() {
    use lfdeep_nn::layers::{TcnBlockKind, TcnEncoderConfig};
    let plain = TcnEncoderConfig::new(vec![128, 128], vec![39, 20], vec![1, 1], TcnBlockKind::Plain);
    // Layer 1: 1278 + 128 + 1278·39 im2col rows; layer 2: 128 + 128 + 128·20.
    assert_eq!(plain.peak_values_per_step(1278, ConvAlgorithm::Matmul), 1278 + 128 + 1278 * 39);
    // Shift: 2·out·k scratch rows.
    assert_eq!(plain.peak_values_per_step(1278, ConvAlgorithm::Shift), 1278 + 128 + 2 * 128 * 39);
    let expanding = TcnEncoderConfig::new(vec![8, 64], vec![10, 10], vec![1, 2], TcnBlockKind::Residual);
    // Block 1: 4 + 2·8 + 8 live, scratch max(4·10, 8·10, 4·1) = 80 → 108.
    // Block 2: 8 + 2·64 + 64 live, scratch max(8·10, 64·10, 8·1) = 640 → 840.
    assert_eq!(expanding.peak_values_per_step(4, ConvAlgorithm::Matmul), 840);
    let same = TcnEncoderConfig::new(vec![16, 16], vec![5, 5], vec![1, 1], TcnBlockKind::Residual);
    // No downsample where channels match: 16 + 2·16 live + 16·5 scratch.
    assert_eq!(same.peak_values_per_step(16, ConvAlgorithm::Matmul), 16 + 32 + 80);
}
