//! `[[tree]]` tables → [`Tree`]s (scenarios.md §5): node ids and `start`, exits (`at`, `hazard`,
//! `after`), branch targets and probabilities, and node actions (checked as events dated at
//! the node's entry). Every problem is reported with its position.

use super::event;
use super::raw_tree::RawTree;
use super::tree_branches::{lookup, NodeNames};
use super::tree_exit::exit;
use super::walker::Walker;
use super::Origin;

/// Where each action's `cancel_on_exit` and `cancelled_by` keys are, node by node and action by
/// action (`TreeOrigin::cancel_keys`).
pub(super) type CancelKeysAt = Vec<Vec<[Option<Origin>; 2]>>;
use crate::policy::calendar::MonthIdx;
use crate::policy::levers::LeverRegistry;
use crate::policy::tree::{Cancel, Exit, Node, Tree};
use std::collections::HashSet;
use toml::de::DeValue;

/// Checks one `[[tree]]`; `None` when it had errors (all reported through `w`). `inherited`:
/// it comes from a file the loaded one extends (its `at` dates may pass a shorter horizon).
pub(crate) fn resolve(
    w: &mut Walker<'_>,
    t: &RawTree<'_>,
    reg: &LeverRegistry,
    horizon: Option<(MonthIdx, usize)>,
    inherited: bool,
) -> Option<(Tree, CancelKeysAt)> {
    let before = w.diags.len();
    let id = match &t.id {
        Some(id) => {
            if let Some(msg) = super::id_too_long("tree id", id.get_ref()) {
                let help = "use a shorter id; `description` can hold the long text";
                w.err(
                    id.span(),
                    &format!("{}.id", t.prefix),
                    msg,
                    Some(help.into()),
                );
            } else if !super::valid_id(id.get_ref()) {
                w.err(
                    id.span(),
                    &format!("{}.id", t.prefix),
                    format!(
                        "tree id `{}` may only use ASCII letters, digits, `_` and `-`",
                        id.get_ref()
                    ),
                    Some("write e.g. `id = \"us_russia\"`".into()),
                );
            }
            id.get_ref().clone()
        }
        None => {
            w.err(
                t.span.clone(),
                &format!("{}.id", t.prefix),
                "this tree has no `id`",
                Some("add `id = \"us_russia\"`".into()),
            );
            String::new()
        }
    };
    // Node ids first, so exits may point forward.
    let mut names: Vec<String> = Vec::new();
    let mut defined: HashSet<&str> = HashSet::new();
    for n in &t.nodes {
        match &n.id {
            Some(nid) => {
                let key = format!("{}.id", n.prefix);
                if let Some(msg) = super::id_too_long("node id", nid.get_ref()) {
                    let help = "use a shorter id; `description` can hold the long text";
                    w.err(nid.span(), &key, msg, Some(help.into()));
                } else if !super::valid_id(nid.get_ref()) {
                    w.err(
                        nid.span(),
                        &key,
                        format!(
                            "node id `{}` may only use ASCII letters, digits, `_` and `-`",
                            nid.get_ref()
                        ),
                        Some("write e.g. `id = \"deal\"`".into()),
                    );
                }
                if !defined.insert(nid.get_ref().as_str()) {
                    w.err(
                        nid.span(),
                        &key,
                        format!("node `{}` is defined twice in this tree", nid.get_ref()),
                        Some("give each [[tree.node]] its own id".into()),
                    );
                }
                names.push(nid.get_ref().clone());
            }
            None => {
                w.err(
                    n.span.clone(),
                    &format!("{}.id", n.prefix),
                    "this node has no `id`",
                    Some("add `id = \"deal\"`".into()),
                );
                names.push(String::new());
            }
        }
    }
    let name_refs = NodeNames::new(&names);
    let start = match &t.start {
        // A tree without nodes gets one error, below, that names the start node to add.
        Some(_) if t.nodes.is_empty() => None,
        Some(s) => lookup(
            w,
            s.get_ref(),
            s.span(),
            &format!("{}.start", t.prefix),
            &name_refs,
        ),
        None => {
            w.err(
                t.span.clone(),
                &format!("{}.start", t.prefix),
                "this tree has no `start` node",
                Some("add `start = \"<node id>\"`".into()),
            );
            None
        }
    };
    if t.nodes.is_empty() {
        // D154: the `start` node, if named, is the one to add first.
        let first = t
            .start
            .as_ref()
            .map_or("status_quo", |s| s.get_ref().as_str());
        let which = if id.is_empty() {
            "this tree".to_string()
        } else {
            format!("tree `{id}`")
        };
        w.err(
            t.span.clone(),
            &format!("{}.node", t.prefix),
            format!(
                "{which} has no nodes: a tree needs at least its `start` node, written as a \
                 `[[tree.node]]` table"
            ),
            Some(format!(
                "add a line `[[tree.node]]` below this `[[tree]]` and `id = \"{first}\"` below \
                 it, then the node's `exits` and `actions` (scenarios.md §5)"
            )),
        );
    }
    let mut nodes = Vec::new();
    let mut keys_at = Vec::new();
    for (n, nid) in t.nodes.iter().zip(&names) {
        let exits: Vec<Option<Exit>> = n
            .exits
            .iter()
            .map(|e| exit(w, e, &name_refs, horizon, inherited))
            .collect();
        let mut actions = Vec::new();
        let mut cancel = Vec::new();
        let mut at = Vec::new();
        for a in &n.actions {
            let got = event::resolve(w, a, reg, None, true);
            let c = Cancel {
                on_exit: a.cancel_on_exit,
                on_entering: cancelled_by(w, a, &name_refs),
            };
            cancel.extend(std::iter::repeat_n(c, got.len()));
            let key =
                |k: &Option<std::ops::Range<usize>>| k.as_ref().map(|s| w.src.origin(s.start));
            let keys = [key(&a.cancel_keys[0]), key(&a.cancel_keys[1])];
            at.extend(std::iter::repeat_n(keys, got.len()));
            actions.extend(got);
        }
        keys_at.push(at);
        nodes.push(Node {
            id: nid.clone(),
            exits: exits.into_iter().flatten().collect(),
            actions,
            cancel,
        });
    }
    if w.diags.len() > before {
        return None;
    }
    let tree = Tree {
        id,
        start: start?,
        nodes,
    };
    // D140: a cycle of exits that takes no time is refused.
    super::tree_graph::check_cycles(w, t, &tree).then_some((tree, keys_at))
}

/// `cancelled_by = ["unravel", ...]` of a node action, as node indices.
fn cancelled_by(
    w: &mut Walker<'_>,
    a: &super::raw_event::RawEvent<'_>,
    names: &NodeNames<'_>,
) -> Vec<usize> {
    let Some(v) = a.cancelled_by else {
        return Vec::new();
    };
    let key = format!("{}.cancelled_by", a.prefix);
    let DeValue::Array(items) = v.get_ref() else {
        w.err(
            v.span(),
            &key,
            "`cancelled_by` must be an array of node ids",
            Some("write e.g. `cancelled_by = [\"unravel\"]`".into()),
        );
        return Vec::new();
    };
    let mut out = Vec::new();
    for it in items {
        match it.get_ref() {
            DeValue::String(s) => out.extend(lookup(w, s, it.span(), &key, names)),
            _ => w.err(
                it.span(),
                &key,
                "each entry of `cancelled_by` must be a node id (a string)",
                Some("write e.g. `cancelled_by = [\"unravel\"]`".into()),
            ),
        }
    }
    out
}
