//! `lfdeep bench train|infer` at toy sizes on the CPU: the JSON must describe the layout the
//! presets imply (teacher mode: synapses + segments + soma input channels; targets: spike,
//! soma, every segment; a sequence model's target steps = window − burn-in) and its rates must
//! be the ratios of its own times. Needs no data and no GPU.

use std::path::PathBuf;
use std::process::Command;

fn lfdeep(args: &[&str]) -> (bool, String) {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_lfdeep")).args(args).env("LFDEEP_ROOT", &root).output().expect("lfdeep runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn tmp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("lfdeep-bench-cli-{}-{name}", std::process::id()))
}

fn results(path: &PathBuf) -> Vec<serde_json::Value> {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    std::fs::remove_file(path).ok();
    v["results"].as_array().unwrap().clone()
}

#[test]
fn bench_train_reports_the_preset_layout_and_consistent_rates() {
    let json = tmp("train.json");
    let (ok, out) = lfdeep(&[
        "bench", "train", "--models", "mmoe,tcn", "--batch", "2", "--steps", "2", "--warmup", "1", "--window", "24",
        "--synapses", "6", "--segments", "3", "--json", json.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    let r = results(&json);
    assert_eq!(r.len(), 2);
    let (mmoe, tcn) = (&r[0], &r[1]);
    assert_eq!(mmoe["model"], "mmoe");
    assert_eq!(mmoe["in_channels"], 6 + 3 + 1);
    assert_eq!(mmoe["targets"], 2 + 3);
    assert_eq!(mmoe["out_steps"], 1);
    assert_eq!(mmoe["fresh_process"], true);
    assert_eq!(tcn["in_channels"], 6);
    // The preset's 152 ms burn-in does not fit a 24 ms window: a third of it, 8 ms, is used.
    assert_eq!(tcn["out_steps"], 24 - 8);
    assert_eq!(tcn["fresh_process"], false);
    for x in &r {
        assert!(x["params"].as_u64().unwrap() > 0);
        assert_eq!(x["steps"], 2);
        let med = x["median_step_ms"].as_f64().unwrap();
        assert!(med > 0.0 && x["first_step_s"].as_f64().unwrap() > 0.0);
        let sps = x["samples_per_s"].as_f64().unwrap();
        assert!((sps - 2.0 / (med / 1e3)).abs() < 1e-6 * sps, "{x}");
        assert!(x["final_loss"].as_f64().unwrap().is_finite());
    }
}

#[test]
fn bench_infer_rates_are_batch_times_simulated_ms_over_wall() {
    let json = tmp("infer.json");
    let (ok, out) = lfdeep(&[
        "bench", "infer", "--models", "mmoe,tcn", "--batch", "1,3", "--ms", "12", "--warmup-ms", "2", "--repeat", "1",
        "--window", "24", "--synapses", "6", "--segments", "3", "--json", json.to_str().unwrap(),
    ]);
    assert!(ok, "{out}");
    let r = results(&json);
    assert_eq!(r.len(), 4);
    for x in &r {
        let (b, ms, wall) = (x["batch"].as_f64().unwrap(), x["simulated_ms"].as_f64().unwrap(), x["wall_s_median"].as_f64().unwrap());
        assert_eq!(ms, 12.0);
        let rate = x["sim_ms_per_s"].as_f64().unwrap();
        assert!((rate - b * ms / wall).abs() < 1e-6 * rate, "{x}");
        assert_eq!(x["latency_ms_per_step_batch1"].is_null(), b != 1.0, "{x}");
    }
    assert_eq!(r[0]["mode"], "teacher");
    assert_eq!(r[2]["mode"], "inputs");
    // The ELM preset predicts no dendritic voltages: a clear error, not a silent partial run.
    let (ok, out) = lfdeep(&["bench", "infer", "--models", "elm", "--batch", "1", "--ms", "5", "--synapses", "6", "--segments", "3"]);
    assert!(!ok && out.contains("predicts no dendritic voltages"), "{out}");
}
