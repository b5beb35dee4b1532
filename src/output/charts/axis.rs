//! Axis arithmetic: "nice" value ticks (1, 2, 2.5, 5 × 10ᵏ), their labels, and month ticks
//! spaced so that `YYYY-MM` labels never overlap.

use crate::policy::calendar::{iso_month, year_month, MonthIdx};

/// Ticks covering `[lo, hi]`: the axis runs from the first to the last tick.
#[derive(Debug, Clone, PartialEq)]
pub struct Ticks {
    pub values: Vec<f64>,
    pub step: f64,
}

impl Ticks {
    pub fn lo(&self) -> f64 {
        self.values[0]
    }
    pub fn hi(&self) -> f64 {
        self.values[self.values.len() - 1]
    }
}

/// About `target` evenly spaced round ticks enclosing `[lo, hi]` (finite; swapped if reversed;
/// widened if empty).
pub fn nice_ticks(lo: f64, hi: f64, target: usize) -> Ticks {
    let (mut lo, mut hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    if !(lo.is_finite() && hi.is_finite()) {
        (lo, hi) = (0.0, 1.0);
    }
    if hi - lo <= f64::EPSILON * hi.abs().max(lo.abs()).max(1e-300) {
        let pad = if lo == 0.0 { 1.0 } else { lo.abs() * 0.1 };
        lo -= pad;
        hi += pad;
    }
    let raw = (hi - lo) / target.max(2) as f64;
    let mag = 10f64.powf(raw.log10().floor());
    // The round step giving the interval count nearest the target.
    let span = hi - lo;
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .min_by(|a, b| {
            let miss = |s: f64| (span / s - target as f64).abs();
            miss(*a).total_cmp(&miss(*b))
        })
        .unwrap_or(mag);
    // The tolerance lets a bound that sits on a tick up to rounding use that tick.
    let first = (lo / step + 1e-9).floor() as i64;
    let last = (hi / step - 1e-9).ceil() as i64;
    let values = (first..=last).map(|k| k as f64 * step).collect();
    Ticks { values, step }
}

/// Decimals that tell ticks `step` apart (2.5 steps need one more).
pub fn decimals_for(step: f64) -> usize {
    if !(step.is_finite() && step > 0.0) {
        return 2;
    }
    let mut d = (-step.log10().floor()).max(0.0) as usize;
    let scaled = step * 10f64.powi(d as i32);
    if (scaled - scaled.round()).abs() > 1e-6 {
        d += 1;
    }
    d.min(6)
}

/// `x` with `decimals` places, thousands grouped with a thin space, never `-0`.
pub fn fmt_value(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return "n/a".to_string();
    }
    let s = format!("{x:.decimals$}");
    let (sign, body) = match s.strip_prefix('-') {
        Some(b) if b.bytes().any(|c| (b'1'..=b'9').contains(&c)) => ("\u{2212}", b),
        Some(b) => ("", b),
        None => ("", s.as_str()),
    };
    let (int, frac) = body.split_once('.').map_or((body, ""), |(a, b)| (a, b));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    if frac.is_empty() {
        format!("{sign}{grouped}")
    } else {
        format!("{sign}{grouped}.{frac}")
    }
}

/// Month offsets `t` (from `start`) to label, for `months` months drawn `px_per_month` apart,
/// with labels `label_px` wide: every 1, 2, 3, 6 or 12 months on calendar boundaries
/// (quarters start in Jan/Apr/Jul/Oct), or every few Januaries for long horizons.
pub fn month_ticks(start: MonthIdx, months: usize, px_per_month: f32, label_px: f32) -> Vec<usize> {
    if months == 0 {
        return Vec::new();
    }
    if months == 1 {
        return vec![0];
    }
    let need = label_px + 16.0;
    let steps = [1usize, 2, 3, 6, 12, 24, 60, 120, 240, 600];
    let step = steps
        .iter()
        .copied()
        .find(|s| *s as f32 * px_per_month >= need)
        .unwrap_or(1200);
    let ticks: Vec<usize> = (0..months)
        .filter(|&t| {
            let (y, m) = year_month(start + t as MonthIdx);
            if step <= 12 {
                (m as usize - 1).is_multiple_of(step)
            } else {
                m == 1 && (y as usize).is_multiple_of(step / 12)
            }
        })
        .collect();
    if ticks.is_empty() {
        vec![0] // a short run between boundaries still says when it is
    } else {
        ticks
    }
}

/// The label of month offset `t`.
pub fn month_label(start: MonthIdx, t: usize) -> String {
    iso_month(start + t as MonthIdx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::calendar::month_idx;

    #[test]
    fn nice_ticks_enclose_and_are_round() {
        let t = nice_ticks(43.58, 109.93, 6);
        assert_eq!(t.step, 10.0);
        assert_eq!(t.lo(), 40.0);
        assert_eq!(t.hi(), 110.0);
        let t = nice_ticks(0.031, 0.047, 5);
        assert!(t.lo() <= 0.031 && t.hi() >= 0.047 && t.values.len() <= 8);
        let t = nice_ticks(5.0, 5.0, 6); // degenerate range widened, not a zero step
        assert!(t.step > 0.0 && t.lo() < 5.0 && t.hi() > 5.0);
        let t = nice_ticks(f64::NAN, 1.0, 6);
        assert!(t.step > 0.0);
        let t = nice_ticks(-3.0, 7.0, 5);
        assert!(t.values.contains(&0.0));
        // A bound on a tick is not padded by a whole extra step.
        let t = nice_ticks(0.0, 14.8, 6);
        assert_eq!((t.lo(), t.hi(), t.step), (0.0, 15.0, 2.5));
    }

    #[test]
    fn labels() {
        assert_eq!(decimals_for(10.0), 0);
        assert_eq!(decimals_for(0.5), 1);
        assert_eq!(decimals_for(2.5), 1);
        assert_eq!(decimals_for(0.25), 2);
        assert_eq!(fmt_value(-0.0001, 2), "0.00");
        assert_eq!(fmt_value(-12.5, 1), "\u{2212}12.5");
        assert_eq!(fmt_value(1234567.0, 0), "1,234,567");
        assert_eq!(fmt_value(f64::NAN, 1), "n/a");
    }

    #[test]
    fn month_ticks_fit_and_align() {
        let start = month_idx("2025-08").unwrap();
        // 36 months over 1000 px: ~28 px a month, 60 px labels -> quarterly.
        let t = month_ticks(start, 36, 1000.0 / 35.0, 60.0);
        let labels: Vec<String> = t.iter().map(|&t| month_label(start, t)).collect();
        assert_eq!(labels[0], "2025-10");
        assert!(labels
            .iter()
            .all(|l| ["01", "04", "07", "10"].contains(&&l[5..])));
        // Long horizon: yearly or sparser, always on Januaries.
        let t = month_ticks(start, 600, 1000.0 / 599.0, 60.0);
        assert!(t.len() <= 20 && t.iter().all(|&t| month_label(start, t).ends_with("-01")));
        assert_eq!(month_ticks(start, 1, 1000.0, 60.0), vec![0]);
        assert!(month_ticks(start, 0, 1000.0, 60.0).is_empty());
    }
}
