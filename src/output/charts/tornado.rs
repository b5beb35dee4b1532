//! Tornado chart for the one-at-a-time sensitivity swing: one row per uncertain input, a bar
//! from the base value of the target to its value with the input at its low setting and one
//! to its value at the high setting, widest swing on top.

use super::axis::{decimals_for, fmt_value, nice_ticks};
use super::font::{text_width, Weight};
use super::frame::{header, legend, Swatch, INK, LABEL_SIZE, LEFT, MUTED, PALETTE};
use super::frame::{value_axis, HEIGHT, WIDTH};
use super::scene::{Anchor, Scene};

/// One input's swing.
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBar {
    /// Input name as shown, e.g. `brent.elasticity`.
    pub input: String,
    /// How the low setting is described, e.g. `p10 = 0.35`.
    pub low_label: String,
    pub high_label: String,
    /// Target with the input at its low / high setting (others at their medians).
    pub at_low: f64,
    pub at_high: f64,
    /// The input's name in `sensitivity.csv` (`eps_d`), shown small under `input` when
    /// `input` is its plain-language label; `None` when `input` is that name already.
    pub code: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TornadoSpec {
    pub title: String,
    /// What the target is, with its unit; the x-axis title.
    pub target_label: String,
    /// Target with every input at its median.
    pub base: f64,
    pub bars: Vec<TornadoBar>,
    /// The rank regression's R² (`sensitivity.csv`), printed first in the subtitle: how much
    /// of the target's variation (in ranks) the inputs explain together.
    pub rank_r2: Option<f64>,
}

fn swing(b: &TornadoBar) -> f64 {
    let s = (b.at_high - b.at_low).abs();
    if s.is_finite() {
        s
    } else {
        // One missing end: the other end's distance from nothing is unknown, so it goes last.
        -1.0
    }
}

/// Bars widest swing first; equal swings by input name, so the order never depends on the
/// caller's.
pub fn sorted_bars(spec: &TornadoSpec) -> Vec<&TornadoBar> {
    let mut v: Vec<&TornadoBar> = spec.bars.iter().collect();
    v.sort_by(|a, b| {
        swing(b)
            .total_cmp(&swing(a))
            .then_with(|| a.input.cmp(&b.input))
    });
    v
}

const MIN_ROW: f32 = 40.0;
const MAX_ROW: f32 = 72.0;
const NAME_MAX_W: f32 = 460.0;

pub fn tornado_scene(spec: &TornadoSpec) -> Scene {
    let bars = sorted_bars(spec);
    let top_block = 148.0;
    let bottom_block = 86.0;
    let avail = HEIGHT as f32 - top_block - bottom_block;
    let n = bars.len().max(1) as f32;
    let row = (avail / n).clamp(MIN_ROW, MAX_ROW);
    let height = (top_block + bottom_block + row * n)
        .max(HEIGHT as f32)
        .ceil() as u32;
    let mut s = Scene::new(WIDTH, height, &spec.title);
    // The R² sentence and the swing's explanation used to share the subtitle, which a 1200 px
    // canvas cut off mid-sentence; the explanation is the footnote's now.
    let subtitle = match spec.rank_r2 {
        Some(r2) if r2.is_finite() => format!(
            "Rank R² = {r2:.2}: the inputs together explain {:.0}% of the variation in ranks",
            100.0 * r2
        ),
        _ => "Swing of the target as each input moves from its low to its high value".to_string(),
    };
    let top = header(
        &mut s,
        &spec.title,
        &subtitle,
        "One-at-a-time swing: each row moves one input to its low and its high value with every \
         other input at its median (the base), so interactions are not shown.",
    );
    let low_c = PALETTE[0];
    let high_c = PALETTE[1];
    legend(
        &mut s,
        LEFT,
        top + 24.0,
        WIDTH as f32 - 48.0,
        &[
            (Swatch::Block(low_c), "Input at its low value".to_string()),
            (Swatch::Block(high_c), "Input at its high value".to_string()),
        ],
    );
    let plot_top = top_block;
    let plot_bottom = plot_top + row * n;
    if bars.is_empty() {
        s.text(
            WIDTH as f32 / 2.0,
            (plot_top + plot_bottom) / 2.0,
            18.0,
            Weight::Regular,
            Anchor::Middle,
            MUTED,
            "No inputs to show",
        );
        return s;
    }
    let name_w = bars
        .iter()
        .flat_map(|b| {
            [
                text_width(&b.input, Weight::Regular, LABEL_SIZE),
                text_width(&sub_label(b), Weight::Regular, 12.0),
            ]
        })
        .fold(0.0f32, f32::max)
        .min(NAME_MAX_W);
    let vals: Vec<f64> = bars
        .iter()
        .flat_map(|b| [b.at_low, b.at_high])
        .chain(std::iter::once(spec.base))
        .filter(|v| v.is_finite())
        .collect();
    let lo = vals.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = vals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let ticks = nice_ticks(lo, hi, 6);
    let d = decimals_for(ticks.step);
    let vd = (d + 1).min(6);
    // Room inside the plot for the value labels at the bar ends.
    let margin = 84.0;
    let left = LEFT + name_w + 24.0;
    let right = WIDTH as f32 - 48.0;
    let x = |v: f64| {
        let f = ((v - ticks.lo()) / (ticks.hi() - ticks.lo())) as f32;
        left + margin + (right - left - 2.0 * margin) * f
    };
    value_axis(
        &mut s,
        &ticks,
        x,
        (left, right),
        (plot_top, plot_bottom),
        d,
        &spec.target_label,
    );
    let base_x = spec.base.is_finite().then(|| x(spec.base));
    for (i, b) in bars.iter().enumerate() {
        let y0 = plot_top + row * i as f32;
        let mid = y0 + row / 2.0;
        s.text(
            left - 16.0,
            mid - 2.0,
            LABEL_SIZE,
            Weight::Regular,
            Anchor::End,
            INK,
            &fit_start(&b.input, LABEL_SIZE, name_w),
        );
        s.text(
            left - 16.0,
            mid + 14.0,
            12.0,
            Weight::Regular,
            Anchor::End,
            MUTED,
            &fit_start(&sub_label(b), 12.0, name_w),
        );
        let Some(bx) = base_x else { continue };
        let side = |v: f64| (v - spec.base).signum();
        // Ends on opposite sides share the row's full height; on the same side they stack.
        let stacked = b.at_low.is_finite()
            && b.at_high.is_finite()
            && side(b.at_low) == side(b.at_high)
            && b.at_low != spec.base
            && b.at_high != spec.base;
        let bar_h = (row * 0.62).min(38.0);
        let ends = [(b.at_low, low_c, 0usize), (b.at_high, high_c, 1usize)];
        for (v, c, k) in ends {
            let (ty, th) = if stacked {
                (mid - bar_h / 2.0 + k as f32 * bar_h / 2.0, bar_h / 2.0)
            } else {
                (mid - bar_h / 2.0, bar_h)
            };
            if !v.is_finite() {
                continue;
            }
            let vx = x(v);
            s.rect(bx.min(vx), ty, (vx - bx).abs().max(1.0), th, c);
            let label = fmt_value(v, vd);
            let (lx, anchor) = if vx >= bx {
                (vx + 6.0, Anchor::Start)
            } else {
                (vx - 6.0, Anchor::End)
            };
            s.text(
                lx,
                ty + th / 2.0 + 5.0,
                13.0,
                Weight::Regular,
                anchor,
                INK,
                &label,
            );
        }
    }
    if let Some(bx) = base_x {
        s.dashed(
            vec![(bx, plot_top - 6.0), (bx, plot_bottom)],
            INK,
            1.5,
            (5.0, 4.0),
        );
        s.text(
            bx,
            plot_top - 12.0,
            13.0,
            Weight::Bold,
            Anchor::Middle,
            INK,
            &format!("base {}", fmt_value(spec.base, vd)),
        );
    }
    s
}

/// `text`, or its end after a leading `…` when it is wider than `max`: the labels are drawn
/// right-aligned against the plot, so a long one would run off the left edge, and the end of
/// a code name (`…TR.rate.2025-10-22.0.happens`) is the part that tells inputs apart.
fn fit_start(text: &str, size: f32, max: f32) -> String {
    if text_width(text, Weight::Regular, size) <= max {
        return text.to_string();
    }
    let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    for &i in &starts[1..] {
        let cut = format!("…{}", &text[i..]);
        if text_width(&cut, Weight::Regular, size) <= max {
            return cut;
        }
    }
    "…".to_string()
}

fn sub_label(b: &TornadoBar) -> String {
    match &b.code {
        Some(c) => format!("{c} · low {} · high {}", b.low_label, b.high_label),
        None => format!("low {} · high {}", b.low_label, b.high_label),
    }
}

/// The tornado chart as an SVG document (text drawn as glyph outlines).
pub fn tornado_svg(spec: &TornadoSpec) -> String {
    super::svg::render(&tornado_scene(spec))
}

/// The tornado chart as a PNG, 1200 px wide, 700 px high or more for many inputs.
pub fn tornado_png(spec: &TornadoSpec) -> Vec<u8> {
    super::raster::render(&tornado_scene(spec))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(input: &str, lo: f64, hi: f64) -> TornadoBar {
        TornadoBar {
            input: input.into(),
            low_label: "p10".into(),
            high_label: "p90".into(),
            at_low: lo,
            at_high: hi,
            code: None,
        }
    }

    #[test]
    fn widest_swing_first_ties_by_name_missing_last() {
        let spec = TornadoSpec {
            title: "t".into(),
            target_label: "x".into(),
            base: 10.0,
            bars: vec![
                bar("b", 9.0, 11.0),
                bar("nan", f64::NAN, 30.0),
                bar("wide", 2.0, 20.0),
                bar("a", 11.0, 9.0),
            ],
            rank_r2: None,
        };
        let order: Vec<&str> = sorted_bars(&spec)
            .iter()
            .map(|b| b.input.as_str())
            .collect();
        assert_eq!(order, ["wide", "a", "b", "nan"]);
    }

    #[test]
    fn many_bars_grow_the_canvas() {
        let spec = TornadoSpec {
            title: "t".into(),
            target_label: "x".into(),
            base: 0.0,
            bars: (0..30)
                .map(|i| bar(&format!("in{i}"), -1.0, i as f64))
                .collect(),
            rank_r2: None,
        };
        let sc = tornado_scene(&spec);
        assert_eq!(sc.width, WIDTH);
        assert!(sc.height as f32 >= 30.0 * MIN_ROW + 148.0);
    }

    /// Walkthrough 6: a long code name ran off the left edge. Every label now fits the name
    /// column, keeping its end.
    #[test]
    fn long_labels_fit_the_name_column() {
        let mut b = bar(
            &"A very long plain-language input label ".repeat(4),
            1.0,
            2.0,
        );
        b.code = Some("event.tariff.TR.rate.2025-10-22.0.happens".repeat(3));
        let spec = TornadoSpec {
            title: "t".into(),
            target_label: "x".into(),
            base: 1.5,
            bars: vec![b],
            rank_r2: None,
        };
        let mut fitted = 0;
        for i in tornado_scene(&spec).items {
            if let crate::output::charts::scene::Item::Text { text, size, .. } = i {
                if text.starts_with('…') {
                    fitted += 1;
                    assert!(
                        text_width(&text, Weight::Regular, size) <= NAME_MAX_W,
                        "{text}"
                    );
                }
            }
        }
        assert_eq!(fitted, 2, "both the label and the code line are shortened");
        assert!(fit_start("0.0.happens", 12.0, NAME_MAX_W) == "0.0.happens");
    }

    /// A weak fit must be visible: R² = 0.06 is printed, and the code name under the label.
    #[test]
    fn rank_r2_and_code_names_are_printed() {
        let mut b = bar(
            "How much oil demand falls when prices rise (short run)",
            1.0,
            2.0,
        );
        b.code = Some("eps_d".into());
        let spec = TornadoSpec {
            title: "t".into(),
            target_label: "x".into(),
            base: 1.5,
            bars: vec![b],
            rank_r2: Some(0.0612),
        };
        let texts: Vec<String> = tornado_scene(&spec)
            .items
            .into_iter()
            .filter_map(|i| match i {
                crate::output::charts::scene::Item::Text { text, .. } => Some(text),
                _ => None,
            })
            .collect();
        assert!(
            texts.iter().any(|t| t.starts_with("Rank R² = 0.06: ")),
            "{texts:?}"
        );
        // Nothing in the header or the footnote is cut off (walkthrough: the subtitle was).
        assert!(
            texts
                .iter()
                .filter(|t| t.starts_with("Rank R²") || t.starts_with("One-at-a-time"))
                .all(|t| !t.contains('…')),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.starts_with("eps_d · low p10")),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t.starts_with("How much oil demand")),
            "{texts:?}"
        );
    }
}
