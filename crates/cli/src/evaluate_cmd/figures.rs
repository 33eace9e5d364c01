//! `lfdeep evaluate`'s figures of the dendritic predictions: traces at chosen sites, per-segment
//! error by region and distance, the morphology coloured by error, voltage maps of all
//! segments over time (true, predicted, difference), and free-running error growth.

use std::path::Path;

use anyhow::{Context, Result};
use lfdeep_nn::data::Simulation;
use lfdeep_nn::eval::{GrowthBin, ModeMetrics, SimPrediction};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::cell::{TargetCell, REGIONS};
use crate::plot::{colorbar, colormap, init_font, palette, range, styled_panels, viridis, Panel, Series};

fn perr(path: &Path) -> impl Fn(String) -> anyhow::Error + '_ {
    move |x| anyhow::anyhow!("drawing {}: {x}", path.display())
}

/// The `q`-quantile (0..1) of the finite values.
pub fn quantile(values: impl Iterator<Item = f64>, q: f64) -> f64 {
    let mut v: Vec<f64> = values.filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    v[((v.len() - 1) as f64 * q.clamp(0.0, 1.0)).round() as usize]
}

/// Dendritic sites to show as traces: the nexus, then per region the segment whose
/// teacher-forced RMSE is the region's median (a typical one). Without a cell: the last target.
pub fn trace_sites(cell: Option<&TargetCell>, t: &ModeMetrics) -> Vec<(usize, String)> {
    let n = t.segments.rmse_mv.len();
    let Some(c) = cell.filter(|c| c.len() == n) else {
        return vec![(n - 1, format!("dendritic target {}", n - 1))];
    };
    let mut out = Vec::new();
    if let Some(k) = c.nexus {
        out.push((k, format!("nexus (target {k}, {:.0} µm from soma)", c.path_soma_um[k])));
    }
    for (name, idx) in c.region_groups() {
        let mut idx: Vec<usize> = idx.into_iter().filter(|&i| t.segments.rmse_mv[i].is_finite() && Some(i) != c.nexus).collect();
        if idx.is_empty() {
            continue;
        }
        idx.sort_by(|&a, &b| t.segments.rmse_mv[a].total_cmp(&t.segments.rmse_mv[b]));
        let k = idx[idx.len() / 2];
        out.push((k, format!("{name}: median-RMSE segment (target {k}, {:.0} µm from soma)", c.path_soma_um[k])));
    }
    out
}

/// Strip plot of per-segment RMSE by region and a scatter of RMSE against path distance.
pub fn segment_error(path: &Path, cell: Option<&TargetCell>, modes: &[(&str, &ModeMetrics)]) -> Result<()> {
    let n = modes[0].1.segments.rmse_mv.len();
    let cell = cell.filter(|c| c.len() == n);
    let mut panels = Vec::new();
    for (mode, m) in modes {
        let series = match cell {
            Some(c) => c
                .region_groups()
                .into_iter()
                .enumerate()
                .filter(|(_, (_, idx))| !idx.is_empty())
                .map(|(g, (name, idx))| {
                    // Region g spans x ∈ [g − 0.35, g + 0.35], segments spread by path distance.
                    let (d0, d1) = range(idx.iter().map(|&i| c.path_soma_um[i]));
                    Series {
                        label: format!("{name} ({})", idx.len()),
                        points: idx.iter().map(|&i| (g as f64 - 0.35 + 0.7 * (c.path_soma_um[i] - d0) / (d1 - d0), m.segments.rmse_mv[i])).collect(),
                        color: palette(g + 2),
                    }
                })
                .collect(),
            None => vec![Series { label: String::new(), points: (0..n).map(|i| (i as f64, m.segments.rmse_mv[i])).collect(), color: palette(2) }],
        };
        let x_label = match cell {
            Some(_) => format!("region ({}); within a region, left to right: nearer to farther from the soma", REGIONS.iter().enumerate().map(|(g, r)| format!("{g} = {r}")).collect::<Vec<_>>().join(", ")),
            None => "dendritic target index".into(),
        };
        panels.push(Panel { title: format!("{mode}: per-segment RMSE by region"), x_label, y_label: "RMSE (mV)".into(), series });
        if let Some(c) = cell {
            panels.push(Panel {
                title: format!("{mode}: per-segment RMSE against path distance"),
                x_label: "path distance from the soma (µm)".into(),
                y_label: "RMSE (mV)".into(),
                series: c
                    .region_groups()
                    .into_iter()
                    .enumerate()
                    .filter(|(_, (_, idx))| !idx.is_empty())
                    .map(|(g, (name, idx))| Series { label: name, points: idx.iter().map(|&i| (c.path_soma_um[i], m.segments.rmse_mv[i])).collect(), color: palette(g + 2) })
                    .collect(),
            });
        }
    }
    let dots = vec![true; panels.len()];
    styled_panels(path, "Per-segment voltage error (t ≥ ignore)", &panels, &dots, 1000, 300)
}

/// x–y projection of the dendrites, each segment coloured by its RMSE (one panel per mode,
/// one colour scale: 0 to the 99th percentile over both modes).
pub fn morphology_error(path: &Path, cell: &TargetCell, modes: &[(&str, &ModeMetrics)]) -> Result<()> {
    init_font();
    let e = perr(path);
    let panel_w = 520u32;
    let (w, h) = (panel_w * modes.len() as u32 + 110, 850u32);
    let root = BitMapBackend::new(path, (w, h)).into_drawing_area();
    root.fill(&WHITE).map_err(|x| e(x.to_string()))?;
    let (head, body) = root.split_vertically(44);
    let (body, foot) = body.split_vertically(h - 44 - 30);
    head.titled("Per-segment RMSE on the morphology (x–y projection)", ("sans-serif", 22)).map_err(|x| e(x.to_string()))?;
    let (maps, bar) = body.split_horizontally(panel_w * modes.len() as u32);
    let hi = quantile(modes.iter().flat_map(|(_, m)| m.segments.rmse_mv.iter().copied()), 0.99).max(1e-6);
    let pts = |i: usize| match &cell.ends_um {
        Some(ends) => vec![(ends[i].0[0], ends[i].0[1]), (ends[i].1[0], ends[i].1[1])],
        None => vec![(cell.centre_um[i][0], cell.centre_um[i][1])],
    };
    let (x0, x1) = range((0..cell.len()).flat_map(|i| pts(i)).map(|p| p.0));
    let (y0, y1) = range((0..cell.len()).flat_map(|i| pts(i)).map(|p| p.1));
    // Equal aspect within the panel's plot area (≈ 440 × 700 px).
    let span_x = (x1 - x0).max((y1 - y0) * 440.0 / 700.0);
    let span_y = span_x * 700.0 / 440.0;
    let (cx, cy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1));
    for ((mode, m), area) in modes.iter().zip(maps.split_evenly((1, modes.len())).iter()) {
        let mut chart = ChartBuilder::on(area)
            .caption(format!("{mode} (mean {:.2} mV)", m.segments_rmse_mv_mean), ("sans-serif", 18))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(cx - span_x / 2.0..cx + span_x / 2.0, cy - span_y / 2.0..cy + span_y / 2.0)
            .map_err(|x| e(x.to_string()))?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("x (µm)")
            .y_desc("y (µm)")
            .x_label_formatter(&|v| format!("{v:.0}"))
            .y_label_formatter(&|v| format!("{v:.0}"))
            .draw().map_err(|x| e(x.to_string()))?;
        // Draw the worst segments last, so they stay visible where branches overlap.
        let mut order: Vec<usize> = (0..cell.len()).collect();
        order.sort_by(|&a, &b| m.segments.rmse_mv[a].total_cmp(&m.segments.rmse_mv[b]));
        for i in order {
            let c = viridis(m.segments.rmse_mv[i] / hi);
            let p = pts(i);
            if p.len() == 2 {
                chart.draw_series(std::iter::once(PathElement::new(p, c.stroke_width(3)))).map_err(|x| e(x.to_string()))?;
            } else {
                chart.draw_series(std::iter::once(Circle::new(p[0], 3, c.filled()))).map_err(|x| e(x.to_string()))?;
            }
        }
        let soma = cell.soma_um;
        chart.draw_series(std::iter::once(Circle::new((soma[0], soma[1]), 6, BLACK.filled()))).map_err(|x| e(x.to_string()))?;
        if let Some(k) = cell.nexus {
            let c = cell.centre_um[k];
            chart.draw_series(std::iter::once(Circle::new((c[0], c[1]), 7, RED.stroke_width(2)))).map_err(|x| e(x.to_string()))?;
        }
    }
    let bar = bar.margin(200, 200, 10, 0);
    colorbar(&bar, 0.0, hi, &viridis, "RMSE (mV)")?;
    foot.draw(&Text::new("black dot: soma · red ring: nexus · colours saturate at the 99th percentile of the per-segment RMSE", (20, 6), ("sans-serif", 14)))
        .map_err(|x| e(x.to_string()))?;
    root.present().with_context(|| format!("writing {}", path.display()))
}

/// One heat map: rows = `order` (targets), columns = ms `t0..t1`; `value(target, t)` mapped
/// through `cmap` over `lo..hi`. Rows sharing a pixel are averaged.
#[allow(clippy::too_many_arguments)]
fn heat_map<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    order: &[usize],
    bands: &[(String, usize, usize)],
    t0: usize,
    t1: usize,
    value: &dyn Fn(usize, usize) -> f64,
    cmap: &dyn Fn(f64) -> RGBColor,
    lo: f64,
    hi: f64,
    unit: &str,
) -> Result<()> {
    let e = |x: String| anyhow::anyhow!("drawing a voltage map: {x}");
    let (labels, rest) = area.split_horizontally(110);
    let (w, _) = rest.dim_in_pixel();
    let (plot, bar) = rest.split_horizontally(w.saturating_sub(90));
    let n = order.len();
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, ("sans-serif", 16))
        .margin(4)
        .x_label_area_size(30)
        .y_label_area_size(0)
        .build_cartesian_2d(t0 as f64..t1 as f64, 0.0..n as f64)
        .map_err(|x| e(x.to_string()))?;
    chart.configure_mesh().disable_mesh().x_desc("time (ms)").x_label_formatter(&|v| format!("{v:.0}")).disable_y_axis().draw().map_err(|x| e(x.to_string()))?;
    let pa = chart.plotting_area();
    let (xr, yr) = pa.get_pixel_range();
    let (pw, ph) = ((xr.end - xr.start).max(1) as usize, (yr.end - yr.start).max(1) as usize);
    let px = pa.strip_coord_spec();
    for py in 0..ph {
        // Row 0 (first in `order`) at the top.
        let (r0, r1) = (py * n / ph, ((py + 1) * n / ph).max(py * n / ph + 1).min(n));
        for pxx in 0..pw {
            let t = t0 + pxx * (t1 - t0) / pw;
            let v = (r0..r1).map(|r| value(order[r], t)).sum::<f64>() / (r1 - r0) as f64;
            let c = if v.is_finite() { cmap((v - lo) / (hi - lo)) } else { RGBColor(255, 255, 255) };
            px.draw_pixel((pxx as i32, py as i32), &c).map_err(|x| e(x.to_string()))?;
        }
    }
    // Region bands: separators and names in the left strip.
    let (_, ly0) = labels.get_base_pixel();
    let off = yr.start - ly0;
    for (name, a, b) in bands {
        let ya = (*a * ph / n) as i32;
        let yb = (*b * ph / n) as i32;
        if *a > 0 {
            px.draw(&PathElement::new(vec![(0, ya), (pw as i32, ya)], WHITE.stroke_width(1))).map_err(|x| e(x.to_string()))?;
        }
        labels
            .draw(&Text::new(name.clone(), (6, off + (ya + yb) / 2 - 7), ("sans-serif", 14)))
            .map_err(|x| e(x.to_string()))?;
    }
    colorbar(&bar.margin(4, 30, 6, 0), lo, hi, cmap, unit)
}

/// Voltage maps of all dendritic targets over (at most) 1000 ms of one simulation: the true
/// voltages, and per mode the prediction and prediction − truth.
pub fn voltage_map(path: &Path, sim: &Simulation, modes: &[(&str, &SimPrediction)], cell: Option<&TargetCell>, from_ms: usize) -> Result<()> {
    init_font();
    let e = perr(path);
    let n = sim.n_segments;
    let dur = sim.duration_ms;
    let t0 = from_ms.min(dur - 1);
    let t1 = (t0 + 1000).min(dur);
    let cell = cell.filter(|c| c.len() == n);
    let order = cell.map(|c| c.display_order()).unwrap_or_else(|| (0..n).collect());
    let mut bands = Vec::new();
    if let Some(c) = cell {
        for &name in REGIONS.iter() {
            let rows: Vec<usize> = (0..n).filter(|&r| c.region[order[r]] == name).collect();
            if let (Some(&a), Some(&b)) = (rows.first(), rows.last()) {
                bands.push((name.to_string(), a, b + 1));
            }
        }
    } else {
        bands.push(("targets".to_string(), 0, n));
    }
    let truth = |s: usize, t: usize| sim.segment_v[s * dur + t] as f64;
    // One voltage scale for truth and predictions: the true values' 0.5–99.5 % range.
    let vals = || order.iter().flat_map(|&s| (t0..t1).map(move |t| truth(s, t)));
    let (vlo, vhi) = (quantile(vals(), 0.005), quantile(vals(), 0.995).max(quantile(vals(), 0.005) + 1.0));
    let dmax = modes
        .iter()
        .map(|(_, p)| quantile(order.iter().flat_map(|&s| (t0..t1).map(move |t| (p.segment_mv[s * dur + t] as f64 - truth(s, t)).abs())), 0.99))
        .fold(1.0f64, |a, b| if b.is_finite() { a.max(b) } else { a });
    let maps = 1 + 2 * modes.len();
    let map_h = 250u32;
    let root = BitMapBackend::new(path, (1240, map_h * maps as u32 + 44)).into_drawing_area();
    root.fill(&WHITE).map_err(|x| e(x.to_string()))?;
    let (head, body) = root.split_vertically(44);
    head.titled(
        &format!("Voltage of all {n} dendritic segments, test simulation, {t0}–{t1} ms (rows by region, then path distance from the soma)"),
        ("sans-serif", 18),
    )
    .map_err(|x| e(x.to_string()))?;
    let areas = body.split_evenly((maps, 1));
    let cool = |t: f64| colormap(t);
    heat_map(&areas[0], "true", &order, &bands, t0, t1, &truth, &viridis, vlo, vhi, "mV")?;
    for (k, (mode, p)) in modes.iter().enumerate() {
        let pred = |s: usize, t: usize| p.segment_mv[s * dur + t] as f64;
        let diff = |s: usize, t: usize| p.segment_mv[s * dur + t] as f64 - truth(s, t);
        heat_map(&areas[1 + 2 * k], &format!("{mode}: predicted"), &order, &bands, t0, t1, &pred, &viridis, vlo, vhi, "mV")?;
        heat_map(&areas[2 + 2 * k], &format!("{mode}: predicted − true"), &order, &bands, t0, t1, &diff, &cool, -dmax, dmax, "mV")?;
    }
    root.present().with_context(|| format!("writing {}", path.display()))
}

/// Soma and mean-segment RMSE per time bin since the start of the prediction.
pub fn error_growth(path: &Path, modes: &[(&str, &[GrowthBin])]) -> Result<()> {
    let mid = |b: &GrowthBin| 0.5 * (b.from_ms + b.to_ms) as f64;
    let series = |f: &dyn Fn(&GrowthBin) -> f64| -> Vec<Series> {
        modes
            .iter()
            .enumerate()
            .filter(|(_, (_, g))| g.iter().any(|b| f(b).is_finite()))
            .map(|(k, (mode, g))| Series { label: mode.to_string(), points: g.iter().map(|b| (mid(b), f(b))).filter(|p| p.1.is_finite()).collect(), color: palette(k) })
            .collect()
    };
    let x_label = "time since the start of the prediction (ms, bin centres; ms before the ignored start left out)";
    let mut panels = vec![Panel { title: "soma RMSE".into(), x_label: x_label.into(), y_label: "RMSE (mV)".into(), series: series(&|b| b.soma_rmse_mv) }];
    let seg = series(&|b| b.segments_rmse_mv_mean);
    if !seg.is_empty() {
        panels.push(Panel { title: "mean per-segment RMSE".into(), x_label: x_label.into(), y_label: "RMSE (mV)".into(), series: seg });
    }
    styled_panels(path, "Error growth over time", &panels, &[], 1000, 300)
}
