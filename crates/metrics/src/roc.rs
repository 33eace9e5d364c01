//! ROC analysis of a binary target (spike / no spike per ms) against a score.

use serde::Serialize;

/// The ROC curve: false- and true-positive rates at every distinct threshold, from the
/// highest score down (as scikit-learn's `roc_curve(drop_intermediate=False)`, starting at
/// (0, 0)).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RocCurve {
    pub fpr: Vec<f64>,
    pub tpr: Vec<f64>,
    /// Score threshold of each point (the first is +∞).
    pub thresholds: Vec<f64>,
}

/// Compute the ROC curve. Ties in score are one threshold. Returns None if the target has
/// only one class (AUC undefined) or a score is NaN.
pub fn roc_curve(target: &[bool], score: &[f64]) -> Option<RocCurve> {
    assert_eq!(target.len(), score.len(), "target and score lengths differ");
    if score.iter().any(|s| s.is_nan()) {
        return None;
    }
    let pos = target.iter().filter(|&&t| t).count();
    let neg = target.len() - pos;
    if pos == 0 || neg == 0 {
        return None;
    }
    let mut idx: Vec<usize> = (0..score.len()).collect();
    idx.sort_by(|&a, &b| score[b].total_cmp(&score[a]));
    let mut fpr = vec![0.0];
    let mut tpr = vec![0.0];
    let mut thresholds = vec![f64::INFINITY];
    let (mut tp, mut fp) = (0usize, 0usize);
    let mut k = 0;
    while k < idx.len() {
        let s = score[idx[k]];
        while k < idx.len() && score[idx[k]] == s {
            if target[idx[k]] {
                tp += 1;
            } else {
                fp += 1;
            }
            k += 1;
        }
        fpr.push(fp as f64 / neg as f64);
        tpr.push(tp as f64 / pos as f64);
        thresholds.push(s);
    }
    Some(RocCurve { fpr, tpr, thresholds })
}

/// Area under the ROC curve (trapezoidal over the curve, so ties count one half).
pub fn roc_auc(target: &[bool], score: &[f64]) -> Option<f64> {
    let c = roc_curve(target, score)?;
    let mut auc = 0.0;
    for i in 1..c.fpr.len() {
        auc += (c.fpr[i] - c.fpr[i - 1]) * (c.tpr[i] + c.tpr[i - 1]) / 2.0;
    }
    Some(auc)
}

/// True-positive rate at a false-positive rate, linearly interpolated on the ROC curve
/// (as `np.interp(fpr_target, fpr, tpr)`).
pub fn tpr_at_fpr(curve: &RocCurve, fpr_target: f64) -> f64 {
    let (f, t) = (&curve.fpr, &curve.tpr);
    if fpr_target <= f[0] {
        return t[0];
    }
    for i in 1..f.len() {
        if fpr_target <= f[i] {
            let span = f[i] - f[i - 1];
            if span <= 0.0 {
                return t[i];
            }
            let w = (fpr_target - f[i - 1]) / span;
            return t[i - 1] + w * (t[i] - t[i - 1]);
        }
    }
    *t.last().expect("curve has points")
}

/// Discriminability d′ = √2 · Φ⁻¹(AUC) (equal-variance Gaussian model).
pub fn d_prime(auc: f64) -> f64 {
    std::f64::consts::SQRT_2 * inverse_normal_cdf(auc)
}

/// Φ⁻¹(p) by Acklam's rational approximation (relative error below 1.2e-9 over (0, 1)).
pub fn inverse_normal_cdf(p: f64) -> f64 {
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    const A: [f64; 6] = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    const B: [f64; 5] = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    const C: [f64; 6] = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    const D: [f64; 4] = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    let plow = 0.02425;
    if p < plow {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - plow {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        let q = (-2.0 * (1.0 - p).ln()).sqrt();
        -(((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_computed_auc() {
        // Scores 0.1(neg) 0.4(pos) 0.5(neg) 0.8(pos): 3 of 4 pos–neg pairs ordered → 0.75.
        let auc = roc_auc(&[false, true, false, true], &[0.1, 0.4, 0.5, 0.8]).unwrap();
        assert!((auc - 0.75).abs() < 1e-12);
        // A tie between a positive and a negative counts one half.
        let auc = roc_auc(&[false, true], &[0.5, 0.5]).unwrap();
        assert!((auc - 0.5).abs() < 1e-12);
        assert!(roc_auc(&[true, true], &[0.1, 0.2]).is_none());
    }

    #[test]
    fn d_prime_of_known_aucs() {
        assert!(d_prime(0.5).abs() < 1e-12);
        // Φ(1) = 0.8413447460685429 → d′ = √2.
        assert!((d_prime(0.841_344_746_068_542_9) - std::f64::consts::SQRT_2).abs() < 1e-8);
        assert!((inverse_normal_cdf(0.975) - 1.959_963_984_540_054).abs() < 1e-8);
        assert!((inverse_normal_cdf(1e-4) + 3.719_016_485_455_68).abs() < 1e-8);
    }
}
