//! A trained run folder loaded for inference: config, z-scoring, optional PCA, splits, and the
//! weights (`best.safetensors`, else `checkpoints/last/model.safetensors`).

use std::path::{Path, PathBuf};

use burn::prelude::*;

use crate::data::{Normalization, Pca, Splits, WindowSpec};
use crate::error::{NnError, Result};
use crate::models::Surrogate;
use crate::train::{load_weights, ModelMeta, RunConfig};

pub struct LoadedRun {
    pub dir: PathBuf,
    pub cfg: RunConfig,
    pub meta: ModelMeta,
    pub norm: Normalization,
    pub pca: Option<Pca>,
    pub splits: Splits,
    /// Inference-mode model (no autodiff, batch norm with running statistics).
    pub model: Surrogate,
    /// The device the model lives on, without autodiff.
    pub device: Device,
    /// Which weights file was loaded.
    pub weights: PathBuf,
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| NnError::io(path, format!("reading the run folder: {e}")))
}

impl LoadedRun {
    pub fn load(dir: &Path, device: &Device) -> Result<Self> {
        let cfg = RunConfig::from_file(&dir.join("config.toml"), &[])?;
        let p = dir.join("model.json");
        let meta: ModelMeta = serde_json::from_str(&read(&p)?).map_err(|e| NnError::io(&p, e))?;
        let norm = Normalization::load(&dir.join("normalization.json"))?;
        let p = dir.join("splits.json");
        let splits: Splits = serde_json::from_str(&read(&p)?).map_err(|e| NnError::io(&p, e))?;
        let p = dir.join("pca.json");
        let pca = if p.exists() { Some(serde_json::from_str(&read(&p)?).map_err(|e| NnError::io(&p, e))?) } else { None };
        let best = dir.join("best.safetensors");
        let weights = if best.exists() { best } else { dir.join("checkpoints").join("last").join("model.safetensors") };
        // Built as the trainer builds it (autodiff device), then switched to inference mode, so
        // layers that behave differently in training (batch norm, dropout) run as in validation.
        let ad = device.clone().autodiff();
        let model = load_weights(cfg.model.init(meta.shape, &ad, cfg.seed)?, &weights)?.valid();
        Ok(LoadedRun { dir: dir.to_path_buf(), cfg, meta, norm, pca, splits, model, device: device.clone().without_autodiff(), weights })
    }

    pub fn spec(&self) -> WindowSpec {
        self.meta.spec
    }
}
