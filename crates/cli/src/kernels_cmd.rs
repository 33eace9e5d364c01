//! `lfdeep kernels`: the CUDA build's persistent kernel cache (compiled kernels and autotune
//! results) — where it is, bundles of it for another machine, and where its build time went.
//! See lfdeep_nn::kernel_cache.

use std::path::PathBuf;

use anyhow::Result;

#[derive(clap::Subcommand, Debug)]
pub enum Cmd {
    /// Print the kernel cache's database file ($LFDEEP_KERNEL_CACHE, else
    /// $XDG_CACHE_HOME/lfdeep/kernels, else ~/.cache/lfdeep/kernels).
    Path,
    /// Merge kernel caches into one bundle file (for machines of the same GPU architecture):
    /// `lfdeep kernels export h200.bundle` after a run has warmed the cache.
    Export {
        /// The bundle file to write (replaced whole once complete).
        out: PathBuf,
        /// Cache directories or database files to merge (default: this machine's cache).
        /// Duplicate entries collapse; the first root's wins.
        #[arg(long = "from")]
        from: Vec<PathBuf>,
    },
    /// Copy a bundle's compiled kernels and autotune results into this machine's cache (entries
    /// already there are kept), so the first step of a training run loads instead of compiling.
    Import {
        bundle: PathBuf,
    },
    /// Where a cache's build time went: seconds compiling per kernel type, seconds autotuning
    /// per table, from CubeCL's own records in a bundle (`--from` directories are exported to a
    /// temporary bundle first).
    Report {
        /// A bundle file (default: export this machine's cache to a temporary one).
        bundle: Option<PathBuf>,
        /// Cache directories to report on instead.
        #[arg(long = "from")]
        from: Vec<PathBuf>,
        /// Lines per table.
        #[arg(long, default_value_t = 20)]
        top: usize,
    },
}

#[cfg(not(feature = "cuda"))]
pub fn run(_cmd: Cmd) -> Result<()> {
    anyhow::bail!("this build has no CUDA backend, so no kernel cache; build with `--features cuda` (see tools/GPU.md)")
}

#[cfg(feature = "cuda")]
pub fn run(cmd: Cmd) -> Result<()> {
    use lfdeep_nn::kernel_cache as kc;
    match cmd {
        Cmd::Path => println!("{}", kc::database_file().display()),
        Cmd::Export { out, from } => {
            let roots = roots_or_local(from)?;
            let t = std::time::Instant::now();
            let counts = kc::export(&roots, &out)?;
            print_contents(&counts);
            println!("wrote {} ({:.1} MB) in {:.1} s", out.display(), mb(&out), t.elapsed().as_secs_f64());
        }
        Cmd::Import { bundle } => {
            let t = std::time::Instant::now();
            let r = kc::import(&bundle)?;
            println!(
                "imported {} entries into {} ({} already there, {} failed) in {:.1} s",
                r.imported,
                kc::database_file().display(),
                r.skipped,
                r.failed,
                t.elapsed().as_secs_f64()
            );
            if r.failed > 0 {
                anyhow::bail!("{} entries of {} could not be written", r.failed, bundle.display());
            }
        }
        Cmd::Report { bundle, from, top } => {
            let (file, temporary) = match bundle {
                Some(b) => (b, false),
                None => {
                    let tmp = std::env::temp_dir().join(format!("lfdeep-kernels-report-{}.bundle", std::process::id()));
                    kc::export(&roots_or_local(from)?, &tmp)?;
                    (tmp, true)
                }
            };
            let r = kc::report(&file);
            if temporary {
                let _ = std::fs::remove_file(&file);
            }
            print_report(&r?, top);
        }
    }
    Ok(())
}

#[cfg(feature = "cuda")]
fn roots_or_local(from: Vec<PathBuf>) -> Result<Vec<PathBuf>> {
    if !from.is_empty() {
        return Ok(from);
    }
    let db = lfdeep_nn::kernel_cache::database_file();
    anyhow::ensure!(db.is_file(), "{}: no kernel cache yet (run a CUDA training or benchmark first)", db.display());
    Ok(vec![db])
}

#[cfg(feature = "cuda")]
fn mb(p: &std::path::Path) -> f64 {
    std::fs::metadata(p).map(|m| m.len() as f64 / 1e6).unwrap_or(0.0)
}

#[cfg(feature = "cuda")]
fn print_contents(counts: &std::collections::BTreeMap<String, usize>) {
    for (ns, n) in counts {
        println!("{n:>8}  {ns}");
    }
}

#[cfg(feature = "cuda")]
fn print_report(r: &lfdeep_nn::kernel_cache::BuildReport, top: usize) {
    let n: usize = r.compiled.values().map(|c| c.0).sum();
    println!("compiled {n} kernels in {:.1} s; loaded {} from the store in {:.1} s", r.compile_seconds(), r.loaded.0, r.loaded.1);
    let mut by_time: Vec<_> = r.compiled.iter().collect();
    by_time.sort_by(|a, b| b.1 .1.total_cmp(&a.1 .1));
    println!("{:>9} {:>6} {:>8}  kernel type", "seconds", "count", "s/each");
    for (k, (c, s)) in by_time.into_iter().take(top) {
        println!("{s:>9.2} {c:>6} {:>8.3}  {k}", s / *c as f64);
    }
    let keys: usize = r.tuned.values().map(|t| t.0).sum();
    println!("autotuned {keys} keys in {:.1} s (candidates' compilation included)", r.tune_seconds());
    let mut by_time: Vec<_> = r.tuned.iter().collect();
    by_time.sort_by(|a, b| b.1 .1.total_cmp(&a.1 .1));
    println!("{:>9} {:>6} {:>10}  autotune table", "seconds", "keys", "candidates");
    for (t, (k, s, c)) in by_time.into_iter().take(top) {
        println!("{s:>9.2} {k:>6} {c:>10}  {t}");
    }
    if r.undecoded > 0 {
        println!("({} records did not decode and are not counted)", r.undecoded);
    }
}
