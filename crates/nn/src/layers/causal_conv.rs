//! Causal dilated 1-D convolution, optionally weight-normalised (Salimans & Kingma 2016,
//! as in the TCN blocks of Bai et al. used by LFDeep).
//!
//! Output at time t depends only on inputs at t, t−d, …, t−(k−1)d: the input is padded with
//! (k−1)·d zeros on the left only, so a window's first steps see "silence" before it.
//!
//! Several ways to compute the same convolution (see [`ConvAlgorithm`]): Burn's `conv1d`, or
//! matmuls by hand. On CUDA Burn autotunes `conv1d` over ten candidate kernels per shape for
//! each of forward, data and weight gradient; with it the first TCN training step had not
//! finished after 220 s on an H200 (BENCHMARKS.md, 2026-11-22). The matmul forms leave only
//! matmuls and copies to compile and tune:
//! - im2col (`Matmul`): the k shifted copies of the padded input stacked on the channel axis,
//!   one matmul with the kernel laid out tap-major. Its cost is memory: the columns hold the
//!   input k times over (1278 inputs × 39 taps for the TCN's first layer, 10 GB per training
//!   batch of 128 × 400 ms; 95.9 GB for an inference chunk of 256 × 1886 ms, which failed).
//! - `Shift`: one matmul of every tap's kernel against the unshifted input (k·out rows), then
//!   each tap's rows read shifted and summed. It holds k·out rows where im2col holds k·in, 10×
//!   less for the first layer (128 outputs, 1278 inputs); `Auto` on a GPU takes it for layers
//!   with more inputs than outputs. Measured on an H200 (2026-12-02): TCN step 78.2 ms with
//!   `Auto` against 92.4 ms with im2col everywhere, and inference at batch 256 ran.
//! - `Taps`: one matmul per tap, summed (no k-fold copy; k launches); not yet timed on a GPU.
//!
//! In bf16/f16, im2col and `Shift` fold the batch into the matmul's columns
//! ([`super::folded_conv`]): one matmul per layer instead of one per batch element, so the
//! kernel's gradient is one matmul over batch × time rather than per-sample gradients summed
//! afterwards. Measured on an H100 (BENCHMARKS.md, eleventh session) that made the TCN's bf16
//! step 1.45× faster but its f32 step 1.22× slower, so f32 keeps the batched matmuls.

use burn::module::Param;
use burn::prelude::*;
use burn::tensor::module::conv1d;
use burn::tensor::ops::ConvOptions;
use rand_chacha::ChaCha8Rng;

use super::folded_conv;
use super::init;

/// How [`CausalConv1d::forward`] computes the convolution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvAlgorithm {
    /// Burn's `conv1d` (the backend's own kernels and autotuning).
    Burn,
    /// im2col: stack the k shifted inputs on the channel axis, one matmul.
    Matmul,
    /// One matmul per tap on the shifted input, summed: no k-fold copy of the input (k times
    /// less memory than `Matmul`, k times more matmul launches).
    Taps,
    /// One matmul W[(out, tap), in] · x, then the shifted sum over taps: k·out rows held
    /// instead of im2col's k·in.
    Shift,
    /// On GPU backends `Shift` for layers with more input than output channels, else `Matmul`;
    /// `Burn` on the Flex CPU backend (where Burn's direct convolution needs no k-fold copy).
    Auto,
}

impl ConvAlgorithm {
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "burn" => Some(Self::Burn),
            "matmul" => Some(Self::Matmul),
            "taps" => Some(Self::Taps),
            "shift" => Some(Self::Shift),
            "auto" => Some(Self::Auto),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Burn => "burn",
            Self::Matmul => "matmul",
            Self::Taps => "taps",
            Self::Shift => "shift",
            Self::Auto => "auto",
        }
    }
}

/// Process-wide choice; `None` until set or first read (then `LFDEEP_CONV`, else `Auto`).
static ALGORITHM: std::sync::Mutex<Option<ConvAlgorithm>> = std::sync::Mutex::new(None);

/// Chooses the convolution algorithm of every [`CausalConv1d`] in this process.
pub fn set_conv_algorithm(a: ConvAlgorithm) {
    *ALGORITHM.lock().unwrap_or_else(|e| e.into_inner()) = Some(a);
}

/// The process-wide choice: what [`set_conv_algorithm`] set, else the environment variable
/// `LFDEEP_CONV` (`burn`, `matmul`, `taps`, `shift`, `auto`), else `Auto`.
pub fn conv_algorithm() -> ConvAlgorithm {
    *ALGORITHM.lock().unwrap_or_else(|e| e.into_inner()).get_or_insert_with(|| match std::env::var("LFDEEP_CONV") {
        Err(_) => ConvAlgorithm::Auto,
        Ok(v) => ConvAlgorithm::from_name(v.trim()).unwrap_or_else(|| {
            eprintln!("warning: LFDEEP_CONV={v:?} is not one of burn, matmul, taps, shift, auto; using auto");
            ConvAlgorithm::Auto
        }),
    })
}

/// The process-wide choice on `device`: `Auto` resolved to `Burn` on the Flex CPU backend,
/// left `Auto` (chosen per layer, see [`CausalConv1d::algorithm_on`]) on GPU backends.
pub fn conv_algorithm_on(device: &Device) -> ConvAlgorithm {
    match conv_algorithm() {
        ConvAlgorithm::Auto if is_flex(device) => ConvAlgorithm::Burn,
        a => a,
    }
}

/// The algorithm `Auto` takes on a GPU for a layer of `in_ch` → `out_ch` channels: `Shift` when
/// it holds fewer rows (k·out against im2col's k·in), else `Matmul`.
pub fn auto_algorithm_for(in_ch: usize, out_ch: usize) -> ConvAlgorithm {
    if in_ch > out_ch { ConvAlgorithm::Shift } else { ConvAlgorithm::Matmul }
}

/// Scratch values per batch element and time step that one layer's forward pass holds beside its
/// input and output, by algorithm (for sizing chunks of long sequences): im2col's k·in stacked
/// columns; one shifted input copy per tap; `Shift`'s k·out product rows and their padded copy.
/// (The folded forms of bf16/f16 also copy the input once, at half the bytes; not counted.)
pub fn scratch_per_step(algorithm: ConvAlgorithm, in_ch: usize, out_ch: usize, kernel_size: usize) -> usize {
    match algorithm {
        ConvAlgorithm::Burn => 0,
        ConvAlgorithm::Matmul => in_ch * kernel_size,
        ConvAlgorithm::Taps => in_ch + out_ch,
        ConvAlgorithm::Shift => 2 * out_ch * kernel_size,
        ConvAlgorithm::Auto => scratch_per_step(auto_algorithm_for(in_ch, out_ch), in_ch, out_ch, kernel_size),
    }
}

/// Whether `device` is the Flex CPU backend (autodiff or not).
fn is_flex(device: &Device) -> bool {
    matches!(device.clone().without_autodiff().as_dispatch(), burn::backend::DispatchDevice::Flex(_))
}

#[derive(Config, Debug)]
pub struct CausalConv1dConfig {
    pub in_channels: usize,
    pub out_channels: usize,
    pub kernel_size: usize,
    #[config(default = 1)]
    pub dilation: usize,
    /// Reparameterise w = g · v / ‖v‖ per output channel.
    #[config(default = false)]
    pub weight_norm: bool,
    /// Standard deviation of the truncated-normal kernel init; `None` gives the
    /// PyTorch-style uniform bound 1/√(in·k).
    #[config(default = "None")]
    pub init_std: Option<f64>,
}

#[derive(Module, Debug)]
pub struct CausalConv1d {
    /// Kernel [out, in, k] (the direction v when weight-normalised).
    pub weight: Param<Tensor<3>>,
    /// Per-output-channel gain g (weight norm only).
    pub gain: Option<Param<Tensor<1>>>,
    pub bias: Param<Tensor<1>>,
    pub kernel_size: usize,
    pub dilation: usize,
}

impl CausalConv1dConfig {
    pub fn init(&self, device: &Device, rng: &mut ChaCha8Rng) -> CausalConv1d {
        let shape = [self.out_channels, self.in_channels, self.kernel_size];
        let fan_in = (self.in_channels * self.kernel_size) as f64;
        let weight = match self.init_std {
            Some(std) => init::truncated_normal(shape, std, rng, device),
            None => init::uniform(shape, 1.0 / fan_in.sqrt(), rng, device),
        };
        let gain = self.weight_norm.then(|| {
            // g = ‖v‖ at init, so the reparameterised kernel starts equal to v.
            let norms = weight.val().powf_scalar(2.0).sum_dim(2).sum_dim(1).sqrt().reshape([self.out_channels]);
            Param::from_data(norms.into_data(), device)
        });
        CausalConv1d {
            weight,
            gain,
            bias: init::uniform([self.out_channels], 1.0 / fan_in.sqrt(), rng, device),
            kernel_size: self.kernel_size,
            dilation: self.dilation,
        }
    }
}

impl CausalConv1d {
    /// Number of past steps each output sees (receptive field − 1).
    pub fn history(&self) -> usize {
        (self.kernel_size - 1) * self.dilation
    }

    /// The kernel actually applied (weight norm folded in).
    pub fn effective_weight(&self) -> Tensor<3> {
        let v = self.weight.val();
        match &self.gain {
            None => v,
            Some(g) => {
                let [o, _, _] = v.dims();
                let norm = v.clone().powf_scalar(2.0).sum_dim(2).sum_dim(1).sqrt(); // [o,1,1]
                let g = g.val().reshape([o, 1, 1]);
                v * (g / norm)
            }
        }
    }

    /// The algorithm this layer uses on `device`: the process-wide choice, with `Auto` on a GPU
    /// resolved by shape (`Shift` when in > out, whose rows k·out are then fewer than im2col's
    /// k·in; else `Matmul`).
    pub fn algorithm_on(&self, device: &Device) -> ConvAlgorithm {
        match conv_algorithm_on(device) {
            ConvAlgorithm::Auto => self.auto_algorithm(),
            a => a,
        }
    }

    fn auto_algorithm(&self) -> ConvAlgorithm {
        let [o, c, _] = self.weight.dims();
        auto_algorithm_for(c, o)
    }

    /// x [batch, in, time] → [batch, out, time].
    pub fn forward(&self, x: Tensor<3>) -> Tensor<3> {
        let algorithm = self.algorithm_on(&x.device());
        self.forward_with(x, algorithm)
    }

    /// [`Self::forward`] with an explicit algorithm (`Auto` chosen by shape as on a GPU).
    pub fn forward_with(&self, x: Tensor<3>, algorithm: ConvAlgorithm) -> Tensor<3> {
        let algorithm = if algorithm == ConvAlgorithm::Auto { self.auto_algorithm() } else { algorithm };
        let [b, c, t] = x.dims();
        let pad = self.history();
        let x = if pad > 0 {
            let zeros = Tensor::zeros([b, c, pad], &x.device());
            Tensor::cat(vec![zeros, x], 2)
        } else {
            x
        };
        match algorithm {
            ConvAlgorithm::Burn => conv1d(x, self.effective_weight(), Some(self.bias.val()), ConvOptions::new([1], [0], [self.dilation], 1)),
            ConvAlgorithm::Matmul | ConvAlgorithm::Auto if folded_conv::folds(&x) => self.forward_im2col(x),
            ConvAlgorithm::Matmul | ConvAlgorithm::Auto => self.forward_im2col_batched(x, t),
            ConvAlgorithm::Taps => self.forward_taps(x, t),
            ConvAlgorithm::Shift if folded_conv::folds(&x) => self.forward_shift(x),
            ConvAlgorithm::Shift => self.forward_shift_batched(x, t),
        }
    }

    /// f32: im2col on the left-padded input xp [batch, in, time + history]: column block j holds
    /// xp[.., j·d .. j·d + time] (tap j), so y = W' · cols with W' [out, k·in] tap-major.
    fn forward_im2col_batched(&self, xp: Tensor<3>, t: usize) -> Tensor<3> {
        let k = self.kernel_size;
        let w = self.effective_weight(); // [o, c, k]
        let [o, c, _] = w.dims();
        let cols = if k == 1 {
            xp
        } else {
            let taps = (0..k).map(|j| xp.clone().narrow(2, j * self.dilation, t)).collect();
            Tensor::cat(taps, 1) // [b, k·c, t]
        };
        let w = w.swap_dims(1, 2).reshape([1, o, k * c]); // [1, o, k·c], tap-major
        w.matmul(cols) + self.bias.val().reshape([1, o, 1])
    }

    /// bf16/f16: im2col as [`Self::forward_im2col_batched`], one matmul with the batch folded
    /// into its columns ([`folded_conv::im2col`]).
    fn forward_im2col(&self, xp: Tensor<3>) -> Tensor<3> {
        let y = folded_conv::im2col(xp.unsqueeze_dim::<4>(1), self.effective_weight().unsqueeze_dim::<4>(0), self.dilation);
        self.squeeze_group(y)
    }

    /// y = b + Σ_j W[.., j] · xp[.., j·d .. j·d + time], one matmul per tap.
    fn forward_taps(&self, xp: Tensor<3>, t: usize) -> Tensor<3> {
        let w = self.effective_weight(); // [o, c, k]
        let [o, c, k] = w.dims();
        let mut y = self.bias.val().reshape([1, o, 1]);
        for j in 0..k {
            let wj = w.clone().narrow(2, j, 1).reshape([1, o, c]);
            y = y + wj.matmul(xp.clone().narrow(2, j * self.dilation, t));
        }
        y
    }

    /// f32: Z = W[(o, j), c] · xp [batch, out·k, time + history], then y[o, t] = b[o] + Σ_j Z[(o, j),
    /// j·d + t], the shifted read done as a reshape ([`shifted_sum`]). All of it is plain tensor
    /// ops, so autodiff gives the weight gradient as one matmul too.
    fn forward_shift_batched(&self, xp: Tensor<3>, t: usize) -> Tensor<3> {
        let w = self.effective_weight(); // [o, c, k]
        let [o, c, k] = w.dims();
        let [b, _, l] = xp.dims();
        let w = w.swap_dims(1, 2).reshape([1, o * k, c]); // rows (o, j)
        let z = w.matmul(xp).reshape([b, 1, o, k * l]); // [b, 1, o, k·L]
        shifted_sum(z, k, t, self.dilation).reshape([b, o, t]) + self.bias.val().reshape([1, o, 1])
    }

    /// bf16/f16: Z = W[(o, j), c] · xp, one matmul with the batch folded into its columns (out·k rows),
    /// then y[o, t] = b[o] + Σ_j Z[(o, j), j·d + t], the shifted read done as a reshape
    /// ([`folded_conv::shift`]). All of it is plain tensor ops, so autodiff gives the weight
    /// gradient as one matmul too.
    fn forward_shift(&self, xp: Tensor<3>) -> Tensor<3> {
        let y = folded_conv::shift(xp.unsqueeze_dim::<4>(1), self.effective_weight().unsqueeze_dim::<4>(0), self.dilation);
        self.squeeze_group(y)
    }

    /// [batch, 1, out, time] from a one-group folded convolution → [batch, out, time] + bias.
    fn squeeze_group(&self, y: Tensor<4>) -> Tensor<3> {
        let [b, _, o, t] = y.dims();
        y.reshape([b, o, t]) + self.bias.val().reshape([1, o, 1])
    }
}

/// The shifted read of the `Shift` form. z [batch, G, out, k·L] holds, per channel, the k taps'
/// products over a padded time axis of length L, tap-major; returns y[.., τ] = Σ_j z[.., j·L +
/// j·d + τ] for τ < t (t ≤ L − (k − 1)·d). The read is a reshape: padding each k·L block with
/// k·d zeros and viewing it as [k, L + d] puts z[j·L + j·d + τ] at [j, τ], since
/// j·(L + d) + τ = j·L + j·d + τ; the sum over j is then one reduction. Used by
/// [`CausalConv1d`] (G = 1), the grouped encoders and the batch-folded forms (where L is
/// batch × padded time).
pub(super) fn shifted_sum(z: Tensor<4>, k: usize, t: usize, d: usize) -> Tensor<4> {
    let [b, g, o, kl] = z.dims();
    if k == 1 {
        return z.narrow(3, 0, t);
    }
    let l = kl / k;
    let zeros = Tensor::zeros([b, g, o, k * d], &z.device());
    let z = Tensor::cat(vec![z, zeros], 3);
    z.reshape([b, g, o, k, l + d]).narrow(4, 0, t).sum_dim(3).reshape([b, g, o, t])
}
