//! The exit graph of one event tree (scenarios.md §5, D140): cycles of exits that take no time
//! (an error: a path in one goes round it up to 64 times a month, re-applying the nodes'
//! actions) and nodes no exit leads to from `start` (a warning: their actions never apply).

use super::overrides::{Severity, Warning};
use super::raw_tree::RawTree;
use super::walker::Walker;
use super::Scenario;
use crate::policy::calendar::Date;
use crate::policy::tree::{ExitKind, Tree};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

/// How long an exit can take after its node is entered, for the cycle check.
#[derive(Clone, Copy, PartialEq)]
enum Delay {
    /// An `after` exit whose lag rounds to 0 on at least half of the draws: on most paths it
    /// fires in the month of entry.
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

/// Whether an `after` lag (`constant + dist`, rounded, at least 0) is 0 on at least half of
/// the draws (hostile round 7 #5): judged by the lag's median, not its support, since a lag
/// such as `{ poisson = 1e-9 }` or `{ beta = [1, 1000] }` can reach a month but almost never
/// does, and a cycle of such exits loops up to the month's limit on nearly every path.
fn mostly_zero(constant: f64, dist: Option<&crate::dist::Dist>) -> bool {
    let median = dist.map_or(0.0, |d| {
        let q = d.quantile(0.5);
        if q.is_nan() {
            d.median()
        } else {
            q
        }
    });
    constant + median < 0.5
}

fn zero_delay_edges(tree: &Tree) -> Vec<Edge> {
    let mut out = Vec::new();
    for (from, n) in tree.nodes.iter().enumerate() {
        for (exit, e) in n.exits.iter().enumerate() {
            let delay = match &e.kind {
                ExitKind::After { constant, dist } if mostly_zero(*constant, dist.as_ref()) => {
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

/// A graph made of some of the zero-delay edges, its nodes renumbered `0..k` in order of first
/// mention, with its strongly connected components (Tarjan's algorithm, without recursion, so
/// a chain of 100,000 nodes needs no deep stack): linear in its edges.
struct ClassGraph {
    /// Global node index → local index, and back.
    local: HashMap<usize, usize>,
    global: Vec<usize>,
    /// Adjacency as CSR: the edges out of local node `u` are `adj[start[u]..start[u + 1]]`,
    /// each `(local target, edge index)`.
    start: Vec<usize>,
    adj: Vec<(usize, usize)>,
    /// The component of each local node.
    comp: Vec<usize>,
}

impl ClassGraph {
    fn new(edges: &[Edge], class: &[usize]) -> ClassGraph {
        let mut local: HashMap<usize, usize> = HashMap::new();
        let mut global = Vec::new();
        for &i in class {
            for x in [edges[i].from, edges[i].to] {
                local.entry(x).or_insert_with(|| {
                    global.push(x);
                    global.len() - 1
                });
            }
        }
        let k = local.len();
        let mut start = vec![0usize; k + 1];
        for &i in class {
            start[local[&edges[i].from] + 1] += 1;
        }
        for u in 0..k {
            start[u + 1] += start[u];
        }
        let mut fill = start.clone();
        let mut adj = vec![(0, 0); class.len()];
        for &i in class {
            let u = local[&edges[i].from];
            adj[fill[u]] = (local[&edges[i].to], i);
            fill[u] += 1;
        }
        let comp = tarjan(&start, &adj);
        ClassGraph {
            local,
            global,
            start,
            adj,
            comp,
        }
    }

    /// The component of edge `e` when both its ends are in one (the edge lies on a cycle).
    fn cyclic(&self, e: &Edge) -> Option<usize> {
        let (a, b) = (self.local[&e.from], self.local[&e.to]);
        (self.comp[a] == self.comp[b]).then_some(self.comp[a])
    }

    /// A shortest path from `a` to `b` (global indices, in one component), as global node
    /// indices, `a` first.
    fn path(&self, a: usize, b: usize) -> Vec<usize> {
        let (la, lb) = (self.local[&a], self.local[&b]);
        let c = self.comp[la];
        let mut prev: HashMap<usize, usize> = HashMap::from([(la, la)]);
        let mut q = VecDeque::from([la]);
        while let Some(u) = q.pop_front() {
            if u == lb {
                break;
            }
            for &(v, _) in &self.adj[self.start[u]..self.start[u + 1]] {
                if self.comp[v] == c && !prev.contains_key(&v) {
                    prev.insert(v, u);
                    q.push_back(v);
                }
            }
        }
        let mut out = vec![self.global[lb]];
        let mut u = lb;
        while u != la {
            u = prev[&u];
            out.push(self.global[u]);
        }
        out.reverse();
        out
    }
}

/// Tarjan's strongly connected components of the CSR graph `start`/`adj` (see
/// [`ClassGraph`]), with an explicit stack: the component of each node. Components are
/// numbered sinks first: an edge between two components goes to the smaller number.
pub(super) fn tarjan(start: &[usize], adj: &[(usize, usize)]) -> Vec<usize> {
    const NONE: usize = usize::MAX;
    let n = start.len() - 1;
    let (mut index, mut low) = (vec![NONE; n], vec![0usize; n]);
    let mut on_stack = vec![false; n];
    let mut comp = vec![NONE; n];
    let mut stack: Vec<usize> = Vec::new();
    // (node, position of its next edge in `adj`)
    let mut call: Vec<(usize, usize)> = Vec::new();
    let (mut next, mut count) = (0usize, 0usize);
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        call.push((root, start[root]));
        while let Some(&(u, pos)) = call.last() {
            if pos < start[u + 1] {
                call.last_mut().expect("not empty").1 += 1;
                let v = adj[pos].0;
                if index[v] == NONE {
                    index[v] = next;
                    low[v] = next;
                    next += 1;
                    stack.push(v);
                    on_stack[v] = true;
                    call.push((v, start[v]));
                } else if on_stack[v] {
                    low[u] = low[u].min(index[v]);
                }
                continue;
            }
            call.pop();
            if let Some(&(p, _)) = call.last() {
                low[p] = low[p].min(low[u]);
            }
            if low[u] == index[u] {
                while let Some(x) = stack.pop() {
                    on_stack[x] = false;
                    comp[x] = count;
                    if x == u {
                        break;
                    }
                }
                count += 1;
            }
        }
    }
    comp
}

/// The nodes reached from `from` along the zero-lag edges `adj` (CSR over all nodes, each entry
/// a target), marked with `stamp` in `mark`.
fn reach(start: &[usize], adj: &[usize], from: &[usize], mark: &mut [u32], stamp: u32) {
    let mut q: Vec<usize> = Vec::new();
    for &x in from {
        if mark[x] != stamp {
            mark[x] = stamp;
            q.push(x);
        }
    }
    while let Some(u) = q.pop() {
        for &v in &adj[start[u]..start[u + 1]] {
            if mark[v] != stamp {
                mark[v] = stamp;
                q.push(v);
            }
        }
    }
}

/// CSR adjacency over `n` nodes of the pairs `(u, v)`: targets `adj[start[u]..start[u + 1]]`.
fn csr(n: usize, pairs: impl Iterator<Item = (usize, usize)> + Clone) -> (Vec<usize>, Vec<usize>) {
    let mut start = vec![0usize; n + 1];
    for (u, _) in pairs.clone() {
        start[u + 1] += 1;
    }
    for u in 0..n {
        start[u + 1] += start[u];
    }
    let mut fill = start.clone();
    let mut adj = vec![0usize; start[n]];
    for (u, v) in pairs {
        adj[fill[u]] = v;
        fill[u] += 1;
    }
    (start, adj)
}

/// The cycles of the edges `class` (indices into `edges`, in increasing order) that close at an
/// edge `closes` accepts: one per strongly connected component, closed at its first such edge,
/// as `(closing edge, nodes of the cycle from the closing edge's node)`. Returns the edges that
/// lie on a cycle, for `taken`.
fn class_cycles(
    edges: &[Edge],
    class: &[usize],
    closes: &dyn Fn(usize) -> bool,
    found: &mut Vec<(usize, Vec<usize>)>,
) -> Vec<usize> {
    let g = ClassGraph::new(edges, class);
    let mut done: HashSet<usize> = HashSet::new();
    let mut on_cycle = Vec::new();
    for &i in class {
        let Some(c) = g.cyclic(&edges[i]) else {
            continue;
        };
        if !closes(i) {
            continue;
        }
        on_cycle.push(i);
        if done.insert(c) {
            let e = &edges[i];
            let mut cycle = vec![e.from];
            cycle.extend(g.path(e.to, e.from));
            found.push((i, cycle));
        }
    }
    on_cycle
}

/// Every cycle of exits that can all fire in one month (as its node names, the closing edge's
/// node first) with the closing exit `(node, exit)`: one per strongly connected group of such
/// exits, so a tree of many nodes is checked in time linear in its exits (times the number of
/// months with `at` exits), not by a search per exit (D152).
fn zero_delay_cycles(tree: &Tree) -> Vec<(Vec<usize>, (usize, usize))> {
    let edges = zero_delay_edges(tree);
    let n = tree.nodes.len();
    let zero: Vec<usize> = (0..edges.len())
        .filter(|&i| edges[i].delay == Delay::Zero)
        .collect();
    let mut found: Vec<(usize, Vec<usize>)> = Vec::new();
    // A lag-0 exit may close a cycle with other lag-0 exits ...
    let mut taken = vec![false; edges.len()];
    for i in class_cycles(&edges, &zero, &|_| true, &mut found) {
        taken[i] = true;
    }
    // ... or with `at` exits of one month: entering its target on the 1st of the month re-arms
    // every `at` exit of that month. Only the part of the lag-0 graph between that month's `at`
    // exits can close such a cycle: reached from their targets and reaching their nodes.
    let mut months: BTreeMap<i32, Vec<usize>> = BTreeMap::new();
    let mut dates: BTreeMap<Date, Vec<usize>> = BTreeMap::new();
    for (i, e) in edges.iter().enumerate() {
        if let Delay::At(d) = e.delay {
            months.entry(d.month).or_default().push(i);
            dates.entry(d).or_default().push(i);
        }
    }
    if !zero.is_empty() {
        let pairs = zero.iter().map(|&i| (edges[i].from, edges[i].to));
        let (fs, fa) = csr(n, pairs.clone());
        let (bs, ba) = csr(n, pairs.map(|(u, v)| (v, u)));
        let (mut fwd, mut bwd) = (vec![0u32; n], vec![0u32; n]);
        let mut fwd_edges: Vec<Vec<usize>> = vec![Vec::new(); n];
        for &i in &zero {
            fwd_edges[edges[i].from].push(i);
        }
        for (stamp, at) in (1u32..).zip(months.values()) {
            let heads: Vec<usize> = at.iter().map(|&i| edges[i].to).collect();
            let tails: Vec<usize> = at.iter().map(|&i| edges[i].from).collect();
            reach(&fs, &fa, &heads, &mut fwd, stamp);
            reach(&bs, &ba, &tails, &mut bwd, stamp);
            let inside = |x: usize| fwd[x] == stamp && bwd[x] == stamp;
            let mut class: Vec<usize> = Vec::new();
            let mut seen: HashSet<usize> = HashSet::new();
            let mut q: Vec<usize> = heads.iter().copied().filter(|&x| inside(x)).collect();
            while let Some(u) = q.pop() {
                if !seen.insert(u) {
                    continue;
                }
                for &i in &fwd_edges[u] {
                    if inside(edges[i].to) {
                        class.push(i);
                        q.push(edges[i].to);
                    }
                }
            }
            class.extend(
                at.iter()
                    .copied()
                    .filter(|&i| inside(edges[i].from) && inside(edges[i].to)),
            );
            class.sort_unstable();
            let closes = |i: usize| edges[i].delay == Delay::Zero && !taken[i];
            for i in class_cycles(&edges, &class, &closes, &mut found) {
                taken[i] = true;
            }
        }
    }
    // Only `at` exits: the entry date never goes back, so they loop only on one date.
    for at in dates.values() {
        class_cycles(&edges, at, &|_| true, &mut found);
    }
    found.sort_by_key(|(i, _)| *i);
    let mut sets: HashSet<Vec<usize>> = HashSet::new();
    let mut out = Vec::new();
    for (i, cycle) in found {
        let mut key = cycle.clone();
        key.sort_unstable();
        key.dedup();
        if sets.insert(key) {
            out.push((cycle, (edges[i].from, edges[i].exit)));
        }
    }
    out
}

/// Reports every zero-delay cycle of `tree` (resolved from `raw`) as an error; whether there
/// was none.
pub(super) fn check_cycles(w: &mut Walker<'_>, raw: &RawTree<'_>, tree: &Tree) -> bool {
    let cycles = zero_delay_cycles(tree);
    for (c, (n, k)) in &cycles {
        let name = |&i: &usize| format!("`{}`", tree.nodes[i].id);
        // A long ring shows its first and last nodes and how many exits it has.
        let names: Vec<String> = if c.len() > 12 {
            let mut v: Vec<String> = c[..6].iter().map(name).collect();
            v.push(format!("… ({} exits in all)", c.len() - 1));
            v.extend(c[c.len() - 3..].iter().map(name));
            v
        } else {
            c.iter().map(name).collect()
        };
        let e = &raw.nodes[*n].exits[*k];
        w.err(
            e.span.clone(),
            &e.prefix,
            format!(
                "the exits {} of tree `{}` form a cycle that takes no time (each of its lags rounds to 0 on at \
                 least half of the draws): a path in it would go round it up to 64 times each \
                 month, re-applying the nodes' actions",
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
/// apply, which a file rarely means (a typo in a `to`, a forgotten exit). Then the exits that
/// never fire, and the nodes only they lead to (`tree_reach`, hostile round 10 #3).
pub fn tree_findings(sc: &Scenario) -> Vec<Warning> {
    let mut out = Vec::new();
    for (t, tree) in sc.trees.iter().enumerate() {
        let skip = unreachable(tree);
        for &n in &skip {
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
        out.extend(super::tree_reach::findings(sc, t, &skip));
    }
    out
}
