//! What NEURON's Import3d does after reading any format: attach each child's first point to
//! its parent's end, drop one-point and zero-length sections (reattaching their children),
//! convert the soma contour, attach trees to `soma(0.5)` and name sections.

use crate::error::{MorphError, Result};
use crate::soma_contour::{contour_center, contour_to_centroid};
use crate::tree::{Morphology, Point3d, Region, Section};
use std::path::Path;

/// A section as a reader produced it, before Import3d's clean-up.
#[derive(Debug, Clone)]
pub struct RawSection {
    pub region: Region,
    /// Index of the parent among the raw sections (None for a tree root).
    pub parent: Option<usize>,
    /// The points the file gives for this branch (the parent's end point is added here).
    pub points: Vec<Point3d>,
    pub line: usize,
}

/// Build the morphology from a soma outline (if any) and raw tree sections in file order.
/// `roots` are the indices of tree roots, which attach to the soma.
pub fn finish_import(
    path: &Path,
    soma_outline: Option<(Vec<[f64; 3]>, usize)>,
    raw: Vec<RawSection>,
    roots: &[usize],
) -> Result<Morphology> {
    let mut sections: Vec<Section> = Vec::new();
    let has_soma = soma_outline.is_some();
    if let Some((outline, line)) = soma_outline {
        let points = contour_to_centroid(&outline)
            .map_err(|e| MorphError::parse(path, line, e.0))?;
        // keep the contour centre for reference; trees attach at soma(0.5)
        let _ = contour_center(&outline);
        sections.push(Section {
            name: String::new(),
            region: Region::Soma,
            parent: None,
            parent_x: 0.0,
            points,
            source_line: line,
        });
    }
    let offset = sections.len();
    // raw index -> final index (None when removed)
    let mut map: Vec<Option<usize>> = vec![None; raw.len()];
    // parent in final indexing and parent_x, after reattachment of removed sections
    let mut attach: Vec<(Option<usize>, f64)> = vec![(None, 1.0); raw.len()];
    for (i, r) in raw.iter().enumerate() {
        let is_root = roots.contains(&i) || r.parent.is_none();
        let mut points = r.points.clone();
        let (parent, parent_x) = if is_root {
            if has_soma {
                (Some(0), 0.5)
            } else {
                (None, 0.0)
            }
        } else {
            let p = r.parent.expect("non-root has a parent");
            let (pp, px) = match map[p] {
                Some(fp) => (Some(fp), 1.0),
                None => attach[p], // parent was removed: attach where it attached
            };
            // NEURON prepends the parent's last point unless the child already starts there.
            if let Some(fp) = pp {
                let last = *sections[fp].points.last().expect("parent has points");
                let needs = points
                    .first()
                    .is_none_or(|f| f.x != last.x || f.y != last.y || f.z != last.z);
                if needs && px == 1.0 {
                    let d = points.first().map_or(last.d, |f| f.d);
                    points.insert(0, Point3d::new(last.x, last.y, last.z, d));
                }
            }
            (pp, px)
        };
        attach[i] = (parent, parent_x);
        let zero_length = points.len() == 2
            && points[0].x == points[1].x
            && points[0].y == points[1].y
            && points[0].z == points[1].z;
        if !is_root && (points.len() <= 1 || zero_length) {
            continue; // removed; children attach to this section's parent
        }
        if points.is_empty() {
            return Err(MorphError::parse(path, r.line, "a tree with no points"));
        }
        if is_root && points.len() == 1 && has_soma {
            return Err(MorphError::parse(path, r.line, "a tree with a single point"));
        }
        map[i] = Some(sections.len());
        sections.push(Section {
            name: String::new(),
            region: r.region,
            parent,
            parent_x,
            points,
            source_line: r.line,
        });
    }
    let _ = offset;
    let mut m = Morphology {
        source: path.display().to_string(),
        sections,
    };
    m.assign_neuron_names();
    Ok(m)
}
