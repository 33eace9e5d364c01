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
