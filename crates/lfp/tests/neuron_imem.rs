//! Oracle: membrane currents computed from voltages alone match NEURON's recorded
//! `i_membrane_` (fast_imem) on cell1.asc under synaptic bombardment (dt = 0.025 ms), and
//! sum to zero at every sample.

mod common;

use common::*;
use lfdeep_lfp::{npy::read_npy, AxialNetwork, Matrix};
use std::collections::HashMap;

#[test]
fn kirchhoff_currents_match_neuron_i_membrane() {
    let Some(py) = lfdeep_oracle::python_with("neuron") else { return };
    let Some(path) = lfdeep_oracle::shared_data("hay2011/cell1.asc") else { return };
    let d = cell1().unwrap();
    let dir = lfdeep_oracle::temp_dir("imem");
    let meta = lfdeep_oracle::run_json(&py, "lfp_neuron_imem.py", &[path.to_str().unwrap(), dir.to_str().unwrap(), "--tstop=200", "--every=4"]);
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
        "cell1.asc bombardment: {} segments × {t} samples, {spikes} somatic spikes; RMS(I_kirchhoff − i_membrane_) / RMS(i_membrane_) = {rel_rms:.2e}; max |Σ I| / Σ|G_kk V_k| = {worst_sum:.2e}",
        d.segments.len()
    );
    assert!(spikes >= 1, "the bombardment should make the soma spike");
    assert!(rel_rms < 0.01, "membrane currents from voltages differ from NEURON's by {rel_rms:.3e} RMS");
    assert!(worst_sum < 1e-13, "Σ I_m = {worst_sum:e} of the rounding scale");
}
