//! The simulator benchmark without the CLI (bench/sim_bench.sh runs it): the 1 s NeuronIO
//! bombardment in lfdeep and in NEURON, same cell and input trains, all dendritic segments
//! recorded at 1 ms; prints wall seconds per simulated second and the ratio.
//!
//! Usage: bench_bombard MORPHOLOGY [TSTOP_MS] [EXC_HZ] [INH_HZ] [REPEAT]   (from the repo root)
use lfdeep_sim::protocols::*;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let morph = args.get(1).cloned().unwrap_or_else(|| "builtin:l5pc".into());
    let num = |i: usize, d: f64| args.get(i).map(|s| s.parse::<f64>().expect("number")).unwrap_or(d);
    let (tstop, exc, inh, repeat) = (num(2, 1000.0), num(3, 30.0), num(4, 15.0), num(5, 3.0) as usize);
    let disc = hay_cell_geometry(&morph).expect("morphology");
    let bio = lfdeep_sim::Biophysics::neuronio();
    let rows = dendritic_rows(&disc);
    let input = poisson_input(rows.len(), exc, inh, tstop, 1).unwrap();
    let p = BombardProtocol { tstop_ms: tstop, ..Default::default() };
    let n_events: usize = input.exc.iter().chain(&input.inh).map(|t| t.len()).sum();
    println!("{morph}: {} dendritic segments, {} synapses, {n_events} input events, {tstop} ms, dt {} ms", rows.len(), 2 * rows.len(), p.dt_ms);
    let mut best = f64::INFINITY;
    let mut spikes = 0;
    for _ in 0..repeat.max(1) {
        let t0 = Instant::now();
        let r = run_bombardment(&disc, &bio, &input, &p).unwrap();
        best = best.min(t0.elapsed().as_secs_f64());
        spikes = r.spike_times_ms.len();
    }
    let ours = best / (tstop / 1000.0);
    println!("lfdeep : {ours:8.3} s wall per simulated second (best of {repeat}), {spikes} output spikes");
    let dir = std::env::temp_dir().join(format!("lfdeep-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let morph_path = if morph.starts_with("builtin:") {
        let f = dir.join("morphology.json");
        std::fs::write(&f, serde_json::to_string(&disc.morphology).unwrap()).unwrap();
        f
    } else {
        std::path::PathBuf::from(&morph)
    };
    let is_json = morph_path.extension().is_some_and(|e| e == "json");
    let cfg = serde_json::json!({
        "morphology": morph_path, "hay_axon": !is_json, "biophysics": "neuronio",
        "tstop": tstop, "v_init": p.v_init_mv, "exc_rows": rows, "inh_rows": rows,
        "exc_events": input.exc, "inh_events": input.inh,
        "record_rows": rows, "record_interval": p.dend_interval_ms});
    let cfg_path = dir.join("config.json");
    std::fs::write(&cfg_path, cfg.to_string()).unwrap();
    let py = std::env::var("LFDEEP_PYTHON").unwrap_or_else(|_| ".venv/bin/python".into());
    let out = std::process::Command::new(&py).arg("oracle/neuron_cell.py").arg(&cfg_path).output().expect("python");
    assert!(out.status.success(), "NEURON failed: {}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let nrn = v["run_wall_s"].as_f64().unwrap() / (tstop / 1000.0);
    println!("NEURON : {nrn:8.3} s wall per simulated second (finitialize + fadvance loop)");
    println!("speed-up lfdeep vs NEURON: {:.2}x", nrn / ours);
    let _ = std::fs::remove_dir_all(&dir);
}
