//! `lfdeep bench train`: forward + backward + optimiser step time of each model preset at
//! NeuronIO size, on random device-resident data.

use anyhow::Result;
use burn::prelude::*;
use lfdeep_nn::train::step::{build_optimizer, train_step, train_step_phases, PhaseTimes};
use std::path::PathBuf;
use std::time::Instant;

use super::common::{panic_message, Preset, write_json_quiet, ModelBenchArgs, median, preset, print_table, random_inputs, random_targets, write_json};

#[derive(clap::Args, Debug)]
pub struct TrainArgs {
    /// Models, each a preset configs/<name>.toml.
    #[arg(long, value_delimiter = ',', default_value = "tcn,mh,mmoe,mmoeex,elm")]
    models: Vec<String>,
    /// Batch sizes, in the order run (each over all models).
    #[arg(long, value_delimiter = ',', default_value = "32,128")]
    batch: Vec<usize>,
    /// Window (ms) for every model; default: each preset's (tcn 400, mh/mmoe/mmoeex 100, elm 500).
    #[arg(long)]
    window: Option<usize>,
    /// Timed steps per configuration.
    #[arg(long, default_value_t = 20)]
    steps: usize,
    /// Untimed steps after the first one.
    #[arg(long, default_value_t = 3)]
    warmup: usize,
    /// Random input batches generated per configuration and rotated.
    #[arg(long, default_value_t = 3)]
    input_sets: usize,
    #[command(flatten)]
    setup: ModelBenchArgs,
    /// Write the results as JSON.
    #[arg(long)]
    json: Option<PathBuf>,
}

pub fn run(a: TrainArgs) -> Result<()> {
    let process_start = Instant::now();
    let device = a.setup.setup()?;
    let ad = device.clone().autodiff();
    let configs = a.setup.configs_dir()?;
    println!("bench train on {} ({}, conv {}): {} timed steps after {} warm-up steps, {} synapses, {} segments", a.setup.device, a.setup.dtype.name(), lfdeep_nn::layers::conv_algorithm_on(&device).name(), a.steps, a.warmup, a.setup.synapses, a.setup.segments);
    let mut rows = Vec::new();
    let mut json = Vec::new();
    let mut fresh = true;
    // Batch sizes outermost: a run cut short (a time limit) has every model at the first
    // batch size rather than every batch size of the first model.
    for &batch in &a.batch {
        for model_name in &a.models {
            let p = preset(&configs, model_name, a.window, batch, a.setup.synapses, a.setup.segments)?;
            // A configuration that fails (out of device memory, say) is recorded and skipped.
            let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| measure(&p, &ad, &a, batch, process_start)));
            let m = match res {
                Ok(r) => r?,
                Err(e) => {
                    let msg = panic_message(e);
                    println!("  {model_name} batch {batch}: FAILED: {msg}");
                    rows.push(vec![model_name.clone(), "-".into(), batch.to_string(), p.spec.window.to_string(), "failed".into(), "-".into(), "-".into()]);
                    json.push(serde_json::json!({ "model": model_name, "batch": batch, "window": p.spec.window, "dtype": a.setup.dtype.name(), "device": a.setup.device, "fresh_process": fresh, "error": msg }));
                    fresh = false;
                    write_json_quiet(a.json.as_deref(), &serde_json::json!({ "bench": "train", "results": json }))?;
                    continue;
                }
            };
            let Measured { params, setup_s, first_step_s, first_phases, first_since_start_s, times, last_loss } = m;
            if !last_loss.is_finite() {
                anyhow::bail!("{model_name} batch {batch}: the loss became {last_loss} on random data");
            }
            let med = median(&times);
            let sps = batch as f64 / med;
            rows.push(vec![
                model_name.clone(),
                params.to_string(),
                batch.to_string(),
                p.spec.window.to_string(),
                format!("{:.2}", first_step_s),
                format!("{:.2}", med * 1e3),
                format!("{:.1}", sps),
            ]);
            println!(
                "  {model_name} batch {batch} window {}: first step {first_step_s:.2} s (forward {:.2}, backward {:.2}, update {:.2}), median {:.2} ms, {sps:.1} samples/s",
                p.spec.window,
                first_phases.forward_s,
                first_phases.backward_s,
                first_phases.update_s,
                med * 1e3
            );
            json.push(serde_json::json!({
                "model": model_name, "params": params, "batch": batch, "window": p.spec.window,
                "out_steps": p.spec.out_steps, "in_channels": p.shape.in_channels, "targets": p.shape.n_targets,
                "dtype": a.setup.dtype.name(), "device": a.setup.device, "fresh_process": fresh,
                "conv": lfdeep_nn::layers::conv_algorithm_on(&device).name(),
                "matmul": lfdeep_nn::device::matmul_kernels(&a.setup.device),
                "setup_s": setup_s, "first_step_s": first_step_s,
                "first_step_forward_s": first_phases.forward_s, "first_step_backward_s": first_phases.backward_s, "first_step_update_s": first_phases.update_s, "first_step_done_since_process_start_s": first_since_start_s,
                "median_step_ms": med * 1e3, "min_step_ms": times.iter().cloned().fold(f64::INFINITY, f64::min) * 1e3,
                "steps": times.len(), "warmup": a.warmup, "samples_per_s": sps, "final_loss": last_loss,
            }));
            fresh = false;
            // Written after every configuration, so a run cut short keeps what it measured.
            write_json_quiet(a.json.as_deref(), &serde_json::json!({ "bench": "train", "results": json }))?;
        }
    }
    println!();
    print_table(&["model", "params", "batch", "window", "first_step_s", "median_step_ms", "samples/s"], &rows);
    write_json(a.json.as_deref(), &serde_json::json!({ "bench": "train", "results": json }))
}

struct Measured {
    params: usize,
    setup_s: f64,
    first_step_s: f64,
    first_phases: PhaseTimes,
    first_since_start_s: f64,
    times: Vec<f64>,
    last_loss: f32,
}

/// Builds the model, optimiser and random data of one configuration and times its steps.
fn measure(p: &Preset, ad: &Device, a: &TrainArgs, batch: usize, process_start: Instant) -> Result<Measured> {
    let t_setup = Instant::now();
    let mut model = p.cfg.model.init(p.shape, ad, p.cfg.seed)?;
    let params = model.num_params();
    let mut optim = build_optimizer(&p.cfg);
    let sets = a.input_sets.max(1);
    let data: Vec<(Tensor<3>, Tensor<3>)> =
        (0..sets).map(|_| (random_inputs(&p.spec, batch, p.spec.window, ad), random_targets(&p.spec, batch, ad))).collect();
    ad.sync().map_err(|e| anyhow::anyhow!("device sync: {e:?}"))?;
    let setup_s = t_setup.elapsed().as_secs_f64();
    let mut times = Vec::with_capacity(a.steps);
    let mut first_step_s = f64::NAN;
    let mut first_since_start_s = f64::NAN;
    let mut last_loss = f32::NAN;
    let mut phases = PhaseTimes::default();
    for i in 0..(1 + a.warmup + a.steps) {
        let (x, y) = data[i % sets].clone();
        let t0 = Instant::now();
        // The first step syncs between its phases, so a slow one says where the time went.
        let (m, loss) = if i == 0 {
            let (m, loss, ph) = train_step_phases(model, &mut optim, &p.cfg, x, y, 0, ad);
            phases = ph;
            (m, loss)
        } else {
            train_step(model, &mut optim, &p.cfg, x, y, i as u64)
        };
        model = m;
        last_loss = loss.into_scalar::<f32>();
        let dt = t0.elapsed().as_secs_f64();
        if i == 0 {
            first_step_s = dt;
            first_since_start_s = process_start.elapsed().as_secs_f64();
        } else if i > a.warmup {
            times.push(dt);
        }
    }
    Ok(Measured { params, setup_s, first_step_s, first_phases: phases, first_since_start_s, times, last_loss })
}
