//! Hidden-input inference on a GLM with Gaussian inputs: the fitted weights must correlate
//! with the true ones at least as well as the identifiability analysis guarantees.
//!
//! Why a bound and which. With noise-free responses the latents can absorb any residual,
//! so the data pin the weights only through the variance penalty: zero loss is reached
//! on the set {w : var̂(h) = k}, h = logit(y) − X·w − b. Writing δ = w − w*, this is the
//! ellipsoid (δ − δ₀)ᵀ Σ̂ (δ − δ₀) = k − var̂(h*) + δ₀ᵀ Σ̂ δ₀, δ₀ = Σ̂⁻¹ ĉov(x, h*).
//! Its extent is set by sampling noise: E|δ₀|²_Σ̂ ≈ k·p/n and |k − var̂(h*)| ≤ z·k·√(2/n)
//! with probability Φ-tail(z). So ‖δ‖² ≤ R² / λ_min(Σ̂), R² = k·p/n + z·k·√(2/n), and
//! λ_min(Σ̂) ≥ (1 − √(p/n))² (Marchenko–Pastur edge). A perturbation δ can turn the
//! centred weight vector by at most asin(‖δ‖/‖w* − w̄*‖), so
//! r(w, w*) ≥ √(1 − ‖δ‖²/‖w* − w̄*‖²) (δ's mean part only helps). z = 3 here.

use lfdeep_studies::encoder::{CorrelationMethod, Encoder, InputConfig, InputKind, ModelKind};
use lfdeep_studies::hidden_fit::FitConfig;
use lfdeep_studies::hidden_study::{run_one, HiddenStudyConfig};
use lfdeep_studies::rng::{stream, Purpose};

#[test]
fn glm_weights_are_recovered_within_the_identifiability_bound() {
    let (n, k, n_inputs) = (4000usize, 1.0f64, 10usize);
    let cfg = HiddenStudyConfig {
        model: ModelKind::Glm,
        inputs: InputConfig {
            kind: InputKind::Gaussian,
            n_inputs,
            hidden: 1,
            hidden_variance: k,
            mean_count: 5.0,
            correlation: 0.0,
            method: CorrelationMethod::Mixture,
            window_ms: 100.0,
        },
        branches: 1,
        sizes: vec![n],
        hidden_variances: vec![k],
        val_samples: 1000,
        noise_sd: 0.0,
        fit: FitConfig { steps: 2000, lr: 0.02, var_weight: 1.0, seed: 11 },
        seed: 11,
    };
    let r = run_one(&cfg, n, k, 0, |_, _, _| {}).unwrap();
    // The same encoder the study drew (stream (seed, 0, Encoder)).
    let enc = Encoder::random(ModelKind::Glm, n_inputs, 1, 1, &mut stream(11, 0, Purpose::Encoder));
    let w = &enc.weights[..n_inputs - 1];
    let mean = w.iter().sum::<f64>() / w.len() as f64;
    let spread: f64 = w.iter().map(|v| (v - mean).powi(2)).sum();
    let p = (n_inputs - 1) as f64;
    let r2 = k * p / n as f64 + 3.0 * k * (2.0 / n as f64).sqrt();
    let lam_min = (1.0 - (p / n as f64).sqrt()).powi(2);
    let bound = (1.0 - r2 / lam_min / spread).max(0.0).sqrt();
    eprintln!(
        "weight r {:.5} (bound {bound:.4}), latent r {:.4}, train MSE {:.2e}, val MSE {:.3e} vs oracle {:.3e} vs constant {:.3e}",
        r.weight_corr, r.latent_corr, r.train_mse, r.val_mse, r.oracle_val_mse, r.constant_val_mse
    );
    assert!(r.weight_corr >= bound, "weight r {} below the bound {bound}", r.weight_corr);
    // Without latents the fitted model must predict nearly as well as the true encoder
    // that also does not see the hidden input, and far better than a constant.
    assert!(r.val_mse < 1.2 * r.oracle_val_mse, "val {} oracle {}", r.val_mse, r.oracle_val_mse);
    assert!(r.val_mse < 0.8 * r.constant_val_mse);
}
