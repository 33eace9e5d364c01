//! `lfdeep lfp`: extracellular potentials (LFP, current dipole, EEG) from simulated or
//! predicted all-compartment voltages.
//!
//! Voltages (mV, segments × time, segment-table order) → membrane currents by Kirchhoff
//! (nA) → potentials at the electrodes of a TOML file (line or point source, mV), the
//! current dipole moment (nA·µm) and, if configured, four-sphere EEG (mV). Writes .npy
//! arrays, a JSON description and optionally a figure.

use anyhow::{bail, Context, Result};
use lfdeep_lfp::{
    dipole_moment_matrix, line_source_matrix, npy, point_source_matrix, AxialNetwork, CellGeometry, ElectrodeConfig, Matrix,
    SourceModel,
};
use lfdeep_morph::{discretize, load_morphology, DiscretizeOptions, Discretized, NsegRule, Region};
use plotters::prelude::*;
use serde_json::json;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
#[command(group(clap::ArgGroup::new("input").required(true).multiple(true).args(["data", "voltages", "prediction"])))]
pub struct Args {
    /// A dataset store (Zarr) written by `lfdeep simulate`: its 1 ms segment voltages of
    /// simulation `--simulation` are the simulated voltages (give the same --morphology and
    /// --hay-axon the store was simulated with; checked against its segment table).
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Which simulation of the --data store (0-based).
    #[arg(long, default_value_t = 0)]
    pub simulation: u64,
    /// Simulated ("true") voltages: .npy, segments × time (or time × segments), mV.
    #[arg(long, value_name = "FILE.npy")]
    pub voltages: Option<PathBuf>,
    /// Surrogate-predicted voltages: .npy, same layout as --voltages.
    #[arg(long, value_name = "FILE.npy")]
    pub prediction: Option<PathBuf>,
    /// Electrode configuration (points, linear probes, planar grids, EEG), µm from the soma.
    #[arg(long, value_name = "ELECTRODES.toml")]
    pub electrodes: PathBuf,
    /// A Neurolucida .asc or SWC .swc file, or builtin:l5pc.
    #[arg(long, default_value = "builtin:l5pc")]
    pub morphology: String,
    /// Segments per section: hay, fixed:N or dlambda:F.
    #[arg(long, default_value = "hay")]
    pub nseg_rule: NsegRule,
    /// Replace the axon by Hay's two 30 µm × 1 µm cylinders (as the simulator does).
    #[arg(long)]
    pub hay_axon: bool,
    /// Axial resistivity (Ω·cm).
    #[arg(long, default_value_t = 100.0)]
    pub ra: f64,
    /// Time step of the voltage samples (ms).
    #[arg(long, default_value_t = 1.0)]
    pub dt_ms: f64,
    /// Accept voltages without the axon rows (basal, apical, soma only, as surrogates
    /// predict them) and give the axon the soma's voltage: an approximation that removes
    /// the axon's own currents.
    #[arg(long)]
    pub axon_from_soma: bool,
    /// Output folder for the arrays and lfp.json.
    #[arg(long, default_value = "lfp_out")]
    pub out: PathBuf,
    /// Draw the morphology with the electrodes and the potentials at up to six of them (PNG).
    #[arg(long, value_name = "OUT.png")]
    pub plot: Option<PathBuf>,
    /// Figure title (default: the morphology's name).
    #[arg(long)]
    pub title: Option<String>,
}

/// What one voltage source gives.
struct Signals {
    label: &'static str,
    imem: Matrix,
    lfp: Matrix,
    dipole: Matrix,
    eeg: Option<Matrix>,
}

pub fn run(a: Args) -> Result<()> {
    if a.data.is_some() && a.voltages.is_some() {
        bail!("give either --data or --voltages as the simulated voltages, not both");
    }
    if !(a.dt_ms.is_finite() && a.dt_ms > 0.0) {
        bail!("--dt-ms must be > 0, got {}", a.dt_ms);
    }
    let cfg = ElectrodeConfig::load(&a.electrodes)?;
    let m = load_morphology(&a.morphology)?;
    let opts = DiscretizeOptions { nseg: a.nseg_rule, hay_axon: a.hay_axon, ra_ohm_cm: a.ra, ..Default::default() };
    let d = discretize(&m, &opts)?;
    let soma = soma_centre(&d);
    let el = cfg.electrodes();
    let el_abs = el.absolute_um(soma);
    let cell = CellGeometry::from_discretized(&d);
    let net = AxialNetwork::from_discretized(&d)?;
    let m_el = match cfg.model {
        SourceModel::Line => line_source_matrix(&cell, &el_abs, cfg.sigma_s_per_m)?,
        SourceModel::Point => point_source_matrix(&cell, &el_abs, cfg.sigma_s_per_m)?,
    };
    // Dipole about the soma, so that a rotation for EEG turns the cell about its soma.
    let cdm = dipole_moment_matrix(&cell.translated([-soma[0], -soma[1], -soma[2]]));
    let eeg_m = match &cfg.eeg {
        Some(e) => Some(e.head()?.transformation_matrix(&e.electrodes_um, e.dipole_location_um)?),
        None => None,
    };
    let mut signals = Vec::new();
    let store_voltages = match &a.data {
        Some(dir) => Some((store_voltages(dir, a.simulation, &d)?, dir.join(format!("simulation {}", a.simulation)))),
        None => None,
    };
    for (label, path) in [("simulated", &a.voltages), ("predicted", &a.prediction)] {
        let (v, path) = match (path, label, &store_voltages) {
            (Some(path), _, _) => (read_voltages(path, &d, a.axon_from_soma)?, path.clone()),
            (None, "simulated", Some((v, p))) => (v.clone(), p.clone()),
            _ => continue,
        };
        let path = &path;
        let imem = net.currents_series(&v)?;
        let lfp = m_el.matmul(&imem)?;
        let dipole = cdm.matmul(&imem)?;
        let eeg = match (&cfg.eeg, &eeg_m) {
            (Some(e), Some(mm)) => Some(mm.matmul(&e.orient(&dipole))?),
            _ => None,
        };
        eprintln!("{label}: {} segments × {} samples from {}", v.rows, v.cols, path.display());
        signals.push(Signals { label, imem, lfp, dipole, eeg });
    }
    if signals.len() == 2 && signals[0].lfp.cols != signals[1].lfp.cols {
        bail!(
            "--voltages has {} samples but --prediction has {}: they must cover the same times",
            signals[0].lfp.cols,
            signals[1].lfp.cols
        );
    }
    std::fs::create_dir_all(&a.out).with_context(|| format!("creating {}", a.out.display()))?;
    let mut files = Vec::new();
    for s in &signals {
        let p = if s.label == "simulated" { "" } else { "pred_" };
        let mut put = |name: String, m: &Matrix| -> Result<()> {
            npy::write_npy(&a.out.join(&name), m, false)?;
            files.push(name);
            Ok(())
        };
        put(format!("{p}imem_nA.npy"), &s.imem)?;
        put(format!("{p}lfp_mV.npy"), &s.lfp)?;
        put(format!("{p}dipole_nA_um.npy"), &s.dipole)?;
        if let Some(e) = &s.eeg {
            put(format!("{p}eeg_mV.npy"), e)?;
        }
    }
    let rel = Matrix::from_vec(el.relative_um.len(), 3, el.relative_um.iter().flatten().copied().collect())?;
    npy::write_npy(&a.out.join("electrodes_um.npy"), &rel, false)?;
    files.push("electrodes_um.npy".into());
    let meta = json!({
        "morphology": d.morphology.source,
        "segments": d.segments.len(),
        "nseg_rule": format!("{:?}", a.nseg_rule),
        "hay_axon": a.hay_axon,
        "ra_ohm_cm": a.ra,
        "dt_ms": a.dt_ms,
        "axon_from_soma": a.axon_from_soma,
        "electrodes_file": a.electrodes,
        "model": format!("{:?}", cfg.model).to_lowercase(),
        "sigma_s_per_m": cfg.sigma_s_per_m,
        "soma_um": soma,
        "electrode_names": el.names,
        "electrodes_um_relative_to_soma": el.relative_um,
        "eeg": cfg.eeg.as_ref().map(|e| json!({
            "radii_um": e.radii_um, "sigmas_s_per_m": e.sigmas_s_per_m,
            "dipole_location_um": e.dipole_location_um, "electrodes_um": e.electrodes_um,
            "rotate_y_to_z": e.rotate_y_to_z})),
        "inputs": {"voltages": a.voltages, "prediction": a.prediction},
        "files": files,
        "units": {"imem": "nA (outward positive), segments x time", "lfp": "mV, electrodes x time",
                  "dipole": "nA·µm (x, y, z about the soma) x time", "eeg": "mV, EEG electrodes x time"},
        "version": env!("CARGO_PKG_VERSION"),
    });
    let tmp = a.out.join("lfp.json.partial");
    std::fs::write(&tmp, serde_json::to_string_pretty(&meta)?).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, a.out.join("lfp.json")).with_context(|| format!("writing {}", a.out.join("lfp.json").display()))?;
    eprintln!("wrote {} arrays and lfp.json to {}", files.len(), a.out.display());
    if signals.len() == 2 {
        for (k, name) in el.names.iter().enumerate().take(6) {
            let (x, y) = (signals[0].lfp.row(k), signals[1].lfp.row(k));
            eprintln!("  {name}: correlation(simulated, predicted) = {:.3}", correlation(x, y));
        }
    }
    if let Some(p) = &a.plot {
        let chosen = chosen_electrodes(&cfg, &el.names);
        let title = a.title.clone().unwrap_or_else(|| d.morphology.source.clone());
        figure(p, &title, &d, soma, &el.names, &el.relative_um, &chosen, &signals, a.dt_ms)?;
        eprintln!("figure: {}", p.display());
    }
    Ok(())
}

/// Centre of the soma segment at x = 0.5 (the origin of electrode coordinates).
fn soma_centre(d: &Discretized) -> [f64; 3] {
    let sec = d.morphology.soma().map(|i| d.morphology.sections[i].name.clone());
    match sec.and_then(|s| d.segment_at(&s, 0.5)) {
        Some(r) => d.segments[r].centre_um,
        None => {
            eprintln!("warning: the morphology has no soma; electrode positions are relative to the origin");
            [0.0; 3]
        }
    }
}

/// Read voltages as segments × time, accepting the transposed layout and (optionally) the
/// axon-less layout of surrogate predictions.
/// The 1 ms voltages of all segments of one simulation of a dataset store, after checking
/// that the store's segment table is this discretisation's (same count, same areas).
fn store_voltages(dir: &Path, sim: u64, d: &Discretized) -> Result<Matrix> {
    let store = lfdeep_data::store::Store::open(dir).with_context(|| format!("opening dataset {}", dir.display()))?;
    let table = store.read_segment_table()?;
    let n = d.segments.len();
    let same = table.area_um2.len() == n
        && table.area_um2.iter().zip(&d.segments).all(|(a, s)| (a - s.area_um2).abs() <= 1e-6 * s.area_um2.max(1e-9));
    if !same {
        bail!(
            "{}: its segment table ({} segments) is not that of {} ({} segments, hay axon {}); pass the --morphology (and --hay-axon) the store was simulated with",
            dir.display(),
            table.area_um2.len(),
            d.morphology.source,
            n,
            d.options.hay_axon
        );
    }
    if sim >= store.info.simulations || !store.is_committed(sim)? {
        bail!("{}: simulation {sim} does not exist or is not committed", dir.display());
    }
    let r = store.read_simulation(sim)?;
    let t = store.info.duration_ms as usize;
    Ok(Matrix { rows: n, cols: t, data: r.segment_lowres_mv.iter().map(|&v| v as f64).collect() })
}

fn read_voltages(path: &Path, d: &Discretized, axon_from_soma: bool) -> Result<Matrix> {
    let mut v = npy::read_npy(path)?;
    let n = d.segments.len();
    let axon = d.rows_of(Region::Axon);
    let no_axon = n - axon.len();
    let fits = |r: usize| r == n || (axon_from_soma && r == no_axon);
    if !fits(v.rows) && fits(v.cols) {
        v = v.transpose();
    }
    if v.rows == n {
        return Ok(v);
    }
    if axon_from_soma && v.rows == no_axon && axon.iter().all(|&r| r >= no_axon) {
        let soma = d.rows_of(Region::Soma);
        let Some(&s) = soma.first() else { bail!("{}: --axon-from-soma needs a soma", path.display()) };
        let mut full = Matrix::zeros(n, v.cols);
        full.data[..no_axon * v.cols].copy_from_slice(&v.data);
        for &r in &axon {
            let src = full.row(s).to_vec();
            full.row_mut(r).copy_from_slice(&src);
        }
        return Ok(full);
    }
    bail!(
        "{}: voltages are {} × {} but {} has {} segments ({} without the axon{}); \
         expected segments × time in segment-table order (basal, apical, soma, axon)",
        path.display(),
        v.rows,
        v.cols,
        d.morphology.source,
        n,
        no_axon,
        if axon_from_soma { "" } else { ": pass --axon-from-soma for voltages without axon rows" }
    )
}

fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx).powi(2);
        syy += (b - my).powi(2);
    }
    sxy / (sxx * syy).sqrt()
}

/// The electrodes named in the config's `plot` list, else up to six spread over all.
fn chosen_electrodes(cfg: &ElectrodeConfig, names: &[String]) -> Vec<usize> {
    if !cfg.plot.is_empty() {
        return cfg.plot.iter().filter_map(|p| names.iter().position(|n| n == p)).take(6).collect();
    }
    let n = names.len();
    let k = n.min(6);
    if k == 0 {
        return Vec::new();
    }
    (0..k).map(|i| if k == 1 { 0 } else { i * (n - 1) / (k - 1) }).collect()
}

/// Morphology (x–y) with the electrodes, and the potential at each chosen electrode:
/// simulated in black, predicted in colour (LFDeep Fig. 1D style).
#[allow(clippy::too_many_arguments)]
fn figure(
    path: &Path,
    title: &str,
    d: &Discretized,
    soma: [f64; 3],
    names: &[String],
    rel: &[[f64; 3]],
    chosen: &[usize],
    signals: &[Signals],
    dt_ms: f64,
) -> Result<()> {
    crate::plot::init_font();
    let err = |e: String| anyhow::anyhow!("drawing {}: {e}", path.display());
    let rows = chosen.len().max(1) as u32;
    let height = (150 * rows + 60).max(700);
    let root = BitMapBackend::new(path, (1400, height)).into_drawing_area();
    root.fill(&WHITE).map_err(|e| err(e.to_string()))?;
    let (head, body) = root.split_vertically(50);
    let legend = match signals.len() {
        2 => "extracellular potential: simulated (black) vs surrogate-predicted (colour)",
        _ => "extracellular potential",
    };
    head.titled(&format!("{title} — {legend}"), ("sans-serif", 22)).map_err(|e| err(e.to_string()))?;
    let (left, right) = body.split_horizontally(520);

    // Morphology, coordinates relative to the soma, equal aspect.
    let xs = d.segments.iter().flat_map(|s| [s.start_um[0] - soma[0], s.end_um[0] - soma[0]]).chain(rel.iter().map(|p| p[0]));
    let ys = d.segments.iter().flat_map(|s| [s.start_um[1] - soma[1], s.end_um[1] - soma[1]]).chain(rel.iter().map(|p| p[1]));
    let (x0, x1) = crate::plot::range(xs);
    let (y0, y1) = crate::plot::range(ys);
    let (wpx, hpx) = (left.dim_in_pixel().0 as f64 - 80.0, left.dim_in_pixel().1 as f64 - 60.0);
    let upp = ((x1 - x0) / wpx).max((y1 - y0) / hpx);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let (x0, x1, y0, y1) = (cx - upp * wpx / 2.0, cx + upp * wpx / 2.0, cy - upp * hpx / 2.0, cy + upp * hpx / 2.0);
    let mut chart = ChartBuilder::on(&left)
        .margin(10)
        .x_label_area_size(36)
        .y_label_area_size(50)
        .build_cartesian_2d(x0..x1, y0..y1)
        .map_err(|e| err(e.to_string()))?;
    chart.configure_mesh().disable_mesh().x_desc("x (µm)").y_desc("y (µm)").draw().map_err(|e| err(e.to_string()))?;
    for s in &d.segments {
        let w = ((s.diam_um / upp).round() as u32).clamp(1, 30);
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(s.start_um[0] - soma[0], s.start_um[1] - soma[1]), (s.end_um[0] - soma[0], s.end_um[1] - soma[1])],
                RGBColor(150, 150, 150).stroke_width(w),
            )))
            .map_err(|e| err(e.to_string()))?;
    }
    chart
        .draw_series(rel.iter().map(|p| Circle::new((p[0], p[1]), 2, BLACK.filled())))
        .map_err(|e| err(e.to_string()))?;
    for (k, &i) in chosen.iter().enumerate() {
        let c = crate::plot::palette(k);
        let p = rel[i];
        chart.draw_series(std::iter::once(Circle::new((p[0], p[1]), 6, c.filled()))).map_err(|e| err(e.to_string()))?;
        chart
            .draw_series(std::iter::once(Text::new(format!("{}", k + 1), (p[0] + 8.0 * upp, p[1] + 8.0 * upp), ("sans-serif", 16))))
            .map_err(|e| err(e.to_string()))?;
    }

    // Traces.
    let areas = right.split_evenly((chosen.len().max(1), 1));
    for (k, (&i, area)) in chosen.iter().zip(areas.iter()).enumerate() {
        let c = crate::plot::palette(k);
        let n_t = signals.first().map(|s| s.lfp.cols).unwrap_or(0);
        let t_end = (n_t.max(2) - 1) as f64 * dt_ms;
        // µV reads better than mV for single-cell LFPs.
        let (v0, v1) = crate::plot::range(signals.iter().flat_map(|s| s.lfp.row(i).iter().map(|v| v * 1e3)));
        let p = rel[i];
        let mut ch = ChartBuilder::on(area)
            .caption(format!("{}. {} ({:.0}, {:.0}, {:.0}) µm", k + 1, names[i], p[0], p[1], p[2]), ("sans-serif", 15))
            .margin(6)
            .x_label_area_size(if k + 1 == chosen.len() { 30 } else { 16 })
            .y_label_area_size(60)
            .build_cartesian_2d(0.0..t_end, v0..v1)
            .map_err(|e| err(e.to_string()))?;
        let mut mesh = ch.configure_mesh();
        mesh.disable_mesh().y_desc("µV").y_labels(4);
        if k + 1 == chosen.len() {
            mesh.x_desc("time (ms)");
        }
        mesh.draw().map_err(|e| err(e.to_string()))?;
        for s in signals {
            let color = if s.label == "predicted" || signals.len() == 1 { c } else { BLACK };
            ch.draw_series(LineSeries::new(
                s.lfp.row(i).iter().enumerate().map(|(t, v)| (t as f64 * dt_ms, v * 1e3)),
                color.stroke_width(if s.label == "predicted" { 1 } else { 2 }),
            ))
            .map_err(|e| err(e.to_string()))?;
        }
    }
    root.present().with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
