//! `dataset export --npy`: plain NumPy arrays, one file per array.
//!
//! Dense arrays keep their store names and shapes (`soma_voltage_highres_mv.npy` [S, 8T],
//! `segment_voltage_lowres_mv.npy` [S, N, T] in the stored float type, ...). Spike times
//! are written as coordinate lists: `input_spike_sim/_synapse/_time_ms.npy` and
//! `output_spike_sim/_time_ms.npy`. `dense_inputs` adds `input_spikes.npy`, uint8 [S, Y, T]
//! (the networks' X), which is large: S·Y·T bytes.

use crate::config::VoltageDtype;
use crate::error::{DataError, Result};
use crate::npy::{write, NpyWriter};
use crate::store::Store;
use std::path::Path;

pub fn export_npy(dir: &Path, out: &Path, dense_inputs: bool) -> Result<Vec<String>> {
    let st = Store::open(dir)?;
    if st.info.status != "complete" {
        return Err(DataError::store(&st.path, "not complete: finish it (simulate --resume) or merge its shards first"));
    }
    std::fs::create_dir_all(out).map_err(|e| DataError::io(out, e))?;
    let i = &st.info;
    let (s, t, n, y) = (i.simulations, i.duration_ms, i.n_segments, i.n_synapses());
    let h = t * i.highres_per_ms;
    let [a, b] = i.owned;
    let rows = b - a;
    let p = |name: &str| out.join(format!("{name}.npy"));
    let mut written = Vec::new();
    let mut w_sh = NpyWriter::create::<f32>(&p("soma_voltage_highres_mv"), &[rows, h])?;
    let mut w_nh = NpyWriter::create::<f32>(&p("nexus_voltage_highres_mv"), &[rows, h])?;
    let mut w_sl = NpyWriter::create::<f32>(&p("soma_voltage_lowres_mv"), &[rows, t])?;
    let mut w_nl = NpyWriter::create::<f32>(&p("nexus_voltage_lowres_mv"), &[rows, t])?;
    let mut w_seg = match i.segment_voltage_dtype {
        VoltageDtype::Float16 => NpyWriter::create::<half::f16>(&p("segment_voltage_lowres_mv"), &[rows, n, t])?,
        VoltageDtype::Float32 => NpyWriter::create::<f32>(&p("segment_voltage_lowres_mv"), &[rows, n, t])?,
    };
    let mut w_dense = if dense_inputs { Some(NpyWriter::create::<u8>(&p("input_spikes"), &[rows, y, t])?) } else { None };
    let (mut in_sim, mut in_syn, mut in_t) = (Vec::new(), Vec::new(), Vec::new());
    let (mut out_sim, mut out_t, mut out_n, mut bs) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for k in a..b {
        let r = st.read_simulation(k)?;
        w_sh.append(&r.soma_highres_mv)?;
        w_nh.append(&r.nexus_highres_mv)?;
        w_sl.append(&r.soma_lowres_mv)?;
        w_nl.append(&r.nexus_lowres_mv)?;
        match i.segment_voltage_dtype {
            VoltageDtype::Float16 => w_seg.append(&r.segment_lowres_mv.iter().map(|&x| half::f16::from_f32(x)).collect::<Vec<_>>())?,
            VoltageDtype::Float32 => w_seg.append(&r.segment_lowres_mv)?,
        }
        for (syn, row) in r.input_spikes_ms.iter().enumerate() {
            for &tt in row {
                in_sim.push(k as u32);
                in_syn.push(syn as u32);
                in_t.push(tt);
            }
        }
        if let Some(w) = w_dense.as_mut() {
            let mut dense = vec![0u8; (y * t) as usize];
            for (syn, row) in r.input_spikes_ms.iter().enumerate() {
                for &tt in row {
                    dense[syn * t as usize + tt as usize] = 1;
                }
            }
            w.append(&dense)?;
        }
        out_n.push(r.output_spike_times_ms.len() as u32);
        for &x in &r.output_spike_times_ms {
            out_sim.push(k as u32);
            out_t.push(x);
        }
        bs.extend_from_slice(&[r.block_ms, r.sigma_ms]);
    }
    for w in [w_sh, w_nh, w_sl, w_nl, w_seg] {
        w.finish()?;
    }
    if let Some(w) = w_dense {
        w.finish()?;
        written.push("input_spikes".into());
    }
    write(&p("input_spike_sim"), &[in_sim.len() as u64], &in_sim)?;
    write(&p("input_spike_synapse"), &[in_syn.len() as u64], &in_syn)?;
    write(&p("input_spike_time_ms"), &[in_t.len() as u64], &in_t)?;
    write(&p("output_spike_count"), &[rows], &out_n)?;
    write(&p("output_spike_sim"), &[out_sim.len() as u64], &out_sim)?;
    write(&p("output_spike_time_ms"), &[out_t.len() as u64], &out_t)?;
    write(&p("input_block_sigma_ms"), &[rows, 2], &bs)?;
    let (th, tl) = st.read_times()?;
    write(&p("time_highres_ms"), &[th.len() as u64], &th)?;
    write(&p("time_lowres_ms"), &[tl.len() as u64], &tl)?;
    write(&p("synapse_segment"), &[y], &st.read_synapse_segment()?)?;
    let tab = st.read_segment_table()?;
    for (name, col) in [("x", &tab.x), ("length_um", &tab.length_um), ("diam_um", &tab.diam_um), ("area_um2", &tab.area_um2), ("path_soma_um", &tab.path_soma_um)] {
        write(&p(&format!("segments_{name}")), &[n], col)?;
    }
    write(&p("segments_centre_um"), &[n, 3], &tab.centre_um)?;
    let meta = serde_json::json!({
        "store": st.path.display().to_string(),
        "simulations": s,
        "first_simulation": a,
        "segment_region": tab.region,
        "segment_section_index": tab.section_index,
        "section_names": tab.section_names,
        "attributes": serde_json::Value::Object(st.root_attributes()?),
    });
    let mp = out.join("metadata.json");
    std::fs::write(&mp, serde_json::to_string_pretty(&meta).expect("json")).map_err(|e| DataError::io(&mp, e))?;
    written.extend(
        [
            "soma_voltage_highres_mv", "nexus_voltage_highres_mv", "soma_voltage_lowres_mv", "nexus_voltage_lowres_mv",
            "segment_voltage_lowres_mv", "input_spike_sim", "input_spike_synapse", "input_spike_time_ms", "output_spike_count",
            "output_spike_sim", "output_spike_time_ms", "input_block_sigma_ms", "time_highres_ms", "time_lowres_ms", "synapse_segment",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    Ok(written)
}
