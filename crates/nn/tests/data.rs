//! Loader tests on generated (synthetic, clearly test-only) data: z-scoring sees only the
//! training split, splits are by simulation, spike balancing, window contents, run configs.

use std::sync::{Arc, Mutex};

use lfdeep_nn::data::*;
use lfdeep_nn::train::RunConfig;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Records which simulations were read.
struct Spy {
    inner: InMemorySource,
    loaded: Mutex<Vec<usize>>,
}

impl SimulationSource for Spy {
    fn len(&self) -> usize {
        self.inner.len()
    }
    fn n_synapses(&self) -> usize {
        self.inner.n_synapses()
    }
    fn n_segments(&self) -> usize {
        self.inner.n_segments()
    }
    fn load(&self, i: usize) -> lfdeep_nn::Result<Simulation> {
        self.loaded.lock().unwrap().push(i);
        self.inner.load(i)
    }
}

fn small(count: usize) -> Vec<Simulation> {
    synthetic_dataset(&SyntheticConfig { n_segments: 4, duration_ms: 600, max_exc_hz: 80.0, seed: 3 }, count)
}

#[test]
fn zscore_statistics_never_see_validation_or_test_data() {
    let sims = small(10);
    let splits = split_by_simulation(10, 0.2, 0.2, 5).unwrap();
    let spy = Spy { inner: InMemorySource::new(sims.clone()).unwrap(), loaded: Mutex::new(vec![]) };
    let norm = Normalization::fit(&spy, &splits.train).unwrap();
    let mut loaded = spy.loaded.lock().unwrap().clone();
    loaded.sort();
    assert_eq!(loaded, splits.train, "only training simulations are read");
    // Replacing every validation and test simulation by absurd voltages changes nothing.
    let mut poisoned = sims.clone();
    for &i in splits.val.iter().chain(&splits.test) {
        poisoned[i].segment_v.iter_mut().for_each(|v| *v = 1000.0);
        poisoned[i].soma_v.iter_mut().for_each(|v| *v = -1000.0);
    }
    let norm2 = Normalization::fit(&InMemorySource::new(poisoned).unwrap(), &splits.train).unwrap();
    assert_eq!(norm, norm2);
    // And the statistics are those of the training simulations (computed here directly).
    let seg0: Vec<f64> = splits.train.iter().flat_map(|&i| sims[i].segment(0).iter().map(|&v| v as f64)).collect();
    let mean = seg0.iter().sum::<f64>() / seg0.len() as f64;
    let std = (seg0.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / seg0.len() as f64).sqrt();
    assert!((norm.segment_mean[0] as f64 - mean).abs() < 1e-4 && (norm.segment_std[0] as f64 - std).abs() < 1e-4);
    let soma: Vec<f64> = splits.train.iter().flat_map(|&i| sims[i].soma_v.iter().map(|&v| v.min(-55.0) as f64)).collect();
    let sm = soma.iter().sum::<f64>() / soma.len() as f64;
    assert!((norm.soma_mean as f64 - sm).abs() < 1e-4, "soma statistics are of the clipped trace");
}

#[test]
fn splits_are_disjoint_and_by_simulation() {
    let s = split_by_simulation(50, 0.1, 0.2, 9).unwrap();
    assert_eq!((s.train.len(), s.val.len(), s.test.len()), (35, 5, 10));
    let mut all: Vec<usize> = s.train.iter().chain(&s.val).chain(&s.test).copied().collect();
    all.sort();
    assert_eq!(all, (0..50).collect::<Vec<_>>());
    assert_eq!(s, split_by_simulation(50, 0.1, 0.2, 9).unwrap(), "same seed, same split");
    assert!(split_by_simulation(2, 0.5, 0.5, 0).is_err());
}

fn sampler(mode: InputMode, window: usize, out_steps: usize, fraction: f64) -> (WindowSampler, Vec<Simulation>, Normalization) {
    let sims = small(6);
    let src = InMemorySource::new(sims.clone()).unwrap();
    let norm = Normalization::fit(&src, &[0, 1, 2, 3, 4, 5]).unwrap();
    let spec = WindowSpec { window, out_steps, mode, n_synapses: 8, n_segments: 4, dend_targets: 4 };
    (WindowSampler::new(&src, &[0, 1, 2, 3, 4, 5], spec, Arc::new(norm.clone()), None, fraction).unwrap(), sims, norm)
}

#[test]
fn spike_balanced_sampling_hits_the_requested_fraction() {
    for fraction in [1.0 / 3.0, 0.0, 0.8] {
        let (s, _, _) = sampler(InputMode::Inputs, 50, 1, fraction);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let n = 3000;
        let hits = (0..n).filter(|_| {
            let (sim, t0) = s.sample_window(&mut rng);
            s.window_has_spike(sim, t0)
        });
        let f = hits.count() as f64 / n as f64;
        assert!((f - fraction).abs() < 0.04, "asked {fraction}, got {f}");
    }
}

#[test]
fn teacher_windows_hold_past_voltages_and_targets_hold_the_present() {
    let (s, sims, norm) = sampler(InputMode::Teacher, 40, 10, 0.5);
    let spec = s.spec();
    assert_eq!(spec.channels(), 8 + 4 + 1);
    let mut x = vec![0.0; spec.channels() * 40];
    let mut y = vec![0.0; 10 * spec.n_targets()];
    let (sim, t0) = (2, 123);
    s.fill(sim, t0, &mut x, &mut y);
    let sm = &sims[2];
    // Spike raster rows.
    for c in 0..8 {
        for j in 0..40 {
            let want = sm.input_spikes[c].contains(&((t0 + j) as u32));
            assert_eq!(x[c * 40 + j] == 1.0, want);
        }
    }
    // Segment 1 channel at step j is v(t0 + j − 1), z-scored; soma last, clipped.
    for j in 0..40 {
        assert_eq!(x[(8 + 1) * 40 + j], norm.segment(1, sm.segment(1)[t0 + j - 1]));
        assert_eq!(x[(8 + 4) * 40 + j], norm.soma(sm.soma_v[t0 + j - 1]));
    }
    // Targets: the last 10 steps, spike / soma / segments at the same time.
    let bins = sm.spike_bins();
    for j in 0..10 {
        let t = t0 + 30 + j;
        let row = &y[j * 6..(j + 1) * 6];
        assert_eq!(row[0] == 1.0, bins.contains(&t));
        assert_eq!(row[1], norm.soma(sm.soma_v[t]));
        assert_eq!(row[2 + 3], norm.segment(3, sm.segment(3)[t]));
    }
}

#[test]
fn batches_are_reproducible_and_prefetch_matches_direct_assembly() {
    let (s, _, _) = sampler(InputMode::Inputs, 30, 30, 1.0 / 3.0);
    let s = Arc::new(s);
    let direct: Vec<HostBatch> = (5..9).map(|i| s.batch(4, 77, i)).collect();
    // The same stream, in order, from one thread or several (more threads than batches too).
    for threads in [1, 2, 3, 7] {
        let fetched: Vec<HostBatch> = Prefetcher::spawn(s.clone(), 4, 77, 5, 9, 2, threads).collect();
        assert_eq!(direct, fetched, "{threads} loader threads");
    }
    assert_ne!(direct[0], direct[1]);
    // A prefetcher dropped early stops its threads.
    let mut p = Prefetcher::spawn(s, 4, 77, 0, 1000, 2, 3);
    p.next().unwrap();
    drop(p);
}

#[test]
fn a_loader_thread_that_panics_fails_the_stream_instead_of_ending_it() {
    let (s, _, _) = sampler(InputMode::Inputs, 30, 30, 1.0 / 3.0);
    let s = Arc::new(s);
    for threads in [1, 3] {
        let s = s.clone();
        let p = Prefetcher::from_fn(0, 10, 2, threads, move |i| {
            assert!(i != 6, "batch 6 cannot be assembled");
            s.batch(4, 77, i)
        });
        let mut seen = 0;
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| p.for_each(|_| seen += 1)));
        let msg = r.expect_err("the stream must not end quietly at the failed batch");
        let msg = msg.downcast_ref::<String>().cloned().or_else(|| msg.downcast_ref::<&str>().map(|m| m.to_string())).unwrap_or_default();
        assert!(msg.contains("batch 6 cannot be assembled"), "{threads} threads: {msg:?}");
        assert_eq!(seen, 6, "{threads} threads: batches 0..6 arrive before the failure");
    }
}

#[test]
fn presets_parse_and_overrides_apply() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs");
    for name in ["tcn", "mh", "mmoe", "mmoeex", "elm"] {
        let p = root.join(format!("{name}.toml"));
        let cfg = RunConfig::from_file(&p, &[]).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        assert_eq!(cfg.model.name(), name);
        let o = ["max_steps=7", "batch_size=3", "window_ms=600", "seed=42"].map(String::from);
        let cfg = RunConfig::from_file(&p, &o).unwrap();
        assert_eq!((cfg.train.max_steps, cfg.data.batch_size, cfg.data.window_ms, cfg.seed), (7, 3, 600, 42));
        // The resolved config reads back to itself.
        let again = RunConfig::from_toml(&cfg.to_toml(), "resolved", &[]).unwrap();
        assert_eq!(again.to_toml(), cfg.to_toml());
    }
    let mmoe = root.join("mmoe.toml");
    let cfg = RunConfig::from_file(&mmoe, &["model.num_experts=8".into(), "train.optimizer=adamw".into()]).unwrap();
    assert!(cfg.to_toml().contains("num_experts = 8"));
    let err = RunConfig::from_file(&mmoe, &["model.num_expert=8".into()]).unwrap_err().to_string();
    assert!(err.contains("model.num_expert"), "{err}");
    let err = RunConfig::from_file(&mmoe, &["batch_size".into()]).unwrap_err().to_string();
    assert!(err.contains("key=value"), "{err}");
}

#[test]
fn pca_components_are_orthonormal_whitened_and_fitted_on_training_data() {
    let sims = synthetic_dataset(&SyntheticConfig { n_segments: 6, duration_ms: 800, max_exc_hz: 80.0, seed: 8 }, 5);
    let src = InMemorySource::new(sims.clone()).unwrap();
    let train = [0, 1, 2];
    let norm = Normalization::fit(&src, &train).unwrap();
    let pca = Pca::fit(&src, &train, &norm, 6, 1).unwrap();
    // All components: orthonormal rows, and projection then reconstruction is the identity.
    for a in 0..6 {
        for b in 0..6 {
            let d: f32 = (0..6).map(|i| pca.components[a * 6 + i] * pca.components[b * 6 + i]).sum();
            assert!((d - if a == b { 1.0 } else { 0.0 }).abs() < 1e-4, "rows {a},{b}: {d}");
        }
    }
    let z: Vec<f32> = (0..6).map(|s| norm.segment(s, sims[4].segment(s)[300])).collect();
    let (mut c, mut back) = (vec![0.0; 6], vec![0.0; 6]);
    pca.project(&z, &mut c);
    pca.reconstruct(&c, &mut back);
    for (a, b) in z.iter().zip(&back) {
        assert!((a - b).abs() < 1e-3);
    }
    // Whitened: each component's variance over the training samples is about 1.
    let mut var = vec![0.0f64; 6];
    let mut n = 0.0;
    for &i in &train {
        for t in (0..800).step_by(5) {
            let z: Vec<f32> = (0..6).map(|s| norm.segment(s, sims[i].segment(s)[t])).collect();
            pca.project(&z, &mut c);
            c.iter().zip(&mut var).for_each(|(x, v)| *v += (*x as f64).powi(2));
            n += 1.0;
        }
    }
    for v in var {
        assert!((v / n - 1.0).abs() < 0.05, "component variance {}", v / n);
    }
}

#[test]
fn synthetic_test_neuron_fires_sometimes() {
    let sims = small(6);
    let spikes: usize = sims.iter().map(|s| s.output_spikes_ms.len()).sum();
    let ms: usize = sims.iter().map(|s| s.duration_ms).sum();
    let hz = spikes as f64 / ms as f64 * 1000.0;
    assert!(hz > 1.0 && hz < 60.0, "{hz} Hz");
}

#[test]
fn event_batches_hold_the_dense_batches_inputs_and_targets() {
    let (dense, _, _) = sampler(InputMode::Inputs, 30, 12, 1.0 / 3.0);
    let (events, _, _) = sampler(InputMode::Inputs, 30, 12, 1.0 / 3.0);
    let events = events.with_input_events(true);
    for i in 0..4 {
        let (d, e) = (dense.batch(5, 9, i), events.batch(5, 9, i));
        let ev = e.input_events.as_ref().expect("inputs-mode batches come as events");
        assert!(e.inputs.is_empty());
        assert!(ev.windows(2).all(|p| p[0] < p[1]), "events sorted and unique");
        assert!(!ev.is_empty(), "batch {i} holds spikes");
        assert_eq!(*ev, events_of_dense(&d.inputs));
        assert_eq!(e.dense_inputs().as_ref(), d.inputs.as_slice());
        assert_eq!(e.targets, d.targets);
    }
    // Teacher-mode inputs hold voltages: those batches stay dense.
    let (teacher, _, _) = sampler(InputMode::Teacher, 30, 1, 1.0 / 3.0);
    assert!(teacher.with_input_events(true).batch(3, 9, 0).input_events.is_none());
}
