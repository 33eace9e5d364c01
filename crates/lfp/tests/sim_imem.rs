//! The simulator's recorded membrane currents (`lfdeep-sim`, NEURON's fast_imem: computed from
//! the membrane side, c_m·dv/dt + linearised ionic and synaptic currents) match the currents
//! this crate computes from the simulator's voltages alone (Kirchhoff on the axial
//! resistances, [`AxialNetwork`]), under the NeuronIO synaptic bombardment, sampled every
//! dt = 0.025 ms; and both sum to zero over the cell at every step (sealed cell, no electrode).
//!
//! Time levels: the sample after the step t → t + dt holds v(t + dt) and the membrane current
//! over that step. Backward Euler makes that current equal to the net axial current into the
//! node at v(t + dt) (each row of the solved system is exactly this balance), so the two
//! routes agree to the solver's rounding (measured ~1e-14). The test asserts the required
//! 1 % and, because the identity is exact, also 1e-9; and it checks that pairing the current
//! with the voltages one step earlier, v(t), is clearly worse, so the time level is pinned.

use lfdeep_lfp::AxialNetwork;
use lfdeep_morph::Discretized;
use lfdeep_sim::protocols::{dendritic_rows, hay_cell_geometry, poisson_input};
use lfdeep_sim::synapses::{EventQueue, ExcParams, InhParams};
use lfdeep_sim::{Biophysics, Cell, Recording, Release};

const DT_MS: f64 = 0.025;
const TSTOP_MS: f64 = 250.0;
/// Steps per recording chunk (keeps memory small: every step of every node is sampled).
const CHUNK: u64 = 400;

#[test]
fn recorded_membrane_currents_match_kirchhoff_builtin() {
    let disc = hay_cell_geometry("builtin:l5pc").expect("builtin:l5pc");
    compare("builtin:l5pc", &disc);
}

#[test]
fn recorded_membrane_currents_match_kirchhoff_cell1() {
    let Some(path) = lfdeep_oracle::shared_data("hay2011/cell1.asc") else { return };
    let disc = hay_cell_geometry(path.to_str().unwrap()).expect("cell1.asc");
    compare("cell1.asc", &disc);
}

fn compare(label: &str, disc: &Discretized) {
    let bio = Biophysics::neuronio();
    let rows = dendritic_rows(disc);
    let input = poisson_input(rows.len(), 30.0, 15.0, TSTOP_MS, 11).unwrap();
    let mut cell = Cell::new(disc, &bio).unwrap();
    cell.set_synapses(&rows, &rows, ExcParams::default(), InhParams::default()).unwrap();
    cell.set_events(EventQueue::from_trains(&input.exc, &input.inh).unwrap(), Release::default()).unwrap();
    cell.init(-76.0, DT_MS).unwrap();
    let n_nodes = cell.n_nodes();
    let seg_nodes: Vec<usize> = disc.segments.iter().map(|s| s.node).collect();
    let zero_area: Vec<usize> = (0..n_nodes).filter(|&i| disc.nodes[i].segment.is_none()).collect();
    assert!(!zero_area.is_empty(), "NEURON's graph has section-end nodes");
    let soma_row = disc.nodes[cell.soma_node().unwrap()].segment.unwrap();
    let net = AxialNetwork::from_discretized(disc).unwrap();

    let (mut se, mut sr) = (0.0, 0.0);
    // Squared error against Kirchhoff at the previous sample's voltages (the wrong level).
    let mut se_prev = 0.0;
    let mut prev_kir: Option<Vec<f64>> = None;
    let mut n_values = 0usize;
    let (mut worst_sum_rec, mut worst_sum_kir, mut worst_zero_area): (f64, f64, f64) = (0.0, 0.0, 0.0);
    let mut sums_rec = Vec::new();
    let mut sums_kir = Vec::new();
    let mut soma_v = Vec::new();
    let n_steps = cell.steps_for(TSTOP_MS).unwrap();
    let mut done = 0;
    while done < n_steps {
        let k = CHUNK.min(n_steps - done);
        let mut rv = Recording::new(seg_nodes.clone(), DT_MS, DT_MS).unwrap();
        let mut ri = Recording::membrane_currents((0..n_nodes).collect(), DT_MS, DT_MS).unwrap();
        cell.run_steps(k, &mut [&mut rv, &mut ri]).unwrap();
        done += k;
        for s in 0..rv.len() {
            let v = &rv.values[s * seg_nodes.len()..(s + 1) * seg_nodes.len()];
            let i_rec = &ri.values[s * n_nodes..(s + 1) * n_nodes];
            soma_v.push(v[soma_row]);
            let i_kir = net.currents(v).unwrap();
            for (row, &node) in seg_nodes.iter().enumerate() {
                let (a, b) = (i_kir[row], i_rec[node]);
                se += (a - b).powi(2);
                sr += b * b;
                if let Some(p) = &prev_kir {
                    se_prev += (p[row] - b).powi(2);
                }
            }
            n_values += seg_nodes.len();
            for &z in &zero_area {
                worst_zero_area = worst_zero_area.max(i_rec[z].abs());
            }
            // Σ over all nodes, zero-area ones included.
            sums_rec.push(i_rec.iter().sum::<f64>());
            sums_kir.push(i_kir.iter().sum::<f64>());
            prev_kir = Some(i_kir);
        }
    }
    let rms_rec = (sr / n_values as f64).sqrt();
    let rel_rms = (se / sr).sqrt();
    let rel_rms_prev = (se_prev / sr).sqrt();
    for (a, b) in sums_rec.iter().zip(&sums_kir) {
        worst_sum_rec = worst_sum_rec.max(a.abs() / rms_rec);
        worst_sum_kir = worst_sum_kir.max(b.abs() / rms_rec);
    }
    let spikes = soma_v.windows(2).filter(|w| w[0] <= 0.0 && w[1] > 0.0).count();
    let (delivered, _) = cell.event_counts();
    eprintln!(
        "{label}: {} segments, {} samples every {DT_MS} ms ({TSTOP_MS} ms), {delivered} synaptic events, {spikes} somatic spikes; \
         RMS(recorded i_membrane) = {rms_rec:.3e} nA; RMS(I_kirchhoff − I_recorded) / RMS(I_recorded) = {rel_rms:.3e} (with v one step earlier: {rel_rms_prev:.3e}); \
         max_t |Σ I_recorded| / RMS = {worst_sum_rec:.3e}; max_t |Σ I_kirchhoff| / RMS = {worst_sum_kir:.3e}; \
         max |I| at zero-area nodes = {worst_zero_area:e} nA",
        seg_nodes.len(),
        sums_rec.len()
    );
    assert!(spikes >= 1, "the bombardment should make the soma spike (active currents exercised)");
    assert!(rms_rec > 1e-3, "recorded currents are implausibly small: RMS {rms_rec} nA");
    assert!(rel_rms < 0.01, "{label}: recorded vs Kirchhoff currents differ by {rel_rms:.3e} RMS");
    assert!(rel_rms < 1e-9, "{label}: backward Euler makes the routes identical up to rounding, but they differ by {rel_rms:.3e} RMS");
    assert!(rel_rms_prev > 1e3 * rel_rms.max(1e-15), "{label}: the time level is not resolved ({rel_rms_prev:.3e} at v(t))");
    assert!(worst_sum_rec < 1e-9, "{label}: recorded membrane currents do not sum to 0: {worst_sum_rec:e} of their RMS");
    assert!(worst_sum_kir < 1e-9, "{label}: Kirchhoff currents do not sum to 0: {worst_sum_kir:e} of the RMS");
    assert_eq!(worst_zero_area, 0.0, "{label}: zero-area nodes carry no membrane");
}
