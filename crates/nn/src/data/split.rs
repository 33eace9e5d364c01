//! Train / validation / test splits **by simulation**: no window of one split ever overlaps a
//! simulation of another.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::{NnError, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Splits {
    pub train: Vec<usize>,
    pub val: Vec<usize>,
    pub test: Vec<usize>,
}

/// Shuffles the simulation indices with `seed` and cuts them; each non-zero fraction gets at
/// least one simulation, and training keeps at least one.
pub fn split_by_simulation(n: usize, val_fraction: f64, test_fraction: f64, seed: u64) -> Result<Splits> {
    for (name, f) in [("val_fraction", val_fraction), ("test_fraction", test_fraction)] {
        if !(0.0..1.0).contains(&f) {
            return Err(NnError::config(format!("data.{name}"), format!("must be in [0, 1), got {f}")));
        }
    }
    let count = |f: f64| if f > 0.0 { ((n as f64 * f).round() as usize).max(1) } else { 0 };
    let (nv, nt) = (count(val_fraction), count(test_fraction));
    if nv + nt >= n {
        return Err(NnError::Data(format!(
            "{n} simulations cannot give {nv} validation + {nt} test simulations and still leave one for training"
        )));
    }
    let mut idx: Vec<usize> = (0..n).collect();
    idx.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
    let val = idx[..nv].to_vec();
    let test = idx[nv..nv + nt].to_vec();
    let mut train = idx[nv + nt..].to_vec();
    train.sort_unstable();
    Ok(Splits { train, val, test })
}
