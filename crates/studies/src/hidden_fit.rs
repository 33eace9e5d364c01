//! The "decoder" of the hidden-input study: fit a model's weights, biases and one latent
//! activity per training sample and hidden input, by full-batch Adam on
//! MSE(ŷ, y) + λ·Σ_j (var(h_j) − var_true)², with each hidden input's weight fixed to 1
//! (removing the scale redundancy between weight and latent). The architecture (which
//! input feeds which branch) is known; all weights are not.

use crate::encoder::{sigmoid, ModelKind};
use crate::rng::{stream, Purpose};
use burn::module::{Module, Param};
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::activation;
use burn::tensor::{Device, Tensor, TensorData};
use rand_distr::{Distribution, Normal};

#[derive(Clone, Debug, serde::Serialize)]
pub struct FitConfig {
    pub steps: usize,
    /// Adam learning rate, cosine-decayed to lr/100 (the seed used 1e−4 without decay).
    pub lr: f64,
    /// λ of the variance penalty.
    pub var_weight: f64,
    pub seed: u64,
}

/// The architecture the decoder assumes.
#[derive(Clone, Debug)]
pub struct Architecture {
    pub kind: ModelKind,
    pub branches: usize,
    /// Branch of each observed input.
    pub branch_of_observed: Vec<usize>,
    /// Branch of each hidden input.
    pub branch_of_hidden: Vec<usize>,
}

/// Fitted parameters and the loss history.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Fitted {
    /// Weight of each observed input (in its branch).
    pub observed_weights: Vec<f64>,
    pub branch_bias: Vec<f64>,
    pub soma_weights: Vec<f64>,
    pub soma_bias: f64,
    /// [sample][hidden]
    pub latents: Vec<Vec<f64>>,
    /// (step, mse, variance penalty)
    pub loss_curve: Vec<(usize, f64, f64)>,
}

#[derive(Module, Debug)]
struct Decoder {
    w: Param<Tensor<2>>,
    c: Param<Tensor<2>>,
    v: Param<Tensor<2>>,
    d: Param<Tensor<2>>,
    latents: Param<Tensor<2>>,
}

fn t2(v: Vec<f32>, shape: [usize; 2], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(v, shape), device)
}

fn vec2(t: Tensor<2>) -> Vec<f64> {
    let v: Vec<f32> = t.into_data().try_to_vec().expect("f32");
    v.into_iter().map(|x| x as f64).collect()
}

impl Architecture {
    /// ŷ for inputs x_obs and hidden activities h, with fitted parameters (plain f64).
    pub fn respond(&self, f: &Fitted, x_obs: &[f64], h: &[f64]) -> f64 {
        let mut drive = f.branch_bias.clone();
        for (i, x) in x_obs.iter().enumerate() {
            drive[self.branch_of_observed[i]] += f.observed_weights[i] * x;
        }
        for (j, hj) in h.iter().enumerate() {
            drive[self.branch_of_hidden[j]] += hj;
        }
        match self.kind {
            ModelKind::Glm => sigmoid(drive[0]),
            ModelKind::Hierarchical => {
                sigmoid(drive.iter().zip(&f.soma_weights).map(|(d, v)| v * sigmoid(*d)).sum::<f64>() + f.soma_bias)
            }
        }
    }

    /// Prediction without latents: the response averaged over the empirical distribution
    /// of the fitted latents (at most `m` of them), i.e. the hidden input marginalised.
    pub fn respond_marginal(&self, f: &Fitted, x_obs: &[f64], m: usize) -> f64 {
        let n = f.latents.len().min(m).max(1);
        let step = (f.latents.len() / n).max(1);
        (0..n).map(|i| self.respond(f, x_obs, &f.latents[i * step])).sum::<f64>() / n as f64
    }

    /// Prediction with each hidden input at the mean of its fitted latents.
    pub fn respond_at_mean(&self, f: &Fitted, x_obs: &[f64]) -> f64 {
        let k = self.branch_of_hidden.len();
        let n = f.latents.len().max(1) as f64;
        let mean: Vec<f64> = (0..k).map(|j| f.latents.iter().map(|h| h[j]).sum::<f64>() / n).collect();
        self.respond(f, x_obs, &mean)
    }
}

/// Fit the decoder to observed inputs `x_obs` [sample][observed] and responses `y`.
pub fn fit(arch: &Architecture, x_obs: &[Vec<f64>], y: &[f64], hidden_variance: f64, cfg: &FitConfig, mut progress: impl FnMut(usize, f64, f64)) -> Fitted {
    let device = Device::flex().autodiff();
    let n = x_obs.len();
    let no = arch.branch_of_observed.len();
    let k = arch.branch_of_hidden.len();
    let nb = arch.branches;
    let hier = arch.kind == ModelKind::Hierarchical;
    let mut rng = stream(cfg.seed, 0, Purpose::Latents);
    let small = Normal::new(0.0f32, 0.1).expect("normal");
    let prior = Normal::new(0.0f32, hidden_variance.sqrt() as f32).expect("normal");
    // Start the latents at the target variance: at h = 0 the penalty's gradient vanishes.
    let lat: Vec<f32> = (0..n * k).map(|_| prior.sample(&mut rng)).collect();
    let w0: Vec<f32> = (0..no * nb).map(|_| small.sample(&mut rng)).collect();
    let v0: Vec<f32> = (0..nb).map(|b| if b % 2 == 0 { 1.0 } else { -1.0 }).collect();
    let mut model = Decoder {
        w: Param::from_tensor(t2(w0, [no, nb], &device)),
        c: Param::from_tensor(t2(vec![0.0; nb], [1, nb], &device)),
        v: Param::from_tensor(t2(v0, [nb, 1], &device)),
        d: Param::from_tensor(t2(vec![0.0], [1, 1], &device)),
        latents: Param::from_tensor(t2(lat, [n, k], &device)),
    };
    let mut mask = vec![0.0f32; no * nb];
    for (i, &b) in arch.branch_of_observed.iter().enumerate() {
        mask[i * nb + b] = 1.0;
    }
    let mut route = vec![0.0f32; k * nb];
    for (j, &b) in arch.branch_of_hidden.iter().enumerate() {
        route[j * nb + b] = 1.0;
    }
    let mask = t2(mask, [no, nb], &device);
    let route = t2(route, [k, nb], &device);
    let x = t2(x_obs.iter().flatten().map(|&v| v as f32).collect(), [n, no], &device);
    let yt = t2(y.iter().map(|&v| v as f32).collect(), [n, 1], &device);
    let mut optim = AdamConfig::new().init();
    let mut curve = Vec::new();
    for step in 0..cfg.steps {
        let h = model.latents.val();
        let drive = x.clone().matmul(model.w.val() * mask.clone()) + h.clone().matmul(route.clone()) + model.c.val();
        let yhat = if hier {
            activation::sigmoid(activation::sigmoid(drive).matmul(model.v.val()) + model.d.val())
        } else {
            activation::sigmoid(drive)
        };
        let mse = (yhat - yt.clone()).square().mean();
        let pen = h.var(0).sub_scalar(hidden_variance).square().sum();
        let loss = mse.clone() + pen.clone().mul_scalar(cfg.var_weight);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        let frac = step as f64 / cfg.steps as f64;
        let lr = cfg.lr / 100.0 + 0.5 * (cfg.lr - cfg.lr / 100.0) * (1.0 + (std::f64::consts::PI * frac).cos());
        model = optim.step(lr, model, grads);
        if step % 100 == 0 || step + 1 == cfg.steps {
            let (m, p): (f32, f32) = (mse.into_scalar(), pen.into_scalar());
            curve.push((step, m as f64, p as f64));
            progress(step, m as f64, p as f64);
        }
    }
    let model = model.valid();
    let w = vec2(model.w.val());
    let observed_weights = (0..no).map(|i| w[i * nb + arch.branch_of_observed[i]]).collect();
    let lat = vec2(model.latents.val());
    Fitted {
        observed_weights,
        branch_bias: vec2(model.c.val()),
        soma_weights: if hier { vec2(model.v.val()) } else { vec![] },
        soma_bias: if hier { vec2(model.d.val())[0] } else { 0.0 },
        latents: (0..n).map(|s| lat[s * k..(s + 1) * k].to_vec()).collect(),
        loss_curve: curve,
    }
}
