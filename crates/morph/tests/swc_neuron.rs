//! Oracle: our SWC reader builds the sections NEURON's Import3d builds (names, parents,
//! attachment points, 3-D points) and the same segment areas and axial resistances; and an
//! SWC file written from the parsed cell1.asc imports the same way in both.

use lfdeep_morph::{discretize, parse_asc, read_swc, write_swc, DiscretizeOptions, Morphology, NsegRule, Region};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn rel(a: f64, b: f64) -> f64 {
    (a - b).abs() / b.abs().max(1e-12)
}

fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/swc_cases").join(name)
}

/// Worst relative errors (area, ri) of our import of `path` against NEURON's, after checking
/// that every section has NEURON's name, parent, parent_x, nseg and 3-D points.
fn compare(path: &Path, nseg: NsegRule) -> Option<(usize, f64, f64, f64)> {
    let py = lfdeep_oracle::python_with("neuron")?;
    let p = path.to_str().unwrap();
    let rule = match nseg {
        NsegRule::Hay => "--nseg=hay".to_string(),
        NsegRule::Fixed(n) => format!("--nseg=fixed:{n}"),
        NsegRule::DLambda { .. } => unreachable!(),
    };
    let nrn = lfdeep_oracle::run_json(&py, "swc_neuron_morphology.py", &[p, &rule]);
    let m = read_swc(path).unwrap_or_else(|e| panic!("{e}"));
    let d = discretize(&m, &DiscretizeOptions { nseg, ..Default::default() }).expect("discretize");
    let secs = nrn["sections"].as_array().unwrap();
    let by_name: HashMap<&str, &Value> = secs.iter().map(|s| (s["name"].as_str().unwrap(), s)).collect();
    let ours: Vec<&str> = d.morphology.sections.iter().map(|s| s.name.as_str()).collect();
    let mut theirs: Vec<&str> = by_name.keys().copied().collect();
    let mut ours_sorted = ours.clone();
    ours_sorted.sort();
    theirs.sort();
    assert_eq!(ours_sorted, theirs, "{p}: section names");
    let (mut worst_a, mut worst_r, mut soma_area_err) = (0.0f64, 0.0f64, 0.0f64);
    let mut compared = 0;
    for (i, s) in d.morphology.sections.iter().enumerate() {
        let n = by_name[s.name.as_str()];
        let parent = s.parent.map(|q| d.morphology.sections[q].name.clone());
        assert_eq!(n["parent"].as_str().map(String::from), parent, "{p}: parent of {}", s.name);
        if let Some(px) = n["parent_x"].as_f64() {
            assert_eq!(px, s.parent_x, "{p}: parent_x of {}", s.name);
        }
        assert_eq!(n["nseg"].as_u64().unwrap() as usize, d.nseg[i], "{p}: nseg of {}", s.name);
        let npts = n["points"].as_array().unwrap();
        assert_eq!(npts.len(), s.points.len(), "{p}: number of 3-D points of {}", s.name);
        for (k, (q, ours)) in npts.iter().zip(&s.points).enumerate() {
            let q: Vec<f64> = q.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
            for (a, b) in [ours.x, ours.y, ours.z, ours.d].iter().zip(&q) {
                assert!((a - b).abs() <= 1e-6 * b.abs().max(1.0), "{p}: point {k} of {}: ours {ours:?}, NEURON {q:?}", s.name);
            }
        }
        let mut sec_area = (0.0, 0.0);
        for (j, ns) in n["segments"].as_array().unwrap().iter().enumerate() {
            let seg = &d.segments[d.section_first_segment[i] + j];
            let (a, r) = (ns["area"].as_f64().unwrap(), ns["ri"].as_f64().unwrap());
            assert!(rel(seg.area_um2, a) < 1e-5, "{p}: {}({}) area {} vs NEURON {a}", s.name, seg.x, seg.area_um2);
            assert!(rel(seg.ri_mohm, r) < 1e-5, "{p}: {}({}) ri {} vs NEURON {r}", s.name, seg.x, seg.ri_mohm);
            worst_a = worst_a.max(rel(seg.area_um2, a));
            worst_r = worst_r.max(rel(seg.ri_mohm, r));
            sec_area.0 += seg.area_um2;
            sec_area.1 += a;
            compared += 1;
        }
        if s.region == Region::Soma {
            soma_area_err = soma_area_err.max(rel(sec_area.0, sec_area.1));
        }
    }
    eprintln!("{p}: {compared} segments, worst rel. error area {worst_a:.2e}, ri {worst_r:.2e}, soma area {soma_area_err:.2e}");
    Some((compared, worst_a, worst_r, soma_area_err))
}

fn check_case(name: &str) -> Option<Morphology> {
    compare(&case(name), NsegRule::Fixed(3))?;
    Some(read_swc(&case(name)).unwrap())
}

#[test]
fn single_point_soma_is_a_sphere_like_neurons() {
    let Some(m) = check_case("one_point_soma.swc") else { return };
    let soma = &m.sections[0];
    // sphere_rep: 3 points along x, L = diam = 12 µm → area of the 12 µm sphere
    assert_eq!(soma.points.len(), 3);
    assert_eq!(soma.length_um(), 12.0);
    // trees hang from soma(0.5)
    assert!(m.sections.iter().filter(|s| s.parent == Some(0)).all(|s| s.parent_x == 0.5));
}

#[test]
fn neuromorpho_three_point_soma_matches_neuron() {
    let Some(m) = check_case("three_point_soma_neuromorpho.swc") else { return };
    assert_eq!(m.sections.iter().filter(|s| s.region == Region::Soma).count(), 1);
    assert_eq!(m.sections[0].length_um(), 14.0);
}

#[test]
fn three_point_soma_as_cylinders_matches_neuron() {
    let Some(m) = check_case("three_point_soma_cylinders.swc") else { return };
    assert_eq!(m.sections.iter().filter(|s| s.region == Region::Soma).count(), 2);
}

#[test]
fn multi_point_soma_matches_neuron() {
    let Some(m) = check_case("multi_point_soma.swc") else { return };
    let xs: Vec<f64> = m.sections.iter().filter(|s| s.parent == Some(0)).map(|s| s.parent_x).collect();
    // first, interior and last soma samples: 0, 0.5 and 1
    for x in [0.0, 0.5, 1.0] {
        assert!(xs.contains(&x), "attachments {xs:?}");
    }
}

#[test]
fn custom_types_match_neuron() {
    let Some(m) = check_case("custom_types.swc") else { return };
    for n in ["dend_5[0]", "dend_7[0]", "dend_0[0]"] {
        assert!(m.sections.iter().any(|s| s.name == n), "{n} missing");
    }
}

#[test]
fn dendrite_only_tree_matches_neuron() {
    check_case("dendrite_only.swc");
}

#[test]
fn wires_and_removed_sections_match_neuron() {
    check_case("wired_branches.swc");
}

/// Read, write, read again: the same morphology, and NEURON agrees on the written file.
#[test]
fn written_swc_files_reimport_identically() {
    let dir = lfdeep_oracle::temp_dir("swc-roundtrip");
    for name in [
        "one_point_soma.swc",
        "three_point_soma_neuromorpho.swc",
        "three_point_soma_cylinders.swc",
        "multi_point_soma.swc",
        "custom_types.swc",
        "dendrite_only.swc",
        "wired_branches.swc",
    ] {
        let m = read_swc(&case(name)).unwrap();
        let out = dir.join(name);
        write_swc(&m, std::fs::File::create(&out).unwrap()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let back = read_swc(&out).unwrap();
        assert_eq!(lfdeep_morph::swc::swc_roundtrip_differences(&m, &back), None, "{name}");
        // SWC-born morphologies lose nothing, first diameters included — except where
        // Import3d removed a zero-length section and reattached its children: they keep
        // the removed sample's diameter, which a re-import replaces by the parent's.
        for (s, t) in m.sections.iter().zip(&back.sections) {
            if name != "wired_branches.swc" || !s.name.starts_with("apic") {
                assert_eq!(s.points, t.points, "{name}: {}", s.name);
            }
        }
        compare(&out, NsegRule::Fixed(3));
    }
}

/// The must-show: cell1.asc parsed, written as SWC, imported by us and by NEURON.
#[test]
fn cell1_written_as_swc_matches_neuron() {
    let Some(asc) = lfdeep_oracle::shared_data("hay2011/cell1.asc") else { return };
    let text = std::fs::read_to_string(&asc).unwrap();
    let m = parse_asc(&asc, &text).unwrap();
    let out = lfdeep_oracle::temp_dir("swc-cell1").join("cell1.swc");
    write_swc(&m, std::io::BufWriter::new(std::fs::File::create(&out).unwrap())).unwrap();
    let back = read_swc(&out).unwrap();
    assert_eq!(lfdeep_morph::swc::swc_roundtrip_differences(&m, &back), None);
    let Some((n, worst_a, worst_r, soma)) = compare(&out, NsegRule::Hay) else { return };
    assert!(worst_a < 1e-5 && worst_r < 1e-5 && soma < 1e-5);
    // Same 40 µm discretisation as the ASC import: 262 basal and 377 apical segments.
    let d = discretize(&back, &DiscretizeOptions::default()).unwrap();
    assert_eq!(d.rows_of(Region::Basal).len(), 262);
    assert_eq!(d.rows_of(Region::Apical).len(), 377);
    assert!(n > 639);
    // What SWC cannot carry (a branch's own first diameter) changes the total area only a
    // little: report it, and bound it loosely.
    let a0 = discretize(&m, &DiscretizeOptions::default()).unwrap();
    let total = |d: &lfdeep_morph::Discretized| d.segments.iter().map(|s| s.area_um2).sum::<f64>();
    let (ta, tb) = (total(&a0), total(&d));
    eprintln!("cell1 total area: ASC {ta:.3} um2, via SWC {tb:.3} um2 (rel. {:.2e})", rel(tb, ta));
    let soma_a = a0.segments[a0.rows_of(Region::Soma)[0]].area_um2;
    let soma_b = d.segments[d.rows_of(Region::Soma)[0]].area_um2;
    // The soma (written as its 21 centroid points) keeps its area up to single precision.
    eprintln!("cell1 soma area: ASC {soma_a:.6} um2, via SWC {soma_b:.6} um2 (rel. {:.2e})", rel(soma_b, soma_a));
    assert!(rel(soma_b, soma_a) < 1e-6, "soma area {soma_b} vs ASC {soma_a}");
}
