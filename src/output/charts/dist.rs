//! Distribution (CDF) charts: for one key variable, the share of paths at or below each value,
//! in month 12 and for the whole-horizon total, side by side.
//!
//! The run keeps seven percentiles of each cell (p05, p10, p25, p50, p75, p90, p95; the bands
//! are streamed, not the paths), so each curve is drawn through those seven points, joined by
//! straight lines, with a dot at each: an exact reading at the points, an interpolation between
//! them, and nothing drawn beyond 5% and 95% (where a CDF from the kept statistics would be a
//! guess). The mean is a dashed vertical line.

use super::axis::{decimals_for, fmt_value, nice_ticks};
use super::font::Weight;
use super::frame::{header, legend, Swatch, GRID, HEIGHT, INK, LABEL_SIZE, LEFT, MUTED};
use super::frame::{value_axis, PALETTE, WIDTH};
use super::scene::{Anchor, Scene};
use crate::engine::stats::CellStats;

/// The cumulative shares of the seven kept percentiles.
pub const SHARES: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// One panel: a distribution's heading, unit and statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct DistPanel {
    /// E.g. `Month 12 (2026-07)` or `Whole horizon, 2025-08 to 2028-07 (total)`.
    pub heading: String,
    pub unit: String,
    /// p05, p10, p25, p50, p75, p90, p95 (the order of [`SHARES`]).
    pub quantiles: [f64; 7],
    pub mean: f64,
}

impl DistPanel {
    /// The panel of a cell's statistics.
    pub fn of(heading: String, unit: String, c: &CellStats) -> DistPanel {
        DistPanel {
            heading,
            unit,
            quantiles: [c.p05, c.p10, c.p25, c.p50, c.p75, c.p90, c.p95],
            mean: c.mean,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DistSpec {
    pub title: String,
    pub subtitle: String,
    pub note: String,
    /// One or two panels, left to right.
    pub panels: Vec<DistPanel>,
}

pub fn dist_scene(spec: &DistSpec) -> Scene {
    let mut s = Scene::new(WIDTH, HEIGHT, &spec.title);
    let top = header(&mut s, &spec.title, &spec.subtitle, &spec.note);
    let colour = PALETTE[0];
    let last = legend(
        &mut s,
        LEFT,
        top + 24.0,
        WIDTH as f32 - 48.0,
        &[
            (
                Swatch::Line(colour),
                "Share of paths at or below the value (through p05, p10, p25, p50, p75, p90, p95)"
                    .to_string(),
            ),
            (Swatch::Line(INK), "Mean (dashed)".to_string()),
        ],
    );
    let n = spec.panels.len().max(1) as f32;
    let gap = 70.0;
    let y_axis_w = 52.0;
    let plot_top = last + 56.0;
    let plot_bottom = HEIGHT as f32 - 110.0;
    let width = (WIDTH as f32 - 2.0 * LEFT - (n - 1.0) * gap) / n;
    for (k, p) in spec.panels.iter().enumerate() {
        let x0 = LEFT + k as f32 * (width + gap) + y_axis_w;
        let x1 = LEFT + k as f32 * (width + gap) + width;
        s.text(
            x0,
            plot_top - 16.0,
            16.0,
            Weight::Bold,
            Anchor::Start,
            INK,
            &p.heading,
        );
        let y = |share: f64| plot_bottom - (plot_bottom - plot_top) * share as f32;
        for share in [0.0, 0.25, 0.5, 0.75, 1.0] {
            s.line(vec![(x0, y(share)), (x1, y(share))], GRID, 1.0);
            s.text(
                x0 - 8.0,
                y(share) + 5.0,
                LABEL_SIZE,
                Weight::Regular,
                Anchor::End,
                MUTED,
                &format!("{:.0}%", share * 100.0),
            );
        }
        let finite: Vec<f64> = p
            .quantiles
            .iter()
            .chain(std::iter::once(&p.mean))
            .copied()
            .filter(|v| v.is_finite())
            .collect();
        if finite.is_empty() {
            s.text(
                (x0 + x1) / 2.0,
                (plot_top + plot_bottom) / 2.0,
                18.0,
                Weight::Regular,
                Anchor::Middle,
                MUTED,
                "No paths",
            );
            continue;
        }
        let lo = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let ticks = nice_ticks(lo, hi, 5);
        let d = decimals_for(ticks.step);
        let x = |v: f64| {
            let f = ((v - ticks.lo()) / (ticks.hi() - ticks.lo())) as f32;
            x0 + (x1 - x0) * f
        };
        value_axis(
            &mut s,
            &ticks,
            x,
            (x0, x1),
            (plot_top, plot_bottom),
            d,
            &p.unit,
        );
        let pts: Vec<(f32, f32)> = p
            .quantiles
            .iter()
            .zip(SHARES)
            .filter(|(v, _)| v.is_finite())
            .map(|(v, sh)| (x(*v), y(sh)))
            .collect();
        if pts.len() > 1 {
            s.line(pts.clone(), colour, 3.0);
        }
        for (px, py) in &pts {
            s.rect(px - 4.0, py - 4.0, 8.0, 8.0, colour);
        }
        if let Some((mx, my)) = pts.get(3) {
            s.text(
                mx + 8.0,
                my - 8.0,
                13.0,
                Weight::Regular,
                Anchor::Start,
                INK,
                &format!("median {}", fmt_value(p.quantiles[3], (d + 1).min(6))),
            );
        }
        if p.mean.is_finite() {
            let mx = x(p.mean);
            s.dashed(
                vec![(mx, plot_top), (mx, plot_bottom)],
                INK,
                1.5,
                (5.0, 4.0),
            );
        }
    }
    s
}

/// The chart as an SVG document.
pub fn dist_svg(spec: &DistSpec) -> String {
    super::svg::render(&dist_scene(spec))
}

/// The chart as a PNG, 1200 × 700 px.
pub fn dist_png(spec: &DistSpec) -> Vec<u8> {
    super::raster::render(&dist_scene(spec))
}
