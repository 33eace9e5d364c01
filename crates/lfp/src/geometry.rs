//! Segment geometry for the forward models, the same data LFPykit's `CellGeometry` holds:
//! start and end points (µm) and the diameter (µm) of every segment, in segment-table order.

use crate::error::{LfpError, Result};
use lfdeep_morph::Discretized;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellGeometry {
    pub start_um: Vec<[f64; 3]>,
    pub end_um: Vec<[f64; 3]>,
    /// NEURON's `seg.diam` (µm); half of it is the closest distance the models allow.
    pub diam_um: Vec<f64>,
}

impl CellGeometry {
    /// The segments of a discretised cell, in segment-table order.
    pub fn from_discretized(d: &Discretized) -> Self {
        CellGeometry {
            start_um: d.segments.iter().map(|s| s.start_um).collect(),
            end_um: d.segments.iter().map(|s| s.end_um).collect(),
            diam_um: d.segments.iter().map(|s| s.diam_um).collect(),
        }
    }

    pub fn new(start_um: Vec<[f64; 3]>, end_um: Vec<[f64; 3]>, diam_um: Vec<f64>) -> Result<Self> {
        if start_um.len() != end_um.len() || start_um.len() != diam_um.len() {
            return Err(LfpError::Shape(format!(
                "{} start points, {} end points and {} diameters",
                start_um.len(),
                end_um.len(),
                diam_um.len()
            )));
        }
        Ok(CellGeometry { start_um, end_um, diam_um })
    }

    pub fn len(&self) -> usize {
        self.diam_um.len()
    }

    pub fn is_empty(&self) -> bool {
        self.diam_um.is_empty()
    }

    /// Midpoint of the straight line from start to end: LFPykit's segment position
    /// (`cell.x.mean(axis=-1)`), used by the point source and the dipole moment. It differs
    /// from NEURON's arc-length centre where a segment bends.
    pub fn midpoint_um(&self, i: usize) -> [f64; 3] {
        let (a, b) = (self.start_um[i], self.end_um[i]);
        [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0, (a[2] + b[2]) / 2.0]
    }

    /// The same geometry moved by `offset_um` (e.g. to place a cell inside a head model).
    pub fn translated(&self, offset_um: [f64; 3]) -> Self {
        let mv = |p: &[f64; 3]| [p[0] + offset_um[0], p[1] + offset_um[1], p[2] + offset_um[2]];
        CellGeometry {
            start_um: self.start_um.iter().map(mv).collect(),
            end_um: self.end_um.iter().map(mv).collect(),
            diam_um: self.diam_um.clone(),
        }
    }
}
