//! The store read back by Python's `zarr` package (an independent Zarr v3 implementation).

use crate::pipeline::{setup, small_config};
use crate::standin::StandIn;
use lfdeep_data::runner::{run, RunOptions};
use lfdeep_data::store::Store;

#[test]
fn python_zarr_reads_the_same_arrays() {
    let Some(py) = lfdeep_oracle::python_with("zarr") else { return };
    for dtype in ["float16", "float32"] {
        let cfg = small_config(&["simulations=3", &format!("segment_voltage_dtype={dtype}")]);
        let s = setup(&cfg);
        let m = StandIn { n_segments: s.disc.segments.len(), sleep_ms: 0 };
        let out = lfdeep_oracle::temp_dir("pyzarr").join("ds.zarr");
        run(&cfg, &s, &m, &RunOptions { out: out.clone(), resume: false, shard: None, progress: false }).unwrap();
        let j = lfdeep_oracle::run_json(&py, "data_zarr_read.py", &[out.to_str().unwrap(), "0", "2"]);
        let st = Store::open(&out).unwrap();
        assert_eq!(j["attrs"]["lfdeep"]["status"], "complete");
        assert_eq!(j["attrs"]["config"]["seed"], 42);
        assert_eq!(j["committed"], serde_json::json!([1, 1, 1]));
        assert_eq!(j["arrays"]["segment_voltage_lowres_mv"]["dtype"], dtype);
        assert_eq!(j["arrays"]["soma_voltage_highres_mv"]["shape"], serde_json::json!([3, 2400]));
        let t = st.read_segment_table().unwrap();
        let lens: Vec<f64> = serde_json::from_value(j["segments"]["length_um"].clone()).unwrap();
        assert_eq!(lens, t.length_um);
        let tl: Vec<f32> = serde_json::from_value(j["time_lowres_ms"].clone()).unwrap();
        assert_eq!(tl, st.read_times().unwrap().1);
        for i in [0u64, 2] {
            let r = st.read_simulation(i).unwrap();
            let p = &j["sims"][i.to_string()];
            let f = |k: &str| -> Vec<f32> {
                serde_json::from_value::<Vec<f64>>(p[k].clone()).unwrap().into_iter().map(|x| x as f32).collect()
            };
            assert_eq!(f("soma_highres"), r.soma_highres_mv);
            assert_eq!(f("nexus_highres"), r.nexus_highres_mv);
            assert_eq!(f("soma_lowres"), r.soma_lowres_mv);
            assert_eq!(f("nexus_lowres"), r.nexus_lowres_mv);
            assert_eq!(f("segment_lowres"), r.segment_lowres_mv);
            let o: Vec<f64> = serde_json::from_value(p["output_spike_times_ms"].clone()).unwrap();
            assert_eq!(o, r.output_spike_times_ms);
            let inp: Vec<Vec<u32>> = serde_json::from_value(p["input_spikes"].clone()).unwrap();
            assert_eq!(inp, r.input_spikes_ms);
            let bs: Vec<u32> = serde_json::from_value(p["block_sigma"].clone()).unwrap();
            assert_eq!(bs, vec![r.block_ms, r.sigma_ms]);
        }
    }
}

#[test]
fn npy_export_matches_the_store_read_by_python() {
    let Some(py) = lfdeep_oracle::python_with("zarr") else { return };
    let cfg = small_config(&["simulations=3"]);
    let s = setup(&cfg);
    let m = StandIn { n_segments: s.disc.segments.len(), sleep_ms: 0 };
    let dir = lfdeep_oracle::temp_dir("npy");
    let out = dir.join("ds.zarr");
    run(&cfg, &s, &m, &RunOptions { out: out.clone(), resume: false, shard: None, progress: false }).unwrap();
    lfdeep_data::export::export_npy(&out, &dir.join("npy"), true).unwrap();
    let j = lfdeep_oracle::run_json(&py, "data_npy_check.py", &[out.to_str().unwrap(), dir.join("npy").to_str().unwrap()]);
    assert_eq!(j["mismatches"], serde_json::json!([]), "{j}");
    assert!(j["checked"].as_array().unwrap().len() >= 10 + 3 * 3);
    // Summary of the same store: rates are consistent with the stored spikes.
    let sm = lfdeep_data::summary::summarize(&out).unwrap();
    let st = Store::open(&out).unwrap();
    for k in 0..3u64 {
        let r = st.read_simulation(k).unwrap();
        assert_eq!(sm.output_rate_hz[k as usize], r.output_spike_times_ms.len() as f64 / 0.3);
        let n = st.info.n_exc as usize;
        let exc: usize = r.input_spikes_ms[..n].iter().map(|x| x.len()).sum();
        assert!((sm.exc_rate_hz[k as usize] - exc as f64 / n as f64 / 0.3).abs() < 1e-9);
    }
}
