//! `lfdeep bench`: simulator speed against NEURON, surrogate training step time, free-running
//! inference throughput, the training window loader. One file per benchmark under bench/.

use anyhow::Result;

#[path = "bench/common.rs"]
mod common;
#[path = "bench/infer.rs"]
mod infer;
#[path = "bench/loader.rs"]
mod loader;
#[path = "bench/sim.rs"]
mod sim;
#[path = "bench/train.rs"]
mod train;

#[derive(clap::Subcommand, Debug)]
pub enum Cmd {
    /// Simulator speed: wall seconds per simulated second, lfdeep vs NEURON, one core each (NEURON
    /// is the speed-up denominator); then `--threads` independent 1 s bombardments in parallel.
    /// NEURON runs `oracle/neuron_cell.py` with `--python` (default <repo>/.venv/bin/python), which
    /// must import `neuron`; oracle/nrnmech.py compiles the mechanisms of oracle/mod on first use
    /// (into oracle/mod/x86_64) with the nrnivmodl next to that python or on PATH. The repository
    /// is found from the current directory or $LFDEEP_ROOT.
    Sim(sim::SimArgs),
    /// Step time of forward + backward + optimiser (the preset's Adam/AdamW, clipping, schedule,
    /// constraints) per model and batch size, on random data generated once on the device
    /// (~1 % dense binary spikes, N(0, 1) voltages and targets; `--input-sets` sets rotated).
    ///
    /// The first step of each (model, batch) is reported on its own (kernel compilation and
    /// autotuning happen there; `fresh_process` marks the first configuration of the process);
    /// then `--warmup` more untimed steps, then the median of `--steps` timed steps, each ended
    /// by reading the loss back (a device sync).
    Train(train::TrainArgs),
    /// Free-running prediction of every compartment (spike, soma, all dendritic segments) from
    /// synaptic input, with random weights and random ~1 % dense input spikes.
    ///
    /// - `inputs`-mode models (tcn): free-running is one causal pass over the input sequence;
    ///   `--ms` simulated ms are processed in chunks of up to `--chunk-ms` (shrunk to fit
    ///   `--mem-gb`), each with the receptive field − 1 ms of overlap in front. Latency at batch 1:
    ///   one forward over one receptive field predicting one ms.
    /// - `teacher`-mode models (mh, mmoe, mmoeex): the device-resident rollout of `lfdeep
    ///   evaluate`'s free-running mode: each ms a forward over the window predicts the next ms,
    ///   whose z-scored voltages are fed back (soma clipped) with the next input spikes.
    ///
    /// Simulated ms per wall second = batch × ms / wall of one rollout (median of `--repeat`,
    /// after one warm-up rollout of `--warmup-ms`); ms_per_step = wall / ms steps.
    Infer(infer::InferArgs),
    /// Training windows per second that the trainer's loader assembles from a dataset, by number
    /// of loader threads (`data.loader_threads`; the first count given is the reference).
    Loader(loader::LoaderArgs),
}

pub fn run(cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::Sim(a) => sim::run(a),
        Cmd::Train(a) => train::run(a),
        Cmd::Infer(a) => infer::run(a),
        Cmd::Loader(a) => loader::run(a),
    }
}
