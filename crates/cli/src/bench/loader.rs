//! `lfdeep bench loader`: how many training windows per second the trainer's window loader
//! assembles from a dataset, by number of loader threads (the reference: one thread, in the
//! same process). On a GPU the trainer waits on the loader when this rate is below the
//! model's step rate × batch size (`bench train` reports samples/s).

use anyhow::{bail, Result};
use lfdeep_nn::data::Prefetcher;
use lfdeep_nn::train::{prepare, RunConfig};
use std::path::PathBuf;
use std::time::Instant;

use super::common::{print_table, write_json};

#[derive(clap::Args, Debug)]
pub struct LoaderArgs {
    /// Run config (TOML), as for `lfdeep train`.
    #[arg(default_value = "configs/tcn.toml")]
    config: PathBuf,
    /// Overrides, key=value (batch_size=64, window_ms=400, ...).
    overrides: Vec<String>,
    /// Dataset: a dataset directory, or `synthetic:SIMS[:SEGMENTS[:MS]]`.
    #[arg(long)]
    data: String,
    /// Loader thread counts to time, in order (the first is the reference).
    #[arg(long, value_delimiter = ',', default_value = "1,2,4,8")]
    threads: Vec<usize>,
    /// Batches assembled per thread count.
    #[arg(long, default_value_t = 32)]
    batches: u64,
    /// Write the results as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
}

pub fn run(a: LoaderArgs) -> Result<()> {
    if a.threads.is_empty() || a.threads.contains(&0) {
        bail!("--threads: give thread counts of at least 1");
    }
    if a.batches == 0 {
        bail!("--batches must be at least 1");
    }
    let cfg = RunConfig::from_file(&a.config, &a.overrides)?;
    let source = crate::train_cmd::load_source(&a.data)?;
    let t_load = Instant::now();
    let prep = prepare(&cfg, source.as_ref())?;
    let load_s = t_load.elapsed().as_secs_f64();
    let batch = cfg.data.batch_size;
    let spec = prep.spec;
    let mb_per_window = ((spec.channels() * spec.window + spec.out_steps * spec.n_targets()) * 4) as f64 / 1e6;
    println!(
        "bench loader: {} training simulations loaded in {load_s:.1} s; batch {batch} of {} ms windows ({} input channels, {} targets × {} steps, {mb_per_window:.2} MB each); {} batches per thread count, {} cores",
        prep.splits.train.len(),
        spec.window,
        spec.channels(),
        spec.n_targets(),
        spec.out_steps,
        a.batches,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    let mut rows = Vec::new();
    let mut json = Vec::new();
    let mut reference = None;
    for &threads in &a.threads {
        let t0 = Instant::now();
        // Depth 2 per thread: each thread keeps working while the consumer drains.
        let mut n = 0u64;
        for b in Prefetcher::spawn(prep.train.clone(), batch, cfg.seed, 0, a.batches, 2 * threads, threads) {
            std::hint::black_box(&b.inputs);
            n += 1;
        }
        let wall = t0.elapsed().as_secs_f64();
        let windows_per_s = (n as usize * batch) as f64 / wall;
        let ratio = windows_per_s / *reference.get_or_insert(windows_per_s);
        println!("  {threads} threads: {windows_per_s:.0} windows/s ({:.0} MB/s), {ratio:.2}× {} thread(s)", windows_per_s * mb_per_window, a.threads[0]);
        rows.push(vec![threads.to_string(), format!("{windows_per_s:.0}"), format!("{:.0}", windows_per_s * mb_per_window), format!("{ratio:.2}")]);
        json.push(serde_json::json!({ "threads": threads, "batches": n, "wall_s": wall, "windows_per_s": windows_per_s, "mb_per_s": windows_per_s * mb_per_window, "ratio_to_first": ratio }));
    }
    println!();
    print_table(&["threads", "windows/s", "MB/s", "× first"], &rows);
    write_json(
        a.json.as_deref(),
        &serde_json::json!({ "bench": "loader", "config": a.config, "data": a.data, "batch": batch, "window": spec.window, "channels": spec.channels(), "targets": spec.n_targets(), "out_steps": spec.out_steps, "train_sims": prep.splits.train.len(), "results": json }),
    )
}
