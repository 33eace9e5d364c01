//! `cargo run -p lfdeep-nn --example train -- CONFIG [key=value ...] --data D --out RUN`:
//! exactly `lfdeep train` (the same source file), without building the whole binary.

use clap::Parser;

#[path = "../../cli/src/train_cmd.rs"]
mod train_cmd;

#[derive(Parser)]
#[command(name = "lfdeep-train")]
struct Cli {
    #[command(flatten)]
    args: train_cmd::Args,
}

fn main() {
    if let Err(e) = train_cmd::run(Cli::parse().args) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}
