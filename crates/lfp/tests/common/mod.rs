//! Shared helpers of the lfp tests: cells, random electrodes, error measures.
#![allow(dead_code)]

use lfdeep_morph::{discretize, load_morphology, DiscretizeOptions, Discretized, Morphology, Point3d, Region, Section};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A small hand-made cell that exercises every kind of node NEURON builds: children at a
/// section's 1-end (junction), at the root's 0-end (x = 0 of the soma), in the middle of a
/// section (a segment node), and a bent multi-point section.
pub fn hand_made() -> Morphology {
    let p = |x: f64, y: f64, z: f64, d: f64| Point3d::new(x, y, z, d);
    let sec = |region, parent: Option<usize>, parent_x, points| Section {
        name: String::new(),
        region,
        parent,
        parent_x,
        points,
        source_line: 0,
    };
    let mut m = Morphology {
        source: "hand-made".into(),
        sections: vec![
            // 0: soma, along y
            sec(Region::Soma, None, 0.0, vec![p(0.0, -10.0, 0.0, 18.0), p(0.0, 0.0, 0.0, 20.0), p(0.0, 10.0, 0.0, 18.0)]),
            // 1: apical trunk from soma(1), tapering, 300 µm (15 segments)
            sec(Region::Apical, Some(0), 1.0, vec![p(0.0, 10.0, 0.0, 4.0), p(5.0, 160.0, 3.0, 3.0), p(0.0, 310.0, 0.0, 2.0)]),
            // 2, 3: tuft branches from the trunk's 1-end (a junction with three sections)
            sec(Region::Apical, Some(1), 1.0, vec![p(0.0, 310.0, 0.0, 1.5), p(60.0, 400.0, 10.0, 1.0)]),
            sec(Region::Apical, Some(1), 1.0, vec![p(0.0, 310.0, 0.0, 1.5), p(-50.0, 380.0, -20.0, 1.2), p(-90.0, 480.0, -25.0, 0.8)]),
            // 4: oblique from the middle of the trunk (a segment node)
            sec(Region::Apical, Some(1), 0.5, vec![p(2.0, 160.0, 3.0, 1.5), p(80.0, 200.0, 0.0, 1.0)]),
            // 5: basal from soma(0): attaches to the root's 0-end node
            sec(Region::Basal, Some(0), 0.0, vec![p(0.0, -10.0, 0.0, 2.0), p(-40.0, -90.0, 5.0, 1.5), p(-60.0, -150.0, 20.0, 1.0)]),
            // 6: basal from soma(0.5): the soma's segment node
            sec(Region::Basal, Some(0), 0.5, vec![p(10.0, 0.0, 0.0, 2.0), p(120.0, -30.0, -10.0, 1.2)]),
            // 7: a bent basal from soma(0), curving (chord midpoints differ from arc centres)
            sec(
                Region::Basal,
                Some(0),
                0.0,
                (0..12)
                    .map(|k| {
                        let a = k as f64 * 0.25;
                        p(30.0 * a.sin(), -10.0 - 30.0 * (1.0 - a.cos()), 15.0 * a, 1.5 - 0.05 * k as f64)
                    })
                    .collect(),
            ),
            // 8: axon from soma(0.5)
            sec(Region::Axon, Some(0), 0.5, vec![p(0.0, 0.0, 0.0, 1.0), p(0.0, -20.0, -60.0, 1.0)]),
        ],
    };
    m.assign_neuron_names();
    m
}

pub fn discretized(m: &Morphology) -> Discretized {
    discretize(m, &DiscretizeOptions::default()).expect("discretize")
}

/// cell1.asc (None when the shared file is missing).
pub fn cell1() -> Option<Discretized> {
    let p = lfdeep_oracle::shared_data("hay2011/cell1.asc")?;
    Some(discretized(&load_morphology(p.to_str().unwrap()).expect("read cell1.asc")))
}

/// builtin:l5pc, or None (with a message) while the built-in cell is still empty.
pub fn builtin() -> Option<Discretized> {
    let m = load_morphology("builtin:l5pc").expect("builtin");
    if m.sections.is_empty() {
        eprintln!("SKIPPED: builtin:l5pc has no sections yet");
        return None;
    }
    Some(discretized(&m))
}

/// Random electrodes: uniform in the cell's bounding box grown by 100 µm, plus electrodes
/// closer to a segment axis than its radius (the clamped case) and on axis extensions.
pub fn random_electrodes(d: &Discretized, n: usize, seed: u64) -> Vec<[f64; 3]> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for s in &d.segments {
        for k in 0..3 {
            lo[k] = lo[k].min(s.start_um[k]).min(s.end_um[k]) ;
            hi[k] = hi[k].max(s.start_um[k]).max(s.end_um[k]);
        }
    }
    let mut out = Vec::new();
    for _ in 0..n {
        out.push([0, 1, 2].map(|k| rng.random_range(lo[k] - 100.0..hi[k] + 100.0)));
    }
    for _ in 0..n / 4 {
        // Within a radius of a random segment's axis.
        let s = &d.segments[rng.random_range(0..d.segments.len())];
        let t: f64 = rng.random_range(-0.2..1.2);
        let off = [0, 1, 2].map(|_| rng.random_range(-0.25..0.25) * s.diam_um);
        out.push([0, 1, 2].map(|k| s.start_um[k] + t * (s.end_um[k] - s.start_um[k]) + off[k]));
    }
    out
}

/// Largest element-wise relative error |a − b| / |b|, with |b| floored at `floor` × max|b|
/// (so exact zeros in the reference do not divide by zero).
pub fn max_rel(a: &[f64], b: &[f64], floor: f64) -> f64 {
    assert_eq!(a.len(), b.len(), "lengths");
    let scale = b.iter().fold(0.0f64, |m, x| m.max(x.abs()));
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs() / y.abs().max(floor * scale).max(f64::MIN_POSITIVE))
        .fold(0.0, f64::max)
}

pub fn json_matrix(v: &serde_json::Value) -> (usize, usize, Vec<f64>) {
    let rows = v.as_array().expect("matrix rows");
    let cols = rows.first().map(|r| r.as_array().unwrap().len()).unwrap_or(0);
    let data = rows.iter().flat_map(|r| r.as_array().unwrap().iter().map(|x| x.as_f64().unwrap())).collect();
    (rows.len(), cols, data)
}
