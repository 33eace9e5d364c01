//! Statistical and oracle tests of the NeuronIO input generator.

use lfdeep_data::generator::{draw_block_and_sigma, draw_profile, sample_spikes, spike_probability, DendriteLayout, Tree};
use lfdeep_data::rng::{Purpose, Stream};
use lfdeep_data::InputConfig;

/// The published sets, typed in from the spec (not taken from the crate's defaults).
const BLOCKS: [i64; 18] = [25, 30, 35, 40, 45, 55, 60, 65, 70, 75, 80, 85, 90, 100, 150, 200, 300, 450];
const SIGMAS: [i64; 14] = [25, 30, 35, 40, 50, 60, 80, 100, 150, 200, 300, 400, 500, 600];

/// Exact law of option + int(U(−20, 20)): jitter 0 has mass 2/40, ±1..±19 have 1/40 each.
fn law(options: &[i64]) -> std::collections::BTreeMap<i64, f64> {
    let mut m = std::collections::BTreeMap::new();
    for &o in options {
        for j in -19i64..=19 {
            let p = if j == 0 { 2.0 / 40.0 } else { 1.0 / 40.0 };
            *m.entry(o + j).or_insert(0.0) += p / options.len() as f64;
        }
    }
    m
}

/// Pearson chi-square of observed counts against a law, pooling cells with expectation < 5.
fn chi_square(obs: &std::collections::BTreeMap<i64, u64>, law: &std::collections::BTreeMap<i64, f64>, n: u64) -> (f64, usize) {
    for k in obs.keys() {
        assert!(law.contains_key(k), "value {k} cannot come from the published set ± 19");
    }
    let (mut chi, mut dof, mut pool_o, mut pool_e) = (0.0, 0usize, 0.0, 0.0);
    for (k, p) in law {
        let e = p * n as f64;
        let o = *obs.get(k).unwrap_or(&0) as f64;
        pool_o += o;
        pool_e += e;
        if pool_e >= 5.0 {
            chi += (pool_o - pool_e).powi(2) / pool_e;
            dof += 1;
            pool_o = 0.0;
            pool_e = 0.0;
        }
    }
    (chi, dof - 1)
}

#[test]
fn block_and_sigma_follow_the_published_sets_with_integer_jitter() {
    let cfg = InputConfig::default();
    let n = 40_000u64;
    let (mut ob, mut os) = (Default::default(), Default::default());
    for sim in 0..n {
        let (tc, sg) = draw_block_and_sigma(&cfg, &mut Stream::new(11, sim, Purpose::BlockAndSigma));
        *std::collections::BTreeMap::entry(&mut ob, tc as i64).or_insert(0u64) += 1;
        *std::collections::BTreeMap::entry(&mut os, sg as i64).or_insert(0u64) += 1;
    }
    for (obs, opts, name) in [(&ob, &BLOCKS[..], "T_c"), (&os, &SIGMAS[..], "sigma")] {
        let (chi, dof) = chi_square(obs, &law(opts), n);
        // chi-square with `dof` degrees of freedom: mean dof, sd √(2 dof); 5 sd is far out.
        let limit = dof as f64 + 5.0 * (2.0 * dof as f64).sqrt();
        eprintln!("{name}: chi2 = {chi:.1} on {dof} dof (limit {limit:.1})");
        assert!(chi < limit, "{name}: chi2 {chi} on {dof} dof");
    }
}

fn test_layout() -> DendriteLayout {
    let mut tree = vec![Tree::Basal; 30];
    tree.extend(vec![Tree::Apical; 45]);
    let length_um = (0..75).map(|i| 5.0 + (i * 17 % 40) as f64).collect();
    DendriteLayout { tree, length_um }
}

#[test]
fn block_rates_follow_the_per_tree_formula_with_uniform_segment_factors() {
    let cfg = InputConfig::default();
    let layout = test_layout();
    let t_len = 2000;
    let mut factors = Vec::new();
    for sim in 0..20 {
        let p = draw_profile(&cfg, &layout, t_len, 5, sim);
        assert_eq!(p.n_blocks, t_len.div_ceil(p.block_ms));
        let n = layout.n_segments();
        let mut sum_len = [0.0; 2];
        for i in 0..n {
            sum_len[layout.tree[i] as usize] += layout.length_um[i] + 10.0;
        }
        for tree in 0..2 {
            for b in 0..p.n_blocks {
                let (ne, ni) = (p.tree_per_100ms[tree][0][b], p.tree_per_100ms[tree][1][b]);
                assert!((0.0..800.0).contains(&ne));
                assert!(ni >= (ne - 600.0).max(0.0) && ni < ne + 200.0, "N_I {ni} for N_E {ne}");
            }
        }
        for kind in 0..2 {
            for i in 0..n {
                let tree = layout.tree[i] as usize;
                for b in 0..p.n_blocks {
                    let base = p.tree_per_100ms[tree][kind][b] / (100.0 * sum_len[tree]) * (layout.length_um[i] + 10.0);
                    if base > 1e-9 {
                        factors.push(p.block_row(kind * n + i)[b] / base);
                    }
                }
            }
        }
    }
    let m = factors.iter().sum::<f64>() / factors.len() as f64;
    let v = factors.iter().map(|f| (f - m).powi(2)).sum::<f64>() / factors.len() as f64;
    assert!(factors.iter().all(|f| (0.5 - 1e-12..1.5 + 1e-12).contains(f)));
    // U(0.5, 1.5): mean 1, variance 1/12.
    let se = (1.0f64 / 12.0 / factors.len() as f64).sqrt();
    assert!((m - 1.0).abs() < 5.0 * se, "mean factor {m}");
    assert!((v - 1.0 / 12.0).abs() < 0.01, "variance {v}");
}

#[test]
fn spike_counts_agree_with_the_smoothed_rate() {
    let cfg = InputConfig::default();
    let layout = test_layout();
    let t_len = 1500;
    let profile = draw_profile(&cfg, &layout, t_len, 3, 0);
    let smoother = profile.smoother(t_len);
    let n_syn = profile.n_synapses();
    let mut expect = vec![0.0; n_syn];
    let mut var = vec![0.0; n_syn];
    let mut rate = vec![0.0; t_len];
    for r in 0..n_syn {
        smoother.smooth_into(profile.block_row(r), &mut rate);
        for &m in &rate {
            let p = spike_probability(m);
            expect[r] += p;
            var[r] += p * (1.0 - p);
        }
    }
    let reps = 40u64;
    let mut counts = vec![0u64; n_syn];
    for rep in 0..reps {
        let trains = sample_spikes(&profile, t_len, 1000 + rep, 0);
        for (r, tr) in trains.iter().enumerate() {
            assert!(tr.windows(2).all(|w| w[0] < w[1]), "≤ 1 spike per ms, sorted");
            assert!(tr.iter().all(|&t| (t as usize) < t_len));
            counts[r] += tr.len() as u64;
        }
    }
    // Sum of squared z-scores over synapses ~ chi-square(n_syn).
    let mut chi = 0.0;
    let mut used = 0;
    for r in 0..n_syn {
        if var[r] > 0.5 {
            let z = (counts[r] as f64 - reps as f64 * expect[r]) / (reps as f64 * var[r]).sqrt();
            chi += z * z;
            used += 1;
        }
    }
    let limit = used as f64 + 5.0 * (2.0 * used as f64).sqrt();
    eprintln!("spike counts: chi2 {chi:.1} over {used} synapses (limit {limit:.1})");
    assert!(used > n_syn / 2, "most synapses must be active for the test to mean anything");
    assert!(chi < limit && chi > used as f64 - 5.0 * (2.0 * used as f64).sqrt(), "chi2 {chi} over {used}");
}

#[test]
fn smoothing_matches_scipy_convolve_same() {
    let Some(py) = lfdeep_oracle::python_with("scipy") else { return };
    let cfg = InputConfig::default();
    let layout = test_layout();
    for (t_len, sim) in [(1200usize, 0u64), (700, 1), (3000, 2), (2500, 3)] {
        let p = draw_profile(&cfg, &layout, t_len, 9, sim);
        let rows: Vec<Vec<f64>> = (0..6).map(|r| p.block_row(r * 20).to_vec()).collect();
        let dir = lfdeep_oracle::temp_dir("smoothing");
        let input = dir.join("in.json");
        let j = serde_json::json!({"duration_ms": t_len, "block_ms": p.block_ms, "sigma_ms": p.sigma_ms, "rows": rows});
        std::fs::write(&input, j.to_string()).unwrap();
        let out = lfdeep_oracle::run_json(&py, "data_smoothing.py", &[input.to_str().unwrap()]);
        let smoother = p.smoother(t_len);
        let mut got = vec![0.0; t_len];
        for (k, row) in rows.iter().enumerate() {
            smoother.smooth_into(row, &mut got);
            let want: Vec<f64> = serde_json::from_value(out["smoothed"][k].clone()).unwrap();
            let scale = want.iter().cloned().fold(0.0, f64::max).max(1e-12);
            for t in 0..t_len {
                assert!(
                    (got[t] - want[t]).abs() <= 1e-9 * scale,
                    "T={t_len} Tc={} σ={} row {k} t={t}: {} vs scipy {}",
                    p.block_ms, p.sigma_ms, got[t], want[t]
                );
            }
        }
    }
}
