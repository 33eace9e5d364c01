//! Gaussian smoothing of block-constant rates, as the published generator does it:
//! `scipy.signal.convolve(rate, w, mode="same")` with `w = gaussian(1 + 7σ, std=σ)`
//! normalised to unit sum (zero padding at both ends, so the rate dips near the edges).
//!
//! Rows share their block boundaries, so the window is integrated once per (time, block)
//! through prefix sums and each row is a short weighted sum of its block levels: the cost
//! is O(T · blocks in reach) instead of O(T · window length) per row.

/// The normalised window `exp(-½((n − (M−1)/2)/σ)²)`, `n = 0..M`, `M = 1 + 7σ`.
pub fn gaussian_window(sigma_ms: usize) -> Vec<f64> {
    let m = 1 + 7 * sigma_ms;
    let c = (m as f64 - 1.0) / 2.0;
    let s = sigma_ms.max(1) as f64;
    let mut w: Vec<f64> = (0..m).map(|n| (-0.5 * ((n as f64 - c) / s).powi(2)).exp()).collect();
    let total: f64 = w.iter().sum();
    w.iter_mut().for_each(|v| *v /= total);
    w
}

/// For each time bin, the (block index, weight) pairs such that the smoothed value of a
/// block-constant signal with levels `l_b` is `Σ weight · l_b`. Blocks have length
/// `block_ms` (the last one cropped at `duration_ms`).
pub fn block_smoothing_weights(duration_ms: usize, block_ms: usize, sigma_ms: usize) -> Vec<Vec<(usize, f64)>> {
    let w = gaussian_window(sigma_ms);
    let m = w.len() as isize;
    let mut cw = vec![0.0; w.len() + 1];
    for (k, v) in w.iter().enumerate() {
        cw[k + 1] = cw[k] + v;
    }
    // "same" mode keeps full-convolution outputs starting at (M−1)/2.
    let c = (m - 1) / 2;
    let t_len = duration_ms as isize;
    let nb = duration_ms.div_ceil(block_ms);
    (0..t_len)
        .map(|t| {
            // Inputs j contribute through w[t + c − j], valid for j in (t + c − M, t + c].
            let jlo = (t + c - m + 1).max(0);
            let jhi = (t + c).min(t_len - 1);
            let mut out = Vec::new();
            if jlo > jhi {
                return out;
            }
            let (b0, b1) = (jlo as usize / block_ms, jhi as usize / block_ms);
            for b in b0..=b1.min(nb - 1) {
                let s = (b * block_ms) as isize;
                let e = (((b + 1) * block_ms).min(duration_ms) as isize) - 1;
                let (lo, hi) = (s.max(jlo), e.min(jhi));
                if lo > hi {
                    continue;
                }
                // Σ_{j=lo..hi} w[t + c − j] = Σ_{k=t+c−hi..t+c−lo} w[k]
                let (klo, khi) = ((t + c - hi) as usize, (t + c - lo) as usize);
                out.push((b, cw[khi + 1] - cw[klo]));
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct "same" convolution, written the obvious way, as the reference.
    fn direct_same(x: &[f64], w: &[f64]) -> Vec<f64> {
        let (n, m) = (x.len() as isize, w.len() as isize);
        let c = (m - 1) / 2;
        (0..n)
            .map(|t| {
                let mut s = 0.0;
                for j in 0..n {
                    let k = t + c - j;
                    if k >= 0 && k < m {
                        s += x[j as usize] * w[k as usize];
                    }
                }
                s
            })
            .collect()
    }

    #[test]
    fn window_is_normalised_symmetric_and_has_the_requested_sd() {
        let w = gaussian_window(40);
        assert_eq!(w.len(), 281);
        assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        for k in 0..w.len() {
            assert!((w[k] - w[w.len() - 1 - k]).abs() < 1e-15);
        }
        let c = 140.0;
        let var: f64 = w.iter().enumerate().map(|(k, v)| v * (k as f64 - c).powi(2)).sum();
        // ±3.5σ truncation removes ~0.2 % of the variance.
        assert!((var.sqrt() - 40.0).abs() < 0.2, "sd {}", var.sqrt());
    }

    #[test]
    fn block_weights_equal_direct_convolution() {
        for &(dur, block, sigma) in &[(300usize, 37usize, 11usize), (250, 60, 30), (100, 7, 3), (90, 100, 20)] {
            let levels: Vec<f64> = (0..dur.div_ceil(block)).map(|b| 1.0 + (b as f64 * 1.7).sin()).collect();
            let x: Vec<f64> = (0..dur).map(|t| levels[t / block]).collect();
            let reference = direct_same(&x, &gaussian_window(sigma));
            let wts = block_smoothing_weights(dur, block, sigma);
            for t in 0..dur {
                let v: f64 = wts[t].iter().map(|&(b, w)| w * levels[b]).sum();
                assert!((v - reference[t]).abs() < 1e-12, "t {t}: {v} vs {}", reference[t]);
            }
        }
    }
}
