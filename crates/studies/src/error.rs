//! Errors of the studies crate.

use thiserror::Error;

/// What went wrong in a study; messages name the offending field and value.
#[derive(Debug, Error)]
pub enum StudyError {
    /// A configuration value out of its valid range.
    #[error("invalid configuration: {field} = {value}: {reason}")]
    Config { field: &'static str, value: String, reason: String },
    /// A target (rates, correlation matrix) that the chosen method cannot produce.
    #[error("infeasible target: {0}")]
    Infeasible(String),
}

impl StudyError {
    pub(crate) fn config(field: &'static str, value: impl ToString, reason: impl ToString) -> Self {
        StudyError::Config { field, value: value.to_string(), reason: reason.to_string() }
    }
}

pub type Result<T> = std::result::Result<T, StudyError>;
