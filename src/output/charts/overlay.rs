//! Overlay chart for `compare`: each scenario's median of one variable, over a light p05–p95
//! band, on shared axes.

use super::frame::{finite_range, header, legend, Swatch, TimeFrame, HEIGHT, PALETTE, WIDTH};
use super::scene::Scene;
use crate::policy::calendar::MonthIdx;

/// One scenario's bands of the variable, per month from the spec's `start`.
#[derive(Debug, Clone, PartialEq)]
pub struct OverlaySeries {
    pub name: String,
    pub p05: Vec<f64>,
    pub p50: Vec<f64>,
    pub p95: Vec<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct OverlaySpec {
    pub title: String,
    pub subtitle: String,
    pub note: String,
    pub unit: String,
    pub start: MonthIdx,
    /// Drawn in order, coloured from a fixed colour-blind-safe palette (repeating after 8).
    pub series: Vec<OverlaySeries>,
}

pub fn overlay_scene(spec: &OverlaySpec) -> Scene {
    let mut s = Scene::new(WIDTH, HEIGHT, &spec.title);
    let top = header(&mut s, &spec.title, &spec.subtitle, &spec.note);
    let n = spec
        .series
        .iter()
        .flat_map(|x| [x.p05.len(), x.p50.len(), x.p95.len()])
        .max()
        .unwrap_or(0);
    // Pad short series with gaps so every scenario shares the month axis.
    let pad = |v: &[f64]| {
        let mut v = v.to_vec();
        v.resize(n, f64::NAN);
        v
    };
    let series: Vec<(Vec<f64>, Vec<f64>, Vec<f64>)> = spec
        .series
        .iter()
        .map(|x| (pad(&x.p05), pad(&x.p50), pad(&x.p95)))
        .collect();
    let entries: Vec<(Swatch, String)> = spec
        .series
        .iter()
        .enumerate()
        .map(|(i, x)| (Swatch::Line(PALETTE[i % PALETTE.len()]), x.name.clone()))
        .chain(std::iter::once((
            Swatch::Block(PALETTE[7].with_alpha(40)),
            "5–95% of paths (shaded)".to_string(),
        )))
        .collect();
    let last = legend(
        &mut s,
        super::frame::LEFT,
        top + 24.0,
        WIDTH as f32 - 48.0,
        &entries,
    );
    let range = finite_range(series.iter().flat_map(|(a, b, c)| [&a[..], &b[..], &c[..]]));
    let frame = TimeFrame::new(spec.start, n, last + 22.0, range);
    frame.axes(&mut s, &spec.unit);
    if range.is_none() {
        frame.message(&mut s, "No finite values to plot");
        return s;
    }
    for (i, (lo, _, hi)) in series.iter().enumerate() {
        frame.band(&mut s, lo, hi, PALETTE[i % PALETTE.len()].with_alpha(22));
    }
    // Thin edges say which band is whose where several overlap.
    for (i, (lo, _, hi)) in series.iter().enumerate() {
        let edge = PALETTE[i % PALETTE.len()].with_alpha(120);
        frame.series(&mut s, lo, edge, 1.0);
        frame.series(&mut s, hi, edge, 1.0);
    }
    for (i, (_, mid, _)) in series.iter().enumerate() {
        frame.series(&mut s, mid, PALETTE[i % PALETTE.len()], 2.5);
    }
    s
}

pub fn overlay_svg(spec: &OverlaySpec) -> String {
    super::svg::render(&overlay_scene(spec))
}

pub fn overlay_png(spec: &OverlaySpec) -> Vec<u8> {
    super::raster::render(&overlay_scene(spec))
}
