//! Oracle: segment areas and axial resistances equal NEURON's (Import3d of the same file).

use lfdeep_morph::{discretize, load_morphology, DiscretizeOptions, NsegRule};
use serde_json::Value;
use std::collections::HashMap;

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-12)
}

/// Compare every segment of `path` (discretised with the 40 µm rule) against NEURON.
fn compare_with_neuron(path: &str, hay_axon: bool) {
    let Some(py) = lfdeep_oracle::python_with("neuron") else { return };
    let mut args = vec![path];
    if hay_axon {
        args.push("--hay-axon");
    }
    let nrn = lfdeep_oracle::run_json(&py, "neuron_morphology.py", &args);
    let m = load_morphology(path).expect("parse");
    let d = discretize(&m, &DiscretizeOptions { nseg: NsegRule::Hay, hay_axon, ..Default::default() }).expect("discretize");
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
