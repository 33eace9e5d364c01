//! `lfdeep evaluate RUN_DIR --data DATASET [--out REPORT_DIR]`: the field's metrics of a trained
//! run on the whole simulations of its test split (teacher-forced one-step and free-running),
//! as `metrics.json`, a Markdown report and PNG figures: per-segment errors summarised by region
//! (basal, trunk/oblique, tuft; see `cell`) and path-distance bin, error growth over time,
//! traces, ROC, per-segment error, the morphology coloured by error and voltage maps.

mod cell;
mod figures;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use lfdeep_nn::data::{synthetic_dataset, InMemorySource, Simulation, SimulationSource, SyntheticConfig};
use lfdeep_nn::eval::{distance_bins, error_growth, evaluate_predictions, predict_free, predict_teacher, summarize_groups, GrowthBin, LoadedRun, ModeMetrics, SimPrediction};
use serde_json::{json, Value};

use crate::plot::{palette, styled_panels, Panel, Series};
pub use cell::TargetCell;

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
    /// Width of the path-distance bins of the per-segment summaries (µm).
    #[arg(long, default_value_t = 200.0)]
    distance_bin_um: f64,
    /// Width of the time bins of the error-growth curve (ms since the start of the prediction).
    #[arg(long, default_value_t = 250)]
    growth_bin_ms: usize,
}

/// Opens `--data` as `lfdeep train` does; also returns where each dendritic target lies on
/// the cell when the dataset is a store (none for synthetic data).
pub fn open_data(spec: &str) -> Result<(Box<dyn SimulationSource>, Option<TargetCell>)> {
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
    // The same rows, in the same order, as StoreSource's dendritic targets.
    let cell = TargetCell::from_store(&store).with_context(|| format!("reading the segment table of {}", dir.display()))?;
    Ok((Box::new(source), Some(cell)))
}

/// One evaluation mode: metrics over all simulations, the 0–24-spike subset, and error growth.
struct ModeEval {
    all: ModeMetrics,
    headline: Option<ModeMetrics>,
    growth: Vec<GrowthBin>,
}

fn tpr_json(m: &ModeMetrics) -> Value {
    json!(m.spike_tpr_at_fpr.iter().map(|&(f, t)| json!({"fpr": f, "tpr": t})).collect::<Vec<_>>())
}

fn mode_json(m: &ModeEval, cell: Option<&TargetCell>, distance_bin_um: f64) -> Value {
    let all = &m.all;
    let mut v = serde_json::to_value(all).expect("metrics serialise");
    v["spike_tpr_at_fpr"] = tpr_json(all);
    if let Some(h) = &m.headline {
        let mut hv = serde_json::to_value(h).expect("metrics serialise");
        hv.as_object_mut().unwrap().remove("segments");
        hv["spike_tpr_at_fpr"] = tpr_json(h);
        v["headline_0_24_spikes"] = hv;
    }
    if let Some(c) = cell.filter(|c| c.len() == all.segments.rmse_mv.len()) {
        v["segments_by_region"] = json!(summarize_groups(&all.segments, &c.region_groups()));
        v["segments_by_distance"] = json!(summarize_groups(&all.segments, &distance_bins(&c.path_soma_um, distance_bin_um)));
    }
    v["error_growth"] = json!(m.growth);
    v
}

fn evaluate_mode(sims: &[Simulation], preds: &[SimPrediction], ignore_ms: usize, clip: f32, growth_bin_ms: usize) -> Result<ModeEval> {
    let s: Vec<&Simulation> = sims.iter().collect();
    let p: Vec<&SimPrediction> = preds.iter().collect();
    let all = evaluate_predictions(&s, &p, ignore_ms, clip)?;
    let growth = error_growth(&s, &p, ignore_ms, clip, growth_bin_ms)?;
    let keep: Vec<usize> = (0..sims.len()).filter(|&i| sims[i].output_spikes_ms.len() <= 24).collect();
    let headline = if keep.is_empty() {
        None
    } else {
        let hs: Vec<&Simulation> = keep.iter().map(|&i| &sims[i]).collect();
        let hp: Vec<&SimPrediction> = keep.iter().map(|&i| &preds[i]).collect();
        Some(evaluate_predictions(&hs, &hp, ignore_ms, clip)?)
    };
    Ok(ModeEval { all, headline, growth })
}

fn fmt(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.4}")
    } else {
        "–".into()
    }
}

pub fn run(a: Args) -> Result<()> {
    if !(a.distance_bin_um > 0.0) || a.growth_bin_ms == 0 {
        bail!("--distance-bin-um and --growth-bin-ms must be positive");
    }
    let device = lfdeep_nn::device_from_name(&a.device)?;
    let run = LoadedRun::load(&a.run_dir, &device).with_context(|| format!("loading run {}", a.run_dir.display()))?;
    let (source, cell) = open_data(&a.data)?;
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
    let t_eval = evaluate_mode(&sims, &teacher, a.ignore_ms, clip, a.growth_bin_ms)?;
    eprintln!("teacher-forced: {teacher_s:.1} s; AUC {} soma RMSE {} mV", fmt(t_eval.all.spike_auc), fmt(t_eval.all.soma_rmse_mv));

    let mut free: Option<(Vec<SimPrediction>, ModeEval)> = None;
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
                let ev = evaluate_mode(&sims, &preds, a.ignore_ms, clip, a.growth_bin_ms)?;
                free_note = match run.spec().mode {
                    lfdeep_nn::data::InputMode::Inputs => "identical to teacher-forced: an `inputs`-mode model sees only synaptic input".into(),
                    lfdeep_nn::data::InputMode::Teacher => format!(
                        "rolled out one ms at a time from the true voltages of the first {} ms, feeding back its own predictions ({:.1} s)",
                        run.spec().window,
                        t0.elapsed().as_secs_f64()
                    ),
                };
                eprintln!("free-running: {free_note}; AUC {} soma RMSE {} mV", fmt(ev.all.spike_auc), fmt(ev.all.soma_rmse_mv));
                free = Some((preds, ev));
            }
        }
    }

    let c = cell.as_ref();
    let has_segments = !t_eval.all.segments.rmse_mv.is_empty();
    let segment_note = (!has_segments).then_some(
        "the model predicts only the spike and the soma voltage (data.predict_dendrites = false), so per-segment metrics and figures are omitted",
    );
    let metrics = json!({
        "run": a.run_dir.display().to_string(),
        "data": a.data,
        "weights": run.weights.display().to_string(),
        "model": run.meta.kind,
        "num_params": run.meta.num_params,
        "input_mode": run.spec().mode,
        "ignore_ms": a.ignore_ms,
        "test_simulations": test,
        "regions": c.filter(|_| has_segments).map(|c| json!({"definition": c.definition, "distance_bin_um": a.distance_bin_um})),
        "error_growth_bin_ms": a.growth_bin_ms,
        "segments_note": segment_note,
        "teacher": mode_json(&t_eval, c, a.distance_bin_um),
        "free": match &free { Some((_, m)) => mode_json(m, c, a.distance_bin_um), None => json!({"note": free_note}) },
    });
    let p = out.join("metrics.json");
    std::fs::write(&p, serde_json::to_string_pretty(&metrics)?).with_context(|| format!("writing {}", p.display()))?;

    let f = free.as_ref().map(|(p, m)| (p, m));
    // Figures of an earlier evaluation into the same folder must not outlive it (the report
    // links the ones that exist).
    for name in ["traces.png", "roc.png", "error_growth.png", "segment_error.png", "morphology_error.png", "voltage_map.png", "training.png"] {
        let _ = std::fs::remove_file(out.join(name));
    }
    make_figures(&out, &sims, &teacher, &t_eval, f, a.ignore_ms, clip, c)?;
    training_curves(&out, &a.run_dir.join("metrics.csv"))?;
    report(&out, &a, &run, &t_eval, f.map(|x| x.1), &free_note, segment_note, sims.len(), c)?;
    println!("{}: teacher AUC {} soma RMSE {} mV EV {}; report {}", run.meta.kind, fmt(t_eval.all.spike_auc), fmt(t_eval.all.soma_rmse_mv), fmt(t_eval.all.soma_explained_variance), out.join("report.md").display());
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn make_figures(
    out: &Path,
    sims: &[Simulation],
    teacher: &[SimPrediction],
    t_eval: &ModeEval,
    free: Option<(&Vec<SimPrediction>, &ModeEval)>,
    ignore_ms: usize,
    clip: f32,
    cell: Option<&TargetCell>,
) -> Result<()> {
    let t_all = &t_eval.all;
    let f_all = free.map(|f| &f.1.all);
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
    if let Some((f, _)) = free {
        soma.push(Series { label: "free-running".into(), points: trace(&|t| f[i].soma_mv[t] as f64), color: palette(1) });
        prob.push(Series { label: "free-running".into(), points: trace(&|t| f[i].spike_prob[t]), color: palette(1) });
    }
    let mut panels = vec![
        Panel { title: format!("soma, test simulation {i} ({} output spikes)", sim.output_spikes_ms.len()), x_label: "time (ms)".into(), y_label: "voltage (mV)".into(), series: soma },
        Panel { title: "spike probability".into(), x_label: "time (ms)".into(), y_label: "p".into(), series: prob },
    ];
    let has_segments = !tp.segment_mv.is_empty();
    if has_segments {
        let d = sim.duration_ms;
        for (seg, title) in figures::trace_sites(cell, t_all) {
            let mut s = vec![
                Series { label: "true".into(), points: trace(&|t| sim.segment(seg)[t] as f64), color: RGBColor(0, 0, 0) },
                Series { label: "teacher-forced".into(), points: trace(&|t| tp.segment_mv[seg * d + t] as f64), color: palette(0) },
            ];
            if let Some((f, _)) = free {
                s.push(Series { label: "free-running".into(), points: trace(&|t| f[i].segment_mv[seg * d + t] as f64), color: palette(1) });
            }
            panels.push(Panel { title, x_label: "time (ms)".into(), y_label: "voltage (mV)".into(), series: s });
        }
    }
    styled_panels(&out.join("traces.png"), "Predicted vs true", &panels, &[], 1200, 260)?;

    let mut roc = vec![Series { label: format!("teacher-forced (AUC {})", fmt(t_all.spike_auc)), points: t_all.roc.clone(), color: palette(0) }];
    if let Some(f) = f_all {
        roc.push(Series { label: format!("free-running (AUC {})", fmt(f.spike_auc)), points: f.roc.clone(), color: palette(1) });
    }
    roc.push(Series { label: "chance".into(), points: vec![(0.0, 0.0), (1.0, 1.0)], color: RGBColor(160, 160, 160) });
    styled_panels(&out.join("roc.png"), "Spike ROC (t ≥ ignore)", &[Panel { title: "ROC".into(), x_label: "false-positive rate".into(), y_label: "true-positive rate".into(), series: roc }], &[], 600, 520)?;

    let mut growth: Vec<(&str, &[GrowthBin])> = vec![("teacher-forced", &t_eval.growth)];
    if let Some((_, f)) = free {
        growth.push(("free-running", &f.growth));
    }
    figures::error_growth(&out.join("error_growth.png"), &growth)?;

    if has_segments {
        let mut modes: Vec<(&str, &ModeMetrics)> = vec![("teacher-forced", t_all)];
        if let Some(f) = f_all {
            modes.push(("free-running", f));
        }
        figures::segment_error(&out.join("segment_error.png"), cell, &modes)?;
        if let Some(c) = cell.filter(|c| c.len() == t_all.segments.rmse_mv.len()) {
            figures::morphology_error(&out.join("morphology_error.png"), c, &modes)?;
        }
        let mut maps: Vec<(&str, &SimPrediction)> = vec![("teacher-forced", tp)];
        if let Some((f, _)) = free {
            maps.push(("free-running", &f[i]));
        }
        let start = maps.iter().map(|(_, p)| p.first_ms).max().unwrap_or(0).max(ignore_ms);
        figures::voltage_map(&out.join("voltage_map.png"), sim, &maps, cell, start)?;
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

#[allow(clippy::too_many_arguments)]
fn report(out: &Path, a: &Args, run: &LoadedRun, t: &ModeEval, free: Option<&ModeEval>, free_note: &str, segment_note: Option<&str>, n: usize, cell: Option<&TargetCell>) -> Result<()> {
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
    let mut modes: Vec<(&str, &ModeEval)> = vec![("teacher-forced", t)];
    if let Some(f) = free {
        modes.push(("free-running", f));
    }
    for (mode, m) in &modes {
        s += &row(mode, "all", &m.all);
        if let Some(h) = &m.headline {
            s += &row(mode, "0–24 spikes", h);
        }
    }
    s += &format!("\nFree-running: {free_note}.\n\nTPR at FPR (teacher-forced, all): {}\n\n",
        t.all.spike_tpr_at_fpr.iter().map(|(f, r)| format!("{f}: {}", fmt(*r))).collect::<Vec<_>>().join(", "));
    if let Some(note) = segment_note {
        s += &format!("Dendritic segments: {note}.\n\n");
    }
    if let Some(c) = cell.filter(|c| c.len() == t.all.segments.rmse_mv.len()) {
        s += &format!("## Per-segment error by region and path distance\n\nMeans over the segments of each group (median RMSE too); {}.\n\n", c.definition);
        s += "| mode | group | segments | RMSE mean (mV) | RMSE median (mV) | EV mean | r mean |\n|---|---|---|---|---|---|---|\n";
        for (mode, m) in &modes {
            let groups = c.region_groups().into_iter().chain(distance_bins(&c.path_soma_um, a.distance_bin_um));
            for g in summarize_groups(&m.all.segments, &groups.collect::<Vec<_>>()) {
                s += &format!("| {mode} | {} | {} | {} | {} | {} | {} |\n", g.name, g.n_segments, fmt(g.rmse_mv_mean), fmt(g.rmse_mv_median), fmt(g.explained_variance_mean), fmt(g.pearson_mean));
            }
        }
        s += "\n";
    }
    s += &format!("## Error growth\n\nRMSE per {} ms bin of time since the start of the prediction (free-running: since the rollout started from the true voltages); \
only ms at or after {} ms count.\n\n| mode | bin (ms) | soma RMSE (mV) | mean segment RMSE (mV) |\n|---|---|---|---|\n", a.growth_bin_ms, a.ignore_ms);
    for (mode, m) in &modes {
        for b in &m.growth {
            s += &format!("| {mode} | {}–{} | {} | {} |\n", b.from_ms, b.to_ms, fmt(b.soma_rmse_mv), fmt(b.segments_rmse_mv_mean));
        }
    }
    s += "\n## Figures\n\n![traces](traces.png)\n\n![ROC](roc.png)\n\n![error growth](error_growth.png)\n\n";
    for (file, alt) in [
        ("segment_error.png", "per-segment error by region and distance"),
        ("morphology_error.png", "per-segment RMSE on the morphology"),
        ("voltage_map.png", "voltage maps of all segments, true vs predicted"),
        ("training.png", "training curves"),
    ] {
        if out.join(file).exists() {
            s += &format!("![{alt}]({file})\n\n");
        }
    }
    let p = out.join("report.md");
    std::fs::write(&p, s).with_context(|| format!("writing {}", p.display()))
}
