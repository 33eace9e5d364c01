//! The field's metrics over whole predicted simulations, from `ignore_ms` on (500 ms):
//! spike ROC AUC, TPR at fixed FPRs, d′ = √2·Φ⁻¹(AUC); soma RMSE / MAE / explained variance
//! against the clipped true trace (spikes removed at the z-scoring clip, −55 mV); per-segment
//! RMSE / explained variance / Pearson r over the concatenated simulations; and the same for
//! the headline subset (simulations with 0–24 output spikes).

use serde::Serialize;

use super::predict::SimPrediction;
use crate::data::Simulation;
use crate::error::{NnError, Result};

/// False-positive rates at which the true-positive rate is reported.
pub const FPR_POINTS: [f64; 5] = [1e-4, 1e-3, 0.002, 0.01, 0.1];

#[derive(Debug, Clone, Serialize)]
pub struct VoltageMetrics {
    pub rmse_mv: Vec<f64>,
    pub mae_mv: Vec<f64>,
    pub explained_variance: Vec<f64>,
    pub pearson: Vec<f64>,
}

/// Metrics of one evaluation mode over a set of simulations.
#[derive(Debug, Clone, Serialize)]
pub struct ModeMetrics {
    pub n_sims: usize,
    pub spike_auc: f64,
    pub spike_d_prime: f64,
    pub spike_tpr_at_fpr: Vec<(f64, f64)>,
    pub soma_rmse_mv: f64,
    pub soma_mae_mv: f64,
    pub soma_explained_variance: f64,
    pub soma_pearson: f64,
    /// NaN when the model predicts no dendritic voltages.
    pub segments_rmse_mv_mean: f64,
    pub segments_explained_variance_mean: f64,
    pub segments_pearson_mean: f64,
    /// Per segment (empty when the model predicts no dendritic voltages).
    pub segments: VoltageMetrics,
    /// The ROC curve points (FPR, TPR), thinned to at most ~2000 for figures.
    #[serde(skip)]
    pub roc: Vec<(f64, f64)>,
}

fn mean(v: &[f64]) -> f64 {
    if v.is_empty() {
        f64::NAN
    } else {
        v.iter().sum::<f64>() / v.len() as f64
    }
}

/// Metrics of `preds` against `sims` (same order), from `ignore_ms` on.
pub fn evaluate_predictions(sims: &[&Simulation], preds: &[&SimPrediction], ignore_ms: usize, soma_clip_mv: f32) -> Result<ModeMetrics> {
    if sims.is_empty() || sims.len() != preds.len() {
        return Err(NnError::Data(format!("{} simulations, {} predictions", sims.len(), preds.len())));
    }
    let (mut labels, mut probs) = (Vec::new(), Vec::new());
    let (mut soma_t, mut soma_p) = (Vec::new(), Vec::new());
    let nseg = if preds[0].segment_mv.is_empty() { 0 } else { sims[0].n_segments };
    let mut seg_t = vec![Vec::new(); nseg];
    let mut seg_p = vec![Vec::new(); nseg];
    for (sim, p) in sims.iter().zip(preds) {
        let start = ignore_ms.max(p.first_ms);
        if start >= sim.duration_ms {
            return Err(NnError::Data(format!(
                "a {} ms simulation leaves nothing to evaluate after the first {start} ms (ignored or before the first window)",
                sim.duration_ms
            )));
        }
        let bins = sim.spike_bins();
        let dur = sim.duration_ms;
        for t in start..dur {
            labels.push(bins.binary_search(&t).is_ok());
            probs.push(p.spike_prob[t]);
            soma_t.push(sim.soma_v[t].min(soma_clip_mv) as f64);
            soma_p.push(p.soma_mv[t] as f64);
        }
        for s in 0..nseg {
            seg_t[s].extend(sim.segment(s)[start..].iter().map(|&v| v as f64));
            seg_p[s].extend(p.segment_mv[s * dur + start..(s + 1) * dur].iter().map(|&v| v as f64));
        }
    }
    let curve = lfdeep_metrics::roc_curve(&labels, &probs);
    let (auc, tprs, roc) = match &curve {
        Some(c) => {
            let auc = lfdeep_metrics::roc_auc(&labels, &probs).unwrap_or(f64::NAN);
            let tprs = FPR_POINTS.iter().map(|&f| (f, lfdeep_metrics::tpr_at_fpr(c, f))).collect();
            let stride = (c.fpr.len() / 2000).max(1);
            let mut roc: Vec<(f64, f64)> = c.fpr.iter().zip(&c.tpr).step_by(stride).map(|(&a, &b)| (a, b)).collect();
            roc.push((*c.fpr.last().unwrap(), *c.tpr.last().unwrap()));
            (auc, tprs, roc)
        }
        None => (f64::NAN, FPR_POINTS.iter().map(|&f| (f, f64::NAN)).collect(), Vec::new()),
    };
    let segments = VoltageMetrics {
        rmse_mv: (0..nseg).map(|s| lfdeep_metrics::rmse(&seg_t[s], &seg_p[s])).collect(),
        mae_mv: (0..nseg).map(|s| lfdeep_metrics::mae(&seg_t[s], &seg_p[s])).collect(),
        explained_variance: (0..nseg).map(|s| lfdeep_metrics::explained_variance(&seg_t[s], &seg_p[s])).collect(),
        pearson: (0..nseg).map(|s| lfdeep_metrics::pearson(&seg_t[s], &seg_p[s])).collect(),
    };
    Ok(ModeMetrics {
        n_sims: sims.len(),
        spike_auc: auc,
        spike_d_prime: if auc.is_finite() { lfdeep_metrics::d_prime(auc) } else { f64::NAN },
        spike_tpr_at_fpr: tprs,
        soma_rmse_mv: lfdeep_metrics::rmse(&soma_t, &soma_p),
        soma_mae_mv: lfdeep_metrics::mae(&soma_t, &soma_p),
        soma_explained_variance: lfdeep_metrics::explained_variance(&soma_t, &soma_p),
        soma_pearson: lfdeep_metrics::pearson(&soma_t, &soma_p),
        segments_rmse_mv_mean: mean(&segments.rmse_mv),
        segments_explained_variance_mean: mean(&segments.explained_variance),
        segments_pearson_mean: mean(&segments.pearson),
        segments,
        roc,
    })
}

/// Mean (and median RMSE) of the per-segment metrics over one group of segments (a region, a
/// path-distance bin).
#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    pub name: String,
    pub n_segments: usize,
    pub rmse_mv_mean: f64,
    pub rmse_mv_median: f64,
    pub explained_variance_mean: f64,
    pub pearson_mean: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.retain(|x| x.is_finite());
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// Summaries of `seg` (one entry per segment) over `groups` (name, segment indices); empty
/// groups are left out.
pub fn summarize_groups(seg: &VoltageMetrics, groups: &[(String, Vec<usize>)]) -> Vec<GroupSummary> {
    groups
        .iter()
        .filter(|(_, idx)| !idx.is_empty())
        .map(|(name, idx)| {
            let pick = |xs: &[f64]| idx.iter().map(|&i| xs[i]).collect::<Vec<f64>>();
            GroupSummary {
                name: name.clone(),
                n_segments: idx.len(),
                rmse_mv_mean: mean(&pick(&seg.rmse_mv)),
                rmse_mv_median: median(pick(&seg.rmse_mv)),
                explained_variance_mean: mean(&pick(&seg.explained_variance)),
                pearson_mean: mean(&pick(&seg.pearson)),
            }
        })
        .collect()
}

/// Groups segments by path distance from the soma into bins `[k·bin_um, (k+1)·bin_um)`,
/// named `"0-200 um"` etc.; empty bins are left out, NaN distances go nowhere.
pub fn distance_bins(path_soma_um: &[f64], bin_um: f64) -> Vec<(String, Vec<usize>)> {
    assert!(bin_um > 0.0, "distance bin width must be positive");
    let mut bins: Vec<Vec<usize>> = Vec::new();
    for (i, &d) in path_soma_um.iter().enumerate() {
        if !d.is_finite() {
            continue;
        }
        let k = (d.max(0.0) / bin_um).floor() as usize;
        if bins.len() <= k {
            bins.resize(k + 1, Vec::new());
        }
        bins[k].push(i);
    }
    bins.into_iter()
        .enumerate()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (format!("{}-{} um", k as f64 * bin_um, (k + 1) as f64 * bin_um), v))
        .collect()
}

/// Error in one bin of time since the start of the prediction (the rollout, for free-running).
#[derive(Debug, Clone, Serialize)]
pub struct GrowthBin {
    /// Bin edges in ms since each simulation's first predicted ms (`SimPrediction::first_ms`).
    pub from_ms: usize,
    pub to_ms: usize,
    /// Predicted ms in the bin, summed over simulations.
    pub n_ms: usize,
    /// Soma RMSE against the clipped true trace, pooled over the bin's ms of all simulations.
    pub soma_rmse_mv: f64,
    /// Per-segment RMSE pooled over the bin's ms of all simulations, then averaged over
    /// segments (NaN without dendritic predictions).
    pub segments_rmse_mv_mean: f64,
}

/// How the error grows with time since the start of the prediction: bins of `bin_ms` counted
/// from each simulation's `first_ms`, using only ms at or after `ignore_ms` (the metrics'
/// convention), so bins wholly before `ignore_ms` are left out.
pub fn error_growth(sims: &[&Simulation], preds: &[&SimPrediction], ignore_ms: usize, soma_clip_mv: f32, bin_ms: usize) -> Result<Vec<GrowthBin>> {
    if sims.is_empty() || sims.len() != preds.len() {
        return Err(NnError::Data(format!("{} simulations, {} predictions", sims.len(), preds.len())));
    }
    if bin_ms == 0 {
        return Err(NnError::Data("error-growth bin width must be at least 1 ms".into()));
    }
    let nseg = if preds[0].segment_mv.is_empty() { 0 } else { sims[0].n_segments };
    let nbins = sims.iter().zip(preds).map(|(s, p)| s.duration_ms.saturating_sub(p.first_ms).div_ceil(bin_ms)).max().unwrap_or(0);
    // Sums of squared errors per bin: soma, and per segment.
    let mut n = vec![0usize; nbins];
    let mut soma = vec![0.0f64; nbins];
    let mut seg = vec![vec![0.0f64; nseg]; nbins];
    for (sim, p) in sims.iter().zip(preds) {
        let dur = sim.duration_ms;
        for t in ignore_ms.max(p.first_ms)..dur {
            let k = (t - p.first_ms) / bin_ms;
            n[k] += 1;
            let e = p.soma_mv[t] as f64 - sim.soma_v[t].min(soma_clip_mv) as f64;
            soma[k] += e * e;
            for (s, acc) in seg[k].iter_mut().enumerate() {
                let e = p.segment_mv[s * dur + t] as f64 - sim.segment(s)[t] as f64;
                *acc += e * e;
            }
        }
    }
    Ok((0..nbins)
        .filter(|&k| n[k] > 0)
        .map(|k| {
            let m = n[k] as f64;
            let seg_rmse: Vec<f64> = seg[k].iter().map(|&s| (s / m).sqrt()).collect();
            GrowthBin {
                from_ms: k * bin_ms,
                to_ms: (k + 1) * bin_ms,
                n_ms: n[k],
                soma_rmse_mv: (soma[k] / m).sqrt(),
                segments_rmse_mv_mean: mean(&seg_rmse),
            }
        })
        .collect())
}
