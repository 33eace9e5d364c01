//! Physics invariants and input validation of the simulator on the built-in morphology
//! (no external files or oracles needed).

use lfdeep_sim::protocols::*;
use lfdeep_sim::stimulus::IClamp;
use lfdeep_sim::synapses::EventQueue;
use lfdeep_sim::{Biophysics, Cell, Recording, Release, SimError};

fn geometry() -> lfdeep_morph::Discretized {
    hay_cell_geometry("builtin:l5pc").unwrap()
}

#[test]
fn passive_steady_state_conserves_injected_current() {
    // At steady state all injected current leaves through the leak: Σ g·(v − e)·area = I.
    let disc = geometry();
    let bio = Biophysics::hay2011().passive();
    let mut cell = Cell::new(&disc, &bio).unwrap();
    let soma = cell.soma_node().unwrap();
    let amp = 0.2; // nA
    cell.add_stimulus(Box::new(IClamp::new(soma, 0.0, 1e9, amp).unwrap())).unwrap();
    cell.init(-90.0, 0.1).unwrap();
    let n = cell.steps_for(3000.0).unwrap();
    cell.run_steps(n, &mut []).unwrap();
    let mut leak_na = 0.0;
    for seg in &disc.segments {
        let r = bio.region(seg.region);
        // (S/cm²·mV = mA/cm²) × µm² × 1e-8 cm²/µm² × 1e6 nA/mA
        leak_na += r.g_pas * (cell.v()[seg.node] + 90.0) * seg.area_um2 * 1e-2;
    }
    eprintln!("injected {amp} nA, leak {leak_na:.6} nA");
    assert!((leak_na - amp).abs() < 1e-4 * amp, "leak {leak_na} vs injected {amp}");
    // The recorded membrane current of each segment is then its leak current alone (no
    // capacitive current at steady state; the electrode current at the soma is not membrane
    // current): an independent check of fast_imem's units, sign and electrode exclusion.
    let nodes: Vec<usize> = disc.segments.iter().map(|s| s.node).collect();
    let mut rec = Recording::membrane_currents(nodes, 0.1, 0.1).unwrap();
    cell.run_steps(1, &mut [&mut rec]).unwrap();
    assert_eq!(rec.len(), 1, "one step after t = 0 gives one sample");
    let mut worst: f64 = 0.0;
    for (j, seg) in disc.segments.iter().enumerate() {
        let leak = bio.region(seg.region).g_pas * (cell.v()[seg.node] + 90.0) * seg.area_um2 * 1e-2;
        worst = worst.max((rec.values[j] - leak).abs());
    }
    let total: f64 = rec.values.iter().sum();
    eprintln!("steady state: max |i_membrane − leak| = {worst:.2e} nA over segments, Σ i_membrane = {total:.6} nA");
    assert!(worst < 1e-4 * amp, "membrane current differs from the leak by {worst} nA");
    assert!((total - amp).abs() < 1e-9 * amp, "Σ i_membrane {total} vs injected {amp} nA");
}

#[test]
fn membrane_currents_sum_to_the_electrode_current() {
    // Sealed cell: the membrane currents (electrode excluded) of all nodes add up to the
    // current the electrode injects, at every step, spikes included; 0 without it.
    let disc = geometry();
    let bio = Biophysics::hay2011();
    let mut cell = Cell::new(&disc, &bio).unwrap();
    let soma = cell.soma_node().unwrap();
    let clamp = IClamp::new(soma, 5.0, 30.0, 1.0).unwrap();
    cell.add_stimulus(Box::new(clamp.clone())).unwrap();
    let dt = 0.025;
    cell.init(-80.0, dt).unwrap();
    let n = cell.n_nodes();
    let mut ri = Recording::membrane_currents((0..n).collect(), dt, dt).unwrap();
    let mut rv = Recording::new(vec![soma], dt, dt).unwrap();
    cell.run_steps(cell.steps_for(50.0).unwrap(), &mut [&mut ri, &mut rv]).unwrap();
    let rms = (ri.values.iter().map(|x| x * x).sum::<f64>() / ri.values.len() as f64).sqrt();
    let mut worst: f64 = 0.0;
    for k in 0..ri.len() {
        // Sample k ends the step whose currents (stimulus included) were taken at t − dt/2.
        let want = if k == 0 { 0.0 } else { lfdeep_sim::stimulus::Stimulus::injected_na(&clamp, ri.t_ms[k] - 0.5 * dt) };
        let got: f64 = ri.values[k * n..(k + 1) * n].iter().sum();
        worst = worst.max((got - want).abs());
    }
    let spikes = rv.trace(0).windows(2).filter(|w| w[0] <= 0.0 && w[1] > 0.0).count();
    eprintln!("IClamp 1 nA: {spikes} spikes, RMS i_membrane {rms:.3e} nA, max |Σ i_membrane − I_clamp| = {worst:.2e} nA");
    assert!(spikes >= 2, "the clamp should make the soma spike");
    assert!(worst < 1e-9 * rms, "Σ i_membrane misses the injected current by {worst} nA (RMS {rms})");
}

#[test]
fn rejects_invalid_parameters_up_front() {
    let disc = geometry();
    let mut cell = Cell::new(&disc, &Biophysics::hay2011()).unwrap();
    assert!(matches!(cell.init(-80.0, 0.0), Err(SimError::InvalidParam { .. })));
    assert!(matches!(cell.init(-80.0, f64::NAN), Err(SimError::InvalidParam { .. })));
    assert!(matches!(cell.init(f64::INFINITY, 0.025), Err(SimError::InvalidParam { .. })));
    assert!(Recording::new(vec![0], 0.03, 0.025).is_err(), "interval must be a multiple of dt");
    let mut bad = Biophysics::hay2011();
    bad.apical.cm = -1.0;
    let e = Cell::new(&disc, &bad).unwrap_err().to_string();
    assert!(e.contains("apical.cm"), "{e}");
    let mut bad = Biophysics::hay2011();
    bad.celsius = -300.0;
    assert!(Cell::new(&disc, &bad).is_err());
    assert!(IClamp::new(0, 0.0, -1.0, 1.0).is_err());
    let rows = dendritic_rows(&disc);
    cell.set_synapses(&rows, &rows, Default::default(), Default::default()).unwrap();
    let q = EventQueue::from_trains(&[vec![1.0]], &[]).unwrap();
    assert!(cell.set_events(q.clone(), Release { probability: 1.5, seed: 0 }).is_err());
    let mut trains: Vec<Vec<f64>> = vec![Vec::new(); rows.len() + 1];
    trains[rows.len()].push(1.0);
    let q_bad = EventQueue::from_trains(&trains, &[]).unwrap();
    assert!(cell.set_events(q_bad, Release::default()).is_err(), "event for a synapse that does not exist");
    assert!(Biophysics::by_name("nope").is_err());
}

#[test]
fn non_finite_state_is_reported_with_place_mechanism_and_time() {
    let disc = geometry();
    let mut cell = Cell::new(&disc, &Biophysics::hay2011()).unwrap();
    let soma = cell.soma_node().unwrap();
    // An absurd current drives v out of range within a step of its onset at 1 ms.
    cell.add_stimulus(Box::new(IClamp::new(soma, 1.0, 10.0, 1e300).unwrap())).unwrap();
    cell.init(-80.0, 0.025).unwrap();
    let err = cell.run_steps(400, &mut []).unwrap_err();
    let msg = err.to_string();
    eprintln!("{msg}");
    match err {
        SimError::NonFinite { t_ms, location, .. } => {
            assert!(t_ms > 0.9 && t_ms < 1.1, "reported at {t_ms} ms");
            assert!(location.contains('('), "names a place: {location}");
        }
        other => panic!("expected NonFinite, got {other}"),
    }
}

#[test]
fn release_probability_thins_events_reproducibly() {
    let disc = geometry();
    let bio = Biophysics::hay2011().passive();
    let rows = dendritic_rows(&disc);
    let input = poisson_input(rows.len(), 20.0, 20.0, 200.0, 3).unwrap();
    let p = BombardProtocol { tstop_ms: 200.0, release: Release { probability: 0.632, seed: 9 }, ..Default::default() };
    let a = run_bombardment(&disc, &bio, &input, &p).unwrap();
    let b = run_bombardment(&disc, &bio, &input, &p).unwrap();
    assert_eq!(a.events, b.events);
    assert_eq!(a.soma.values, b.soma.values);
    let frac = a.events.1 as f64 / a.events.0 as f64;
    // Binomial: sd = sqrt(p(1−p)/n) ≈ 0.006 for n ≈ 5000.
    eprintln!("{} events, {} released ({frac:.4})", a.events.0, a.events.1);
    assert!((frac - 0.632).abs() < 0.03, "released fraction {frac}");
}

#[test]
fn bac_site_is_620_um_from_the_soma() {
    let disc = geometry();
    let (row, name, x) = bac_site(&disc, 620.0).unwrap();
    let seg = &disc.segments[row];
    assert!(name.starts_with("apic"));
    assert!((0.0..=1.0).contains(&x));
    assert!((seg.path_soma_um - 620.0).abs() <= seg.length_um / 2.0 + 1e-9, "segment centre {} µm", seg.path_soma_um);
}
