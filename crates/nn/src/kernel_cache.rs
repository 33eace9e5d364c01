//! The persistent kernel cache of the CUDA build: where it lives, and bundles of it that carry
//! compiled kernels and autotune results from one machine to another.
//!
//! CUDA kernels are compiled at run time (NVRTC) and autotuned on first use of each shape: on a
//! fresh machine the first training step of a model takes minutes (issue #7 measured 138 s for
//! the TCN and more than 280 s for the MMoE on an H200). Both results persist in CubeCL's
//! environment database, one SQLite-format file under [`directory`]. A *bundle* is CubeCL's
//! export of that database; imported on another machine of the same GPU architecture (the
//! entries are keyed by `sm_NN`, backend and CubeCL version, so a mismatched bundle is ignored,
//! never wrong), the first step there loads instead of compiling.
//!
//! The database also keeps CubeCL's account of how it was built (`records/v1/…`: one record per
//! kernel compiled, with its duration, one per autotuned key, with its candidates): [`report`]
//! sums it, which says where a cold first step goes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Once;

use cubecl::bundle::{self, BundleFormat, ExportOptions};
use cubecl::config::{CubeClRuntimeConfig, RuntimeConfig};

use crate::error::{NnError, Result};

/// The cache directory, or `None` when `LFDEEP_KERNEL_CACHE=off`: `$LFDEEP_KERNEL_CACHE`, else
/// `$XDG_CACHE_HOME/lfdeep/kernels`, else `~/.cache/lfdeep/kernels` (CubeCL's own default is
/// `target/environment` of the enclosing Cargo workspace, which depends on the working
/// directory).
pub fn directory() -> Option<PathBuf> {
    match std::env::var_os("LFDEEP_KERNEL_CACHE") {
        Some(v) if v == "off" => None,
        Some(v) if !v.is_empty() => Some(PathBuf::from(v)),
        _ => {
            let base = std::env::var_os("XDG_CACHE_HOME")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .unwrap_or_else(std::env::temp_dir);
            Some(base.join("lfdeep").join("kernels"))
        }
    }
}

/// CubeCL's run-time configuration, set once before the first device opens: compiled kernels
/// persist too (`compilation.cache`; autotune results always do), everything under
/// [`directory`]. `LFDEEP_KERNEL_CACHE=off` leaves CubeCL's configuration alone (its files
/// `cubecl.toml` and variables `CUBECL_*` still apply in every case).
pub fn configure() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let Some(dir) = directory() else { return };
        let mut cfg = CubeClRuntimeConfig::from_current_dir().override_from_env();
        cfg.compilation.cache = true;
        cfg.environment.path = cubecl::config::cache::CacheConfig::Directory(dir);
        // false: something read CubeCL's configuration first; it stays as it was.
        let _ = CubeClRuntimeConfig::try_set(cfg);
    });
}

/// [`configure`], then load the configuration, which activates CubeCL's environment (its
/// database under [`directory`]) for the exports, imports and paths below.
fn activate() {
    configure();
    let _ = CubeClRuntimeConfig::get();
}

/// Where the active environment's database file is.
pub fn database_file() -> PathBuf {
    activate();
    cubecl::environment::path()
}

/// Merges the kernel caches under `roots` (directories as [`directory`] names them, or database
/// files) into one bundle file `out`, written whole or not at all. Returns the number of entries
/// per namespace in the written bundle.
pub fn export(roots: &[PathBuf], out: &Path) -> Result<BTreeMap<String, usize>> {
    activate();
    for r in roots {
        if !r.exists() {
            return Err(NnError::io(r, "no such kernel cache (directory or database file)"));
        }
    }
    let options = ExportOptions { name: "lfdeep".into(), format: BundleFormat::Sqlite, ..Default::default() };
    bundle::export(roots, out, &options).map_err(|e| NnError::io(out, format!("exporting the kernel cache: {e}")))?;
    contents(out)
}

/// Entries per namespace of a bundle file.
pub fn contents(file: &Path) -> Result<BTreeMap<String, usize>> {
    let b = open(file)?;
    let mut counts = BTreeMap::new();
    for ns in b.namespaces() {
        let mut n = 0usize;
        b.scan(&ns, &mut |_, _| n += 1);
        counts.insert(ns, n);
    }
    Ok(counts)
}

/// What [`import`] copied into the local cache.
#[derive(Debug, Clone, Copy)]
pub struct Imported {
    pub imported: usize,
    /// Already present locally (a local entry is never overwritten).
    pub skipped: usize,
    /// Refused by the storage (full disk, unwritable directory): recomputed when needed.
    pub failed: usize,
}

/// Copies a bundle's entries into the local cache at [`directory`].
pub fn import(file: &Path) -> Result<Imported> {
    if directory().is_none() {
        return Err(NnError::config("LFDEEP_KERNEL_CACHE", "is `off`: there is no kernel cache to import into"));
    }
    activate();
    let b = open(file)?;
    let r = bundle::import(&*b);
    Ok(Imported { imported: r.imported, skipped: r.skipped, failed: r.failed })
}

fn open(file: &Path) -> Result<Box<dyn bundle::Bundle>> {
    if !file.is_file() {
        return Err(NnError::io(file, "no such kernel bundle file"));
    }
    bundle::open(file).map_err(|e| NnError::io(file, format!("not a readable kernel bundle: {e}")))
}

/// Time spent building a cache, from CubeCL's records in a bundle.
#[derive(Debug, Default, Clone)]
pub struct BuildReport {
    /// Per kernel type: (kernels compiled, seconds compiling).
    pub compiled: BTreeMap<String, (usize, f64)>,
    /// Kernels loaded from the store instead (count, seconds).
    pub loaded: (usize, f64),
    /// Per autotune table: (keys tuned, seconds from miss to answer, candidates run).
    pub tuned: BTreeMap<String, (usize, f64, usize)>,
    /// Records that did not decode (a newer CubeCL's layout, say): counted, not guessed at.
    pub undecoded: usize,
}

impl BuildReport {
    pub fn compile_seconds(&self) -> f64 {
        self.compiled.values().map(|c| c.1).sum()
    }
    pub fn tune_seconds(&self) -> f64 {
        self.tuned.values().map(|t| t.1).sum()
    }
}

/// Sums the compilation and autotune records of a bundle file. Tune time includes the
/// compilation of the candidates it ran, so the two totals overlap.
pub fn report(file: &Path) -> Result<BuildReport> {
    use ciborium::Value;
    let b = open(file)?;
    let mut rep = BuildReport::default();
    for ns in b.namespaces() {
        let kind = if ns.ends_with("records/v1/compilation") {
            1
        } else if ns.ends_with("records/v1/autotune") {
            2
        } else {
            continue;
        };
        b.scan(&ns, &mut |_, value| {
            let Ok(v) = ciborium::from_reader::<Value, _>(value) else {
                rep.undecoded += 1;
                return;
            };
            let Some(rec) = field(&v, "record") else {
                rep.undecoded += 1;
                return;
            };
            if kind == 1 {
                let (Some(Value::Text(kernel)), Some(d)) = (field(rec, "kernel"), field(rec, "duration").and_then(seconds)) else {
                    rep.undecoded += 1;
                    return;
                };
                if matches!(field(rec, "outcome"), Some(Value::Text(o)) if o == "Compiled") {
                    let e = rep.compiled.entry(short_kernel_name(kernel)).or_insert((0, 0.0));
                    e.0 += 1;
                    e.1 += d;
                } else {
                    rep.loaded.0 += 1;
                    rep.loaded.1 += d;
                }
            } else {
                let (Some(Value::Text(table)), Some(wall)) = (field(rec, "table"), field(rec, "wall").and_then(seconds)) else {
                    rep.undecoded += 1;
                    return;
                };
                let trials = match field(rec, "trials") {
                    Some(Value::Array(t)) => t.len(),
                    _ => 0,
                };
                let e = rep.tuned.entry(table.clone()).or_insert((0, 0.0, 0));
                e.0 += 1;
                e.1 += wall;
                e.2 += trials;
            }
        });
    }
    Ok(rep)
}

fn field<'a>(v: &'a ciborium::Value, name: &str) -> Option<&'a ciborium::Value> {
    v.as_map()?.iter().find(|(k, _)| k.as_text() == Some(name)).map(|(_, v)| v)
}

/// A serde `Duration` ({secs, nanos}) in seconds.
fn seconds(v: &ciborium::Value) -> Option<f64> {
    let int = |n: &str| -> Option<f64> {
        let i: i128 = field(v, n)?.as_integer()?.into();
        Some(i as f64)
    };
    Some(int("secs")? + int("nanos")? * 1e-9)
}

/// Kernel type names carry their full generic paths; keep the outer type and drop the module
/// paths so the report's lines stay readable (`cubek_matmul::…::Matmul<…>` → `Matmul<…>`).
fn short_kernel_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut segment = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' || c == ':' {
            segment.push(c);
        } else {
            out.push_str(segment.rsplit("::").next().unwrap_or(""));
            segment.clear();
            out.push(c);
        }
    }
    out.push_str(segment.rsplit("::").next().unwrap_or(""));
    out.chars().take(120).collect()
}
