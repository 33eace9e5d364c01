//! Checkpoints. Weights go to SafeTensors (readable by PyTorch, `safetensors` in Python, and
//! [`load_weights`]); resuming also needs parameter ids and optimizer moments, which Burn's
//! burnpack records keep (`model.bpk`, `optim.bpk`).
//!
//! Run folder:
//! ```text
//! RUN/config.toml          resolved config (every default filled in)
//! RUN/model.json           model kind and shape (channels, targets, window)
//! RUN/normalization.json   z-score statistics (training split only)
//! RUN/splits.json          simulation indices of train / val / test
//! RUN/metrics.csv          one row per epoch (epoch 0 = before training)
//! RUN/checkpoints/last/    model.safetensors, model.bpk, optim.bpk, state.json
//! RUN/best.safetensors     weights of the best validation epoch
//! ```

use std::path::{Path, PathBuf};

use burn::module::Module;
use burn_store::{ModuleSnapshot, SafetensorsStore};
use serde::{Deserialize, Serialize};

use crate::error::{NnError, Result};
use crate::models::Surrogate;

/// Saves the model weights as SafeTensors.
pub fn save_weights(model: &Surrogate, path: &Path) -> Result<()> {
    let mut store = SafetensorsStore::from_file(path).overwrite(true);
    model.save_into(&mut store).map_err(|e| NnError::io(path, format!("{e:?}")))
}

/// Loads SafeTensors weights into a model built from the same config.
pub fn load_weights(mut model: Surrogate, path: &Path) -> Result<Surrogate> {
    if !path.exists() {
        return Err(NnError::io(path, "no such checkpoint"));
    }
    let mut store = SafetensorsStore::from_file(path);
    let result = model.load_from(&mut store).map_err(|e| NnError::io(path, format!("{e:?}")))?;
    if !result.errors.is_empty() {
        return Err(NnError::io(path, format!("checkpoint does not fit the model: {:?}", result.errors)));
    }
    if !result.missing.is_empty() {
        return Err(NnError::io(path, format!("checkpoint lacks tensors: {:?}", result.missing)));
    }
    Ok(model)
}

/// Where the loop stands, saved beside each checkpoint.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct TrainState {
    pub step: u64,
    pub epoch: u64,
    pub best_val: f64,
    pub best_epoch: u64,
    pub epochs_without_improvement: u64,
}

pub fn last_dir(run: &Path) -> PathBuf {
    run.join("checkpoints").join("last")
}

/// Writes a complete checkpoint into a temporary folder, then renames it over `last`, so a
/// crash never leaves a half-written checkpoint that looks complete.
pub fn save_checkpoint(run: &Path, model: &Surrogate, optim: &burn::optim::ModuleOptimizer, state: &TrainState) -> Result<()> {
    let tmp = run.join("checkpoints").join("tmp");
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| NnError::io(&tmp, e))?;
    save_weights(model, &tmp.join("model.safetensors"))?;
    let p = tmp.join("model.bpk");
    model.clone().into_record().save(&p).map_err(|e| NnError::io(&p, e))?;
    let p = tmp.join("optim.bpk");
    optim.save(&p).map_err(|e| NnError::io(&p, e))?;
    let p = tmp.join("state.json");
    std::fs::write(&p, serde_json::to_string_pretty(state).unwrap()).map_err(|e| NnError::io(&p, e))?;
    let last = last_dir(run);
    let _ = std::fs::remove_dir_all(&last);
    std::fs::rename(&tmp, &last).map_err(|e| NnError::io(&last, e))
}

/// Restores model, optimizer and loop state from `RUN/checkpoints/last`.
pub fn load_checkpoint(
    run: &Path,
    model: Surrogate,
    optim: burn::optim::ModuleOptimizer,
) -> Result<(Surrogate, burn::optim::ModuleOptimizer, TrainState)> {
    let dir = last_dir(run);
    let p = dir.join("state.json");
    let text = std::fs::read_to_string(&p).map_err(|e| NnError::io(&p, format!("cannot resume: {e}")))?;
    let state: TrainState = serde_json::from_str(&text).map_err(|e| NnError::io(&p, e))?;
    let p = dir.join("model.bpk");
    let record = burn::store::ModuleRecord::load(&p).map_err(|e| NnError::io(&p, e))?;
    let model = model.try_load_record(record).map_err(|e| NnError::io(&p, e))?;
    let p = dir.join("optim.bpk");
    let optim = optim.load(&p).map_err(|e| NnError::io(&p, e))?;
    Ok((model, optim, state))
}
