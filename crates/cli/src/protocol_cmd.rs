//! `lfdeep protocol step|bac`: the Hay 2011 validation protocols on any morphology.

use crate::plot::{line_panels, palette, Panel, Series};
use anyhow::Result;
use lfdeep_sim::protocols::{bac_site, hay_cell_geometry, run_bac, run_step, BacKind, BacProtocol, ProtocolResult, StepProtocol};
use lfdeep_sim::Biophysics;
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct Common {
    /// Morphology: a .asc/.swc path or builtin:l5pc.
    #[arg(long, default_value = "builtin:l5pc")]
    morphology: String,
    /// Parameter set: hay2011 (L5PCbiophys3) or neuronio (L5PCbiophys5b).
    #[arg(long, default_value = "hay2011")]
    biophysics: String,
    /// Temperature (°C); acts through the Nernst eca only. Default: NEURON's 6.3 °C.
    #[arg(long, default_value_t = 6.3)]
    celsius: f64,
    /// Time step (ms).
    #[arg(long, default_value_t = 0.025)]
    dt: f64,
    /// Print a JSON summary (spike count, spike times, peak dendritic voltage).
    #[arg(long)]
    json: bool,
    /// Write a PNG of the voltage traces.
    #[arg(long, value_name = "OUT.png")]
    plot: Option<PathBuf>,
}

#[derive(clap::Subcommand, Debug)]
pub enum Cmd {
    /// Step current at soma(0.5): delay 700 ms, 2000 ms long, tstop 3000 ms, v_init −80 mV.
    Step {
        /// Amplitude (nA), e.g. 0.619, 0.793, 1.507.
        #[arg(long)]
        amp: f64,
        #[command(flatten)]
        common: Common,
    },
    /// Backpropagation-activated Ca²⁺ firing (Hay 2011 Fig. 3) at the apical site 620 µm from
    /// the soma with the largest diameter.
    Bac {
        /// bap (soma only), epsp (dendrite only), caburst (dendrite ×3), bac (both).
        #[arg(long, default_value = "bac")]
        kind: BacKind,
        #[command(flatten)]
        common: Common,
    },
}

fn biophysics(c: &Common) -> Result<Biophysics> {
    let mut b = Biophysics::by_name(&c.biophysics)?;
    b.celsius = c.celsius;
    b.validate()?;
    Ok(b)
}

pub fn run(cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::Step { amp, common } => {
            let disc = hay_cell_geometry(&common.morphology)?;
            let bio = biophysics(&common)?;
            let p = StepProtocol { dt_ms: common.dt, ..StepProtocol::hay(amp) };
            let r = run_step(&disc, &bio, &p)?;
            report(&common, &format!("step {amp} nA ({}, {})", common.biophysics, common.morphology), &r, None)
        }
        Cmd::Bac { kind, common } => {
            let disc = hay_cell_geometry(&common.morphology)?;
            let bio = biophysics(&common)?;
            let p = BacProtocol { dt_ms: common.dt, ..BacProtocol::hay(kind) };
            let (_, name, x) = bac_site(&disc, p.site_um)?;
            let r = run_bac(&disc, &bio, &p)?;
            let site = format!("{name}({x:.3})");
            report(&common, &format!("BAC protocol, kind {} ({}, {})", format!("{kind:?}").to_lowercase(), common.biophysics, common.morphology), &r, Some(&site))
        }
    }
}

fn report(c: &Common, title: &str, r: &ProtocolResult, site: Option<&str>) -> Result<()> {
    if c.json {
        let v = serde_json::json!({
            "protocol": title,
            "spike_count": r.spike_times_ms.len(),
            "spike_times_ms": r.spike_times_ms,
            "peak_dendritic_mv": r.peak_dend_mv,
            "dendritic_site": site,
            "peak_somatic_mv": r.soma_mv.iter().cloned().fold(f64::MIN, f64::max),
        });
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!("{title}");
        println!("  somatic spikes (−10 mV crossings): {}", r.spike_times_ms.len());
        if !r.spike_times_ms.is_empty() {
            let shown: Vec<String> = r.spike_times_ms.iter().take(12).map(|t| format!("{t:.3}")).collect();
            println!("  spike times (ms): {}{}", shown.join(", "), if r.spike_times_ms.len() > 12 { ", …" } else { "" });
        }
        if let (Some(p), Some(s)) = (r.peak_dend_mv, site) {
            println!("  peak dendritic voltage at {s}: {p:.2} mV");
        }
    }
    if let Some(path) = &c.plot {
        // Thin to at most ~6000 points per line: enough for a 1400 px wide figure.
        let stride = (r.t_ms.len() / 6000).max(1);
        let pts = |v: &[f64]| -> Vec<(f64, f64)> { r.t_ms.iter().zip(v).step_by(stride).map(|(&t, &y)| (t, y)).collect() };
        let mut series = vec![Series { label: "soma(0.5)".into(), points: pts(&r.soma_mv), color: palette(0) }];
        if !r.dend_mv.is_empty() {
            series.push(Series { label: site.unwrap_or("dendrite").into(), points: pts(&r.dend_mv), color: palette(3) });
        }
        let panel = Panel { title: title.into(), x_label: "time (ms)".into(), y_label: "membrane potential (mV)".into(), series };
        line_panels(path, title, &[panel], 1400, 500)?;
        if !c.json {
            println!("  wrote {}", path.display());
        }
    }
    Ok(())
}
