//! Oracle: line-source, point-source, current-dipole-moment and four-sphere matrices equal
//! LFPykit's (oracle/lfp_lfpykit.py) to 1e−6 relative, on cell1.asc, builtin:l5pc and a
//! hand-made cell, with random electrodes.

mod common;

use common::*;
use lfdeep_lfp::{dipole_moment_matrix, line_source_matrix, point_source_matrix, AxialNetwork, CellGeometry, FourSphere, Matrix};
use lfdeep_morph::Discretized;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

const TOL: f64 = 1e-6;

fn random_unit(rng: &mut ChaCha8Rng) -> [f64; 3] {
    loop {
        let v: [f64; 3] = [0, 1, 2].map(|_| rng.random_range(-1.0..1.0));
        let n = (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]).sqrt();
        if n > 0.1 && n <= 1.0 {
            return v.map(|x| x / n);
        }
    }
}

/// A dipole location in the brain and electrodes in all four shells (and one straight
/// above the dipole, where the tangential part vanishes).
fn head_setup(seed: u64) -> ([f64; 3], Vec<[f64; 3]>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let [r1, r2, r3, r4] = lfdeep_lfp::four_sphere::DEFAULT_RADII_UM;
    let zdir = random_unit(&mut rng);
    let rz = r1 - rng.random_range(500.0..2000.0);
    let loc = zdir.map(|x| x * rz);
    let mut el = vec![zdir.map(|x| x * r4)];
    for (lo, hi) in [(rz + 300.0, r1), (r1, r2), (r2, r3), (r3, r4)] {
        for _ in 0..4 {
            let u = random_unit(&mut rng);
            let r = rng.random_range(lo..hi);
            el.push(u.map(|x| x * r));
        }
    }
    (loc, el)
}

fn check_cell(label: &str, d: &Discretized, seed: u64) {
    let Some(py) = lfdeep_oracle::python_with("lfpykit") else { return };
    let cell = CellGeometry::from_discretized(d);
    let el = random_electrodes(d, 40, seed);
    let sigma = 0.3;
    // Membrane currents of random voltages (they sum to zero, as real ones do).
    let mut rng = ChaCha8Rng::seed_from_u64(seed + 1);
    let steps = 5;
    let v: Vec<f64> = (0..d.segments.len() * steps).map(|_| rng.random_range(-80.0..30.0)).collect();
    let v = Matrix::from_vec(d.segments.len(), steps, v).unwrap();
    let imem = AxialNetwork::from_discretized(d).unwrap().currents_series(&v).unwrap();
    let (loc, eeg_el) = head_setup(seed + 2);
    // The cell placed with its soma segment at the dipole location.
    let soma = d.segments[d.segment_at("soma[0]", 0.5).unwrap()].centre_um;
    let placed = cell.translated([loc[0] - soma[0], loc[1] - soma[1], loc[2] - soma[2]]);
    let rows = |m: &Matrix| (0..m.rows).map(|i| m.row(i).to_vec()).collect::<Vec<_>>();
    let input = json!({
        "start": placed.start_um, "end": placed.end_um, "diam": placed.diam_um,
        "electrodes": el.iter().map(|e| [e[0] + loc[0] - soma[0], e[1] + loc[1] - soma[1], e[2] + loc[2] - soma[2]]).collect::<Vec<_>>(),
        "sigma": sigma,
        "currents": rows(&imem),
        "eeg": {"electrodes": eeg_el, "dipole_location": loc, "radii": null, "sigmas": null},
    });
    let dir = lfdeep_oracle::temp_dir("lfpykit");
    let path = dir.join("input.json");
    std::fs::write(&path, serde_json::to_vec(&input).unwrap()).unwrap();
    let out = lfdeep_oracle::run_json(&py, "lfp_lfpykit.py", &[path.to_str().unwrap()]);

    // Infinite-medium models on the translated cell (the translation is exact for matrices
    // that depend only on differences; it tests the whole pipeline in head coordinates).
    let el_placed: Vec<[f64; 3]> = input["electrodes"].as_array().unwrap().iter()
        .map(|e| [0, 1, 2].map(|k| e[k].as_f64().unwrap())).collect();
    let line = line_source_matrix(&placed, &el_placed, sigma).unwrap();
    let point = point_source_matrix(&placed, &el_placed, sigma).unwrap();
    let cdm = dipole_moment_matrix(&placed);
    let fs = FourSphere::default().transformation_matrix(&eeg_el, loc).unwrap();
    let eeg = FourSphere::default().potential(&eeg_el, loc, &cdm.matmul(&imem).unwrap()).unwrap();

    let mut report = Vec::new();
    for (name, ours, floor) in [("line", &line, 0.0), ("point", &point, 0.0), ("cdm", &cdm, 1e-9), ("four_sphere", &fs, 1e-9), ("eeg_potential", &eeg, 1e-9)] {
        let (r, c, theirs) = json_matrix(&out[name]);
        assert_eq!((r, c), (ours.rows, ours.cols), "{label} {name}: shape");
        let e = max_rel(&ours.data, &theirs, floor);
        report.push(format!("{name} {e:.2e}"));
        assert!(e < TOL, "{label}: {name} differs from LFPykit by {e:.3e} relative");
    }
    eprintln!("{label}: {} segments, {} electrodes, max relative error vs LFPykit: {}", d.segments.len(), el.len(), report.join(", "));
}

#[test]
fn hand_made_cell_matches_lfpykit() {
    check_cell("hand-made", &discretized(&hand_made()), 11);
}

#[test]
fn cell1_matches_lfpykit() {
    let Some(d) = cell1() else { return };
    check_cell("cell1.asc", &d, 21);
}

#[test]
fn builtin_l5pc_matches_lfpykit() {
    let Some(d) = builtin() else { return };
    check_cell("builtin:l5pc", &d, 31);
}
