//! The section tree as NEURON's Import3d leaves it: unbranched sections of 3-D points.

use serde::{Deserialize, Serialize};

/// One 3-D point of a section: position and diameter, all in µm.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point3d {
    pub x: f64,
    pub y: f64,
    pub z: f64,
    /// Diameter (µm).
    pub d: f64,
}

impl Point3d {
    pub fn new(x: f64, y: f64, z: f64, d: f64) -> Self {
        Point3d { x, y, z, d }
    }
    pub fn xyz(&self) -> [f64; 3] {
        [self.x, self.y, self.z]
    }
}

/// Neuronal region of a section (SWC type convention: 1 soma, 2 axon, 3 basal, 4 apical).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Region {
    Basal,
    Apical,
    Soma,
    Axon,
    /// Any other SWC type (5 and above, or negative).
    Custom(i32),
}

impl Region {
    pub fn from_swc_type(t: i32) -> Region {
        match t {
            1 => Region::Soma,
            2 => Region::Axon,
            3 => Region::Basal,
            4 => Region::Apical,
            other => Region::Custom(other),
        }
    }
    pub fn swc_type(self) -> i32 {
        match self {
            Region::Soma => 1,
            Region::Axon => 2,
            Region::Basal => 3,
            Region::Apical => 4,
            Region::Custom(t) => t,
        }
    }
    /// NEURON's section array name for this region, as Import3d names them.
    pub fn neuron_name(self) -> String {
        match self {
            Region::Soma => "soma".into(),
            Region::Axon => "axon".into(),
            Region::Basal => "dend".into(),
            Region::Apical => "apic".into(),
            Region::Custom(t) if t < 0 => format!("minus_{}", -t),
            Region::Custom(t) => format!("dend_{t}"),
        }
    }
    pub fn label(self) -> String {
        match self {
            Region::Soma => "soma".into(),
            Region::Axon => "axon".into(),
            Region::Basal => "basal".into(),
            Region::Apical => "apical".into(),
            Region::Custom(t) => format!("type{t}"),
        }
    }
}

/// An unbranched cable: NEURON's `Section` with its 3-D points.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    /// NEURON-style name, e.g. `dend[12]`.
    pub name: String,
    pub region: Region,
    /// Index of the parent section in [`Morphology::sections`] (None for the root).
    pub parent: Option<usize>,
    /// Where on the parent this section's 0-end attaches (0..=1).
    pub parent_x: f64,
    /// 3-D points from the 0-end to the 1-end (at least 2, except a 1-point soma).
    pub points: Vec<Point3d>,
    /// 1-based line of the source file where this section starts (0 if built in code).
    pub source_line: usize,
}

impl Section {
    /// Arc length of the 3-D points (µm).
    pub fn length_um(&self) -> f64 {
        self.points
            .windows(2)
            .map(|w| dist(w[0].xyz(), w[1].xyz()))
            .sum()
    }
}

/// A whole cell: sections in NEURON's creation order (root first, parents before children).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Morphology {
    /// Where it came from (a path or `builtin:l5pc`).
    pub source: String,
    pub sections: Vec<Section>,
}

impl Morphology {
    /// Index of the first soma section, if any.
    pub fn soma(&self) -> Option<usize> {
        self.sections.iter().position(|s| s.region == Region::Soma)
    }
    /// Children of each section, in creation order.
    pub fn children(&self) -> Vec<Vec<usize>> {
        let mut ch = vec![Vec::new(); self.sections.len()];
        for (i, s) in self.sections.iter().enumerate() {
            if let Some(p) = s.parent {
                ch[p].push(i);
            }
        }
        ch
    }
    /// Give sections NEURON's names: `<region>[k]`, k counting per region in creation order.
    pub fn assign_neuron_names(&mut self) {
        let mut counts = std::collections::BTreeMap::<String, usize>::new();
        for s in &mut self.sections {
            let base = s.region.neuron_name();
            let k = counts.entry(base.clone()).or_insert(0);
            s.name = format!("{base}[{k}]");
            *k += 1;
        }
    }
}

pub(crate) fn dist(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}
