//! Fan chart of one variable of one run: the median across paths as a line over the p25–p75
//! and p05–p95 bands, month by month.

use super::frame::{finite_range, header, legend, Swatch, TimeFrame, HEIGHT, PALETTE, WIDTH};
use super::scene::Scene;
use crate::policy::calendar::MonthIdx;

/// Everything a fan chart shows. The five series are per month from `start`; months past the
/// shortest series are not drawn, and non-finite values leave gaps.
#[derive(Debug, Clone, PartialEq)]
pub struct FanSpec {
    pub title: String,
    pub subtitle: String,
    /// Small print at the bottom (e.g. the CSV column the chart is drawn from).
    pub note: String,
    /// Y-axis title, e.g. `USD/bbl`.
    pub unit: String,
    pub start: MonthIdx,
    pub p05: Vec<f64>,
    pub p25: Vec<f64>,
    pub p50: Vec<f64>,
    pub p75: Vec<f64>,
    pub p95: Vec<f64>,
}

impl FanSpec {
    fn months(&self) -> usize {
        [&self.p05, &self.p25, &self.p50, &self.p75, &self.p95]
            .iter()
            .map(|v| v.len())
            .min()
            .unwrap_or(0)
    }
}

pub fn fan_scene(spec: &FanSpec) -> Scene {
    let mut s = Scene::new(WIDTH, HEIGHT, &spec.title);
    let top = header(&mut s, &spec.title, &spec.subtitle, &spec.note);
    let n = spec.months();
    let cut = |v: &[f64]| v[..n].to_vec();
    let (p05, p25, p50, p75, p95) = (
        cut(&spec.p05),
        cut(&spec.p25),
        cut(&spec.p50),
        cut(&spec.p75),
        cut(&spec.p95),
    );
    let colour = PALETTE[0];
    // Opaque tints, so the legend swatches are exactly the colours of the bands.
    let outer = colour.tint(0.20);
    let inner = colour.tint(0.45);
    let median = super::scene::Rgba::rgb(0x00, 0x4a, 0x7c);
    let last = legend(
        &mut s,
        super::frame::LEFT,
        top + 24.0,
        WIDTH as f32 - 48.0,
        &[
            (Swatch::Line(median), "Median".to_string()),
            (Swatch::Block(inner), "25–75% of paths".to_string()),
            (Swatch::Block(outer), "5–95% of paths".to_string()),
        ],
    );
    let range = finite_range([&p05[..], &p25[..], &p50[..], &p75[..], &p95[..]]);
    let frame = TimeFrame::new(spec.start, n, last + 22.0, range);
    frame.axes(&mut s, &spec.unit);
    if range.is_none() {
        frame.message(&mut s, "No finite values to plot");
        return s;
    }
    frame.band(&mut s, &p05, &p95, outer);
    frame.band(&mut s, &p25, &p75, inner);
    frame.grid_over(&mut s);
    frame.series(&mut s, &p50, median, 2.5);
    s
}

/// The fan chart as an SVG document (text drawn as glyph outlines).
pub fn fan_svg(spec: &FanSpec) -> String {
    super::svg::render(&fan_scene(spec))
}

/// The fan chart as a PNG, [`WIDTH`] × [`HEIGHT`] pixels.
pub fn fan_png(spec: &FanSpec) -> Vec<u8> {
    super::raster::render(&fan_scene(spec))
}
