//! Shared pieces of the `lfdeep bench` subcommands: repository root, device and dtype setup,
//! model presets at benchmark sizes, random device data, medians, tables, JSON output.

use anyhow::{bail, Context, Result};
use burn::prelude::*;
use burn::tensor::{Distribution, FloatDType};
use lfdeep_nn::data::{InputMode, WindowSpec};
use lfdeep_nn::layers::ConvAlgorithm;
use lfdeep_nn::models::ModelShape;
use lfdeep_nn::train::RunConfig;
use std::path::{Path, PathBuf};

/// The repository root: `$LFDEEP_ROOT`, else the first ancestor of the current directory
/// holding `oracle/neuron_cell.py`.
pub fn repo_root() -> Result<PathBuf> {
    if let Some(r) = std::env::var_os("LFDEEP_ROOT") {
        return Ok(PathBuf::from(r));
    }
    let mut d = std::env::current_dir()?;
    loop {
        if d.join("oracle/neuron_cell.py").exists() {
            return Ok(d);
        }
        if !d.pop() {
            bail!("cannot find oracle/neuron_cell.py above the current directory (set LFDEEP_ROOT)");
        }
    }
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dtype {
    F32,
    Bf16,
}

impl Dtype {
    pub fn name(self) -> &'static str {
        match self {
            Dtype::F32 => "f32",
            Dtype::Bf16 => "bf16",
        }
    }
}

/// What `bench train` and `bench infer` share: where and how the models run, and the data
/// layout they are sized for.
#[derive(clap::Args, Debug)]
pub struct ModelBenchArgs {
    /// cpu, cuda or cuda:N.
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Float type; one per process (Burn fixes it before the first tensor). bf16 needs a device
    /// that reports support for it (CUDA does; so does the Flex CPU backend, slowly).
    #[arg(long, value_enum, default_value = "f32")]
    pub dtype: Dtype,
    /// How the causal convolutions are computed: `burn` (Burn's conv1d and its autotuned
    /// kernels), `matmul` (im2col: shifted copies stacked, one matmul), `taps` (one matmul per
    /// kernel tap, no stacked copy), `shift` (one matmul of all taps' kernels, then shifted
    /// sums), `auto` (on GPU shift where a layer has more inputs than outputs, else matmul;
    /// burn on CPU). Default: the
    /// environment variable LFDEEP_CONV (which every subcommand reads), else auto.
    #[arg(long, value_parser = parse_conv)]
    pub conv: Option<ConvAlgorithm>,
    /// Synaptic inputs (NeuronIO: 1278).
    #[arg(long, default_value_t = 1278)]
    pub synapses: usize,
    /// Dendritic segments (NeuronIO: 639); teacher mode feeds back segments + soma.
    #[arg(long, default_value_t = 639)]
    pub segments: usize,
    /// Folder of the presets (default: <repo>/configs).
    #[arg(long)]
    pub configs: Option<PathBuf>,
}

fn parse_conv(name: &str) -> std::result::Result<ConvAlgorithm, String> {
    ConvAlgorithm::from_name(name).ok_or_else(|| format!("'{name}' is not one of burn, matmul, taps, shift, auto"))
}

impl ModelBenchArgs {
    /// Sets the convolution algorithm and returns the device (see [`bench_device`]).
    pub fn setup(&self) -> Result<Device> {
        if let Some(a) = self.conv {
            lfdeep_nn::layers::set_conv_algorithm(a);
        }
        bench_device(&self.device, self.dtype)
    }

    pub fn configs_dir(&self) -> Result<PathBuf> {
        match &self.configs {
            Some(c) => Ok(c.clone()),
            None => Ok(repo_root()?.join("configs")),
        }
    }
}

/// The device by name with its default float type set. Burn fixes a device's float type when
/// the first tensor is created on it, so this must run before anything touches the device,
/// and one process benchmarks one dtype.
pub fn bench_device(name: &str, dtype: Dtype) -> Result<Device> {
    let mut dev = lfdeep_nn::device_from_name(name)?;
    if dtype == Dtype::Bf16 {
        if !dev.supports_dtype(FloatDType::BF16) {
            bail!("--dtype bf16: device '{name}' does not support bf16 arithmetic (use --dtype f32, or --device cuda)");
        }
        dev.configure(FloatDType::BF16)
            .map_err(|e| anyhow::anyhow!("--dtype bf16: cannot set the float type of device '{name}': {e:?}"))?;
    }
    Ok(dev)
}

/// A preset (`configs/<model>.toml`) at benchmark size: the window (default: the preset's),
/// the batch size, the data layout of NeuronIO (synapses, dendritic segments).
pub struct Preset {
    pub cfg: RunConfig,
    pub spec: WindowSpec,
    pub shape: ModelShape,
}

pub fn preset(configs: &Path, model: &str, window: Option<usize>, batch: usize, n_synapses: usize, n_segments: usize) -> Result<Preset> {
    let path = configs.join(format!("{model}.toml"));
    let mut overrides = vec![format!("batch_size={batch}")];
    if let Some(w) = window {
        overrides.push(format!("window_ms={w}"));
        // A sequence model needs target steps after its burn-in: keep the preset's burn-in
        // when it fits, else a third of the window.
        let base = RunConfig::from_file(&path, &[]).with_context(|| format!("preset {}", path.display()))?;
        if base.model.is_sequence() && base.data.burn_in_ms >= w {
            overrides.push(format!("data.burn_in_ms={}", w / 3));
        }
    }
    let cfg = RunConfig::from_file(&path, &overrides).with_context(|| format!("preset {} with {overrides:?}", path.display()))?;
    let d = &cfg.data;
    let spec = WindowSpec {
        window: d.window_ms,
        out_steps: cfg.out_steps(),
        mode: d.input_mode,
        n_synapses,
        n_segments,
        dend_targets: match (d.predict_dendrites, d.pca_components) {
            (false, _) => 0,
            (true, 0) => n_segments,
            (true, k) => k,
        },
    };
    let shape = ModelShape { in_channels: spec.channels(), n_targets: spec.n_targets(), window: spec.window };
    Ok(Preset { cfg, spec, shape })
}

/// Random inputs [batch, channels, window] on the device: ~1 % dense binary spikes, then (teacher
/// mode) N(0, 1) z-scored voltages — never zeros, so no kernel sees a trivially sparse input.
pub fn random_inputs(spec: &WindowSpec, batch: usize, window: usize, device: &Device) -> Tensor<3> {
    let spikes = Tensor::<3>::random([batch, spec.n_synapses, window], Distribution::Bernoulli(0.01), device);
    match spec.mode {
        InputMode::Inputs => spikes,
        InputMode::Teacher => {
            let v = Tensor::<3>::random([batch, spec.n_segments + 1, window], Distribution::Normal(0.0, 1.0), device);
            Tensor::cat(vec![spikes, v], 1)
        }
    }
}

/// Random targets [batch, out_steps, targets]: spike 0/1 (~1 %), voltages N(0, 1).
pub fn random_targets(spec: &WindowSpec, batch: usize, device: &Device) -> Tensor<3> {
    let spike = Tensor::<3>::random([batch, spec.out_steps, 1], Distribution::Bernoulli(0.01), device);
    let v = Tensor::<3>::random([batch, spec.out_steps, spec.n_targets() - 1], Distribution::Normal(0.0, 1.0), device);
    Tensor::cat(vec![spike, v], 2)
}

pub fn median(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Prints rows under a header, columns right-aligned to the widest cell.
pub fn print_table(header: &[&str], rows: &[Vec<String>]) {
    let mut width: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for r in rows {
        for (w, c) in width.iter_mut().zip(r) {
            *w = (*w).max(c.chars().count());
        }
    }
    let line = |cells: Vec<String>| cells.iter().zip(&width).map(|(c, w)| format!("{c:>w$}")).collect::<Vec<_>>().join("  ");
    println!("{}", line(header.iter().map(|s| s.to_string()).collect()));
    for r in rows {
        println!("{}", line(r.clone()));
    }
}

pub fn write_json(path: Option<&Path>, value: &serde_json::Value) -> Result<()> {
    write_json_quiet(path, value)?;
    if let Some(p) = path {
        println!("wrote {}", p.display());
    }
    Ok(())
}

pub fn write_json_quiet(path: Option<&Path>, value: &serde_json::Value) -> Result<()> {
    if let Some(p) = path {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        std::fs::write(p, serde_json::to_string_pretty(value)?).with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(())
}

/// Blocks until the device has finished everything queued before `t` by reading back one
/// scalar that depends on it.
pub fn sync_on(t: Tensor<3>) -> f32 {
    t.sum().into_scalar::<f32>()
}

/// The text of a caught panic (device out of memory and similar surface as panics in Burn).
pub fn panic_message(e: Box<dyn std::any::Any + Send>) -> String {
    e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_else(|| "panic".into())
}
