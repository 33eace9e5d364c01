//! `lfdeep bench`: simulator speed against NEURON, surrogate training step time, free-running
//! inference throughput. One file per benchmark under bench/.

use anyhow::Result;

#[path = "bench/common.rs"]
mod common;
#[path = "bench/infer.rs"]
mod infer;
#[path = "bench/sim.rs"]
mod sim;
#[path = "bench/train.rs"]
mod train;

#[derive(clap::Subcommand, Debug)]
pub enum Cmd {
    /// Simulator speed: wall seconds per simulated second, lfdeep vs NEURON, one core each;
    /// then independent bombardments on --threads cores (aggregate simulated s per wall s).
    Sim(sim::SimArgs),
    /// Training step time (forward + backward + Adam) and samples/s per model preset and batch.
    Train(train::TrainArgs),
    /// Free-running all-compartment prediction: simulated ms per wall second per batch size,
    /// latency per ms-step at batch 1.
    Infer(infer::InferArgs),
}

pub fn run(cmd: Cmd) -> Result<()> {
    match cmd {
        Cmd::Sim(a) => sim::run(a),
        Cmd::Train(a) => train::run(a),
        Cmd::Infer(a) => infer::run(a),
    }
}
