//! Spike detection on recorded traces.

/// Times of upward crossings of `threshold_mv`: sample k counts when v[k−1] < θ ≤ v[k]
/// (the time reported is t[k], as NEURON's fixed-step threshold detection reports the step
/// at which the crossing is seen).
pub fn threshold_crossings(t_ms: &[f64], v: &[f64], threshold_mv: f64) -> Vec<f64> {
    let mut out = Vec::new();
    for k in 1..v.len() {
        if v[k - 1] < threshold_mv && v[k] >= threshold_mv {
            out.push(t_ms[k]);
        }
    }
    out
}

/// NeuronIO's rule: times of local maxima above `threshold_mv` (−25 mV), a sample strictly
/// greater than its left neighbour and at least its right neighbour.
pub fn local_maxima_above(t_ms: &[f64], v: &[f64], threshold_mv: f64) -> Vec<f64> {
    let mut out = Vec::new();
    for k in 1..v.len().saturating_sub(1) {
        if v[k] > threshold_mv && v[k] > v[k - 1] && v[k] >= v[k + 1] {
            out.push(t_ms[k]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn crossings_and_maxima() {
        let t: Vec<f64> = (0..8).map(|k| k as f64).collect();
        let v = [-70.0, -20.0, 10.0, -5.0, -30.0, -9.0, -10.0, -60.0];
        assert_eq!(threshold_crossings(&t, &v, -10.0), vec![2.0, 5.0]);
        assert_eq!(local_maxima_above(&t, &v, -25.0), vec![2.0, 5.0]);
    }
}
