//! `builtin:l5pc`: a synthetic layer-5 pyramidal cell that needs no external file.
//!
//! Designed so the 40 µm rule (`1 + 2·floor(L/40)`) gives exactly the real cell's counts:
//! 262 basal and 377 apical segments (Hay's cell1.asc). Layout (soma at the origin, apical
//! axis +y, lengths and diameters in the range of reconstructed L5 pyramids):
//! - soma: a 23 µm long, 20 µm wide cylinder along y (≈1450 µm², like cell1's soma);
//! - axon: an initial segment-like stub of two 30 µm × 1 µm cylinders (Hay's replacement);
//! - 8 basal trees, each root → 2 intermediate branches → 4 terminal branches;
//! - an apical trunk of 10 sections up to the nexus at ≈750 µm (the Ca²⁺ hot zone
//!   685–885 µm starts on the trunk), 8 oblique subtrees along it, and a tuft of 3 main
//!   branches that bifurcate twice, reaching ≈1310 µm from the apical root.

use crate::tree::{Morphology, Point3d, Region, Section};

struct Builder {
    sections: Vec<Section>,
}

impl Builder {
    /// Add a straight, linearly tapering section from `start` along unit direction `dir`,
    /// with 3-D points every ≤ 10 µm (so the taper is resolved along the section).
    #[allow(clippy::too_many_arguments)]
    fn add(
        &mut self,
        region: Region,
        parent: Option<usize>,
        parent_x: f64,
        start: [f64; 3],
        dir: [f64; 3],
        length: f64,
        d0: f64,
        d1: f64,
    ) -> usize {
        let n = (length / 10.0).ceil().max(1.0) as usize;
        let points = (0..=n)
            .map(|k| {
                let t = k as f64 / n as f64;
                Point3d::new(
                    start[0] + dir[0] * length * t,
                    start[1] + dir[1] * length * t,
                    start[2] + dir[2] * length * t,
                    d0 + (d1 - d0) * t,
                )
            })
            .collect();
        self.sections.push(Section {
            name: String::new(),
            region,
            parent,
            parent_x,
            points,
            source_line: 0,
        });
        self.sections.len() - 1
    }
    fn end(&self, s: usize) -> [f64; 3] {
        self.sections[s].points.last().expect("points").xyz()
    }
}

/// Unit vector from spherical angles: `elev` from the +y axis, `azim` around it (radians).
fn dir(elev: f64, azim: f64) -> [f64; 3] {
    [elev.sin() * azim.cos(), elev.cos(), elev.sin() * azim.sin()]
}

/// The built-in cell.
pub fn builtin_l5pc() -> Morphology {
    use std::f64::consts::PI;
    let mut b = Builder { sections: Vec::new() };
    let soma = b.add(Region::Soma, None, 0.0, [0.0, -11.5, 0.0], [0.0, 1.0, 0.0], 23.0, 20.0, 20.0);

    // Basal trees: 7 trees of 33 segments and 1 of 31 (262 in all). Each: root (1 segment),
    // two intermediate branches (3 each), four terminals (7+7+7+5, or 7+7+5+5).
    for t in 0..8 {
        let azim = t as f64 * 2.0 * PI / 8.0 + 0.2;
        let root_dir = dir(PI * 0.72, azim);
        let start = [root_dir[0] * 10.0, root_dir[1] * 10.0 - 4.0, root_dir[2] * 10.0];
        let root = b.add(Region::Basal, Some(soma), 0.5, start, root_dir, 25.0, 1.6, 1.2);
        let terminals: [f64; 4] = if t == 7 { [150.0, 130.0, 100.0, 90.0] } else { [150.0, 130.0, 140.0, 95.0] };
        for m in 0..2 {
            let side = if m == 0 { -1.0 } else { 1.0 };
            let d_mid = dir(PI * 0.72 + side * 0.18, azim + side * 0.35);
            let mid = b.add(Region::Basal, Some(root), 1.0, b.end(root), d_mid, 55.0, 1.0, 0.8);
            for k in 0..2 {
                let s2 = if k == 0 { -1.0 } else { 1.0 };
                let d_term = dir(PI * 0.72 + side * 0.18 + s2 * 0.15, azim + side * 0.35 + s2 * 0.3);
                let len = terminals[2 * m + k];
                b.add(Region::Basal, Some(mid), 1.0, b.end(mid), d_term, len, 0.7, 0.4);
            }
        }
    }

    // Apical trunk: 10 sections of 75 µm (3 segments each), tapering 3.6 → 2.0 µm.
    let mut trunk = Vec::new();
    let mut parent = soma;
    let mut parent_x = 0.5;
    let mut start = [0.0, 11.5, 0.0];
    for k in 0..10 {
        let d0 = 3.6 - 1.6 * k as f64 / 10.0;
        let d1 = 3.6 - 1.6 * (k + 1) as f64 / 10.0;
        let wiggle = dir(0.04 * ((k % 3) as f64 - 1.0), 0.0);
        let s = b.add(Region::Apical, Some(parent), parent_x, start, wiggle, 75.0, d0, d1);
        trunk.push(s);
        start = b.end(s);
        parent = s;
        parent_x = 1.0;
    }
    // Obliques from the ends of the first 8 trunk sections (up to 600 µm):
    // 7 subtrees of 150 + 2×125 µm (7+7+7 segments), one of 150 + 2×100 µm (7+5+5).
    for (k, &t) in trunk.iter().take(8).enumerate() {
        let azim = k as f64 * 2.4;
        let d_obl = dir(PI * 0.33, azim);
        let ob = b.add(Region::Apical, Some(t), 1.0, b.end(t), d_obl, 150.0, 1.2, 0.8);
        let child_len = if k == 7 { 100.0 } else { 125.0 };
        for s in [-1.0, 1.0] {
            let d_child = dir(PI * 0.33 + s * 0.2, azim + s * 0.4);
            b.add(Region::Apical, Some(ob), 1.0, b.end(ob), d_child, child_len, 0.7, 0.45);
        }
    }
    // Tuft from the nexus (end of the trunk, 750 µm): 3 main branches of 205 µm (11 segments)
    // → 2 × 205 µm (11) → 2 × 150 µm (7): 61 segments per main branch. (Lengths avoid exact
    // multiples of 40 µm, where round-off would flip the segment count.)
    let nexus = *trunk.last().expect("trunk");
    for m in 0..3 {
        let azim = m as f64 * 2.0 * PI / 3.0;
        let d_main = dir(0.35, azim);
        let main = b.add(Region::Apical, Some(nexus), 1.0, b.end(nexus), d_main, 205.0, 2.0, 1.4);
        for s in [-1.0, 1.0] {
            let d_mid = dir(0.35 + 0.15 * s, azim + 0.5 * s);
            let mid = b.add(Region::Apical, Some(main), 1.0, b.end(main), d_mid, 205.0, 1.2, 0.8);
            for s2 in [-1.0, 1.0] {
                let d_t = dir(0.35 + 0.15 * s + 0.12 * s2, azim + 0.5 * s + 0.3 * s2);
                b.add(Region::Apical, Some(mid), 1.0, b.end(mid), d_t, 150.0, 0.7, 0.4);
            }
        }
    }
    // Axon: two 30 µm × 1 µm cylinders down from the soma centre.
    let a0 = b.add(Region::Axon, Some(soma), 0.5, [0.0, 0.0, 0.0], [0.0, -1.0, 0.0], 30.0, 1.0, 1.0);
    b.add(Region::Axon, Some(a0), 1.0, b.end(a0), [0.0, -1.0, 0.0], 30.0, 1.0, 1.0);

    let mut m = Morphology {
        source: "builtin:l5pc".into(),
        sections: b.sections,
    };
    m.assign_neuron_names();
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{discretize, DiscretizeOptions};

    #[test]
    fn forty_micron_rule_gives_the_real_cell_counts() {
        let d = discretize(&builtin_l5pc(), &DiscretizeOptions::default()).unwrap();
        assert_eq!(d.rows_of(Region::Basal).len(), 262);
        assert_eq!(d.rows_of(Region::Apical).len(), 377);
        assert_eq!(d.rows_of(Region::Soma).len(), 1);
        // Longest apical path: 750 µm trunk + 205 + 205 + 150 µm tuft.
        assert!((d.longest_apical_path_um() - 1310.0).abs() < 1.0, "{}", d.longest_apical_path_um());
        // Soma area of a 23 µm × 20 µm cylinder.
        let soma = d.rows_of(Region::Soma)[0];
        let expect = std::f64::consts::PI * 20.0 * 23.0;
        assert!((d.segments[soma].area_um2 - expect).abs() / expect < 1e-6);
    }

    #[test]
    fn apical_hot_zone_lies_on_the_trunk() {
        let d = discretize(&builtin_l5pc(), &DiscretizeOptions::default()).unwrap();
        let hot: Vec<_> = d
            .segments
            .iter()
            .filter(|s| s.path_apical_um.is_some_and(|p| (685.0..885.0).contains(&p)))
            .collect();
        assert!(hot.len() >= 10, "hot-zone segments: {}", hot.len());
    }
}
