//! `lfdeep`: simulate a detailed neuron, build datasets, compute extracellular potentials.
//! One subcommand per module; each module owns its arguments and its `run`.

use clap::{Parser, Subcommand};

mod bench_cmd;
mod dataset_cmd;
mod evaluate_cmd;
mod kernels_cmd;
mod lfp_cmd;
mod morphology_cmd;
mod plot;
mod predict_cmd;
mod protocol_cmd;
mod simulate_cmd;
mod store_source;
mod train_cmd;
mod study_cmd;

#[derive(Parser)]
#[command(
    name = "lfdeep",
    version,
    about = "Turn a biophysically detailed neuron into a fast deep-learning surrogate",
    long_about = "lfdeep simulates a multi-compartment neuron (the Hay 2011 L5 pyramidal cell by default), \
generates NeuronIO-style datasets, and computes extracellular potentials.\n\n\
Morphologies: a Neurolucida .asc or SWC .swc path, or builtin:l5pc (the default)."
)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Read and discretise a morphology; print a summary, export the segment table, plot it.
    Morphology(morphology_cmd::Args),
    /// Run a standard Hay 2011 validation protocol (step current, BAC firing).
    #[command(subcommand)]
    Protocol(protocol_cmd::Cmd),
    /// Generate a NeuronIO-protocol dataset (Zarr v3 store).
    Simulate(simulate_cmd::Args),
    /// Inspect, verify, merge, import and export datasets.
    #[command(subcommand)]
    Dataset(dataset_cmd::Cmd),
    /// Extracellular potentials (LFP, dipole, EEG) from simulated or predicted voltages.
    Lfp(lfp_cmd::Args),
    /// Benchmarks that print ratios against a reference run in the same invocation.
    #[command(subcommand)]
    Bench(bench_cmd::Cmd),
    /// Train a surrogate network (tcn, mh, mmoe, mmoeex, elm) on a dataset.
    Train(train_cmd::Args),
    /// Evaluate a trained run on its test split: metrics.json, a Markdown report, figures.
    Evaluate(evaluate_cmd::Args),
    /// Free-running predictions of a trained run for new synaptic input (.npy out).
    Predict(predict_cmd::Args),
    /// The CUDA build's kernel cache: its path, bundles for other machines, its build time.
    #[command(subcommand)]
    Kernels(kernels_cmd::Cmd),
    /// Small studies: the integrate-and-fire figure, hidden-input inference.
    #[command(subcommand)]
    Study(study_cmd::Cmd),
}

fn main() {
    // Behave like other Unix tools when the reader of stdout goes away (`lfdeep … | head`):
    // die quietly on SIGPIPE instead of panicking on a failed print.
    #[cfg(unix)]
    // SAFETY: restoring the default disposition of one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let result = match cli.cmd {
        Cmd::Morphology(a) => morphology_cmd::run(a),
        Cmd::Protocol(c) => protocol_cmd::run(c),
        Cmd::Simulate(a) => simulate_cmd::run(a),
        Cmd::Dataset(c) => dataset_cmd::run(c),
        Cmd::Lfp(a) => lfp_cmd::run(a),
        Cmd::Bench(c) => bench_cmd::run(c),
        Cmd::Train(a) => train_cmd::run(a),
        Cmd::Evaluate(a) => evaluate_cmd::run(a),
        Cmd::Predict(a) => predict_cmd::run(a),
        Cmd::Study(c) => study_cmd::run(c),
        Cmd::Kernels(c) => kernels_cmd::run(c),
    };
    if let Err(e) = result {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
