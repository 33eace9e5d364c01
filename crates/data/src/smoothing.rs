//! Gaussian smoothing of block-constant rates, as `scipy.signal.convolve(x, w, mode='same')`
//! with `w = scipy.signal.windows.gaussian(1 + 7σ, σ) / sum`.
//!
//! The rates are constant within blocks of T_c ms, so instead of a direct convolution
//! (T·(1+7σ) operations per row) each output sample is a short dot product of the row's block
//! values with a banded kernel shared by all rows: K[t][b] = the window mass that block b
//! contributes at t. The kernel is built from the window's prefix sums. Plain scalar f64
//! code: identical results on every machine.

/// scipy's `gaussian(M, std)`, normalised to sum 1.
pub fn gaussian_window(len: usize, sigma: f64) -> Vec<f64> {
    let mid = (len as f64 - 1.0) / 2.0;
    let mut w: Vec<f64> = (0..len).map(|n| (-0.5 * ((n as f64 - mid) / sigma).powi(2)).exp()).collect();
    let s: f64 = w.iter().sum();
    for v in &mut w {
        *v /= s;
    }
    w
}

/// The banded smoothing operator for one (T, T_c, σ).
pub struct BlockSmoother {
    /// First block contributing at each t.
    first_block: Vec<usize>,
    /// Offsets into `weights` per t (len T+1).
    offsets: Vec<usize>,
    weights: Vec<f64>,
}

impl BlockSmoother {
    /// `duration_ms` samples, blocks of `block_ms`, window `1 + 7σ` samples.
    pub fn new(duration_ms: usize, block_ms: usize, sigma_ms: usize) -> Self {
        let t_len = duration_ms;
        let m = 1 + 7 * sigma_ms;
        let w = gaussian_window(m, sigma_ms as f64);
        // prefix[k] = Σ_{k' < k} w[k']
        let mut prefix = vec![0.0; m + 1];
        for k in 0..m {
            prefix[k + 1] = prefix[k] + w[k];
        }
        // scipy 'same': output t is full-convolution index t + (M−1)/2 (integer division).
        let c = (m - 1) / 2;
        let mut first_block = Vec::with_capacity(t_len);
        let mut offsets = Vec::with_capacity(t_len + 1);
        let mut weights = Vec::new();
        offsets.push(0);
        for t in 0..t_len {
            // Inputs j with window index k = t + c − j in [0, M−1] and j in [0, T−1].
            let hi = (t + c).min(t_len - 1) as i64;
            let lo = (t as i64 + c as i64 - (m as i64 - 1)).max(0);
            if lo > hi {
                first_block.push(0);
                offsets.push(weights.len());
                continue;
            }
            let (lo, hi) = (lo as usize, hi as usize);
            let b0 = lo / block_ms;
            let b1 = hi / block_ms;
            first_block.push(b0);
            for b in b0..=b1 {
                let ja = (b * block_ms).max(lo);
                let jb = ((b + 1) * block_ms - 1).min(hi);
                // Σ_{j=ja}^{jb} w[t+c−j] = prefix[t+c−ja+1] − prefix[t+c−jb]
                weights.push(prefix[t + c - ja + 1] - prefix[t + c - jb]);
            }
            offsets.push(weights.len());
        }
        BlockSmoother { first_block, offsets, weights }
    }

    /// Smooth one row given its per-block values; writes `out[t]` for t in 0..T.
    pub fn smooth_into(&self, block_values: &[f64], out: &mut [f64]) {
        for (t, o) in out.iter_mut().enumerate() {
            let ws = &self.weights[self.offsets[t]..self.offsets[t + 1]];
            let vs = &block_values[self.first_block[t]..self.first_block[t] + ws.len()];
            let mut acc = 0.0;
            for (w, v) in ws.iter().zip(vs) {
                acc += w * v;
            }
            *o = acc;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Direct 'same'-mode convolution, the definition.
    fn direct(x: &[f64], w: &[f64]) -> Vec<f64> {
        let (n, m) = (x.len(), w.len());
        let c = (m - 1) / 2;
        (0..n)
            .map(|t| {
                let mut acc = 0.0;
                for k in 0..m {
                    let j = t as i64 + c as i64 - k as i64;
                    if j >= 0 && (j as usize) < n {
                        acc += w[k] * x[j as usize];
                    }
                }
                acc
            })
            .collect()
    }

    #[test]
    fn banded_equals_direct_convolution_for_odd_and_even_windows() {
        // σ odd → 1+7σ even (the centring matters), σ even → odd window; window longer than T too.
        for &(t_len, block, sigma) in &[(300usize, 7usize, 5usize), (300, 13, 8), (120, 25, 30), (50, 3, 1)] {
            let nb = t_len.div_ceil(block);
            let vals: Vec<f64> = (0..nb).map(|b| ((b * 37 % 11) as f64) * 0.1 + 0.01).collect();
            let x: Vec<f64> = (0..t_len).map(|t| vals[t / block]).collect();
            let want = direct(&x, &gaussian_window(1 + 7 * sigma, sigma as f64));
            let mut got = vec![0.0; t_len];
            BlockSmoother::new(t_len, block, sigma).smooth_into(&vals, &mut got);
            for t in 0..t_len {
                assert!((got[t] - want[t]).abs() < 1e-12, "T={t_len} Tc={block} σ={sigma} t={t}: {} vs {}", got[t], want[t]);
            }
        }
    }
}
