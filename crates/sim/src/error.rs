//! Errors of the simulator: invalid parameters (rejected before any step is taken) and
//! numerical failures (named by segment, mechanism and time).

/// A simulator problem.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// A parameter is out of its valid range (checked before the simulation starts).
    #[error("invalid parameter {name}: {message}")]
    InvalidParam { name: String, message: String },
    /// A voltage or state became NaN or infinite.
    #[error("non-finite {what} at t = {t_ms} ms in {location} (mechanism {mechanism}): value {value}")]
    NonFinite {
        /// "v" or the state name (e.g. "m").
        what: String,
        /// Segment name, e.g. `apic[12](0.3) (row 301)`, or a node description.
        location: String,
        mechanism: String,
        t_ms: f64,
        value: f64,
    },
    #[error(transparent)]
    Morph(#[from] lfdeep_morph::MorphError),
}

impl SimError {
    pub fn param(name: impl Into<String>, message: impl Into<String>) -> Self {
        SimError::InvalidParam { name: name.into(), message: message.into() }
    }
}

pub type Result<T> = std::result::Result<T, SimError>;

/// Reject a value that is not finite or not strictly positive.
pub fn check_positive(name: &str, x: f64) -> Result<()> {
    if x.is_finite() && x > 0.0 {
        Ok(())
    } else {
        Err(SimError::param(name, format!("must be a finite number > 0, got {x}")))
    }
}

/// Reject a value that is not finite.
pub fn check_finite(name: &str, x: f64) -> Result<()> {
    if x.is_finite() {
        Ok(())
    } else {
        Err(SimError::param(name, format!("must be finite, got {x}")))
    }
}
