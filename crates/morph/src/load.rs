//! Load a morphology from a path (by extension) or a built-in name.

use crate::error::{MorphError, Result};
use crate::tree::Morphology;
use std::path::Path;

/// `builtin:l5pc`, or a path ending in `.asc` or `.swc` (case-insensitive).
pub fn load_morphology(spec: &str) -> Result<Morphology> {
    if let Some(name) = spec.strip_prefix("builtin:") {
        return match name {
            "l5pc" => Ok(crate::builtin::builtin_l5pc()),
            other => Err(MorphError::invalid(
                Path::new(spec),
                format!("unknown built-in morphology '{other}' (available: builtin:l5pc)"),
            )),
        };
    }
    let path = Path::new(spec);
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(|e| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("asc") => crate::asc::read_asc(path),
        Some("swc") => crate::swc::read_swc(path),
        _ => Err(MorphError::invalid(
            path,
            "unknown morphology format: expected a .asc (Neurolucida) or .swc file, or builtin:l5pc",
        )),
    }
}
