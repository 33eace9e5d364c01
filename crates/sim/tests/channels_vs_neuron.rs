//! The Hay 2011 channels against NEURON 9 running the project's NMODL twins (oracle/mod).
//!
//! Trace tests: `oracle/neuron_channels.py trace CASE` builds one cylinder compartment with pas
//! and the case's mechanisms, drives it with a staircase of IClamp steps and records every
//! step. This file rebuilds the same compartment from the JSON (NEURON's area, parameters and
//! steps) with the `Mechanism` trait and a one-node copy of NEURON's fixed-step scheme, and
//! compares v, every gate, cai, eca and ica at every step.
//!
//! Steady-state test: x∞ and τ of every gate over v ∈ [−100, 50] mV (and the singular
//! points), SK_E2's z∞ over cai, and the Nernst potential, against NEURON's values.
//!
//! Tolerances: both sides evaluate the same formulas in f64 with the same libm, so they can
//! differ only by rounding (expression order, NEURON's numerical dI/dV against our analytical
//! conductance, JSON round trips): ~1e-13 per step. Backward Euler is contractive between
//! spikes, so these do not grow; through spikes they can be amplified a few orders. The
//! bounds below (1e-6 mV, 1e-8 in gates) are far above rounding and far below any modelling
//! difference: a wrong constant, a lagged eca or cai, a state updated with the old v, or a
//! half-step shift in the stimulus each show up as 1e-3 mV or (much) more.

use lfdeep_oracle::{python_with, run_json};
use lfdeep_sim::mechanisms::{self, *};
use serde_json::Value;
use std::collections::BTreeMap;

const V_TOL_MV: f64 = 1e-6;
const GATE_TOL: f64 = 1e-8;
const CAI_REL_TOL: f64 = 1e-8;

fn build(name: &str, gbar: f64) -> Box<dyn Mechanism> {
    let (n, g) = (vec![0usize], vec![gbar]);
    match name {
        "NaTa_t" => Box::new(NaTaT::new(n, g)),
        "NaTs2_t" => Box::new(NaTs2T::new(n, g)),
        "Nap_Et2" => Box::new(NapEt2::new(n, g)),
        "K_Pst" => Box::new(KPst::new(n, g)),
        "K_Tst" => Box::new(KTst::new(n, g)),
        "SKv3_1" => Box::new(SKv31::new(n, g)),
        "SK_E2" => Box::new(SkE2::new(n, g)),
        "Ca_HVA" => Box::new(CaHva::new(n, g)),
        "Ca_LVAst" => Box::new(CaLvast::new(n, g)),
        "Im" => Box::new(Im::new(n, g)),
        "Ih" => Box::new(Ih::new(n, g)),
        other => panic!("the oracle asked for an unknown mechanism {other:?}"),
    }
}

fn f(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("oracle JSON: field {key:?} missing or not a number"))
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .expect("oracle JSON: array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect()
}

/// Rust traces keyed like the oracle's ("v", "NaTa_t.m", "cai", ...).
fn simulate(setup: &Value) -> BTreeMap<String, Vec<f64>> {
    let dt = f(setup, "dt_ms");
    let area = f(setup, "area_um2");
    let cm = f(setup, "cm_uf_cm2");
    let celsius = f(setup, "celsius");
    let cao = f(setup, "cao_mm");
    let nsteps = setup["nsteps"].as_u64().expect("nsteps") as usize;
    let pas = Pas::new(vec![0], vec![f(setup, "g_pas")], vec![f(setup, "e_pas")]);
    let mut mechs: Vec<Box<dyn Mechanism>> = setup["mechanisms"]
        .as_array()
        .expect("mechanisms")
        .iter()
        .map(|m| build(m["name"].as_str().expect("name"), f(m, "gbar")))
        .collect();
    // NEURON advances states in mechanism-type order, which nrnivmodl numbers in mod-file
    // name order (CaDynamics_E2 first); only SK_E2 (reads cai) depends on it.
    mechs.sort_by(|a, b| a.name().cmp(b.name()));
    let cadyn = match &setup["cadynamics"] {
        Value::Null => None,
        c => Some(CaDynamics::new(
            vec![0],
            vec![f(c, "gamma")],
            vec![f(c, "decay_ms")],
        )),
    };
    let steps: Vec<(f64, f64, f64)> = setup["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| (f(s, "delay_ms"), f(s, "dur_ms"), f(s, "amp_na")))
        .collect();
    let (ena, ek) = (f(setup, "ena"), f(setup, "ek"));

    let mut v = [f(setup, "v_init")];
    let mut cai = [mechanisms::cadynamics::CAI0_MM];
    let mut eca = [0.0];
    let (mut i, mut g, mut ica) = ([0.0], [0.0], [0.0]);
    let mut out: BTreeMap<String, Vec<f64>> = BTreeMap::new();

    // Currents at the present v (NEURON's setup_tree_matrix): the ion first recomputes eca
    // from the cai the previous step left, then every mechanism adds i, dI/dV and ica.
    let currents = |v: &[f64; 1],
                    cai: &[f64; 1],
                    eca: &mut [f64; 1],
                    i: &mut [f64; 1],
                    g: &mut [f64; 1],
                    ica: &mut [f64; 1],
                    mechs: &Vec<Box<dyn Mechanism>>| {
        eca[0] = nernst_mv(cai[0], cao, 2.0, celsius);
        i[0] = 0.0;
        g[0] = 0.0;
        ica[0] = 0.0;
        let s = NodeState {
            v,
            cai,
            eca,
            ena,
            ek,
        };
        let mut c = Currents { i, g, ica };
        pas.current(&s, &mut c);
        for m in mechs {
            m.current(&s, &mut c);
        }
    };
    let record = |out: &mut BTreeMap<String, Vec<f64>>,
                  v: f64,
                  mechs: &Vec<Box<dyn Mechanism>>,
                  cai: f64,
                  eca: f64,
                  ica: f64| {
        out.entry("v".into()).or_default().push(v);
        for m in mechs {
            for (gate, x) in m.states() {
                out.entry(format!("{}.{}", m.name(), gate))
                    .or_default()
                    .push(x[0]);
            }
        }
        if cadyn.is_some() {
            out.entry("cai".into()).or_default().push(cai);
            out.entry("eca".into()).or_default().push(eca);
            out.entry("ica".into()).or_default().push(ica);
        }
    };

    // finitialize: v = v_init, cai = cai0 (ion init), eca from it, states at steady state;
    // then NEURON evaluates the currents once (so the recorded ica at t = 0 is defined).
    if let Some(c) = &cadyn {
        c.init(&mut cai);
    }
    eca[0] = nernst_mv(cai[0], cao, 2.0, celsius);
    {
        let s = NodeState {
            v: &v,
            cai: &cai,
            eca: &eca,
            ena,
            ek,
        };
        for m in mechs.iter_mut() {
            m.init(&s);
        }
    }
    currents(&v, &cai, &mut eca, &mut i, &mut g, &mut ica, &mechs);
    record(&mut out, v[0], &mechs, cai[0], eca[0], ica[0]);

    for step in 0..nsteps {
        // IClamp is evaluated at the step's midpoint (NEURON advances t by dt/2 first).
        let t_mid = (step as f64 + 0.5) * dt;
        let i_na: f64 = steps
            .iter()
            .filter(|s| t_mid >= s.0 && t_mid < s.0 + s.1)
            .map(|s| s.2)
            .sum();
        currents(&v, &cai, &mut eca, &mut i, &mut g, &mut ica, &mechs);
        // Backward Euler, linearised: (cm·1e-3/dt + dI/dV)·Δv = −I + I_clamp (mA/cm²);
        // 100/area converts nA on area µm² to mA/cm².
        let rhs = i_na * 100.0 / area - i[0];
        v[0] += rhs / (cm * 1e-3 / dt + g[0]);
        // States with the new v: calcium first, then the channels in NEURON's order.
        if let Some(c) = &cadyn {
            c.advance(&ica, &mut cai, dt);
        }
        let s = NodeState {
            v: &v,
            cai: &cai,
            eca: &eca,
            ena,
            ek,
        };
        for m in mechs.iter_mut() {
            m.advance(&s, dt);
        }
        record(&mut out, v[0], &mechs, cai[0], eca[0], ica[0]);
    }
    out
}

fn compare_case(case: &str) {
    let Some(py) = python_with("neuron") else {
        return;
    };
    let setup = run_json(&py, "neuron_channels.py", &["trace", case]);
    let ours = simulate(&setup);
    let theirs = &setup["traces"];
    let mut report = Vec::new();
    let mut failures = Vec::new();
    for (key, mine) in &ours {
        let nrn = floats(&theirs[key.as_str()]);
        assert_eq!(nrn.len(), mine.len(), "{case} {key}: trace lengths differ");
        let (mut worst, mut at) = (0.0f64, 0usize);
        for (k, (a, b)) in mine.iter().zip(&nrn).enumerate() {
            let d = match key.as_str() {
                // Relative for cai and ica (small numbers), absolute for the rest.
                "cai" => (a - b).abs() / b.abs(),
                "ica" => (a - b).abs() / b.abs().max(1e-6),
                _ => (a - b).abs(),
            };
            if d.is_nan() || d > worst {
                worst = d;
                at = k;
            }
        }
        let tol = match key.as_str() {
            "v" | "eca" => V_TOL_MV,
            "cai" | "ica" => CAI_REL_TOL,
            _ => GATE_TOL,
        };
        report.push(format!("{key} {worst:.2e}"));
        if worst.is_nan() || worst > tol {
            failures.push(format!(
                "{key}: max error {worst:.3e} > {tol:.0e} at step {at} (t = {:.3} ms): ours {} NEURON {}",
                at as f64 * f(&setup, "dt_ms"),
                mine[at],
                nrn[at]
            ));
        }
    }
    let v = &ours["v"];
    let (lo, hi) = v
        .iter()
        .fold((f64::MAX, f64::MIN), |(l, h), &x| (l.min(x), h.max(x)));
    println!(
        "{case}: v {lo:.1}..{hi:.1} mV; max errors: {}",
        report.join(", ")
    );
    assert!(
        failures.is_empty(),
        "{case} differs from NEURON:\n{}",
        failures.join("\n")
    );
}

macro_rules! trace_tests {
    ($($test:ident => $case:literal),* $(,)?) => {
        $( #[test] fn $test() { compare_case($case); } )*
        const CASES: &[&str] = &[$($case),*];
    };
}

trace_tests! {
    trace_nata_t => "NaTa_t",
    trace_nats2_t => "NaTs2_t",
    trace_nap_et2 => "Nap_Et2",
    trace_k_pst => "K_Pst",
    trace_k_tst => "K_Tst",
    trace_skv3_1 => "SKv3_1",
    trace_im => "Im",
    trace_ih => "Ih",
    trace_ca_hva => "Ca_HVA",
    trace_ca_lvast => "Ca_LVAst",
    trace_sk_e2 => "SK_E2",
    trace_hay_soma => "hay_soma",
}

#[test]
fn every_oracle_case_is_tested() {
    let Some(py) = python_with("neuron") else {
        return;
    };
    let cases = run_json(&py, "neuron_channels.py", &["cases"]);
    let names: Vec<&str> = cases
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(names, CASES);
}

type Rates = fn(f64) -> Vec<Gate>;

/// Gates m and h of any m^p·h channel, as a list.
fn mh_rates<K: mechanisms::gated::MhKinetics>(v: f64) -> Vec<Gate> {
    let (m, h) = K::rates(v);
    vec![m, h]
}

fn rust_rates(name: &str) -> Rates {
    match name {
        "NaTa_t" => mh_rates::<nata_t::Kinetics>,
        "NaTs2_t" => mh_rates::<nats2_t::Kinetics>,
        "Nap_Et2" => mh_rates::<nap_et2::Kinetics>,
        "K_Pst" => mh_rates::<k_pst::Kinetics>,
        "K_Tst" => mh_rates::<k_tst::Kinetics>,
        "Ca_HVA" => mh_rates::<ca_hva::Kinetics>,
        "Ca_LVAst" => mh_rates::<ca_lvast::Kinetics>,
        "SKv3_1" => |v| vec![skv3_1::rates(v)],
        "Im" => |v| vec![im::rates(v)],
        "Ih" => |v| vec![ih::rates(v)],
        other => panic!("the oracle listed an unknown channel {other:?}"),
    }
}

fn rel(a: f64, b: f64) -> f64 {
    if a == b {
        0.0
    } else {
        (a - b).abs() / b.abs()
    }
}

#[test]
fn steady_states_and_time_constants_match_neuron() {
    let Some(py) = python_with("neuron") else {
        return;
    };
    let ss = run_json(&py, "neuron_channels.py", &["steady"]);
    let vs = floats(&ss["v"]);
    let mut worst_all = 0.0f64;
    let chans = ss["channels"].as_object().expect("channels");
    assert_eq!(chans.len(), 10, "every voltage-gated channel");
    for (name, gates) in chans {
        let rates = rust_rates(name);
        let order = ["m", "h"];
        let mut worst = 0.0f64;
        for (gi, gate) in order
            .iter()
            .enumerate()
            .take(gates.as_object().unwrap().len())
        {
            let inf = floats(&gates[*gate]["inf"]);
            let tau = floats(&gates[*gate]["tau"]);
            for (k, &v) in vs.iter().enumerate() {
                let r = rates(v)[gi];
                let (ei, et) = (rel(r.inf, inf[k]), rel(r.tau_ms, tau[k]));
                assert!(
                    ei < 1e-12 && et < 1e-12,
                    "{name}.{gate} at v = {v} mV: ours inf {} tau {} ms, NEURON inf {} tau {} ms",
                    r.inf,
                    r.tau_ms,
                    inf[k],
                    tau[k]
                );
                worst = worst.max(ei).max(et);
            }
        }
        println!(
            "{name}: max relative error of x_inf and tau over {} voltages: {worst:.2e}",
            vs.len()
        );
        worst_all = worst_all.max(worst);
    }
    let sk = &ss["sk_e2"];
    let (cai, z) = (floats(&sk["cai"]), floats(&sk["z_inf"]));
    let mut worst = 0.0f64;
    for (c, zn) in cai.iter().zip(&z) {
        let r = sk_e2::rates(*c);
        let e = rel(r.inf, *zn);
        assert!(
            e < 1e-12,
            "SK_E2 z_inf at cai {c} mM: ours {} NEURON {zn}",
            r.inf
        );
        worst = worst.max(e);
    }
    assert_eq!(sk_e2::rates(1e-4).tau_ms, f(sk, "z_tau"));
    println!(
        "SK_E2: max relative error of z_inf over {} cai values: {worst:.2e}",
        cai.len()
    );
    let mut worst_e = 0.0f64;
    for row in ss["nernst"].as_array().expect("nernst") {
        let ours = nernst_mv(f(row, "ci"), f(row, "co"), f(row, "z"), f(row, "celsius"));
        let d = (ours - f(row, "e")).abs();
        assert!(d < 1e-12, "nernst {row}: ours {ours}");
        worst_e = worst_e.max(d);
    }
    println!("nernst: max |error| {worst_e:.2e} mV; channels overall {worst_all:.2e}");
}
