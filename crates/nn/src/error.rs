//! Errors of the nn crate: configuration, data and checkpoint problems, each with the
//! file or field it concerns.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum NnError {
    /// A configuration value is missing, malformed or inconsistent.
    #[error("config: {field}: {message}")]
    Config { field: String, message: String },
    /// A dataset does not match what the model or loader needs.
    #[error("data: {0}")]
    Data(String),
    /// Reading or writing a file failed.
    #[error("{path}: {message}")]
    Io { path: PathBuf, message: String },
}

impl NnError {
    pub fn config(field: impl Into<String>, message: impl Into<String>) -> Self {
        NnError::Config { field: field.into(), message: message.into() }
    }
    pub fn io(path: impl Into<PathBuf>, message: impl ToString) -> Self {
        NnError::Io { path: path.into(), message: message.to_string() }
    }
}

pub type Result<T> = std::result::Result<T, NnError>;
