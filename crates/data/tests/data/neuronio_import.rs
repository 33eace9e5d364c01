//! Import of the published pickle format, against a file written by Python.

use lfdeep_data::store::Store;

#[test]
fn python2_style_pickle_imports_every_array_exactly() {
    let Some(py) = lfdeep_oracle::python_with("numpy") else { return };
    let dir = lfdeep_oracle::temp_dir("neuronio");
    let (n_sims, t, n_seg) = (3usize, 120usize, 11usize);
    let files: Vec<_> = (0..2).map(|k| dir.join(format!("f{k}_128_simulationRuns__6_secDuration__randomSeed_{k}.p"))).collect();
    let mut expect = Vec::new();
    for (k, f) in files.iter().enumerate() {
        let j = lfdeep_oracle::run_json(&py, "data_neuronio_pickle.py", &[f.to_str().unwrap(), &n_sims.to_string(), &t.to_string(), &n_seg.to_string(), &(10 + k).to_string()]);
        assert_eq!(j["has_py2_str"], true, "the file uses Python 2 str opcodes");
        assert_eq!(j["has_reconstruct"], true, "the file uses numpy.core.multiarray._reconstruct");
        expect.push(j);
    }
    let out = dir.join("imported.zarr");
    lfdeep_data::neuronio::import(&files, &out).unwrap();
    let st = Store::open(&out).unwrap();
    assert_eq!(st.info.status, "complete");
    assert_eq!((st.info.simulations, st.info.duration_ms, st.info.n_segments), ((2 * n_sims) as u64, t as u64, n_seg as u64));
    assert!(lfdeep_data::check::check(&out).unwrap().ok());

    let tab = st.read_segment_table().unwrap();
    let types: Vec<String> = serde_json::from_value(expect[0]["types"].clone()).unwrap();
    assert_eq!(tab.region, types);
    assert_eq!(tab.length_um, serde_json::from_value::<Vec<f64>>(expect[0]["lengths"].clone()).unwrap());
    assert_eq!(tab.path_soma_um, serde_json::from_value::<Vec<f64>>(expect[0]["dist"].clone()).unwrap());
    let (th, tl) = st.read_times().unwrap();
    let f32v = |v: &serde_json::Value| -> Vec<f32> { serde_json::from_value::<Vec<f64>>(v.clone()).unwrap().into_iter().map(|x| x as f32).collect() };
    assert_eq!(th, f32v(&expect[0]["time_highres"]));
    assert_eq!(tl, f32v(&expect[0]["time_lowres"]));
    let attrs = st.root_attributes().unwrap();
    assert_eq!(attrs["neuronio_params"][1]["randomSeed"], 11);
    assert_eq!(attrs["neuronio_params"][0]["comment"], "caf\u{e9} latin-1");
    assert_eq!(attrs["neuronio_params"][0]["outputSpikeRate"], 1.25);

    for (fk, e) in expect.iter().enumerate() {
        for s in 0..n_sims {
            let r = st.read_simulation((fk * n_sims + s) as u64).unwrap();
            let x = &e["sims"][s];
            assert_eq!(r.soma_highres_mv, f32v(&x["soma_highres"]));
            assert_eq!(r.nexus_highres_mv, f32v(&x["nexus_highres"]));
            assert_eq!(r.soma_lowres_mv, f32v(&x["soma_lowres"]));
            assert_eq!(r.nexus_lowres_mv, f32v(&x["nexus_lowres"]));
            assert_eq!(r.segment_lowres_mv, f32v(&x["dend"]));
            assert_eq!(r.output_spike_times_ms, serde_json::from_value::<Vec<f64>>(x["output"].clone()).unwrap());
            let exc: Vec<Vec<u32>> = serde_json::from_value(x["exc"].clone()).unwrap();
            let inh: Vec<Vec<u32>> = serde_json::from_value(x["inh"].clone()).unwrap();
            assert_eq!(&r.input_spikes_ms[..n_seg], &exc[..]);
            assert_eq!(&r.input_spikes_ms[n_seg..], &inh[..]);
        }
    }
}

#[test]
fn broken_pickles_give_clear_errors() {
    let dir = lfdeep_oracle::temp_dir("badpickle");
    let f = dir.join("bad.p");
    std::fs::write(&f, [0x80, 2, b'}', b'.']).unwrap();
    let e = lfdeep_data::neuronio::import(std::slice::from_ref(&f), &dir.join("o.zarr")).unwrap_err().to_string();
    assert!(e.contains("bad.p") && e.contains("Params"), "{e}");
    std::fs::write(&f, [0x80, 2, b'}']).unwrap();
    let e = lfdeep_data::neuronio::import(std::slice::from_ref(&f), &dir.join("o.zarr")).unwrap_err().to_string();
    assert!(e.contains("bad.p") && e.contains("end of file"), "{e}");
    assert!(!dir.join("o.zarr").exists());
}
