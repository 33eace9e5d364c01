//! Typed errors of the dataset crate. Messages name the file, the field or the simulation so
//! the CLI can print them as they are.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("{path}: {msg}")]
    Config { path: String, msg: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("zarr store {path}: {msg}")]
    Store { path: PathBuf, msg: String },
    #[error("{path}: {msg}")]
    Pickle { path: PathBuf, msg: String },
    #[error("simulation {index}: {msg}")]
    Simulation { index: u64, msg: String },
    #[error("{0}")]
    Invalid(String),
}

pub type Result<T> = std::result::Result<T, DataError>;

impl DataError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        DataError::Io { path: path.into(), source }
    }
    pub fn store(path: impl Into<PathBuf>, msg: impl std::fmt::Display) -> Self {
        DataError::Store { path: path.into(), msg: msg.to_string() }
    }
    pub fn config(path: impl Into<String>, msg: impl std::fmt::Display) -> Self {
        DataError::Config { path: path.into(), msg: msg.to_string() }
    }
}
