//! Brette 2009 generators: over long trains, measured rates and pairwise count
//! correlations must match the targets within a stated statistical tolerance.
//!
//! Tolerances (z = 4.5 standard errors, so the 36 + 8 checks per generator would all pass
//! by chance with probability > 0.9997 if the generator is right):
//! - rate: the count over T is Poisson (mixture) or overdispersed by 1/(1 − δ) (Cox), so
//!   SE(rate) = √(r·T·f)/T with f = 1 or 1/(1 − δ);
//! - correlation: n independent windows (W ≫ τ_c) give SE(ρ̂) ≈ (1 − ρ²)/√n.

use lfdeep_studies::correlated::{count_statistics, window_counts, CorrelationTarget, CoxGenerator, Mixture};
use lfdeep_studies::rng::{stream, Purpose};

const Z: f64 = 4.5;

fn block_target(rates: Vec<f64>, window_ms: f64, within: f64, between: f64) -> CorrelationTarget {
    let n = rates.len();
    let corr = (0..n)
        .map(|i| (0..n).map(|j| if i == j { 1.0 } else if (i < n / 2) == (j < n / 2) { within } else { between }).collect())
        .collect();
    CorrelationTarget { rates_hz: rates, corr, window_ms }
}

fn check(target: &CorrelationTarget, trains: &[Vec<f64>], duration_ms: f64, overdispersion: f64) {
    let w = target.window_ms;
    let stats = count_statistics(&window_counts(trains, w, duration_ms), w);
    let t_s = duration_ms / 1000.0;
    let n = stats.windows as f64;
    for (i, (&got, &want)) in stats.rates_hz.iter().zip(&target.rates_hz).enumerate() {
        let se = (want * t_s * overdispersion).sqrt() / t_s;
        assert!((got - want).abs() < Z * se, "train {i}: rate {got:.3} Hz vs {want} ± {:.3}", Z * se);
    }
    let mut worst = 0.0f64;
    for i in 0..trains.len() {
        for j in (i + 1)..trains.len() {
            let (got, want) = (stats.corr[i][j], target.corr[i][j]);
            let se = (1.0 - want * want) / n.sqrt();
            worst = worst.max((got - want).abs() / se);
            assert!((got - want).abs() < Z * se, "pair ({i},{j}): corr {got:.4} vs {want} ± {:.4}", Z * se);
        }
    }
    eprintln!("worst correlation deviation: {worst:.2} standard errors over {n} windows");
}

#[test]
fn mixture_method_meets_heterogeneous_block_targets() {
    let target = block_target(vec![10.0, 15.0, 20.0, 25.0, 30.0, 12.0, 18.0, 24.0], 100.0, 0.25, 0.05);
    let mixture = Mixture::from_target(&target).unwrap();
    let duration = 4_000_000.0; // 4000 s → 40,000 windows, SE(ρ) ≈ 0.005
    let trains = mixture.generate(duration, 0.0, &mut stream(3, 0, Purpose::SpikeTrains));
    check(&target, &trains, duration, 1.0);
}

#[test]
fn cox_method_meets_targets_including_a_negative_correlation() {
    let mut target = block_target(vec![40.0, 50.0, 60.0, 45.0, 55.0, 50.0], 200.0, 0.15, 0.02);
    target.corr[0][5] = -0.05;
    target.corr[5][0] = -0.05;
    let cox = CoxGenerator::new(&target, 20.0, 1.0).unwrap();
    let duration = 6_000_000.0; // 6000 s → 30,000 windows of 200 ms (≫ τ_c = 20 ms)
    let out = cox.generate(duration, &mut stream(4, 0, Purpose::SpikeTrains));
    // Rectification would bias the statistics; it must be rare for the test to be fair.
    assert!(out.rectified_fraction < 0.01, "rectified {}", out.rectified_fraction);
    check(&target, &out.trains, duration, 1.0 / (1.0 - cox.delta));
}
