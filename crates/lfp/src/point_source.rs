//! Point-source forward model (LFPykit's `PointSourcePotential`).
//!
//! Each segment's current leaves from the midpoint of its start and end points:
//! `M_ji = 1 / (4πσ |r_i − r_j|)`, the distance clamped to the segment radius (d/2).
//! µm, nA and S/m give mV.

use crate::error::Result;
use crate::geometry::CellGeometry;
use crate::line_source::check_sigma;
use crate::matrix::Matrix;
use std::f64::consts::PI;

/// Transformation matrix (electrodes × segments, mV/nA).
pub fn point_source_matrix(cell: &CellGeometry, electrodes_um: &[[f64; 3]], sigma_s_per_m: f64) -> Result<Matrix> {
    check_sigma(sigma_s_per_m)?;
    let mut m = Matrix::zeros(electrodes_um.len(), cell.len());
    for (j, e) in electrodes_um.iter().enumerate() {
        for i in 0..cell.len() {
            let c = cell.midpoint_um(i);
            let r_lim = cell.diam_um[i] / 2.0;
            let r2 = ((c[0] - e[0]).powi(2) + (c[1] - e[1]).powi(2) + (c[2] - e[2]).powi(2)).max(r_lim * r_lim);
            m.set(j, i, 1.0 / (4.0 * PI * sigma_s_per_m * r2.sqrt()));
        }
    }
    Ok(m)
}
