//! SWC text → validated sample rows.
//!
//! One sample per line: `id type x y z radius parent` (µm). `#` starts a comment (whole line
//! or after the data); blank lines are skipped; extra columns after the seventh are ignored,
//! as NEURON's `sscanf` ignores them. Checks that NEURON's Import3d needs to build a single
//! tree: integer ids ≥ 0, no duplicates, every parent exists, no loops, parents have smaller
//! ids than their children, exactly one root; finite coordinates, radius ≥ 0.
//! Coordinates and radii are read in single precision, as NEURON's hoc `sscanf` reads them.

use crate::error::{MorphError, Result};
use std::collections::HashMap;
use std::path::Path;

/// One SWC sample. `d` is the diameter (twice the file's radius), as Import3d stores it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub id: i64,
    pub ty: i32,
    pub x: f64,
    pub y: f64,
    pub z: f64,
    pub d: f64,
    /// Parent id; negative for the root.
    pub pid: i64,
    /// 1-based line in the file.
    pub line: usize,
}

const FIELDS: [&str; 7] = ["id", "type", "x", "y", "z", "radius", "parent"];

/// A number as NEURON's Import3d reads it: `sscanf("%f")` in hoc stores a C `float`, so
/// coordinates and radii are single precision (parsed correctly rounded, like glibc).
fn number(path: &Path, line: usize, k: usize, word: &str) -> Result<f64> {
    let v: f32 = word.parse().map_err(|_| {
        MorphError::parse(path, line, format!("field {} ({}) is not a number: '{word}'", k + 1, FIELDS[k]))
    })?;
    if !v.is_finite() {
        return Err(MorphError::parse(
            path,
            line,
            format!("field {} ({}) is not finite: '{word}'", k + 1, FIELDS[k]),
        ));
    }
    Ok(v as f64)
}

/// Ids, types and parents: exact integers (NEURON holds them as floats too, which breaks
/// beyond 2^24; files that large are not expected).
fn integer(path: &Path, line: usize, k: usize, word: &str) -> Result<i64> {
    let v: f64 = word.parse().map_err(|_| {
        MorphError::parse(path, line, format!("field {} ({}) is not a number: '{word}'", k + 1, FIELDS[k]))
    })?;
    // 2^53: beyond it f64 no longer holds every integer; ids that large are not sane anyway.
    if v.fract() != 0.0 || v.abs() > 9.0e15 {
        return Err(MorphError::parse(
            path,
            line,
            format!("field {} ({}) must be an integer, found '{word}'", k + 1, FIELDS[k]),
        ));
    }
    Ok(v as i64)
}

/// Parse the lines of an SWC file (no tree checks).
pub fn parse_rows(path: &Path, text: &str) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let data = raw.split('#').next().unwrap_or("");
        let words: Vec<&str> = data.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if words.len() < 7 {
            return Err(MorphError::parse(
                path,
                line,
                format!(
                    "an SWC sample needs 7 columns (id type x y z radius parent), found {}",
                    words.len()
                ),
            ));
        }
        let id = integer(path, line, 0, words[0])?;
        let ty = integer(path, line, 1, words[1])?;
        let x = number(path, line, 2, words[2])?;
        let y = number(path, line, 3, words[3])?;
        let z = number(path, line, 4, words[4])?;
        let r = number(path, line, 5, words[5])?;
        let pid = integer(path, line, 6, words[6])?;
        if id < 0 {
            return Err(MorphError::parse(path, line, format!("negative id {id}")));
        }
        if !(i32::MIN as i64..=i32::MAX as i64).contains(&ty) {
            return Err(MorphError::parse(path, line, format!("type {ty} is out of range")));
        }
        if r < 0.0 {
            return Err(MorphError::parse(path, line, format!("negative radius {r}")));
        }
        rows.push(Row { id, ty: ty as i32, x, y, z, d: 2.0 * r, pid, line });
    }
    Ok(rows)
}

/// Check the rows form one tree as Import3d needs it, and sort them by id (NEURON intends
/// to sort unsorted files too, but its sort is broken in 9.0; sorting is harmless).
pub fn check_tree(path: &Path, mut rows: Vec<Row>) -> Result<Vec<Row>> {
    if rows.is_empty() {
        return Err(MorphError::invalid(path, "no SWC samples in the file"));
    }
    let mut by_id: HashMap<i64, usize> = HashMap::with_capacity(rows.len());
    for (k, r) in rows.iter().enumerate() {
        if let Some(&prev) = by_id.get(&r.id) {
            return Err(MorphError::parse(
                path,
                r.line,
                format!("duplicate id {} (first defined at line {})", r.id, rows[prev].line),
            ));
        }
        by_id.insert(r.id, k);
    }
    let mut root: Option<usize> = None;
    for r in rows.iter() {
        if r.pid < 0 {
            if let Some(first) = root {
                return Err(MorphError::parse(
                    path,
                    r.line,
                    format!(
                        "a second root (parent {}); the first is at line {}: NEURON's Import3d needs a single tree",
                        r.pid, rows[first].line
                    ),
                ));
            }
            root = by_id.get(&r.id).copied();
        } else if !by_id.contains_key(&r.pid) {
            return Err(MorphError::parse(
                path,
                r.line,
                format!("sample {} has parent {}, which does not exist", r.id, r.pid),
            ));
        } else if r.pid == r.id {
            return Err(MorphError::parse(path, r.line, format!("loop: sample {} is its own parent", r.id)));
        }
    }
    // Loops: walk up from every sample; `state` 1 = on the current walk, 2 = reaches the root.
    let mut state = vec![0u8; rows.len()];
    for start in 0..rows.len() {
        let mut walk: Vec<usize> = Vec::new();
        let mut k = start;
        loop {
            if state[k] == 2 {
                break;
            }
            if state[k] == 1 {
                let pos = walk.iter().position(|&w: &usize| w == k).unwrap_or(0);
                let ids: Vec<String> = walk[pos..].iter().map(|&w| rows[w].id.to_string()).collect();
                return Err(MorphError::parse(
                    path,
                    rows[k].line,
                    format!("loop: the parents of sample {} lead back to it ({} → {})", rows[k].id, ids.join(" → "), rows[k].id),
                ));
            }
            state[k] = 1;
            walk.push(k);
            if rows[k].pid < 0 {
                break;
            }
            k = by_id[&rows[k].pid];
        }
        for w in walk {
            state[w] = 2;
        }
    }
    if root.is_none() {
        // Unreachable: with no root and no loop the walks cannot end. Kept as a guard.
        return Err(MorphError::invalid(path, "no root sample (one with parent -1)"));
    }
    for r in rows.iter() {
        if r.pid >= r.id {
            return Err(MorphError::parse(
                path,
                r.line,
                format!(
                    "sample {} has parent {}: NEURON's Import3d needs every parent id to be less than its child's",
                    r.id, r.pid
                ),
            ));
        }
    }
    rows.sort_by_key(|r| r.id);
    Ok(rows)
}
