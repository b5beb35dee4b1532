//! Which exits of an event tree can fire, and when each node can be entered (hostile round 10
//! #3; scenarios.md §5). One pass over the exit graph from `start` gives each node's earliest
//! entry date and latest entry month, following only the exits that can fire:
//!
//! - an `at` exit fires only if its node was entered on or before its date, so one dated
//!   before its node's earliest entry never fires;
//! - a `hazard` exit whose monthly values that can be in force are all 0 never fires (its
//!   `value` is not among them when a schedule step replaces it from the first month the
//!   hazard is checked: `tree_dead_keys`, hostile round 11 F2);
//! - an exit that an earlier exit of the same node always pre-empts never fires: exits are
//!   checked in the order written and the first that fires is taken, so an `after` exit whose
//!   lag is at most `k` months (or a `hazard` of a constant 1, which fires the month after
//!   entry) leaves no room for a later exit that cannot fire before month `k` in the node, and
//!   an `at` exit leaves none for a later `at` exit of the same month dated on or before it;
//! - a branch whose probability is always 0 never leads to its node.
//!
//! Entry dates follow the engine (`engine::tree_path`): an `at` exit enters on its date, any
//! other exit on the 1st of the month it fires in. The earliest entry of a node on a cycle is
//! the earliest entry into any node of the cycle, taken on the 1st of its month; this can only
//! make an entry earlier than it is, so an exit named here truly never fires. `late_lags` reads
//! the latest entries (a `hazard` or a cycle makes them open).

use super::overrides::{Severity, Warning};
use super::tree_dead_keys::hazard_can_fire;
use super::window::{longest, whole};
use super::{Origin, Scenario};
use crate::dist::Dist;
use crate::policy::calendar::{Date, MonthIdx};
use crate::policy::describe;
use crate::policy::tree::{Exit, ExitKind, Prob, Tree};

/// A node's entry dates: the earliest (`None`: no exit that can fire leads to it from the
/// start) and the latest month (`None` when a hazard or a cycle makes it open).
#[derive(Clone, Copy)]
pub(super) struct Window {
    pub early: Option<Date>,
    pub late: Option<MonthIdx>,
}

/// Why an exit never fires.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Never {
    /// An `at` exit dated before its node's earliest entry.
    Passed { entered: Date },
    /// A `hazard` exit whose value and schedule steps are all 0.
    ZeroHazard,
    /// Exit `.0` (0-based) of the same node always fires first.
    Shadowed(usize),
}

/// What [`reach`] finds for one tree.
pub(super) struct Reach {
    pub windows: Vec<Window>,
    /// Node by node, exit by exit: why the exit never fires (`None`: it can, or its node is
    /// never entered).
    pub never: Vec<Vec<Option<Never>>>,
    /// Node by node, exit by exit, branch by branch: the branch's probability is always 0.
    pub zero_branch: Vec<Vec<Vec<bool>>>,
}

/// Whether each branch of `e` has a probability that is always 0 (a `"rest"` is, when the
/// others always sum to 1).
fn zero_branches(e: &Exit) -> Vec<bool> {
    let lowest: f64 = e
        .probs
        .iter()
        .map(|p| match p {
            Prob::Dist(d) => d.support().0.clamp(0.0, 1.0),
            Prob::Rest => 0.0,
        })
        .sum();
    e.probs
        .iter()
        .map(|p| match p {
            _ if !e.branches() => false,
            Prob::Dist(d) => d.support().1 <= 0.0,
            Prob::Rest => lowest >= 1.0 - 1e-12,
        })
        .collect()
}

/// A lag as the engine rounds it: whole months, at least 0.
fn months(x: f64) -> f64 {
    x.round().max(0.0)
}

/// The months after its node's entry month by which exit `e` has surely fired when nothing
/// before it did (`None`: no such bound).
fn sure(e: &Exit) -> Option<f64> {
    match &e.kind {
        ExitKind::After { constant, dist } => {
            let hi = constant + dist.as_ref().map_or(0.0, |d| d.support().1);
            hi.is_finite().then(|| months(hi))
        }
        ExitKind::Hazard(Dist::Const(h))
            if *h >= 1.0
                && e.price_link == 0.0
                && e.schedule.iter().all(|s| s.value == Dist::Const(1.0)) =>
        {
            Some(1.0)
        }
        _ => None,
    }
}

/// The fewest months after its node's entry month in which exit `e` can fire.
fn first(e: &Exit) -> f64 {
    match &e.kind {
        ExitKind::After { constant, dist } => {
            months(constant + dist.as_ref().map_or(0.0, |d| d.support().0.max(0.0)))
        }
        ExitKind::Hazard(_) => 1.0,
        ExitKind::At(_) => 0.0,
    }
}

/// Why exit `k` of `exits` never fires whenever its node is entered, if it never does.
fn never_static(exits: &[Exit], k: usize) -> Option<Never> {
    let e = &exits[k];
    if matches!(e.kind, ExitKind::Hazard(_)) && !hazard_can_fire(e, None) {
        return Some(Never::ZeroHazard);
    }
    (0..k)
        .find(|&j| {
            let by = &exits[j];
            match (&by.kind, &e.kind) {
                (ExitKind::At(a), ExitKind::At(b)) => a.month == b.month && b <= a,
                _ => sure(by).is_some_and(|s| first(e) >= s),
            }
        })
        .map(Never::Shadowed)
}

/// The earliest entries of `tree` started in `start`, which exits never fire, and the latest
/// entries: one pass over the components of the exit graph in topological order (linear in
/// the exits, D152's long chains included).
pub(super) fn reach(tree: &Tree, start: MonthIdx) -> Reach {
    let n = tree.nodes.len();
    let mut never: Vec<Vec<Option<Never>>> = tree
        .nodes
        .iter()
        .map(|node| {
            (0..node.exits.len())
                .map(|k| never_static(&node.exits, k))
                .collect()
        })
        .collect();
    let zero_branch: Vec<Vec<Vec<bool>>> = tree
        .nodes
        .iter()
        .map(|node| node.exits.iter().map(zero_branches).collect())
        .collect();
    // The graph of the exits and branches that can fire, whatever the entry date.
    let mut first_edge = vec![0usize; n + 1];
    let mut adj: Vec<(usize, usize)> = Vec::new();
    for (u, node) in tree.nodes.iter().enumerate() {
        for (k, e) in node.exits.iter().enumerate() {
            if never[u][k].is_none() {
                let open = e.to.iter().zip(&zero_branch[u][k]).filter(|(_, z)| !**z);
                adj.extend(open.map(|(&v, _)| (v, k)));
            }
        }
        first_edge[u + 1] = adj.len();
    }
    let comp = super::tree_graph::tarjan(&first_edge, &adj);
    let comps = comp.iter().copied().max().map_or(0, |c| c + 1);
    let mut size = vec![0usize; comps];
    comp.iter().for_each(|&c| size[c] += 1);
    let cyclic = |u: usize| {
        size[comp[u]] > 1
            || adj[first_edge[u]..first_edge[u + 1]]
                .iter()
                .any(|e| e.0 == u)
    };
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by_key(|&u| std::cmp::Reverse(comp[u]));
    let mut w = vec![
        Window {
            early: None,
            late: None,
        };
        n
    ];
    w[tree.start] = Window {
        early: Some(Date {
            month: start,
            day: 1,
        }),
        late: Some(start),
    };
    // A cyclic component is one unit: every member may be entered from the earliest entry
    // into any of them (on the 1st of that month: a lag-0 exit enters on the 1st), and none
    // has a latest entry.
    for group in order.chunk_by(|a, b| comp[*a] == comp[*b]) {
        if cyclic(group[0]) {
            let early = group
                .iter()
                .filter_map(|&u| w[u].early)
                .min()
                .map(|d| Date {
                    month: d.month,
                    day: 1,
                });
            for &u in group {
                w[u] = Window { early, late: None };
            }
        }
        for &u in group {
            // A `from` step no later than the month after the node's earliest entry replaces
            // the hazard's `value` before it is used (hostile round 11 F2).
            let entered = w[u].early.map(|d| d.month);
            for (k, e) in tree.nodes[u].exits.iter().enumerate() {
                let hazard = matches!(e.kind, ExitKind::Hazard(_));
                if hazard && never[u][k].is_none() && !hazard_can_fire(e, entered) {
                    never[u][k] = Some(Never::ZeroHazard);
                }
            }
            relax(tree, &mut w, &never[u], &zero_branch[u], u);
        }
    }
    for (u, node) in tree.nodes.iter().enumerate() {
        let Some(entered) = w[u].early else {
            // A node never entered: its exits are not named one by one.
            never[u].iter_mut().for_each(|x| *x = None);
            continue;
        };
        for (k, e) in node.exits.iter().enumerate() {
            if let ExitKind::At(d) = e.kind {
                if never[u][k].is_none() && d < entered {
                    never[u][k] = Some(Never::Passed { entered });
                }
            }
        }
    }
    Reach {
        windows: w,
        never,
        zero_branch,
    }
}

/// Passes node `u`'s entry window on along its exits that can fire.
fn relax(tree: &Tree, w: &mut [Window], never: &[Option<Never>], zero: &[Vec<bool>], u: usize) {
    let Some(e0) = w[u].early else {
        return;
    };
    let late = w[u].late;
    for (k, exit) in tree.nodes[u].exits.iter().enumerate() {
        if never[k].is_some() {
            continue;
        }
        let (early, reach) = match &exit.kind {
            ExitKind::At(d) if e0 <= *d => (*d, Some(d.month)),
            ExitKind::At(_) => continue,
            ExitKind::After { constant, dist } => {
                let (lo, hi) = after_lag(*constant, dist.as_ref());
                let month = e0.month + lo;
                (Date { month, day: 1 }, late.map(|l| l + hi))
            }
            ExitKind::Hazard(_) => (
                Date {
                    month: e0.month + 1,
                    day: 1,
                },
                None,
            ),
        };
        for (&v, _) in exit.to.iter().zip(&zero[k]).filter(|(_, z)| !**z) {
            let was = w[v];
            let late = match (was.early, was.late) {
                (None, _) => reach,
                (Some(_), Some(l)) => reach.map(|r| r.max(l)),
                (Some(_), None) => None,
            };
            w[v] = Window {
                early: Some(was.early.map_or(early, |x| x.min(early))),
                late,
            };
        }
    }
}

/// The `after` lag of an exit: its shortest and longest whole months (the longest at 1 path
/// in 10,000 for an unbounded lag).
fn after_lag(constant: f64, dist: Option<&Dist>) -> (MonthIdx, MonthIdx) {
    let (lo, hi) = dist.map_or((0.0, 0.0), |d| (d.support().0.max(0.0), longest(d)));
    (whole(constant + lo), whole(constant + hi))
}

/// `exit 2 of node `a` (`after 0 months -> b`)`, with `of tree `t`` after the node when
/// `tree_id`.
pub(super) fn exit_name(tree: &Tree, n: usize, k: usize, tree_id: bool) -> String {
    let e = &tree.nodes[n].exits[k];
    let of = if tree_id {
        format!(" of tree `{}`", tree.id)
    } else {
        String::new()
    };
    format!(
        "exit {} of node `{}`{of} (`{} -> {}`)",
        k + 1,
        tree.nodes[n].id,
        describe::exit_when(e),
        describe::exit_targets(tree, e)
    )
}

/// Tree `t`'s exits that never fire and branches never taken, and the nodes that therefore
/// are never entered though an exit names them (`skip`: the nodes no exit names at all, which
/// `tree_graph` reports), in node order.
pub(super) fn findings(sc: &Scenario, t: usize, skip: &[usize]) -> Vec<Warning> {
    let tree = &sc.trees[t];
    let Some(origins) = sc.tree_origins.get(t) else {
        return Vec::new();
    };
    let r = reach(tree, sc.start);
    let mut out = super::tree_dead_keys::dead_values(sc, t, &r.windows);
    out.extend(super::tree_dead_keys::dead_cancels(sc, t));
    let exit_at = |n: usize, k: usize| {
        origins
            .exits
            .get(n)
            .and_then(|e| e.get(k))
            .or(origins.nodes.get(n))
            .cloned()
    };
    for (n, node) in tree.nodes.iter().enumerate() {
        if skip.contains(&n) {
            continue;
        }
        let node_key = format!("{}.node[{}]", origins.prefix, n + 1);
        if r.windows[n].early.is_none() {
            if let Some(at) = origins.nodes.get(n) {
                out.push(unentered(tree, &r, n, at.clone(), node_key, &exit_at));
            }
            continue;
        }
        for k in 0..node.exits.len() {
            let Some(at) = exit_at(n, k) else { continue };
            let key = format!("{node_key}.exits[{}]", k + 1);
            let name = exit_name(tree, n, k, true);
            let Some(why) = r.never[n][k] else {
                for (b, _) in r.zero_branch[n][k].iter().enumerate().filter(|x| *x.1) {
                    out.push(Warning {
                        severity: Severity::Warning,
                        at: at.clone(),
                        key: key.clone(),
                        message: format!(
                            "the branch to `{}` of {name} is never taken: its probability is 0",
                            tree.nodes[node.exits[k].to[b]].id
                        ),
                        help: Some(
                            "give the branch a probability above 0, or remove it from `to` and \
                             `probs` (docs/scenarios.md §5)"
                                .into(),
                        ),
                    });
                }
                continue;
            };
            let (why, help) = match why {
                Never::Passed { entered } => (
                    format!(
                        "the node is entered no earlier than {entered}, after the exit's date, \
                         and an `at` exit fires only if its node was entered on or before its \
                         date"
                    ),
                    format!(
                        "date the exit on or after {entered}, or let the node be entered by the \
                         exit's date (shorten the lags, or move the dates, of the exits that \
                         lead to it; docs/scenarios.md §5)"
                    ),
                ),
                Never::ZeroHazard => (
                    "its monthly probability is 0 in every month it is checked (a `value` that \
                     a schedule step replaces from the first checked month does not count)"
                        .into(),
                    "give it a monthly probability above 0 (e.g. `value = 0.05`), or remove \
                     the exit (docs/scenarios.md §5)"
                        .into(),
                ),
                Never::Shadowed(j) => (
                    format!(
                        "exits are checked in the order written and the first that fires is \
                         taken, and {} always fires first",
                        exit_name(tree, n, j, false)
                    ),
                    format!(
                        "put this exit before exit {}, or change the two exits' timing \
                         (docs/scenarios.md §5)",
                        j + 1
                    ),
                ),
            };
            out.push(Warning {
                severity: Severity::Warning,
                at,
                key,
                message: format!("{name} never fires: {why}"),
                help: Some(help),
            });
        }
    }
    out
}

/// Node `n`, which exits name but none that fires takes a path to: the warning, naming
/// those exits (at most three).
fn unentered(
    tree: &Tree,
    r: &Reach,
    n: usize,
    at: Origin,
    key: String,
    exit_at: &dyn Fn(usize, usize) -> Option<Origin>,
) -> Warning {
    let mut why: Vec<String> = Vec::new();
    for (u, node) in tree.nodes.iter().enumerate() {
        for (k, e) in node.exits.iter().enumerate() {
            for (b, _) in e.to.iter().enumerate().filter(|x| *x.1 == n) {
                let whose = if r.windows[u].early.is_none() {
                    format!("leaves node `{}`, which is never entered", node.id)
                } else if r.never[u][k].is_some() {
                    "never fires".to_string()
                } else if r.zero_branch[u][k][b] {
                    "gives it probability 0".to_string()
                } else {
                    // Dated before this node's entry is possible: `Passed` is set only for
                    // entered nodes, which this exit's node is.
                    "cannot fire after its node is entered".to_string()
                };
                let at = exit_at(u, k).map_or(String::new(), |a| format!(" at {a}"));
                why.push(format!("exit {} of node `{}`{at} {whose}", k + 1, node.id));
            }
        }
    }
    let more = why.len().saturating_sub(3);
    why.truncate(3);
    let list = if more > 0 {
        format!("{}, and {more} more", why.join("; "))
    } else {
        why.join("; ")
    };
    Warning {
        severity: Severity::Warning,
        at,
        key,
        message: format!(
            "node `{}` of tree `{}` is never entered; its actions never apply",
            tree.nodes[n].id, tree.id
        ),
        help: Some(format!(
            "the exits that lead to it never take a path there: {list}; fix them (see their \
             warnings), or remove the node (docs/scenarios.md §5)"
        )),
    }
}
