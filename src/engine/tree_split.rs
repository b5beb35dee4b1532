//! `run --by-outcome`: what splits the paths, resolved from a selector given on the command
//! line (outputs.md §8). Either a branching exit of an event tree (each path's outcome is the
//! branch it took the first time it took the exit), or a node (whether the path entered it,
//! within the horizon or by the end of a month: [`TreeRecord::entered_by`], the notion
//! `sensitivity` and `events.csv` use).
//!
//! Names are matched in a fixed order, so that every selector that worked before node entries
//! existed keeps its meaning: a branching exit by its label (the source node, `node.k`), then
//! by a target of exactly one branching exit, then a node. `<node>.entered` and
//! `<node>@YYYY-MM` (written `<node>.by_YYYY-MM` in folder names) always name a node's entry.

use super::path::TreeRecord;
pub use super::tree_split_error::OutcomeError;
use crate::policy::calendar::{iso_month, month_idx};
use crate::scenario::Scenario;

/// Outcome of a node-entry split: the path entered the node (by the horizon or the month).
pub const ENTERED: &str = "entered";
/// Outcome of a node-entry split: the path did not.
pub const NOT_ENTERED: &str = "not_entered";
/// Suffix of a selector that names a node's entry whatever its plain name selects.
pub const ENTERED_SUFFIX: &str = ".entered";
/// How a selector's `@YYYY-MM` is written in output names (`escalation_china.by_2026-12`):
/// folder names take no `@`. A selector may be written that way too.
pub const BY_MONTH: &str = ".by_";

/// What a split looks at on each path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SplitOn {
    /// Branching exit `k` (index into the node's exits): the branch taken the first time the
    /// path took the exit, by target; `none` when it never took it.
    Exit(usize),
    /// Whether the path entered the node by the end of month `by` (0-based from the start) or,
    /// when `by` is `None`, within the horizon: `entered`, `not_entered`.
    Entry { by: Option<usize> },
}

/// What splits the paths for conditional bands (`run --by-outcome`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeSplit {
    pub tree: usize,
    pub node: usize,
    pub on: SplitOn,
    /// Name used in outputs (folders `<key>=<outcome>`, the manifest's `by_outcome` key): the
    /// shortest selector that names this split. For an exit, its label (`node`, or `node.k`
    /// for the k-th exit of a node with several branching exits), prefixed by `tree.` when
    /// another tree has the same label. For a node's entry, the node id (`tree.` when another
    /// tree has a node of that id), with `.entered` when the plain name selects an exit, or
    /// `.by_YYYY-MM` for entry by the end of a month (selector `@YYYY-MM`).
    pub key: String,
    /// For an exit, one per branch (the target node ids), then `none`; for a node's entry,
    /// `entered`, `not_entered`.
    pub outcomes: Vec<String>,
}

impl OutcomeSplit {
    /// Index into [`OutcomeSplit::outcomes`] of a path's outcome.
    pub(super) fn outcome_of<'r>(
        &self,
        mut records: impl Iterator<Item = &'r TreeRecord>,
    ) -> usize {
        let last = self.outcomes.len() - 1;
        let Some(r) = records.nth(self.tree) else {
            return last;
        };
        match self.on {
            SplitOn::Exit(k) => r.first_branch[self.node][k].unwrap_or(last),
            SplitOn::Entry { by } => usize::from(!r.entered_by(self.node, by)),
        }
    }
}

/// A branching exit `(tree, node, exit)`.
type ExitAt = (usize, usize, usize);

/// How a name matches the scenario's branching exits.
enum ExitMatch {
    None,
    One(ExitAt),
    /// A node with several branching exits named without `.k`: their labels.
    Several(Vec<String>),
    /// Several exits of that label in different trees.
    Many(Vec<ExitAt>),
    /// A name without its tree that selects something in several trees (hostile round 6):
    /// the tree-qualified selectors to choose from.
    Trees(Vec<String>),
}

/// The names selectors are matched against.
pub(super) struct Names<'a> {
    pub sc: &'a Scenario,
    /// Every branching exit, in tree, node and exit order, with its label (`node`, `node.k`).
    pub exits: Vec<ExitAt>,
    pub labels: Vec<String>,
}

impl<'a> Names<'a> {
    fn new(sc: &'a Scenario) -> Names<'a> {
        let mut exits = Vec::new();
        for (i, t) in sc.trees.iter().enumerate() {
            for (n, node) in t.nodes.iter().enumerate() {
                for (k, e) in node.exits.iter().enumerate() {
                    if e.branches() {
                        exits.push((i, n, k));
                    }
                }
            }
        }
        let labels = exits.iter().map(|&x| plain_label(sc, x)).collect();
        Names { sc, exits, labels }
    }

    fn in_tree(&self, tree: Option<&str>, t: usize) -> bool {
        tree.is_none_or(|id| self.sc.trees[t].id == id)
    }

    /// The branching exit `name` selects (in `tree` only, when given): by label, else as the
    /// one branching exit that has it as a target.
    fn exit_match(&self, tree: Option<&str>, name: &str) -> ExitMatch {
        let sc = self.sc;
        if tree.is_none() && sc.trees.len() > 1 {
            // A bare name must not pick one tree silently: resolve it in each tree and refuse
            // it when more than one tree answers.
            let per_tree: Vec<(&str, ExitMatch)> = (sc.trees.iter())
                .map(|t| (t.id.as_str(), self.exit_match(Some(&t.id), name)))
                .filter(|(_, m)| !matches!(m, ExitMatch::None))
                .collect();
            if per_tree.len() > 1 {
                let mut choices = Vec::new();
                for (id, m) in per_tree {
                    match m {
                        ExitMatch::One(x) => choices.push(format!("{id}.{}", plain_label(sc, x))),
                        ExitMatch::Several(labels) => {
                            choices.extend(labels.iter().map(|l| format!("{id}.{l}")))
                        }
                        ExitMatch::Many(xs) => choices
                            .extend(xs.iter().map(|&x| format!("{id}.{}", plain_label(sc, x)))),
                        ExitMatch::Trees(c) => choices.extend(c),
                        ExitMatch::None => {}
                    }
                }
                return ExitMatch::Trees(choices);
            }
        }
        let hits: Vec<ExitAt> = (self.exits.iter().zip(&self.labels))
            .filter(|(x, l)| self.in_tree(tree, x.0) && *l == name)
            .map(|(x, _)| *x)
            .collect();
        match hits.len() {
            1 => return ExitMatch::One(hits[0]),
            0 => {}
            _ => return ExitMatch::Many(hits),
        }
        let several: Vec<String> = (self.exits.iter().zip(&self.labels))
            .filter(|(x, _)| self.in_tree(tree, x.0) && sc.trees[x.0].nodes[x.1].id == name)
            .map(|(_, l)| l.clone())
            .collect();
        if !several.is_empty() {
            return ExitMatch::Several(several);
        }
        let parents: Vec<ExitAt> = (self.exits.iter())
            .filter(|x| {
                let t = &sc.trees[x.0];
                self.in_tree(tree, x.0)
                    && t.nodes[x.1].exits[x.2]
                        .to
                        .iter()
                        .any(|&to| t.nodes[to].id == name)
            })
            .copied()
            .collect();
        match parents[..] {
            [x] => ExitMatch::One(x),
            _ => ExitMatch::None,
        }
    }

    /// Output name of a branching exit: its label, `tree.` first when another tree's exit has
    /// the same label.
    pub(super) fn exit_key(&self, x: ExitAt) -> String {
        let label = plain_label(self.sc, x);
        let node = &self.sc.trees[x.0].nodes[x.1].id;
        // Also when the source node's id is another tree's node (hostile round 6): the folder
        // must say which tree's `a` it splits on.
        if self.labels.iter().filter(|l| **l == label).count() > 1
            || self.nodes_named(None, node).len() > 1
        {
            format!("{}.{label}", self.sc.trees[x.0].id)
        } else {
            label
        }
    }

    fn exit_split(&self, x: ExitAt) -> OutcomeSplit {
        let tree = &self.sc.trees[x.0];
        let mut outcomes: Vec<String> = (tree.nodes[x.1].exits[x.2].to.iter())
            .map(|&t| tree.nodes[t].id.clone())
            .collect();
        outcomes.push("none".into());
        OutcomeSplit {
            tree: x.0,
            node: x.1,
            on: SplitOn::Exit(x.2),
            key: self.exit_key(x),
            outcomes,
        }
    }

    /// Nodes `(tree, node)` of id `name` (in `tree` only, when given).
    pub fn nodes_named(&self, tree: Option<&str>, name: &str) -> Vec<(usize, usize)> {
        let mut v = Vec::new();
        for (t, tr) in self.sc.trees.iter().enumerate() {
            if self.in_tree(tree, t) {
                v.extend(tr.nodes.iter().position(|n| n.id == name).map(|n| (t, n)));
            }
        }
        v
    }

    /// Output name of a node's entry (see [`OutcomeSplit::key`]).
    pub fn entry_key(&self, (t, n): (usize, usize), by: Option<usize>) -> String {
        let tree = &self.sc.trees[t];
        let id = &tree.nodes[n].id;
        let shared = self.nodes_named(None, id).len() > 1;
        let base = if shared {
            format!("{}.{id}", tree.id)
        } else {
            id.clone()
        };
        match by {
            Some(m) => format!("{base}{BY_MONTH}{}", iso_month(self.sc.start + m as i32)),
            None => {
                let scope = shared.then_some(tree.id.as_str());
                match self.exit_match(scope, id) {
                    ExitMatch::None => base,
                    _ => format!("{base}{ENTERED_SUFFIX}"),
                }
            }
        }
    }

    /// The node-entry selector of every node but the trees' start nodes, in file order.
    pub fn entry_selectors(&self) -> Vec<String> {
        let mut v = Vec::new();
        for (t, tr) in self.sc.trees.iter().enumerate() {
            for n in (0..tr.nodes.len()).filter(|&n| n != tr.start) {
                v.push(self.entry_key((t, n), None));
            }
        }
        v
    }

    /// The split of node `name`'s entry (in `tree` only, when given).
    fn entry(
        &self,
        selector: &str,
        tree: Option<&str>,
        name: &str,
        by: Option<usize>,
    ) -> Result<OutcomeSplit, OutcomeError> {
        let hits = self.nodes_named(tree, name);
        if hits.len() > 1 {
            let choices = hits.iter().map(|&h| self.entry_key(h, by)).collect();
            return Err(self.ambiguous(selector, choices));
        }
        let (t, n) = hits[0];
        if n == self.sc.trees[t].start {
            return Err(OutcomeError::StartNode {
                selector: selector.into(),
                node: name.into(),
                tree: self.sc.trees[t].id.clone(),
                scenario: self.sc.name.clone(),
                nodes: self.entry_list(),
            });
        }
        Ok(OutcomeSplit {
            tree: t,
            node: n,
            on: SplitOn::Entry { by },
            key: self.entry_key((t, n), by),
            outcomes: vec![ENTERED.into(), NOT_ENTERED.into()],
        })
    }
}

/// Label of a branching exit in folder names: [`crate::policy::tree::Tree::exit_label`] with
/// `[k]` written `.k`.
pub(super) fn plain_label(sc: &Scenario, (i, n, k): ExitAt) -> String {
    sc.trees[i]
        .exit_label(n, k)
        .replace('[', ".")
        .replace(']', "")
}

/// `(tree, rest)` of a selector whose first `.`-separated part is a tree id.
fn split_tree<'s>(sc: &Scenario, sel: &'s str) -> (Option<&'s str>, &'s str) {
    match sel.split_once('.') {
        Some((t, r)) if sc.trees.iter().any(|tr| tr.id == t) => (Some(t), r),
        _ => (None, sel),
    }
}

/// Resolves a `--by-outcome` selector for a run of `months` months (outputs.md §8):
/// - a branching exit named by its source node (`summit_pending`, or `node.k` / `node[k]`
///   when the node has several), or by one of its targets (`fail`) when that node is the
///   target of exactly one branching exit;
/// - otherwise a node (`escalation_china`): whether each path entered it within the horizon;
///   `<node>.entered` names the entry of a node whose plain name selects an exit, and
///   `<node>@YYYY-MM` (or `<node>.by_YYYY-MM`) the entry by the end of that month.
///
/// Any of them may be qualified by its tree (`us_russia.summit_pending`). Errors are complete
/// sentences with a did-you-mean hint and the selectors that exist.
pub fn resolve_outcome(
    sc: &Scenario,
    months: usize,
    selector: &str,
) -> Result<OutcomeSplit, OutcomeError> {
    if sc.trees.is_empty() {
        return Err(OutcomeError::NoTrees {
            selector: selector.into(),
            scenario: sc.name.clone(),
        });
    }
    let names = Names::new(sc);
    let (name, by) = match split_month(selector) {
        Some((name, m)) => (name, Some(month_in_run(sc, months, selector, m)?)),
        None => (selector, None),
    };
    let sel = unbracket(name).ok_or_else(|| names.unknown(selector, name, None))?;
    let (tree, rest) = split_tree(sc, &sel);
    if let Some(node) = rest.strip_suffix(ENTERED_SUFFIX) {
        if !names.nodes_named(tree, node).is_empty() {
            return names.entry(selector, tree, node, by);
        }
    }
    if by.is_none() {
        match names.exit_match(tree, rest) {
            ExitMatch::One(x) => return Ok(names.exit_split(x)),
            ExitMatch::Several(labels) => return Err(names.several(selector, tree, rest, labels)),
            ExitMatch::Many(hits) => {
                let q = hits
                    .iter()
                    .map(|&x| format!("{}.{}", sc.trees[x.0].id, plain_label(sc, x)));
                return Err(names.ambiguous(selector, q.collect()));
            }
            ExitMatch::Trees(choices) => return Err(names.ambiguous(selector, choices)),
            ExitMatch::None => {}
        }
    }
    if !names.nodes_named(tree, rest).is_empty() {
        return names.entry(selector, tree, rest, by);
    }
    if by.is_none() {
        if let Some(e) = names.exit_number(selector, tree, rest) {
            return Err(e);
        }
    }
    Err(names.unknown(selector, name, by.map(|_| &selector[name.len()..])))
}

/// `node[k]` written `node.k`; `None` for a bracket that is not one `[digits]` at the end
/// (`t1.a[1` was read as `t1.a.1`: hostile round 6).
fn unbracket(name: &str) -> Option<String> {
    match name.find(['[', ']']) {
        None => Some(name.to_string()),
        Some(i) => {
            let k = name[i..].strip_prefix('[')?.strip_suffix(']')?;
            (!k.is_empty() && k.bytes().all(|b| b.is_ascii_digit()))
                .then(|| format!("{}.{k}", &name[..i]))
        }
    }
}

/// `(name, month)` of `<name>@YYYY-MM` or `<name>.by_YYYY-MM` (a month: it starts with a
/// digit, so a tree-qualified node named `by_…` is not mistaken for one).
fn split_month(selector: &str) -> Option<(&str, &str)> {
    if let Some(x) = selector.split_once('@') {
        return Some(x);
    }
    selector
        .rsplit_once(BY_MONTH)
        .filter(|(_, m)| m.starts_with(|c: char| c.is_ascii_digit()))
}

/// Month index (0-based from the start) of the `YYYY-MM` after `@`, which must be a month of
/// the run.
fn month_in_run(
    sc: &Scenario,
    months: usize,
    selector: &str,
    text: &str,
) -> Result<usize, OutcomeError> {
    let (first, last) = (sc.start, sc.start + months.max(1) as i32 - 1);
    let bad = |reason: String| OutcomeError::BadMonth {
        selector: selector.into(),
        reason,
        first: iso_month(first),
        last: iso_month(last),
    };
    let m = month_idx(text).map_err(&bad)?;
    if iso_month(m) != text {
        return Err(bad(format!("expected a month `YYYY-MM`, got `{text}`")));
    }
    if m < first || m > last {
        return Err(bad(format!("{text} is not a month of the run")));
    }
    Ok((m - first) as usize)
}
