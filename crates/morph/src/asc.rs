//! Neurolucida ASCII (`.asc`) reader with NEURON Import3d semantics (read_nlcda3.hoc):
//! - a contour named `CellBody`, `Cell Body` or `Soma` is the soma; other contours, markers,
//!   text, spines and image metadata are skipped;
//! - each tree `( (Dendrite|Apical|Axon) points… split )` is cut into sections at its splits
//!   `( branch | branch … )`; a child section starts with its parent's last point (with the
//!   child's first diameter) unless its first point is already there;
//! - trees attach to the soma at `soma(0.5)`; sections come soma first, then trees in file
//!   order, depth first, which gives NEURON's `dend[k]`/`apic[k]` numbering.

use crate::error::{MorphError, Result};
use crate::import3d::{finish_import, RawSection};
use crate::sexpr::{read_items, Item};
use crate::tree::{Morphology, Point3d, Region};
use std::path::Path;

/// Read a Neurolucida ASCII file.
pub fn read_asc(path: &Path) -> Result<Morphology> {
    let text = std::fs::read_to_string(path).map_err(|e| MorphError::Io {
        file: path.to_path_buf(),
        cause: e,
    })?;
    parse_asc(path, &text)
}

/// Parse Neurolucida ASCII text; `path` is used only in error messages.
pub fn parse_asc(path: &Path, text: &str) -> Result<Morphology> {
    let items = read_items(path, text)?;
    let mut soma_outline: Option<(Vec<[f64; 3]>, usize)> = None;
    let mut raw: Vec<RawSection> = Vec::new();
    let mut roots: Vec<usize> = Vec::new();
    for item in &items {
        let Item::List(inner, line) = item else {
            // Stray top-level words are not part of any block NEURON reads.
            continue;
        };
        match inner.first() {
            Some(Item::Str(name, _)) => {
                // A named contour (or a text block). Only the cell body is kept.
                if matches!(name.as_str(), "CellBody" | "Cell Body" | "Soma") {
                    let pts = points_of(path, inner)?;
                    if pts.len() < 3 {
                        return Err(MorphError::parse(
                            path,
                            *line,
                            format!("soma contour has {} points; at least 3 are needed", pts.len()),
                        ));
                    }
                    if soma_outline.is_some() {
                        return Err(MorphError::parse(
                            path,
                            *line,
                            "a second soma contour: soma contour stacks are not supported",
                        ));
                    }
                    soma_outline = Some((pts.iter().map(|p| p.xyz()).collect(), *line));
                } else {
                    points_of(path, inner)?; // still validate the points
                }
            }
            Some(Item::List(..)) => {
                let region = tree_region(inner);
                let root = raw.len();
                read_branch(path, inner, *line, None, region, &mut raw, 0)?;
                roots.push(root);
            }
            // Labelled blocks at top level: (ImageCoords), (Sections …), markers like (Dot …).
            _ => {}
        }
    }
    finish_import(path, soma_outline, raw, &roots)
}

/// The region of a tree: the last property among its leading properties decides, as in
/// Import3d (`Axon` 2, `Dendrite` 3, `Apical` 4, anything else 0).
fn tree_region(items: &[Item]) -> Region {
    let mut region = Region::Custom(0);
    for it in items {
        match it {
            Item::List(inner, _) => match inner.first() {
                Some(Item::Label(l, _)) => {
                    region = match l.as_str() {
                        "Axon" => Region::Axon,
                        "Dendrite" => Region::Basal,
                        "Apical" => Region::Apical,
                        _ => Region::Custom(0),
                    }
                }
                _ => break, // first point: properties are over
            },
            _ => continue,
        }
    }
    region
}

/// Parse a point list `(x y z d [label])`.
fn parse_point(path: &Path, inner: &[Item], line: usize) -> Result<Point3d> {
    let mut nums = Vec::with_capacity(4);
    for it in inner {
        match it {
            Item::Num(v, l) => {
                if !v.is_finite() {
                    return Err(MorphError::parse(path, *l, "non-finite coordinate"));
                }
                nums.push(*v)
            }
            Item::Label(s, l) => {
                if nums.len() < 4 {
                    let what = if s.eq_ignore_ascii_case("nan") || s.eq_ignore_ascii_case("inf") {
                        format!("non-finite coordinate '{s}'")
                    } else {
                        format!("expected a number in a point, found '{s}'")
                    };
                    return Err(MorphError::parse(path, *l, what));
                }
            }
            _ => {}
        }
    }
    if nums.len() < 4 {
        return Err(MorphError::parse(
            path,
            line,
            format!(
                "a point needs 4 numbers (x y z diameter), found {}",
                nums.len()
            ),
        ));
    }
    if nums[3] < 0.0 {
        return Err(MorphError::parse(path, line, format!("negative diameter {}", nums[3])));
    }
    Ok(Point3d::new(nums[0], nums[1], nums[2], nums[3]))
}

fn is_point(inner: &[Item]) -> bool {
    matches!(inner.first(), Some(Item::Num(..)))
}

/// All points directly inside a block (contours, markers).
fn points_of(path: &Path, items: &[Item]) -> Result<Vec<Point3d>> {
    let mut pts = Vec::new();
    for it in items {
        if let Item::List(inner, line) = it {
            // Nested properties and markers ((Color RGB (0, 255, 64)), (Cross …)) are skipped.
            if is_point(inner) {
                pts.push(parse_point(path, inner, *line)?);
            }
        }
    }
    Ok(pts)
}

/// Deepest branch nesting accepted: real reconstructions have at most a few hundred branch
/// orders; far deeper input is malformed and would exhaust the stack of this recursive reader.
const MAX_BRANCH_DEPTH: usize = 2_000;

/// Read one branch: its points, then an optional split into child branches.
fn read_branch(
    path: &Path,
    items: &[Item],
    line: usize,
    parent: Option<usize>,
    region: Region,
    out: &mut Vec<RawSection>,
    depth: usize,
) -> Result<()> {
    if depth > MAX_BRANCH_DEPTH {
        return Err(MorphError::parse(
            path,
            line,
            format!("branches nested more than {MAX_BRANCH_DEPTH} levels deep"),
        ));
    }
    let mut points = Vec::new();
    let mut first_line = line;
    let mut split: Option<(&[Item], usize)> = None;
    for it in items {
        match it {
            Item::List(inner, l) if is_point(inner) => {
                if split.is_some() {
                    return Err(MorphError::parse(path, *l, "point after a branch split"));
                }
                if points.is_empty() {
                    first_line = *l;
                }
                points.push(parse_point(path, inner, *l)?);
            }
            Item::List(inner, l) => match inner.first() {
                // A split: a list whose first element is itself a list (a point or property).
                Some(Item::List(..)) => {
                    if split.is_some() {
                        return Err(MorphError::parse(path, *l, "a second split in one branch"));
                    }
                    split = Some((inner, *l));
                }
                // Properties and markers: (Color …), (Cross …), (Dot …) are skipped.
                _ => {}
            },
            Item::Bar(l) => {
                return Err(MorphError::parse(path, *l, "'|' outside a branch split"));
            }
            // Spines, end labels (Normal, High, Low, Incomplete, Generated …) and stray numbers.
            _ => {}
        }
    }
    let me = out.len();
    out.push(RawSection {
        region,
        parent,
        points,
        line: first_line,
    });
    if let Some((inner, _)) = split {
        let mut start = 0;
        for (k, it) in inner.iter().enumerate() {
            if let Item::Bar(_) = it {
                let l = inner.get(start).map_or(it.line(), Item::line);
                read_branch(path, &inner[start..k], l, Some(me), region, out, depth + 1)?;
                start = k + 1;
            }
        }
        let l = inner.get(start).map_or(line, Item::line);
        read_branch(path, &inner[start..], l, Some(me), region, out, depth + 1)?;
    }
    Ok(())
}
