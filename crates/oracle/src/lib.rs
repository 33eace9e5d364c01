//! Test support for oracle comparisons (NEURON, LFPykit, scikit-learn in a Python venv) and
//! for tests that read `../shared/data`.
//!
//! Rule: when an oracle or a shared file is missing, a test skips with a visible message on a
//! developer machine, but **fails** when the `CI` environment variable is set.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (two levels above the crate under test). Cargo sets
/// `CARGO_MANIFEST_DIR` when it runs a test, so the root follows the checkout being tested
/// even when this crate's compiled artefact was built from another copy of the repository.
pub fn workspace_root() -> PathBuf {
    let manifest = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from).unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    let root = manifest.join("../..");
    root.canonicalize().unwrap_or_else(|e| panic!("workspace root {}: {e}", root.display()))
}

fn missing(what: &str) -> Option<PathBuf> {
    if std::env::var_os("CI").is_some() {
        panic!("CI is set and {what} is missing: run the README test command (scripts/test.sh), which installs it");
    }
    eprintln!("SKIPPED: {what} is missing (run scripts/test.sh to install it)");
    None
}

/// The venv's Python: `$LFDEEP_PYTHON`, else `<root>/.venv/bin/python`.
/// `module` must import there (e.g. "neuron", "lfpykit").
pub fn python_with(module: &str) -> Option<PathBuf> {
    let py = std::env::var_os("LFDEEP_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/python"));
    let ok = py.exists()
        && Command::new(&py)
            .args(["-c", &format!("import {module}")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
    if ok {
        Some(py)
    } else {
        missing(&format!("the Python oracle module '{module}' ({})", py.display()))
    }
}

/// A file under `../shared/data` (e.g. "hay2011/cell1.asc").
pub fn shared_data(rel: &str) -> Option<PathBuf> {
    let p = workspace_root().join("../shared/data").join(rel);
    if p.exists() {
        Some(p)
    } else {
        missing(&format!("the shared test file {}", p.display()))
    }
}

/// Run an oracle script under `oracle/` with the venv's Python and parse its JSON stdout.
pub fn run_json(python: &Path, script: &str, args: &[&str]) -> serde_json::Value {
    let script_path = workspace_root().join("oracle").join(script);
    let out = Command::new(python)
        .arg(&script_path)
        .args(args)
        .current_dir(workspace_root().join("oracle"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script_path.display()));
    if !out.status.success() {
        panic!(
            "oracle {} failed ({}):\n{}",
            script,
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
    }
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "oracle {} printed invalid JSON: {e}\n{}",
            script,
            String::from_utf8_lossy(&out.stdout).chars().take(2000).collect::<String>()
        )
    })
}

/// A fresh temporary directory for a test (removed by the OS; unique per call).
pub fn temp_dir(tag: &str) -> PathBuf {
    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let d = std::env::temp_dir().join(format!("lfdeep-test-{tag}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}
