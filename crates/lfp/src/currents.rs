//! Transmembrane currents from voltages alone (Kirchhoff's current law on NEURON's node graph).
//!
//! Every segment node's membrane current (capacitive + ionic + synaptic, outward positive,
//! NEURON's `i_membrane_` sign) equals the net axial current flowing into it from its
//! neighbours: `I_k = Σ_n (V_n − V_k) / R_kn`. With V in mV and R in MΩ, I is in nA.
//! No channel state is needed, so this applies equally to surrogate-predicted voltages.
//!
//! NEURON's graph also has zero-area nodes (each section's 1-end and the root's 0-end). They
//! carry no membrane current, so their voltage follows from Kirchhoff when only segment
//! voltages are known: `V_j = Σ g_n V_n / Σ g_n` over the neighbours n (conductance
//! g = 1/R). A current injected by an electrode (IClamp) at a segment shows up in that
//! segment's Kirchhoff current, which is then `i_membrane − i_electrode`.

use crate::error::{LfpError, Result};
use crate::matrix::Matrix;
use lfdeep_morph::{Discretized, Node};

/// A zero-area node and the segments around it.
#[derive(Debug, Clone)]
struct Junction {
    /// (segment row, conductance µS) of each neighbour.
    neighbours: Vec<(usize, f64)>,
    total_g_us: f64,
}

/// The axial conductances of a cell, reduced to segment rows.
#[derive(Debug, Clone)]
pub struct AxialNetwork {
    n_segments: usize,
    /// Direct segment–segment connections: (row a, row b, conductance µS).
    direct: Vec<(usize, usize, f64)>,
    junctions: Vec<Junction>,
}

impl AxialNetwork {
    pub fn from_discretized(d: &Discretized) -> Result<Self> {
        Self::from_nodes(&d.nodes, d.segments.len())
    }

    /// Build from NEURON's node graph; `n_segments` is the segment-table length (every node
    /// with a `segment` row is a segment centre, every other node must have zero area).
    pub fn from_nodes(nodes: &[Node], n_segments: usize) -> Result<Self> {
        // Junction index of each zero-area node.
        let mut junction_of = vec![usize::MAX; nodes.len()];
        let mut junctions = Vec::new();
        let mut seen_rows = vec![false; n_segments];
        for (i, n) in nodes.iter().enumerate() {
            match n.segment {
                Some(r) => {
                    if r >= n_segments || seen_rows[r] {
                        return Err(LfpError::Invalid(format!("node {i} names segment row {r} twice or out of range")));
                    }
                    seen_rows[r] = true;
                }
                None => {
                    if n.area_um2 != 0.0 {
                        return Err(LfpError::Invalid(format!(
                            "node {i} has area {} µm² but no segment row",
                            n.area_um2
                        )));
                    }
                    junction_of[i] = junctions.len();
                    junctions.push(Junction { neighbours: Vec::new(), total_g_us: 0.0 });
                }
            }
        }
        if let Some(r) = seen_rows.iter().position(|s| !s) {
            return Err(LfpError::Invalid(format!("segment row {r} has no node")));
        }
        let mut direct = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            let Some(p) = n.parent else { continue };
            if p >= i {
                return Err(LfpError::Invalid(format!("node {i} comes before its parent {p}")));
            }
            if !(n.ri_mohm.is_finite() && n.ri_mohm > 0.0) {
                return Err(LfpError::Invalid(format!("node {i} has axial resistance {} MΩ", n.ri_mohm)));
            }
            let g = 1.0 / n.ri_mohm;
            match (nodes[i].segment, nodes[p].segment) {
                (Some(a), Some(b)) => direct.push((a, b, g)),
                (Some(a), None) => junctions[junction_of[p]].neighbours.push((a, g)),
                (None, Some(b)) => junctions[junction_of[i]].neighbours.push((b, g)),
                (None, None) => {
                    // NEURON never builds this (every section has a segment between its ends).
                    return Err(LfpError::Invalid(format!(
                        "zero-area nodes {p} and {i} are adjacent; their voltages are not determined by the segments"
                    )));
                }
            }
        }
        for j in &mut junctions {
            j.total_g_us = j.neighbours.iter().map(|&(_, g)| g).sum();
        }
        // Dangling ends (one neighbour) carry no current: drop them, and isolated nodes too.
        junctions.retain(|j| j.neighbours.len() >= 2);
        Ok(AxialNetwork { n_segments, direct, junctions })
    }

    pub fn n_segments(&self) -> usize {
        self.n_segments
    }

    /// Membrane currents (nA) of every segment at one time, from segment voltages (mV).
    pub fn currents(&self, v_mv: &[f64]) -> Result<Vec<f64>> {
        let m = Matrix::from_vec(v_mv.len(), 1, v_mv.to_vec())?;
        Ok(self.currents_series(&m)?.data)
    }

    /// Membrane currents (nA, segments × time) from voltages (mV, segments × time).
    pub fn currents_series(&self, v_mv: &Matrix) -> Result<Matrix> {
        if v_mv.rows != self.n_segments {
            return Err(LfpError::Shape(format!(
                "voltages have {} rows but the cell has {} segments",
                v_mv.rows, self.n_segments
            )));
        }
        let t = v_mv.cols;
        let mut out = Matrix::zeros(self.n_segments, t);
        let mut flux = vec![0.0; t];
        for &(a, b, g) in &self.direct {
            // Axial current from b into a.
            for ((f, &va), &vb) in flux.iter_mut().zip(v_mv.row(a)).zip(v_mv.row(b)) {
                *f = g * (vb - va);
            }
            add_into(out.row_mut(a), &flux, 1.0);
            add_into(out.row_mut(b), &flux, -1.0);
        }
        let mut vj = vec![0.0; t];
        for j in &self.junctions {
            // Kirchhoff at the zero-area node: the conductance-weighted mean of its neighbours.
            vj.iter_mut().for_each(|x| *x = 0.0);
            for &(r, g) in &j.neighbours {
                add_into(&mut vj, v_mv.row(r), g);
            }
            vj.iter_mut().for_each(|x| *x /= j.total_g_us);
            for &(r, g) in &j.neighbours {
                for ((o, &v), &vjt) in out.row_mut(r).iter_mut().zip(v_mv.row(r)).zip(&vj) {
                    *o += g * (vjt - v);
                }
            }
        }
        Ok(out)
    }

    /// The matrix G (segments × segments, µS) with I_m = G · V: combined with a forward model
    /// M, `M · G` maps voltages straight to extracellular potentials.
    pub fn conductance_matrix(&self) -> Matrix {
        let n = self.n_segments;
        let mut g_m = Matrix::zeros(n, n);
        let mut add = |a: usize, b: usize, g: f64| {
            // I_a += g (V_b − V_a), I_b += g (V_a − V_b).
            g_m.data[a * n + b] += g;
            g_m.data[a * n + a] -= g;
            g_m.data[b * n + a] += g;
            g_m.data[b * n + b] -= g;
        };
        for &(a, b, g) in &self.direct {
            add(a, b, g);
        }
        for j in &self.junctions {
            // Eliminating the zero-area node (star–mesh): g_ab = g_a g_b / Σ g.
            for (i, &(a, ga)) in j.neighbours.iter().enumerate() {
                for &(b, gb) in &j.neighbours[i + 1..] {
                    add(a, b, ga * gb / j.total_g_us);
                }
            }
        }
        g_m
    }
}

fn add_into(dst: &mut [f64], src: &[f64], scale: f64) {
    for (d, &s) in dst.iter_mut().zip(src) {
        *d += scale * s;
    }
}

/// Membrane currents (nA) of segment nodes when every node's voltage is known (mV, one per
/// node of `nodes`, e.g. from a simulator that solves on the full graph). Rows follow the
/// segment table.
pub fn currents_from_node_voltages(nodes: &[Node], n_segments: usize, v_node_mv: &[f64]) -> Result<Vec<f64>> {
    if v_node_mv.len() != nodes.len() {
        return Err(LfpError::Shape(format!("{} node voltages for {} nodes", v_node_mv.len(), nodes.len())));
    }
    let mut node_i = vec![0.0; nodes.len()];
    for (i, n) in nodes.iter().enumerate() {
        if let Some(p) = n.parent {
            let f = (v_node_mv[p] - v_node_mv[i]) / n.ri_mohm;
            node_i[i] += f;
            node_i[p] -= f;
        }
    }
    let mut out = vec![0.0; n_segments];
    for (i, n) in nodes.iter().enumerate() {
        if let Some(r) = n.segment {
            if r >= n_segments {
                return Err(LfpError::Invalid(format!("node {i} names segment row {r} of {n_segments}")));
            }
            out[r] = node_i[i];
        }
    }
    Ok(out)
}
