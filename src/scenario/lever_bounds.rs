//! Lever arithmetic that can leave a lever's range or overflow is refused at the event
//! (issue 15: `tariff.IN.rate` scaled by 1e308 gave inf on some paths, which were dropped
//! from the bands without a word).
//!
//! `set`, `ramp` and `pulse` values are checked against the lever's range where they are
//! written. `add` and `scale` change whatever value the lever has then, so their result is
//! bounded here: each number lever's possible values are followed as an interval, from its
//! default through its events in date order. A certain `set` (probability 1, no lag)
//! replaces the interval; every other event widens it to cover both outcomes (it may not
//! happen, or happen later). An `add` or `scale` whose result can leave the lever's range
//! (a range without an upper end is capped at `policy::levers::UNBOUNDED_MAX`), or is not finite, is an
//! error at that event, and so is one that may meet a default below the range (a marker
//! such as "the market's draw", which `add` and `scale` leave unchanged at run time, D131),
//! and so is a `ramp` that may meet any marker, a cap of none too: it has no number to start
//! from (D226).
//! Unbounded distributions are taken to their 1e-12 and 1 − 1e-12 quantiles. Event-tree node actions may happen at any time: their values widen each lever's
//! starting interval (an `add` or `scale` in a node is applied once to it), and they are
//! not themselves reported (docs/reliability.md, "Not covered"). A node that a path enters
//! again and again re-applies them; at run time every event's result is held to the lever's
//! range (`policy::levers::LeverRange::bound`, D131), so such a node stops at the range's edge
//! instead of running the lever off.

use super::diagnostics::Diagnostic;
use super::EventOrigin;
use crate::dist::Dist;
use crate::policy::events::{Action, Event, Value};
use crate::policy::levers::{LeverKind, LeverRegistry};
use crate::policy::tree::Tree;

/// Smallest and largest value of `d` that can practically occur.
pub(crate) fn reach(d: &Dist) -> (f64, f64) {
    let (mut a, mut b) = d.support();
    if !a.is_finite() {
        a = d.quantile(1e-12);
    }
    if !b.is_finite() {
        b = d.quantile(1.0 - 1e-12);
    }
    (a, b)
}

/// A bound in plain form, or in exponent form when huge or tiny.
fn num(x: f64) -> String {
    if x == 0.0 || (1e-4..1e6).contains(&x.abs()) {
        format!("{x}")
    } else {
        format!("{x:e}")
    }
}

/// A value as written, in exponent form when it is huge or tiny (1e308, not 309 digits).
fn show(d: &Dist) -> String {
    match *d {
        Dist::Const(x) if x != 0.0 && !(1e-4..1e6).contains(&x.abs()) => format!("{x:e}"),
        _ => d.to_string(),
    }
}

fn hull(x: (f64, f64), y: (f64, f64)) -> (f64, f64) {
    (x.0.min(y.0), x.1.max(y.1))
}

fn times(x: (f64, f64), y: (f64, f64)) -> (f64, f64) {
    let p = [x.0 * y.0, x.0 * y.1, x.1 * y.0, x.1 * y.1];
    // 0 × inf is NaN: keep it, so the result is refused as not finite.
    if p.iter().any(|v| v.is_nan()) {
        return (f64::NAN, f64::NAN);
    }
    (
        p.iter().copied().fold(f64::INFINITY, f64::min),
        p.iter().copied().fold(f64::NEG_INFINITY, f64::max),
    )
}

fn certain(e: &Event) -> bool {
    e.prob.is_const() && e.prob.median() >= 1.0 && e.lag_months.is_none()
}

/// One diagnostic per `add`/`scale` event whose result can leave its lever's range.
pub(crate) fn check(
    events: &[Event],
    origins: &[EventOrigin],
    trees: &[Tree],
    reg: &LeverRegistry,
) -> Vec<Diagnostic> {
    let mut order: Vec<usize> = (0..events.len()).collect();
    order.sort_by_key(|&i| (events[i].date.month, events[i].date.day));
    let mut now: Vec<(f64, f64)> = reg.defs.iter().map(|d| (d.default, d.default)).collect();
    let actions = trees.iter().flat_map(|t| &t.nodes).flat_map(|n| &n.actions);
    for a in actions {
        if let Value::Number(d) = &a.value {
            let (cur, v) = (now[a.lever], reach(d));
            let after = match a.action {
                Action::Add => (cur.0 + v.0, cur.1 + v.1),
                Action::Scale => times(cur, v),
                _ => v,
            };
            now[a.lever] = hull(cur, after);
        }
    }
    let mut out = Vec::new();
    for i in order {
        let e = &events[i];
        let def = &reg.defs[e.lever];
        let (LeverKind::Number { min, max, .. }, Value::Number(d)) = (&def.kind, &e.value) else {
            continue;
        };
        let v = reach(d);
        let cur = now[e.lever];
        let next = match e.action {
            Action::Set if certain(e) => v,
            Action::Add => (cur.0 + v.0, cur.1 + v.1),
            Action::Scale => times(cur, v),
            _ => hull(cur, v),
        };
        let next = if certain(e) { next } else { hull(cur, next) };
        let hi = crate::policy::levers::enforced_max(*max);
        let arithmetic = matches!(e.action, Action::Add | Action::Scale);
        // D131: `add` and `scale` leave a sentinel below the range (the market's draw, the
        // rate at the halt) unchanged at run time, so one that may meet it would do nothing.
        // D226: a `ramp` has no number to start from there either (nor from a cap of none):
        // at run time it starts at its target, which is not what the file says.
        let ramp = matches!(e.action, Action::Ramp { .. });
        let marker = def.range().and_then(|r| r.sentinel);
        let meets = marker.filter(|s| s < min || (ramp && *s >= crate::policy::levers::NONE_CAP));
        if let Some(s) = meets.filter(|s| (arithmetic || ramp) && cur.0 <= *s && *s <= cur.1) {
            let o = origins.get(i);
            let verb = match e.action {
                Action::Add => "`add` leaves unchanged",
                Action::Scale => "`scale` leaves unchanged",
                _ => "a `ramp` cannot start from",
            };
            let shown = if s >= crate::policy::levers::NONE_CAP {
                "\"none\"".to_string()
            } else if def.name.starts_with("compliance.") {
                format!("{s} (the market file's draw)")
            } else if def.name.ends_with(".snapback_rate") {
                format!("{s} (the rate at the halt)")
            } else {
                s.to_string()
            };
            let mut diag = Diagnostic::file_level(
                o.map_or(std::path::Path::new(""), |o| o.at.file.as_path()),
                Some(&format!("event[{}].value", o.map_or(0, |o| o.index))),
                format!(
                    "`{}` may still hold its default here, {shown}: a marker for the model's \
                     own value, not a number, which {verb}",
                    def.name,
                ),
                Some(if ramp {
                    format!(
                        "`set` the value the ramp starts from (in [{min}, {max}]) on an earlier \
                         date, or `set` the value wanted instead of ramping"
                    )
                } else {
                    format!(
                        "`set` the value wanted (in [{min}, {max}]) first, or instead of this event"
                    )
                }),
            );
            if let Some(o) = o {
                (diag.line, diag.col) = (o.at.line, o.at.col);
            }
            out.push(diag);
            continue;
        }
        let ok = next.0.is_finite() && next.1.is_finite() && next.0 >= *min && next.1 <= hi;
        if arithmetic && !ok {
            let o = origins.get(i);
            let what = if matches!(e.action, Action::Add) {
                "adding"
            } else {
                "scaling by"
            };
            let range = if max.is_finite() {
                format!("[{min}, {max}]")
            } else {
                format!(
                    "[{min}, {}] (no upper end, capped at the largest lever value)",
                    num(hi)
                )
            };
            let reached = if next.0.is_finite() && next.1.is_finite() {
                format!("values in [{}, {}]", num(next.0), num(next.1))
            } else {
                "a value that is not a finite number".to_string()
            };
            let mut diag = Diagnostic::file_level(
                o.map_or(std::path::Path::new(""), |o| o.at.file.as_path()),
                Some(&format!("event[{}].value", o.map_or(0, |o| o.index))),
                format!(
                    "{what} {} can take `{}` to {reached}, outside its range {range}",
                    show(d),
                    def.name
                ),
                Some(format!(
                    "the result of `add` and `scale` must stay in the lever's range (it was \
                     {} … {} before this event); use a smaller value, or `set` the value \
                     wanted",
                    num(cur.0),
                    num(cur.1)
                )),
            );
            if let Some(o) = o {
                (diag.line, diag.col) = (o.at.line, o.at.col);
            }
            out.push(diag);
            // Report each runaway once: continue from the range's edge.
            now[e.lever] = (next.0.clamp(*min, hi), next.1.clamp(*min, hi));
            continue;
        }
        now[e.lever] = next;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_products_and_nan() {
        assert_eq!(times((1.0, 2.0), (-1.0, 3.0)), (-2.0, 6.0));
        assert!(times((0.0, 1.0), (1.0, f64::INFINITY)).0.is_nan());
        assert_eq!(hull((1.0, 2.0), (0.0, 1.5)), (0.0, 2.0));
        let (a, b) = reach(&Dist::normal(0.0, 1.0));
        assert!(a < -6.0 && b > 6.0 && a.is_finite() && b.is_finite());
    }
}
