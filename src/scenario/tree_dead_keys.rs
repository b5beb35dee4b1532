//! Tree keys that can never take effect (hostile round 11 F2, F3; scenarios.md §5):
//!
//! - a `hazard` exit's `value` when a schedule step replaces it from the first month the
//!   hazard is checked (the month after entry): `after_months = 0` or `1`, or a `from` month
//!   no later than the month after the node's earliest entry. The never-fires rule of
//!   `tree_reach` reads only the values that can be in force ([`hazard_can_fire`]);
//! - `cancel_on_exit` and `cancelled_by` on an action that takes effect on entry (no
//!   `after_months`, or one that rounds to 0 on every draw) in a node no path can leave within
//!   its entry month (`Node::cancel_never_acts`): nothing is ever pending to withdraw.

use super::overrides::{Severity, Warning};
use super::tree_reach::{exit_name, Window};
use super::Scenario;
use crate::policy::calendar::{iso_month, MonthIdx};
use crate::policy::tree::{Exit, ExitKind, StepStart};

/// The last schedule step of hazard exit `e` that applies from the first month the hazard is
/// checked, for a node entered no earlier than month `entered` (`None`: not known, so only
/// `after_months` steps are judged). Steps start in increasing order, so the value and every
/// step before it are never in force.
pub(super) fn first_step(e: &Exit, entered: Option<MonthIdx>) -> Option<usize> {
    e.schedule.iter().rposition(|s| match s.start {
        StepStart::InNode(k) => k <= 1,
        StepStart::Month(m) => entered.is_some_and(|en| en + 1 >= m),
    })
}

/// Whether a `hazard` exit's monthly probability can be above 0 in some month: one of the
/// values that can be in force (its `value` unless [`first_step`] replaces it, and the steps
/// from that one on) can be above 0 (the price link only scales it).
pub(super) fn hazard_can_fire(e: &Exit, entered: Option<MonthIdx>) -> bool {
    let first = first_step(e, entered);
    let value = matches!(&e.kind, ExitKind::Hazard(v) if first.is_none() && v.support().1 > 0.0);
    value
        || e.schedule[first.unwrap_or(0)..]
            .iter()
            .any(|s| s.value.support().1 > 0.0)
}

/// Tree `t`'s hazard `value`s that never apply, at the `value` (its exit when unknown), for the
/// nodes that can be entered (`windows` from `tree_reach::reach`).
pub(super) fn dead_values(sc: &Scenario, t: usize, windows: &[Window]) -> Vec<Warning> {
    let tree = &sc.trees[t];
    let Some(origins) = sc.tree_origins.get(t) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (n, node) in tree.nodes.iter().enumerate() {
        let Some(early) = windows.get(n).and_then(|w| w.early) else {
            continue;
        };
        for (k, e) in node.exits.iter().enumerate() {
            let ExitKind::Hazard(v) = &e.kind else {
                continue;
            };
            let Some(j) = first_step(e, Some(early.month)) else {
                continue;
            };
            let at = origins
                .values
                .get(n)
                .and_then(|x| x.get(k))
                .cloned()
                .flatten();
            let Some(at) = at.or_else(|| origins.exits.get(n)?.get(k).cloned()) else {
                continue;
            };
            let step = &e.schedule[j];
            let (written, later) = match step.start {
                StepStart::InNode(m) => {
                    (format!("after_months = {m}"), "`after_months = 2`".into())
                }
                StepStart::Month(m) => (
                    format!("from = \"{}\"", iso_month(m)),
                    format!(
                        "`from` later than {}: the node is entered no earlier than {early}",
                        iso_month(early.month + 1)
                    ),
                ),
            };
            out.push(Warning {
                severity: Severity::Warning,
                at,
                key: format!("{}.node[{}].exits[{}].value", origins.prefix, n + 1, k + 1),
                message: format!(
                    "the `value` {v} of {} never applies: a hazard is checked from the month \
                     after its node is entered, and the schedule step `{written}` (value {}) \
                     replaces it from that month",
                    exit_name(tree, n, k, true),
                    step.value
                ),
                help: Some(format!(
                    "to use {v} first, start the step later ({later}); otherwise write the \
                     step's value as `value` and drop the step, so the file says what the run \
                     does (docs/scenarios.md §5)"
                )),
            });
        }
    }
    out
}

/// Tree `t`'s `cancel_on_exit` and `cancelled_by` keys that never withdraw anything, at the
/// key, once per written action (a wildcard's copies share one).
pub(super) fn dead_cancels(sc: &Scenario, t: usize) -> Vec<Warning> {
    let tree = &sc.trees[t];
    let Some(origins) = sc.tree_origins.get(t) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut shown = std::collections::HashSet::new();
    for (n, node) in tree.nodes.iter().enumerate() {
        for a in 0..node.actions.len() {
            let (Some(c), Some(keys)) = (
                node.cancel.get(a),
                origins.cancel_keys.get(n).and_then(|x| x.get(a)),
            ) else {
                continue;
            };
            if !c.any() || !node.cancel_never_acts(a) {
                continue;
            }
            let lever = &sc.registry.def(node.actions[a].lever).name;
            let set = [c.on_exit, !c.on_entering.is_empty()];
            for (i, name) in ["cancel_on_exit", "cancelled_by"].into_iter().enumerate() {
                let Some(at) = keys[i].as_ref().filter(|_| set[i]) else {
                    continue;
                };
                if !shown.insert(at.clone()) {
                    continue;
                }
                let left = if i == 0 {
                    "the node is left"
                } else {
                    "a node it names is entered"
                };
                out.push(Warning {
                    severity: Severity::Warning,
                    at: at.clone(),
                    key: format!("{}.node[{}].actions.{name}", origins.prefix, n + 1),
                    message: format!(
                        "`{name}` on the action `{lever}` of node `{}` of tree `{}` has no \
                         effect: the action applies on entry (no `after_months`, or one that \
                         rounds to 0), and no exit of the node fires in its entry month, so \
                         it is in force before {left}",
                        node.id, tree.id
                    ),
                    help: Some(format!(
                        "give the action a delay (`after_months = 1` or more) if it should \
                         wait and be withdrawn, or remove `{name}` (docs/scenarios.md §5)"
                    )),
                });
            }
        }
    }
    out
}
