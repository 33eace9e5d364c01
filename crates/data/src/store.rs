//! The dataset store: a Zarr v3 group, one chunk per simulation along axis 0.
//!
//! Arrays (S simulations, T ms, N recorded segments, Y synapses = n_exc + n_inh):
//! - `soma_voltage_highres_mv`, `nexus_voltage_highres_mv`: f32 [S, 8T] (1/8 ms);
//! - `soma_voltage_lowres_mv`, `nexus_voltage_lowres_mv`: f32 [S, T] (1 ms);
//! - `segment_voltage_lowres_mv`: f16 or f32 [S, N, T], rows = the segment table;
//! - `output_spike_count`: u32 [S]; `output_spike_times_ms`: f64 [S, 4T] (first `count` valid);
//! - `input_spike_offsets`: u32 [S, Y+1] and `input_spike_times_ms`: u32 [S, Y·T]: per
//!   simulation, synapse y's spike times are `times[s, offsets[s, y]:offsets[s, y+1]]`
//!   (whole ms; rows 0..n_exc excitatory, then inhibitory);
//! - `input_block_sigma_ms`: u32 [S, 2] (the generator's T_c and σ; 0 when unknown);
//! - `committed`: u8 [S], uncompressed: 1 once every array of that simulation is written;
//! - `time_highres_ms` f32 [8T], `time_lowres_ms` f32 [T]; `segments/*` the segment table,
//!   `synapse_segment` u32 [Y] (segment row of each synapse).
//!
//! Safety: a simulation's data chunks are written first and its `committed` byte last, so a
//! killed run leaves at most uncommitted simulations, which `--resume` redoes. The store
//! lives at `DIR.partial` until every simulation it owns is committed; only then is its
//! status set to `complete` and it is renamed to `DIR`.

use crate::config::VoltageDtype;
use crate::error::{DataError, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use zarrs::array::{data_type, Array, ArrayBuilder, ArraySubset};
use zarrs::filesystem::FilesystemStore;
use zarrs::group::{Group, GroupBuilder};

pub const FORMAT: &str = "lfdeep-dataset";
pub const FORMAT_VERSION: u32 = 1;
pub const HIGHRES_PER_MS: u64 = 8;
/// Events per chunk of `input_spike_times_ms`.
const SPIKE_CHUNK: u64 = 1 << 18;
const OUTPUT_CHUNK: u64 = 1024;

/// Shapes and ownership of a store (the `lfdeep` attribute of the root group).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreInfo {
    pub format: String,
    pub format_version: u32,
    /// `in_progress` or `complete`.
    pub status: String,
    /// `simulate` or `neuronio-import` or `merge`.
    pub source: String,
    pub simulations: u64,
    pub duration_ms: u64,
    pub highres_per_ms: u64,
    pub n_segments: u64,
    pub n_exc: u64,
    pub n_inh: u64,
    pub segment_voltage_dtype: VoltageDtype,
    /// Simulation indices this store owns: `owned[0]..owned[1]`.
    pub owned: [u64; 2],
    /// `K/N` for a shard of a larger run.
    pub shard: Option<[u64; 2]>,
    /// Segment-table row of the nexus recording, and how it was chosen.
    pub nexus_row: Option<u64>,
    pub nexus_site: String,
}

impl StoreInfo {
    pub fn n_synapses(&self) -> u64 {
        self.n_exc + self.n_inh
    }
}

/// One simulation, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulationRecord {
    pub soma_highres_mv: Vec<f32>,
    pub nexus_highres_mv: Vec<f32>,
    pub soma_lowres_mv: Vec<f32>,
    pub nexus_lowres_mv: Vec<f32>,
    /// Row-major [N][T].
    pub segment_lowres_mv: Vec<f32>,
    pub output_spike_times_ms: Vec<f64>,
    /// Y rows of whole-ms spike times.
    pub input_spikes_ms: Vec<Vec<u32>>,
    pub block_ms: u32,
    pub sigma_ms: u32,
}

/// The segment table as stored (columns; unknown values NaN).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentTable {
    pub section_names: Vec<String>,
    pub section_index: Vec<u32>,
    /// Region labels (basal, apical, soma, axon, ...).
    pub region: Vec<String>,
    pub x: Vec<f64>,
    pub length_um: Vec<f64>,
    pub diam_um: Vec<f64>,
    pub area_um2: Vec<f64>,
    pub path_soma_um: Vec<f64>,
    /// Row-major [N][3].
    pub centre_um: Vec<f64>,
}

impl SegmentTable {
    pub fn from_discretized(d: &lfdeep_morph::Discretized) -> Self {
        let mut t = SegmentTable {
            section_names: d.morphology.sections.iter().map(|s| s.name.clone()).collect(),
            ..Default::default()
        };
        for s in &d.segments {
            t.section_index.push(s.section as u32);
            t.region.push(s.region.label());
            t.x.push(s.x);
            t.length_um.push(s.length_um);
            t.diam_um.push(s.diam_um);
            t.area_um2.push(s.area_um2);
            t.path_soma_um.push(s.path_soma_um);
            t.centre_um.extend_from_slice(&s.centre_um);
        }
        t
    }
    pub fn len(&self) -> usize {
        self.x.len()
    }
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

impl Store {
    fn ze<E: std::fmt::Display>(&self) -> impl Fn(E) -> DataError + '_ {
        move |x| zerr(&self.path, x)
    }
}

fn zerr(path: &Path, e: impl std::fmt::Display) -> DataError {
    DataError::store(path, e)
}

/// The in-progress name of a store directory.
pub fn partial_path(dir: &Path) -> PathBuf {
    PathBuf::from(format!("{}.partial", dir.display()))
}

pub struct Store {
    /// Where the store is now (`DIR.partial` while in progress).
    pub path: PathBuf,
    /// Where it goes when complete.
    pub final_path: PathBuf,
    storage: Arc<FilesystemStore>,
    pub info: StoreInfo,
}

struct Spec {
    name: &'static str,
    shape: Vec<u64>,
    chunk: Vec<u64>,
    dtype: zarrs::array::DataType,
    fill: FillKind,
    compress: bool,
}

enum FillKind {
    NanF32,
    NanF64,
    ZeroU32,
    ZeroU8,
    NanF16,
}

impl Store {
    fn array_specs(info: &StoreInfo) -> Vec<Spec> {
        let (s, t, n, y) = (info.simulations, info.duration_ms, info.n_segments, info.n_synapses());
        let h = t * info.highres_per_ms;
        let f32s = |name, shape: Vec<u64>, chunk| Spec { name, shape, chunk, dtype: data_type::float32(), fill: FillKind::NanF32, compress: true };
        let u32s = |name, shape: Vec<u64>, chunk| Spec { name, shape, chunk, dtype: data_type::uint32(), fill: FillKind::ZeroU32, compress: true };
        let (seg_dtype, seg_fill) = match info.segment_voltage_dtype {
            VoltageDtype::Float16 => (data_type::float16(), FillKind::NanF16),
            VoltageDtype::Float32 => (data_type::float32(), FillKind::NanF32),
        };
        vec![
            f32s("soma_voltage_highres_mv", vec![s, h], vec![1, h]),
            f32s("nexus_voltage_highres_mv", vec![s, h], vec![1, h]),
            f32s("soma_voltage_lowres_mv", vec![s, t], vec![1, t]),
            f32s("nexus_voltage_lowres_mv", vec![s, t], vec![1, t]),
            Spec { name: "segment_voltage_lowres_mv", shape: vec![s, n.max(1), t], chunk: vec![1, n.max(1), t], dtype: seg_dtype, fill: seg_fill, compress: true },
            u32s("output_spike_count", vec![s], vec![1]),
            Spec { name: "output_spike_times_ms", shape: vec![s, 4 * t], chunk: vec![1, OUTPUT_CHUNK.min(4 * t)], dtype: data_type::float64(), fill: FillKind::NanF64, compress: true },
            u32s("input_spike_offsets", vec![s, y + 1], vec![1, y + 1]),
            u32s("input_spike_times_ms", vec![s, (y * t).max(1)], vec![1, SPIKE_CHUNK.min((y * t).max(1))]),
            u32s("input_block_sigma_ms", vec![s, 2], vec![1, 2]),
            Spec { name: "committed", shape: vec![s], chunk: vec![1], dtype: data_type::uint8(), fill: FillKind::ZeroU8, compress: false },
        ]
    }

    fn build(storage: &Arc<FilesystemStore>, path: &Path, sp: &Spec) -> Result<Array<FilesystemStore>> {
        let mut b = match sp.fill {
            FillKind::NanF32 => ArrayBuilder::new(sp.shape.clone(), sp.chunk.clone(), sp.dtype.clone(), f32::NAN),
            FillKind::NanF64 => ArrayBuilder::new(sp.shape.clone(), sp.chunk.clone(), sp.dtype.clone(), f64::NAN),
            FillKind::NanF16 => ArrayBuilder::new(sp.shape.clone(), sp.chunk.clone(), sp.dtype.clone(), half::f16::NAN),
            FillKind::ZeroU32 => ArrayBuilder::new(sp.shape.clone(), sp.chunk.clone(), sp.dtype.clone(), 0u32),
            FillKind::ZeroU8 => ArrayBuilder::new(sp.shape.clone(), sp.chunk.clone(), sp.dtype.clone(), 0u8),
        };
        if sp.compress {
            b.bytes_to_bytes_codecs(vec![Arc::new(zarrs::array::codec::ZstdCodec::new(3, false))]);
        }
        b.build(storage.clone(), &format!("/{}", sp.name)).map_err(|e| zerr(path, e))
    }

    /// Create a new store at `dir.partial` (refusing to touch an existing `dir` or partial).
    pub fn create(
        dir: &Path,
        info: StoreInfo,
        segments: &SegmentTable,
        synapse_segment: &[u32],
        extra_attrs: serde_json::Map<String, serde_json::Value>,
    ) -> Result<Store> {
        let path = partial_path(dir);
        if dir.exists() {
            return Err(zerr(dir, "already exists; choose another --out or delete it"));
        }
        if path.exists() {
            return Err(zerr(&path, "an interrupted run is here: pass --resume to continue it, or delete it"));
        }
        if segments.len() as u64 != info.n_segments || synapse_segment.len() as u64 != info.n_synapses() {
            return Err(DataError::Invalid(format!(
                "segment table has {} rows and {} synapses, layout says {} and {}",
                segments.len(),
                synapse_segment.len(),
                info.n_segments,
                info.n_synapses()
            )));
        }
        std::fs::create_dir_all(&path).map_err(|e| DataError::io(&path, e))?;
        let storage = Arc::new(FilesystemStore::new(&path).map_err(|e| zerr(&path, e))?);
        let store = Store { path: path.clone(), final_path: dir.to_path_buf(), storage, info };
        store.write_root(extra_attrs)?;
        for sp in Self::array_specs(&store.info) {
            Self::build(&store.storage, &path, &sp)?.store_metadata().map_err(|e| zerr(&path, e))?;
        }
        store.write_static(segments, synapse_segment)?;
        Ok(store)
    }

    fn write_root(&self, extra: serde_json::Map<String, serde_json::Value>) -> Result<()> {
        let mut attrs = extra;
        attrs.insert("lfdeep".into(), serde_json::to_value(&self.info).expect("info"));
        let g = GroupBuilder::new().attributes(attrs).build(self.storage.clone(), "/").map_err(|e| zerr(&self.path, e))?;
        g.store_metadata().map_err(|e| zerr(&self.path, e))
    }

    fn small<T: zarrs::array::Element>(&self, name: &str, shape: Vec<u64>, dtype: zarrs::array::DataType, fill: impl Into<zarrs::array::builder::ArrayBuilderFillValue>, data: &[T]) -> Result<()> {
        let a = ArrayBuilder::new(shape.clone(), shape, dtype, fill).build(self.storage.clone(), name).map_err(|e| zerr(&self.path, e))?;
        a.store_metadata().map_err(|e| zerr(&self.path, e))?;
        a.store_chunk(&vec![0; a.dimensionality()], data).map_err(|e| zerr(&self.path, e))
    }

    fn write_static(&self, seg: &SegmentTable, synapse_segment: &[u32]) -> Result<()> {
        let (t, h) = (self.info.duration_ms, self.info.duration_ms * self.info.highres_per_ms);
        let tl: Vec<f32> = (0..t).map(|k| k as f32).collect();
        let th: Vec<f32> = (0..h).map(|k| k as f32 / self.info.highres_per_ms as f32).collect();
        self.write_times(&th, &tl)?;
        let n = seg.len() as u64;
        let mut sattrs = serde_json::Map::new();
        sattrs.insert("section_names".into(), serde_json::json!(seg.section_names));
        sattrs.insert("region".into(), serde_json::json!(seg.region));
        GroupBuilder::new()
            .attributes(sattrs)
            .build(self.storage.clone(), "/segments")
            .map_err(|e| zerr(&self.path, e))?
            .store_metadata()
            .map_err(|e| zerr(&self.path, e))?;
        if n > 0 {
            for (name, col) in [
                ("x", &seg.x),
                ("length_um", &seg.length_um),
                ("diam_um", &seg.diam_um),
                ("area_um2", &seg.area_um2),
                ("path_soma_um", &seg.path_soma_um),
            ] {
                self.small(&format!("/segments/{name}"), vec![n], data_type::float64(), f64::NAN, col)?;
            }
            self.small("/segments/centre_um", vec![n, 3], data_type::float64(), f64::NAN, &seg.centre_um)?;
            self.small("/segments/section_index", vec![n], data_type::uint32(), 0u32, &seg.section_index)?;
        }
        if !synapse_segment.is_empty() {
            self.small("/synapse_segment", vec![synapse_segment.len() as u64], data_type::uint32(), 0u32, synapse_segment)?;
        }
        Ok(())
    }

    /// Overwrite the recording time axes (the importer stores the file's own).
    pub fn write_times(&self, highres: &[f32], lowres: &[f32]) -> Result<()> {
        self.small("/time_highres_ms", vec![highres.len() as u64], data_type::float32(), f32::NAN, highres)?;
        self.small("/time_lowres_ms", vec![lowres.len() as u64], data_type::float32(), f32::NAN, lowres)
    }

    /// Open an existing store (complete, or `DIR.partial` when `dir` does not exist).
    pub fn open(dir: &Path) -> Result<Store> {
        let (path, final_path) = if dir.join("zarr.json").exists() {
            let fp = dir
                .to_str()
                .and_then(|s| s.strip_suffix(".partial"))
                .map(PathBuf::from)
                .unwrap_or_else(|| dir.to_path_buf());
            (dir.to_path_buf(), fp)
        } else if partial_path(dir).join("zarr.json").exists() {
            (partial_path(dir), dir.to_path_buf())
        } else {
            return Err(zerr(dir, "no Zarr store here (no zarr.json in it or in its .partial)"));
        };
        let storage = Arc::new(FilesystemStore::new(&path).map_err(|e| zerr(&path, e))?);
        let g = Group::open(storage.clone(), "/").map_err(|e| zerr(&path, e))?;
        let v = g
            .attributes()
            .get("lfdeep")
            .ok_or_else(|| zerr(&path, "not an lfdeep dataset (root attribute 'lfdeep' missing)"))?;
        let info: StoreInfo = serde_json::from_value(v.clone()).map_err(|e| zerr(&path, format!("attribute 'lfdeep': {e}")))?;
        if info.format != FORMAT || info.format_version != FORMAT_VERSION {
            return Err(zerr(&path, format!("unsupported format {} v{}", info.format, info.format_version)));
        }
        Ok(Store { path, final_path, storage, info })
    }

    pub fn root_attributes(&self) -> Result<serde_json::Map<String, serde_json::Value>> {
        let g = Group::open(self.storage.clone(), "/").map_err(|e| zerr(&self.path, e))?;
        Ok(g.attributes().clone())
    }

    pub fn array(&self, name: &str) -> Result<Array<FilesystemStore>> {
        Array::open(self.storage.clone(), &format!("/{name}")).map_err(|e| zerr(&self.path, format!("array {name}: {e}")))
    }

    /// Whether simulation `i` was committed. A missing or unreadable marker means no.
    pub fn is_committed(&self, i: u64) -> Result<bool> {
        let a = self.array("committed")?;
        Ok(matches!(a.retrieve_chunk_if_exists::<Vec<u8>>(&[i]), Ok(Some(v)) if v == [1]))
    }

    pub fn committed(&self) -> Result<Vec<bool>> {
        (0..self.info.simulations).map(|i| self.is_committed(i)).collect()
    }

    /// Write every array of simulation `i`, then its commit marker.
    pub fn write_simulation(&self, i: u64, r: &SimulationRecord) -> Result<()> {
        let info = &self.info;
        let (t, h, n, y) = (info.duration_ms as usize, (info.duration_ms * info.highres_per_ms) as usize, info.n_segments as usize, info.n_synapses() as usize);
        let bad = |what: &str, got: usize, want: usize| Err(DataError::Simulation { index: i, msg: format!("{what} has {got} values, expected {want}") });
        for (what, v, want) in [
            ("soma highres", &r.soma_highres_mv, h),
            ("nexus highres", &r.nexus_highres_mv, h),
            ("soma lowres", &r.soma_lowres_mv, t),
            ("nexus lowres", &r.nexus_lowres_mv, t),
            ("segment voltages", &r.segment_lowres_mv, n * t),
        ] {
            if v.len() != want {
                return bad(what, v.len(), want);
            }
        }
        if r.input_spikes_ms.len() != y {
            return bad("input spike rows", r.input_spikes_ms.len(), y);
        }
        if r.output_spike_times_ms.len() > 4 * t {
            return bad("output spikes", r.output_spike_times_ms.len(), 4 * t);
        }
        if !(i >= info.owned[0] && i < info.owned[1]) {
            return Err(DataError::Simulation { index: i, msg: format!("not owned by this store ({}..{})", info.owned[0], info.owned[1]) });
        }
        self.array("soma_voltage_highres_mv")?.store_chunk(&[i, 0], &r.soma_highres_mv).map_err(self.ze())?;
        self.array("nexus_voltage_highres_mv")?.store_chunk(&[i, 0], &r.nexus_highres_mv).map_err(self.ze())?;
        self.array("soma_voltage_lowres_mv")?.store_chunk(&[i, 0], &r.soma_lowres_mv).map_err(self.ze())?;
        self.array("nexus_voltage_lowres_mv")?.store_chunk(&[i, 0], &r.nexus_lowres_mv).map_err(self.ze())?;
        let seg = self.array("segment_voltage_lowres_mv")?;
        if n > 0 {
            match info.segment_voltage_dtype {
                VoltageDtype::Float32 => seg.store_chunk(&[i, 0, 0], &r.segment_lowres_mv).map_err(self.ze())?,
                VoltageDtype::Float16 => {
                    let v: Vec<half::f16> = r.segment_lowres_mv.iter().map(|&x| half::f16::from_f32(x)).collect();
                    seg.store_chunk(&[i, 0, 0], v).map_err(self.ze())?
                }
            }
        }
        let cnt = r.output_spike_times_ms.len();
        self.array("output_spike_count")?.store_chunk(&[i], vec![cnt as u32]).map_err(self.ze())?;
        let out = self.array("output_spike_times_ms")?;
        if cnt > 0 {
            let sub = ArraySubset::new_with_ranges(&[i..i + 1, 0..cnt as u64]);
            out.store_array_subset(&sub, &r.output_spike_times_ms).map_err(self.ze())?;
        }
        let mut offsets = Vec::with_capacity(y + 1);
        let mut flat = Vec::new();
        offsets.push(0u32);
        for row in &r.input_spikes_ms {
            if row.iter().any(|&x| x as u64 >= info.duration_ms) || row.windows(2).any(|w| w[0] >= w[1]) {
                return Err(DataError::Simulation { index: i, msg: "input spike times must be increasing whole ms within the duration".into() });
            }
            flat.extend_from_slice(row);
            offsets.push(flat.len() as u32);
        }
        self.array("input_spike_offsets")?.store_chunk(&[i, 0], offsets).map_err(self.ze())?;
        if !flat.is_empty() {
            let sub = ArraySubset::new_with_ranges(&[i..i + 1, 0..flat.len() as u64]);
            self.array("input_spike_times_ms")?.store_array_subset(&sub, &flat).map_err(self.ze())?;
        }
        self.array("input_block_sigma_ms")?.store_chunk(&[i, 0], vec![r.block_ms, r.sigma_ms]).map_err(self.ze())?;
        // Last: the commit marker.
        self.array("committed")?.store_chunk(&[i], vec![1u8]).map_err(self.ze())
    }

    /// Read simulation `i` back (segment voltages as f32).
    pub fn read_simulation(&self, i: u64) -> Result<SimulationRecord> {
        let y = self.info.n_synapses() as usize;
        let f32row = |name: &str| -> Result<Vec<f32>> { self.array(name)?.retrieve_chunk::<Vec<f32>>(&[i, 0]).map_err(self.ze()) };
        let seg = self.array("segment_voltage_lowres_mv")?;
        let segment_lowres_mv = if self.info.n_segments == 0 {
            Vec::new()
        } else {
            match self.info.segment_voltage_dtype {
                VoltageDtype::Float32 => seg.retrieve_chunk::<Vec<f32>>(&[i, 0, 0]).map_err(self.ze())?,
                VoltageDtype::Float16 => seg.retrieve_chunk::<Vec<half::f16>>(&[i, 0, 0]).map_err(self.ze())?.into_iter().map(f32::from).collect(),
            }
        };
        let cnt = self.array("output_spike_count")?.retrieve_chunk::<Vec<u32>>(&[i]).map_err(self.ze())?[0] as u64;
        let output_spike_times_ms = if cnt > 0 {
            self.array("output_spike_times_ms")?
                .retrieve_array_subset::<Vec<f64>>(&ArraySubset::new_with_ranges(&[i..i + 1, 0..cnt]))
                .map_err(self.ze())?
        } else {
            Vec::new()
        };
        let offsets = self.array("input_spike_offsets")?.retrieve_chunk::<Vec<u32>>(&[i, 0]).map_err(self.ze())?;
        let total = offsets[y] as u64;
        let flat = if total > 0 {
            self.array("input_spike_times_ms")?
                .retrieve_array_subset::<Vec<u32>>(&ArraySubset::new_with_ranges(&[i..i + 1, 0..total]))
                .map_err(self.ze())?
        } else {
            Vec::new()
        };
        let input_spikes_ms = (0..y).map(|k| flat[offsets[k] as usize..offsets[k + 1] as usize].to_vec()).collect();
        let bs = self.array("input_block_sigma_ms")?.retrieve_chunk::<Vec<u32>>(&[i, 0]).map_err(self.ze())?;
        Ok(SimulationRecord {
            soma_highres_mv: f32row("soma_voltage_highres_mv")?,
            nexus_highres_mv: f32row("nexus_voltage_highres_mv")?,
            soma_lowres_mv: f32row("soma_voltage_lowres_mv")?,
            nexus_lowres_mv: f32row("nexus_voltage_lowres_mv")?,
            segment_lowres_mv,
            output_spike_times_ms,
            input_spikes_ms,
            block_ms: bs[0],
            sigma_ms: bs[1],
        })
    }

    /// Read the input-spike offsets of simulation i (cheap; for summaries).
    pub fn input_offsets(&self, i: u64) -> Result<Vec<u32>> {
        self.array("input_spike_offsets")?.retrieve_chunk::<Vec<u32>>(&[i, 0]).map_err(|x| zerr(&self.path, x))
    }

    /// Output spike times of simulation i.
    pub fn output_spikes(&self, i: u64) -> Result<Vec<f64>> {
        let cnt = self.array("output_spike_count")?.retrieve_chunk::<Vec<u32>>(&[i]).map_err(self.ze())?[0] as u64;
        if cnt == 0 {
            return Ok(Vec::new());
        }
        self.array("output_spike_times_ms")?
            .retrieve_array_subset::<Vec<f64>>(&ArraySubset::new_with_ranges(&[i..i + 1, 0..cnt]))
            .map_err(self.ze())
    }

    pub fn read_segment_table(&self) -> Result<SegmentTable> {
        let g = Group::open(self.storage.clone(), "/segments").map_err(self.ze())?;
        let attrs = g.attributes();
        let strs = |k: &str| -> Vec<String> { attrs.get(k).and_then(|v| serde_json::from_value(v.clone()).ok()).unwrap_or_default() };
        let mut t = SegmentTable { section_names: strs("section_names"), region: strs("region"), ..Default::default() };
        if self.info.n_segments > 0 {
            let col = |name: &str| -> Result<Vec<f64>> { self.array(&format!("segments/{name}"))?.retrieve_chunk::<Vec<f64>>(&[0]).map_err(self.ze()) };
            t.x = col("x")?;
            t.length_um = col("length_um")?;
            t.diam_um = col("diam_um")?;
            t.area_um2 = col("area_um2")?;
            t.path_soma_um = col("path_soma_um")?;
            t.centre_um = self.array("segments/centre_um")?.retrieve_chunk::<Vec<f64>>(&[0, 0]).map_err(self.ze())?;
            t.section_index = self.array("segments/section_index")?.retrieve_chunk::<Vec<u32>>(&[0]).map_err(self.ze())?;
        }
        Ok(t)
    }

    pub fn read_synapse_segment(&self) -> Result<Vec<u32>> {
        if self.info.n_synapses() == 0 {
            return Ok(Vec::new());
        }
        self.array("synapse_segment")?.retrieve_chunk::<Vec<u32>>(&[0]).map_err(|x| zerr(&self.path, x))
    }

    pub fn read_times(&self) -> Result<(Vec<f32>, Vec<f32>)> {
        Ok((
            self.array("time_highres_ms")?.retrieve_chunk::<Vec<f32>>(&[0]).map_err(self.ze())?,
            self.array("time_lowres_ms")?.retrieve_chunk::<Vec<f32>>(&[0]).map_err(self.ze())?,
        ))
    }

    /// If every owned simulation is committed: mark complete and rename to the final name.
    /// Returns whether it did.
    pub fn finish_if_complete(&mut self) -> Result<bool> {
        let c = self.committed()?;
        if !(self.info.owned[0]..self.info.owned[1]).all(|i| c[i as usize]) {
            return Ok(false);
        }
        let mut attrs = self.root_attributes()?;
        self.info.status = "complete".into();
        attrs.insert("lfdeep".into(), serde_json::to_value(&self.info).expect("info"));
        let g = GroupBuilder::new().attributes(attrs).build(self.storage.clone(), "/").map_err(|e| zerr(&self.path, e))?;
        g.store_metadata().map_err(|e| zerr(&self.path, e))?;
        if self.path != self.final_path {
            if self.final_path.exists() {
                return Err(zerr(&self.final_path, "exists; cannot move the finished store there"));
            }
            std::fs::rename(&self.path, &self.final_path).map_err(|e| DataError::io(&self.final_path, e))?;
            self.path = self.final_path.clone();
            self.storage = Arc::new(FilesystemStore::new(&self.path).map_err(|e| zerr(&self.path, e))?);
        }
        Ok(true)
    }

    /// Write a side file (resolved config, provenance) into the store directory.
    pub fn write_side_file(&self, name: &str, text: &str) -> Result<()> {
        let p = self.path.join(name);
        let tmp = self.path.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text).map_err(|e| DataError::io(&tmp, e))?;
        std::fs::rename(&tmp, &p).map_err(|e| DataError::io(&p, e))
    }
}
