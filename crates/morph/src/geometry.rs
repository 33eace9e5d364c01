//! Segment area and axial resistance from 3-D points, computed as NEURON does
//! (`diam_from_list` in treeset.cpp): the piecewise-linear diameter profile is integrated over
//! each half segment; area uses frustum side lengths, resistance the integral of
//! 1/(d₁d₂) over each piece.

use crate::tree::Point3d;
use std::f64::consts::PI;

/// NEURON stores 3-D points as `float`, after Import3d printed them with `%.8g`.
/// Rounding the same way is what makes areas agree to 1e-6.
pub fn neuron_point_round(v: f64) -> f64 {
    let s = format!("{v:.7e}");
    let back: f64 = s.parse().unwrap_or(v);
    back as f32 as f64
}

/// Points in NEURON's precision with NEURON's cumulative arc lengths (the arc is summed in
/// double precision from single-precision differences, as `nrn_pt3dmodified` does).
pub fn neuron_points(points: &[Point3d], single_precision: bool) -> (Vec<Point3d>, Vec<f64>) {
    let pts: Vec<Point3d> = if single_precision {
        points
            .iter()
            .map(|p| {
                Point3d::new(
                    neuron_point_round(p.x),
                    neuron_point_round(p.y),
                    neuron_point_round(p.z),
                    neuron_point_round(p.d),
                )
            })
            .collect()
    } else {
        points.to_vec()
    };
    let mut arc = vec![0.0; pts.len()];
    for i in 1..pts.len() {
        let (a, b) = (&pts[i - 1], &pts[i]);
        let (t1, t2, t3) = if single_precision {
            (
                (b.x as f32 - a.x as f32) as f64,
                (b.y as f32 - a.y as f32) as f64,
                (b.z as f32 - a.z as f32) as f64,
            )
        } else {
            (b.x - a.x, b.y - a.y, b.z - a.z)
        };
        arc[i] = arc[i - 1] + (t1 * t1 + t2 * t2 + t3 * t3).sqrt();
    }
    (pts, arc)
}

/// Per-segment results of the integration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentIntegral {
    /// Membrane area (µm²).
    pub area_um2: f64,
    /// Mean diameter over the segment (µm), NEURON's `seg.diam`.
    pub diam_um: f64,
    /// Axial resistance of the left half segment (MΩ).
    pub r_left_mohm: f64,
    /// Axial resistance of the right half segment (MΩ).
    pub r_right_mohm: f64,
}

/// Integrate `nseg` equal segments along a section given by points and their arc positions.
/// `ra_ohm_cm` is the axial resistivity.
pub fn integrate_segments(pts: &[Point3d], arc: &[f64], nseg: usize, ra_ohm_cm: f64) -> Vec<SegmentIntegral> {
    let npt = pts.len();
    assert!(npt >= 2, "a section needs at least 2 points");
    let ds = arc[npt - 1] / nseg as f64;
    let mut out = Vec::with_capacity(nseg);
    let mut j = 0usize;
    let mut x1 = arc[0];
    let mut y1 = pts[0].d.abs();
    for inode in 0..nseg {
        let mut si = inode as f64 * ds;
        let mut diam = 0.0;
        let mut area = 0.0;
        let mut halves = [0.0; 2];
        for half in halves.iter_mut() {
            let mut ri = 0.0;
            let sip = si + ds / 2.0;
            loop {
                let jp = j + 1;
                let xj = arc[j];
                let xjp = arc[jp];
                let (x2, y2, jnext);
                if xjp > sip || jp == npt - 1 {
                    let frac = if (xjp - xj).abs() < 1e-10 { 1.0 } else { (sip - xj) / (xjp - xj) };
                    x2 = sip;
                    y2 = (1.0 - frac) * pts[j].d.abs() + frac * pts[jp].d.abs();
                    jnext = j;
                } else {
                    x2 = xjp;
                    y2 = pts[jp].d.abs();
                    jnext = jp;
                }
                let mut delta = x2 - x1;
                diam += (y2 + y1) * delta;
                if delta < 1e-15 {
                    delta = 1e-15;
                }
                let mut temp = y2 * y1 / delta;
                if temp == 0.0 {
                    temp = 1e-15;
                }
                ri += 1.0 / temp;
                let taper = 0.5 * (y2 - y1);
                area += (y2 + y1) * (delta * delta + taper * taper).sqrt();
                x1 = x2;
                y1 = y2;
                if j == jnext {
                    break;
                }
                j = jnext;
            }
            *half = ri * ra_ohm_cm / PI * (4.0 * 0.01);
            si = sip;
        }
        out.push(SegmentIntegral {
            area_um2: area * 0.5 * PI,
            diam_um: diam * 0.5 / ds,
            r_left_mohm: halves[0],
            r_right_mohm: halves[1],
        });
    }
    out
}

/// Position along a polyline at arc length `s` (µm), linearly interpolated.
pub fn point_at_arc(pts: &[Point3d], arc: &[f64], s: f64) -> [f64; 3] {
    let n = pts.len();
    if n == 1 || s <= arc[0] {
        return pts[0].xyz();
    }
    for i in 1..n {
        if s <= arc[i] {
            let span = arc[i] - arc[i - 1];
            let t = if span > 0.0 { (s - arc[i - 1]) / span } else { 0.0 };
            let (a, b) = (pts[i - 1], pts[i]);
            return [a.x + t * (b.x - a.x), a.y + t * (b.y - a.y), a.z + t * (b.z - a.z)];
        }
    }
    pts[n - 1].xyz()
}
