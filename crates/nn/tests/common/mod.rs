//! Shared test helpers: segment counts of real morphologies, small model configs.
#![allow(dead_code)]

use burn::prelude::*;
use lfdeep_morph::{discretize, load_morphology, DiscretizeOptions, Region};
use lfdeep_nn::layers::{TcnBlockKind, TcnEncoderConfig};

/// Dendritic (basal + apical) segments of a morphology, as the dataset would record them.
pub fn dendritic_segments(spec: &str) -> usize {
    let m = load_morphology(spec).expect("morphology loads");
    let d = discretize(&m, &DiscretizeOptions::default()).expect("discretises");
    d.segments.iter().filter(|s| matches!(s.region, Region::Basal | Region::Apical)).count()
}

/// A small soma-plus-three-dendrites cell written as SWC into a temp folder.
pub fn small_swc() -> String {
    let dir = std::env::temp_dir().join(format!("lfdeep-nn-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("small.swc");
    std::fs::write(
        &p,
        "1 1 0 0 0 10 -1\n\
         2 3 -10 0 0 1.0 1\n3 3 -120 0 0 0.8 2\n\
         4 3 10 0 0 1.0 1\n5 3 90 -60 0 0.6 4\n\
         6 4 0 10 0 1.5 1\n7 4 0 300 0 1.2 6\n8 4 40 500 0 0.6 7\n",
    )
    .unwrap();
    p.display().to_string()
}

pub fn tiny_residual_encoder() -> TcnEncoderConfig {
    TcnEncoderConfig::new(vec![4, 3], vec![3, 3], vec![1, 2], TcnBlockKind::Residual).with_dropout(0.1)
}

pub fn tiny_plain_encoder() -> TcnEncoderConfig {
    TcnEncoderConfig::new(vec![6, 6], vec![5, 3], vec![1, 2], TcnBlockKind::Plain)
}

/// Uniform(−1, 1) values of `shape`, the same for the same seed.
pub fn random(shape: [usize; 3], seed: u64, device: &Device) -> Tensor<3> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|_| rng.random_range(-1.0f32..1.0)).collect();
    Tensor::from_data(TensorData::new(v, shape), device)
}

pub fn to_vec<const D: usize>(t: Tensor<D>) -> Vec<f32> {
    t.into_data().try_to_vec_as::<f32>().unwrap()
}

pub fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}
