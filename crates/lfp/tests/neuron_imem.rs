//! Oracle: membrane currents computed from voltages alone match NEURON's recorded
//! `i_membrane_` (fast_imem) on cell1.asc under synaptic bombardment (dt = 0.025 ms), and
//! sum to zero at every sample.

mod common;

use common::*;
use lfdeep_lfp::{npy::read_npy, AxialNetwork, Matrix};
use std::collections::HashMap;

#[test]
fn kirchhoff_currents_match_neuron_i_membrane_cell1() {
    let Some(path) = lfdeep_oracle::shared_data("hay2011/cell1.asc") else { return };
    compare("cell1.asc", &cell1().unwrap(), path.to_str().unwrap());
}

/// builtin:l5pc, built in NEURON from its 3-D points (pt3dadd), rows in our table order.
#[test]
fn kirchhoff_currents_match_neuron_i_membrane_builtin() {
    let Some(d) = builtin() else { return };
    let dir = lfdeep_oracle::temp_dir("imem-builtin-morph");
    let path = write_morphology_json(&d, &dir.join("builtin.json"));
    compare("builtin:l5pc", &d, path.to_str().unwrap());
}

/// The morphology as JSON for the oracle, with our segment order.
pub fn write_morphology_json(d: &lfdeep_morph::Discretized, path: &std::path::Path) -> std::path::PathBuf {
    let mut v = serde_json::to_value(&d.morphology).unwrap();
    v["segment_order"] = d.segments.iter().map(|s| serde_json::json!([s.section_name, s.x])).collect();
    std::fs::write(path, serde_json::to_vec(&v).unwrap()).unwrap();
    path.to_path_buf()
}

fn compare(label: &str, d: &lfdeep_morph::Discretized, path: &str) {
    let Some(py) = lfdeep_oracle::python_with("neuron") else { return };
    let d = d.clone();
    let dir = lfdeep_oracle::temp_dir("imem");
    let meta = lfdeep_oracle::run_json(&py, "lfp_neuron_imem.py", &[path, dir.to_str().unwrap(), "--tstop=200", "--every=4"]);
    let v_nrn = read_npy(&dir.join("v.npy")).unwrap();
    let i_nrn = read_npy(&dir.join("imem.npy")).unwrap();
    // NEURON's rows → our segment rows, by section name and x.
    let ours: HashMap<(String, i64), usize> =
        d.segments.iter().map(|s| ((s.section_name.clone(), (s.x * 1e9).round() as i64), s.index)).collect();
    let rows: Vec<usize> = meta["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let key = (s[0].as_str().unwrap().to_string(), (s[1].as_f64().unwrap() * 1e9).round() as i64);
            *ours.get(&key).unwrap_or_else(|| panic!("NEURON segment {key:?} has no row here"))
        })
        .collect();
    assert_eq!(rows.len(), d.segments.len());
    let t = v_nrn.cols;
    let mut v = Matrix::zeros(d.segments.len(), t);
    let mut i_ref = Matrix::zeros(d.segments.len(), t);
    for (k, &r) in rows.iter().enumerate() {
        v.row_mut(r).copy_from_slice(v_nrn.row(k));
        i_ref.row_mut(r).copy_from_slice(i_nrn.row(k));
    }
    let soma = d.segment_at("soma[0]", 0.5).unwrap();
    let spikes = v.row(soma).windows(2).filter(|w| w[0] <= 0.0 && w[1] > 0.0).count();
    let net = AxialNetwork::from_discretized(&d).unwrap();
    let i = net.currents_series(&v).unwrap();
    // Rounding scale of Σ I: every term is a difference of products g·V, so float precision
    // is relative to Σ_k |G_kk| |V_k|, not to Σ |I| (which is tiny when the cell is quiet).
    let g = net.conductance_matrix();
    let (mut se, mut sr) = (0.0, 0.0);
    for (a, b) in i.data.iter().zip(&i_ref.data) {
        se += (a - b).powi(2);
        sr += b * b;
    }
    let rel_rms = (se / sr).sqrt();
    let mut worst_sum: f64 = 0.0;
    for c in 0..t {
        let (mut s, mut a) = (0.0, 0.0);
        for r in 0..i.rows {
            s += i.get(r, c);
            a += (g.get(r, r) * v.get(r, c)).abs();
        }
        worst_sum = worst_sum.max(s.abs() / a);
    }
    eprintln!(
        "{label} bombardment: {} segments × {t} samples, {spikes} somatic spikes; RMS(I_kirchhoff − i_membrane_) / RMS(i_membrane_) = {rel_rms:.2e}; max |Σ I| / Σ|G_kk V_k| = {worst_sum:.2e}",
        d.segments.len()
    );
    assert!(spikes >= 1, "the bombardment should make the soma spike");
    assert!(rel_rms < 0.01, "membrane currents from voltages differ from NEURON's by {rel_rms:.3e} RMS");
    assert!(worst_sum < 1e-13, "Σ I_m = {worst_sum:e} of the rounding scale");
}

/// Not a check: writes NEURON-simulated voltages of builtin:l5pc (1 ms samples, segment-table
/// order) to $LFDEEP_DOCS_OUT/v.npy for the docs figure (`cargo test -p lfdeep-lfp --test
/// neuron_imem -- --ignored docs_voltages`, then `lfdeep lfp --voltages .../v.npy ...`).
#[test]
#[ignore]
fn docs_voltages() {
    let out = std::path::PathBuf::from(std::env::var("LFDEEP_DOCS_OUT").expect("set LFDEEP_DOCS_OUT"));
    std::fs::create_dir_all(&out).unwrap();
    let py = lfdeep_oracle::python_with("neuron").expect("neuron");
    let d = builtin().expect("builtin");
    let path = write_morphology_json(&d, &out.join("builtin.json"));
    lfdeep_oracle::run_json(&py, "lfp_neuron_imem.py", &[path.to_str().unwrap(), out.to_str().unwrap(), "--tstop=300", "--every=40"]);
}
