//! Region / path-distance summaries and free-running error growth (`lfdeep evaluate`),
//! checked against values worked out by hand on tiny made-up predictions.

use lfdeep_nn::data::Simulation;
use lfdeep_nn::eval::{distance_bins, error_growth, summarize_groups, SimPrediction, VoltageMetrics};

fn close(a: f64, b: f64, what: &str) {
    assert!((a - b).abs() < 1e-6, "{what}: got {a}, expected {b}");
}

/// A 10 ms simulation with two segments at −70 mV and the soma at −70 mV (a spike, +20 mV,
/// at t = 6), predicted from `first_ms` on with the given errors (prediction − truth).
fn case(first_ms: usize, soma_err: [f32; 10], seg_err: [[f32; 10]; 2]) -> (Simulation, SimPrediction) {
    let dur = 10;
    let mut soma_v = vec![-70.0f32; dur];
    soma_v[6] = 20.0;
    let sim = Simulation { duration_ms: dur, input_spikes: vec![], segment_v: vec![-70.0; 2 * dur], n_segments: 2, soma_v, output_spikes_ms: vec![6.0] };
    let mut p = SimPrediction { duration_ms: dur, first_ms, spike_prob: vec![f64::NAN; dur], soma_mv: vec![f32::NAN; dur], segment_mv: vec![f32::NAN; 2 * dur] };
    for t in first_ms..dur {
        // The soma target is the true trace clipped at −55 mV, so the spike counts as −55.
        let truth = if t == 6 { -55.0 } else { -70.0 };
        p.soma_mv[t] = truth + soma_err[t];
        for s in 0..2 {
            p.segment_mv[s * dur + t] = -70.0 + seg_err[s][t];
        }
        p.spike_prob[t] = 0.5;
    }
    (sim, p)
}

#[test]
fn error_growth_bins_pool_simulations_from_their_first_predicted_ms() {
    // Simulation A: predicted from t = 2; simulation B: from t = 5. ignore_ms = 4, bins of 3 ms.
    let (sa, pa) = case(2, [0., 0., 9., 9., 2., 1., -1., 1., 3., -4.], [[2.; 10], [0., 0., 0., 0., 0., 3., 3., 3., 0., 0.]]);
    let (sb, pb) = case(5, [0., 0., 0., 0., 0., 2., 2., 2., 2., 2.], [[0.; 10], [0.; 10]]);
    let g = error_growth(&[&sa, &sb], &[&pa, &pb], 4, -55.0, 3).unwrap();
    // Bin 0 (0–3 ms after the start): A at t = 4 only (t = 2, 3 are ignored), B at t = 5, 6, 7.
    // Bin 1 (3–6 ms): A at t = 5, 6, 7; B at t = 8, 9. Bin 2 (6–9 ms): A at t = 8, 9.
    assert_eq!(g.iter().map(|b| (b.from_ms, b.to_ms, b.n_ms)).collect::<Vec<_>>(), vec![(0, 3, 4), (3, 6, 5), (6, 9, 2)]);
    // Soma: bin 0 squared errors 4 + 3·4 = 16 over 4; bin 1 3·1 + 2·4 = 11 over 5; bin 2 9 + 16 over 2.
    close(g[0].soma_rmse_mv, 2.0, "bin 0 soma");
    close(g[1].soma_rmse_mv, (11.0f64 / 5.0).sqrt(), "bin 1 soma");
    close(g[2].soma_rmse_mv, 12.5f64.sqrt(), "bin 2 soma");
    // Segments: per-segment RMSE pooled over simulations, then the mean of the two.
    close(g[0].segments_rmse_mv_mean, 0.5 * ((4.0f64 / 4.0).sqrt() + 0.0), "bin 0 segments");
    close(g[1].segments_rmse_mv_mean, 0.5 * ((12.0f64 / 5.0).sqrt() + (27.0f64 / 5.0).sqrt()), "bin 1 segments");
    close(g[2].segments_rmse_mv_mean, 0.5 * (2.0 + 0.0), "bin 2 segments");
}

#[test]
fn error_growth_without_dendritic_predictions_reports_soma_only() {
    let (sim, mut p) = case(2, [1.; 10], [[0.; 10]; 2]);
    p.segment_mv.clear();
    let g = error_growth(&[&sim], &[&p], 0, -55.0, 4).unwrap();
    assert_eq!(g.iter().map(|b| b.n_ms).collect::<Vec<_>>(), vec![4, 4]);
    close(g[0].soma_rmse_mv, 1.0, "soma");
    assert!(g[0].segments_rmse_mv_mean.is_nan());
    assert!(error_growth(&[&sim], &[&p], 0, -55.0, 0).is_err(), "a 0 ms bin is an error");
}

#[test]
fn group_summaries_average_the_per_segment_metrics() {
    let m = VoltageMetrics {
        rmse_mv: vec![1.0, 2.0, 3.0, 10.0],
        mae_mv: vec![0.0; 4],
        explained_variance: vec![0.5, 0.9, 0.1, -1.0],
        pearson: vec![0.8, 0.95, 0.4, 0.0],
    };
    let groups = vec![("a".to_string(), vec![0, 2, 3]), ("empty".to_string(), vec![]), ("b".to_string(), vec![1])];
    let s = summarize_groups(&m, &groups);
    assert_eq!(s.iter().map(|g| (g.name.as_str(), g.n_segments)).collect::<Vec<_>>(), vec![("a", 3), ("b", 1)]);
    close(s[0].rmse_mv_mean, 14.0 / 3.0, "a rmse mean");
    close(s[0].rmse_mv_median, 3.0, "a rmse median");
    close(s[0].explained_variance_mean, (0.5 + 0.1 - 1.0) / 3.0, "a EV");
    close(s[0].pearson_mean, 1.2 / 3.0, "a r");
    close(s[1].rmse_mv_mean, 2.0, "b rmse");
    // Even count: the median is the mean of the middle two.
    let s = summarize_groups(&m, &[("all".into(), vec![0, 1, 2, 3])]);
    close(s[0].rmse_mv_median, 2.5, "median of four");
}

#[test]
fn distance_bins_are_half_open_and_skip_empty_bins() {
    let d = [10.0, 250.0, 199.9, 400.0, f64::NAN, 0.0, 1050.0];
    let b = distance_bins(&d, 200.0);
    let got: Vec<(&str, &[usize])> = b.iter().map(|(n, i)| (n.as_str(), i.as_slice())).collect();
    assert_eq!(got, vec![("0-200 um", &[0, 2, 5][..]), ("200-400 um", &[1][..]), ("400-600 um", &[3][..]), ("1000-1200 um", &[6][..])]);
}
