//! Not yet implemented.

#[derive(clap::Subcommand)]
pub enum Cmd {
    /// Not yet implemented.
    Todo,
}

pub fn run(_c: Cmd) -> anyhow::Result<()> {
    anyhow::bail!("this subcommand is not implemented yet")
}
