//! Discretisation: how many segments each section gets, the segment table, and the node
//! graph NEURON solves on (segment centres plus zero-area section ends).

use crate::error::{MorphError, Result};
use crate::geometry::{integrate_segments, neuron_points, point_at_arc};
use crate::tree::{Morphology, Point3d, Region, Section};
use serde::{Deserialize, Serialize};
use std::f64::consts::PI;

/// How many segments a section gets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub enum NsegRule {
    /// `1 + 2·floor(L / 40 µm)` (Hay 2011 and NeuronIO).
    Hay,
    /// The same count for every section.
    Fixed(usize),
    /// NEURON's d_lambda rule at a frequency (Hz), with d_lambda = 0.1.
    DLambda { freq_hz: f64 },
}

impl std::str::FromStr for NsegRule {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        if s == "hay" {
            return Ok(NsegRule::Hay);
        }
        if let Some(n) = s.strip_prefix("fixed:") {
            let n: usize = n.parse().map_err(|_| format!("fixed:N needs a positive integer, got '{n}'"))?;
            if n == 0 {
                return Err("fixed:N needs N ≥ 1".into());
            }
            return Ok(NsegRule::Fixed(n));
        }
        if let Some(f) = s.strip_prefix("dlambda:") {
            let f: f64 = f.parse().map_err(|_| format!("dlambda:F needs a frequency in Hz, got '{f}'"))?;
            if !(f.is_finite() && f > 0.0) {
                return Err("dlambda:F needs F > 0 Hz".into());
            }
            return Ok(NsegRule::DLambda { freq_hz: f });
        }
        Err(format!("unknown nseg rule '{s}' (use hay, fixed:N or dlambda:F)"))
    }
}

/// Electrical constants the discretisation needs (axial resistance, and cm for d_lambda).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DiscretizeOptions {
    pub nseg: NsegRule,
    /// Axial resistivity (Ω·cm).
    pub ra_ohm_cm: f64,
    /// Membrane capacitance (µF/cm²) of soma and axon, used by d_lambda.
    pub cm_soma_axon_uf_cm2: f64,
    /// Membrane capacitance (µF/cm²) of dendrites, used by d_lambda.
    pub cm_dend_uf_cm2: f64,
    /// Replace the axon by Hay's two 30 µm × 1 µm cylinders.
    pub hay_axon: bool,
    /// Round 3-D points to single precision as NEURON stores them.
    pub neuron_precision: bool,
}

impl Default for DiscretizeOptions {
    fn default() -> Self {
        DiscretizeOptions {
            nseg: NsegRule::Hay,
            ra_ohm_cm: 100.0,
            cm_soma_axon_uf_cm2: 1.0,
            cm_dend_uf_cm2: 2.0,
            hay_axon: false,
            neuron_precision: true,
        }
    }
}

/// One compartment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Segment {
    /// Row in the segment table.
    pub index: usize,
    /// Index of the section in [`Discretized::morphology`].
    pub section: usize,
    pub section_name: String,
    pub region: Region,
    /// Position of the segment centre in its section (0..1).
    pub x: f64,
    pub start_um: [f64; 3],
    pub end_um: [f64; 3],
    pub centre_um: [f64; 3],
    /// NEURON's `seg.diam` (mean diameter over the segment, µm).
    pub diam_um: f64,
    pub length_um: f64,
    /// NEURON's `seg.area()` (µm²).
    pub area_um2: f64,
    /// NEURON's `seg.ri()`: axial resistance from the parent node to this centre (MΩ).
    pub ri_mohm: f64,
    /// Path distance from `soma(0.5)` to the segment centre (µm).
    pub path_soma_um: f64,
    /// Path distance from the apical root `apic[0](0)` (µm), for apical segments.
    pub path_apical_um: Option<f64>,
    /// Node of this segment in [`Discretized::nodes`].
    pub node: usize,
}

/// A node of the cable equation, as NEURON builds them: one per segment centre, plus one
/// zero-area node at each section's 1-end and at the root section's 0-end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// Parent node (None for the root); parents come before children.
    pub parent: Option<usize>,
    /// Axial resistance to the parent node (MΩ); 0 for the root.
    pub ri_mohm: f64,
    /// Membrane area (µm²); 0 for section-end nodes.
    pub area_um2: f64,
    /// Segment table row of this node, if it is a segment centre.
    pub segment: Option<usize>,
}

/// A discretised cell.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Discretized {
    pub morphology: Morphology,
    pub options: DiscretizeOptions,
    /// Segments per section (same order as `morphology.sections`).
    pub nseg: Vec<usize>,
    /// Section lengths as NEURON computes them (µm).
    pub length_um: Vec<f64>,
    /// The segment table: basal, apical, soma, axon, other regions; sections in creation
    /// order within a region, increasing x within a section (the NeuronIO convention).
    pub segments: Vec<Segment>,
    /// Node graph in topological order (parents first).
    pub nodes: Vec<Node>,
    /// First segment row of each section.
    pub section_first_segment: Vec<usize>,
}

fn region_rank(r: Region) -> (i32, i32) {
    match r {
        Region::Basal => (0, 0),
        Region::Apical => (1, 0),
        Region::Soma => (2, 0),
        Region::Axon => (3, 0),
        Region::Custom(t) => (4, t),
    }
}

/// Hay's axon replacement: drop the reconstructed axon, add `axon[0]` and `axon[1]`
/// (each 30 µm long, 1 µm diameter) at `soma(0.5)` and `axon[0](1)`.
pub fn replace_axon_hay(m: &Morphology) -> Morphology {
    let soma = m.soma();
    let removed: Vec<bool> = m.sections.iter().map(|s| s.region == Region::Axon).collect();
    let mut new_index = vec![usize::MAX; m.sections.len()];
    let mut sections = Vec::new();
    for (i, s) in m.sections.iter().enumerate() {
        if removed[i] {
            continue;
        }
        new_index[i] = sections.len();
        sections.push(s.clone());
    }
    // Sections whose parent was an axon would be orphaned; reattach them to the soma.
    for s in &mut sections {
        if let Some(p) = s.parent {
            if removed[p] {
                s.parent = soma.map(|x| new_index[x]);
                s.parent_x = 0.5;
            } else {
                s.parent = Some(new_index[p]);
            }
        }
    }
    let soma_new = soma.map(|x| new_index[x]);
    // Place the cylinders downward from the soma centre, for drawing only (area and
    // resistance depend on length and diameter alone).
    let start = soma
        .map(|s| {
            let sec = &m.sections[s];
            crate::geometry::point_at_arc(&sec.points, &arcs(&sec.points), sec.length_um() / 2.0)
        })
        .unwrap_or([0.0; 3]);
    let a0 = sections.len();
    for k in 0..2 {
        let y0 = start[1] - 30.0 * k as f64;
        sections.push(Section {
            name: String::new(),
            region: Region::Axon,
            parent: if k == 0 { soma_new } else { Some(a0) },
            parent_x: if k == 0 { 0.5 } else { 1.0 },
            points: vec![
                Point3d::new(start[0], y0, start[2], 1.0),
                Point3d::new(start[0], y0 - 30.0, start[2], 1.0),
            ],
            source_line: 0,
        });
    }
    let mut out = Morphology {
        source: m.source.clone(),
        sections,
    };
    out.assign_neuron_names();
    out
}

fn arcs(p: &[Point3d]) -> Vec<f64> {
    let mut a = vec![0.0; p.len()];
    for i in 1..p.len() {
        a[i] = a[i - 1] + crate::tree::dist(p[i - 1].xyz(), p[i].xyz());
    }
    a
}

/// NEURON's `lambda_f(freq)` from 3-D points (µm).
fn lambda_f(pts: &[Point3d], arc: &[f64], freq_hz: f64, ra: f64, cm: f64) -> f64 {
    let l = *arc.last().unwrap_or(&0.0);
    let mut lam = 0.0;
    for i in 1..pts.len() {
        lam += (arc[i] - arc[i - 1]) / (pts[i - 1].d + pts[i].d).sqrt();
    }
    lam *= 2f64.sqrt() * 1e-5 * (4.0 * PI * freq_hz * ra * cm).sqrt();
    l / lam
}

/// Most segments one section may get (a 40 µm rule section this long would be 40 m).
pub const MAX_SEGMENTS_PER_SECTION: usize = 1_000_000;

/// Discretise a morphology.
pub fn discretize(m: &Morphology, opts: &DiscretizeOptions) -> Result<Discretized> {
    let src = std::path::PathBuf::from(&m.source);
    let morph = if opts.hay_axon { replace_axon_hay(m) } else { m.clone() };
    if !(opts.ra_ohm_cm.is_finite() && opts.ra_ohm_cm > 0.0) {
        return Err(MorphError::invalid(&src, format!("Ra must be > 0, got {}", opts.ra_ohm_cm)));
    }
    let nsec = morph.sections.len();
    if nsec == 0 {
        return Err(MorphError::invalid(&src, "the morphology has no sections"));
    }
    for (i, s) in morph.sections.iter().enumerate() {
        if let Some(p) = s.parent {
            if p >= i {
                return Err(MorphError::invalid(&src, format!("section {} comes before its parent", s.name)));
            }
        } else if i != 0 {
            return Err(MorphError::invalid(&src, format!("section {} has no parent: only one root is supported", s.name)));
        }
        if s.points.len() < 2 {
            return Err(MorphError::invalid(&src, format!("section {} has fewer than 2 points", s.name)));
        }
    }
    // Geometry per section in NEURON's precision.
    let mut geo = Vec::with_capacity(nsec);
    let mut nseg = Vec::with_capacity(nsec);
    let mut length = Vec::with_capacity(nsec);
    for s in &morph.sections {
        let (pts, arc) = neuron_points(&s.points, opts.neuron_precision);
        let l = *arc.last().expect("points");
        if !(l > 0.0) {
            return Err(MorphError::invalid(&src, format!("section {} has zero length", s.name)));
        }
        let n = match opts.nseg {
            NsegRule::Hay => 1 + 2 * (l / 40.0).floor() as usize,
            NsegRule::Fixed(n) => n,
            NsegRule::DLambda { freq_hz } => {
                let cm = match s.region {
                    Region::Soma | Region::Axon => opts.cm_soma_axon_uf_cm2,
                    _ => opts.cm_dend_uf_cm2,
                };
                let lf = lambda_f(&pts, &arc, freq_hz, opts.ra_ohm_cm, cm);
                ((l / (0.1 * lf) + 0.9) / 2.0).floor() as usize * 2 + 1
            }
        };
        // A bound, so absurd coordinates give an error instead of an allocation failure.
        if n > MAX_SEGMENTS_PER_SECTION {
            return Err(MorphError::invalid(
                &src,
                format!("section {} would get {n} segments (L = {l:.4e} µm); the limit is {MAX_SEGMENTS_PER_SECTION}", s.name),
            ));
        }
        nseg.push(n);
        length.push(l);
        geo.push((pts, arc));
    }
    // Nodes: per section, its segment nodes then its 1-end node; the root also gets a 0-end node.
    let mut nodes: Vec<Node> = Vec::new();
    let mut sec_nodes: Vec<Vec<usize>> = vec![Vec::new(); nsec]; // nseg centres then 1-end
    let mut root_node = 0;
    let mut integrals = Vec::with_capacity(nsec);
    for (i, s) in morph.sections.iter().enumerate() {
        let (pts, arc) = &geo[i];
        let ints = integrate_segments(pts, arc, nseg[i], opts.ra_ohm_cm);
        let parent_node = match s.parent {
            None => {
                root_node = nodes.len();
                nodes.push(Node { parent: None, ri_mohm: 0.0, area_um2: 0.0, segment: None });
                root_node
            }
            Some(p) => node_at(&morph, &sec_nodes, &nseg, root_node, p, s.parent_x),
        };
        let mut prev = parent_node;
        let mut r_right_prev = 0.0;
        for si in &ints {
            let id = nodes.len();
            nodes.push(Node {
                parent: Some(prev),
                ri_mohm: r_right_prev + si.r_left_mohm,
                area_um2: si.area_um2,
                segment: None,
            });
            sec_nodes[i].push(id);
            prev = id;
            r_right_prev = si.r_right_mohm;
        }
        let end = nodes.len();
        nodes.push(Node { parent: Some(prev), ri_mohm: r_right_prev, area_um2: 0.0, segment: None });
        sec_nodes[i].push(end);
        integrals.push(ints);
    }
    // Path distances of section starts from soma(0.5) (or from the root's 0-end if no soma).
    let soma = morph.soma();
    let mut start_dist = vec![0.0; nsec];
    for (i, s) in morph.sections.iter().enumerate() {
        start_dist[i] = match s.parent {
            None => {
                if soma == Some(i) {
                    -0.5 * length[i] // so that x = 0.5 is distance 0
                } else {
                    0.0
                }
            }
            Some(p) => path_at(&start_dist, &length, soma, p, s.parent_x),
        };
    }
    let apical_root = morph
        .sections
        .iter()
        .position(|s| s.region == Region::Apical && s.parent.is_none_or(|p| morph.sections[p].region != Region::Apical));
    // Segment table order.
    let mut order: Vec<usize> = (0..nsec).collect();
    order.sort_by_key(|&i| (region_rank(morph.sections[i].region), i));
    let mut segments = Vec::new();
    let mut section_first_segment = vec![0; nsec];
    for &i in &order {
        let s = &morph.sections[i];
        let (pts, arc) = &geo[i];
        section_first_segment[i] = segments.len();
        let n = nseg[i];
        let ds = length[i] / n as f64;
        for (j, si) in integrals[i].iter().enumerate() {
            let x = (j as f64 + 0.5) / n as f64;
            let path_soma = path_at(&start_dist, &length, soma, i, x);
            let path_apical = match (s.region, apical_root) {
                (Region::Apical, Some(r)) => Some(path_soma - start_dist[r]),
                _ => None,
            };
            let node = sec_nodes[i][j];
            let index = segments.len();
            nodes[node].segment = Some(index);
            segments.push(Segment {
                index,
                section: i,
                section_name: s.name.clone(),
                region: s.region,
                x,
                start_um: point_at_arc(pts, arc, j as f64 * ds),
                end_um: point_at_arc(pts, arc, (j as f64 + 1.0) * ds),
                centre_um: point_at_arc(pts, arc, (j as f64 + 0.5) * ds),
                diam_um: si.diam_um,
                length_um: ds,
                area_um2: si.area_um2,
                ri_mohm: nodes[node].ri_mohm,
                path_soma_um: path_soma,
                path_apical_um: path_apical,
                node,
            });
        }
    }
    Ok(Discretized {
        morphology: morph,
        options: *opts,
        nseg,
        length_um: length,
        segments,
        nodes,
        section_first_segment,
    })
}

/// Path distance (µm) from the reference (soma(0.5)) to position x of section `s`.
fn path_at(start: &[f64], length: &[f64], soma: Option<usize>, s: usize, x: f64) -> f64 {
    let d = start[s] + x * length[s];
    if soma == Some(s) {
        d.abs()
    } else {
        d
    }
}

/// The node a child attaching at `x` of section `p` connects to (NEURON's rule: x = 1 → the
/// 1-end node, x = 0 → the section's own parent node, else the segment containing x).
fn node_at(m: &Morphology, sec_nodes: &[Vec<usize>], nseg: &[usize], root: usize, p: usize, x: f64) -> usize {
    if x >= 1.0 {
        return *sec_nodes[p].last().expect("end node");
    }
    if x <= 0.0 {
        return match m.sections[p].parent {
            None => root,
            Some(pp) => node_at(m, sec_nodes, nseg, root, pp, m.sections[p].parent_x),
        };
    }
    let k = ((x * nseg[p] as f64) as usize).min(nseg[p] - 1);
    sec_nodes[p][k]
}

impl Discretized {
    /// Segment rows of a region.
    pub fn rows_of(&self, region: Region) -> Vec<usize> {
        self.segments.iter().filter(|s| s.region == region).map(|s| s.index).collect()
    }
    /// Longest path from the apical root to an apical section end (µm).
    pub fn longest_apical_path_um(&self) -> f64 {
        let mut best: f64 = 0.0;
        for seg in &self.segments {
            if let Some(p) = seg.path_apical_um {
                best = best.max(p + seg.length_um / 2.0);
            }
        }
        best
    }
    /// Row of the segment containing position x of a section given by name (e.g. `soma[0]`).
    pub fn segment_at(&self, section_name: &str, x: f64) -> Option<usize> {
        let i = self.morphology.sections.iter().position(|s| s.name == section_name)?;
        let n = self.nseg[i];
        let k = ((x * n as f64) as usize).min(n - 1);
        Some(self.section_first_segment[i] + k)
    }
}
