//! `lfdeep evaluate RUN_DIR --data DATASET [--out REPORT_DIR]`: the field's metrics of a trained
//! run on the whole simulations of its test split (teacher-forced one-step and free-running),
//! as `metrics.json`, a Markdown report and PNG figures.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use lfdeep_nn::data::{synthetic_dataset, InMemorySource, Simulation, SimulationSource, SyntheticConfig};
use lfdeep_nn::eval::{evaluate_predictions, predict_free, predict_teacher, LoadedRun, ModeMetrics, SimPrediction};
use serde_json::{json, Value};

use crate::plot::{palette, styled_panels, Panel, Series};

#[derive(clap::Args)]
#[command(after_help = "Examples:\n  \
lfdeep evaluate runs/mh --data data/nmda\n  \
lfdeep evaluate runs/smoke --data synthetic:24:8 --out runs/smoke/eval --no-free")]
pub struct Args {
    /// Run folder written by `lfdeep train`.
    run_dir: PathBuf,
    /// The dataset the run was trained on (its test split is evaluated): a dataset directory or
    /// the same `synthetic:SIMS[:SEGMENTS[:MS]]` spec given to `lfdeep train`.
    #[arg(long)]
    data: String,
    /// Report folder (default RUN_DIR/eval).
    #[arg(long)]
    out: Option<PathBuf>,
    /// cpu, cuda or cuda:N.
    #[arg(long, default_value = "cpu")]
    device: String,
    /// Milliseconds ignored at the start of every simulation (the field's 500 ms).
    #[arg(long, default_value_t = 500)]
    ignore_ms: usize,
    /// Evaluate at most this many test simulations (0: all).
    #[arg(long, default_value_t = 0)]
    max_sims: usize,
    /// Skip the free-running rollout (it costs one forward pass per ms for teacher-mode models).
    #[arg(long)]
    no_free: bool,
    /// Windows per forward pass in teacher-forced prediction.
    #[arg(long, default_value_t = 64)]
    batch: usize,
}

/// Opens `--data` as `lfdeep train` does; also returns the region of each dendritic target
/// when the dataset has a segment table.
pub fn open_data(spec: &str) -> Result<(Box<dyn SimulationSource>, Option<Vec<String>>)> {
    if let Some(rest) = spec.strip_prefix("synthetic:") {
        let parts: Vec<&str> = rest.split(':').collect();
        let num = |i: usize, default: usize, what: &str| -> Result<usize> {
            parts.get(i).map(|s| s.parse::<usize>().with_context(|| format!("--data {spec}: {what} must be a number"))).transpose().map(|v| v.unwrap_or(default))
        };
        let cfg = SyntheticConfig { n_segments: num(1, 8, "SEGMENTS")?, duration_ms: num(2, 2000, "MS")?, ..Default::default() };
        let sims = synthetic_dataset(&cfg, num(0, 24, "SIMS")?);
        return Ok((Box::new(InMemorySource::new(sims)?), None));
    }
    let dir = Path::new(spec);
    let source = crate::store_source::StoreSource::open(dir)?;
    let store = lfdeep_data::store::Store::open(dir).with_context(|| format!("opening dataset {}", dir.display()))?;
    let table = store.read_segment_table().with_context(|| format!("reading the segment table of {}", dir.display()))?;
    // The same rows, in the same order, as StoreSource's dendritic targets.
    let regions = table.region.iter().filter(|r| matches!(r.as_str(), "basal" | "apical")).cloned().collect();
    Ok((Box::new(source), Some(regions)))
}

fn mode_json(all: &ModeMetrics, headline: Option<&ModeMetrics>, regions: Option<&[String]>) -> Value {
    let mut v = serde_json::to_value(all).expect("metrics serialise");
    v["spike_tpr_at_fpr"] = json!(all.spike_tpr_at_fpr.iter().map(|&(f, t)| json!({"fpr": f, "tpr": t})).collect::<Vec<_>>());
    if let Some(h) = headline {
        let mut hv = serde_json::to_value(h).expect("metrics serialise");
        hv.as_object_mut().unwrap().remove("segments");
        hv["spike_tpr_at_fpr"] = json!(h.spike_tpr_at_fpr.iter().map(|&(f, t)| json!({"fpr": f, "tpr": t})).collect::<Vec<_>>());
        v["headline_0_24_spikes"] = hv;
    }
    if let Some(r) = regions.filter(|r| r.len() == all.segments.rmse_mv.len()) {
        let mut by = serde_json::Map::new();
        for name in ["basal", "apical"] {
            let idx: Vec<usize> = (0..r.len()).filter(|&i| r[i] == name).collect();
            if idx.is_empty() {
                continue;
            }
            let m = |xs: &[f64]| idx.iter().map(|&i| xs[i]).sum::<f64>() / idx.len() as f64;
            by.insert(
                name.into(),
                json!({"n_segments": idx.len(), "rmse_mv_mean": m(&all.segments.rmse_mv),
                       "explained_variance_mean": m(&all.segments.explained_variance), "pearson_mean": m(&all.segments.pearson)}),
            );
        }
        v["segments_by_region"] = Value::Object(by);
    }
    v
}

fn evaluate_mode(sims: &[Simulation], preds: &[SimPrediction], ignore_ms: usize, clip: f32) -> Result<(ModeMetrics, Option<ModeMetrics>)> {
    let s: Vec<&Simulation> = sims.iter().collect();
    let p: Vec<&SimPrediction> = preds.iter().collect();
    let all = evaluate_predictions(&s, &p, ignore_ms, clip)?;
    let keep: Vec<usize> = (0..sims.len()).filter(|&i| sims[i].output_spikes_ms.len() <= 24).collect();
    let headline = if keep.is_empty() {
        None
    } else {
        let hs: Vec<&Simulation> = keep.iter().map(|&i| &sims[i]).collect();
        let hp: Vec<&SimPrediction> = keep.iter().map(|&i| &preds[i]).collect();
        Some(evaluate_predictions(&hs, &hp, ignore_ms, clip)?)
    };
    Ok((all, headline))
}

fn fmt(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.4}")
    } else {
        "–".into()
    }
}

pub fn run(a: Args) -> Result<()> {
    let device = lfdeep_nn::device_from_name(&a.device)?;
    let run = LoadedRun::load(&a.run_dir, &device).with_context(|| format!("loading run {}", a.run_dir.display()))?;
    let (source, regions) = open_data(&a.data)?;
    let mut test = run.splits.test.clone();
    test.sort_unstable();
    if test.is_empty() {
        bail!("{}: the run has no test split (data.test_fraction = 0)", a.run_dir.display());
    }
    if let Some(&i) = test.iter().find(|&&i| i >= source.len()) {
        bail!("{}: test simulation {i} is not in --data {} ({} simulations); evaluate on the dataset the run was trained on", a.run_dir.display(), a.data, source.len());
    }
    if a.max_sims > 0 {
        test.truncate(a.max_sims);
    }
    let out = a.out.clone().unwrap_or_else(|| a.run_dir.join("eval"));
    std::fs::create_dir_all(&out).with_context(|| format!("creating {}", out.display()))?;
    let sims: Vec<Simulation> = test.iter().map(|&i| source.load(i)).collect::<lfdeep_nn::Result<_>>()?;
    let clip = run.norm.soma_clip_mv;
    eprintln!("{}: {} test simulations of {} ms ({} weights)", run.meta.kind, sims.len(), sims[0].duration_ms, run.weights.display());

    let t0 = std::time::Instant::now();
    let teacher: Vec<SimPrediction> = sims.iter().map(|s| predict_teacher(&run, s, a.batch)).collect::<lfdeep_nn::Result<_>>()?;
    let teacher_s = t0.elapsed().as_secs_f64();
    let (t_all, t_head) = evaluate_mode(&sims, &teacher, a.ignore_ms, clip)?;
    eprintln!("teacher-forced: {teacher_s:.1} s; AUC {} soma RMSE {} mV", fmt(t_all.spike_auc), fmt(t_all.soma_rmse_mv));

    let mut free: Option<(Vec<SimPrediction>, ModeMetrics, Option<ModeMetrics>)> = None;
    let mut free_note = String::from("skipped (--no-free)");
    if !a.no_free {
        let t0 = std::time::Instant::now();
        // Rolled out 16 simulations at a time (one batch row each).
        let mut preds = Vec::new();
        let mut err = None;
        for chunk in sims.chunks(16) {
            match predict_free(&run, chunk) {
                Ok(p) => preds.extend(p),
                Err(e) => {
                    err = Some(e.to_string());
                    break;
                }
            }
        }
        match err {
            Some(e) => free_note = format!("unavailable: {e}"),
            None => {
                let (all, head) = evaluate_mode(&sims, &preds, a.ignore_ms, clip)?;
                free_note = match run.spec().mode {
                    lfdeep_nn::data::InputMode::Inputs => "identical to teacher-forced: an `inputs`-mode model sees only synaptic input".into(),
                    lfdeep_nn::data::InputMode::Teacher => format!(
                        "rolled out one ms at a time from the true voltages of the first {} ms, feeding back its own predictions ({:.1} s)",
                        run.spec().window,
                        t0.elapsed().as_secs_f64()
                    ),
                };
                eprintln!("free-running: {free_note}; AUC {} soma RMSE {} mV", fmt(all.spike_auc), fmt(all.soma_rmse_mv));
                free = Some((preds, all, head));
            }
        }
    }

    let r = regions.as_deref();
    let metrics = json!({
        "run": a.run_dir.display().to_string(),
        "data": a.data,
        "weights": run.weights.display().to_string(),
        "model": run.meta.kind,
        "num_params": run.meta.num_params,
        "input_mode": run.spec().mode,
        "ignore_ms": a.ignore_ms,
        "test_simulations": test,
        "teacher": mode_json(&t_all, t_head.as_ref(), r),
        "free": match &free { Some((_, m, h)) => mode_json(m, h.as_ref(), r), None => json!({"note": free_note}) },
    });
    let p = out.join("metrics.json");
    std::fs::write(&p, serde_json::to_string_pretty(&metrics)?).with_context(|| format!("writing {}", p.display()))?;

    figures(&out, &sims, &teacher, free.as_ref().map(|f| &f.0), &t_all, free.as_ref().map(|f| &f.1), a.ignore_ms, clip, r)?;
    training_curves(&out, &a.run_dir.join("metrics.csv"))?;
    report(&out, &a, &run, &t_all, t_head.as_ref(), free.as_ref().map(|f| (&f.1, f.2.as_ref())), &free_note, sims.len())?;
    println!("{}: teacher AUC {} soma RMSE {} mV EV {}; report {}", run.meta.kind, fmt(t_all.spike_auc), fmt(t_all.soma_rmse_mv), fmt(t_all.soma_explained_variance), out.join("report.md").display());
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn figures(
    out: &Path,
    sims: &[Simulation],
    teacher: &[SimPrediction],
    free: Option<&Vec<SimPrediction>>,
    t_all: &ModeMetrics,
    f_all: Option<&ModeMetrics>,
    ignore_ms: usize,
    clip: f32,
    regions: Option<&[String]>,
) -> Result<()> {
    // Traces of the test simulation with the most output spikes.
    let i = (0..sims.len()).max_by_key(|&i| sims[i].output_spikes_ms.len()).unwrap();
    let (sim, tp) = (&sims[i], &teacher[i]);
    let from = ignore_ms.max(tp.first_ms).min(sim.duration_ms - 1);
    let trace = |v: &dyn Fn(usize) -> f64| (from..sim.duration_ms).map(|t| (t as f64, v(t))).collect::<Vec<_>>();
    let mut soma = vec![
        Series { label: "true (clipped)".into(), points: trace(&|t| sim.soma_v[t].min(clip) as f64), color: RGBColor(0, 0, 0) },
        Series { label: "teacher-forced".into(), points: trace(&|t| tp.soma_mv[t] as f64), color: palette(0) },
    ];
    let mut prob = vec![Series { label: "teacher-forced".into(), points: trace(&|t| tp.spike_prob[t]), color: palette(0) }];
    let bins = sim.spike_bins();
    prob.push(Series { label: "true spike".into(), points: trace(&|t| if bins.binary_search(&t).is_ok() { 1.0 } else { 0.0 }), color: RGBColor(0, 0, 0) });
    if let Some(f) = free {
        soma.push(Series { label: "free-running".into(), points: trace(&|t| f[i].soma_mv[t] as f64), color: palette(1) });
        prob.push(Series { label: "free-running".into(), points: trace(&|t| f[i].spike_prob[t]), color: palette(1) });
    }
    let mut panels = vec![
        Panel { title: format!("soma, test simulation {i}"), x_label: "time (ms)".into(), y_label: "mV".into(), series: soma },
        Panel { title: "spike probability".into(), x_label: "time (ms)".into(), y_label: "p".into(), series: prob },
    ];
    if !tp.segment_mv.is_empty() {
        let d = sim.duration_ms;
        let seg = sim.n_segments - 1; // the last target (the most distal apical one on a real cell)
        let mut s = vec![
            Series { label: "true".into(), points: trace(&|t| sim.segment(seg)[t] as f64), color: RGBColor(0, 0, 0) },
            Series { label: "teacher-forced".into(), points: trace(&|t| tp.segment_mv[seg * d + t] as f64), color: palette(0) },
        ];
        if let Some(f) = free {
            s.push(Series { label: "free-running".into(), points: trace(&|t| f[i].segment_mv[seg * d + t] as f64), color: palette(1) });
        }
        panels.push(Panel { title: format!("dendritic target {seg}"), x_label: "time (ms)".into(), y_label: "mV".into(), series: s });
    }
    styled_panels(&out.join("traces.png"), "Predicted vs true", &panels, &[], 1200, 260)?;

    let mut roc = vec![Series { label: format!("teacher-forced (AUC {})", fmt(t_all.spike_auc)), points: t_all.roc.clone(), color: palette(0) }];
    if let Some(f) = f_all {
        roc.push(Series { label: format!("free-running (AUC {})", fmt(f.spike_auc)), points: f.roc.clone(), color: palette(1) });
    }
    roc.push(Series { label: "chance".into(), points: vec![(0.0, 0.0), (1.0, 1.0)], color: RGBColor(160, 160, 160) });
    styled_panels(&out.join("roc.png"), "Spike ROC (t ≥ ignore)", &[Panel { title: "ROC".into(), x_label: "false-positive rate".into(), y_label: "true-positive rate".into(), series: roc }], &[], 600, 520)?;

    if !t_all.segments.rmse_mv.is_empty() {
        // Strip plot: per-segment RMSE by region (region k spans x ∈ [k, k + 0.8], segments in
        // table order); without a segment table, x is the dendritic target index.
        let n = t_all.segments.rmse_mv.len();
        let names: Option<&[String]> = regions.filter(|r| r.len() == n);
        let mut kinds: Vec<String> = names.map(|r| r.to_vec()).unwrap_or_default();
        kinds.sort();
        kinds.dedup();
        let x_label = match names {
            Some(_) => format!("region: {}", kinds.iter().enumerate().map(|(k, r)| format!("{k} = {r}")).collect::<Vec<_>>().join(", ")),
            None => "dendritic target index".into(),
        };
        let pts = |m: &ModeMetrics| -> Vec<Series> {
            match names {
                Some(r) => kinds
                    .iter()
                    .enumerate()
                    .map(|(k, name)| {
                        let idx: Vec<usize> = (0..n).filter(|&i| &r[i] == name).collect();
                        let c = idx.len().max(1) as f64;
                        Series {
                            label: name.clone(),
                            points: idx.iter().enumerate().map(|(j, &i)| (k as f64 + 0.8 * j as f64 / c, m.segments.rmse_mv[i])).collect(),
                            color: palette(k + 2),
                        }
                    })
                    .collect(),
                None => vec![Series { label: "segment".into(), points: (0..n).map(|i| (i as f64, m.segments.rmse_mv[i])).collect(), color: palette(2) }],
            }
        };
        let mut panels = vec![Panel { title: "teacher-forced: per-segment RMSE".into(), x_label: x_label.clone(), y_label: "RMSE (mV)".into(), series: pts(t_all) }];
        if let Some(f) = f_all {
            panels.push(Panel { title: "free-running: per-segment RMSE".into(), x_label, y_label: "RMSE (mV)".into(), series: pts(f) });
        }
        let dots = vec![true; panels.len()];
        styled_panels(&out.join("segment_error.png"), "Per-segment error", &panels, &dots, 900, 320)?;
    }
    Ok(())
}

use plotters::style::RGBColor;

/// Train / validation loss and validation AUC per epoch from the run's `metrics.csv` (skipped
/// when the file is absent or has no finished epoch).
fn training_curves(out: &Path, csv: &Path) -> Result<()> {
    let Ok(text) = std::fs::read_to_string(csv) else { return Ok(()) };
    let mut lines = text.lines();
    let Some(header) = lines.next() else { return Ok(()) };
    let cols: Vec<&str> = header.split(',').collect();
    let col = |name: &str| cols.iter().position(|c| *c == name);
    let (Some(step), Some(tl), Some(vl), Some(auc)) = (col("step"), col("train_loss"), col("val_loss"), col("val_spike_auc")) else { return Ok(()) };
    let rows: Vec<Vec<f64>> = lines.map(|l| l.split(',').map(|x| x.parse::<f64>().unwrap_or(f64::NAN)).collect()).filter(|r: &Vec<f64>| r.len() == cols.len()).collect();
    if rows.len() < 2 {
        return Ok(());
    }
    let series = |c: usize, label: &str, k: usize| Series { label: label.into(), points: rows.iter().filter(|r| r[c].is_finite()).map(|r| (r[step], r[c])).collect(), color: palette(k) };
    let panels = [
        Panel { title: "loss".into(), x_label: "step".into(), y_label: "loss".into(), series: vec![series(tl, "train", 0), series(vl, "validation", 1)] },
        Panel { title: "validation spike AUC".into(), x_label: "step".into(), y_label: "AUC".into(), series: vec![series(auc, "validation", 1)] },
    ];
    styled_panels(&out.join("training.png"), "Training curves", &panels, &[], 900, 300)
}

fn report(out: &Path, a: &Args, run: &LoadedRun, t: &ModeMetrics, th: Option<&ModeMetrics>, free: Option<(&ModeMetrics, Option<&ModeMetrics>)>, free_note: &str, n: usize) -> Result<()> {
    let mut s = format!(
        "# Evaluation of `{}`\n\nModel `{}` ({} parameters, input mode {:?}), weights `{}`; data `{}`; {n} test simulations \
(split by simulation as in training); metrics from t ≥ {} ms. Soma voltage against the true trace clipped at {} mV.\n\n",
        a.run_dir.display(), run.meta.kind, run.meta.num_params, run.spec().mode, run.weights.display(), a.data, a.ignore_ms, run.norm.soma_clip_mv
    );
    s += "| mode | subset | sims | spike AUC | d′ | TPR@FPR 0.002 | soma RMSE (mV) | soma MAE (mV) | soma EV | segments RMSE (mV) | segments EV | segments r |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n";
    let row = |mode: &str, sub: &str, m: &ModeMetrics| {
        format!(
            "| {mode} | {sub} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |\n",
            m.n_sims, fmt(m.spike_auc), fmt(m.spike_d_prime), fmt(m.spike_tpr_at_fpr[2].1), fmt(m.soma_rmse_mv), fmt(m.soma_mae_mv),
            fmt(m.soma_explained_variance), fmt(m.segments_rmse_mv_mean), fmt(m.segments_explained_variance_mean), fmt(m.segments_pearson_mean)
        )
    };
    s += &row("teacher-forced", "all", t);
    if let Some(h) = th {
        s += &row("teacher-forced", "0–24 spikes", h);
    }
    if let Some((f, fh)) = free {
        s += &row("free-running", "all", f);
        if let Some(h) = fh {
            s += &row("free-running", "0–24 spikes", h);
        }
    }
    s += &format!("\nFree-running: {free_note}.\n\nTPR at FPR (teacher-forced, all): {}\n\n",
        t.spike_tpr_at_fpr.iter().map(|(f, r)| format!("{f}: {}", fmt(*r))).collect::<Vec<_>>().join(", "));
    s += "![traces](traces.png)\n\n![ROC](roc.png)\n\n";
    if out.join("training.png").exists() {
        s += "![training curves](training.png)\n\n";
    }
    if out.join("segment_error.png").exists() {
        s += "![per-segment error](segment_error.png)\n";
    }
    let p = out.join("report.md");
    std::fs::write(&p, s).with_context(|| format!("writing {}", p.display()))
}
