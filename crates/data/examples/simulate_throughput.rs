//! Throughput of dataset generation with the real simulator (for BENCHMARKS.md):
//! `cargo run --release -p lfdeep-data --example simulate_throughput -- [SIMS] [DURATION_MS] [THREADS] [MORPHOLOGY]`
//! Prints simulated seconds per wall second, per core, and the split between input
//! generation and simulation, for a fresh store in a temporary directory.

use lfdeep_data::runner::{inputs_of, run, CellSetup, RunOptions};
use lfdeep_data::SimulateConfig;
use std::time::Instant;

fn main() {
    let a: Vec<String> = std::env::args().skip(1).collect();
    let sims = a.first().cloned().unwrap_or_else(|| "4".into());
    let dur = a.get(1).cloned().unwrap_or_else(|| "1000".into());
    let threads: usize = a.get(2).and_then(|s| s.parse().ok()).unwrap_or(1);
    let morph = a.get(3).cloned().unwrap_or_else(|| "builtin:l5pc".into());
    let cfg = SimulateConfig::resolve(
        None,
        &[format!("simulations={sims}"), format!("duration_ms={dur}"), format!("threads={threads}"), format!("morphology={morph}")],
    )
    .expect("config");
    let setup = CellSetup::from_config(&cfg).expect("cell");
    let model = setup.sim_model(&cfg).expect("model");
    let t0 = Instant::now();
    for i in 0..cfg.simulations.min(4) {
        std::hint::black_box(inputs_of(&cfg, &setup.layout, i));
    }
    let gen_s = t0.elapsed().as_secs_f64() / cfg.simulations.min(4) as f64;
    let dir = std::env::temp_dir().join(format!("lfdeep-throughput-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("ds.zarr");
    let r = run(&cfg, &setup, &model, &RunOptions { out: out.clone(), resume: false, shard: None, progress: false }).expect("run");
    let simulated_s = cfg.simulations as f64 * cfg.duration_ms as f64 / 1000.0;
    let cores = if threads == 0 { std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) } else { threads };
    let size: u64 = walk(&out);
    println!(
        "{{\"morphology\": \"{morph}\", \"segments\": {}, \"synapses\": {}, \"simulations\": {}, \"duration_ms\": {}, \"threads\": {cores}, \
\"wall_s\": {:.2}, \"simulated_s_per_wall_s\": {:.4}, \"per_core\": {:.4}, \"input_generation_s_per_sim\": {:.3}, \"store_bytes\": {size}}}",
        setup.disc.segments.len(),
        2 * setup.synapse_rows.len(),
        cfg.simulations,
        cfg.duration_ms,
        r.wall_s,
        simulated_s / r.wall_s,
        simulated_s / r.wall_s / cores as f64,
        gen_s
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn walk(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .map(|d| d.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { e.metadata().map(|m| m.len()).unwrap_or(0) }).sum())
        .unwrap_or(0)
}
