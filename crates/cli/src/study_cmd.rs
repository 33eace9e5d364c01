//! `lfdeep study`: the small studies of the seeds (integrate-and-fire figure, hidden-input
//! inference), each writing a Markdown report, a JSON file of results and PNG figures.

use crate::plot::{palette, styled_panels, Panel, Series};
use anyhow::{Context, Result};
use lfdeep_studies::block_inputs::BlockInputConfig;
use lfdeep_studies::encoder::{CorrelationMethod, InputConfig, InputKind, ModelKind};
use lfdeep_studies::hidden_fit::FitConfig;
use lfdeep_studies::hidden_study::{self, HiddenRun, HiddenStudyConfig};
use lfdeep_studies::if_study::{self, IfStudyConfig, IfStudyResult};
use plotters::style::RGBColor;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Fit a one-filter network to the integrate-and-fire cell of Beniaguev et al. 2021 (Fig. 1).
    IntegrateAndFire(IfArgs),
    /// Infer a neuron's weights when some inputs are never observed (latents + variance penalty).
    HiddenInput(HiddenArgs),
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum OptionLists {
    /// Block-length and σ lists of the NeuronIO spec.
    Neuronio,
    /// The lists of the published integrate-and-fire script.
    IfScript,
}

#[derive(clap::Args)]
pub struct IfArgs {
    /// Output folder (report, JSON, figures).
    #[arg(long, default_value = "study_integrate_and_fire")]
    pub out: PathBuf,
    /// Training simulations of 6 s (the paper used 12000).
    #[arg(long, default_value_t = 200)]
    pub train_sims: usize,
    /// Test simulations of 6 s (the paper used 1000).
    #[arg(long, default_value_t = 20)]
    pub test_sims: usize,
    /// Adam steps.
    #[arg(long, default_value_t = 800)]
    pub steps: usize,
    #[arg(long, default_value_t = 8)]
    pub batch: usize,
    /// Initial Adam learning rate (cosine decay to 1/100 of it).
    #[arg(long, default_value_t = 0.01)]
    pub lr: f64,
    /// Output ms per training window.
    #[arg(long, default_value_t = 400)]
    pub window_ms: usize,
    /// Filter length (ms).
    #[arg(long, default_value_t = 80)]
    pub kernel_ms: usize,
    #[arg(long, default_value_t = 1234)]
    pub seed: u64,
    /// Block-length and smoothing-σ option lists of the input generator.
    #[arg(long, value_enum, default_value = "neuronio")]
    pub option_lists: OptionLists,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ModelArg {
    Glm,
    Hierarchical,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum InputsArg {
    Gaussian,
    Poisson,
    Correlated,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum MethodArg {
    Mixture,
    Cox,
}

#[derive(clap::Args)]
pub struct HiddenArgs {
    #[arg(long, value_enum, default_value = "glm")]
    pub model: ModelArg,
    #[arg(long, value_enum, default_value = "gaussian")]
    pub inputs: InputsArg,
    /// Training-set sizes to sweep.
    #[arg(long, value_delimiter = ',', default_value = "100,1000,10000")]
    pub sizes: Vec<usize>,
    /// Hidden-input variances (× an observed input's) to sweep.
    #[arg(long, value_delimiter = ',', default_value = "1,3,5")]
    pub hidden_variance: Vec<f64>,
    /// Inputs N (observed + hidden).
    #[arg(long, default_value_t = 10)]
    pub n_inputs: usize,
    /// How many inputs are hidden.
    #[arg(long, default_value_t = 1)]
    pub hidden: usize,
    /// Dendritic branches of the hierarchical model.
    #[arg(long, default_value_t = 2)]
    pub branches: usize,
    /// Pairwise count correlation for --inputs correlated.
    #[arg(long, default_value_t = 0.2)]
    pub correlation: f64,
    /// Correlated-train generator (Brette 2009).
    #[arg(long, value_enum, default_value = "mixture")]
    pub method: MethodArg,
    /// Mean count per sample for poisson / correlated inputs.
    #[arg(long, default_value_t = 5.0)]
    pub mean_count: f64,
    /// SD of Gaussian noise added to the responses.
    #[arg(long, default_value_t = 0.0)]
    pub noise: f64,
    /// Full-batch Adam steps per fit.
    #[arg(long, default_value_t = 3000)]
    pub steps: usize,
    /// Initial Adam learning rate (cosine decay to 1/100; the seed used 1e-4 constant).
    #[arg(long, default_value_t = 0.02)]
    pub lr: f64,
    /// Weight λ of the variance penalty.
    #[arg(long, default_value_t = 1.0)]
    pub var_weight: f64,
    #[arg(long, default_value_t = 2000)]
    pub val_samples: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Output folder.
    #[arg(long, default_value = "study_hidden_input")]
    pub out: PathBuf,
}

pub fn run(c: Cmd) -> Result<()> {
    match c {
        Cmd::IntegrateAndFire(a) => integrate_and_fire(a),
        Cmd::HiddenInput(a) => hidden_input(a),
    }
}

fn write(path: &Path, text: &str) -> Result<()> {
    // Write to a temporary name, then rename, so a report is never half-written.
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))
}

fn series(label: &str, points: Vec<(f64, f64)>, color: RGBColor) -> Series {
    Series { label: label.to_string(), points, color }
}

fn panel(title: &str, x: &str, y: &str, series: Vec<Series>) -> Panel {
    Panel { title: title.to_string(), x_label: x.to_string(), y_label: y.to_string(), series }
}

fn integrate_and_fire(a: IfArgs) -> Result<()> {
    let inputs = match a.option_lists {
        OptionLists::Neuronio => BlockInputConfig::integrate_and_fire(),
        OptionLists::IfScript => BlockInputConfig::integrate_and_fire_script(),
    };
    let cfg = IfStudyConfig {
        inputs,
        train_sims: a.train_sims,
        test_sims: a.test_sims,
        seed: a.seed,
        kernel_ms: a.kernel_ms,
        window_ms: a.window_ms,
        batch: a.batch,
        steps: a.steps,
        lr: a.lr,
        voltage_weight: 1.0,
    };
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let start = std::time::Instant::now();
    eprintln!("simulating {} + {} integrate-and-fire runs, then {} Adam steps", cfg.train_sims, cfg.test_sims, cfg.steps);
    let r = if_study::run(&cfg, |s, b, m| eprintln!("step {s:5}  spike BCE {b:.4}  voltage MSE (z-scored) {m:.4}"))?;
    let secs = start.elapsed().as_secs_f64();
    if_figures(&a.out, &r)?;
    let json = serde_json::json!({ "config": cfg, "result": r, "wall_seconds": secs,
        "version": env!("CARGO_PKG_VERSION") });
    write(&a.out.join("study_if.json"), &serde_json::to_string_pretty(&json)?)?;
    let mut md = String::new();
    writeln!(md, "# Integrate-and-fire study (Beniaguev et al. 2021, Fig. 1)\n")?;
    writeln!(md, "Cell: 80 excitatory (+1) and 20 inhibitory (−1) inputs, V = −75 + 2·Σ w_i (x_i ∗ e^(−t/20)), kernel 141 ms, threshold −55 mV, reset by subtracting (V[t+1] + 75)·e^(−s/20).")?;
    writeln!(md, "Network: one causal Conv1d filter over the 100 inputs (kernel {} ms, linear), sigmoid spike head and linear voltage head; Adam on the CPU (Burn, flex backend).\n", cfg.kernel_ms)?;
    writeln!(md, "| quantity | value |\n|---|---|")?;
    writeln!(md, "| train / test simulations (6 s) | {} / {} |", cfg.train_sims, cfg.test_sims)?;
    writeln!(md, "| Adam steps × batch × window | {} × {} × {} ms |", cfg.steps, cfg.batch, cfg.window_ms)?;
    writeln!(md, "| input rates exc / inh (Hz) | {:.2} / {:.2} |", r.train_exc_input_rate_hz, r.train_inh_input_rate_hz)?;
    writeln!(md, "| output rate train / test (Hz) | {:.2} / {:.2} |", r.train_output_rate_hz, r.test_output_rate_hz)?;
    writeln!(md, "| **learned filter vs true kernel, r (all rows × lags)** | **{:.4}** |", r.filter_corr)?;
    writeln!(md, "| mean excitatory / inhibitory temporal profile, r | {:.4} / {:.4} |", r.exc_profile_corr, r.inh_profile_corr)?;
    writeln!(md, "| **spike ROC AUC (test, every ms)** | **{:.4}** |", r.spike_auc)?;
    writeln!(md, "| **voltage explained variance (test)** | **{:.4}** |", r.voltage_ev)?;
    writeln!(md, "| voltage RMSE (mV) | {:.3} |", r.voltage_rmse_mv)?;
    writeln!(md, "| wall time (s) | {secs:.0} |\n")?;
    writeln!(md, "Figures: `study_if_traces.png` (inputs, voltage, spike probability), `study_if_filter.png` (learned vs true kernel, losses).")?;
    write(&a.out.join("study_if.md"), &md)?;
    print!("{md}");
    Ok(())
}

fn if_figures(out: &Path, r: &IfStudyResult) -> Result<()> {
    let ex = &r.example;
    let span = 2000usize.min(ex.voltage_true_mv.len());
    let exc: Vec<(f64, f64)> =
        ex.events.iter().filter(|e| (e.0 as usize) < span && e.1 < 80).map(|e| (e.0 as f64, e.1 as f64)).collect();
    let inh: Vec<(f64, f64)> =
        ex.events.iter().filter(|e| (e.0 as usize) < span && e.1 >= 80).map(|e| (e.0 as f64, e.1 as f64)).collect();
    let tr = |v: &[f32]| (0..span).map(|t| (t as f64, v[t] as f64)).collect::<Vec<_>>();
    let panels = vec![
        panel("input spikes (rows 0–79 excitatory, 80–99 inhibitory)", "time (ms)", "input row",
            vec![series("excitatory", exc, palette(3)), series("inhibitory", inh, palette(0))]),
        panel("somatic voltage (clipped at −54.9 mV)", "time (ms)", "V (mV)",
            vec![series("integrate-and-fire", tr(&ex.voltage_true_mv), RGBColor(0, 0, 0)), series("network", tr(&ex.voltage_pred_mv), palette(1))]),
        panel("spikes", "time (ms)", "probability",
            vec![series("true spike", tr(&ex.spikes), RGBColor(0, 0, 0)), series("network spike probability", tr(&ex.spike_prob), palette(2))]),
    ];
    styled_panels(&out.join("study_if_traces.png"), "Integrate-and-fire cell and its one-filter network (test simulation)", &panels, &[true, false, false], 1400, 300)?;

    let k = r.true_kernel[0].len();
    let mean_row = |m: &Vec<Vec<f64>>, rows: std::ops::Range<usize>| -> Vec<(f64, f64)> {
        let n = rows.len() as f64;
        (0..k).map(|lag| (-(lag as f64), m[rows.clone()].iter().map(|row| row[lag]).sum::<f64>() / n)).collect()
    };
    let rows = r.true_kernel.len();
    let mut individual = Vec::new();
    for row in (0..rows).step_by(10) {
        let c = if row < 80 { RGBColor(240, 160, 160) } else { RGBColor(150, 170, 240) };
        individual.push(series("", (0..k).map(|lag| (-(lag as f64), r.learned_kernel[row][lag])).collect(), c));
    }
    individual.push(series("learned, mean excitatory", mean_row(&r.learned_kernel, 0..80), palette(3)));
    individual.push(series("true 2·e^(−t/20)", mean_row(&r.true_kernel, 0..80), RGBColor(0, 0, 0)));
    individual.push(series("learned, mean inhibitory", mean_row(&r.learned_kernel, 80..rows), palette(0)));
    individual.push(series("true −2·e^(−t/20)", mean_row(&r.true_kernel, 80..rows), RGBColor(90, 90, 90)));
    let loss: Vec<Series> = vec![
        series("spike BCE", r.loss_curve.iter().map(|l| (l.0 as f64, l.1)).collect(), palette(2)),
        series("voltage MSE (z-scored)", r.loss_curve.iter().map(|l| (l.0 as f64, l.2)).collect(), palette(1)),
    ];
    let panels = vec![
        panel(&format!("learned voltage kernel (a_v·filter, mV per input spike; every 10th row faint) — r = {:.4} with the true kernel", r.filter_corr),
            "time before the prediction (ms)", "mV", individual),
        panel("training loss", "Adam step", "loss", loss),
    ];
    styled_panels(&out.join("study_if_filter.png"), "One-filter network: learned filter vs the cell's synaptic kernel", &panels, &[], 1200, 420)?;
    Ok(())
}

fn hidden_input(a: HiddenArgs) -> Result<()> {
    let cfg = HiddenStudyConfig {
        model: match a.model {
            ModelArg::Glm => ModelKind::Glm,
            ModelArg::Hierarchical => ModelKind::Hierarchical,
        },
        inputs: InputConfig {
            kind: match a.inputs {
                InputsArg::Gaussian => InputKind::Gaussian,
                InputsArg::Poisson => InputKind::Poisson,
                InputsArg::Correlated => InputKind::Correlated,
            },
            n_inputs: a.n_inputs,
            hidden: a.hidden,
            hidden_variance: 1.0,
            mean_count: a.mean_count,
            correlation: a.correlation,
            method: match a.method {
                MethodArg::Mixture => CorrelationMethod::Mixture,
                MethodArg::Cox => CorrelationMethod::Cox,
            },
            window_ms: 100.0,
        },
        branches: a.branches,
        sizes: a.sizes.clone(),
        hidden_variances: a.hidden_variance.clone(),
        val_samples: a.val_samples,
        noise_sd: a.noise,
        fit: FitConfig { steps: a.steps, lr: a.lr, var_weight: a.var_weight, seed: a.seed },
        seed: a.seed,
    };
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let start = std::time::Instant::now();
    let runs = hidden_study::run(&cfg, |n, k, s, m, p| {
        if s % 1000 == 0 {
            eprintln!("n {n:6}  var {k}  step {s:5}  mse {m:.3e}  penalty {p:.3e}");
        }
    })?;
    let secs = start.elapsed().as_secs_f64();
    hidden_figures(&a.out, &runs)?;
    let json = serde_json::json!({ "config": cfg, "runs": runs, "wall_seconds": secs, "version": env!("CARGO_PKG_VERSION") });
    write(&a.out.join("study_hidden.json"), &serde_json::to_string_pretty(&json)?)?;
    let mut md = String::new();
    writeln!(md, "# Hidden-input inference ({:?} encoder, {:?} inputs)\n", cfg.model, cfg.inputs.kind)?;
    writeln!(md, "N = {} inputs, {} hidden (weight fixed to 1); decoder fits weights, biases and one latent per sample and hidden input by full-batch Adam ({} steps, lr {} cosine-decayed) on MSE + {}·(var(h) − var_true)². Validation ({} held-out samples) uses no latents: the hidden input is marginalised over the fitted latents (or set to their mean).{}\n",
        cfg.inputs.n_inputs, cfg.inputs.hidden, cfg.fit.steps, cfg.fit.lr, cfg.fit.var_weight, cfg.val_samples,
        if cfg.inputs.kind == InputKind::Correlated { format!(" Correlated inputs: {:?} method, pairwise count correlation {}.", cfg.inputs.method, cfg.inputs.correlation) } else { String::new() })?;
    writeln!(md, "| samples | hidden var | weight r | latent r | train MSE | val MSE (marginal) | val MSE (at mean) | oracle val MSE | constant val MSE |")?;
    writeln!(md, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for r in &runs {
        writeln!(md, "| {} | {} | {:.4} | {:.4} | {:.2e} | {:.3e} | {:.3e} | {:.3e} | {:.3e} |", r.size, r.hidden_variance, r.weight_corr, r.latent_corr, r.train_mse, r.val_mse, r.val_mse_at_mean, r.oracle_val_mse, r.constant_val_mse)?;
    }
    writeln!(md, "\nOracle: the true encoder with the hidden input marginalised over its true training activities (the floor for any model that does not see it). Wall time {secs:.0} s.")?;
    writeln!(md, "Figures: `study_hidden_recovery.png` (recovery vs size), `study_hidden_scatter.png` (weights and latents of the largest size), `study_hidden_loss.png`.")?;
    write(&a.out.join("study_hidden.md"), &md)?;
    print!("{md}");
    Ok(())
}

fn hidden_figures(out: &Path, runs: &[HiddenRun]) -> Result<()> {
    let mut vars: Vec<f64> = runs.iter().map(|r| r.hidden_variance).collect();
    vars.dedup();
    vars.sort_by(|a, b| a.total_cmp(b));
    vars.dedup();
    let xmax = runs.iter().map(|r| (r.size as f64).log10()).fold(0.0f64, f64::max);
    let by_var = |f: &dyn Fn(&HiddenRun) -> f64| -> Vec<Series> {
        let mut s: Vec<Series> = vars
            .iter()
            .enumerate()
            .map(|(i, &k)| {
                let pts = runs.iter().filter(|r| r.hidden_variance == k).map(|r| ((r.size as f64).log10(), f(r))).collect();
                series(&format!("hidden variance {k}"), pts, palette(i))
            })
            .collect();
        // An invisible point widens the x axis so the legend does not cover the last size.
        if let Some(r) = runs.first() {
            s.push(series("", vec![(xmax + 0.8, f(r))], RGBColor(255, 255, 255)));
        }
        s
    };
    let panels = vec![
        panel("weight recovery", "log10(training samples)", "r(true, fitted weights)", by_var(&|r| r.weight_corr)),
        panel("hidden-activity recovery", "log10(training samples)", "r(true, fitted latents)", by_var(&|r| r.latent_corr)),
        panel("held-out MSE without latents, relative to the oracle", "log10(training samples)", "val MSE / oracle val MSE", by_var(&|r| r.val_mse / r.oracle_val_mse)),
    ];
    styled_panels(&out.join("study_hidden_recovery.png"), "Inferring weights with a hidden input", &panels, &[true, true, true], 1000, 300)?;
    let largest = runs.iter().map(|r| r.size).max().unwrap_or(0);
    let big: Vec<&HiddenRun> = runs.iter().filter(|r| r.size == largest).collect();
    let w: Vec<Series> = big.iter().enumerate().map(|(i, r)| {
        series(&format!("hidden variance {}", r.hidden_variance), r.true_weights.iter().zip(&r.fitted_weights).map(|(a, b)| (*a, *b)).collect(), palette(i))
    }).collect();
    let l: Vec<Series> = big.iter().enumerate().map(|(i, r)| series(&format!("hidden variance {}", r.hidden_variance), r.latent_pairs.clone(), palette(i))).collect();
    let panels = vec![
        panel(&format!("weights, {largest} samples"), "true weight", "fitted weight", w),
        panel(&format!("hidden activity, {largest} samples (first 500)"), "true hidden input", "fitted latent", l),
    ];
    styled_panels(&out.join("study_hidden_scatter.png"), "True vs fitted", &panels, &[true, true], 900, 420)?;
    let curves: Vec<Series> = runs.iter().enumerate().map(|(i, r)| {
        series(&format!("n {} var {}", r.size, r.hidden_variance), r.loss_curve.iter().map(|c| (c.0 as f64, c.1.max(1e-12).log10())).collect(), palette(i))
    }).collect();
    styled_panels(&out.join("study_hidden_loss.png"), "Training MSE", &[panel("training MSE", "Adam step", "log10 MSE", curves)], &[], 1000, 420)?;
    Ok(())
}
