//! Electrode configurations: the committed examples parse and give the expected grids;
//! malformed files give errors that name the file and the field.

use lfdeep_lfp::{ElectrodeConfig, SourceModel};
use std::path::Path;

fn root() -> std::path::PathBuf {
    lfdeep_oracle::workspace_root()
}

#[test]
fn example_configs_parse() {
    let c = ElectrodeConfig::load(&root().join("configs/electrodes.toml")).unwrap();
    assert_eq!(c.model, SourceModel::Line);
    let e = c.electrodes();
    assert_eq!(e.names.len(), 2 + 16 + 25);
    // Probe contacts 100 µm apart along +y from (50, −200, 0).
    let k = e.names.iter().position(|n| n == "shank.3").unwrap();
    assert_eq!(e.relative_um[k], [50.0, 100.0, 0.0]);
    // Grid: origin + 4·50 along both axes.
    let g = e.names.iter().position(|n| n == "grid.4.4").unwrap();
    assert_eq!(e.relative_um[g], [100.0, 100.0, 40.0]);
    assert_eq!(e.absolute_um([1.0, 2.0, 3.0])[g], [101.0, 102.0, 43.0]);
    let c = ElectrodeConfig::load(&root().join("configs/electrodes_eeg.toml")).unwrap();
    let eeg = c.eeg.as_ref().unwrap();
    assert_eq!(eeg.radii_um, lfdeep_lfp::four_sphere::DEFAULT_RADII_UM);
    assert_eq!(eeg.sigmas_s_per_m, lfdeep_lfp::four_sphere::DEFAULT_SIGMAS_S_PER_M);
    eeg.head().unwrap().transformation_matrix(&eeg.electrodes_um, eeg.dipole_location_um).unwrap();
}

fn err(text: &str) -> String {
    ElectrodeConfig::from_toml_str(text, Path::new("bad.toml")).unwrap_err().to_string()
}

#[test]
fn malformed_configs_are_explained() {
    let e = err("[[linear_probe]]\nstart_um = [0, 0, 0]\ndirection = [0, 0, 0]\npitch_um = 10\ncount = 3\n");
    assert!(e.contains("bad.toml") && e.contains("linear_probe[0].direction"), "{e}");
    let e = err("sigma_s_per_m = -1\n[[points]]\nposition_um = [0, 0, 0]\n");
    assert!(e.contains("sigma_s_per_m"), "{e}");
    let e = err("[[points]]\nposition_um = [0, 0]\n");
    assert!(e.contains("bad.toml") && e.contains("line 2"), "{e}");
    let e = err("[[points]]\nposition_um = [0, 0, 0]\nradius = 3\n");
    assert!(e.contains("radius"), "{e}");
    let e = err("sigma_s_per_m = 0.3\n");
    assert!(e.contains("no electrodes"), "{e}");
    let e = err("plot = [\"x\"]\n[[points]]\nname = \"a\"\nposition_um = [0, 0, 0]\n");
    assert!(e.contains("'x'"), "{e}");
    let e = err("[eeg]\nradii_um = [1, 2, 3, 2]\ndipole_location_um = [0, 0, 0.5]\nelectrodes_um = [[0, 0, 2]]\n");
    assert!(e.contains("eeg") && e.contains("r1 < r2"), "{e}");
}

#[test]
fn four_sphere_rejects_bad_geometry() {
    let fs = lfdeep_lfp::FourSphere::default();
    let e = fs.transformation_matrix(&[[0.0, 0.0, 95000.0]], [0.0, 0.0, 78000.0]).unwrap_err().to_string();
    assert!(e.contains("outside the head"), "{e}");
    let e = fs.transformation_matrix(&[[0.0, 0.0, 90000.0]], [0.0, 0.0, 80000.0]).unwrap_err().to_string();
    assert!(e.contains("inside the brain"), "{e}");
    let e = fs.transformation_matrix(&[[0.0, 0.0, 1000.0]], [0.0, 0.0, 78000.0]).unwrap_err().to_string();
    assert!(e.contains("farther"), "{e}");
}
