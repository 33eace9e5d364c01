//! The integrate-and-fire study: simulate the published cell under the published inputs,
//! fit the one-filter network with Burn on the CPU, and measure how well it recovers the
//! cell (spike AUC, voltage explained variance, learned filter vs true kernel).

use crate::block_inputs::BlockInputConfig;
use crate::error::{Result, StudyError};
use crate::if_network::{bce_with_logits, OneFilterNet};
use crate::integrate_fire::IfCell;
use crate::raster::SparseRaster;
use crate::rng::{stream, Purpose};
use burn::module::Module;
use burn::optim::{AdamConfig, GradientsParams};
use burn::tensor::activation::sigmoid;
use burn::tensor::{Device, Tensor, TensorData};
use rand::Rng;

#[derive(Clone, Debug, serde::Serialize)]
pub struct IfStudyConfig {
    pub inputs: BlockInputConfig,
    pub train_sims: usize,
    pub test_sims: usize,
    pub seed: u64,
    /// Filter length (ms); published 80.
    pub kernel_ms: usize,
    /// Output ms per training window (the input window adds kernel − 1 ms of history).
    pub window_ms: usize,
    pub batch: usize,
    pub steps: usize,
    /// Adam learning rate, cosine-decayed from `lr` to `lr / 100`.
    pub lr: f64,
    /// Weight of the voltage MSE (on the z-scored voltage) next to the spike BCE.
    pub voltage_weight: f64,
}

impl IfStudyConfig {
    /// Defaults sized for a 2-core CPU in a few minutes (the paper: 12,000 / 1,000 sims).
    pub fn default_cpu() -> Self {
        IfStudyConfig {
            inputs: BlockInputConfig::integrate_and_fire(),
            train_sims: 200,
            test_sims: 20,
            seed: 1234,
            kernel_ms: 80,
            window_ms: 400,
            batch: 8,
            steps: 800,
            lr: 0.01,
            voltage_weight: 1.0,
        }
    }

    pub fn validate(&self) -> Result<()> {
        self.inputs.validate()?;
        let d = self.inputs.duration_ms;
        if self.train_sims == 0 || self.test_sims == 0 {
            return Err(StudyError::config("train_sims/test_sims", format!("{}/{}", self.train_sims, self.test_sims), "need at least 1 each"));
        }
        if self.kernel_ms == 0 || self.window_ms == 0 || self.window_ms + self.kernel_ms - 1 > d {
            return Err(StudyError::config("window_ms", self.window_ms, format!("window + kernel − 1 must fit in the {d} ms simulation")));
        }
        if self.batch == 0 || self.steps == 0 || !(self.lr > 0.0) {
            return Err(StudyError::config("batch/steps/lr", format!("{}/{}/{}", self.batch, self.steps, self.lr), "must be positive"));
        }
        Ok(())
    }
}

/// Simulations: input rasters, the clipped voltage target (mV) and the spike train (0/1).
pub struct IfData {
    pub inputs: Vec<SparseRaster>,
    pub voltage_mv: Vec<Vec<f32>>,
    pub spikes: Vec<Vec<f32>>,
}

impl IfData {
    /// Simulate `n` runs; each input raster comes from its own stream (seed, i, purpose).
    /// The voltage target is clipped above threshold to threshold + 0.1 mV, as published.
    pub fn simulate(cell: &IfCell, inputs: &BlockInputConfig, n: usize, seed: u64, purpose: Purpose) -> Self {
        let mut d = IfData { inputs: Vec::new(), voltage_mv: Vec::new(), spikes: Vec::new() };
        for i in 0..n {
            let x = inputs.generate(&mut stream(seed, i as u64, purpose));
            let out = cell.simulate(&x);
            let clip = cell.threshold_mv + 0.1;
            d.voltage_mv.push(out.voltage_mv.iter().map(|&v| v.min(clip) as f32).collect());
            let mut s = vec![0.0f32; x.duration_ms];
            for &t in &out.spikes_ms {
                s[t] = 1.0;
            }
            d.spikes.push(s);
            d.inputs.push(x);
        }
        d
    }

    pub fn output_rate_hz(&self) -> f64 {
        let n: f32 = self.spikes.iter().flatten().sum();
        let ms: usize = self.spikes.iter().map(|s| s.len()).sum();
        n as f64 / ms as f64 * 1000.0
    }
}

/// What the study measured.
#[derive(Clone, Debug, serde::Serialize)]
pub struct IfStudyResult {
    pub train_output_rate_hz: f64,
    pub test_output_rate_hz: f64,
    pub train_exc_input_rate_hz: f64,
    pub train_inh_input_rate_hz: f64,
    /// Pearson r between the learned voltage kernel a_v·filter and 2·w_i·e^(−s/20),
    /// over all rows and lags 0..kernel.
    pub filter_corr: f64,
    /// Same for the mean excitatory and mean inhibitory rows (temporal profiles).
    pub exc_profile_corr: f64,
    pub inh_profile_corr: f64,
    pub spike_auc: f64,
    pub voltage_ev: f64,
    pub voltage_rmse_mv: f64,
    /// (step, bce, voltage mse) every few steps.
    pub loss_curve: Vec<(usize, f64, f64)>,
    /// Learned voltage kernel (mV per input spike) [row][lag], and the true one.
    pub learned_kernel: Vec<Vec<f64>>,
    pub true_kernel: Vec<Vec<f64>>,
    /// One test simulation for figures.
    pub example: IfExample,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct IfExample {
    pub events: Vec<(u32, u16)>,
    pub voltage_true_mv: Vec<f32>,
    pub voltage_pred_mv: Vec<f32>,
    pub spikes: Vec<f32>,
    pub spike_prob: Vec<f32>,
}

fn tensor3(buf: Vec<f32>, shape: [usize; 3], device: &Device) -> Tensor<3> {
    Tensor::from_data(TensorData::new(buf, shape), device)
}

fn tensor2(buf: Vec<f32>, shape: [usize; 2], device: &Device) -> Tensor<2> {
    Tensor::from_data(TensorData::new(buf, shape), device)
}

fn to_vec(t: Tensor<2>) -> Vec<f32> {
    t.into_data().try_to_vec().expect("f32 tensor")
}

/// Run the study. `progress` is called with (step, bce, mse) every 50 steps.
pub fn run(cfg: &IfStudyConfig, mut progress: impl FnMut(usize, f64, f64)) -> Result<IfStudyResult> {
    cfg.validate()?;
    let cell = IfCell::published(cfg.inputs.num_exc, cfg.inputs.num_inh);
    let train = IfData::simulate(&cell, &cfg.inputs, cfg.train_sims, cfg.seed, Purpose::TrainInputs);
    let test = IfData::simulate(&cell, &cfg.inputs, cfg.test_sims, cfg.seed, Purpose::TestInputs);
    let rows = cfg.inputs.rows();
    let (ne, ni) = (cfg.inputs.num_exc, cfg.inputs.num_inh);
    let exc_rate = train.inputs.iter().map(|x| x.mean_rate_hz(0..ne)).sum::<f64>() / train.inputs.len() as f64;
    let inh_rate = train.inputs.iter().map(|x| x.mean_rate_hz(ne..ne + ni)).sum::<f64>() / train.inputs.len() as f64;

    // Voltage normalisation from the training set.
    let all: Vec<f64> = train.voltage_mv.iter().flatten().map(|&v| v as f64).collect();
    let v_mean = all.iter().sum::<f64>() / all.len() as f64;
    let v_sd = (all.iter().map(|v| (v - v_mean).powi(2)).sum::<f64>() / all.len() as f64).sqrt().max(1e-6);

    let device = Device::flex().autodiff();
    let rate = (train.output_rate_hz() / 1000.0).clamp(1e-5, 0.5);
    let spike_bias = (rate / (1.0 - rate)).ln() as f32;
    let mut model = OneFilterNet::new(rows, cfg.kernel_ms, spike_bias, &mut stream(cfg.seed, 0, Purpose::NetworkInit), &device);
    let mut optim = AdamConfig::new().init();
    let mut batch_rng = stream(cfg.seed, 0, Purpose::Batches);
    let (k, w) = (cfg.kernel_ms, cfg.window_ms);
    let lin = w + k - 1;
    let d = cfg.inputs.duration_ms;
    let mut loss_curve = Vec::new();
    let mut xbuf = vec![0.0f32; rows * lin];
    for step in 0..cfg.steps {
        let mut xs = Vec::with_capacity(cfg.batch * rows * lin);
        let mut ys = Vec::with_capacity(cfg.batch * w);
        let mut vs = Vec::with_capacity(cfg.batch * w);
        for _ in 0..cfg.batch {
            let sim = batch_rng.random_range(0..train.inputs.len());
            let t0 = batch_rng.random_range(0..=d - lin);
            train.inputs[sim].window_into(t0, lin, &mut xbuf);
            xs.extend_from_slice(&xbuf);
            ys.extend_from_slice(&train.spikes[sim][t0 + k - 1..t0 + lin]);
            vs.extend(train.voltage_mv[sim][t0 + k - 1..t0 + lin].iter().map(|&v| ((v as f64 - v_mean) / v_sd) as f32));
        }
        let x = tensor3(xs, [cfg.batch, rows, lin], &device);
        let y = tensor2(ys, [cfg.batch, w], &device);
        let v = tensor2(vs, [cfg.batch, w], &device);
        let (logit, volt) = model.forward(x);
        // Only outputs with a full kernel of real history enter the loss.
        let logit = logit.narrow(1, k - 1, w);
        let volt = volt.narrow(1, k - 1, w);
        let bce = bce_with_logits(logit, y);
        let mse = (volt - v).square().mean();
        let loss = bce.clone() + mse.clone().mul_scalar(cfg.voltage_weight);
        let grads = GradientsParams::from_grads(loss.backward(), &model);
        let frac = step as f64 / cfg.steps as f64;
        let lr = cfg.lr / 100.0 + 0.5 * (cfg.lr - cfg.lr / 100.0) * (1.0 + (std::f64::consts::PI * frac).cos());
        model = optim.step(lr, model, grads);
        if step % 50 == 0 || step + 1 == cfg.steps {
            let b: f32 = bce.into_scalar();
            let m: f32 = mse.into_scalar();
            loss_curve.push((step, b as f64, m as f64));
            progress(step, b as f64, m as f64);
        }
    }

    // Evaluate on whole test simulations (zero history before t = 0 is exact: the cell
    // starts at rest with no earlier input).
    let model = model.valid();
    let eval_device = Device::flex();
    let mut probs: Vec<f64> = Vec::new();
    let mut vpred: Vec<f64> = Vec::new();
    let mut example = None;
    for (i, x) in test.inputs.iter().enumerate() {
        let mut buf = vec![0.0f32; rows * d];
        x.window_into(0, d, &mut buf);
        let (logit, volt) = model.forward(tensor3(buf, [1, rows, d], &eval_device));
        let p = to_vec(sigmoid(logit));
        let vp: Vec<f32> = to_vec(volt).iter().map(|&v| (v as f64 * v_sd + v_mean) as f32).collect();
        if i == 0 {
            example = Some(IfExample {
                events: x.events.clone(),
                voltage_true_mv: test.voltage_mv[0].clone(),
                voltage_pred_mv: vp.clone(),
                spikes: test.spikes[0].clone(),
                spike_prob: p.clone(),
            });
        }
        probs.extend(p.iter().map(|&v| v as f64));
        vpred.extend(vp.iter().map(|&v| v as f64));
    }
    let truth_spk: Vec<bool> = test.spikes.iter().flatten().map(|&s| s > 0.5).collect();
    let truth_v: Vec<f64> = test.voltage_mv.iter().flatten().map(|&v| v as f64).collect();
    let spike_auc = lfdeep_metrics::roc_auc(&truth_spk, &probs).unwrap_or(f64::NAN);
    let voltage_ev = lfdeep_metrics::explained_variance(&truth_v, &vpred);
    let voltage_rmse_mv = lfdeep_metrics::rmse(&truth_v, &vpred);

    // The model's voltage kernel in mV per input spike: a_v · filter · sd.
    let gain = model.voltage_gain() * v_sd;
    let learned: Vec<Vec<f64>> = model.filter_by_lag().iter().map(|r| r.iter().map(|v| v * gain).collect()).collect();
    let truth = cell.voltage_kernel(k);
    let flat = |m: &Vec<Vec<f64>>| m.iter().flatten().copied().collect::<Vec<f64>>();
    let filter_corr = lfdeep_metrics::pearson(&flat(&learned), &flat(&truth));
    let profile = |m: &Vec<Vec<f64>>, r: std::ops::Range<usize>| -> Vec<f64> {
        let n = r.len() as f64;
        (0..k).map(|lag| m[r.clone()].iter().map(|row| row[lag]).sum::<f64>() / n).collect()
    };
    let exc_profile_corr = lfdeep_metrics::pearson(&profile(&learned, 0..ne), &profile(&truth, 0..ne));
    let inh_profile_corr = if ni > 0 {
        lfdeep_metrics::pearson(&profile(&learned, ne..rows), &profile(&truth, ne..rows))
    } else {
        f64::NAN
    };
    Ok(IfStudyResult {
        train_output_rate_hz: train.output_rate_hz(),
        test_output_rate_hz: test.output_rate_hz(),
        train_exc_input_rate_hz: exc_rate,
        train_inh_input_rate_hz: inh_rate,
        filter_corr,
        exc_profile_corr,
        inh_profile_corr,
        spike_auc,
        voltage_ev,
        voltage_rmse_mv,
        loss_curve,
        learned_kernel: learned,
        true_kernel: truth,
        example: example.expect("at least one test simulation"),
    })
}
