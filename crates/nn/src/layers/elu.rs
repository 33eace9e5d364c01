//! ELU whose gradient stays finite for large inputs.
//!
//! ELU(x) = x for x > 0, α(eˣ − 1) otherwise. Burn 0.22's `activation::elu` computes α(eˣ − 1)
//! for every element and then selects: for x > 88.7 the unselected eˣ overflows to infinity,
//! and its backward pass multiplies that infinity by the zero gradient the selection gives it,
//! 0 · ∞ = NaN. One tower pre-activation above 88.7 then turns every gradient below the towers
//! into NaN while the loss stays finite: the MMoE preset failed so at step 61 of a 64 × 6 s
//! dataset, on CUDA and on the CPU alike (BENCHMARKS.md, eighth session).
//!
//! Here ELU(x) = max(x, 0) + α(e^min(x, 0) − 1): the exponential never sees a positive input,
//! and each branch's gradient is zero where the other one applies.

use burn::prelude::*;
use burn::tensor::activation::relu;

/// ELU with parameter `alpha`, element-wise; finite value and gradient for every finite input.
pub fn elu<const D: usize>(x: Tensor<D>, alpha: f64) -> Tensor<D> {
    relu(x.clone()) + x.clamp_max(0.0).exp().sub_scalar(1.0).mul_scalar(alpha)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elu_ref(x: f64, alpha: f64) -> f64 {
        if x > 0.0 { x } else { alpha * (x.exp() - 1.0) }
    }

    fn d_elu_ref(x: f64, alpha: f64) -> f64 {
        if x > 0.0 { 1.0 } else { alpha * x.exp() }
    }

    #[test]
    fn values_and_gradients_match_the_closed_form_up_to_large_inputs() {
        let dev = Device::flex().autodiff();
        let xs = [-30.0f32, -2.5, -0.1, 0.3, 4.0, 88.0, 100.0, 1.0e4];
        let alpha = 1.0;
        let x = Tensor::<1>::from_data(TensorData::new(xs.to_vec(), [xs.len()]), &dev).require_grad();
        let y = elu(x.clone(), alpha);
        let grads = y.clone().sum().backward();
        let dx = x.grad(&grads).unwrap().into_data().try_to_vec_as::<f32>().unwrap();
        let y = y.into_data().try_to_vec_as::<f32>().unwrap();
        for (i, &xi) in xs.iter().enumerate() {
            let (want, dwant) = (elu_ref(xi as f64, alpha), d_elu_ref(xi as f64, alpha));
            assert!((y[i] as f64 - want).abs() <= 1e-6 * want.abs().max(1.0), "elu({xi}) = {}, want {want}", y[i]);
            assert!(dx[i].is_finite() && (dx[i] as f64 - dwant).abs() <= 1e-6, "elu'({xi}) = {}, want {dwant}", dx[i]);
        }
    }
}
