//! `dataset summary`: output firing statistics and input rates of a store.

use crate::error::Result;
use crate::store::Store;
use serde::Serialize;
use std::path::Path;

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub simulations: u64,
    pub committed: u64,
    pub duration_ms: u64,
    /// Per committed simulation: output rate (Hz).
    pub output_rate_hz: Vec<f64>,
    /// Per simulation with ≥ 3 output spikes: CV of the inter-spike intervals.
    pub isi_cv: Vec<f64>,
    /// Fraction of all 1 ms bins holding an output spike.
    pub fraction_1ms_bins_with_spike: f64,
    /// Fraction of all non-overlapping 100 ms windows holding an output spike.
    pub fraction_100ms_windows_with_spike: f64,
    /// Per simulation: mean excitatory and inhibitory input rate per synapse (Hz).
    pub exc_rate_hz: Vec<f64>,
    pub inh_rate_hz: Vec<f64>,
}

fn quantiles(v: &[f64]) -> String {
    if v.is_empty() {
        return "n/a".into();
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let q = |p: f64| s[((s.len() - 1) as f64 * p).round() as usize];
    let mean = s.iter().sum::<f64>() / s.len() as f64;
    format!("mean {mean:.3}  min {:.3}  q25 {:.3}  median {:.3}  q75 {:.3}  max {:.3}", q(0.0), q(0.25), q(0.5), q(0.75), q(1.0))
}

impl Summary {
    pub fn text(&self) -> String {
        format!(
            "simulations: {} ({} committed), {} ms each\n\
             output rate (Hz): {}\n\
             ISI CV ({} simulations with ≥ 3 spikes): {}\n\
             1 ms bins with a somatic spike: {:.5}\n\
             100 ms windows with a somatic spike: {:.4}\n\
             excitatory input rate per synapse (Hz): {}\n\
             inhibitory input rate per synapse (Hz): {}\n",
            self.simulations,
            self.committed,
            self.duration_ms,
            quantiles(&self.output_rate_hz),
            self.isi_cv.len(),
            quantiles(&self.isi_cv),
            self.fraction_1ms_bins_with_spike,
            self.fraction_100ms_windows_with_spike,
            quantiles(&self.exc_rate_hz),
            quantiles(&self.inh_rate_hz),
        )
    }
}

pub fn summarize(dir: &Path) -> Result<Summary> {
    let st = Store::open(dir)?;
    let i = &st.info;
    let t = i.duration_ms;
    let committed = st.committed()?;
    let mut s = Summary {
        simulations: i.simulations,
        committed: 0,
        duration_ms: t,
        output_rate_hz: vec![],
        isi_cv: vec![],
        fraction_1ms_bins_with_spike: 0.0,
        fraction_100ms_windows_with_spike: 0.0,
        exc_rate_hz: vec![],
        inh_rate_hz: vec![],
    };
    let (mut bins, mut wins, mut wins_total) = (0u64, 0u64, 0u64);
    let n_win = t / 100;
    for k in 0..i.simulations {
        if !committed[k as usize] {
            continue;
        }
        s.committed += 1;
        let sp = st.output_spikes(k)?;
        s.output_rate_hz.push(sp.len() as f64 / (t as f64 / 1000.0));
        if sp.len() >= 3 {
            let isi: Vec<f64> = sp.windows(2).map(|w| w[1] - w[0]).collect();
            let m = isi.iter().sum::<f64>() / isi.len() as f64;
            let sd = (isi.iter().map(|x| (x - m).powi(2)).sum::<f64>() / isi.len() as f64).sqrt();
            s.isi_cv.push(sd / m);
        }
        let mut b: Vec<u64> = sp.iter().map(|&x| x.floor() as u64).collect();
        b.dedup();
        bins += b.len() as u64;
        let mut w: Vec<u64> = b.iter().map(|x| x / 100).filter(|&x| x < n_win).collect();
        w.dedup();
        wins += w.len() as u64;
        wins_total += n_win;
        let off = st.input_offsets(k)?;
        let (ne, ni) = (i.n_exc as usize, i.n_inh as usize);
        let secs = t as f64 / 1000.0;
        if ne > 0 {
            s.exc_rate_hz.push(off[ne] as f64 / ne as f64 / secs);
        }
        if ni > 0 {
            s.inh_rate_hz.push((off[ne + ni] - off[ne]) as f64 / ni as f64 / secs);
        }
    }
    if s.committed > 0 {
        s.fraction_1ms_bins_with_spike = bins as f64 / (s.committed * t) as f64;
    }
    if wins_total > 0 {
        s.fraction_100ms_windows_with_spike = wins as f64 / wins_total as f64;
    }
    Ok(s)
}
