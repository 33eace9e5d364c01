//! Membrane currents from voltages: conservation (they sum to zero at every time), agreement
//! with the direct node-graph computation and with the conductance matrix, hand-derived cases.

mod common;

use common::*;
use lfdeep_lfp::{currents_from_node_voltages, AxialNetwork, Matrix};
use lfdeep_morph::Discretized;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn random_voltages(n: usize, t: usize, seed: u64) -> Matrix {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    Matrix::from_vec(n, t, (0..n * t).map(|_| rng.random_range(-90.0..40.0)).collect()).unwrap()
}

fn check_sum_zero(label: &str, d: &Discretized) {
    let net = AxialNetwork::from_discretized(d).unwrap();
    let v = random_voltages(d.segments.len(), 50, 7);
    let i = net.currents_series(&v).unwrap();
    let mut worst: f64 = 0.0;
    for t in 0..v.cols {
        let (mut sum, mut abs) = (0.0, 0.0);
        for r in 0..i.rows {
            sum += i.get(r, t);
            abs += i.get(r, t).abs();
        }
        // Float precision: the residual is rounding of a sum of |I| terms.
        let rel = sum.abs() / abs;
        worst = worst.max(rel);
        assert!(rel < 1e-13, "{label}: t={t}: Σ I_m = {sum:e} nA for Σ|I_m| = {abs:e} nA");
    }
    eprintln!("{label}: max |Σ I_m| / Σ |I_m| over 50 random voltage vectors = {worst:.2e}");
}

#[test]
fn currents_sum_to_zero_hand_made() {
    check_sum_zero("hand-made", &discretized(&hand_made()));
}

#[test]
fn currents_sum_to_zero_cell1() {
    let Some(d) = cell1() else { return };
    check_sum_zero("cell1.asc", &d);
}

#[test]
fn currents_sum_to_zero_builtin() {
    let Some(d) = builtin() else { return };
    check_sum_zero("builtin:l5pc", &d);
}

/// Solve for the zero-area nodes' voltages independently (Gauss–Seidel on the full node
/// graph until converged), then apply Kirchhoff on the full graph: the result must equal the
/// reduced network's currents and G · V.
#[test]
fn reduced_network_matches_full_graph() {
    for d in [Some(discretized(&hand_made())), cell1()].into_iter().flatten() {
        let net = AxialNetwork::from_discretized(&d).unwrap();
        let v = random_voltages(d.segments.len(), 1, 3);
        let mut vn: Vec<f64> = d.nodes.iter().map(|n| n.segment.map(|r| v.data[r]).unwrap_or(0.0)).collect();
        let mut nbrs: Vec<Vec<(usize, f64)>> = vec![Vec::new(); d.nodes.len()];
        for (i, n) in d.nodes.iter().enumerate() {
            if let Some(p) = n.parent {
                nbrs[i].push((p, 1.0 / n.ri_mohm));
                nbrs[p].push((i, 1.0 / n.ri_mohm));
            }
        }
        for _ in 0..200 {
            for (i, n) in d.nodes.iter().enumerate() {
                if n.segment.is_none() && !nbrs[i].is_empty() {
                    let g: f64 = nbrs[i].iter().map(|x| x.1).sum();
                    vn[i] = nbrs[i].iter().map(|&(k, gk)| gk * vn[k]).sum::<f64>() / g;
                }
            }
        }
        let full = currents_from_node_voltages(&d.nodes, d.segments.len(), &vn).unwrap();
        let reduced = net.currents(&v.data).unwrap();
        let via_g = net.conductance_matrix().matmul(&v).unwrap().data;
        let scale = full.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        for r in 0..full.len() {
            assert!((full[r] - reduced[r]).abs() < 1e-9 * scale, "row {r}: full {} vs reduced {}", full[r], reduced[r]);
            assert!((via_g[r] - reduced[r]).abs() < 1e-9 * scale, "row {r}: G·V {} vs reduced {}", via_g[r], reduced[r]);
        }
        // Zero-area nodes carry no membrane current.
        let mut node_i = vec![0.0; d.nodes.len()];
        for (i, n) in d.nodes.iter().enumerate() {
            if let Some(p) = n.parent {
                let f = (vn[p] - vn[i]) / n.ri_mohm;
                node_i[i] += f;
                node_i[p] -= f;
            }
        }
        for (i, n) in d.nodes.iter().enumerate() {
            if n.segment.is_none() {
                assert!(node_i[i].abs() < 1e-9 * scale, "zero-area node {i} has net current {}", node_i[i]);
            }
        }
    }
}

/// Hand-derived: a uniform voltage gives no current; raising one segment by ΔV draws
/// ΔV · Σ g out of it (g of each direct or junction-reduced neighbour).
#[test]
fn uniform_voltage_gives_no_current_and_single_bump_is_local() {
    let d = discretized(&hand_made());
    let net = AxialNetwork::from_discretized(&d).unwrap();
    let n = d.segments.len();
    let i0 = net.currents(&vec![-65.0; n]).unwrap();
    assert!(i0.iter().all(|x| x.abs() < 1e-12), "uniform voltage must give zero currents");
    // Bump the soma by 10 mV: the soma loses current 10·Σg to its neighbours.
    let soma = d.segment_at("soma[0]", 0.5).unwrap();
    let mut v = vec![-65.0; n];
    v[soma] += 10.0;
    let i = net.currents(&v).unwrap();
    let g = net.conductance_matrix();
    assert!((i[soma] - 10.0 * g.get(soma, soma)).abs() < 1e-9);
    assert!(i[soma] < 0.0, "a depolarised segment loses current to its neighbours (inward axial flow negative)");
}

/// Hand-derived: two cylinders (one segment each) joined through the soma's 1-end node. The
/// axial resistance between the centres is Ra·(L1/2)/(π r1²) + Ra·(L2/2)/(π r2²), so the
/// dendrite's membrane current is (V_soma − V_dend) / R and the soma's is its negative.
#[test]
fn two_cylinders_hand_derived() {
    use lfdeep_morph::{Morphology, Point3d, Region, Section};
    let cyl = |region, parent, y0: f64, l: f64, d: f64| Section {
        name: String::new(),
        region,
        parent,
        parent_x: 1.0,
        points: vec![Point3d::new(0.0, y0, 0.0, d), Point3d::new(0.0, y0 + l, 0.0, d)],
        source_line: 0,
    };
    let mut m = Morphology { source: "two cylinders".into(), sections: vec![cyl(Region::Soma, None, 0.0, 20.0, 16.0), cyl(Region::Apical, Some(0), 20.0, 30.0, 2.0)] };
    m.assign_neuron_names();
    let d = discretize_fixed1(&m);
    let net = AxialNetwork::from_discretized(&d).unwrap();
    let ra_ohm_cm = 100.0;
    // Ω·cm · cm / cm² = Ω; 1 µm = 1e-4 cm; 1 MΩ = 1e6 Ω.
    let half = |l_um: f64, d_um: f64| ra_ohm_cm * (l_um / 2.0 * 1e-4) / (std::f64::consts::PI * (d_um / 2.0 * 1e-4).powi(2)) * 1e-6;
    let r_mohm = half(20.0, 16.0) + half(30.0, 2.0);
    let (soma, dend) = (d.segment_at("soma[0]", 0.5).unwrap(), d.segment_at("apic[0]", 0.5).unwrap());
    let mut v = vec![0.0; 2];
    v[soma] = -50.0;
    v[dend] = -70.0;
    let i = net.currents(&v).unwrap();
    let expect = 20.0 / r_mohm; // nA flowing from soma into the dendrite
    assert!((i[dend] - expect).abs() < 1e-6 * expect, "dendrite {} nA vs hand-derived {expect} nA", i[dend]);
    assert!((i[soma] + expect).abs() < 1e-6 * expect, "soma {} nA vs hand-derived {} nA", i[soma], -expect);
}

fn discretize_fixed1(m: &lfdeep_morph::Morphology) -> Discretized {
    let o = lfdeep_morph::DiscretizeOptions { nseg: lfdeep_morph::NsegRule::Fixed(1), ..Default::default() };
    lfdeep_morph::discretize(m, &o).unwrap()
}

#[test]
fn wrong_shape_is_an_error() {
    let d = discretized(&hand_made());
    let net = AxialNetwork::from_discretized(&d).unwrap();
    let err = net.currents(&[0.0; 3]).unwrap_err().to_string();
    assert!(err.contains("segments"), "{err}");
}
