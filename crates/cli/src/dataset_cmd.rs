//! `lfdeep dataset ...`: merge shards, check, summarise, import NeuronIO pickles, export npy.

use anyhow::{Context, Result};
use std::path::PathBuf;

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Join the shard stores of one run (`simulate --shard K/N`) into one store.
    Merge {
        /// Shard store directories, any order.
        #[arg(required = true)]
        shards: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Verify a store: every simulation committed, readable, finite, spike times in range.
    Check { dir: PathBuf },
    /// Output firing rates, ISI CV, spike-bin fractions and input rates.
    Summary {
        dir: PathBuf,
        /// Also draw the distributions into this PNG.
        #[arg(long, value_name = "OUT.png")]
        plot: Option<PathBuf>,
        /// Print JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Import published NeuronIO pickles (Python 2, protocol 2) into a new store.
    ImportNeuronio {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a store's arrays as plain NumPy .npy files.
    Export {
        dir: PathBuf,
        #[arg(long, value_name = "OUT_DIR")]
        npy: PathBuf,
        /// Also write input_spikes.npy, the dense uint8 [S, synapses, T] input matrix.
        #[arg(long)]
        dense_inputs: bool,
    },
}

pub fn run(c: Cmd) -> Result<()> {
    match c {
        Cmd::Merge { shards, out } => {
            let p = lfdeep_data::merge::merge(&shards, &out)?;
            eprintln!("merged {} shards into {}", shards.len(), p.display());
        }
        Cmd::Check { dir } => {
            let r = lfdeep_data::check::check(&dir)?;
            for p in r.problems.iter().take(50) {
                println!("problem: {p}");
            }
            if r.problems.len() > 50 {
                println!("... and {} more problems", r.problems.len() - 50);
            }
            if !r.ok() {
                anyhow::bail!("{}: {} problems ({} of {} simulations committed)", dir.display(), r.problems.len(), r.committed, r.simulations);
            }
            println!("{}: ok, {} simulations, complete", dir.display(), r.committed);
        }
        Cmd::Summary { dir, plot, json } => {
            let s = lfdeep_data::summary::summarize(&dir)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&s)?);
            } else {
                print!("{}", s.text());
            }
            if let Some(p) = plot {
                draw(&s, &p).with_context(|| format!("--plot {}", p.display()))?;
                eprintln!("wrote {}", p.display());
            }
        }
        Cmd::ImportNeuronio { files, out } => {
            let p = lfdeep_data::neuronio::import(&files, &out)?;
            eprintln!("imported {} files into {}", files.len(), p.display());
        }
        Cmd::Export { dir, npy, dense_inputs } => {
            let names = lfdeep_data::export::export_npy(&dir, &npy, dense_inputs)?;
            eprintln!("wrote {} arrays (+ segment table, metadata.json) to {}", names.len(), npy.display());
        }
    }
    Ok(())
}

/// Distributions per simulation: output rate, ISI CV, input rates.
fn draw(s: &lfdeep_data::summary::Summary, path: &std::path::Path) -> Result<()> {
    use crate::plot::{palette, styled_panels, Panel, Series};
    let idx = |v: &[f64]| -> Vec<(f64, f64)> { v.iter().enumerate().map(|(i, &x)| (i as f64, x)).collect() };
    let sorted = |v: &[f64]| -> Vec<(f64, f64)> {
        let mut x = v.to_vec();
        x.sort_by(f64::total_cmp);
        let n = x.len().max(1) as f64;
        x.iter().enumerate().map(|(i, &y)| (y, (i + 1) as f64 / n)).collect()
    };
    let panels = vec![
        Panel {
            title: "Output firing rate (cumulative over simulations)".into(),
            x_label: "rate (Hz)".into(),
            y_label: "fraction".into(),
            series: vec![Series { label: "output rate".into(), points: sorted(&s.output_rate_hz), color: palette(0) }],
        },
        Panel {
            title: "ISI coefficient of variation (cumulative)".into(),
            x_label: "CV".into(),
            y_label: "fraction".into(),
            series: vec![Series { label: "ISI CV".into(), points: sorted(&s.isi_cv), color: palette(1) }],
        },
        Panel {
            title: "Mean input rate per synapse".into(),
            x_label: "simulation".into(),
            y_label: "Hz".into(),
            series: vec![
                Series { label: "excitatory".into(), points: idx(&s.exc_rate_hz), color: palette(3) },
                Series { label: "inhibitory".into(), points: idx(&s.inh_rate_hz), color: palette(0) },
            ],
        },
    ];
    let title = format!(
        "{} simulations × {} ms: {:.4} of 1 ms bins, {:.3} of 100 ms windows hold a spike",
        s.committed, s.duration_ms, s.fraction_1ms_bins_with_spike, s.fraction_100ms_windows_with_spike
    );
    styled_panels(path, &title, &panels, &[false, false, true], 1000, 300)
}
