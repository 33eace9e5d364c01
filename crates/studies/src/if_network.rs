//! The network of the integrate-and-fire figure: one causal Conv1d layer with a single
//! filter over all input rows (kernel 80 ms, linear), then two 1×1 heads on that one
//! channel: a sigmoid spike head and a linear voltage head. Written with raw parameters
//! so the filter can be read back as a [row][lag] array.

use burn::module::{Module, Param};
use burn::tensor::module::conv1d;
use burn::tensor::ops::ConvOptions;
use burn::tensor::{Device, Tensor, TensorData};
use rand::Rng;
use rand_distr::{Distribution, Normal};

#[derive(Module, Debug)]
pub struct OneFilterNet {
    /// [1, rows, kernel]; index `kernel − 1` multiplies the current ms (lag 0).
    pub filter: Param<Tensor<3>>,
    pub filter_bias: Param<Tensor<1>>,
    /// Heads: spike logit = a_s·z + b_s, voltage = a_v·z + b_v; each [1, 1].
    pub spike_w: Param<Tensor<2>>,
    pub spike_b: Param<Tensor<2>>,
    pub volt_w: Param<Tensor<2>>,
    pub volt_b: Param<Tensor<2>>,
    pub kernel: usize,
}

fn param2(v: f32, device: &Device) -> Param<Tensor<2>> {
    Param::from_tensor(Tensor::from_data(TensorData::new(vec![v], [1, 1]), device))
}

impl OneFilterNet {
    /// Filter ~ N(0, 0.01²) (small, so the heads and filter grow together), head weights 1
    /// (voltage) and 0.1 (spike), spike bias `spike_bias` (published: −2.5; the study uses
    /// the logit of the training spike rate, so that a few hundred CPU steps are not spent
    /// learning the base rate, during which a negative spike weight is a shortcut).
    pub fn new(rows: usize, kernel: usize, spike_bias: f32, rng: &mut impl Rng, device: &Device) -> Self {
        let normal = Normal::new(0.0f32, 0.01).expect("valid normal");
        let w: Vec<f32> = (0..rows * kernel).map(|_| normal.sample(rng)).collect();
        OneFilterNet {
            filter: Param::from_tensor(Tensor::from_data(TensorData::new(w, [1, rows, kernel]), device)),
            filter_bias: Param::from_tensor(Tensor::from_data(TensorData::new(vec![0.0f32], [1]), device)),
            spike_w: param2(0.1, device),
            spike_b: param2(spike_bias, device),
            volt_w: param2(1.0, device),
            volt_b: param2(0.0, device),
            kernel,
        }
    }

    /// x: [batch, rows, time] → (spike logits, voltage), each [batch, time]. Causal: the
    /// output at t sees inputs t − kernel + 1 ..= t (zeros before the start).
    pub fn forward(&self, x: Tensor<3>) -> (Tensor<2>, Tensor<2>) {
        let [b, _, t] = x.dims();
        let opts = ConvOptions::new_with_padding([1], [(self.kernel - 1, 0)], [1], 1);
        let z = conv1d(x, self.filter.val(), Some(self.filter_bias.val()), opts).reshape([b, t]);
        let logit = z.clone() * self.spike_w.val() + self.spike_b.val();
        let volt = z * self.volt_w.val() + self.volt_b.val();
        (logit, volt)
    }

    /// The filter as [row][lag] (lag 0 = the current ms).
    pub fn filter_by_lag(&self) -> Vec<Vec<f64>> {
        let [_, rows, k] = self.filter.val().dims();
        let w: Vec<f32> = self.filter.val().into_data().try_to_vec().expect("f32 filter");
        (0..rows).map(|r| (0..k).map(|lag| w[r * k + (k - 1 - lag)] as f64).collect()).collect()
    }

    /// The voltage head's weight a_v: the filter times a_v is the model's voltage kernel.
    pub fn voltage_gain(&self) -> f64 {
        let v: Vec<f32> = self.volt_w.val().into_data().try_to_vec().expect("f32");
        v[0] as f64
    }
}

/// Binary cross-entropy with logits, mean over elements, in the stable form
/// max(z, 0) − z·y + log(1 + e^(−|z|)).
pub fn bce_with_logits(logit: Tensor<2>, target: Tensor<2>) -> Tensor<1> {
    let pos = logit.clone().clamp_min(0.0);
    let soft = logit.clone().abs().neg().exp().log1p();
    (pos - logit * target + soft).mean()
}
