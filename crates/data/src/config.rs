//! The `simulate` configuration: a TOML file plus `key=value` overrides (dotted keys reach
//! into tables, e.g. `input.jitter_ms=10`). Unknown keys are errors, so a typo never
//! silently falls back to a default.

use crate::error::{DataError, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Excitatory synapse model (the spec's dataset variants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// AMPA + NMDA excitation (the main NeuronIO dataset).
    Nmda,
    /// AMPA-only excitation.
    Ampa,
    /// AMPA-only excitation with SK_E2 scaled by 0.1.
    AmpaSk,
}

/// Storage type of the all-segment voltage array.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoltageDtype {
    Float16,
    Float32,
}

/// The input generator's parameters (defaults: the published NeuronIO protocol).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct InputConfig {
    /// Block lengths T_c (ms) before jitter.
    pub block_ms_options: Vec<u32>,
    /// Smoothing σ (ms) before jitter.
    pub sigma_ms_options: Vec<u32>,
    /// Jitter J: int(U(−J, J)) ms is added to T_c and to σ.
    pub jitter_ms: u32,
    /// N_E ~ U(lo, hi): excitatory spikes per 100 ms per tree.
    pub exc_per_100ms: [f64; 2],
    /// N_I ~ U(max(0, N_E + lo), N_E + hi).
    pub inh_minus_exc_per_100ms: [f64; 2],
    /// L̃ = segment length + this (µm).
    pub length_offset_um: f64,
    /// Per-segment, per-block multiplicative factor U(lo, hi).
    pub segment_jitter: [f64; 2],
}

impl Default for InputConfig {
    fn default() -> Self {
        InputConfig {
            block_ms_options: vec![25, 30, 35, 40, 45, 55, 60, 65, 70, 75, 80, 85, 90, 100, 150, 200, 300, 450],
            sigma_ms_options: vec![25, 30, 35, 40, 50, 60, 80, 100, 150, 200, 300, 400, 500, 600],
            jitter_ms: 20,
            exc_per_100ms: [0.0, 800.0],
            inh_minus_exc_per_100ms: [-600.0, 200.0],
            length_offset_um: 10.0,
            segment_jitter: [0.5, 1.5],
        }
    }
}

/// Everything `lfdeep simulate` needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SimulateConfig {
    /// Number of simulations in the dataset.
    pub simulations: u64,
    /// Duration of each simulation (ms, whole).
    pub duration_ms: u64,
    /// Master seed; every draw is keyed by (seed, simulation index, purpose).
    pub seed: u64,
    /// Worker threads (0 = all cores). Does not change the data.
    pub threads: usize,
    /// `builtin:l5pc` or a path to a .asc / .swc file.
    pub morphology: String,
    /// Nexus recording site: `auto` or `SECTION(x)`, e.g. `apic[50](0.9)`.
    pub nexus: String,
    /// Channel set (the simulator's name), `neuronio` = Hay 2011 5b densities.
    pub biophysics: String,
    pub variant: Variant,
    /// Probability that a presynaptic spike releases (1.0; 0.632 reproduces the published data).
    pub release_probability: f64,
    /// Integration step (ms).
    pub dt_ms: f64,
    /// Initial membrane potential (mV).
    pub v_init_mv: f64,
    /// On-disk type of the all-segment voltages (float16 as in the published data).
    pub segment_voltage_dtype: VoltageDtype,
    pub input: InputConfig,
}

impl Default for SimulateConfig {
    fn default() -> Self {
        SimulateConfig {
            simulations: 128,
            duration_ms: 6000,
            seed: 0,
            threads: 0,
            morphology: "builtin:l5pc".into(),
            nexus: "auto".into(),
            biophysics: "neuronio".into(),
            variant: Variant::Nmda,
            release_probability: 1.0,
            dt_ms: 0.025,
            v_init_mv: -76.0,
            segment_voltage_dtype: VoltageDtype::Float16,
            input: InputConfig::default(),
        }
    }
}

impl SimulateConfig {
    /// Load an optional TOML file, apply `key=value` overrides, validate.
    pub fn resolve(file: Option<&Path>, overrides: &[String]) -> Result<Self> {
        let (mut table, origin) = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| DataError::io(p, e))?;
                let t: toml::Table = text.parse().map_err(|e: toml::de::Error| DataError::config(p.display().to_string(), e))?;
                (t, p.display().to_string())
            }
            None => (toml::Table::new(), "<defaults>".to_string()),
        };
        for o in overrides {
            apply_override(&mut table, o)?;
        }
        let cfg: SimulateConfig = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| DataError::config(format!("{origin} + overrides"), e.message()))?;
        cfg.validate()?;
        Ok(cfg)
    }

    pub fn validate(&self) -> Result<()> {
        let bad = |field: &str, msg: String| Err(DataError::config(format!("config field '{field}'"), msg));
        if self.simulations == 0 {
            return bad("simulations", "must be ≥ 1".into());
        }
        if self.duration_ms == 0 {
            return bad("duration_ms", "must be ≥ 1 ms".into());
        }
        if !(self.release_probability > 0.0 && self.release_probability <= 1.0) {
            return bad("release_probability", format!("must be in (0, 1], got {}", self.release_probability));
        }
        if !(self.dt_ms > 0.0) {
            return bad("dt_ms", "must be > 0".into());
        }
        let steps_per_highres = 0.125 / self.dt_ms;
        if (steps_per_highres - steps_per_highres.round()).abs() > 1e-9 {
            return bad("dt_ms", format!("1/8 ms must be a whole number of steps, got dt {} ms", self.dt_ms));
        }
        let i = &self.input;
        for (name, opts) in [("input.block_ms_options", &i.block_ms_options), ("input.sigma_ms_options", &i.sigma_ms_options)] {
            match opts.iter().min() {
                None => return bad(name, "needs at least one value".into()),
                Some(&m) if (m as i64) - (i.jitter_ms as i64) < 1 => {
                    return bad(name, format!("smallest value {m} minus jitter {} must be ≥ 1 ms", i.jitter_ms))
                }
                _ => {}
            }
        }
        if !(i.exc_per_100ms[0] >= 0.0 && i.exc_per_100ms[0] <= i.exc_per_100ms[1]) {
            return bad("input.exc_per_100ms", "needs 0 ≤ lo ≤ hi".into());
        }
        if !(i.inh_minus_exc_per_100ms[0] <= i.inh_minus_exc_per_100ms[1]) {
            return bad("input.inh_minus_exc_per_100ms", "needs lo ≤ hi".into());
        }
        if !(i.segment_jitter[0] >= 0.0 && i.segment_jitter[0] <= i.segment_jitter[1]) {
            return bad("input.segment_jitter", "needs 0 ≤ lo ≤ hi".into());
        }
        Ok(())
    }

    /// The resolved config as TOML text (written beside the data).
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("config serialises")
    }

    /// Fields that change the data (everything except `threads`), for resume/merge checks.
    pub fn data_identity(&self) -> serde_json::Value {
        let mut v = serde_json::to_value(self).expect("config serialises");
        v.as_object_mut().expect("object").remove("threads");
        v
    }
}

/// Set `a.b.c=value` in a TOML table; the value is parsed as TOML, else taken as a string.
pub fn apply_override(table: &mut toml::Table, item: &str) -> Result<()> {
    let (key, raw) = item
        .split_once('=')
        .ok_or_else(|| DataError::config(format!("override '{item}'"), "expected key=value"))?;
    let key = key.trim();
    if key.is_empty() {
        return Err(DataError::config(format!("override '{item}'"), "empty key"));
    }
    let value = parse_value(raw.trim());
    let parts: Vec<&str> = key.split('.').collect();
    let mut t = table;
    for p in &parts[..parts.len() - 1] {
        let entry = t.entry(p.to_string()).or_insert_with(|| toml::Value::Table(toml::Table::new()));
        t = entry
            .as_table_mut()
            .ok_or_else(|| DataError::config(format!("override '{item}'"), format!("'{p}' is not a table")))?;
    }
    t.insert(parts[parts.len() - 1].to_string(), value);
    Ok(())
}

fn parse_value(raw: &str) -> toml::Value {
    let doc = format!("v = {raw}");
    match doc.parse::<toml::Table>() {
        Ok(mut t) => t.remove("v").expect("v"),
        Err(_) => toml::Value::String(raw.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_reach_nested_fields_and_reject_unknown_keys() {
        let c = SimulateConfig::resolve(
            None,
            &["simulations=3".into(), "morphology=cell.asc".into(), "input.jitter_ms=5".into(), "variant=ampa_sk".into()],
        )
        .unwrap();
        assert_eq!(c.simulations, 3);
        assert_eq!(c.morphology, "cell.asc");
        assert_eq!(c.input.jitter_ms, 5);
        assert_eq!(c.variant, Variant::AmpaSk);
        let e = SimulateConfig::resolve(None, &["simulatons=3".into()]).unwrap_err().to_string();
        assert!(e.contains("simulatons"), "{e}");
        let e = SimulateConfig::resolve(None, &["release_probability=1.5".into()]).unwrap_err().to_string();
        assert!(e.contains("release_probability"), "{e}");
    }

    #[test]
    fn resolved_toml_round_trips() {
        let c = SimulateConfig::default();
        let back: SimulateConfig = toml::from_str(&c.to_toml()).unwrap();
        assert_eq!(c, back);
    }
}
