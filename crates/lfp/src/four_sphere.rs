//! Four-sphere head model for EEG (Næss et al. 2017, "Corrected four-sphere head model for
//! EEG signals", Front. Hum. Neurosci. 11:490), as LFPykit's `FourSphereVolumeConductor`.
//!
//! Concentric spheres (brain, CSF, skull, scalp) of radius r1 < r2 < r3 < r4 (µm) and
//! conductivities σ1..σ4 (S/m), centred at the origin. A current dipole p (nA·µm) at
//! `dipole_location` inside the brain gives the potential (mV) at electrodes anywhere
//! outside the dipole's radius. The dipole is split into its radial part (a Legendre
//! series) and its tangential part (an associated-Legendre series); the series are
//! truncated where LFPykit truncates them, so the two agree to rounding.

use crate::error::{LfpError, Result};
use crate::matrix::Matrix;
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// Published defaults (Næss et al. 2017; LFPykit): radii 79, 80, 85, 90 mm.
pub const DEFAULT_RADII_UM: [f64; 4] = [79000.0, 80000.0, 85000.0, 90000.0];
/// Published defaults: brain 0.3, CSF 1.5, skull 0.015, scalp 0.3 S/m.
pub const DEFAULT_SIGMAS_S_PER_M: [f64; 4] = [0.3, 1.5, 0.015, 0.3];
/// LFPykit's default series stopping factor (2/99 · 1e−6).
pub const DEFAULT_ITER_FACTOR: f64 = 2.0 / 99.0 * 1e-6;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FourSphere {
    pub radii_um: [f64; 4],
    pub sigmas_s_per_m: [f64; 4],
    /// A series stops once a term is below this fraction of the running sum.
    pub iter_factor: f64,
}

impl Default for FourSphere {
    fn default() -> Self {
        FourSphere { radii_um: DEFAULT_RADII_UM, sigmas_s_per_m: DEFAULT_SIGMAS_S_PER_M, iter_factor: DEFAULT_ITER_FACTOR }
    }
}

/// Which shell an electrode is in.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shell {
    Brain,
    Csf,
    Skull,
    Scalp,
}

/// Constants of one dipole position.
struct Ctx<'a> {
    m: &'a FourSphere,
    rz: f64,
    rz1: f64,
}

impl FourSphere {
    pub fn new(radii_um: [f64; 4], sigmas_s_per_m: [f64; 4]) -> Result<Self> {
        let fs = FourSphere { radii_um, sigmas_s_per_m, iter_factor: DEFAULT_ITER_FACTOR };
        fs.check()?;
        Ok(fs)
    }

    fn check(&self) -> Result<()> {
        let r = self.radii_um;
        if !(r.iter().all(|x| x.is_finite()) && 0.0 < r[0] && r[0] < r[1] && r[1] < r[2] && r[2] < r[3]) {
            return Err(LfpError::Invalid(format!(
                "four-sphere radii (brain, CSF, skull, scalp) must satisfy 0 < r1 < r2 < r3 < r4, got {r:?} µm"
            )));
        }
        if !self.sigmas_s_per_m.iter().all(|s| s.is_finite() && *s > 0.0) {
            return Err(LfpError::Invalid(format!(
                "four-sphere conductivities must be > 0 S/m, got {:?}",
                self.sigmas_s_per_m
            )));
        }
        if !(self.iter_factor > 0.0 && self.iter_factor < 1.0) {
            return Err(LfpError::Invalid(format!("iter_factor must be in (0, 1), got {}", self.iter_factor)));
        }
        Ok(())
    }

    /// Transformation matrix (electrodes × 3, mV per nA·µm): the potential of a unit dipole
    /// along x, y and z at `dipole_location_um`.
    pub fn transformation_matrix(&self, electrodes_um: &[[f64; 3]], dipole_location_um: [f64; 3]) -> Result<Matrix> {
        self.check()?;
        let [r1, _, _, r4] = self.radii_um;
        let rz = norm(dipole_location_um);
        if rz == 0.0 {
            return Err(LfpError::Invalid("a dipole at the centre of the head model is not supported (division by zero)".into()));
        }
        let rz1 = rz / r1;
        if rz1 >= 1.0 {
            return Err(LfpError::Invalid(format!("the dipole must be inside the brain sphere: |r| = {rz} µm ≥ r1 = {r1} µm")));
        }
        let zhat = scale(dipole_location_um, 1.0 / rz);
        for (k, e) in electrodes_um.iter().enumerate() {
            let r = norm(*e);
            if r > r4 {
                return Err(LfpError::Invalid(format!("electrode {k} is outside the head model: |r| = {r} µm > r4 = {r4} µm")));
            }
            if r <= rz {
                return Err(LfpError::Invalid(format!(
                    "electrode {k} must be farther from the head centre than the dipole: |r| = {r} µm ≤ {rz} µm"
                )));
            }
        }
        let ctx = Ctx { m: self, rz, rz1 };
        let sigma1 = self.sigmas_s_per_m[0];
        let mut out = Matrix::zeros(electrodes_um.len(), 3);
        for (j, &e) in electrodes_um.iter().enumerate() {
            let r = norm(e);
            let shell = self.shell(r);
            let cos_t = dot(e, dipole_location_um) / (r * rz);
            let theta = nan_to_num(cos_t.acos());
            // Radial part of each unit dipole e_c: p_rad = ẑ ẑ_c, signed by ẑ·p.
            let rad_terms = ctx.radial_series(shell, r, theta);
            // Tangential part: p_tan = e_c − ẑ ẑ_c.
            let tangent_zero = theta == 0.0 || theta == PI;
            let tan_terms = if tangent_zero { 0.0 } else { ctx.tangential_series(shell, r, theta) };
            let proj = scale(zhat, dot(e, dipole_location_um) / rz);
            let r_uv = sub(e, proj);
            for c in 0..3 {
                let mut unit = [0.0; 3];
                unit[c] = 1.0;
                let p_rad = scale(zhat, zhat[c]);
                let p_tan = sub(unit, p_rad);
                let p_rad_norm = norm(p_rad);
                let sign = signum0(dot(dipole_location_um, p_rad));
                let pot_rad = sign * p_rad_norm / (4.0 * PI * sigma1 * rz * rz) * rad_terms;
                let p_tan_norm = norm(p_tan);
                let u = cross(p_tan, zhat);
                let mut phi = 0.0;
                if !tangent_zero && p_tan_norm != 0.0 {
                    let cos_phi = (dot(r_uv, u) / (norm(r_uv) * norm(u))).clamp(-1.0, 1.0);
                    phi = nan_to_num(cos_phi.acos());
                }
                if dot(r_uv, p_tan) < 0.0 {
                    phi = -phi;
                }
                let phi_hom = -p_tan_norm / (4.0 * PI * sigma1 * rz * rz) * phi.sin();
                out.set(j, c, pot_rad + tan_terms * phi_hom);
            }
        }
        Ok(out)
    }

    /// Potentials (electrodes × time, mV) of a dipole time series (3 × time, nA·µm).
    pub fn potential(&self, electrodes_um: &[[f64; 3]], dipole_location_um: [f64; 3], p_na_um: &Matrix) -> Result<Matrix> {
        self.transformation_matrix(electrodes_um, dipole_location_um)?.matmul(p_na_um)
    }

    fn shell(&self, r: f64) -> Shell {
        let [r1, r2, r3, _] = self.radii_um;
        if r <= r1 {
            Shell::Brain
        } else if r <= r2 {
            Shell::Csf
        } else if r <= r3 {
            Shell::Skull
        } else {
            Shell::Scalp
        }
    }
}

impl Ctx<'_> {
    fn r(&self, i: usize) -> f64 {
        self.m.radii_um[i]
    }
    fn s(&self, i: usize) -> f64 {
        self.m.sigmas_s_per_m[i]
    }

    // The coefficients of Næss et al. 2017 (Appendix), in LFPykit's names.
    fn vn(&self, n: f64) -> f64 {
        let r34 = self.r(2) / self.r(3);
        let sigma34 = self.s(2) / self.s(3);
        let sigma23 = self.s(1) / self.s(2);
        let r_const = (r34.powf(2.0 * n + 1.0) - 1.0) / ((n + 1.0) / n * r34.powf(2.0 * n + 1.0) + 1.0);
        // LFPykit tests σ23 here (not σ34); kept for identical results.
        if sigma23 + r_const == 0.0 {
            1e12
        } else {
            (n / (n + 1.0) * sigma34 - r_const) / (sigma34 + r_const)
        }
    }
    fn yn(&self, n: f64) -> f64 {
        let vn = self.vn(n);
        let r23 = self.r(1) / self.r(2);
        let sigma23 = self.s(1) / self.s(2);
        let r_const = (n / (n + 1.0) * r23.powf(2.0 * n + 1.0) - vn) / (r23.powf(2.0 * n + 1.0) + vn);
        if sigma23 + r_const == 0.0 {
            1e12
        } else {
            (n / (n + 1.0) * sigma23 - r_const) / (sigma23 + r_const)
        }
    }
    fn zn(&self, n: f64) -> f64 {
        let yn = self.yn(n);
        let r12 = self.r(0) / self.r(1);
        (r12.powf(2.0 * n + 1.0) - (n + 1.0) / n * yn) / (r12.powf(2.0 * n + 1.0) + yn)
    }
    fn c1n(&self, n: f64) -> f64 {
        let zn = self.zn(n);
        let sigma12 = self.s(0) / self.s(1);
        ((n + 1.0) / n * sigma12 + zn) / (sigma12 - zn) * self.rz1.powf(n + 1.0)
    }
    fn c2n(&self, n: f64) -> f64 {
        let yn = self.yn(n);
        let c1 = self.c1n(n);
        let r12 = self.r(0) / self.r(1);
        (c1 + self.rz1.powf(n + 1.0)) * r12.powf(n + 1.0) / (r12.powf(2.0 * n + 1.0) + yn)
    }
    fn c3n(&self, n: f64) -> f64 {
        let vn = self.vn(n);
        let c2 = self.c2n(n);
        let d2 = self.yn(n) * c2;
        let r23 = self.r(1) / self.r(2);
        (c2 + d2) * r23.powf(n + 1.0) / (r23.powf(2.0 * n + 1.0) + vn)
    }
    fn c4n(&self, n: f64) -> f64 {
        let c3 = self.c3n(n);
        let d3 = self.vn(n) * c3;
        let r34 = self.r(2) / self.r(3);
        (n + 1.0) / n * r34.powf(n + 1.0) * (c3 + d3) / ((n + 1.0) / n * r34.powf(2.0 * n + 1.0) + 1.0)
    }
    fn csf_terms(&self, n: f64, r: f64) -> f64 {
        let yn = self.yn(n);
        let c1 = self.c1n(n);
        let (r1, r2) = (self.r(0), self.r(1));
        let r12 = r1 / r2;
        let term1 = (c1 + self.rz1.powf(n + 1.0)) * r12 * ((r1 * r) / (r2 * r2)).powf(n) / (r12.powf(2.0 * n + 1.0) + yn);
        let term2 = yn * (c1 + self.rz1.powf(n + 1.0)) / (r / r2 * ((r1 * r) / (r2 * r2)).powf(n) + (r / r1).powf(n + 1.0) * yn);
        term1 + term2
    }

    /// The n-th coefficient (without LFPykit's factor n for the radial series).
    fn coefficient(&self, shell: Shell, n: f64, r: f64) -> f64 {
        match shell {
            Shell::Brain => self.c1n(n) * (r / self.r(0)).powf(n) + (self.rz / r).powf(n + 1.0),
            Shell::Csf => self.csf_terms(n, r),
            Shell::Skull => {
                let c3 = self.c3n(n);
                let d3 = self.vn(n) * c3;
                c3 * (r / self.r(2)).powf(n) + d3 * (self.r(2) / r).powf(n + 1.0)
            }
            Shell::Scalp => {
                let c4 = self.c4n(n);
                let d4 = n / (n + 1.0) * c4;
                c4 * (r / self.r(3)).powf(n) + d4 * (self.r(3) / r).powf(n + 1.0)
            }
        }
    }

    /// Coefficients n = 1, 2, ... until a term falls below the stopping fraction of the sum
    /// (LFPykit's loop, including its extra 1e−6 for the radial brain series).
    fn series(&self, shell: Shell, r: f64, radial: bool) -> Vec<f64> {
        let mut stop = self.m.iter_factor;
        if radial && shell == Shell::Brain {
            stop *= 1e-6;
        }
        let mut consts = Vec::new();
        let mut sum = 0.0;
        let mut n = 1.0;
        loop {
            let c = self.coefficient(shell, n, r);
            let c = if radial { n * c } else { c };
            sum += c;
            consts.push(c);
            n += 1.0;
            // Negated on purpose: a NaN term stops the series too.
            #[allow(clippy::neg_cmp_op_on_partial_ord)]
            if !(c > stop * sum) {
                break;
            }
            if consts.len() > 10_000_000 {
                // Only reached for a dipole within nanometres of the brain surface.
                break;
            }
        }
        consts
    }

    /// Σ_n c_n P_n(cos θ).
    fn radial_series(&self, shell: Shell, r: f64, theta: f64) -> f64 {
        let consts = self.series(shell, r, true);
        let x = theta.cos();
        let (mut p_prev, mut p) = (1.0, x); // P_0, P_1
        let mut total = 0.0;
        for (k, c) in consts.iter().enumerate() {
            let n = (k + 1) as f64;
            total += c * p;
            let next = ((2.0 * n + 1.0) * x * p - n * p_prev) / (n + 1.0);
            p_prev = p;
            p = next;
        }
        total
    }

    /// Σ_n c_n P_n^1(cos θ), with the Condon–Shortley phase (scipy's `lpmv(1, n, x)`).
    fn tangential_series(&self, shell: Shell, r: f64, theta: f64) -> f64 {
        let consts = self.series(shell, r, false);
        let x = theta.cos();
        let (mut p_prev, mut p) = (0.0, -(1.0 - x * x).sqrt()); // P_0^1, P_1^1
        let mut total = 0.0;
        for (k, c) in consts.iter().enumerate() {
            let n = (k + 1) as f64;
            total += c * p;
            // (n − m + 1) P_{n+1}^m = (2n + 1) x P_n^m − (n + m) P_{n−1}^m, m = 1.
            let next = ((2.0 * n + 1.0) * x * p - (n + 1.0) * p_prev) / n;
            p_prev = p;
            p = next;
        }
        total
    }
}

fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}
fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}
fn scale(a: [f64; 3], s: f64) -> [f64; 3] {
    [a[0] * s, a[1] * s, a[2] * s]
}
fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}
fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]
}
fn signum0(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else {
        0.0
    }
}
fn nan_to_num(x: f64) -> f64 {
    if x.is_nan() {
        0.0
    } else {
        x
    }
}
