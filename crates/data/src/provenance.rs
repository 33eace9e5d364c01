//! Provenance written beside every dataset: version, git commit, seed, command line, time.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provenance {
    pub tool: String,
    pub version: String,
    /// Commit the binary was built from (`unknown` outside a git checkout).
    pub git_commit: String,
    pub seed: Option<u64>,
    pub command_line: Vec<String>,
    /// Seconds since the Unix epoch when the run started.
    pub started_unix_s: u64,
}

impl Provenance {
    pub fn now(seed: Option<u64>) -> Self {
        Provenance {
            tool: "lfdeep".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            git_commit: env!("LFDEEP_GIT_COMMIT").into(),
            seed,
            command_line: std::env::args().collect(),
            started_unix_s: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0),
        }
    }
}
