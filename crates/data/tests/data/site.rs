//! Synapse layout and nexus choice on the real and built-in cells; shipped configs parse.

use lfdeep_data::runner::CellSetup;
use lfdeep_data::SimulateConfig;

#[test]
fn cell1_has_639_dendritic_segment_pairs_and_auto_nexus_is_on_the_trunk() {
    let Some(p) = lfdeep_oracle::shared_data("hay2011/cell1.asc") else { return };
    let cfg = SimulateConfig::resolve(None, &[format!("morphology={}", p.display())]).unwrap();
    let s = CellSetup::from_config(&cfg).unwrap();
    assert_eq!(s.synapse_rows.len(), 639, "spec: 639 dendritic segments, 1278 synapses");
    let named = lfdeep_data::site::nexus_row(&s.disc, "apic[50](0.9)").unwrap();
    let seg = &s.disc.segments[named];
    assert_eq!(seg.section_name, "apic[50]");
    let auto = &s.disc.segments[s.nexus_row];
    eprintln!(
        "cell1: apic[50](0.9) at {:.1} µm from soma; auto nexus {}({:.3}) at {:.1} µm",
        seg.path_soma_um, auto.section_name, auto.x, auto.path_soma_um
    );
    assert_eq!(s.nexus_row, named, "auto picks Hay's nexus on cell1");
}

#[test]
fn builtin_auto_nexus_is_on_the_trunk_near_the_hot_zone() {
    let cfg = SimulateConfig::default();
    let s = CellSetup::from_config(&cfg).unwrap();
    assert_eq!(s.synapse_rows.len(), 639);
    let auto = &s.disc.segments[s.nexus_row];
    eprintln!("builtin: auto nexus {}({:.3}) at {:.1} µm from soma", auto.section_name, auto.x, auto.path_soma_um);
    assert!(auto.region == lfdeep_morph::Region::Apical);
    assert!((600.0..900.0).contains(&auto.path_soma_um), "{}", auto.path_soma_um);
}

#[test]
fn shipped_simulate_configs_resolve() {
    let dir = lfdeep_oracle::workspace_root().join("configs");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with("simulate") && name.ends_with(".toml") {
            let c = SimulateConfig::resolve(Some(&p), &[]).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(c.input, lfdeep_data::InputConfig::default(), "{name} keeps the published generator");
            n += 1;
        }
    }
    assert!(n >= 3);
    let e = SimulateConfig::resolve(Some(&dir.join("nonexistent_simulate.toml")), &[]).unwrap_err().to_string();
    assert!(e.contains("nonexistent_simulate.toml"), "{e}");
}
