//! Measured rates and count correlations of spike trains.

/// Spike counts of each train in consecutive windows `[k·w, (k+1)·w)` covering `duration_ms`
/// (a last partial window is dropped). Returns [train][window].
pub fn window_counts(trains: &[Vec<f64>], window_ms: f64, duration_ms: f64) -> Vec<Vec<f64>> {
    let nw = (duration_ms / window_ms).floor() as usize;
    trains
        .iter()
        .map(|tr| {
            let mut c = vec![0.0; nw];
            for &t in tr {
                let k = (t / window_ms).floor();
                if k >= 0.0 && (k as usize) < nw {
                    c[k as usize] += 1.0;
                }
            }
            c
        })
        .collect()
}

/// Rates (Hz) and the Pearson correlation matrix of window counts.
#[derive(Clone, Debug, serde::Serialize)]
pub struct CountStatistics {
    pub rates_hz: Vec<f64>,
    pub corr: Vec<Vec<f64>>,
    pub windows: usize,
}

pub fn count_statistics(counts: &[Vec<f64>], window_ms: f64) -> CountStatistics {
    let n = counts.len();
    let w = counts.first().map_or(0, |c| c.len());
    let means: Vec<f64> = counts.iter().map(|c| c.iter().sum::<f64>() / w as f64).collect();
    let centred: Vec<Vec<f64>> = counts.iter().zip(&means).map(|(c, m)| c.iter().map(|v| v - m).collect()).collect();
    let dot = |a: &[f64], b: &[f64]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f64>();
    let var: Vec<f64> = centred.iter().map(|c| dot(c, c)).collect();
    let corr = (0..n)
        .map(|i| (0..n).map(|j| dot(&centred[i], &centred[j]) / (var[i] * var[j]).sqrt()).collect())
        .collect();
    CountStatistics { rates_hz: means.iter().map(|m| m / window_ms * 1000.0).collect(), corr, windows: w }
}
