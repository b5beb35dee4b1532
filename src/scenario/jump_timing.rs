//! A `risk_premium.jump` dated after day 1 (walkthrough 10 #3, docs/scenarios.md §2.6): a
//! jump is not pro-rated, it bites for the whole month it is dated in, so a jump written on
//! the 15th counts for the month as if it had happened on the 1st. The docs advise
//! scaling a late-month jump by the share of the month left, or dating it on the 1st of the
//! next month. `validate` (and `run`, `compare`, `sensitivity`) warn at the event, with the
//! scaled value to write, unless the event's `note` says the value is "scaled" (the shipped
//! scenarios do). The same holds for a tree node's jump when an `at` exit enters the node
//! after day 1.
//!
//! A `fleet.designation.batch` also bites for its whole month, but it is not warned about:
//! its share is a stock (tankers removed for good), so scaling it would under-state every
//! later month; the docs advise dating a batch in the month it should bite instead.

use super::overrides::{shortest_lag, Severity, Warning};
use super::{Origin, Scenario};
use crate::dist::Dist;
use crate::policy::calendar::{days_in_month, iso_first, Date};
use crate::policy::events::{Event, Value};

/// The word a `note` uses to say the value was scaled by the share of the month left.
pub const SCALED_WORD: &str = "scaled";

/// Whether `note` acknowledges the scaling (case-insensitive "scaled").
pub fn says_scaled(note: Option<&str>) -> bool {
    note.is_some_and(|n| n.to_ascii_lowercase().contains(SCALED_WORD))
}

/// The share of `date`'s month from its day to the month's end: (days left, days in month).
pub fn month_left(date: Date) -> (u32, u32) {
    let d = days_in_month(date.month);
    (d + 1 - date.day.min(d), d)
}

/// `x` to four significant digits, for a value a user copies into a file.
fn round4(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    format!("{x:.3e}").parse().unwrap_or(x)
}

fn rounded(d: Dist) -> Dist {
    match d {
        Dist::Const(v) => Dist::Const(round4(v)),
        Dist::Normal { mu, sd } => Dist::Normal {
            mu: round4(mu),
            sd: round4(sd),
        },
        Dist::LogNormal { mu, sigma } => Dist::LogNormal {
            mu: round4(mu),
            sigma: round4(sigma),
        },
        Dist::Uniform { lo, hi } => Dist::Uniform {
            lo: round4(lo),
            hi: round4(hi),
        },
        Dist::Triangular { lo, mode, hi } => Dist::Triangular {
            lo: round4(lo),
            mode: round4(mode),
            hi: round4(hi),
        },
        Dist::Pert { lo, mode, hi } => Dist::Pert {
            lo: round4(lo),
            mode: round4(mode),
            hi: round4(hi),
        },
        d => d,
    }
}

/// The value to write for jump `d` scaled by `k` (mean and spread alike), as a file writes
/// it; `None` for a distribution without a scale family (beta, Poisson).
pub fn scaled_value(d: &Dist, k: f64) -> Option<String> {
    if matches!(d, Dist::Beta { .. } | Dist::Poisson { .. }) {
        return None;
    }
    Some(rounded(d.scaled(k)).to_toml().to_string())
}

/// The warning for jump `ev` taking effect on `date` (after day 1); `lead` says where.
fn warning(ev: &Event, date: Date, lead: String, at: Origin, key: String) -> Option<Warning> {
    let Value::Number(d) = &ev.value else {
        return None;
    };
    let (left, days) = month_left(date);
    let k = left as f64 / days as f64;
    let lag = if ev.lag_months.is_some() {
        " when its lag rounds to 0"
    } else {
        ""
    };
    let write = match scaled_value(d, k) {
        Some(v) => format!("value = {v}"),
        None => format!("each value × {left}/{days}"),
    };
    Some(Warning {
        severity: Severity::Warning,
        at,
        key,
        message: format!(
            "{lead}, but a jump is not pro-rated: it counts for the whole of {}{lag}, as if \
             dated {}, so the month's average carries all of it instead of the {left}/{days} \
             of the month left",
            crate::policy::calendar::iso_month(date.month),
            iso_first(date.month),
        ),
        help: Some(format!(
            "scale it by the share of the month left ({left}/{days}): {write} (mean and spread \
             alike), and say \"{SCALED_WORD}\" in the event's `note`, which silences this; or \
             date it {} if the month it starts in does not matter (docs/scenarios.md §2.6)",
            iso_first(date.month + 1)
        )),
    })
}

/// Whether `ev` can take effect on its written day (a lag that can round to 0).
fn can_keep_its_day(ev: &Event) -> bool {
    ev.lag_months.as_ref().is_none_or(|l| shortest_lag(l) < 0.5)
}

/// Every unscaled jump dated (or entered) after day 1: events first, then tree nodes.
pub fn late_jump_findings(sc: &Scenario) -> Vec<Warning> {
    let jump = sc.registry.ids.risk_premium_jump;
    let mut out = Vec::new();
    for (i, ev) in sc.events.iter().enumerate() {
        let o = &sc.event_origins[i];
        if ev.lever != jump
            || ev.date.day <= 1
            || !can_keep_its_day(ev)
            || says_scaled(o.note.as_deref())
        {
            continue;
        }
        let lead = format!("this `risk_premium.jump` is dated {}", ev.date);
        let key = format!("event[{}]", o.index);
        out.extend(warning(ev, ev.date, lead, o.at.clone(), key));
    }
    for (t, tree) in sc.trees.iter().enumerate() {
        let Some(origin) = sc.tree_origins.get(t) else {
            continue;
        };
        for (n, node) in tree.nodes.iter().enumerate() {
            let Some(at) = origin.nodes.get(n) else {
                continue;
            };
            let Some(d) = super::discrete_timing::mid_month_entries(tree, n)
                .first()
                .copied()
            else {
                continue;
            };
            let notes = origin.jump_notes.get(n);
            let jumps = node
                .actions
                .iter()
                .enumerate()
                .filter(|(_, a)| a.lever == jump);
            for (j, (k, a)) in jumps.enumerate() {
                let note = notes.and_then(|v| v.get(j)).and_then(|x| x.as_deref());
                if !can_keep_its_day(a) || says_scaled(note) {
                    continue;
                }
                let lead = format!(
                    "node `{}` of tree `{}` is entered on {d} by an `at` exit and fires a \
                     `risk_premium.jump`",
                    node.id, tree.id
                );
                let key = format!("{}.node[{}].actions[{}]", origin.prefix, n + 1, k + 1);
                out.extend(warning(a, d, lead, at.clone(), key));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_left_counts_the_event_day() {
        assert_eq!(month_left(Date::parse("2025-08-15").unwrap()), (17, 31));
        assert_eq!(month_left(Date::parse("2025-10-22").unwrap()), (10, 31));
        assert_eq!(month_left(Date::parse("2022-02-24").unwrap()), (5, 28));
        assert_eq!(month_left(Date::parse("2025-01-01").unwrap()), (31, 31));
    }

    #[test]
    fn the_suggested_value_scales_mean_and_spread() {
        let d = Dist::normal(-0.03, 0.015);
        let v = scaled_value(&d, 17.0 / 31.0).unwrap();
        assert_eq!(v, "{ normal = [-0.01645, 0.008226] }");
        assert_eq!(
            scaled_value(&Dist::Const(0.05), 10.0 / 31.0).unwrap(),
            "0.01613"
        );
        assert_eq!(scaled_value(&Dist::Poisson { lambda: 1.0 }, 0.5), None);
    }

    #[test]
    fn a_note_saying_scaled_acknowledges() {
        assert!(says_scaled(Some("deal jump, Scaled by 17/31")));
        assert!(!says_scaled(Some("deal jump")));
        assert!(!says_scaled(None));
    }
}
