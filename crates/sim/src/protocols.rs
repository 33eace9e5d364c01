//! Standard protocols: Hay 2011 step current and BAC firing, and the NeuronIO synaptic
//! bombardment (one AMPA+NMDA and one GABA_A synapse per dendritic segment).

use crate::biophysics::Biophysics;
use crate::cell::{Cell, Release};
use crate::error::{check_finite, check_positive, Result, SimError};
use crate::record::Recording;
use crate::spikes::{local_maxima_above, threshold_crossings};
use crate::stimulus::{Epsp, IClamp};
use crate::synapses::{keyed_uniform, EventQueue, ExcParams, InhParams};
use lfdeep_morph::{discretize, load_morphology, DiscretizeOptions, Discretized, Region};

/// Load and discretise a morphology the Hay way (nseg rule 1 + 2·floor(L/40), Ra 100,
/// axon replaced by two 30 µm cylinders).
pub fn hay_cell_geometry(morphology: &str) -> Result<Discretized> {
    let m = load_morphology(morphology)?;
    Ok(discretize(&m, &DiscretizeOptions { hay_axon: true, ..Default::default() })?)
}

/// What a protocol returns.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProtocolResult {
    pub dt_ms: f64,
    /// Somatic voltage every step, t = 0 included (mV).
    pub t_ms: Vec<f64>,
    pub soma_mv: Vec<f64>,
    /// Dendritic recording site (segment row) and its voltage every step, if any.
    pub dend_row: Option<usize>,
    pub dend_mv: Vec<f64>,
    /// Somatic spikes: upward crossings of −10 mV (ms).
    pub spike_times_ms: Vec<f64>,
    /// Peak dendritic voltage (mV), if a dendritic site was recorded.
    pub peak_dend_mv: Option<f64>,
}

fn finish(dt: f64, soma: Recording, dend: Option<(usize, Recording)>) -> ProtocolResult {
    let soma_mv = soma.trace(0);
    let spikes = threshold_crossings(&soma.t_ms, &soma_mv, -10.0);
    let (dend_row, dend_mv) = match dend {
        Some((r, rec)) => (Some(r), rec.trace(0)),
        None => (None, Vec::new()),
    };
    let peak = if dend_mv.is_empty() { None } else { Some(dend_mv.iter().cloned().fold(f64::MIN, f64::max)) };
    ProtocolResult { dt_ms: dt, t_ms: soma.t_ms, soma_mv, dend_row, dend_mv, spike_times_ms: spikes, peak_dend_mv: peak }
}

/// Hay's step-current protocol: IClamp at soma(0.5).
#[derive(Debug, Clone, Copy)]
pub struct StepProtocol {
    pub amp_na: f64,
    pub delay_ms: f64,
    pub dur_ms: f64,
    pub tstop_ms: f64,
    pub v_init_mv: f64,
    pub dt_ms: f64,
}

impl StepProtocol {
    /// delay 700 ms, duration 2000 ms, tstop 3000 ms, v_init −80 mV, dt 0.025 ms.
    pub fn hay(amp_na: f64) -> StepProtocol {
        StepProtocol { amp_na, delay_ms: 700.0, dur_ms: 2000.0, tstop_ms: 3000.0, v_init_mv: -80.0, dt_ms: 0.025 }
    }
}

pub fn run_step(disc: &Discretized, bio: &Biophysics, p: &StepProtocol) -> Result<ProtocolResult> {
    let mut cell = Cell::new(disc, bio)?;
    let soma = cell.soma_node()?;
    cell.add_stimulus(Box::new(IClamp::new(soma, p.delay_ms, p.dur_ms, p.amp_na)?))?;
    cell.init(p.v_init_mv, p.dt_ms)?;
    let mut rec = Recording::new(vec![soma], p.dt_ms, p.dt_ms)?;
    let n = cell.steps_for(p.tstop_ms)?;
    cell.run_steps(n, &mut [&mut rec])?;
    Ok(finish(p.dt_ms, rec, None))
}

/// The four BAC-firing variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BacKind {
    /// Somatic pulse only (back-propagating AP).
    Bap,
    /// Dendritic EPSP-like current only.
    Epsp,
    /// Dendritic current at 3× amplitude.
    CaBurst,
    /// Both: somatic pulse then dendritic EPSP 5 ms later.
    Bac,
}

impl std::str::FromStr for BacKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.to_ascii_lowercase().as_str() {
            "bap" => Ok(BacKind::Bap),
            "epsp" => Ok(BacKind::Epsp),
            "caburst" => Ok(BacKind::CaBurst),
            "bac" => Ok(BacKind::Bac),
            _ => Err(format!("unknown BAC kind '{s}' (use bap, epsp, caburst or bac)")),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct BacProtocol {
    pub kind: BacKind,
    pub soma_amp_na: f64,
    pub soma_delay_ms: f64,
    pub soma_dur_ms: f64,
    pub epsp_imax_na: f64,
    pub epsp_onset_ms: f64,
    pub tau0_ms: f64,
    pub tau1_ms: f64,
    /// Path distance of the dendritic site from soma(0.5) (µm).
    pub site_um: f64,
    pub tstop_ms: f64,
    pub v_init_mv: f64,
    pub dt_ms: f64,
}

impl BacProtocol {
    /// Hay 2011: soma 1.9 nA at 295 ms for 5 ms; EPSP 0.5 nA (τ0 0.5, τ1 5 ms) at 300 ms at
    /// 620 µm; tstop 600 ms; v_init −80 mV.
    pub fn hay(kind: BacKind) -> BacProtocol {
        BacProtocol {
            kind,
            soma_amp_na: 1.9,
            soma_delay_ms: 295.0,
            soma_dur_ms: 5.0,
            epsp_imax_na: 0.5,
            epsp_onset_ms: 300.0,
            tau0_ms: 0.5,
            tau1_ms: 5.0,
            site_um: 620.0,
            tstop_ms: 600.0,
            v_init_mv: -80.0,
            dt_ms: 0.025,
        }
    }
}

/// The BAC dendritic site: among apical sections spanning `distance_um` from soma(0.5), the
/// point at that distance with the largest diameter. Returns (segment row, section name, x).
pub fn bac_site(disc: &Discretized, distance_um: f64) -> Result<(usize, String, f64)> {
    check_positive("site distance", distance_um)?;
    let mut best: Option<(f64, usize, String, f64)> = None;
    for (i, sec) in disc.morphology.sections.iter().enumerate() {
        if sec.region != Region::Apical {
            continue;
        }
        let first = &disc.segments[disc.section_first_segment[i]];
        let d0 = first.path_soma_um - first.x * disc.length_um[i];
        let d1 = d0 + disc.length_um[i];
        if distance_um > d0 && distance_um < d1 {
            let x = (distance_um - d0) / (d1 - d0);
            let row = disc.segment_at(&sec.name, x).expect("section exists");
            let diam = disc.segments[row].diam_um;
            if best.as_ref().is_none_or(|b| diam > b.0) {
                best = Some((diam, row, sec.name.clone(), x));
            }
        }
    }
    best.map(|(_, r, n, x)| (r, n, x))
        .ok_or_else(|| SimError::param("BAC site", format!("no apical section spans {distance_um} µm from the soma")))
}

pub fn run_bac(disc: &Discretized, bio: &Biophysics, p: &BacProtocol) -> Result<ProtocolResult> {
    let mut cell = Cell::new(disc, bio)?;
    let soma = cell.soma_node()?;
    let (row, _, _) = bac_site(disc, p.site_um)?;
    let site = cell.node_of(row)?;
    if matches!(p.kind, BacKind::Bap | BacKind::Bac) {
        cell.add_stimulus(Box::new(IClamp::new(soma, p.soma_delay_ms, p.soma_dur_ms, p.soma_amp_na)?))?;
    }
    let imax = match p.kind {
        BacKind::Bap => None,
        BacKind::Epsp | BacKind::Bac => Some(p.epsp_imax_na),
        BacKind::CaBurst => Some(3.0 * p.epsp_imax_na),
    };
    if let Some(imax) = imax {
        cell.add_stimulus(Box::new(Epsp::new(site, p.epsp_onset_ms, p.tau0_ms, p.tau1_ms, imax)?))?;
    }
    cell.init(p.v_init_mv, p.dt_ms)?;
    let mut rs = Recording::new(vec![soma], p.dt_ms, p.dt_ms)?;
    let mut rd = Recording::new(vec![site], p.dt_ms, p.dt_ms)?;
    let n = cell.steps_for(p.tstop_ms)?;
    cell.run_steps(n, &mut [&mut rs, &mut rd])?;
    Ok(finish(p.dt_ms, rs, Some((row, rd))))
}

/// Input spike times (ms) per dendritic segment: row k of `exc`/`inh` drives the synapse on
/// dendritic segment k (basal then apical rows of the segment table).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct SynapticInput {
    pub exc: Vec<Vec<f64>>,
    pub inh: Vec<Vec<f64>>,
}

/// Homogeneous Poisson trains on a 1 ms grid (at most one spike per ms bin, at the bin's
/// integer time, as NeuronIO's inputs), keyed by (seed, synapse) so any subset reproduces.
pub fn poisson_input(n_segments: usize, exc_hz: f64, inh_hz: f64, duration_ms: f64, seed: u64) -> Result<SynapticInput> {
    for (n, r) in [("exc rate", exc_hz), ("inh rate", inh_hz)] {
        if !(r.is_finite() && r >= 0.0 && r <= 1000.0) {
            return Err(SimError::param(n, format!("must be within 0..1000 Hz, got {r}")));
        }
    }
    check_finite("duration", duration_ms)?;
    let bins = duration_ms.max(0.0) as u64;
    let train = |stream: u64, hz: f64| -> Vec<f64> {
        let p = hz / 1000.0;
        (1..bins).filter(|&k| keyed_uniform(seed, stream, k) < p).map(|k| k as f64).collect()
    };
    Ok(SynapticInput {
        exc: (0..n_segments).map(|k| train(2 * k as u64, exc_hz)).collect(),
        inh: (0..n_segments).map(|k| train(2 * k as u64 + 1, inh_hz)).collect(),
    })
}

/// NeuronIO bombardment settings.
#[derive(Debug, Clone, Copy)]
pub struct BombardProtocol {
    pub tstop_ms: f64,
    pub dt_ms: f64,
    pub v_init_mv: f64,
    /// Interval of the all-segment recording (ms; NeuronIO "LowRes" 1 ms).
    pub dend_interval_ms: f64,
    /// Interval of the somatic recording (ms; NeuronIO "HighRes" 1/8 ms).
    pub soma_interval_ms: f64,
    pub exc: ExcParams,
    pub inh: InhParams,
    pub release: Release,
}

impl Default for BombardProtocol {
    fn default() -> Self {
        BombardProtocol {
            tstop_ms: 1000.0,
            dt_ms: 0.025,
            v_init_mv: -76.0,
            dend_interval_ms: 1.0,
            soma_interval_ms: 0.125,
            exc: ExcParams::default(),
            inh: InhParams::default(),
            release: Release::default(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct BombardResult {
    /// Soma at `soma_interval_ms`.
    pub soma: Recording,
    /// All dendritic segments at `dend_interval_ms` (column j = dendritic segment j).
    pub dend: Recording,
    /// Output spikes: local maxima of the somatic trace above −25 mV (ms).
    pub spike_times_ms: Vec<f64>,
    /// (events delivered, events released).
    pub events: (u64, u64),
}

/// Rows of the dendritic segments (basal then apical), the synapse sites.
pub fn dendritic_rows(disc: &Discretized) -> Vec<usize> {
    disc.segments
        .iter()
        .filter(|s| matches!(s.region, Region::Basal | Region::Apical))
        .map(|s| s.index)
        .collect()
}

pub fn run_bombardment(disc: &Discretized, bio: &Biophysics, input: &SynapticInput, p: &BombardProtocol) -> Result<BombardResult> {
    let rows = dendritic_rows(disc);
    if input.exc.len() != rows.len() || input.inh.len() != rows.len() {
        return Err(SimError::param(
            "synaptic input",
            format!("{} excitatory / {} inhibitory trains for {} dendritic segments", input.exc.len(), input.inh.len(), rows.len()),
        ));
    }
    let mut cell = Cell::new(disc, bio)?;
    cell.set_synapses(&rows, &rows, p.exc, p.inh)?;
    cell.set_events(EventQueue::from_trains(&input.exc, &input.inh)?, p.release)?;
    cell.init(p.v_init_mv, p.dt_ms)?;
    let soma = cell.soma_node()?;
    let nodes: Vec<usize> = rows.iter().map(|&r| disc.segments[r].node).collect();
    let mut rs = Recording::new(vec![soma], p.soma_interval_ms, p.dt_ms)?;
    let mut rd = Recording::new(nodes, p.dend_interval_ms, p.dt_ms)?;
    let n = cell.steps_for(p.tstop_ms)?;
    cell.run_steps(n, &mut [&mut rs, &mut rd])?;
    let v = rs.trace(0);
    let spikes = local_maxima_above(&rs.t_ms, &v, -25.0);
    Ok(BombardResult { soma: rs, dend: rd, spike_times_ms: spikes, events: cell.event_counts() })
}
