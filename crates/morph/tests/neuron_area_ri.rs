//! Oracle: segment areas and axial resistances equal NEURON's (Import3d of the same file).

use lfdeep_morph::{discretize, load_morphology, DiscretizeOptions, NsegRule};
use serde_json::Value;
use std::collections::HashMap;

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-12)
}

/// Compare every segment of `path` (discretised with the 40 µm rule) against NEURON.
fn compare_with_neuron(path: &str, hay_axon: bool) {
    compare_with_neuron_rule(path, hay_axon, NsegRule::Hay, "hay");
}

fn compare_with_neuron_rule(path: &str, hay_axon: bool, nseg: NsegRule, rule: &str) {
    let Some(py) = lfdeep_oracle::python_with("neuron") else { return };
    let rule_arg = format!("--nseg={rule}");
    let mut args = vec![path, rule_arg.as_str()];
    if hay_axon {
        args.push("--hay-axon");
    }
    let nrn = lfdeep_oracle::run_json(&py, "neuron_morphology.py", &args);
    let m = load_morphology(path).expect("parse");
    let d = discretize(&m, &DiscretizeOptions { nseg, hay_axon, ..Default::default() }).expect("discretize");
    let secs = nrn["sections"].as_array().unwrap();
    let by_name: HashMap<&str, &Value> = secs.iter().map(|s| (s["name"].as_str().unwrap(), s)).collect();
    assert_eq!(secs.len(), d.morphology.sections.len(), "section count");
    let mut worst_area: f64 = 0.0;
    let mut worst_ri: f64 = 0.0;
    let mut compared = 0;
    for (i, s) in d.morphology.sections.iter().enumerate() {
        let n = by_name.get(s.name.as_str()).unwrap_or_else(|| panic!("NEURON has no section {}", s.name));
        // Same topology: parent name and attachment point.
        let parent = s.parent.map(|p| d.morphology.sections[p].name.clone());
        assert_eq!(n["parent"].as_str().map(String::from), parent, "parent of {}", s.name);
        if let Some(px) = n["parent_x"].as_f64() {
            assert!((px - s.parent_x).abs() < 1e-12, "parent_x of {}", s.name);
        }
        assert_eq!(n["nseg"].as_u64().unwrap() as usize, d.nseg[i], "nseg of {}", s.name);
        let first = d.section_first_segment[i];
        for (j, ns) in n["segments"].as_array().unwrap().iter().enumerate() {
            let seg = &d.segments[first + j];
            let (a, r) = (ns["area"].as_f64().unwrap(), ns["ri"].as_f64().unwrap());
            let ea = rel(seg.area_um2, a);
            let er = rel(seg.ri_mohm, r);
            assert!(ea < 1e-5, "{}({}) area {} vs NEURON {}", s.name, seg.x, seg.area_um2, a);
            assert!(er < 1e-5, "{}({}) ri {} vs NEURON {}", s.name, seg.x, seg.ri_mohm, r);
            // Path distances as NEURON's h.distance gives them.
            let ps = ns["path_soma"].as_f64().unwrap();
            assert!((seg.path_soma_um - ps).abs() < 1e-6 * ps.max(1.0), "{}({}) path {} vs {}", s.name, seg.x, seg.path_soma_um, ps);
            if let Some(pa) = ns["path_apical"].as_f64() {
                let ours = seg.path_apical_um.expect("apical path");
                assert!((ours - pa).abs() < 1e-6 * pa.max(1.0), "{}({}) apical path {} vs {}", s.name, seg.x, ours, pa);
            }
            worst_area = worst_area.max(ea);
            worst_ri = worst_ri.max(er);
            compared += 1;
        }
    }
    eprintln!("{path}: {compared} segments, worst relative error area {worst_area:.2e}, ri {worst_ri:.2e}");
}

#[test]
fn cell1_asc_matches_neuron() {
    let Some(p) = lfdeep_oracle::shared_data("hay2011/cell1.asc") else { return };
    let path = p.to_str().unwrap();
    let m = load_morphology(path).unwrap();
    let d = discretize(&m, &DiscretizeOptions::default()).unwrap();
    assert_eq!(d.rows_of(lfdeep_morph::Region::Basal).len(), 262);
    assert_eq!(d.rows_of(lfdeep_morph::Region::Apical).len(), 377);
    compare_with_neuron(path, false);
}

#[test]
fn cell1_asc_with_hay_axon_matches_neuron() {
    let Some(p) = lfdeep_oracle::shared_data("hay2011/cell1.asc") else { return };
    compare_with_neuron(p.to_str().unwrap(), true);
}

#[test]
fn cell1_asc_dlambda_and_fixed_rules_match_neuron() {
    let Some(p) = lfdeep_oracle::shared_data("hay2011/cell1.asc") else { return };
    let path = p.to_str().unwrap();
    compare_with_neuron_rule(path, false, NsegRule::DLambda { freq_hz: 100.0 }, "dlambda:100");
    compare_with_neuron_rule(path, false, NsegRule::Fixed(3), "fixed:3");
}

#[test]
fn builtin_l5pc_matches_neuron() {
    // NEURON builds the same sections with pt3dadd from our serialised morphology.
    if lfdeep_oracle::python_with("neuron").is_none() {
        return;
    }
    let m = lfdeep_morph::builtin_l5pc();
    let dir = lfdeep_oracle::temp_dir("builtin-json");
    let path = dir.join("builtin_l5pc.json");
    std::fs::write(&path, serde_json::to_string(&m).unwrap()).unwrap();
    let d = discretize(&m, &DiscretizeOptions::default()).unwrap();
    assert_eq!(d.rows_of(lfdeep_morph::Region::Basal).len(), 262);
    assert_eq!(d.rows_of(lfdeep_morph::Region::Apical).len(), 377);
    // compare_with_neuron loads by path; a .json path is not a morphology format we read,
    // so compare here against the already-built discretisation.
    let py = lfdeep_oracle::python_with("neuron").unwrap();
    let nrn = lfdeep_oracle::run_json(&py, "neuron_morphology.py", &[path.to_str().unwrap()]);
    let secs = nrn["sections"].as_array().unwrap();
    assert_eq!(secs.len(), d.morphology.sections.len());
    let mut worst: f64 = 0.0;
    for (i, (s, n)) in d.morphology.sections.iter().zip(secs).enumerate() {
        assert_eq!(n["name"].as_str().unwrap(), s.name);
        assert_eq!(n["nseg"].as_u64().unwrap() as usize, d.nseg[i], "nseg of {}", s.name);
        for (j, ns) in n["segments"].as_array().unwrap().iter().enumerate() {
            let seg = &d.segments[d.section_first_segment[i] + j];
            let ea = rel(seg.area_um2, ns["area"].as_f64().unwrap());
            let er = rel(seg.ri_mohm, ns["ri"].as_f64().unwrap());
            assert!(ea < 1e-5 && er < 1e-5, "{}({}): area err {ea:e}, ri err {er:e}", s.name, seg.x);
            worst = worst.max(ea).max(er);
        }
    }
    eprintln!("builtin:l5pc: worst relative error {worst:.2e}");
}
