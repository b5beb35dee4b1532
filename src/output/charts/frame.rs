//! The shared look of the charts: canvas size, palette, title block, legend, footnote, and
//! the month-by-value plot frame used by the fan and overlay charts.

use super::axis::{decimals_for, fmt_value, month_label, month_ticks, nice_ticks, Ticks};
use super::font::{text_width, Weight};
use super::scene::{Anchor, Rgba, Scene};
use crate::policy::calendar::MonthIdx;

pub const WIDTH: u32 = 1200;
pub const HEIGHT: u32 = 700;

pub const INK: Rgba = Rgba::rgb(0x22, 0x22, 0x22);
pub const MUTED: Rgba = Rgba::rgb(0x5f, 0x5f, 0x5f);
pub const FAINT: Rgba = Rgba::rgb(0x8a, 0x8a, 0x8a);
pub const GRID: Rgba = Rgba::rgb(0xe6, 0xe6, 0xe6);
pub const AXIS: Rgba = Rgba::rgb(0x9a, 0x9a, 0x9a);

/// Colour-blind-safe series colours (Okabe & Ito 2008), darkest first.
pub const PALETTE: [Rgba; 8] = [
    Rgba::rgb(0x00, 0x72, 0xb2), // blue
    Rgba::rgb(0xd5, 0x5e, 0x00), // vermillion
    Rgba::rgb(0x00, 0x9e, 0x73), // bluish green
    Rgba::rgb(0xcc, 0x79, 0xa7), // reddish purple
    Rgba::rgb(0xe6, 0x9f, 0x00), // orange
    Rgba::rgb(0x56, 0xb4, 0xe9), // sky blue
    Rgba::rgb(0x6b, 0x4c, 0x9a), // purple
    Rgba::rgb(0x44, 0x44, 0x44), // grey
];

const TITLE_SIZE: f32 = 24.0;
const SUBTITLE_SIZE: f32 = 15.0;
pub const LABEL_SIZE: f32 = 14.0;
const NOTE_SIZE: f32 = 12.0;
pub const LEFT: f32 = 40.0;

/// `text`, cut with an ellipsis if wider than `max_w` px, so long scenario names never run off
/// the canvas.
pub fn fit(text: &str, weight: Weight, size: f32, max_w: f32) -> String {
    if text_width(text, weight, size) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let mut n = chars.len();
    while n > 0 {
        let t: String = chars[..n].iter().collect::<String>() + "…";
        if text_width(&t, weight, size) <= max_w {
            return t;
        }
        n -= 1;
    }
    "…".to_string()
}

/// `text` at the largest size from `size` down to `min` at which it fits `max_w`; cut with
/// "…" at `min` only when even that is too wide. A long scenario name in a title used to cut
/// the variable's description off at the full size (walkthrough).
pub fn shrink_to_fit(text: &str, weight: Weight, size: f32, min: f32, max_w: f32) -> (String, f32) {
    let mut z = size;
    while z > min && text_width(text, weight, z) > max_w {
        z = (z - 0.5).max(min);
    }
    (fit(text, weight, z, max_w), z)
}

/// Title, subtitle and footnote; returns the y below the title block.
pub fn header(s: &mut Scene, title: &str, subtitle: &str, note: &str) -> f32 {
    let max_w = s.width as f32 - 2.0 * LEFT;
    let (title, title_size) = shrink_to_fit(title, Weight::Bold, TITLE_SIZE, 16.0, max_w);
    let (subtitle, subtitle_size) =
        shrink_to_fit(subtitle, Weight::Regular, SUBTITLE_SIZE, 11.0, max_w);
    let (note, note_size) = shrink_to_fit(note, Weight::Regular, NOTE_SIZE, 9.0, max_w);
    let (title, subtitle, note) = (&title, &subtitle, &note);
    s.text(
        LEFT,
        44.0,
        title_size,
        Weight::Bold,
        Anchor::Start,
        INK,
        title,
    );
    s.text(
        LEFT,
        70.0,
        subtitle_size,
        Weight::Regular,
        Anchor::Start,
        MUTED,
        subtitle,
    );
    s.text(
        LEFT,
        s.height as f32 - 16.0,
        note_size,
        Weight::Regular,
        Anchor::Start,
        FAINT,
        note,
    );
    84.0
}

/// How a legend entry is drawn.
#[derive(Debug, Clone, Copy)]
pub enum Swatch {
    Line(Rgba),
    Block(Rgba),
}

/// A horizontal value axis under a plot: a grid line and a label (`decimals` places) at each
/// tick, the axis line from `x0` to `x1`, and `label` centred below.
#[allow(clippy::too_many_arguments)]
pub fn value_axis(
    s: &mut Scene,
    ticks: &Ticks,
    x: impl Fn(f64) -> f32,
    (x0, x1): (f32, f32),
    (plot_top, plot_bottom): (f32, f32),
    decimals: usize,
    label: &str,
) {
    for v in &ticks.values {
        let xv = x(*v);
        s.line(vec![(xv, plot_top), (xv, plot_bottom)], GRID, 1.0);
        s.text(
            xv,
            plot_bottom + 22.0,
            LABEL_SIZE,
            Weight::Regular,
            Anchor::Middle,
            MUTED,
            &fmt_value(*v, decimals),
        );
    }
    s.line(vec![(x0, plot_bottom), (x1, plot_bottom)], AXIS, 1.0);
    s.text(
        (x0 + x1) / 2.0,
        plot_bottom + 46.0,
        LABEL_SIZE,
        Weight::Regular,
        Anchor::Middle,
        MUTED,
        label,
    );
}

/// One row of legend entries from `x` at baseline `y`, wrapping before `right`; returns the
/// baseline of the last row.
pub fn legend(s: &mut Scene, x: f32, y: f32, right: f32, entries: &[(Swatch, String)]) -> f32 {
    let (mut cx, mut cy) = (x, y);
    for (sw, label) in entries {
        let w = 28.0 + text_width(label, Weight::Regular, LABEL_SIZE) + 22.0;
        if cx > x && cx + w > right {
            cx = x;
            cy += 22.0;
        }
        match *sw {
            Swatch::Line(c) => s.line(vec![(cx, cy - 5.0), (cx + 22.0, cy - 5.0)], c, 3.0),
            Swatch::Block(c) => s.rect(cx, cy - 12.0, 22.0, 14.0, c),
        }
        s.text(
            cx + 28.0,
            cy,
            LABEL_SIZE,
            Weight::Regular,
            Anchor::Start,
            INK,
            label,
        );
        cx += w;
    }
    cy
}

/// A months × values plot area and its scales.
#[derive(Debug, Clone)]
pub struct TimeFrame {
    pub start: MonthIdx,
    pub months: usize,
    pub left: f32,
    pub right: f32,
    pub top: f32,
    pub bottom: f32,
    pub y: Ticks,
}

impl TimeFrame {
    /// Lays out the plot below `top` for values in `[lo, hi]` (or a unit range if there are
    /// none), leaving room for the tick labels.
    pub fn new(start: MonthIdx, months: usize, top: f32, range: Option<(f64, f64)>) -> TimeFrame {
        let (lo, hi) = range.unwrap_or((0.0, 1.0));
        // Anchor at zero when the data sit close to it, so shares and volumes are not
        // visually exaggerated; otherwise zoom to the data.
        let lo = if lo > 0.0 && lo < 0.25 * hi { 0.0 } else { lo };
        let hi = if hi < 0.0 && hi > 0.25 * lo { 0.0 } else { hi };
        let y = nice_ticks(lo, hi, 6);
        let d = decimals_for(y.step);
        let label_w = y
            .values
            .iter()
            .map(|v| text_width(&fmt_value(*v, d), Weight::Regular, LABEL_SIZE))
            .fold(0.0f32, f32::max);
        TimeFrame {
            start,
            months,
            left: LEFT + 30.0 + label_w + 12.0,
            right: WIDTH as f32 - 48.0,
            top,
            bottom: HEIGHT as f32 - 78.0,
            y,
        }
    }

    pub fn x(&self, t: usize) -> f32 {
        if self.months <= 1 {
            return (self.left + self.right) / 2.0;
        }
        self.left + (self.right - self.left) * t as f32 / (self.months - 1) as f32
    }

    pub fn y(&self, v: f64) -> f32 {
        let (lo, hi) = (self.y.lo(), self.y.hi());
        let f = ((v - lo) / (hi - lo)) as f32;
        self.bottom - (self.bottom - self.top) * f
    }

    /// Grid, ticks, tick labels and the y-axis title (the unit).
    pub fn axes(&self, s: &mut Scene, unit: &str) {
        let d = decimals_for(self.y.step);
        for v in &self.y.values {
            let y = self.y(*v);
            s.line(vec![(self.left, y), (self.right, y)], GRID, 1.0);
            s.text(
                self.left - 10.0,
                y + 5.0,
                LABEL_SIZE,
                Weight::Regular,
                Anchor::End,
                MUTED,
                &fmt_value(*v, d),
            );
        }
        let per = if self.months > 1 {
            (self.right - self.left) / (self.months - 1) as f32
        } else {
            self.right - self.left
        };
        let label_w = text_width("2026-01", Weight::Regular, LABEL_SIZE);
        for t in month_ticks(self.start, self.months, per, label_w) {
            let x = self.x(t);
            s.line(vec![(x, self.top), (x, self.bottom)], GRID, 1.0);
            s.line(vec![(x, self.bottom), (x, self.bottom + 6.0)], AXIS, 1.0);
            s.text(
                x,
                self.bottom + 24.0,
                LABEL_SIZE,
                Weight::Regular,
                Anchor::Middle,
                MUTED,
                &month_label(self.start, t),
            );
        }
        s.line(
            vec![(self.left, self.bottom), (self.right, self.bottom)],
            AXIS,
            1.0,
        );
        s.vertical_text(
            LEFT + 14.0,
            (self.top + self.bottom) / 2.0,
            LABEL_SIZE,
            MUTED,
            unit,
        );
    }

    /// Faint white value grid over opaque bands, so levels can still be read inside them.
    pub fn grid_over(&self, s: &mut Scene) {
        for v in &self.y.values[1..] {
            let y = self.y(*v);
            s.line(
                vec![(self.left, y), (self.right, y)],
                Rgba(255, 255, 255, 150),
                1.0,
            );
        }
    }

    /// A message in the middle of the plot, for data with nothing finite to draw.
    pub fn message(&self, s: &mut Scene, text: &str) {
        s.text(
            (self.left + self.right) / 2.0,
            (self.top + self.bottom) / 2.0,
            18.0,
            Weight::Regular,
            Anchor::Middle,
            MUTED,
            text,
        );
    }

    /// Polygons between `lo` and `hi` over every run of months where both are finite
    /// (a single month becomes a narrow bar).
    pub fn band(&self, s: &mut Scene, lo: &[f64], hi: &[f64], fill: Rgba) {
        for (a, b) in runs(lo, hi) {
            if a == b {
                let x = self.x(a);
                s.rect(
                    x - 4.0,
                    self.y(hi[a]),
                    8.0,
                    self.y(lo[a]) - self.y(hi[a]),
                    fill,
                );
                continue;
            }
            let mut pts: Vec<(f32, f32)> = (a..=b).map(|t| (self.x(t), self.y(hi[t]))).collect();
            pts.extend((a..=b).rev().map(|t| (self.x(t), self.y(lo[t]))));
            s.area(pts, fill);
        }
    }

    /// The line through every run of finite values (a single month becomes a short dash).
    pub fn series(&self, s: &mut Scene, v: &[f64], color: Rgba, width: f32) {
        for (a, b) in runs(v, v) {
            if a == b {
                let (x, y) = (self.x(a), self.y(v[a]));
                s.line(vec![(x - 6.0, y), (x + 6.0, y)], color, width);
            } else {
                s.line(
                    (a..=b).map(|t| (self.x(t), self.y(v[t]))).collect(),
                    color,
                    width,
                );
            }
        }
    }
}

/// Maximal index runs `[a, b]` where both `lo[t]` and `hi[t]` are finite.
pub fn runs(lo: &[f64], hi: &[f64]) -> Vec<(usize, usize)> {
    let ok = |t: usize| lo[t].is_finite() && hi[t].is_finite();
    let n = lo.len().min(hi.len());
    let mut out = Vec::new();
    let mut t = 0;
    while t < n {
        if ok(t) {
            let a = t;
            while t + 1 < n && ok(t + 1) {
                t += 1;
            }
            out.push((a, t));
        }
        t += 1;
    }
    out
}

/// The smallest and largest finite value over `series`, if any.
pub fn finite_range<'a>(series: impl IntoIterator<Item = &'a [f64]>) -> Option<(f64, f64)> {
    let mut r: Option<(f64, f64)> = None;
    for v in series.into_iter().flatten().filter(|v| v.is_finite()) {
        r = Some(r.map_or((*v, *v), |(a, b)| (a.min(*v), b.max(*v))));
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("short", Weight::Regular, 14.0, 500.0), "short");
        let long = "x".repeat(400);
        let f = fit(&long, Weight::Bold, 24.0, 300.0);
        assert!(f.ends_with('…') && text_width(&f, Weight::Bold, 24.0) <= 300.0);
        assert_eq!(fit("abc", Weight::Regular, 14.0, 1.0), "…");
    }

    #[test]
    fn runs_split_at_non_finite() {
        let n = f64::NAN;
        let lo = [1.0, 2.0, n, 4.0, 5.0, 6.0, n, 8.0];
        let hi = [1.0, 2.0, 3.0, 4.0, f64::INFINITY, 6.0, 7.0, 8.0];
        assert_eq!(runs(&lo, &hi), [(0, 1), (3, 3), (5, 5), (7, 7)]);
        assert!(runs(&[n, n], &[n, n]).is_empty());
        assert_eq!(finite_range([&lo[..], &hi[..]]), Some((1.0, 8.0)));
        assert_eq!(finite_range([&[n][..]]), None);
    }
}

#[cfg(test)]
mod fit_tests {
    use super::*;

    #[test]
    fn long_titles_shrink_before_they_are_cut() {
        let max_w = WIDTH as f32 - 2.0 * LEFT;
        let t = "cap45keep: Russian crude loaded for China (sea and pipeline), distribution \
                 across paths in the last month";
        assert!(text_width(t, Weight::Bold, TITLE_SIZE) > max_w);
        let (shown, size) = shrink_to_fit(t, Weight::Bold, TITLE_SIZE, 16.0, max_w);
        assert_eq!(shown, t);
        assert!((16.0..TITLE_SIZE).contains(&size));
        let long = t.repeat(4);
        let (cut, size) = shrink_to_fit(&long, Weight::Bold, TITLE_SIZE, 16.0, max_w);
        assert!(cut.ends_with('…') && size == 16.0);
        assert!(text_width(&cut, Weight::Bold, size) <= max_w);
    }
}
