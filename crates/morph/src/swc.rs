//! SWC reader and writer (stub; see the full implementation).
use crate::error::{MorphError, Result};
use crate::tree::Morphology;
use std::path::Path;

pub fn read_swc(path: &Path) -> Result<Morphology> {
    let text = std::fs::read_to_string(path).map_err(|e| MorphError::Io { file: path.to_path_buf(), source: e })?;
    parse_swc(path, &text)
}
pub fn parse_swc(path: &Path, _text: &str) -> Result<Morphology> {
    Err(MorphError::invalid(path, "SWC not yet supported"))
}
pub fn write_swc(_m: &Morphology, _w: impl std::io::Write) -> std::io::Result<()> {
    Ok(())
}
