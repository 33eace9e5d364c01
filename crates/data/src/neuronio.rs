//! `dataset import-neuronio`: the published NeuronIO pickles into a dataset store.
//!
//! File layout (spec neuronio.md): `{'Params': {...}, 'Results': {'listOfSingleSimulationDicts':
//! [...]}}`; per simulation the soma/nexus traces at 1/8 ms and 1 ms (float16), the dendritic
//! voltages [n_segments, T] (float16), output spike times (float16) and the input spike
//! times as dicts segment index → whole ms. Every value is stored exactly (float16 widens
//! to float32/float64 without loss; dendritic voltages stay float16).

use crate::config::VoltageDtype;
use crate::error::{DataError, Result};
use crate::pickle::{loads, Value};
use crate::provenance::Provenance;
use crate::store::{SegmentTable, SimulationRecord, Store, StoreInfo, FORMAT, FORMAT_VERSION};
use std::path::{Path, PathBuf};

struct Ctx<'a> {
    file: &'a Path,
}

impl Ctx<'_> {
    fn err(&self, msg: impl std::fmt::Display) -> DataError {
        DataError::Pickle { path: self.file.to_path_buf(), msg: msg.to_string() }
    }
    fn field<'v>(&self, v: &'v Value, key: &str, within: &str) -> Result<&'v Value> {
        v.get(key).ok_or_else(|| self.err(format!("{within}: field '{key}' is missing")))
    }
    fn numbers(&self, v: &Value, key: &str, within: &str) -> Result<Vec<f64>> {
        self.field(v, key, within)?.array_f64().map_err(|e| self.err(format!("{within}.{key}: {e}")))
    }
}

fn spike_dict(ctx: &Ctx, sim: &Value, key: &str, within: &str, n_seg: usize, t_ms: u64) -> Result<Vec<Vec<u32>>> {
    let d = ctx.field(sim, key, within)?;
    let items = match d {
        Value::Dict(items) => items,
        other => return Err(ctx.err(format!("{within}.{key}: expected a dict, found {}", other.kind()))),
    };
    let mut rows = vec![Vec::new(); n_seg];
    for (k, v) in items {
        let seg = match k.as_f64() {
            Some(x) if x >= 0.0 && x.fract() == 0.0 && (x as usize) < n_seg => x as usize,
            _ => return Err(ctx.err(format!("{within}.{key}: key {} is not a segment index below {n_seg}", k.to_json()))),
        };
        let times = v.array_f64().map_err(|e| ctx.err(format!("{within}.{key}[{seg}]: {e}")))?;
        let mut row = Vec::with_capacity(times.len());
        for t in times {
            if !(t >= 0.0 && t.fract() == 0.0 && (t as u64) < t_ms) {
                return Err(ctx.err(format!("{within}.{key}[{seg}]: spike time {t} is not a whole ms in [0, {t_ms})")));
            }
            row.push(t as u32);
        }
        row.sort_unstable();
        if row.windows(2).any(|w| w[0] == w[1]) {
            return Err(ctx.err(format!("{within}.{key}[{seg}]: two spikes in the same ms")));
        }
        rows[seg] = row;
    }
    Ok(rows)
}

fn f32s(v: Vec<f64>) -> Vec<f32> {
    v.into_iter().map(|x| x as f32).collect()
}

/// Import pickle files (simulations in file order, then list order) into a new store.
pub fn import(files: &[PathBuf], out: &Path) -> Result<PathBuf> {
    if files.is_empty() {
        return Err(DataError::Invalid("import-neuronio: no files given".into()));
    }
    // Parse every file first: the store's shape needs the total count.
    let mut parsed = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).map_err(|e| DataError::io(f, e))?;
        let v = loads(&bytes).map_err(|msg| DataError::Pickle { path: f.clone(), msg })?;
        parsed.push((f.clone(), v));
    }
    let (f0, v0) = &parsed[0];
    let ctx0 = Ctx { file: f0 };
    let params0 = ctx0.field(v0, "Params", "top level")?;
    let types: Vec<String> = match ctx0.field(params0, "allSegmentsType", "Params")? {
        Value::List(xs) | Value::Tuple(xs) => xs.iter().map(|x| x.as_str().unwrap_or_default()).collect(),
        other => return Err(ctx0.err(format!("Params.allSegmentsType: expected a list, found {}", other.kind()))),
    };
    let n_seg = types.len();
    let lengths = ctx0.numbers(params0, "allSegmentsLength", "Params")?;
    let dist = params0.get("allSegments_DistFromSoma").map(|v| v.array_f64()).transpose().map_err(|e| ctx0.err(e))?;
    let sec_ind = params0.get("allSegments_SectionInd").map(|v| v.array_f64()).transpose().map_err(|e| ctx0.err(e))?;
    if lengths.len() != n_seg {
        return Err(ctx0.err(format!("Params: {n_seg} segment types but {} lengths", lengths.len())));
    }
    let per_ms = params0.get("numSamplesPerMS_HighRes").and_then(|v| v.as_f64()).unwrap_or(8.0) as u64;

    let sims_of = |ctx: &Ctx, v: &Value| -> Result<Vec<Value>> {
        let res = ctx.field(v, "Results", "top level")?;
        match ctx.field(res, "listOfSingleSimulationDicts", "Results")? {
            Value::List(xs) => Ok(xs.clone()),
            other => Err(ctx.err(format!("Results.listOfSingleSimulationDicts: expected a list, found {}", other.kind()))),
        }
    };
    let first_sims = sims_of(&ctx0, v0)?;
    let s0 = first_sims.first().ok_or_else(|| ctx0.err("no simulations in listOfSingleSimulationDicts"))?;
    let time_lo = ctx0.numbers(s0, "recordingTimeLowRes", "simulation 0")?;
    let time_hi = ctx0.numbers(s0, "recordingTimeHighRes", "simulation 0")?;
    let t_ms = time_lo.len() as u64;
    if time_hi.len() as u64 != per_ms * t_ms {
        return Err(ctx0.err(format!("simulation 0: {} high-res samples for {t_ms} low-res ones at {per_ms} per ms", time_hi.len())));
    }
    let mut total = 0u64;
    for (f, v) in &parsed {
        total += sims_of(&Ctx { file: f }, v)?.len() as u64;
    }

    let seg = SegmentTable {
        section_names: Vec::new(),
        section_index: sec_ind.clone().map(|v| v.iter().map(|&x| x as u32).collect()).unwrap_or_else(|| vec![0; n_seg]),
        region: types.clone(),
        x: vec![f64::NAN; n_seg],
        length_um: lengths,
        diam_um: vec![f64::NAN; n_seg],
        area_um2: vec![f64::NAN; n_seg],
        path_soma_um: dist.unwrap_or_else(|| vec![f64::NAN; n_seg]),
        centre_um: vec![f64::NAN; 3 * n_seg],
    };
    let info = StoreInfo {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        status: "in_progress".into(),
        source: "neuronio-import".into(),
        simulations: total,
        duration_ms: t_ms,
        highres_per_ms: per_ms,
        n_segments: n_seg as u64,
        n_exc: n_seg as u64,
        n_inh: n_seg as u64,
        segment_voltage_dtype: VoltageDtype::Float16,
        owned: [0, total],
        shard: None,
        nexus_row: None,
        nexus_site: "apic[50](0.9) as recorded in the NeuronIO files".into(),
    };
    let mut attrs = serde_json::Map::new();
    attrs.insert("neuronio_files".into(), serde_json::json!(files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>()));
    let params: Vec<serde_json::Value> = parsed.iter().map(|(_, v)| v.get("Params").map(|p| p.to_json()).unwrap_or_default()).collect();
    attrs.insert("neuronio_params".into(), serde_json::Value::Array(params));
    attrs.insert("provenance".into(), serde_json::to_value(Provenance::now(None)).expect("provenance"));
    let syn_seg: Vec<u32> = (0..n_seg as u32).chain(0..n_seg as u32).collect();
    let mut store = Store::create(out, info, &seg, &syn_seg, attrs)?;
    store.write_times(&f32s(time_hi.clone()), &f32s(time_lo.clone()))?;

    let mut index = 0u64;
    for (f, v) in &parsed {
        let ctx = Ctx { file: f };
        let p = ctx.field(v, "Params", "top level")?;
        let tys = p.get("allSegmentsType").map(|x| x.to_json());
        if tys != params0.get("allSegmentsType").map(|x| x.to_json()) {
            return Err(ctx.err(format!("Params.allSegmentsType differs from {}: files come from different cells", f0.display())));
        }
        for (k, sim) in sims_of(&ctx, v)?.iter().enumerate() {
            let w = format!("simulation {k}");
            if ctx.numbers(sim, "recordingTimeLowRes", &w)? != time_lo || ctx.numbers(sim, "recordingTimeHighRes", &w)? != time_hi {
                return Err(ctx.err(format!("{w}: recording times differ from simulation 0 of {}", f0.display())));
            }
            let dend = ctx.field(sim, "dendriticVoltagesLowRes", &w)?;
            if dend.shape() != Some(vec![n_seg, t_ms as usize]) {
                return Err(ctx.err(format!("{w}.dendriticVoltagesLowRes: shape {:?}, expected [{n_seg}, {t_ms}]", dend.shape())));
            }
            let mut inputs = spike_dict(&ctx, sim, "exInputSpikeTimes", &w, n_seg, t_ms)?;
            inputs.extend(spike_dict(&ctx, sim, "inhInputSpikeTimes", &w, n_seg, t_ms)?);
            let mut out_spikes = ctx.numbers(sim, "outputSpikeTimes", &w)?;
            out_spikes.sort_by(f64::total_cmp);
            let rec = SimulationRecord {
                soma_highres_mv: f32s(ctx.numbers(sim, "somaVoltageHighRes", &w)?),
                nexus_highres_mv: f32s(ctx.numbers(sim, "nexusVoltageHighRes", &w)?),
                soma_lowres_mv: f32s(ctx.numbers(sim, "somaVoltageLowRes", &w)?),
                nexus_lowres_mv: f32s(ctx.numbers(sim, "nexusVoltageLowRes", &w)?),
                segment_lowres_mv: f32s(dend.array_f64().map_err(|e| ctx.err(format!("{w}.dendriticVoltagesLowRes: {e}")))?),
                output_spike_times_ms: out_spikes,
                input_spikes_ms: inputs,
                block_ms: 0,
                sigma_ms: 0,
            };
            store.write_simulation(index, &rec).map_err(|e| ctx.err(format!("{w}: {e}")))?;
            index += 1;
        }
    }
    store.finish_if_complete()?;
    Ok(store.path.clone())
}
