//! Tiny dense linear algebra for N×N matrices with N of a few tens.

/// Lower-triangular L with L·Lᵀ = m, or None if m is not positive definite.
pub fn cholesky(m: &[Vec<f64>]) -> Option<Vec<Vec<f64>>> {
    let n = m.len();
    let mut l = vec![vec![0.0; n]; n];
    for i in 0..n {
        for j in 0..=i {
            let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
            if i == j {
                let d = m[i][i] - s;
                if !(d > 0.0) {
                    return None;
                }
                l[i][i] = d.sqrt();
            } else {
                l[i][j] = (m[i][j] - s) / l[j][j];
            }
        }
    }
    Some(l)
}

/// Smallest δ ≥ 0 (to 1e-9) such that `offdiag(c) + δ·I` is positive definite, by bisection
/// on the success of Cholesky; None if not found below `max`.
pub fn min_diagonal_completion(c: &[Vec<f64>], max: f64) -> Option<f64> {
    let n = c.len();
    let with = |d: f64| -> Vec<Vec<f64>> {
        (0..n).map(|i| (0..n).map(|j| if i == j { d } else { c[i][j] }).collect()).collect()
    };
    if cholesky(&with(max)).is_none() {
        return None;
    }
    let (mut lo, mut hi) = (0.0, max);
    if cholesky(&with(1e-9)).is_some() {
        return Some(1e-9);
    }
    while hi - lo > 1e-9 {
        let mid = 0.5 * (lo + hi);
        if cholesky(&with(mid)).is_some() {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Some(hi)
}
