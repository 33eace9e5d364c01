//! Line-source forward model (LFPykit's `LineSourcePotential`; Holt 1998, eq. C.13).
//!
//! Each segment is a straight line with uniform current density; the potential at a point
//! electrode in an infinite homogeneous medium of conductivity σ (S/m) is
//! `M_ji = 1/(4πσ L_i) · log|(√(h²+r²) − h) / (√(l²+r²) − l)|`, evaluated in the
//! numerically stable form of each case of the signs of h and l. The perpendicular
//! distance r is clamped to the segment radius (d/2). With positions in µm and currents in
//! nA, the potential is in mV.

use crate::error::{LfpError, Result};
use crate::geometry::CellGeometry;
use crate::matrix::Matrix;
use std::f64::consts::PI;

/// Transformation matrix (electrodes × segments, mV/nA).
pub fn line_source_matrix(cell: &CellGeometry, electrodes_um: &[[f64; 3]], sigma_s_per_m: f64) -> Result<Matrix> {
    check_sigma(sigma_s_per_m)?;
    let mut m = Matrix::zeros(electrodes_um.len(), cell.len());
    for (j, e) in electrodes_um.iter().enumerate() {
        for i in 0..cell.len() {
            m.set(j, i, line_source_element(cell.start_um[i], cell.end_um[i], cell.diam_um[i] / 2.0, *e, sigma_s_per_m)?);
        }
    }
    Ok(m)
}

pub(crate) fn check_sigma(sigma: f64) -> Result<()> {
    if sigma.is_finite() && sigma > 0.0 {
        Ok(())
    } else {
        Err(LfpError::Invalid(format!("the extracellular conductivity must be > 0 S/m, got {sigma}")))
    }
}

/// One element of the line-source matrix (mV per nA).
pub fn line_source_element(start: [f64; 3], end: [f64; 3], r_limit_um: f64, e: [f64; 3], sigma: f64) -> Result<f64> {
    let ds = ((start[0] - end[0]).powi(2) + (start[1] - end[1]).powi(2) + (start[2] - end[2]).powi(2)).sqrt();
    #[allow(clippy::neg_cmp_op_on_partial_ord)] // NaN lengths are rejected too
    if !(ds > 0.0) {
        return Err(LfpError::Invalid("a line source needs a segment of non-zero length".into()));
    }
    // h: signed distance along the segment axis from its end to the electrode's projection;
    // l = h + L: the same from the start.
    let cc = (e[0] - end[0]) * (end[0] - start[0]) + (e[1] - end[1]) * (end[1] - start[1]) + (e[2] - end[2]) * (end[2] - start[2]);
    let h = cc / ds;
    let mut r2 = ((end[0] - e[0]).powi(2) + (end[1] - e[1]).powi(2) + (end[2] - e[2]).powi(2) - h * h).abs();
    if r2 < r_limit_um * r_limit_um {
        r2 = r_limit_um * r_limit_um;
    }
    let l = h + ds;
    let mapping = if h < 0.0 && l < 0.0 {
        (((h * h + r2).sqrt() - h) / ((l * l + r2).sqrt() - l)).ln()
    } else if h < 0.0 {
        (((h * h + r2).sqrt() - h) * (l + (l * l + r2).sqrt()) / r2).ln()
    } else {
        (((l * l + r2).sqrt() + l) / ((h * h + r2).sqrt() + h)).ln()
    };
    Ok(mapping / (4.0 * PI * sigma * ds))
}
