//! Electrode configurations (TOML): points, linear probes and planar grids, in µm relative
//! to the soma centre, plus an optional four-sphere EEG set-up. See `configs/electrodes.toml`.

use crate::error::{LfpError, Result};
use crate::four_sphere::{FourSphere, DEFAULT_ITER_FACTOR, DEFAULT_RADII_UM, DEFAULT_SIGMAS_S_PER_M};
use serde::Deserialize;
use std::path::Path;

/// Which infinite-medium forward model maps currents to potentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SourceModel {
    #[default]
    Line,
    Point,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElectrodeConfig {
    /// Extracellular conductivity (S/m); 0.3 by default.
    #[serde(default = "default_sigma")]
    pub sigma_s_per_m: f64,
    #[serde(default)]
    pub model: SourceModel,
    #[serde(default)]
    pub points: Vec<PointSpec>,
    #[serde(default)]
    pub linear_probe: Vec<LinearProbe>,
    #[serde(default)]
    pub planar_grid: Vec<PlanarGrid>,
    /// Names of up to six electrodes drawn in the figure (default: spread over all).
    #[serde(default)]
    pub plot: Vec<String>,
    pub eeg: Option<EegSpec>,
}

fn default_sigma() -> f64 {
    0.3
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointSpec {
    pub name: Option<String>,
    pub position_um: [f64; 3],
}

/// `count` contacts from `start_um`, `pitch_um` apart along `direction`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinearProbe {
    pub name: Option<String>,
    pub start_um: [f64; 3],
    pub direction: [f64; 3],
    pub pitch_um: f64,
    pub count: usize,
}

/// `count[0] × count[1]` contacts from `origin_um` along `axis_a` and `axis_b`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanarGrid {
    pub name: Option<String>,
    pub origin_um: [f64; 3],
    pub axis_a: [f64; 3],
    pub axis_b: [f64; 3],
    pub spacing_um: [f64; 2],
    pub count: [usize; 2],
}

/// Four-sphere EEG: the cell's soma sits at `dipole_location_um` (head coordinates, origin at
/// the head centre); electrodes are in head coordinates.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EegSpec {
    #[serde(default = "default_radii")]
    pub radii_um: [f64; 4],
    #[serde(default = "default_sigmas")]
    pub sigmas_s_per_m: [f64; 4],
    pub dipole_location_um: [f64; 3],
    pub electrodes_um: Vec<[f64; 3]>,
    /// Rotate the cell by +90° about x so that its +y axis (the apical axis of most
    /// reconstructions) points along +z (radially outward at a dipole on the z axis).
    #[serde(default)]
    pub rotate_y_to_z: bool,
}

fn default_radii() -> [f64; 4] {
    DEFAULT_RADII_UM
}
fn default_sigmas() -> [f64; 4] {
    DEFAULT_SIGMAS_S_PER_M
}

impl EegSpec {
    pub fn head(&self) -> Result<FourSphere> {
        let mut fs = FourSphere::new(self.radii_um, self.sigmas_s_per_m)?;
        fs.iter_factor = DEFAULT_ITER_FACTOR;
        Ok(fs)
    }
    /// The cell's dipole (3 × time) expressed in head coordinates.
    pub fn orient(&self, p: &crate::Matrix) -> crate::Matrix {
        if !self.rotate_y_to_z {
            return p.clone();
        }
        let mut q = p.clone();
        // (x, y, z) → (x, −z, y)
        for t in 0..p.cols {
            q.set(1, t, -p.get(2, t));
            q.set(2, t, p.get(1, t));
        }
        q
    }
}

/// Electrodes with names, positions relative to the soma (µm).
#[derive(Debug, Clone, PartialEq)]
pub struct Electrodes {
    pub names: Vec<String>,
    pub relative_um: Vec<[f64; 3]>,
}

impl ElectrodeConfig {
    pub fn from_toml_str(text: &str, path: &Path) -> Result<Self> {
        let cfg: ElectrodeConfig = toml::from_str(text).map_err(|e| LfpError::file(path, e.to_string()))?;
        cfg.validate(path)?;
        Ok(cfg)
    }

    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| LfpError::io(path, e))?;
        Self::from_toml_str(&text, path)
    }

    fn validate(&self, path: &Path) -> Result<()> {
        let bad = |field: String, msg: &str| Err(LfpError::file(path, format!("{field}: {msg}")));
        if !(self.sigma_s_per_m.is_finite() && self.sigma_s_per_m > 0.0) {
            return bad("sigma_s_per_m".into(), "must be > 0 S/m");
        }
        for (i, p) in self.linear_probe.iter().enumerate() {
            if p.count == 0 {
                return bad(format!("linear_probe[{i}].count"), "must be ≥ 1");
            }
            if !(p.pitch_um.is_finite() && p.pitch_um > 0.0) {
                return bad(format!("linear_probe[{i}].pitch_um"), "must be > 0");
            }
            if unit(p.direction).is_none() {
                return bad(format!("linear_probe[{i}].direction"), "must be a non-zero vector");
            }
        }
        for (i, g) in self.planar_grid.iter().enumerate() {
            if g.count[0] == 0 || g.count[1] == 0 {
                return bad(format!("planar_grid[{i}].count"), "both counts must be ≥ 1");
            }
            if !g.spacing_um.iter().all(|s| s.is_finite() && *s > 0.0) {
                return bad(format!("planar_grid[{i}].spacing_um"), "must be > 0");
            }
            if unit(g.axis_a).is_none() || unit(g.axis_b).is_none() {
                return bad(format!("planar_grid[{i}].axis_a/axis_b"), "must be non-zero vectors");
            }
        }
        if self.points.is_empty() && self.linear_probe.is_empty() && self.planar_grid.is_empty() && self.eeg.is_none() {
            return bad("(file)".into(), "defines no electrodes: add [[points]], [[linear_probe]], [[planar_grid]] or [eeg]");
        }
        if let Some(e) = &self.eeg {
            FourSphere::new(e.radii_um, e.sigmas_s_per_m).map_err(|err| LfpError::file(path, format!("eeg: {err}")))?;
            if e.electrodes_um.is_empty() {
                return bad("eeg.electrodes_um".into(), "needs at least one electrode");
            }
        }
        let names = self.electrodes().names;
        for p in &self.plot {
            if !names.contains(p) {
                return bad("plot".into(), &format!("no electrode is named '{p}'"));
            }
        }
        Ok(())
    }

    /// All extracellular electrodes (points, then probes, then grids), relative to the soma.
    pub fn electrodes(&self) -> Electrodes {
        let mut names = Vec::new();
        let mut pos = Vec::new();
        for (i, p) in self.points.iter().enumerate() {
            names.push(p.name.clone().unwrap_or_else(|| format!("point{i}")));
            pos.push(p.position_um);
        }
        for (i, p) in self.linear_probe.iter().enumerate() {
            let d = unit(p.direction).unwrap_or([0.0, 1.0, 0.0]);
            let base = p.name.clone().unwrap_or_else(|| format!("probe{i}"));
            for k in 0..p.count {
                let s = k as f64 * p.pitch_um;
                names.push(format!("{base}.{k}"));
                pos.push([p.start_um[0] + s * d[0], p.start_um[1] + s * d[1], p.start_um[2] + s * d[2]]);
            }
        }
        for (i, g) in self.planar_grid.iter().enumerate() {
            let a = unit(g.axis_a).unwrap_or([1.0, 0.0, 0.0]);
            let b = unit(g.axis_b).unwrap_or([0.0, 1.0, 0.0]);
            let base = g.name.clone().unwrap_or_else(|| format!("grid{i}"));
            for ia in 0..g.count[0] {
                for ib in 0..g.count[1] {
                    let (sa, sb) = (ia as f64 * g.spacing_um[0], ib as f64 * g.spacing_um[1]);
                    names.push(format!("{base}.{ia}.{ib}"));
                    pos.push([
                        g.origin_um[0] + sa * a[0] + sb * b[0],
                        g.origin_um[1] + sa * a[1] + sb * b[1],
                        g.origin_um[2] + sa * a[2] + sb * b[2],
                    ]);
                }
            }
        }
        Electrodes { names, relative_um: pos }
    }
}

impl Electrodes {
    /// Absolute positions for a soma centred at `soma_um`.
    pub fn absolute_um(&self, soma_um: [f64; 3]) -> Vec<[f64; 3]> {
        self.relative_um.iter().map(|p| [p[0] + soma_um[0], p[1] + soma_um[1], p[2] + soma_um[2]]).collect()
    }
}

fn unit(v: [f64; 3]) -> Option<[f64; 3]> {
    let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
    (n.is_finite() && n > 0.0).then(|| [v[0] / n, v[1] / n, v[2] / n])
}
