//! Store, resume, shard and merge behaviour, with the test-only stand-in model.

use crate::standin::StandIn;
use lfdeep_data::runner::{run, CellSetup, RunOptions, Shard};
use lfdeep_data::store::Store;
use lfdeep_data::SimulateConfig;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn small_config(extra: &[&str]) -> SimulateConfig {
    let mut o: Vec<String> = vec!["simulations=6".into(), "duration_ms=300".into(), "seed=42".into()];
    o.extend(extra.iter().map(|s| s.to_string()));
    SimulateConfig::resolve(None, &o).unwrap()
}

pub fn setup(cfg: &SimulateConfig) -> CellSetup {
    CellSetup::from_config(cfg).expect("builtin:l5pc cell")
}

fn opts(out: &Path) -> RunOptions {
    RunOptions { out: out.to_path_buf(), resume: false, shard: None, progress: false }
}

/// Every file of a store except the root metadata and side files (they carry provenance and
/// the thread count), as bytes.
pub fn array_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fn walk(base: &Path, d: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).unwrap().to_string_lossy().to_string();
                if !rel.contains('/') {
                    continue; // root zarr.json, config.toml, provenance*.json
                }
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    let mut m = BTreeMap::new();
    walk(dir, dir, &mut m);
    m
}

pub fn assert_same_arrays(a: &Path, b: &Path) {
    let (fa, fb) = (array_files(a), array_files(b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>(), "same chunk files in {} and {}", a.display(), b.display());
    for (k, v) in &fa {
        assert!(v == &fb[k], "{k} differs between {} and {}", a.display(), b.display());
    }
}

fn full_run(cfg: &SimulateConfig, tag: &str) -> PathBuf {
    let s = setup(cfg);
    let m = StandIn { n_segments: s.disc.segments.len(), sleep_ms: 0 };
    let out = lfdeep_oracle::temp_dir(tag).join("ds.zarr");
    let r = run(cfg, &s, &m, &opts(&out)).unwrap();
    assert!(r.complete && r.path == out);
    out
}

#[test]
fn one_and_two_threads_give_byte_identical_arrays() {
    let a = full_run(&small_config(&["threads=1"]), "t1");
    let b = full_run(&small_config(&["threads=2"]), "t2");
    assert_same_arrays(&a, &b);
    let r = lfdeep_data::check::check(&a).unwrap();
    assert!(r.ok(), "{:?}", r.problems);
    assert_eq!(r.committed, 6);
}

#[test]
fn shards_then_merge_equal_one_run() {
    let cfg = small_config(&["threads=2"]);
    let full = full_run(&cfg, "full");
    let s = setup(&cfg);
    let m = StandIn { n_segments: s.disc.segments.len(), sleep_ms: 0 };
    let dir = lfdeep_oracle::temp_dir("shards");
    let mut shards = Vec::new();
    for k in [3, 1, 2] {
        let out = dir.join(format!("shard{k}.zarr"));
        let r = run(&cfg, &s, &m, &RunOptions { shard: Some(Shard { k, n: 3 }), ..opts(&out) }).unwrap();
        assert!(r.complete);
        assert_eq!(r.simulated_now, 2);
        shards.push(out);
    }
    // A missing shard is refused with a clear message.
    let e = lfdeep_data::merge::merge(&shards[..2], &dir.join("bad.zarr")).unwrap_err().to_string();
    assert!(e.contains("missing") || e.contains("expected"), "{e}");
    let merged = lfdeep_data::merge::merge(&shards, &dir.join("merged.zarr")).unwrap();
    assert_same_arrays(&full, &merged);
    assert!(lfdeep_data::check::check(&merged).unwrap().ok());
}

/// A model that fails from simulation `fail_from` on, to interrupt a run.
struct FailAt {
    inner: StandIn,
    fail_from: u64,
    count: std::sync::atomic::AtomicU64,
}
impl lfdeep_data::model::NeuronModel for FailAt {
    fn n_recorded_segments(&self) -> usize {
        self.inner.n_recorded_segments()
    }
    fn simulate(&self, e: &[Vec<f64>], i: &[Vec<f64>], t: u64) -> Result<lfdeep_data::model::Recordings, String> {
        if self.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst) >= self.fail_from {
            return Err("injected failure".into());
        }
        self.inner.simulate(e, i, t)
    }
}

#[test]
fn interrupted_run_is_not_complete_and_resume_finishes_it_identically() {
    let cfg = small_config(&["threads=1"]);
    let full = full_run(&cfg, "ref");
    let s = setup(&cfg);
    let n = s.disc.segments.len();
    let out = lfdeep_oracle::temp_dir("resume").join("ds.zarr");
    let failing = FailAt { inner: StandIn { n_segments: n, sleep_ms: 0 }, fail_from: 2, count: 0.into() };
    let e = run(&cfg, &s, &failing, &opts(&out)).unwrap_err().to_string();
    assert!(e.contains("injected failure") && e.contains("simulation"), "{e}");
    assert!(!out.exists(), "an unfinished store must not have the final name");
    let chk = lfdeep_data::check::check(&out).unwrap();
    assert!(!chk.ok() && !chk.complete && chk.committed == 2, "{chk:?}");
    // Without --resume the partial store is protected.
    let good = StandIn { n_segments: n, sleep_ms: 0 };
    let e = run(&cfg, &s, &good, &opts(&out)).unwrap_err().to_string();
    assert!(e.contains("--resume"), "{e}");
    // A resume with a different config is refused.
    let other = small_config(&["threads=1", "release_probability=0.5"]);
    let e = run(&other, &s, &good, &RunOptions { resume: true, ..opts(&out) }).unwrap_err().to_string();
    assert!(e.contains("release_probability"), "{e}");
    let r = run(&cfg, &s, &good, &RunOptions { resume: true, ..opts(&out) }).unwrap();
    assert!(r.complete);
    assert_eq!((r.already_done, r.simulated_now), (2, 4));
    assert_same_arrays(&full, &out);
}

#[test]
fn stored_simulation_reads_back_exactly_and_inputs_are_the_generators() {
    let cfg = small_config(&["segment_voltage_dtype=float32", "simulations=2"]);
    let s = setup(&cfg);
    let m = StandIn { n_segments: s.disc.segments.len(), sleep_ms: 0 };
    let out = lfdeep_oracle::temp_dir("readback").join("ds.zarr");
    run(&cfg, &s, &m, &opts(&out)).unwrap();
    let st = Store::open(&out).unwrap();
    for i in 0..2 {
        let want = lfdeep_data::runner::simulate_one(&cfg, &s, &m, i).unwrap();
        let got = st.read_simulation(i).unwrap();
        assert_eq!(want, got, "simulation {i}");
        assert!(got.input_spikes_ms.iter().map(|r| r.len()).sum::<usize>() > 0);
    }
    let t = st.read_segment_table().unwrap();
    assert_eq!(t.len(), s.disc.segments.len());
    assert_eq!(t.region[0], "basal");
}

/// The SIGKILL test runs the real simulator on short simulations.
fn kill_config() -> SimulateConfig {
    small_config(&["threads=2", "simulations=8", "duration_ms=200"])
}

/// Child half of the SIGKILL test: runs only when the parent sets LFDEEP_DATA_KILL_OUT.
#[test]
fn sigkill_child() {
    let Some(out) = std::env::var_os("LFDEEP_DATA_KILL_OUT") else { return };
    let cfg = kill_config();
    let s = setup(&cfg);
    let m = s.sim_model(&cfg).unwrap();
    let resume = std::env::var_os("LFDEEP_DATA_KILL_RESUME").is_some();
    run(&cfg, &s, &m, &RunOptions { resume, ..opts(Path::new(&out)) }).unwrap();
}

#[test]
fn sigkill_mid_run_then_resume_equals_uninterrupted() {
    // Real simulator, real process killed with SIGKILL between commits, resumed by a new
    // process: the arrays must equal an uninterrupted run's byte for byte.
    if std::env::var_os("LFDEEP_DATA_KILL_OUT").is_some() {
        return;
    }
    let cfg = kill_config();
    let s = setup(&cfg);
    let reference = lfdeep_oracle::temp_dir("kill-ref").join("ds.zarr");
    assert!(run(&cfg, &s, &s.sim_model(&cfg).unwrap(), &opts(&reference)).unwrap().complete);
    let out = lfdeep_oracle::temp_dir("kill").join("ds.zarr");
    let exe = std::env::current_exe().unwrap();
    let mut child = std::process::Command::new(&exe)
        .args(["pipeline::sigkill_child", "--exact", "--nocapture", "--test-threads=1"])
        .env("LFDEEP_DATA_KILL_OUT", &out)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let markers = lfdeep_data::runner::in_progress_path(&out).join("committed/c");
    let t0 = std::time::Instant::now();
    loop {
        let n = std::fs::read_dir(&markers).map(|d| d.count()).unwrap_or(0);
        if n >= 2 {
            break;
        }
        assert!(t0.elapsed().as_secs() < 120, "child made no progress");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL on Unix
    child.wait().unwrap();
    assert!(!out.exists(), "killed run must not look complete");
    let committed = Store::open(&out).unwrap().committed().unwrap().iter().filter(|c| **c).count();
    assert!(committed < 8, "the run was killed before the end ({committed} committed)");
    let status = std::process::Command::new(&exe)
        .args(["pipeline::sigkill_child", "--exact", "--nocapture", "--test-threads=1"])
        .env("LFDEEP_DATA_KILL_OUT", &out)
        .env("LFDEEP_DATA_KILL_RESUME", "1")
        .stdout(std::process::Stdio::null())
        .status()
        .unwrap();
    assert!(status.success());
    assert_same_arrays(&reference, &out);
    assert!(lfdeep_data::check::check(&out).unwrap().ok());
}
