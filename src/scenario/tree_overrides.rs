//! Where an inherited tree's node action can replace a later file's event (hostile round 9
//! #2; docs/scenarios.md §1.7 and §5): the tree-action counterpart of D135's check on
//! inherited `[[event]]`s. A node is entered whenever a path reaches it, which a `hazard` exit
//! makes any month; its `set`, `ramp` or `pulse` on a lever then replaces the value a later
//! file's event gave that lever, from that date to the end of the run.
//!
//! The latest date each node can be entered is found on the exit graph from `start`: an `at`
//! exit enters on its date, a `hazard` exit (whose monthly value can be above 0) in any month
//! up to the horizon's last, an `after` exit up to its longest lag after its node's latest
//! entry (the `1 − 10^-12` quantile of an unbounded lag, as D157 takes the `10^-12` one for the
//! shortest). An action lands up to its longest `after_months` later. Action probabilities and
//! `cancel_*` are not used: the check says where it *can* happen; a node that no exit able to
//! fire leads to (`tree_reach`: an `at` exit dated before its node's entry, a branch of
//! probability 0, …) is left out, since its own warning says it is never entered.

use super::overrides::{key, lagged, months_on, Severity, Warning, NEVER};
use super::Scenario;
use crate::dist::Dist;
use crate::policy::calendar::{Date, MonthIdx};
use crate::policy::events::Action;
use crate::policy::levers::LeverKind;
use crate::policy::tree::{ExitKind, Tree};
use std::collections::HashMap;

/// The longest lag of `d` that a path draws with probability above [`NEVER`], in months.
fn longest_lag(d: &Dist) -> f64 {
    let hi = d.support().1;
    let q = d.quantile(1.0 - NEVER);
    if q.is_nan() {
        hi
    } else {
        hi.min(q)
    }
}

/// The latest date each node of `tree` can be entered within the horizon (`None`: never),
/// and whether that is "any month" because a `hazard` exit leads there.
fn latest_entries(tree: &Tree, start: MonthIdx, end: MonthIdx) -> Vec<Option<(Date, bool)>> {
    let last = Date {
        month: end - 1,
        day: 1,
    };
    let cap = |d: Date| if d.month >= end { last } else { d };
    let mut latest: Vec<Option<(Date, bool)>> = vec![None; tree.nodes.len()];
    latest[tree.start] = Some((
        Date {
            month: start,
            day: 1,
        },
        false,
    ));
    let mut work = vec![tree.start];
    while let Some(u) = work.pop() {
        let Some((lu, hu)) = latest[u] else { continue };
        for e in &tree.nodes[u].exits {
            let cand = match &e.kind {
                ExitKind::At(d) if d.month < end => (*d, false),
                ExitKind::At(_) => continue,
                ExitKind::Hazard(_) if !super::tree_dead_keys::hazard_can_fire(e, None) => continue,
                ExitKind::Hazard(_) => (last, true),
                ExitKind::After { constant, dist } => {
                    let k = constant + dist.as_ref().map_or(0.0, longest_lag);
                    (cap(months_on(lu, k)), hu)
                }
            };
            for &t in &e.to {
                let better = match latest[t] {
                    None => true,
                    Some((d, h)) => cand.0 > d || (cand.0 == d && cand.1 && !h),
                };
                if better {
                    latest[t] = Some(cand);
                    work.push(t);
                }
            }
        }
    }
    latest
}

/// One node action that can land late: tree, node, the latest date, whether by a hazard,
/// the action's probability.
struct Late {
    tree: usize,
    node: usize,
    land: Date,
    hazard: bool,
    prob: Dist,
    action: &'static str,
}

/// For every event of a later file than an inherited tree: a warning when one of the tree's
/// node actions on the same lever (`set`, `ramp`, `pulse`) can take effect after it.
pub(super) fn tree_overrides(sc: &Scenario, rank: &[usize]) -> Vec<Warning> {
    if sc.trees.is_empty() {
        return Vec::new();
    }
    let end = sc.start + sc.months as MonthIdx;
    let tree_rank: Vec<usize> = sc
        .tree_origins
        .iter()
        .map(|o| sc.files.iter().position(|f| *f == o.at.file).unwrap_or(0))
        .collect();
    // Lever → the node actions on it that can land, with their latest date.
    let mut by: HashMap<usize, Vec<Late>> = HashMap::new();
    for (t, tree) in sc.trees.iter().enumerate() {
        let latest = latest_entries(tree, sc.start, end);
        // A node no exit that can fire leads to is named by its own warning (`tree_reach`).
        let entered = super::tree_reach::reach(tree, sc.start).windows;
        for (n, node) in tree.nodes.iter().enumerate() {
            let Some((entry, hazard)) = latest[n] else {
                continue;
            };
            if entered[n].early.is_none() {
                continue;
            }
            for a in &node.actions {
                let action = match a.action {
                    Action::Set => "sets",
                    Action::Ramp { .. } => "ramps",
                    Action::Pulse => "pulses",
                    _ => continue,
                };
                let after = a.lag_months.as_ref().map_or(0.0, longest_lag);
                let land = months_on(entry, after);
                let land = if land.month >= end {
                    Date {
                        month: end - 1,
                        day: 1,
                    }
                } else {
                    land
                };
                by.entry(a.lever).or_default().push(Late {
                    tree: t,
                    node: n,
                    land,
                    hazard: hazard && after.round() <= 0.0,
                    prob: a.prob,
                    action,
                });
            }
        }
    }
    let mut out = Vec::new();
    for (i, ev) in sc.events.iter().enumerate() {
        if matches!(sc.registry.def(ev.lever).kind, LeverKind::Action(_)) {
            continue;
        }
        let Some(cands) = by.get(&ev.lever) else {
            continue;
        };
        let mine = lagged(ev).0;
        // Per inherited tree, its nodes' actions that can land after this event.
        let mut per_tree: Vec<(usize, Vec<&Late>)> = Vec::new();
        for l in cands
            .iter()
            .filter(|l| tree_rank[l.tree] < rank[i] && l.land > mine)
        {
            match per_tree.iter_mut().find(|(t, _)| *t == l.tree) {
                Some((_, v)) => v.push(l),
                None => per_tree.push((l.tree, vec![l])),
            }
        }
        for (t, lates) in per_tree {
            out.push(warning(sc, i, t, &lates));
        }
    }
    out
}

fn warning(sc: &Scenario, i: usize, t: usize, lates: &[&Late]) -> Warning {
    let ev = &sc.events[i];
    let tree = &sc.trees[t];
    let lever = &sc.registry.def(ev.lever).name;
    let latest = lates.iter().map(|l| l.land).max().expect("one at least");
    let any_month = lates.iter().any(|l| l.hazard);
    const SHOWN: usize = 3;
    let mut parts: Vec<String> = lates
        .iter()
        .take(SHOWN)
        .map(|l| {
            let chance = if l.prob != Dist::Const(1.0) {
                format!(" (probability {})", l.prob)
            } else {
                String::new()
            };
            let when = if l.hazard {
                "in any month (a `hazard` exit leads to it)".to_string()
            } else {
                format!("as late as {}", l.land)
            };
            format!(
                "node `{}` at {} {} it{chance} on entry, {when}",
                tree.nodes[l.node].id, sc.tree_origins[t].nodes[l.node], l.action
            )
        })
        .collect();
    if lates.len() > SHOWN {
        parts.push(format!("and {} more nodes", lates.len() - SHOWN));
    }
    let message = format!(
        "{} can be replaced by the inherited tree `{}` at {}: {}; on those paths your value \
         holds only until that node's action lands",
        super::overrides::written(sc, ev, latest),
        tree.id,
        sc.tree_origins[t].at,
        parts.join("; ")
    );
    let date_it = if any_month {
        String::new()
    } else {
        format!(", or date yours after {latest}")
    };
    Warning {
        severity: Severity::Warning,
        at: sc.event_origins[i].at.clone(),
        key: key(sc, i),
        message,
        help: Some(format!(
            "to keep your value, drop the inherited tree with `remove_trees = [\"{0}\"]` at the \
             top of this file, or write your own version of it, a `[[tree]]` with `replaces = \
             \"{0}\"` whose nodes leave `{lever}` alone{date_it} (docs/scenarios.md §5)",
            tree.id
        )),
    }
}
