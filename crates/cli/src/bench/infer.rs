//! `lfdeep bench infer`: free-running all-compartment prediction throughput (simulated ms per
//! wall second) per batch size, and latency per ms-step at batch 1.

use anyhow::{bail, Result};
use burn::prelude::*;
use burn::tensor::Distribution;
use lfdeep_nn::data::InputMode;
use lfdeep_nn::eval::predict::{rollout, Feedback};
use lfdeep_nn::models::{ModelConfig, Surrogate};
use std::path::PathBuf;
use std::time::Instant;

use super::common::{panic_message, write_json_quiet, ModelBenchArgs, median, preset, print_table, random_inputs, sync_on, write_json, Dtype};

#[derive(clap::Args, Debug)]
pub struct InferArgs {
    /// Models, each a preset configs/<name>.toml (tcn: inputs mode; mh/mmoe/mmoeex: teacher mode).
    #[arg(long, value_delimiter = ',', default_value = "tcn,mmoe")]
    models: Vec<String>,
    /// Batch sizes (independent simulations rolled out together).
    #[arg(long, value_delimiter = ',', default_value = "1,16,256,1024,4096")]
    batch: Vec<usize>,
    /// Simulated ms per timed rollout.
    #[arg(long, default_value_t = 1000)]
    ms: usize,
    /// teacher-mode models: simulated ms of the warm-up rollout (not timed; inputs-mode models
    /// warm up with one pass of the timed chunk).
    #[arg(long, default_value_t = 20)]
    warmup_ms: usize,
    /// Timed rollouts per configuration (median reported).
    #[arg(long, default_value_t = 3)]
    repeat: usize,
    /// Wall-time budget (s) of one timed rollout: `--ms` shrinks (to no fewer than 10 ms, or
    /// one chunk) where a second warm-up run predicts it would take longer. 0: no limit.
    #[arg(long, default_value_t = 10.0)]
    budget_s: f64,
    /// inputs-mode models: ms predicted per causal pass (the timed ms are rounded down to whole
    /// passes).
    #[arg(long, default_value_t = 2000)]
    chunk_ms: usize,
    /// inputs-mode models: device memory budget (GB) for one pass's input, activations and
    /// output; the chunk shrinks to fit large batches.
    #[arg(long, default_value_t = 8.0)]
    mem_gb: f64,
    /// Window (ms) for every model; default: each preset's.
    #[arg(long)]
    window: Option<usize>,
    #[command(flatten)]
    setup: ModelBenchArgs,
    #[arg(long)]
    json: Option<PathBuf>,
}

struct Timing {
    sim_ms: usize,
    wall_s: Vec<f64>,
    chunk_ms: Option<usize>,
    latency_ms: Option<f64>,
}

fn receptive_field(cfg: &ModelConfig) -> Option<usize> {
    match cfg {
        ModelConfig::Tcn(c) => Some(c.encoder.receptive_field()),
        _ => None,
    }
}

/// inputs-mode: `ms` simulated ms in causal passes of `chunk` predicted ms, each over
/// chunk + rf − 1 input ms (random raster per pass set, two sets rotated).
fn time_sequence(model: &Surrogate, spec_in: &lfdeep_nn::data::WindowSpec, rf: usize, batch: usize, ms: usize, chunk: usize, dev: &Device) -> f64 {
    let len = chunk + rf - 1;
    let sets: Vec<Tensor<3>> = (0..2).map(|_| random_inputs(spec_in, batch, len, dev)).collect();
    let _ = sync_on(sets[1].clone());
    let t0 = Instant::now();
    let mut done = 0;
    let mut acc: Option<Tensor<3>> = None;
    let mut i = 0;
    while done < ms {
        let k = chunk.min(ms - done);
        let x = sets[i % 2].clone();
        let x = if k < chunk {
            let [b, c, _] = x.dims();
            x.slice([0..b, 0..c, chunk - k..len])
        } else {
            x
        };
        // A cheap reduction of every pass's output keeps all passes live until the read-back.
        let s = model.forward_last(x, k).sum().reshape([1, 1, 1]);
        acc = Some(match acc {
            Some(a) => a + s,
            None => s,
        });
        done += k;
        i += 1;
    }
    let _ = sync_on(acc.expect("at least one pass"));
    t0.elapsed().as_secs_f64()
}

/// teacher-mode: `ms` free-running steps from a random window.
fn time_rollout(model: &Surrogate, spec: &lfdeep_nn::data::WindowSpec, batch: usize, ms: usize, dev: &Device) -> f64 {
    let x0 = random_inputs(spec, batch, spec.window, dev);
    // Input spikes for the rollout: a raster of up to 256 ms, reused cyclically (a full
    // [batch, 1278, ms] raster would not fit at batch 4096).
    // Always 256 columns, so warm-up and timed rollouts run the same kernels.
    let cols = 256;
    let raster = Tensor::<3>::random([batch, spec.n_synapses, cols], Distribution::Bernoulli(0.01), dev);
    // Real runs clip the soma at −55 mV, ~2–3 σ above its mean.
    let fb = Feedback { soma_clip_z: 2.5, pca_basis: None };
    let _ = sync_on(raster.clone());
    let _ = sync_on(x0.clone());
    let nsyn = spec.n_synapses;
    let t0 = Instant::now();
    let mut last = None;
    rollout(model, x0, ms, &fb, |j| {
        let c = (j + 1) % cols;
        raster.clone().slice([0..batch, 0..nsyn, c..c + 1])
    }, |y| last = Some(y));
    // Each step's window depends on the previous prediction: reading the last one back waits
    // for the whole rollout.
    let _ = sync_on(last.expect("at least one step"));
    t0.elapsed().as_secs_f64()
}

/// Simulated ms of one timed rollout: `ms`, unless `per_ms` (s wall per simulated ms) says
/// it would exceed `budget_s`; never fewer than `floor`.
fn within_budget(ms: usize, floor: usize, per_ms: f64, budget_s: f64) -> usize {
    if budget_s <= 0.0 || !(per_ms > 0.0) {
        return ms;
    }
    ms.min(((budget_s / per_ms) as usize).max(floor))
}

pub fn run(a: InferArgs) -> Result<()> {
    let device = a.setup.setup()?;
    let ad = device.clone().autodiff();
    let configs = a.setup.configs_dir()?;
    if a.ms == 0 {
        bail!("--ms must be positive");
    }
    println!("bench infer on {} ({}): {} simulated ms per rollout, median of {}", a.setup.device, a.setup.dtype.name(), a.ms, a.repeat.max(1));
    let mut rows = Vec::new();
    let mut json = Vec::new();
    for name in &a.models {
        let p = preset(&configs, name, a.window, 1, a.setup.synapses, a.setup.segments)?;
        if p.spec.dend_targets == 0 {
            bail!("{name}: the preset predicts no dendritic voltages (data.predict_dendrites = false); bench infer times all-compartment prediction");
        }
        // Built as training builds it, then switched to inference mode (LoadedRun does the same).
        let model = p.cfg.model.init(p.shape, &ad, p.cfg.seed)?.valid();
        let params = model.num_params();
        let mode = p.spec.mode;
        for &batch in &a.batch {
            // A configuration that fails (out of device memory, say) is recorded and skipped.
            let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Option<Timing> {
            Some(match mode {
                InputMode::Inputs => {
                    let rf = receptive_field(&p.cfg.model).unwrap_or(p.spec.window);
                    let conv = lfdeep_nn::layers::conv_algorithm_on(&device);
                    // The encoder's peak layer (activations and convolution scratch); other
                    // inputs-mode models: a 128-channel guess.
                    let peak = match &p.cfg.model {
                        ModelConfig::Tcn(c) => c.encoder.peak_values_per_step(p.shape.in_channels, conv),
                        _ => 2 * 128,
                    };
                    let bytes = if a.setup.dtype == Dtype::Bf16 { 2.0 } else { 4.0 };
                    // Per input ms of one pass: the input chunk, the peak layer, the output.
                    let per_ms = batch as f64 * (p.shape.in_channels + peak + p.shape.n_targets) as f64 * bytes;
                    let fit = (a.mem_gb * 1e9 / per_ms) as usize;
                    let chunk = a.chunk_ms.min(a.ms).min(fit.saturating_sub(rf - 1));
                    if chunk == 0 {
                        println!("  {name} batch {batch}: skipped, one receptive field does not fit --mem-gb {}", a.mem_gb);
                        return None;
                    }
                    // Warm-up: one pass of the timed shape (kernels are compiled and tuned per
                    // shape), then one more to estimate the time per pass.
                    let _ = time_sequence(&model, &p.spec, rf, batch, chunk, chunk, &device);
                    let per_ms = time_sequence(&model, &p.spec, rf, batch, chunk, chunk, &device) / chunk as f64;
                    // Whole chunks only: a shorter last pass would be a new shape, compiled and
                    // tuned inside the timed region.
                    let ms = (within_budget(a.ms, chunk, per_ms, a.budget_s) / chunk).max(1) * chunk;
                    let wall: Vec<f64> = (0..a.repeat.max(1)).map(|_| time_sequence(&model, &p.spec, rf, batch, ms, chunk, &device)).collect();
                    let latency = (batch == 1).then(|| {
                        let x = random_inputs(&p.spec, 1, rf, &device);
                        let _ = sync_on(x.clone());
                        let mut v = Vec::new();
                        for i in 0..(3 + 20) {
                            let t0 = Instant::now();
                            let _ = sync_on(model.forward_last(x.clone(), 1));
                            if i >= 3 {
                                v.push(t0.elapsed().as_secs_f64());
                            }
                        }
                        median(&v) * 1e3
                    });
                    Timing { sim_ms: ms, wall_s: wall, chunk_ms: Some(chunk), latency_ms: latency }
                }
                InputMode::Teacher => {
                    let warm = a.warmup_ms.max(1);
                    let _ = time_rollout(&model, &p.spec, batch, warm, &device);
                    let per_ms = time_rollout(&model, &p.spec, batch, warm, &device) / warm as f64;
                    let ms = within_budget(a.ms, 10, per_ms, a.budget_s);
                    let wall: Vec<f64> = (0..a.repeat.max(1)).map(|_| time_rollout(&model, &p.spec, batch, ms, &device)).collect();
                    let latency = (batch == 1).then(|| median(&wall) / ms as f64 * 1e3);
                    Timing { sim_ms: ms, wall_s: wall, chunk_ms: None, latency_ms: latency }
                }
            })
            }));
            let t = match res {
                Ok(Some(t)) => t,
                Ok(None) => continue,
                Err(e) => {
                    let msg = panic_message(e);
                    println!("  {name} batch {batch}: FAILED: {msg}");
                    rows.push(vec![name.clone(), format!("{mode:?}").to_lowercase(), batch.to_string(), "failed".into(), "-".into(), "-".into(), "-".into()]);
                    json.push(serde_json::json!({ "model": name, "batch": batch, "dtype": a.setup.dtype.name(), "device": a.setup.device, "error": msg }));
                    write_json_quiet(a.json.as_deref(), &serde_json::json!({ "bench": "infer", "results": json }))?;
                    continue;
                }
            };
            let wall = median(&t.wall_s);
            let rate = batch as f64 * t.sim_ms as f64 / wall;
            let per_step_ms = wall / t.sim_ms as f64 * 1e3;
            println!("  {name} batch {batch}: {rate:.0} simulated ms/s ({per_step_ms:.3} ms wall per simulated ms)");
            rows.push(vec![
                name.clone(),
                format!("{mode:?}").to_lowercase(),
                batch.to_string(),
                format!("{:.3}", wall),
                format!("{rate:.0}"),
                format!("{per_step_ms:.3}"),
                t.latency_ms.map(|l| format!("{l:.3}")).unwrap_or_else(|| "-".into()),
            ]);
            json.push(serde_json::json!({
                "model": name, "mode": format!("{mode:?}").to_lowercase(), "params": params, "batch": batch,
                "window": p.spec.window, "dtype": a.setup.dtype.name(), "device": a.setup.device, "simulated_ms": t.sim_ms,
                "wall_s_median": wall, "wall_s": t.wall_s, "sim_ms_per_s": rate, "wall_ms_per_sim_ms": per_step_ms,
                "chunk_ms": t.chunk_ms, "latency_ms_per_step_batch1": t.latency_ms,
                "matmul": lfdeep_nn::device::matmul_kernels(&a.setup.device),
            }));
            // Written after every configuration, so a run cut short keeps what it measured.
            write_json_quiet(a.json.as_deref(), &serde_json::json!({ "bench": "infer", "results": json }))?;
        }
    }
    println!();
    print_table(&["model", "mode", "batch", "wall_s", "sim_ms/s", "wall_ms/ms", "latency_ms(b=1)"], &rows);
    write_json(a.json.as_deref(), &serde_json::json!({ "bench": "infer", "results": json }))
}
