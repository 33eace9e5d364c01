//! SWC reader and writer with NEURON's Import3d semantics (`Import3d_SWC_read`).
//!
//! Reading: text → validated samples ([`rows`]) → sections exactly as NEURON's Import3d
//! builds them ([`import`]): split at branch points and type changes, each child starting
//! at its parent's sample, soma samples chained into one section, a one-point soma (or
//! NeuroMorpho's 3-point sphere) as a 3-point cylinder with L = diam, dendrites on the soma
//! attached at `soma(0.5)`, `(0)` or `(1)` as Import3d decides.
//! Writing: [`write_swc`] lays the sections out so that a re-import gives them back
//! ([`write`] says how, and what SWC cannot carry).

mod import;
mod rows;
mod write;

use crate::error::{MorphError, Result};
use crate::tree::Morphology;
use std::path::Path;

pub use write::differences as swc_roundtrip_differences;

/// Read an SWC file.
pub fn read_swc(path: &Path) -> Result<Morphology> {
    let text = std::fs::read_to_string(path).map_err(|e| MorphError::Io {
        file: path.to_path_buf(),
        cause: e,
    })?;
    parse_swc(path, &text)
}

/// Parse SWC text; `path` is used for the morphology's source and in error messages.
pub fn parse_swc(path: &Path, text: &str) -> Result<Morphology> {
    let rows = rows::check_tree(path, rows::parse_rows(path, text)?)?;
    Ok(import::build(&rows, &path.display().to_string()))
}

/// Write `m` as SWC (µm; radius = diameter / 2) such that NEURON's Import3d (and
/// [`parse_swc`]) re-import the same sections: names, parents, attachment points and 3-D
/// points. The one thing SWC cannot carry is a branch's own first diameter where it differs
/// from its parent's end diameter: it becomes the parent's (see `swc/write.rs`).
/// Morphologies SWC cannot express are refused with `InvalidInput` and the reason.
pub fn write_swc(m: &Morphology, mut w: impl std::io::Write) -> std::io::Result<()> {
    let invalid = |e: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, e);
    let rows = write::to_rows(m).map_err(invalid)?;
    let mut text = format!("# SWC written by lfdeep from {}\n", m.source.replace('\n', " "));
    text += &format!("# {} sections, {} samples; id type x y z radius parent (um)\n", m.sections.len(), rows.len());
    for r in &rows {
        // `{}` prints the shortest text that reads back to the same f64.
        text += &format!("{} {} {} {} {} {} {}\n", r.id, r.ty, r.x, r.y, r.z, r.d / 2.0, r.pid);
    }
    // Final check on the text itself, read as any reader will read it (single precision,
    // row checks): found by fuzzing, a 3-sample root re-read as a sphere moved by one f32 step.
    let back = parse_swc(Path::new("written.swc"), &text).map_err(|e| invalid(format!("the written SWC does not read back: {e}")))?;
    if let Some(why) = write::differences(m, &back) {
        return Err(invalid(format!("SWC cannot represent this morphology faithfully: {why}")));
    }
    w.write_all(text.as_bytes())
}
