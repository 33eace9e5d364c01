//! Oracle: our metrics equal scikit-learn's on random spike-like data with ties.

use rand::{Rng, SeedableRng};
use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn metrics_match_scikit_learn() {
    let Some(py) = lfdeep_oracle::python_with("sklearn") else { return };
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let n = 20_000;
    // Rare positives (≈1 %), scores correlated with the target and quantised to create ties.
    let target: Vec<bool> = (0..n).map(|_| rng.random::<f64>() < 0.01).collect();
    let score: Vec<f64> = target
        .iter()
        .map(|&t| ((if t { 0.6 } else { 0.3 } + 0.25 * rng.random::<f64>()) * 200.0).round() / 200.0)
        .collect();
    let truth: Vec<f64> = (0..n).map(|i| -70.0 + 5.0 * (i as f64 * 0.01).sin() + rng.random::<f64>()).collect();
    let pred: Vec<f64> = truth.iter().map(|v| v + 0.5 * (rng.random::<f64>() - 0.3)).collect();
    let fprs = [1e-4, 1e-3, 0.002, 0.01, 0.1];
    let input = serde_json::json!({
        "target": target.iter().map(|&t| t as u8).collect::<Vec<_>>(),
        "score": score, "truth": truth, "pred": pred, "fprs": fprs,
    });
    let mut child = Command::new(&py)
        .arg(lfdeep_oracle::workspace_root().join("oracle/sklearn_metrics.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("run oracle");
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "oracle failed");
    let o: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let close = |a: f64, b: f64, what: &str| assert!((a - b).abs() <= 1e-12 * b.abs().max(1.0), "{what}: ours {a} vs sklearn {b}");
    let auc = lfdeep_metrics::roc_auc(&target, &score).unwrap();
    close(auc, o["roc_auc"].as_f64().unwrap(), "roc_auc");
    let curve = lfdeep_metrics::roc_curve(&target, &score).unwrap();
    for (k, f) in fprs.iter().enumerate() {
        close(lfdeep_metrics::tpr_at_fpr(&curve, *f), o["tpr_at"][k].as_f64().unwrap(), &format!("tpr at fpr {f}"));
    }
    close(lfdeep_metrics::explained_variance(&truth, &pred), o["explained_variance"].as_f64().unwrap(), "explained variance");
    close(lfdeep_metrics::rmse(&truth, &pred), o["rmse"].as_f64().unwrap(), "rmse");
    close(lfdeep_metrics::mae(&truth, &pred), o["mae"].as_f64().unwrap(), "mae");
    close(lfdeep_metrics::pearson(&truth, &pred), o["pearson"].as_f64().unwrap(), "pearson");
}
