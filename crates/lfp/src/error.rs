//! Errors of the extracellular-potential crate.

use std::path::PathBuf;

pub type Result<T> = std::result::Result<T, LfpError>;

#[derive(Debug, thiserror::Error)]
pub enum LfpError {
    /// Array shapes that do not fit together (e.g. voltages with the wrong segment count).
    #[error("shape mismatch: {0}")]
    Shape(String),
    /// A physically invalid parameter (negative conductivity, electrode outside the head...).
    #[error("invalid parameter: {0}")]
    Invalid(String),
    /// A malformed input file, with the file and, where known, the field.
    #[error("{path}: {msg}")]
    File { path: PathBuf, msg: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl LfpError {
    pub fn file(path: impl Into<PathBuf>, msg: impl Into<String>) -> Self {
        LfpError::File { path: path.into(), msg: msg.into() }
    }
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        LfpError::Io { path: path.into(), source }
    }
}
