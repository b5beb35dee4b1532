//! Events that the run applies on other days than the file writes, for `validate`, `explain`,
//! `run` and the policy calendar of `report.html` (docs/scenarios.md §2.2):
//!
//! - a bool or enum lever takes one value a month, so a `pulse` dated after day 1 holds the
//!   whole month it is dated in, from the 1st (hostile round 10 #1: it used to hold the whole
//!   *next* month, while the docs said it had no effect and `explain` showed the written
//!   date). The same holds for a tree node's pulse when an `at` exit enters the node after
//!   day 1. A `set` dated after day 1 acts from the 1st of the next month, as documented;
//!   `explain` and the report say so at the event, without a warning. `cap.eu_mode` is the
//!   exception: only the cap review reads it, on the review's day, so its `set` acts from its
//!   day (D50, D52);
//! - a `pulse` of a lever that only the EU cap review reads (`cap.eu_review_months`,
//!   `cap.eu_dyn_factor`) changes nothing: a review's cap lasts until the next review, so it
//!   is judged on the value under the pulse (hostile round 10 #2).

use super::overrides::{shortest_lag, Severity, Warning};
use super::Scenario;
use crate::policy::describe::discrete_window;
use crate::policy::events::{Action, Event};
use crate::policy::levers::{LeverId, LeverKind};
use crate::policy::tree::{ExitKind, Tree};

/// Whether `ev` can take effect on its own date (a lag that rounds to 0 on some path keeps
/// the date; a positive lag moves it to the 1st).
fn can_keep_its_day(ev: &Event) -> bool {
    ev.lag_months.as_ref().is_none_or(|l| shortest_lag(l) < 0.5)
}

/// The text of `discrete_window` for `ev` dated `date`, except for a `set` of `cap.eu_mode`,
/// which the cap review reads on its own day.
fn window(sc: &Scenario, ev: &Event, date: crate::policy::calendar::Date) -> Option<String> {
    if ev.action != Action::Pulse && ev.lever == sc.registry.ids.cap_eu_mode {
        return None;
    }
    discrete_window(&sc.registry.def(ev.lever).kind, &ev.action, date)
}

/// " when its lag rounds to 0" for an event with a lag that can be 0, else "".
fn unlagged(ev: &Event) -> &'static str {
    if ev.lag_months.is_some() {
        " when its lag rounds to 0"
    } else {
        ""
    }
}

/// When a bool or enum event dated after day 1 acts, as `explain` and the report show it next
/// to the written date: `holds all of 2025-10, 2025-10-01 to 2025-10-31` (a pulse) or `acts
/// from 2025-11-01` (a set), with the reason. `None` when it acts as written.
pub fn applied_window(sc: &Scenario, ev: &Event) -> Option<String> {
    if !can_keep_its_day(ev) {
        return None;
    }
    let w = window(sc, ev, ev.date)?;
    Some(format!(
        "{w}{}: a bool or enum takes one value a month",
        unlagged(ev)
    ))
}

/// The dates after day 1 on which an `at` exit enters node `node` of `tree`.
pub(super) fn mid_month_entries(tree: &Tree, node: usize) -> Vec<crate::policy::calendar::Date> {
    let mut out: Vec<_> = tree
        .nodes
        .iter()
        .flat_map(|n| &n.exits)
        .filter(|x| x.to.contains(&node))
        .filter_map(|x| match x.kind {
            ExitKind::At(d) if d.day > 1 => Some(d),
            _ => None,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// For a tree node's action on a bool or enum lever: when it acts for each `at` exit that
/// enters the node after day 1 (`entered 2025-10-20: holds all of 2025-10, …`).
pub fn node_action_windows(sc: &Scenario, tree: &Tree, node: usize, ev: &Event) -> Vec<String> {
    if !can_keep_its_day(ev) {
        return Vec::new();
    }
    mid_month_entries(tree, node)
        .into_iter()
        .filter_map(|d| window(sc, ev, d).map(|w| format!("entered {d}: {w}{}", unlagged(ev))))
        .collect()
}

fn is_discrete(sc: &Scenario, lever: LeverId) -> bool {
    matches!(
        sc.registry.def(lever).kind,
        LeverKind::Bool | LeverKind::Enum(_)
    )
}

/// The warning for a pulse of a bool or enum lever that holds more of a month than written;
/// `lead` says where it is dated (`this `pulse` of `x` is dated 2025-10-20`).
fn pulse_warning(
    sc: &Scenario,
    ev: &Event,
    lead: String,
    at: super::Origin,
    key: String,
) -> Warning {
    let first = crate::policy::calendar::iso_first(ev.date.month);
    let w = discrete_window(&sc.registry.def(ev.lever).kind, &Action::Pulse, ev.date)
        .unwrap_or_default();
    Warning {
        severity: Severity::Warning,
        at,
        key,
        message: format!(
            "{lead}, but a bool or enum lever takes one value a month: the pulse {w}{}, not \
             only from day {}",
            unlagged(ev),
            ev.date.day
        ),
        help: Some(format!(
            "date it {first} to say what the run does (the same result, no warning); a bool or \
             enum cannot change for part of a month, so for a measure of some days pulse a \
             number lever, which is pro-rated by day (docs/scenarios.md §2.2)"
        )),
    }
}

/// The warning for a pulse of a lever that only the EU cap review reads.
fn review_lever_warning(sc: &Scenario, lever: LeverId, at: super::Origin, key: String) -> Warning {
    Warning {
        severity: Severity::Warning,
        at,
        key,
        message: format!(
            "a `pulse` of `{}` changes nothing: only the EU dynamic cap review reads it, and a \
             review's cap lasts until the next review, so the review is judged on the value \
             under the pulse (a pulse is an overlay of its month)",
            sc.registry.def(lever).name
        ),
        help: Some(
            "`set` it to change the reviews from a date, and `set` it back to end that \
             (docs/scenarios.md §1.7)"
                .into(),
        ),
    }
}

fn review_only(sc: &Scenario, lever: LeverId) -> bool {
    let ids = &sc.registry.ids;
    lever == ids.cap_eu_review_months || lever == ids.cap_eu_dyn_factor
}

/// Every finding of this module, events first (in event order), then tree nodes.
pub fn discrete_findings(sc: &Scenario) -> Vec<Warning> {
    let mut out = Vec::new();
    for (i, ev) in sc.events.iter().enumerate() {
        if ev.action != Action::Pulse {
            continue;
        }
        let o = &sc.event_origins[i];
        let key = format!("event[{}]", o.index);
        if review_only(sc, ev.lever) {
            out.push(review_lever_warning(sc, ev.lever, o.at.clone(), key));
        } else if is_discrete(sc, ev.lever) && ev.date.day > 1 && can_keep_its_day(ev) {
            let lead = format!(
                "this `pulse` of `{}` is dated {}",
                sc.registry.def(ev.lever).name,
                ev.date
            );
            out.push(pulse_warning(sc, ev, lead, o.at.clone(), key));
        }
    }
    for (t, tree) in sc.trees.iter().enumerate() {
        let Some(origin) = sc.tree_origins.get(t) else {
            continue;
        };
        for (n, node) in tree.nodes.iter().enumerate() {
            let Some(at) = origin.nodes.get(n) else {
                continue;
            };
            for (k, a) in node.actions.iter().enumerate() {
                if a.action != Action::Pulse {
                    continue;
                }
                let key = format!("{}.node[{}].actions[{}]", origin.prefix, n + 1, k + 1);
                if review_only(sc, a.lever) {
                    out.push(review_lever_warning(sc, a.lever, at.clone(), key));
                    continue;
                }
                if !is_discrete(sc, a.lever) || !can_keep_its_day(a) {
                    continue;
                }
                // One warning per action, at the first entry after day 1.
                if let Some(d) = mid_month_entries(tree, n).first() {
                    let ev = Event {
                        date: *d,
                        ..a.clone()
                    };
                    let lead = format!(
                        "node `{}` of tree `{}` is entered on {d} by an `at` exit and pulses `{}`",
                        node.id,
                        tree.id,
                        sc.registry.def(a.lever).name
                    );
                    out.push(pulse_warning(sc, &ev, lead, at.clone(), key));
                }
            }
        }
    }
    out
}
