//! The exit graph of one event tree (scenarios.md §5, D140): cycles of exits that take no time
//! (an error: a path in one goes round it up to 64 times a month, re-applying the nodes'
//! actions) and nodes no exit leads to from `start` (a warning: their actions never apply).

use super::overrides::{Severity, Warning};
use super::raw_tree::RawTree;
use super::walker::Walker;
use super::Scenario;
use crate::policy::calendar::Date;
use crate::policy::tree::{ExitKind, Tree};
use std::collections::VecDeque;

/// How long an exit can take after its node is entered, for the cycle check.
#[derive(Clone, Copy, PartialEq)]
enum Delay {
    /// An `after` exit whose lag always rounds to 0: it fires in the month of entry.
    Zero,
    /// An `at` exit: it fires in its date's month whenever the node was entered on or before
    /// that date, so it can fire again in the same month.
    At(Date),
}

/// One zero-delay edge: node `from`, its exit `exit`, to node `to`.
struct Edge {
    from: usize,
    exit: usize,
    to: usize,
    delay: Delay,
}

/// Whether an `after` lag (`constant + dist`, rounded, at least 0) is always 0.
fn always_zero(constant: f64, dist: Option<&crate::dist::Dist>) -> bool {
    constant + dist.map_or(0.0, |d| d.support().1) < 0.5
}

fn zero_delay_edges(tree: &Tree) -> Vec<Edge> {
    let mut out = Vec::new();
    for (from, n) in tree.nodes.iter().enumerate() {
        for (exit, e) in n.exits.iter().enumerate() {
            let delay = match &e.kind {
                ExitKind::After { constant, dist } if always_zero(*constant, dist.as_ref()) => {
                    Delay::Zero
                }
                ExitKind::At(d) => Delay::At(*d),
                _ => continue,
            };
            for &to in &e.to {
                out.push(Edge {
                    from,
                    exit,
                    to,
                    delay,
                });
            }
        }
    }
    out
}

/// A shortest path from `a` to `b` over the edges `ok` accepts, as node indices (`a` first).
fn path(edges: &[Edge], a: usize, b: usize, ok: &dyn Fn(&Edge) -> bool) -> Option<Vec<usize>> {
    let mut prev: Vec<Option<usize>> = Vec::new();
    let mut seen = vec![a];
    let mut q = VecDeque::from([a]);
    prev.push(None);
    while let Some(u) = q.pop_front() {
        if u == b {
            let mut out = vec![u];
            let mut i = seen.iter().position(|&x| x == u).unwrap();
            while let Some(p) = prev[i] {
                out.push(seen[p]);
                i = p;
            }
            out.reverse();
            return Some(out);
        }
        let ui = seen.iter().position(|&x| x == u).unwrap();
        for e in edges.iter().filter(|e| e.from == u && ok(e)) {
            if !seen.contains(&e.to) {
                seen.push(e.to);
                prev.push(Some(ui));
                q.push_back(e.to);
            }
        }
    }
    None
}

/// Every cycle of exits that can all fire in one month, each once (as its node names, the
/// closing edge's node first) with the closing exit `(node, exit)`.
fn zero_delay_cycles(tree: &Tree) -> Vec<(Vec<usize>, (usize, usize))> {
    let edges = zero_delay_edges(tree);
    let mut months: Vec<Option<i32>> = vec![None];
    for e in &edges {
        if let Delay::At(d) = e.delay {
            if !months.contains(&Some(d.month)) {
                months.push(Some(d.month));
            }
        }
    }
    let mut found: Vec<(Vec<usize>, (usize, usize))> = Vec::new();
    let mut push = |cycle: Vec<usize>, at: (usize, usize)| {
        let mut key = cycle.clone();
        key.sort_unstable();
        key.dedup();
        if !found.iter().any(|(c, _)| {
            let mut k = c.clone();
            k.sort_unstable();
            k.dedup();
            k == key
        }) {
            found.push((cycle, at));
        }
    };
    for e in &edges {
        let cycle = match e.delay {
            // A lag-0 exit: entering its target on the 1st of the month re-arms every `at`
            // exit of that month, so the cycle may use `at` exits of one month.
            Delay::Zero => months.iter().find_map(|m| {
                path(&edges, e.to, e.from, &|x| match x.delay {
                    Delay::Zero => true,
                    Delay::At(d) => Some(d.month) == *m,
                })
            }),
            // Only `at` exits: the entry date never goes back, so they loop only on one date.
            Delay::At(d) => path(&edges, e.to, e.from, &|x| x.delay == Delay::At(d)),
        };
        if let Some(p) = cycle {
            let mut c = vec![e.from];
            c.extend(p);
            push(c, (e.from, e.exit));
        }
    }
    found
}

/// Reports every zero-delay cycle of `tree` (resolved from `raw`) as an error; whether there
/// was none.
pub(super) fn check_cycles(w: &mut Walker<'_>, raw: &RawTree<'_>, tree: &Tree) -> bool {
    let cycles = zero_delay_cycles(tree);
    for (c, (n, k)) in &cycles {
        let names: Vec<String> = c
            .iter()
            .map(|&i| format!("`{}`", tree.nodes[i].id))
            .collect();
        let e = &raw.nodes[*n].exits[*k];
        w.err(
            e.span.clone(),
            &e.prefix,
            format!(
                "the exits {} of tree `{}` form a cycle that takes no time: a path in it would go \
                 round it up to 64 times each month, re-applying the nodes' actions",
                names.join(" → "),
                tree.id
            ),
            Some(
                "give one exit of the cycle a lag of at least one month (`lag = 1`), or make it a \
                 `hazard` exit (scenarios.md §5, D140)"
                    .into(),
            ),
        );
    }
    cycles.is_empty()
}

/// The nodes of `tree` that no chain of exits reaches from `start`.
fn unreachable(tree: &Tree) -> Vec<usize> {
    let mut seen = vec![false; tree.nodes.len()];
    seen[tree.start] = true;
    let mut q = VecDeque::from([tree.start]);
    while let Some(u) = q.pop_front() {
        for e in &tree.nodes[u].exits {
            for &v in &e.to {
                if !seen[v] {
                    seen[v] = true;
                    q.push_back(v);
                }
            }
        }
    }
    (0..tree.nodes.len()).filter(|&i| !seen[i]).collect()
}

/// Nodes never entered (no exit leads to them from `start`): valid, but their actions never
/// apply, which a file rarely means (a typo in a `to`, a forgotten exit).
pub fn tree_findings(sc: &Scenario) -> Vec<Warning> {
    let mut out = Vec::new();
    for (t, tree) in sc.trees.iter().enumerate() {
        for n in unreachable(tree) {
            let Some(at) = sc.tree_origins.get(t).and_then(|o| o.nodes.get(n)) else {
                continue;
            };
            out.push(Warning {
                severity: Severity::Warning,
                at: at.clone(),
                key: format!("{}.node[{}]", sc.tree_origins[t].prefix, n + 1),
                message: format!(
                    "node `{}` of tree `{}` is never entered; its actions never apply",
                    tree.nodes[n].id, tree.id
                ),
                help: Some(format!(
                    "no exit leads to it from the start node `{}`: add it to an exit's `to`, \
                     or remove the node",
                    tree.nodes[tree.start].id
                )),
            });
        }
    }
    out
}
