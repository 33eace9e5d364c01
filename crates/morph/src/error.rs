//! Errors of the morphology readers and discretisation: every one names where it happened.

use std::path::PathBuf;

/// A morphology problem, with the file and (1-based) line where it was found.
#[derive(Debug, thiserror::Error)]
pub enum MorphError {
    #[error("{file}:{line}: {message}")]
    Parse {
        file: PathBuf,
        line: usize,
        message: String,
    },
    /// The I/O error is part of this message rather than a separate `source`, so error
    /// chains (`{:#}`) print it once.
    #[error("{file}: {cause}")]
    Io { file: PathBuf, cause: std::io::Error },
    #[error("{file}: {message}")]
    Invalid { file: PathBuf, message: String },
}

impl MorphError {
    pub fn parse(file: &std::path::Path, line: usize, message: impl Into<String>) -> Self {
        MorphError::Parse {
            file: file.to_path_buf(),
            line,
            message: message.into(),
        }
    }
    pub fn invalid(file: &std::path::Path, message: impl Into<String>) -> Self {
        MorphError::Invalid {
            file: file.to_path_buf(),
            message: message.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, MorphError>;
