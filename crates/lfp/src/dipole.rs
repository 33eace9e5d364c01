//! Current dipole moment (LFPykit's `CurrentDipoleMoment`): P = Σ_i I_i r_i, with r_i the
//! midpoint of segment i's start and end points. nA and µm give nA·µm. Because membrane
//! currents sum to zero over a cell, P does not depend on the origin.

use crate::geometry::CellGeometry;
use crate::matrix::Matrix;

/// Transformation matrix (3 × segments, µm): rows are the x, y and z components.
pub fn dipole_moment_matrix(cell: &CellGeometry) -> Matrix {
    let mut m = Matrix::zeros(3, cell.len());
    for i in 0..cell.len() {
        let c = cell.midpoint_um(i);
        for (k, &ck) in c.iter().enumerate() {
            m.set(k, i, ck);
        }
    }
    m
}
