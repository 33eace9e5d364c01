//! Figures (PNG) shared by the subcommands: stacked line panels and morphology drawings.
//!
//! Text uses the Ubuntu Light font compiled into the binary (epaint_default_fonts), so
//! figures render identically on machines without system fonts.

use anyhow::{Context, Result};
use lfdeep_morph::{Discretized, Region};
use plotters::prelude::*;
use std::path::Path;
use std::sync::Once;

static FONT: Once = Once::new();

/// Register the bundled font once (every figure function calls this first).
pub fn init_font() {
    FONT.call_once(|| {
        // Registration can only fail on a malformed font; the bundled one is valid.
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, epaint_default_fonts::UBUNTU_LIGHT);
    });
}

/// A line of a panel.
pub struct Series {
    pub label: String,
    pub points: Vec<(f64, f64)>,
    pub color: RGBColor,
}

/// One plot area with its own axes.
pub struct Panel {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub series: Vec<Series>,
}

/// Distinct colours for series (Tableau 10).
pub fn palette(i: usize) -> RGBColor {
    const C: [(u8, u8, u8); 10] = [
        (31, 119, 180),
        (255, 127, 14),
        (44, 160, 44),
        (214, 39, 40),
        (148, 103, 189),
        (140, 86, 75),
        (227, 119, 194),
        (127, 127, 127),
        (188, 189, 34),
        (23, 190, 207),
    ];
    let (r, g, b) = C[i % C.len()];
    RGBColor(r, g, b)
}

/// Colour of a region in morphology drawings.
pub fn region_color(r: Region) -> RGBColor {
    match r {
        Region::Soma => RGBColor(0, 0, 0),
        Region::Axon => RGBColor(127, 127, 127),
        Region::Basal => RGBColor(214, 39, 40),
        Region::Apical => RGBColor(31, 119, 180),
        Region::Custom(_) => RGBColor(44, 160, 44),
    }
}

/// Axis range of finite values with a 4 % margin (a unit range when empty or constant).
pub fn range(values: impl Iterator<Item = f64>) -> (f64, f64) {
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in values.filter(|v| v.is_finite()) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return (0.0, 1.0);
    }
    if hi - lo < 1e-12 {
        return (lo - 0.5, hi + 0.5);
    }
    let pad = 0.04 * (hi - lo);
    (lo - pad, hi + pad)
}

fn plot_err(path: &Path) -> impl Fn(String) -> anyhow::Error + '_ {
    move |e| anyhow::anyhow!("drawing {}: {e}", path.display())
}

/// Draw panels stacked vertically into a PNG.
pub fn line_panels(path: &Path, title: &str, panels: &[Panel], width: u32, panel_height: u32) -> Result<()> {
    styled_panels(path, title, panels, &[], width, panel_height)
}

/// Like [`line_panels`], but panel `i` draws its series as dots when `points[i]` is true
/// (rasters, scatter plots); missing entries mean lines.
pub fn styled_panels(path: &Path, title: &str, panels: &[Panel], points: &[bool], width: u32, panel_height: u32) -> Result<()> {
    init_font();
    let height = panel_height * panels.len().max(1) as u32 + 40;
    let root = BitMapBackend::new(path, (width, height)).into_drawing_area();
    let e = plot_err(path);
    root.fill(&WHITE).map_err(|x| e(x.to_string()))?;
    let (head, body) = root.split_vertically(40);
    head.titled(title, ("sans-serif", 24)).map_err(|x| e(x.to_string()))?;
    let areas = body.split_evenly((panels.len().max(1), 1));
    for (pi, (panel, area)) in panels.iter().zip(areas.iter()).enumerate() {
        let as_points = points.get(pi).copied().unwrap_or(false);
        let (x0, x1) = range(panel.series.iter().flat_map(|s| s.points.iter().map(|p| p.0)));
        let (y0, y1) = range(panel.series.iter().flat_map(|s| s.points.iter().map(|p| p.1)));
        let mut chart = ChartBuilder::on(area)
            .caption(&panel.title, ("sans-serif", 18))
            .margin(8)
            .x_label_area_size(36)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|x| e(x.to_string()))?;
        chart
            .configure_mesh()
            .x_desc(panel.x_label.as_str())
            .y_desc(panel.y_label.as_str())
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(|x| e(x.to_string()))?;
        for s in &panel.series {
            let color = s.color;
            let drawn = if as_points {
                chart
                    .draw_series(s.points.iter().map(|&p| Circle::new(p, 2, color.filled())))
                    .map_err(|x| e(x.to_string()))?
            } else {
                chart
                    .draw_series(LineSeries::new(s.points.iter().copied(), color.stroke_width(1)))
                    .map_err(|x| e(x.to_string()))?
            };
            if !s.label.is_empty() {
                drawn
                    .label(s.label.as_str())
                    .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color.stroke_width(2)));
            }
        }
        if panel.series.iter().any(|s| !s.label.is_empty()) {
            chart
                .configure_series_labels()
                .background_style(WHITE.mix(0.85))
                .border_style(BLACK)
                .position(SeriesLabelPosition::UpperRight)
                .draw()
                .map_err(|x| e(x.to_string()))?;
        }
    }
    root.present().with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Colour map from blue (low) through white-ish yellow to red (high), t in [0, 1].
pub fn colormap(t: f64) -> RGBColor {
    let t = t.clamp(0.0, 1.0);
    // A simple perceptual-ish "coolwarm" interpolation.
    let (r, g, b) = if t < 0.5 {
        let u = t / 0.5;
        (59.0 + u * (221.0 - 59.0), 76.0 + u * (221.0 - 76.0), 192.0 + u * (221.0 - 192.0))
    } else {
        let u = (t - 0.5) / 0.5;
        (221.0 + u * (180.0 - 221.0), 221.0 + u * (4.0 - 221.0), 221.0 + u * (38.0 - 221.0))
    };
    RGBColor(r as u8, g as u8, b as u8)
}

/// Draw a morphology in two projections (x–y and z–y), segments as lines with their
/// diameter; coloured by region, or by `values` (one per segment) with a colour bar label.
pub fn morphology(path: &Path, d: &Discretized, title: &str, values: Option<(&[f64], &str)>) -> Result<()> {
    init_font();
    let e = plot_err(path);
    let root = BitMapBackend::new(path, (1200, 900)).into_drawing_area();
    root.fill(&WHITE).map_err(|x| e(x.to_string()))?;
    let (head, body) = root.split_vertically(50);
    head.draw(&Text::new(title.to_string(), (20, 4), ("sans-serif", 24)))
        .map_err(|x| e(x.to_string()))?;
    let (vlo, vhi) = values.map(|(v, _)| range(v.iter().copied())).unwrap_or((0.0, 1.0));
    let color_of = |i: usize| -> RGBColor {
        match values {
            Some((v, _)) => colormap((v[i] - vlo) / (vhi - vlo)),
            None => region_color(d.segments[i].region),
        }
    };
    let (left, right) = body.split_horizontally(600);
    for (area, (ax, name)) in [(left, (0usize, "x (µm)")), (right, (2usize, "z (µm)"))] {
        let xs = d.segments.iter().flat_map(|s| [s.start_um[ax], s.end_um[ax]]);
        let ys = d.segments.iter().flat_map(|s| [s.start_um[1], s.end_um[1]]);
        let (x0, x1) = range(xs);
        let (y0, y1) = range(ys);
        // Equal aspect: widen the narrower axis.
        let (w, h) = (x1 - x0, y1 - y0);
        let span = w.max(h * 550.0 / 800.0);
        let cx = 0.5 * (x0 + x1);
        let (x0, x1) = (cx - span / 2.0, cx + span / 2.0);
        let spany = span * 800.0 / 550.0;
        let cy = 0.5 * (y0 + y1);
        let (y0, y1) = (cy - spany / 2.0, cy + spany / 2.0);
        let mut chart = ChartBuilder::on(&area)
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(56)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(|x| e(x.to_string()))?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(name)
            .y_desc("y (µm)")
            .draw()
            .map_err(|x| e(x.to_string()))?;
        // px per µm, to draw diameters to scale (at least 1 px).
        let ppu = 550.0 / span;
        for (i, s) in d.segments.iter().enumerate() {
            let width = ((s.diam_um * ppu).round() as u32).clamp(1, 40);
            chart
                .draw_series(std::iter::once(PathElement::new(
                    vec![(s.start_um[ax], s.start_um[1]), (s.end_um[ax], s.end_um[1])],
                    color_of(i).stroke_width(width),
                )))
                .map_err(|x| e(x.to_string()))?;
        }
    }
    // Legend / colour bar text.
    let legend = match values {
        Some((_, label)) => format!("{label}: blue {vlo:.3} → red {vhi:.3}"),
        None => "soma black · basal red · apical blue · axon grey".to_string(),
    };
    root.draw(&Text::new(legend, (20, 30), ("sans-serif", 16)))
        .map_err(|x| e(x.to_string()))?;
    root.present().with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Viridis (perceptually uniform, dark blue → yellow), t in [0, 1]; for magnitudes.
pub fn viridis(t: f64) -> RGBColor {
    // Nine control points of matplotlib's viridis, linearly interpolated.
    const C: [(f64, f64, f64); 9] = [
        (68.0, 1.0, 84.0),
        (71.0, 44.0, 123.0),
        (59.0, 82.0, 139.0),
        (44.0, 114.0, 142.0),
        (33.0, 145.0, 140.0),
        (39.0, 173.0, 129.0),
        (92.0, 200.0, 99.0),
        (170.0, 220.0, 50.0),
        (253.0, 231.0, 37.0),
    ];
    let x = t.clamp(0.0, 1.0) * (C.len() - 1) as f64;
    let i = (x.floor() as usize).min(C.len() - 2);
    let u = x - i as f64;
    let (a, b) = (C[i], C[i + 1]);
    RGBColor((a.0 + u * (b.0 - a.0)) as u8, (a.1 + u * (b.1 - a.1)) as u8, (a.2 + u * (b.2 - a.2)) as u8)
}

/// A vertical colour bar for values `lo..hi` drawn with `cmap` (t in [0, 1]) into `area`,
/// with 5 tick labels and `label` (units) above it.
pub fn colorbar<DB: DrawingBackend>(area: &DrawingArea<DB, plotters::coord::Shift>, lo: f64, hi: f64, cmap: &dyn Fn(f64) -> RGBColor, label: &str) -> Result<()> {
    let e = |x: String| anyhow::anyhow!("drawing a colour bar: {x}");
    let (w, h) = area.dim_in_pixel();
    let (top, bottom) = (28i32, h as i32 - 12);
    let (x0, x1) = (8i32, 26i32.min(w as i32));
    if bottom <= top + 4 {
        return Ok(());
    }
    area.draw(&Text::new(label.to_string(), (2, 4), ("sans-serif", 14))).map_err(|x| e(x.to_string()))?;
    for y in top..bottom {
        let t = (bottom - 1 - y) as f64 / (bottom - 1 - top) as f64;
        area.draw(&Rectangle::new([(x0, y), (x1, y + 1)], cmap(t).filled())).map_err(|x| e(x.to_string()))?;
    }
    area.draw(&Rectangle::new([(x0, top), (x1, bottom)], BLACK.stroke_width(1))).map_err(|x| e(x.to_string()))?;
    for k in 0..5 {
        let f = k as f64 / 4.0;
        let y = bottom - 1 - (f * (bottom - 1 - top) as f64).round() as i32;
        let v = lo + f * (hi - lo);
        let text = if (hi - lo).abs() >= 30.0 { format!("{v:.0}") } else if (hi - lo).abs() >= 1.0 { format!("{v:.1}") } else { format!("{v:.2}") };
        area.draw(&PathElement::new(vec![(x1, y), (x1 + 4, y)], BLACK.stroke_width(1))).map_err(|x| e(x.to_string()))?;
        area.draw(&Text::new(text, (x1 + 6, y - 7), ("sans-serif", 13))).map_err(|x| e(x.to_string()))?;
    }
    Ok(())
}
