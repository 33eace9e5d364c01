//! A soma contour (a closed outline) turned into a section, as NEURON's Import3d does it
//! (`contourcenter` + `contour2centroid` in import3d_gui.hoc), step for step, so that the soma
//! area equals NEURON's.
//!
//! In words: the outline is resampled to 101 points evenly spaced along its perimeter; the
//! principal axis of those points is the soma's axis; 21 points evenly spaced along that axis
//! get, as diameter, the width of the outline measured across the axis.

use crate::tree::Point3d;

/// Why a contour could not be converted.
#[derive(Debug, Clone, PartialEq)]
pub struct ContourError(pub String);

/// Linear interpolation with NEURON's `Vector.interpolate` semantics: `xs` must be
/// non-decreasing; repeated abscissae are skipped; values outside are clamped.
pub(crate) fn interpolate(xd: &[f64], xs: &[f64], ys: &[f64]) -> Vec<f64> {
    let (nd, ns) = (xd.len(), xs.len());
    let mut yd = vec![0.0; nd];
    let mut id = 0;
    while id < nd && xd[id] <= xs[0] {
        yd[id] = ys[0];
        id += 1;
    }
    let mut is = 1;
    while is < ns && id < nd {
        if xs[is] > xs[is - 1] {
            while xd[id] <= xs[is] {
                let thet = (xd[id] - xs[is - 1]) / (xs[is] - xs[is - 1]);
                yd[id] = (1.0 - thet) * ys[is - 1] + thet * ys[is];
                id += 1;
                if id >= nd {
                    break;
                }
            }
        }
        is += 1;
    }
    while id < nd {
        yd[id] = ys[ns - 1];
        id += 1;
    }
    yd
}

/// NEURON's `contourcenter`: resample the outline to 101 points evenly spaced along the
/// open polyline (the closing edge is not walked) and return them with their mean.
pub fn contour_center(pts: &[[f64; 3]]) -> ([f64; 3], Vec<[f64; 3]>) {
    let n = pts.len();
    let mut perim = vec![0.0; n];
    for i in 1..n {
        perim[i] = perim[i - 1] + crate::tree::dist(pts[i - 1], pts[i]);
    }
    let step = perim[n - 1] / 100.0;
    let d: Vec<f64> = (0..101).map(|i| i as f64 * step).collect();
    let mut mean = [0.0; 3];
    let mut cols = Vec::new();
    for (k, m) in mean.iter_mut().enumerate() {
        let ys: Vec<f64> = pts.iter().map(|p| p[k]).collect();
        let col = interpolate(&d, &perim, &ys);
        *m = col.iter().sum::<f64>() / col.len() as f64;
        cols.push(col);
    }
    let resampled = (0..101).map(|i| [cols[0][i], cols[1][i], cols[2][i]]).collect();
    (mean, resampled)
}

/// Eigen-decomposition of a symmetric 3×3 matrix by cyclic Jacobi rotations.
/// Returns eigenvalues and eigenvectors (as columns: `vecs[row][col]`).
fn symmetric_eigen(mut a: [[f64; 3]; 3]) -> ([f64; 3], [[f64; 3]; 3]) {
    let mut v = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];
    for _sweep in 0..100 {
        let off = a[0][1].powi(2) + a[0][2].powi(2) + a[1][2].powi(2);
        if off < 1e-30 * (a[0][0].powi(2) + a[1][1].powi(2) + a[2][2].powi(2)).max(1e-300) {
            break;
        }
        for (p, q) in [(0, 1), (0, 2), (1, 2)] {
            if a[p][q].abs() < 1e-300 {
                continue;
            }
            let theta = (a[q][q] - a[p][p]) / (2.0 * a[p][q]);
            let t = theta.signum() / (theta.abs() + (theta * theta + 1.0).sqrt());
            let t = if theta == 0.0 { 1.0 } else { t };
            let c = 1.0 / (t * t + 1.0).sqrt();
            let s = t * c;
            // A' = Jᵀ A J
            for k in 0..3 {
                let akp = a[k][p];
                let akq = a[k][q];
                a[k][p] = c * akp - s * akq;
                a[k][q] = s * akp + c * akq;
            }
            for k in 0..3 {
                let apk = a[p][k];
                let aqk = a[q][k];
                a[p][k] = c * apk - s * aqk;
                a[q][k] = s * apk + c * aqk;
            }
            for row in v.iter_mut() {
                let vkp = row[p];
                let vkq = row[q];
                row[p] = c * vkp - s * vkq;
                row[q] = s * vkp + c * vkq;
            }
        }
    }
    ([a[0][0], a[1][1], a[2][2]], v)
}

fn first_argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for i in 1..v.len() {
        if v[i] > v[best] {
            best = i;
        }
    }
    best
}

fn first_argmin(v: &[f64]) -> usize {
    let mut best = 0;
    for i in 1..v.len() {
        if v[i] < v[best] {
            best = i;
        }
    }
    best
}

/// Remove points that break monotonic increase, exactly as Import3d's loop does it.
fn make_increasing(d: &mut Vec<f64>, rad: &mut Vec<f64>) {
    let mut j = d.len() as isize - 1;
    while j > 0 {
        let ju = j as usize;
        if d[ju] <= d[ju - 1] {
            d.remove(ju);
            rad.remove(ju);
            if ju != d.len() {
                j += 1;
            }
        }
        j -= 1;
    }
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Convert a closed soma outline into the 21 centroid points with diameters (µm).
pub fn contour_to_centroid(outline: &[[f64; 3]]) -> Result<Vec<Point3d>, ContourError> {
    if outline.len() < 3 {
        return Err(ContourError(format!(
            "soma contour has {} points; at least 3 are needed",
            outline.len()
        )));
    }
    let (mean, resampled) = contour_center(outline);
    let pts: Vec<[f64; 3]> = resampled
        .iter()
        .map(|p| [p[0] - mean[0], p[1] - mean[1], p[2] - mean[2]])
        .collect();
    let mut m = [[0.0; 3]; 3];
    for i in 0..3 {
        for j in i..3 {
            m[i][j] = pts.iter().map(|p| p[i] * p[j]).sum();
            m[j][i] = m[i][j];
        }
    }
    let (vals, vecs) = symmetric_eigen(m);
    let imax = first_argmax(&vals);
    let imin = first_argmin(&vals);
    if imin == imax {
        return Err(ContourError("degenerate soma contour: no principal axis (all points coincide)".into()));
    }
    let col = |c: usize| [vecs[0][c], vecs[1][c], vecs[2][c]];
    let mut major = col(imax);
    let big = first_argmax(&major.map(f64::abs));
    if major[big] < 0.0 {
        major = major.map(|v| -v);
    }
    let mut minor = col(3 - imin - imax);
    minor[2] = 0.0;
    let major_mag = dot(major, major).sqrt();
    let minor_mag = dot(minor, minor).sqrt();
    if minor_mag / (major_mag + 1e-100) < 1e-6 {
        return Err(ContourError(
            "failed to compute the soma centroid from the contour (degenerate outline)".into(),
        ));
    }
    let minor = minor.map(|v| v / minor_mag);

    let n = pts.len();
    let d0: Vec<f64> = pts.iter().map(|p| dot(*p, major)).collect();
    let r0: Vec<f64> = pts.iter().map(|p| dot(*p, minor)).collect();
    let imax = first_argmax(&d0);
    let d: Vec<f64> = (0..n).map(|k| d0[(k + imax) % n]).collect();
    let rad: Vec<f64> = (0..n).map(|k| r0[(k + imax) % n]).collect();
    let imin = first_argmin(&d);
    let mut side2 = d[imin..].to_vec();
    let mut rad2 = rad[imin..].to_vec();
    let mut d1: Vec<f64> = d[..imin].iter().rev().copied().collect();
    let mut rad1: Vec<f64> = rad[..imin].iter().rev().copied().collect();
    make_increasing(&mut d1, &mut rad1);
    make_increasing(&mut side2, &mut rad2);
    if d1.is_empty() || side2.is_empty() || d1.len() + side2.len() < 4 {
        return Err(ContourError("soma contour too small to find its axis".into()));
    }
    let mut all: Vec<f64> = d1.iter().chain(side2.iter()).copied().collect();
    all.sort_by(|a, b| a.total_cmp(b));
    let (lo, hi) = (all[1], all[all.len() - 2]);
    let step = (hi - lo) / 20.0;
    let count = ((hi - lo) / step + 1e-9).floor() as usize + 1;
    let t: Vec<f64> = (0..count).map(|i| i as f64 * step + lo).collect();
    let ra = interpolate(&t, &d1, &rad1);
    let rb = interpolate(&t, &side2, &rad2);
    let mut out: Vec<Point3d> = t
        .iter()
        .zip(ra.iter().zip(rb.iter()))
        .map(|(&ti, (&a, &b))| {
            Point3d::new(
                major[0] * ti + mean[0],
                major[1] * ti + mean[1],
                major[2] * ti + mean[2],
                (a - b).abs(),
            )
        })
        .collect();
    let k = out.len() - 1;
    out[0].d = (out[0].d + out[1].d) / 2.0;
    out[k].d = (out[k].d + out[k - 1].d) / 2.0;
    Ok(out)
}
