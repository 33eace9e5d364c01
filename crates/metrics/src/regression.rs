//! Voltage prediction metrics.

/// Root-mean-square error (same units as the inputs).
pub fn rmse(truth: &[f64], pred: &[f64]) -> f64 {
    assert_eq!(truth.len(), pred.len());
    (truth.iter().zip(pred).map(|(a, b)| (a - b).powi(2)).sum::<f64>() / truth.len() as f64).sqrt()
}

/// Mean absolute error.
pub fn mae(truth: &[f64], pred: &[f64]) -> f64 {
    assert_eq!(truth.len(), pred.len());
    truth.iter().zip(pred).map(|(a, b)| (a - b).abs()).sum::<f64>() / truth.len() as f64
}

fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len() as f64
}

fn variance(x: &[f64]) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / x.len() as f64
}

/// Explained variance 1 − Var(truth − pred) / Var(truth), as scikit-learn's
/// `explained_variance_score` (a constant truth gives 1 if predicted exactly, else 0).
pub fn explained_variance(truth: &[f64], pred: &[f64]) -> f64 {
    assert_eq!(truth.len(), pred.len());
    let resid: Vec<f64> = truth.iter().zip(pred).map(|(a, b)| a - b).collect();
    let (vr, vt) = (variance(&resid), variance(truth));
    if vt == 0.0 {
        return if vr == 0.0 { 1.0 } else { 0.0 };
    }
    1.0 - vr / vt
}

/// Pearson correlation coefficient (NaN if either input is constant).
pub fn pearson(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let (ma, mb) = (mean(a), mean(b));
    let mut sab = 0.0;
    let mut saa = 0.0;
    let mut sbb = 0.0;
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma).powi(2);
        sbb += (y - mb).powi(2);
    }
    sab / (saa * sbb).sqrt()
}
