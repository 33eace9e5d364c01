//! NEURON's `Import3d_SWC_read` (read_swc.hoc) and the parts of `Import3d_GUI.instantiate`
//! (import3d_gui.hoc) that shape sections, ported step for step so that sections, their
//! names, parents, attachment points and 3-D points equal NEURON's.
//!
//! Steps (hoc names in brackets):
//! 1. count children per sample [`mark_branch`]: +1 per child, +0.01 when the child does
//!    not directly follow its parent in the file or has another type; a sample with exactly
//!    1 ends no section. Samples of a dendrite wired to the soma get `connect2prox`.
//! 2. soma samples chained in file order stay one section [`sectionify`]; a 3-sample soma
//!    with NeuroMorpho's sphere convention becomes a sphere [`neuromorph_3point_soma`].
//! 3. each section gets its parent's sample as first point, its attachment point
//!    (`parentx` 1, 0 or 0.5) and maybe a "wire" (first point dropped) [`mksection`].
//! 4. one-point and zero-length sections are removed, children reattached [`chk_valid`].
//! 5. a one-point root becomes a 3-point cylinder with L = diam [`sphere_rep`].

use super::rows::Row;
use crate::tree::{Morphology, Point3d, Region, Section};

/// A section as Import3d builds it before instantiation.
#[derive(Debug, Clone)]
struct ISec {
    /// Index of the first sample of the section (`sec.id`).
    id: usize,
    /// Raw points (parent sample first for non-roots).
    raw: Vec<Point3d>,
    /// 1 when the first raw point is not a 3-D point of the section (a "wire").
    first: usize,
    parent: Option<usize>,
    parentx: f64,
    ty: i32,
    line: usize,
}

fn pt(r: &Row) -> Point3d {
    Point3d::new(r.x, r.y, r.z, r.d)
}

/// Build the sections from rows sorted by id (single tree, parents before children).
pub fn build(rows: &[Row], source: &str) -> Morphology {
    let n = rows.len();
    // Parent index of each sample (pix2ix); ids are unique and sorted.
    let index: std::collections::HashMap<i64, usize> = rows.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let mut pix: Vec<Option<usize>> = rows
        .iter()
        .map(|r| if r.pid < 0 { None } else { index.get(&r.pid).copied() })
        .collect();
    let ty: Vec<i32> = rows.iter().map(|r| r.ty).collect();
    let d: Vec<f64> = rows.iter().map(|r| r.d).collect();

    // mark_branch: nchild in hundredths (1 child = 100; +1 = "+0.01") — exact integers.
    let mut nchild = vec![0i64; n];
    let mut connect2prox = vec![false; n];
    for i in 0..n {
        let Some(p) = pix[i] else { continue };
        nchild[p] += 100;
        if p + 1 != i {
            nchild[p] += 1;
            if p > 1 {
                if ty[p] != 1 && pix[p].is_some_and(|pp| ty[pp] == 1) {
                    connect2prox[i] = true;
                    nchild[p] = 100;
                }
            } else if p == 0 && ty[p] != 1 {
                connect2prox[i] = true;
                nchild[p] = 100;
            }
        }
        if ty[p] != ty[i] {
            nchild[p] += 1;
        }
    }

    // sectionify: soma children per soma sample.
    let mut nchild_soma = vec![0usize; n];
    let mut nsoma_pts = usize::from(ty[0] == 1);
    for i in 1..n {
        if ty[i] == 1 {
            nsoma_pts += 1;
            if let Some(p) = pix[i] {
                if ty[p] == 1 {
                    nchild_soma[p] += 1;
                }
            }
        }
    }
    let mut soma3geom = false;
    if nsoma_pts == 3 && n >= 3 && pix[1] == Some(0) && pix[2] == Some(0) && nchild[1] == 0 && nchild[2] == 0 && d[1] == d[0] && d[2] == d[0] {
        // NeuroMorpho's 3-point soma: a sphere when the two outer points lie d/2 either side.
        let len: f64 = (1..=2)
            .map(|i| ((rows[i].x - rows[0].x).powi(2) + (rows[i].y - rows[0].y).powi(2) + (rows[i].z - rows[0].z).powi(2)).sqrt())
            .sum();
        if (len / d[0] - 1.0).abs() < 0.01 {
            soma3geom = true;
            pix[2] = Some(1); // as NEURON does: keeps the soma one section
        }
    }
    for i in 0..n.saturating_sub(1) {
        if ty[i] == 1 && ty[i + 1] == 1 && pix[i + 1] == Some(i) && !(i != 0 && nchild_soma[i] > 1) {
            nchild[i] = 100;
        }
    }
    // Section boundaries: the last sample of each section.
    let ends: Vec<usize> = (0..n).filter(|&i| nchild[i] != 100).collect();
    let mut point2sec = vec![0usize; n];
    let mut si = 0;
    for (i, s) in point2sec.iter_mut().enumerate().skip(1) {
        if i > ends[si] {
            si += 1;
        }
        *s = si;
    }

    // mksections
    let mut secs: Vec<ISec> = Vec::with_capacity(ends.len());
    let mut first = 0;
    for (isec, &last) in ends.iter().enumerate() {
        let end = last + 1; // `i` in the hoc code: one past the last sample
        secs.push(mksection(&secs, isec, first, end, rows, &pix, &point2sec, &nchild_soma, &connect2prox, soma3geom));
        first = end;
    }

    // chk_valid: remove one-point and zero-length sections (not the root), last first.
    let mut parent_of: Vec<Option<usize>> = secs.iter().map(|s| s.parent).collect();
    let mut parentx: Vec<f64> = secs.iter().map(|s| s.parentx).collect();
    let mut alive = vec![true; secs.len()];
    for i in (0..secs.len()).rev() {
        let s = &secs[i];
        if parent_of[i].is_none() {
            continue;
        }
        let npts = s.raw.len() - s.first;
        let remove = npts <= 1 || (npts == 2 && s.raw[s.first].xyz() == s.raw[s.first + 1].xyz());
        if remove {
            alive[i] = false;
            for j in i + 1..secs.len() {
                if alive[j] && parent_of[j] == Some(i) {
                    parent_of[j] = parent_of[i];
                    parentx[j] = parentx[i];
                }
            }
        }
    }

    // instantiate: sections in list order, 3-D points from `first`, sphere for one point.
    let mut new_index = vec![usize::MAX; secs.len()];
    let mut sections = Vec::new();
    for (i, s) in secs.iter().enumerate() {
        if !alive[i] {
            continue;
        }
        new_index[i] = sections.len();
        let mut points = s.raw[s.first..].to_vec();
        if points.len() == 1 {
            points = sphere_rep(points[0]);
        }
        sections.push(Section {
            name: String::new(),
            region: Region::from_swc_type(s.ty),
            parent: parent_of[i].map(|p| new_index[p]),
            parent_x: if parent_of[i].is_some() { parentx[i] } else { 0.0 },
            points,
            source_line: s.line,
        });
    }
    let mut m = Morphology { source: source.to_string(), sections };
    m.assign_neuron_names();
    m
}

/// NEURON's `sphere_rep`: a one-point soma of diameter d becomes a cylinder along x,
/// L = d (same membrane area as the sphere).
pub fn sphere_rep(p: Point3d) -> Vec<Point3d> {
    vec![
        Point3d::new(p.x - p.d / 2.0, p.y, p.z, p.d),
        p,
        Point3d::new(p.x + p.d / 2.0, p.y, p.z, p.d),
    ]
}

#[allow(clippy::too_many_arguments)]
fn mksection(
    secs: &[ISec],
    isec: usize,
    first: usize,
    end: usize,
    rows: &[Row],
    pix: &[Option<usize>],
    point2sec: &[usize],
    nchild_soma: &[usize],
    connect2prox: &[bool],
    soma3geom: bool,
) -> ISec {
    let ty = |i: usize| rows[i].ty;
    if isec == 0 {
        let end = if soma3geom { 1 } else { end };
        return ISec {
            id: first,
            raw: rows[first..end].iter().map(pt).collect(),
            first: 0,
            parent: None,
            parentx: 1.0,
            ty: ty(first),
            line: rows[first].line,
        };
    }
    // Every non-root section starts at a sample with a parent (the tree has one root).
    let pfirst = pix[first].unwrap_or(0);
    let psec_i = point2sec[pfirst];
    let psec = &secs[psec_i];
    let own = end - first;
    let mut parentx = 1.0;
    let mut wire = 0;
    let den_con_soma = psec.ty == 1 && ty(first) != 1;
    let con_soma = psec.ty == 1;
    let mut handled = false;
    if psec_i == 0 {
        handled = true;
        if den_con_soma && psec.raw.len() == 1 {
            // single-point soma: attach at 0.5, by a wire if the branch has 2+ samples
            parentx = 0.5;
            if own > 1 {
                wire = 1;
            }
        } else if pfirst == psec.id {
            // attached to the root's first sample
            parentx = 0.0;
            if ty(first) != 1 && nchild_soma[pfirst] > 1 {
                wire = 1;
            }
        } else {
            handled = false;
        }
    }
    if !handled && con_soma {
        let offset: isize = if psec.id == 0 { -1 } else { -2 };
        if (pfirst as isize) < psec.id as isize + psec.raw.len() as isize + offset {
            // attached to an interior soma sample
            parentx = 0.5;
            if den_con_soma && own > 1 {
                wire = 1;
            }
        } else if own > 1 && nchild_soma[pfirst] > 1 && ty(first) != 1 {
            wire = 1;
        }
    }
    let mut raw = Vec::with_capacity(own + 1);
    raw.push(pt(&rows[pfirst]));
    raw.extend(rows[first..end].iter().map(pt));
    let sec_ty = ty(first);
    if psec.ty == 1 && sec_ty != 1 {
        // a dendrite on the soma starts with the soma sample's position, its own diameter
        raw[0].d = raw[1].d;
    }
    if connect2prox[first] {
        parentx = 0.0;
    }
    ISec { id: first, raw, first: wire, parent: Some(psec_i), parentx, ty: sec_ty, line: rows[first].line }
}
