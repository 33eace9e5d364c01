//! The hidden-input sweep: for each dataset size and hidden-input variance, draw samples
//! from one fixed encoder neuron, hide inputs, fit the decoder with latents, and measure
//! recovery (weights, latents) and prediction on held-out samples without latents.

use crate::encoder::{Encoder, InputConfig, ModelKind};
use crate::error::{Result, StudyError};
use crate::hidden_fit::{fit, Architecture, FitConfig, Fitted};
use crate::rng::{stream, Purpose};
use rand_distr::{Distribution, Normal};

#[derive(Clone, Debug, serde::Serialize)]
pub struct HiddenStudyConfig {
    pub model: ModelKind,
    pub inputs: InputConfig,
    pub branches: usize,
    pub sizes: Vec<usize>,
    pub hidden_variances: Vec<f64>,
    pub val_samples: usize,
    /// SD of Gaussian noise added to y (0: deterministic responses).
    pub noise_sd: f64,
    pub fit: FitConfig,
    pub seed: u64,
}

/// One cell of the sweep.
#[derive(Clone, Debug, serde::Serialize)]
pub struct HiddenRun {
    pub size: usize,
    pub hidden_variance: f64,
    /// Pearson r of fitted vs true observed weights (hierarchical: also somatic weights,
    /// after resolving the exact sign symmetry of branches without hidden inputs).
    pub weight_corr: f64,
    /// Pearson r of fitted latents vs true hidden activities (mean over hidden inputs).
    pub latent_corr: f64,
    pub train_mse: f64,
    pub final_penalty: f64,
    /// Held-out MSE with the hidden input marginalised over the fitted latents.
    pub val_mse: f64,
    /// Held-out MSE with the hidden input at its fitted mean.
    pub val_mse_at_mean: f64,
    /// Held-out MSE of the true encoder with the hidden input marginalised over its true
    /// training activities: the floor set by not seeing the hidden input.
    pub oracle_val_mse: f64,
    /// Held-out MSE of predicting the training mean (the ceiling).
    pub constant_val_mse: f64,
    pub true_weights: Vec<f64>,
    pub fitted_weights: Vec<f64>,
    pub loss_curve: Vec<(usize, f64, f64)>,
    /// Up to 500 (true, fitted) latent pairs of the first hidden input, for scatter plots.
    pub latent_pairs: Vec<(f64, f64)>,
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    lfdeep_metrics::pearson(a, b)
}

fn mse(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| (x - y).powi(2)).sum::<f64>() / a.len() as f64
}

impl HiddenStudyConfig {
    pub fn validate(&self) -> Result<()> {
        self.inputs.validate()?;
        if self.sizes.is_empty() || self.sizes.iter().any(|&s| s < 10) {
            return Err(StudyError::config("sizes", format!("{:?}", self.sizes), "need sizes of at least 10 samples"));
        }
        if self.hidden_variances.is_empty() || self.hidden_variances.iter().any(|&v| !(v > 0.0)) {
            return Err(StudyError::config("hidden_variance", format!("{:?}", self.hidden_variances), "need positive values"));
        }
        if self.model == ModelKind::Hierarchical && (self.branches < 1 || self.branches > self.inputs.observed()) {
            return Err(StudyError::config("branches", self.branches, "need 1 ≤ branches ≤ observed inputs"));
        }
        if self.fit.steps == 0 || !(self.fit.lr > 0.0) {
            return Err(StudyError::config("steps/lr", format!("{}/{}", self.fit.steps, self.fit.lr), "must be positive"));
        }
        Ok(())
    }
}

/// Run one (size, hidden variance) cell; `index` keys its random streams.
pub fn run_one(cfg: &HiddenStudyConfig, size: usize, hidden_variance: f64, index: u64, progress: impl FnMut(usize, f64, f64)) -> Result<HiddenRun> {
    cfg.validate()?;
    let mut inputs = cfg.inputs.clone();
    inputs.hidden_variance = hidden_variance;
    let (no, nh) = (inputs.observed(), inputs.hidden);
    // One encoder for the whole sweep, so cells differ only by data.
    let enc = Encoder::random(cfg.model, inputs.n_inputs, nh, cfg.branches, &mut stream(cfg.seed, 0, Purpose::Encoder));
    let mut srng = stream(cfg.seed, 2 * index, Purpose::Samples);
    let train = inputs.sample(size, &mut srng)?;
    let val = inputs.sample(cfg.val_samples, &mut stream(cfg.seed, 2 * index + 1, Purpose::Samples))?;
    let noise = Normal::new(0.0, cfg.noise_sd.max(0.0)).map_err(|e| StudyError::config("noise_sd", cfg.noise_sd, e))?;
    let mut respond = |x: &[f64]| enc.respond(x) + if cfg.noise_sd > 0.0 { noise.sample(&mut srng) } else { 0.0 };
    let y: Vec<f64> = train.x.iter().map(|x| respond(x)).collect();
    let yv: Vec<f64> = val.x.iter().map(|x| respond(x)).collect();
    let x_obs: Vec<Vec<f64>> = train.x.iter().map(|x| x[..no].to_vec()).collect();
    let arch = Architecture {
        kind: cfg.model,
        branches: enc.branches(),
        branch_of_observed: enc.branch_of[..no].to_vec(),
        branch_of_hidden: enc.branch_of[no..].to_vec(),
    };
    let fcfg = FitConfig { seed: cfg.seed ^ index, ..cfg.fit.clone() };
    let mut f: Fitted = fit(&arch, &x_obs, &y, hidden_variance, &fcfg, progress);

    // Exact symmetry: a branch without hidden inputs is unchanged by (w, c, v, d) →
    // (−w, −c, −v, d + v). Pick the sign that agrees with the truth before comparing.
    if cfg.model == ModelKind::Hierarchical {
        for b in 0..arch.branches {
            if arch.branch_of_hidden.contains(&b) {
                continue;
            }
            let agree: f64 = (0..no).filter(|&i| arch.branch_of_observed[i] == b).map(|i| f.observed_weights[i] * enc.weights[i]).sum();
            if agree < 0.0 {
                for i in (0..no).filter(|&i| arch.branch_of_observed[i] == b) {
                    f.observed_weights[i] = -f.observed_weights[i];
                }
                f.soma_bias += f.soma_weights[b];
                f.soma_weights[b] = -f.soma_weights[b];
                f.branch_bias[b] = -f.branch_bias[b];
            }
        }
    }
    let mut true_w = enc.weights[..no].to_vec();
    let mut fit_w = f.observed_weights.clone();
    if cfg.model == ModelKind::Hierarchical {
        true_w.extend(&enc.soma_weights);
        fit_w.extend(&f.soma_weights);
    }
    let weight_corr = pearson(&fit_w, &true_w);
    let latent_corr = (0..nh)
        .map(|j| {
            let t: Vec<f64> = train.x.iter().map(|x| x[no + j]).collect();
            let h: Vec<f64> = f.latents.iter().map(|h| h[j]).collect();
            pearson(&h, &t)
        })
        .sum::<f64>()
        / nh as f64;
    let m = 256;
    let pred: Vec<f64> = val.x.iter().map(|x| arch.respond_marginal(&f, &x[..no], m)).collect();
    let pred_mean: Vec<f64> = val.x.iter().map(|x| arch.respond_at_mean(&f, &x[..no])).collect();
    // Oracle: the true encoder, hidden inputs drawn from their true training values.
    let step = (size / m.min(size)).max(1);
    let oracle: Vec<f64> = val
        .x
        .iter()
        .map(|x| {
            let mut xx = x.clone();
            let draws = m.min(size);
            (0..draws)
                .map(|d| {
                    xx[no..].copy_from_slice(&train.x[d * step][no..]);
                    enc.respond(&xx)
                })
                .sum::<f64>()
                / draws as f64
        })
        .collect();
    let ymean = y.iter().sum::<f64>() / y.len() as f64;
    let last = f.loss_curve.last().copied().unwrap_or((0, f64::NAN, f64::NAN));
    Ok(HiddenRun {
        size,
        hidden_variance,
        weight_corr,
        latent_corr,
        train_mse: last.1,
        final_penalty: last.2,
        val_mse: mse(&pred, &yv),
        val_mse_at_mean: mse(&pred_mean, &yv),
        oracle_val_mse: mse(&oracle, &yv),
        constant_val_mse: mse(&vec![ymean; yv.len()], &yv),
        true_weights: true_w,
        fitted_weights: fit_w,
        loss_curve: f.loss_curve.clone(),
        latent_pairs: train.x.iter().zip(&f.latents).take(500).map(|(x, h)| (x[no], h[0])).collect(),
    })
}

/// The whole sweep, sizes × hidden variances, in that order.
pub fn run(cfg: &HiddenStudyConfig, mut progress: impl FnMut(usize, f64, usize, f64, f64)) -> Result<Vec<HiddenRun>> {
    cfg.validate()?;
    let mut out = Vec::new();
    let mut index = 0u64;
    for &size in &cfg.sizes {
        for &k in &cfg.hidden_variances {
            out.push(run_one(cfg, size, k, index, |s, a, b| progress(size, k, s, a, b))?);
            index += 1;
        }
    }
    Ok(out)
}
