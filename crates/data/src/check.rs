//! `dataset check`: verify a store is complete and internally consistent.

use crate::error::Result;
use crate::store::Store;
use std::path::Path;

#[derive(Debug, Clone, Default)]
pub struct CheckReport {
    pub simulations: u64,
    pub committed: u64,
    pub complete: bool,
    /// Human-readable problems; empty means the store is good.
    pub problems: Vec<String>,
}

impl CheckReport {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Check every owned simulation: committed, readable, finite, spike times in range and
/// ordered, offsets consistent; and that the status matches the commit markers.
pub fn check(dir: &Path) -> Result<CheckReport> {
    let s = Store::open(dir)?;
    let info = &s.info;
    let mut r = CheckReport { simulations: info.simulations, ..Default::default() };
    let committed = s.committed()?;
    let t = info.duration_ms as f64;
    for i in 0..info.simulations {
        let owned = i >= info.owned[0] && i < info.owned[1];
        let c = committed[i as usize];
        if !owned {
            if c {
                r.problems.push(format!("simulation {i}: committed but outside the owned range {}..{}", info.owned[0], info.owned[1]));
            }
            continue;
        }
        if !c {
            r.problems.push(format!("simulation {i}: not committed"));
            continue;
        }
        r.committed += 1;
        let rec = match s.read_simulation(i) {
            Ok(x) => x,
            Err(e) => {
                r.problems.push(format!("simulation {i}: unreadable: {e}"));
                continue;
            }
        };
        for (name, v) in [
            ("soma highres", &rec.soma_highres_mv),
            ("nexus highres", &rec.nexus_highres_mv),
            ("soma lowres", &rec.soma_lowres_mv),
            ("nexus lowres", &rec.nexus_lowres_mv),
            ("segment voltages", &rec.segment_lowres_mv),
        ] {
            if let Some(k) = v.iter().position(|x| !x.is_finite()) {
                r.problems.push(format!("simulation {i}: {name} sample {k} is not finite"));
            }
        }
        let o = &rec.output_spike_times_ms;
        if o.iter().any(|x| !(x.is_finite() && *x >= 0.0 && *x < t)) || o.windows(2).any(|w| w[0] >= w[1]) {
            r.problems.push(format!("simulation {i}: output spike times not increasing within [0, {t}) ms"));
        }
        for (y, row) in rec.input_spikes_ms.iter().enumerate() {
            if row.windows(2).any(|w| w[0] >= w[1]) || row.iter().any(|&x| x as u64 >= info.duration_ms) {
                r.problems.push(format!("simulation {i}: synapse {y} spike times not increasing within the duration"));
                break;
            }
        }
    }
    r.complete = r.committed == info.owned[1] - info.owned[0];
    if info.status == "complete" && !r.complete {
        r.problems.push("status says complete but some simulations are not committed".into());
    }
    if info.status != "complete" {
        r.problems.push(format!("status is '{}' ({} of {} simulations committed): resume the run to finish it", info.status, r.committed, info.owned[1] - info.owned[0]));
    }
    if s.path.to_string_lossy().ends_with(".partial") && info.status == "complete" {
        r.problems.push("store is complete but still has its .partial name".into());
    }
    Ok(r)
}
