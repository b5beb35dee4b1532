//! Random lags that can carry an event, a tree node or a node's action past the run's last
//! month (D198): on the paths where they do, it does not run, and nothing else says so. Named
//! once per event or node, with the latest date it can reach against the last month, when a
//! lag reaches past it with a chance of at least one in 10,000 ([`RARE`]); a lag whose support
//! ends inside the run is never named. Taken from the lag distributions' quantiles, nothing
//! simulated.
//!
//! Trees: a node's entry window follows its `at` and `after` exits from the start node, those
//! that can fire (`tree_reach`); a node that a `hazard` exit, or a cycle of exits, can lead to
//! has no latest entry (a hazard may come at any month, which every run cuts off), and is not
//! named.

use super::overrides::{key, shortest_lag, Severity, Warning};
use super::window::{last_month, longest, pct, run_through, tail, whole};
use super::Scenario;
use crate::dist::Dist;
use crate::policy::calendar::{Date, MonthIdx};
use crate::policy::describe;

pub(super) fn findings(sc: &Scenario, months: usize) -> Vec<Warning> {
    let mut out: Vec<Warning> = Vec::new();
    for i in 0..sc.events.len() {
        if let Some(w) = late_event(sc, months, i) {
            if !out.iter().any(|x| x.at == w.at && x.key == w.key) {
                out.push(w);
            }
        }
    }
    for t in 0..sc.trees.len() {
        out.extend(late_nodes(sc, months, t));
    }
    out
}

/// The month a lag of `k` whole months from `date` lands in.
fn land(date: Date, k: MonthIdx) -> Date {
    if k == 0 {
        date
    } else {
        Date {
            month: date.month + k,
            day: 1,
        }
    }
}

/// Event `i` when its lag can carry it past the last month.
fn late_event(sc: &Scenario, months: usize, i: usize) -> Option<Warning> {
    let ev = &sc.events[i];
    let lag = ev.lag_months.as_ref()?;
    let end = sc.start + months as MonthIdx;
    // Past the end already: `cut_events` names it (D171).
    if ev.date.month >= end {
        return None;
    }
    let latest = land(ev.date, whole(longest(lag)));
    if latest.month < end {
        return None;
    }
    let name = &sc.registry.def(ev.lever).name;
    let soonest = land(ev.date, whole(shortest_lag(lag)));
    let message = if soonest.month >= end {
        // With the file's own horizon `overrides` says so (it never takes effect).
        if months == sc.months {
            return None;
        }
        format!(
            "`{name}` dated {} never takes effect in this run: its lag ({lag} months) puts it \
             on {soonest} or later, after {}",
            ev.date,
            last_month(sc, months)
        )
    } else {
        let p = tail(lag, (end - ev.date.month) as f64 - 0.5);
        let of_all = match ev.prob {
            Dist::Const(q) if q < 1.0 => format!(" ({} of all paths: prob {q})", pct(p * q)),
            Dist::Const(_) => String::new(),
            ref q => format!(" (prob {q})"),
        };
        format!(
            "`{name}` dated {} can take effect after {}: its lag ({lag} months) reaches {} \
             months{}, which puts it as late as {latest}, and past the last month on {} of the \
             paths where it happens{of_all}; on those paths it does not run",
            ev.date,
            last_month(sc, months),
            whole(longest(lag)),
            rare(lag),
            pct(p),
        )
    };
    Some(Warning {
        severity: Severity::Warning,
        at: sc.event_origins[i].at.clone(),
        key: key(sc, i),
        message,
        help: Some(run_through(
            sc,
            latest.month,
            "to include every date it can take",
            "shorten its `lag_months`",
        )),
    })
}

/// `" on 1 path in 10,000"` when the longest lag named is a quantile, not the lag's end.
fn rare(lag: &Dist) -> &'static str {
    if whole(lag.support().1.min(1e9)) > whole(longest(lag)) {
        " on 1 path in 10,000"
    } else {
        ""
    }
}

/// Tree `t`'s nodes, and node actions, that their lags can carry past the last month.
fn late_nodes(sc: &Scenario, months: usize, t: usize) -> Vec<Warning> {
    let tree = &sc.trees[t];
    let Some(origins) = sc.tree_origins.get(t) else {
        return Vec::new();
    };
    let end = sc.start + months as MonthIdx;
    let mut out = Vec::new();
    for (n, w) in super::tree_reach::reach(tree, sc.start)
        .windows
        .into_iter()
        .enumerate()
    {
        let (Some(early), Some(late)) = (w.early.map(|d| d.month), w.late) else {
            continue;
        };
        let Some(at) = origins.nodes.get(n) else {
            continue;
        };
        let id = &tree.nodes[n].id;
        let node_key = format!("{}.node[{}]", origins.prefix, n + 1);
        if late >= end && n != tree.start {
            let month = crate::policy::calendar::iso_month;
            let (when, then) = if early >= end {
                (
                    format!("is never entered by the end of {}", last_month(sc, months)),
                    format!(
                        "no earlier than {} (and as late as {}); its actions never run in \
                         this run",
                        month(early),
                        month(late)
                    ),
                )
            } else {
                (
                    format!(
                        "can be entered as late as {}, after {}",
                        month(late),
                        last_month(sc, months)
                    ),
                    "that late; on the paths where it comes later, its actions do not run".into(),
                )
            };
            out.push(Warning {
                severity: Severity::Warning,
                at: at.clone(),
                key: node_key,
                message: format!(
                    "node `{id}` of tree `{}` {when}: the exits that lead to it (their `at` \
                     dates, and their `after` lags at their longest, an unbounded lag at 1 \
                     path in 10,000) bring it {then}",
                    tree.id,
                ),
                help: Some(format!(
                    "{}; `events.csv` gives the share of paths that entered it by each month",
                    run_through(sc, late, "to see it on every path", "shorten those lags")
                )),
            });
            continue;
        }
        let mut shown = std::collections::HashSet::new();
        for ev in &tree.nodes[n].actions {
            let Some(lag) = &ev.lag_months else {
                continue;
            };
            let k = whole(longest(lag));
            if k == 0 || late + k < end {
                continue;
            }
            // A wildcard's actions share their written text: one finding for them.
            let text = describe::event(&sc.registry, ev);
            let what = format!("{} {} {}", text.lever, text.action, text.value);
            if !shown.insert(what.clone()) {
                continue;
            }
            out.push(Warning {
                severity: Severity::Warning,
                at: at.clone(),
                key: node_key.clone(),
                message: format!(
                    "the action `{what}` of node `{id}` (tree `{}`) can take effect after {}: \
                     the node is entered by {} at the latest, and its `after_months` ({lag}) \
                     reaches {k} months{}; on the paths where it lands later, it does not run",
                    tree.id,
                    last_month(sc, months),
                    crate::policy::calendar::iso_month(late),
                    rare(lag),
                ),
                help: Some(run_through(
                    sc,
                    late + k,
                    "to include every date it can take",
                    "shorten its `after_months`",
                )),
            });
        }
    }
    out
}
