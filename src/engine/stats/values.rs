//! The numbers of a decoded accumulator checked against what a run can write (D205): the
//! counts are checked by `engine::partial::check`, the values here, so that a damaged or
//! forged `partial.bin` (with a recomputed checksum) cannot put a NaN, an infinity, a
//! negative variance or a mean outside its own values into a merged result.
//!
//! What holds for every accumulator a run builds, and is checked:
//! - every value kept for the order statistics is finite (the counts check) and at most
//!   [`MAX_VALUE`] in magnitude; a sketch's extremes lie in its first and last occupied
//!   buckets (`sketch::wire`);
//! - every moment's `mean` and `m2` are finite, and `m2 ≥ 0` (Welford's and Chan's updates only
//!   add non-negative terms);
//! - a cell with order statistics: each group's mean lies within the smallest and largest
//!   value the shard holds for that cell, and its `m2` is at most `n · (max − min)²`;
//! - a moment-only cell (a `--prob` indicator, 0 or 1 on each path): mean in `[0, 1]`,
//!   `m2 ≤ n / 4`.

use super::{GroupMoments, MonthlyStats, Order};
use crate::suggest::Num;

/// Largest magnitude of a value a run writes, with a wide margin: levers are held to 1e9
/// (D131), prices to their clamps, and a total sums at most 1,200 months. Far below the
/// point where merging (squares of differences, sums over shards) could overflow.
pub const MAX_VALUE: f64 = 1e30;

/// Relative slack for rounding in the mean and `m2` comparisons.
const SLACK: f64 = 1e-9;

/// A value outside what a run can write: the field, the cell and the rule.
#[derive(Debug, Clone, PartialEq)]
pub struct BadValue {
    pub field: &'static str,
    pub cell: usize,
    pub value: f64,
    pub rule: String,
}

impl MonthlyStats {
    /// The smallest and largest finite value of each cell with order statistics (`None` for a
    /// cell with none); an error for a value beyond [`MAX_VALUE`].
    pub fn cell_ranges(&self) -> Result<Vec<Option<(f64, f64)>>, BadValue> {
        let stride = self.kept();
        match &self.order {
            Order::Exact { blocks } => {
                let mut ranges: Vec<Option<(f64, f64)>> = vec![None; stride];
                for row in blocks.iter().flat_map(|b| b.chunks_exact(stride.max(1))) {
                    for (c, (r, &x)) in ranges.iter_mut().zip(row).enumerate() {
                        if !x.is_finite() {
                            continue;
                        }
                        if x.abs() > MAX_VALUE {
                            return Err(BadValue {
                                field: "an order statistics value",
                                cell: c,
                                value: x,
                                rule: format!("at most {} in magnitude", Num(MAX_VALUE)),
                            });
                        }
                        *r = Some(r.map_or((x, x), |(lo, hi)| (lo.min(x), hi.max(x))));
                    }
                }
                Ok(ranges)
            }
            Order::Sketch { cells } => Ok(cells.iter().map(|s| s.range()).collect()),
        }
    }
}

impl GroupMoments {
    /// Checks every moment against the rules of the module docs; `ranges` are the shard's
    /// [`MonthlyStats::cell_ranges`] (cells past them are moment-only indicators).
    pub fn check_values(&self, ranges: &[Option<(f64, f64)>]) -> Result<(), BadValue> {
        for (c, m) in self.moments().iter().enumerate() {
            let bad = |field, value, rule: String| BadValue {
                field,
                cell: c,
                value,
                rule,
            };
            if !m.mean.is_finite() {
                return Err(bad("moments mean", m.mean, "a finite number".into()));
            }
            if !(m.m2.is_finite() && m.m2 >= 0.0) {
                return Err(bad("moments m2", m.m2, "a finite number ≥ 0".into()));
            }
            if m.n == 0 {
                continue;
            }
            let n = m.n as f64;
            let (lo, hi, what) = match ranges.get(c) {
                Some(Some((lo, hi))) => (*lo, *hi, "the cell's smallest and largest value"),
                // Counted values but none held: the counts check reports that.
                Some(None) => continue,
                None => (0.0, 1.0, "an indicator is 0 or 1"),
            };
            let tol = SLACK * lo.abs().max(hi.abs());
            if !(lo - tol..=hi + tol).contains(&m.mean) {
                return Err(bad(
                    "moments mean",
                    m.mean,
                    format!("within [{}, {}]: {what}", Num(lo), Num(hi)),
                ));
            }
            let (most, rule) = if ranges.get(c).is_some() {
                (n * (hi - lo) * (hi - lo), "at most n · (max − min)²")
            } else {
                (n / 4.0, "at most n / 4 for an indicator")
            };
            if m.m2 > most * (1.0 + SLACK) {
                return Err(bad(
                    "moments m2",
                    m.m2,
                    format!("{} or less ({rule})", Num(most)),
                ));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{codec, GroupMoments, MonthlyStats, SummaryMode};

    /// A one-cell accumulator of 1, 2, 4 and a moment-only indicator of 0, 1, 1, 1, its
    /// group moments encoded, and the shard's cell ranges.
    fn shard(mode: SummaryMode) -> (Vec<u8>, Vec<Option<(f64, f64)>>) {
        let mut s = MonthlyStats::with_cells(1, 1, 0, 1, mode);
        for (x, i) in [(1.0, 0.0), (2.0, 1.0), (4.0, 1.0), (2.0, 1.0)] {
            s.push_path(&[x, i]);
        }
        let g = s.take_moments();
        let mut w = codec::Writer::default();
        g.encode(&mut w);
        (w.buf, s.cell_ranges().unwrap())
    }

    fn check(b: &[u8], ranges: &[Option<(f64, f64)>]) -> Result<(), super::BadValue> {
        GroupMoments::decode(&mut codec::Reader::new(b), 2)
            .unwrap()
            .check_values(ranges)
    }

    /// Every moment field a partial carries is checked for what a run can write (D205):
    /// finite, `m2 ≥ 0`, the mean within the cell's values (or [0, 1] for an indicator), `m2`
    /// within what the values' spread allows. Exact and sketch ranges agree.
    #[test]
    fn decoded_moments_are_checked_for_their_values() {
        for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
            let (good, ranges) = shard(mode);
            assert_eq!(ranges, [Some((1.0, 4.0))], "{mode:?}");
            check(&good, &ranges).unwrap();
            // The group holds its count (8), then per cell n, nonfinite, mean, m2 (8 each).
            let cases = [
                (0, 16, f64::NAN, "moments mean"),
                (0, 16, f64::INFINITY, "moments mean"),
                (0, 16, 5.0, "moments mean"),
                (0, 24, -5.0, "moments m2"),
                (0, 24, f64::NAN, "moments m2"),
                (0, 24, 1e300, "moments m2"),
                (1, 16, 1.5, "moments mean"),
                (1, 24, 2.0, "moments m2"),
            ];
            for (cell, at, v, field) in cases {
                let mut b = good.clone();
                let o = 8 + 32 * cell + at;
                b[o..o + 8].copy_from_slice(&v.to_le_bytes());
                let e = check(&b, &ranges).unwrap_err();
                assert_eq!((e.field, e.cell), (field, cell), "{mode:?} {v}: {e:?}");
            }
        }
    }

    /// Order values beyond what a run writes are refused; a sketch's extremes must lie in its
    /// first and last occupied buckets.
    #[test]
    fn decoded_order_values_and_sketch_extremes_are_checked() {
        let mut x = MonthlyStats::new(1, 1, SummaryMode::Exact);
        x.push_path(&[1e300]);
        assert_eq!(
            x.cell_ranges().unwrap_err().field,
            "an order statistics value"
        );
        let mut s = MonthlyStats::new(1, 1, SummaryMode::Sketch);
        s.push_path(&[1.0]);
        s.push_path(&[3.0]);
        let mut w = codec::Writer::default();
        s.encode_order(&mut w);
        let decode = |b: &[u8]| MonthlyStats::decode_order(&mut codec::Reader::new(b), &s);
        decode(&w.buf).unwrap();
        // zeros (8), then the positive store: count (8), lo (8), hi (8).
        for (at, v) in [(16, 1.5), (16, 0.5), (24, 2.0), (24, 1e31)] {
            let mut b = w.buf.clone();
            b[at..at + 8].copy_from_slice(&f64::to_le_bytes(v));
            let e = decode(&b).unwrap_err().to_string();
            assert!(e.contains("sketch extremes"), "{at} {v}: {e}");
        }
    }
}
