//! Parameter initialisation from a seeded ChaCha stream, so the same seed gives the same
//! network on every backend (Burn's own random init draws from the backend's generator).

use burn::module::Param;
use burn::prelude::*;
use rand::Rng;
use rand_chacha::ChaCha8Rng;

/// Uniform U(−bound, bound) parameter of the given shape.
pub fn uniform<const D: usize>(shape: [usize; D], bound: f64, rng: &mut ChaCha8Rng, device: &Device) -> Param<Tensor<D>> {
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n).map(|_| rng.random_range(-bound..=bound) as f32).collect();
    Param::from_data(TensorData::new(v, shape), device)
}

/// Normal N(0, std²) truncated at ±2 std (the TCN paper's truncated-normal kernels).
pub fn truncated_normal<const D: usize>(shape: [usize; D], std: f64, rng: &mut ChaCha8Rng, device: &Device) -> Param<Tensor<D>> {
    let n: usize = shape.iter().product();
    let v: Vec<f32> = (0..n)
        .map(|_| loop {
            // Box–Muller; rejection keeps |z| ≤ 2.
            let u1: f64 = rng.random_range(f64::EPSILON..1.0);
            let u2: f64 = rng.random::<f64>();
            let z = (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
            if z.abs() <= 2.0 {
                break (z * std) as f32;
            }
        })
        .collect();
    Param::from_data(TensorData::new(v, shape), device)
}

/// Constant-valued parameter.
pub fn constant<const D: usize>(shape: [usize; D], value: f32, device: &Device) -> Param<Tensor<D>> {
    let n: usize = shape.iter().product();
    Param::from_data(TensorData::new(vec![value; n], shape), device)
}
