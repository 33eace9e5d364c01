//! `lfdeep train`: train a surrogate (tcn, mh, mmoe, mmoeex, elm) on a dataset.
//!
//! `lfdeep train configs/mh.toml [key=value ...] --data DATASET --out RUN_DIR [--device cpu|cuda|cuda:0,1|all]`
//! `lfdeep train --resume RUN_DIR [key=value ...] --data DATASET`

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use lfdeep_nn::data::{synthetic_dataset, InMemorySource, SimulationSource, SyntheticConfig};
use lfdeep_nn::train::{train_on, Progress, RunConfig};

#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
lfdeep train configs/mh.toml --data data/nmda --out runs/mh max_steps=2000 batch_size=16\n  \
lfdeep train configs/mmoe.toml model.num_experts=8 --data data/nmda --out runs/mmoe8\n  \
lfdeep train --resume runs/mh --data data/nmda max_steps=4000\n  \
lfdeep train configs/tcn.toml --data synthetic:24:8 --out runs/smoke max_steps=50\n  \
lfdeep train configs/mmoe.toml --data data/nmda --out runs/mmoe-dp --device cuda:0,1 batch_size=64\n\n\
Short overrides: max_steps=N batch_size=B window_ms=W seed=S; any other key is a dotted\n\
path into the config (train.lr=3e-4, data.input_mode=inputs, model.tower_hidden=[50]).\n\
train.max_seconds=480 stops after the step during which 480 s of wall time ran out\n\
(then validation and checkpoint as at any stop). A non-finite loss stops the run with an\n\
error saying where it came from (train.explain_non_finite=false skips that bookkeeping).")]
pub struct Args {
    /// Run config (TOML), e.g. configs/mh.toml; with --resume, RUN_DIR/config.toml by default.
    config: Option<String>,
    /// Overrides, key=value.
    overrides: Vec<String>,
    /// Dataset: a dataset directory, or `synthetic:SIMS[:SEGMENTS[:MS]]` for generated
    /// test data (a small linear-filter neuron, not a real cell).
    #[arg(long)]
    data: String,
    /// Run folder (config, metrics.csv, checkpoints).
    #[arg(long)]
    out: Option<PathBuf>,
    /// cpu, cuda, cuda:N, a list `cuda:0,1` (data-parallel: the global batch_size is split
    /// over the devices, gradients averaged, one optimiser step) or `all` (every CUDA device).
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Continue the run in RUN_DIR from its last checkpoint.
    #[arg(long, value_name = "RUN_DIR")]
    resume: Option<PathBuf>,
}

pub(crate) fn load_source(spec: &str) -> Result<Box<dyn SimulationSource>> {
    if let Some(rest) = spec.strip_prefix("synthetic:") {
        let parts: Vec<&str> = rest.split(':').collect();
        let num = |i: usize, default: usize, what: &str| -> Result<usize> {
            parts.get(i).map(|s| s.parse::<usize>().with_context(|| format!("--data {spec}: {what} must be a number"))).transpose().map(|v| v.unwrap_or(default))
        };
        let cfg = SyntheticConfig { n_segments: num(1, 8, "SEGMENTS")?, duration_ms: num(2, 2000, "MS")?, ..Default::default() };
        let sims = synthetic_dataset(&cfg, num(0, 24, "SIMS")?);
        return Ok(Box::new(InMemorySource::new(sims)?));
    }
    Ok(Box::new(crate::store_source::StoreSource::open(std::path::Path::new(spec))?))
}

pub fn run(mut a: Args) -> Result<()> {
    // A first positional with '=' is an override, not a config path.
    if a.config.as_deref().is_some_and(|c| c.contains('=')) {
        a.overrides.insert(0, a.config.take().unwrap());
    }
    let (out, resume) = match (&a.resume, &a.out) {
        (Some(r), None) => (r.clone(), true),
        (Some(r), Some(o)) if r == o => (r.clone(), true),
        (Some(_), Some(_)) => bail!("--resume RUN_DIR continues in RUN_DIR; drop --out"),
        (None, Some(o)) => (o.clone(), false),
        (None, None) => bail!("give --out RUN_DIR (or --resume RUN_DIR)"),
    };
    let config_path = match (&a.config, resume) {
        (Some(c), _) => PathBuf::from(c),
        (None, true) => out.join("config.toml"),
        (None, false) => bail!("give a run config, e.g. `lfdeep train configs/mh.toml --data DIR --out RUN_DIR`"),
    };
    let cfg = RunConfig::from_file(&config_path, &a.overrides)?;
    if !resume && out.join("checkpoints").join("last").exists() {
        bail!("{} already holds a training run; use --resume {} or another --out", out.display(), out.display());
    }
    let devices = lfdeep_nn::devices_from_spec(&a.device)?;
    let source = load_source(&a.data)?;
    let start = Instant::now();
    let mut last_draw = Instant::now();
    let mut progress = |p: Progress| match p {
        Progress::Step { step, max_steps, loss, lr } => {
            if last_draw.elapsed().as_millis() >= 200 || step == max_steps {
                last_draw = Instant::now();
                let rate = step as f64 / start.elapsed().as_secs_f64().max(1e-9);
                eprint!("\r  step {step}/{max_steps}  loss {loss:.4}  lr {lr:.2e}  {rate:.1} steps/s   ");
                let _ = std::io::stderr().flush();
            }
        }
        Progress::Epoch(m) => eprintln!(
            "\repoch {:>3}  step {:>6}  train {:.4}  val {:.4} (bce {:.4}, soma {:.4}, dend {:.4})  AUC {:.4}  soma RMSE {:.3} mV",
            m.epoch, m.step, m.train_loss, m.val_loss, m.val_bce, m.val_soma_mse, m.val_dend_mse, m.val_spike_auc, m.val_soma_rmse_mv
        ),
        Progress::Message(s) => eprintln!("{s}"),
    };
    let summary = train_on(&cfg, source.as_ref(), &out, &devices, resume, &mut progress)?;
    println!(
        "{}: {} parameters, {} steps, best val loss {:.5} (epoch {}), {:.4} s/step ({:.4} after the first step, {:.1} windows/s; of it waiting for batches {:.4}, uploading {:.4}); stopped: {}; run folder {}",
        cfg.model.name(),
        summary.num_params,
        summary.steps,
        summary.best_val,
        summary.best_epoch,
        summary.seconds_per_step,
        summary.steady_seconds_per_step,
        cfg.data.batch_size as f64 / summary.steady_seconds_per_step,
        summary.batch_wait_seconds_per_step,
        summary.upload_seconds_per_step,
        summary.stop_reason,
        out.display()
    );
    Ok(())
}
