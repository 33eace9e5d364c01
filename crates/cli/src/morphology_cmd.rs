//! `lfdeep morphology`: read and discretise a morphology, summarise, export, draw.

use anyhow::{Context, Result};
use lfdeep_morph::{discretize, load_morphology, table, DiscretizeOptions, NsegRule};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// A Neurolucida .asc or SWC .swc file, or builtin:l5pc.
    #[arg(default_value = "builtin:l5pc")]
    pub morphology: String,
    /// Segments per section: hay (1 + 2·floor(L/40 µm)), fixed:N, or dlambda:F (Hz).
    #[arg(long, default_value = "hay")]
    pub nseg_rule: NsegRule,
    /// Replace the axon by Hay's two 30 µm × 1 µm cylinders.
    #[arg(long)]
    pub hay_axon: bool,
    /// Axial resistivity (Ω·cm) for the resistances in the table.
    #[arg(long, default_value_t = 100.0)]
    pub ra: f64,
    /// Print one JSON object (counts and areas per region) instead of text.
    #[arg(long)]
    pub json: bool,
    /// Write the segment table as CSV.
    #[arg(long, value_name = "OUT.csv")]
    pub segments: Option<PathBuf>,
    /// Draw x–y and z–y projections coloured by region (PNG).
    #[arg(long, value_name = "OUT.png")]
    pub plot: Option<PathBuf>,
}

pub fn run(a: Args) -> Result<()> {
    let m = load_morphology(&a.morphology)?;
    let opts = DiscretizeOptions { nseg: a.nseg_rule, hay_axon: a.hay_axon, ra_ohm_cm: a.ra, ..Default::default() };
    let d = discretize(&m, &opts)?;
    let summary = table::summary_json(&d);
    if a.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        println!("{}", d.morphology.source);
        println!("{:<8} {:>9} {:>9} {:>12}", "region", "sections", "segments", "area (µm²)");
        for key in summary["sections"].as_object().expect("object").keys() {
            println!(
                "{:<8} {:>9} {:>9} {:>12.1}",
                key,
                summary["sections"][key].as_u64().unwrap_or(0),
                summary["segments"][key].as_u64().unwrap_or(0),
                summary["area_um2"][key].as_f64().unwrap_or(0.0)
            );
        }
        println!("longest apical path: {:.1} µm", d.longest_apical_path_um());
    }
    if let Some(p) = &a.segments {
        let f = std::fs::File::create(p).with_context(|| format!("creating {}", p.display()))?;
        table::write_segments_csv(&d, std::io::BufWriter::new(f)).with_context(|| format!("writing {}", p.display()))?;
        eprintln!("segment table: {}", p.display());
    }
    if let Some(p) = &a.plot {
        let title = format!("{} — {} segments", d.morphology.source, d.segments.len());
        crate::plot::morphology(p, &d, &title, None)?;
        eprintln!("figure: {}", p.display());
    }
    Ok(())
}
