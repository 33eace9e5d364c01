//! Run configuration: one TOML file (`configs/*.toml`) plus `key=value` overrides.
//!
//! Override keys are dotted paths into the file (`model.num_experts=8`, `train.lr=3e-4`);
//! the short forms `max_steps`, `batch_size`, `window_ms` and `seed` exist as well. Values are
//! parsed as TOML (`8`, `3e-4`, `true`, `"adamw"`, `[32, 16]`), bare words as strings.
//! Unknown keys, in the file or in an override, are errors naming the key.

use serde::{Deserialize, Serialize};

use crate::data::InputMode;
use crate::error::{NnError, Result};
use crate::models::ModelConfig;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RunConfig {
    #[serde(default = "default_seed")]
    pub seed: u64,
    #[serde(default)]
    pub data: DataConfig,
    pub model: ModelConfig,
    #[serde(default)]
    pub train: TrainConfig,
}

fn default_seed() -> u64 {
    0
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct DataConfig {
    /// Window length (ms = steps).
    pub window_ms: usize,
    /// Leading steps of a sequence model's window excluded from the loss.
    pub burn_in_ms: usize,
    pub batch_size: usize,
    /// Fraction of windows whose target holds a somatic spike.
    pub spike_fraction: f64,
    pub input_mode: InputMode,
    /// Predict every segment's voltage as well as spike and soma.
    pub predict_dendrites: bool,
    /// Compress the dendritic targets to this many whitened principal components (0: off).
    pub pca_components: usize,
    pub val_fraction: f64,
    pub test_fraction: f64,
    /// Fixed validation windows: this many batches, the same every epoch.
    pub val_batches: usize,
    /// Batches assembled ahead of the training step.
    pub prefetch: usize,
    /// Threads assembling those batches (0: one per core but one, at most 8). The batches are
    /// the same for any number; each thread holds up to ⌈prefetch / threads⌉ + 1 batches in
    /// memory (one TCN batch of 64 × 400 ms: 170 MB).
    pub loader_threads: usize,
    /// How `inputs`-mode training batches reach the device: `dense` (f32 per value) or
    /// `events` (an i32 index per spike, scattered into zeros on the device: ~75× fewer bytes
    /// for the default cell's ~1 % dense raster). Teacher-mode batches are always dense.
    pub input_upload: InputUpload,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InputUpload {
    Dense,
    Events,
}

impl Default for DataConfig {
    fn default() -> Self {
        DataConfig {
            window_ms: 100,
            burn_in_ms: 0,
            batch_size: 32,
            spike_fraction: 1.0 / 3.0,
            input_mode: InputMode::Teacher,
            predict_dendrites: true,
            pca_components: 0,
            val_fraction: 0.1,
            test_fraction: 0.1,
            val_batches: 8,
            prefetch: 4,
            loader_threads: 0,
            input_upload: InputUpload::Dense,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OptimizerKind {
    Adam,
    Adamw,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LrSchedule {
    Constant,
    /// Linear warm-up then cosine decay to `lr_min` at `max_steps`.
    Cosine,
    /// Multiply by `lr_decay` every `lr_decay_steps`.
    Step,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainConfig {
    pub max_steps: u64,
    pub steps_per_epoch: u64,
    pub optimizer: OptimizerKind,
    pub lr: f64,
    pub weight_decay: f64,
    pub schedule: LrSchedule,
    pub lr_min: f64,
    pub warmup_steps: u64,
    pub lr_decay: f64,
    pub lr_decay_steps: u64,
    /// Clip the gradient norm of each parameter tensor (0: off).
    pub grad_clip_norm: f64,
    pub spike_weight: f64,
    pub soma_weight: f64,
    pub dend_weight: f64,
    /// Stop after this many epochs without a validation improvement (0: never).
    pub patience: u64,
    pub min_delta: f64,
    /// Wall-clock budget of the run in seconds, counted from the start of `train` (data
    /// preparation included). Checked after every step: the step during which it ran out is
    /// the last, then validation and checkpoint run as at any stop. None: no budget.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_seconds: Option<f64>,
    /// On a non-finite loss, say where it came from: which parameters and batch parts were
    /// already non-finite, and the loss of the same batch replayed. Costs each single-device
    /// step a reference to the model and batch from before it (no copy, but the optimiser then
    /// cannot update parameters in place).
    pub explain_non_finite: bool,
    /// Check every gradient for NaN and infinity before each update (single device), and stop
    /// with an error naming the non-finite and the finite ones: which operation of the backward
    /// pass produced a NaN that a finite loss did not show. Costs one device read per step.
    pub check_gradients: bool,
}

impl Default for TrainConfig {
    fn default() -> Self {
        TrainConfig {
            max_steps: 1000,
            steps_per_epoch: 100,
            optimizer: OptimizerKind::Adam,
            lr: 1e-3,
            weight_decay: 0.0,
            schedule: LrSchedule::Constant,
            lr_min: 1e-6,
            warmup_steps: 0,
            lr_decay: 0.5,
            lr_decay_steps: 1000,
            grad_clip_norm: 0.0,
            spike_weight: 1.0,
            soma_weight: 1.0,
            dend_weight: 1.0,
            patience: 0,
            min_delta: 0.0,
            max_seconds: None,
            explain_non_finite: true,
            check_gradients: false,
        }
    }
}

const ALIASES: [(&str, &str); 4] =
    [("max_steps", "train.max_steps"), ("batch_size", "data.batch_size"), ("window_ms", "data.window_ms"), ("seed", "seed")];

fn leaf_paths(v: &toml::Value, prefix: &str, out: &mut Vec<String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                leaf_paths(v, &p, out);
            }
        }
        _ => out.push(prefix.to_string()),
    }
}

fn has_path(v: &toml::Value, path: &str) -> bool {
    let mut cur = v;
    for part in path.split('.') {
        match cur.get(part) {
            Some(n) => cur = n,
            None => return false,
        }
    }
    true
}

fn parse_value(raw: &str) -> toml::Value {
    toml::from_str::<toml::Table>(&format!("v = {raw}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| toml::Value::String(raw.to_string()))
}

impl RunConfig {
    /// Parses TOML text (`origin` names it in errors) and applies `key=value` overrides.
    pub fn from_toml(text: &str, origin: &str, overrides: &[String]) -> Result<Self> {
        let mut root: toml::Value =
            toml::from_str(text).map_err(|e| NnError::config(origin, e.to_string().trim().to_string()))?;
        let mut file_keys = Vec::new();
        leaf_paths(&root, "", &mut file_keys);
        let mut override_keys = Vec::new();
        for o in overrides {
            let (key, raw) = o
                .split_once('=')
                .ok_or_else(|| NnError::config(o.clone(), "an override must look like key=value"))?;
            let key = ALIASES.iter().find(|(a, _)| *a == key.trim()).map(|(_, p)| p.to_string()).unwrap_or_else(|| key.trim().to_string());
            let mut cur = &mut root;
            let parts: Vec<&str> = key.split('.').collect();
            for (i, part) in parts.iter().enumerate() {
                let table = cur
                    .as_table_mut()
                    .ok_or_else(|| NnError::config(key.clone(), format!("'{}' is not a table", parts[..i].join("."))))?;
                if i + 1 == parts.len() {
                    table.insert(part.to_string(), parse_value(raw.trim()));
                    break;
                }
                cur = table.entry(part.to_string()).or_insert_with(|| toml::Value::Table(Default::default()));
            }
            override_keys.push(key);
        }
        let cfg: RunConfig = root.clone().try_into().map_err(|e: toml::de::Error| NnError::config(origin, e.to_string().trim().to_string()))?;
        // Every key given must be one the config knows (serde would silently drop typos).
        let resolved = toml::Value::try_from(&cfg).map_err(|e| NnError::config(origin, e.to_string()))?;
        for k in file_keys.iter().chain(&override_keys) {
            if !has_path(&resolved, k) {
                return Err(NnError::config(k.clone(), format!("unknown key in {origin} or overrides")));
            }
        }
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn from_file(path: &std::path::Path, overrides: &[String]) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| NnError::io(path, e))?;
        Self::from_toml(&text, &path.display().to_string(), overrides)
    }

    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("run config serialises")
    }

    /// Steps per window whose targets enter the loss.
    pub fn out_steps(&self) -> usize {
        if self.model.is_sequence() {
            self.data.window_ms - self.data.burn_in_ms
        } else {
            1
        }
    }

    pub fn validate(&self) -> Result<()> {
        let d = &self.data;
        if d.window_ms == 0 {
            return Err(NnError::config("data.window_ms", "must be positive"));
        }
        if self.model.is_sequence() && d.burn_in_ms >= d.window_ms {
            return Err(NnError::config("data.burn_in_ms", format!("{} must be below window_ms {}", d.burn_in_ms, d.window_ms)));
        }
        if d.batch_size == 0 {
            return Err(NnError::config("data.batch_size", "must be positive"));
        }
        if self.train.steps_per_epoch == 0 {
            return Err(NnError::config("train.steps_per_epoch", "must be positive"));
        }
        if !(self.train.lr > 0.0) {
            return Err(NnError::config("train.lr", "must be positive"));
        }
        if let Some(s) = self.train.max_seconds {
            if !(s.is_finite() && s >= 0.0) {
                return Err(NnError::config("train.max_seconds", format!("{s} must be a finite number of seconds >= 0")));
            }
        }
        if matches!(self.model, ModelConfig::Elm(_)) && d.input_mode == InputMode::Teacher {
            return Err(NnError::config("data.input_mode", "the ELM neuron runs free: use input_mode = \"inputs\""));
        }
        Ok(())
    }
}

impl TrainConfig {
    /// Learning rate at optimiser step `step` (0-based).
    pub fn lr_at(&self, step: u64) -> f64 {
        match self.schedule {
            LrSchedule::Constant => self.lr,
            LrSchedule::Step => self.lr * self.lr_decay.powi((step / self.lr_decay_steps.max(1)) as i32),
            LrSchedule::Cosine => {
                if step < self.warmup_steps {
                    return self.lr * (step + 1) as f64 / self.warmup_steps as f64;
                }
                let span = self.max_steps.saturating_sub(self.warmup_steps).max(1) as f64;
                let f = ((step - self.warmup_steps) as f64 / span).min(1.0);
                self.lr_min + 0.5 * (self.lr - self.lr_min) * (1.0 + (std::f64::consts::PI * f).cos())
            }
        }
    }
}
