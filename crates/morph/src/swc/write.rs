//! Morphology → SWC samples that NEURON's Import3d turns back into the same sections.
//!
//! Layout: sections in the morphology's order (so Import3d numbers them the same), each
//! section's samples in order. How a section is attached decides its first sample's parent:
//! - on the soma at 0 < x < 1: the parent is an interior soma sample and all the section's
//!   points are written; Import3d then wires it (drops the soma sample), keeping every point;
//! - at x = 1: the parent is the parent section's last sample and the section's first point
//!   (which sits there) is not written; Import3d puts the parent sample back. SWC has one
//!   diameter per sample, so that first point takes the parent's end diameter, except on the
//!   soma, where Import3d copies the section's own next diameter (the one difference a
//!   re-import can show; [`differences`] accepts it and nothing else);
//! - at x = 0 of the root: the parent is the root's first sample;
//! - at x = 0 of a dendrite wired to the soma: its first sample (Import3d's `connect2prox`).
//!
//! The samples are re-imported with the reader before anything is written: a morphology that
//! SWC cannot express (e.g. a section with a single same-type child, which Import3d would
//! merge into it) is refused with the reason rather than written wrong.

use super::import::build;
use super::rows::Row;
use crate::tree::{Morphology, Point3d, Region};

/// How a non-root section hangs from its parent in the file.
#[derive(Debug, Clone, Copy)]
struct Plan {
    /// Index of the parent sample among the parent section's written samples.
    parent_sample: ParentSample,
    /// Write all points (true) or drop the first one (false).
    all_points: bool,
}

#[derive(Debug, Clone, Copy)]
enum ParentSample {
    First,
    Last,
    Middle,
}

fn is_soma(m: &Morphology, s: usize) -> bool {
    m.sections[s].region == Region::Soma
}

/// Samples of the whole morphology for a given plan; returns rows and each section's ids.
fn layout(m: &Morphology, plans: &[Option<Plan>]) -> Result<(Vec<Row>, Vec<Vec<i64>>), String> {
    let mut rows: Vec<Row> = Vec::new();
    let mut ids: Vec<Vec<i64>> = vec![Vec::new(); m.sections.len()];
    for (i, s) in m.sections.iter().enumerate() {
        let ty = s.region.swc_type();
        let (pts, mut pid): (&[Point3d], i64) = match (s.parent, plans[i]) {
            (None, _) => (&s.points[..], -1),
            (Some(p), Some(plan)) => {
                let pids = &ids[p];
                if pids.is_empty() {
                    return Err(format!("section {} comes before its parent", s.name));
                }
                let pid = match plan.parent_sample {
                    ParentSample::First => pids[0],
                    ParentSample::Last => pids[pids.len() - 1],
                    ParentSample::Middle => {
                        // an interior sample: not the last one, nor the root's first one
                        let lo = usize::from(m.sections[p].parent.is_none());
                        let hi = pids.len() - 1; // exclusive
                        if lo >= hi {
                            return Err(format!(
                                "section {} attaches inside {} at x = {}, which has no interior sample in SWC",
                                s.name, m.sections[p].name, s.parent_x
                            ));
                        }
                        pids[lo + (hi - lo) / 2]
                    }
                };
                let pts = if plan.all_points { &s.points[..] } else { &s.points[1..] };
                (pts, pid)
            }
            (Some(_), None) => unreachable!("every non-root section has a plan"),
        };
        for p in pts {
            let id = rows.len() as i64 + 1;
            rows.push(Row { id, ty, x: p.x, y: p.y, z: p.z, d: p.d, pid, line: 0 });
            ids[i].push(id);
            pid = id;
        }
        if ids[i].is_empty() {
            return Err(format!("section {} has a single point", s.name));
        }
    }
    Ok((rows, ids))
}

/// Decide how each section is attached; `nchild_soma` (soma children per sample id) is
/// known once soma sections are laid out, and only soma-parent wires depend on it.
fn plan(m: &Morphology, nchild_soma: &dyn Fn(usize, ParentSample) -> usize) -> Result<Vec<Option<Plan>>, String> {
    let mut plans = Vec::with_capacity(m.sections.len());
    for s in &m.sections {
        let Some(p) = s.parent else {
            plans.push(None);
            continue;
        };
        let x = s.parent_x;
        let parent_root = m.sections[p].parent.is_none();
        let at = if x >= 1.0 {
            ParentSample::Last
        } else if x <= 0.0 {
            ParentSample::First
        } else {
            ParentSample::Middle
        };
        let soma_parent = is_soma(m, p);
        let me_soma = s.region == Region::Soma;
        let all_points = match at {
            // Import3d wires a dendrite on the soma's interior: its points are all its own.
            ParentSample::Middle if soma_parent && !me_soma => true,
            ParentSample::Middle => {
                return Err(format!(
                    "section {} attaches at x = {x} inside {}: SWC expresses this only for a dendrite on the soma",
                    s.name, m.sections[p].name
                ))
            }
            // Soma ends with more than one soma child: Import3d wires dendrites there too.
            ParentSample::Last | ParentSample::First if soma_parent && !me_soma => nchild_soma(p, at) > 1,
            ParentSample::First if !parent_root && soma_parent => {
                return Err(format!("section {} attaches at 0 of the soma section {}, which SWC cannot express", s.name, m.sections[p].name))
            }
            _ => false,
        };
        if !all_points && s.points.len() < 2 {
            return Err(format!("section {} has fewer than 2 points", s.name));
        }
        plans.push(Some(Plan { parent_sample: at, all_points }));
    }
    Ok(plans)
}

/// Rows for `m`, checked by re-importing them.
pub fn to_rows(m: &Morphology) -> Result<Vec<Row>, String> {
    if m.sections.is_empty() {
        return Err("the morphology has no sections".into());
    }
    // Pass 1: soma children per parent sample, from soma sections only (their layout does
    // not depend on the wire decisions of dendrites).
    let first_plans = plan(m, &|_, _| 0)?;
    let (rows, ids) = layout(m, &first_plans)?;
    let mut soma_children = std::collections::HashMap::<i64, usize>::new();
    for r in &rows {
        if r.ty == 1 && r.pid >= 0 && rows[(r.pid - 1) as usize].ty == 1 {
            *soma_children.entry(r.pid).or_default() += 1;
        }
    }
    let count = |p: usize, at: ParentSample| -> usize {
        let pids = &ids[p];
        let id = match at {
            ParentSample::First => pids[0],
            _ => pids[pids.len() - 1],
        };
        soma_children.get(&id).copied().unwrap_or(0)
    };
    let plans = plan(m, &count)?;
    let (rows, _) = layout(m, &plans)?;
    let back = build(&rows, &m.source);
    if let Some(why) = differences(m, &back) {
        return Err(format!("SWC cannot represent this morphology faithfully: {why}"));
    }
    Ok(rows)
}

/// The first way `b` (a re-import) differs from `a`, allowing only what SWC cannot carry:
/// the diameter of a non-root section's first point, and values beyond single precision
/// (NEURON reads SWC numbers as `float`; it keeps 3-D points as `float` anyway).
pub fn differences(a: &Morphology, b: &Morphology) -> Option<String> {
    if a.sections.len() != b.sections.len() {
        return Some(format!("{} sections become {}", a.sections.len(), b.sections.len()));
    }
    for (s, t) in a.sections.iter().zip(&b.sections) {
        if s.name != t.name || s.region != t.region {
            return Some(format!("section {} becomes {}", s.name, t.name));
        }
        if s.parent != t.parent || (s.parent.is_some() && s.parent_x != t.parent_x) {
            return Some(format!(
                "section {} attached to {:?}({}) becomes {:?}({})",
                s.name, s.parent, s.parent_x, t.parent, t.parent_x
            ));
        }
        if s.points.len() != t.points.len() {
            return Some(format!("section {} has {} points, re-imported {}", s.name, s.points.len(), t.points.len()));
        }
        for (k, (p, q)) in s.points.iter().zip(&t.points).enumerate() {
            let f = |v: f64| v as f32;
            let d_ok = f(p.d) == f(q.d) || (k == 0 && s.parent.is_some());
            if p.xyz().map(f) != q.xyz().map(f) || !d_ok {
                return Some(format!("point {k} of section {} moves from {p:?} to {q:?}", s.name));
            }
        }
    }
    None
}
