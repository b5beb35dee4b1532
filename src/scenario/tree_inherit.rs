//! The trees stage: `[[tree]]` tables along the `extends` chain, root first, each checked by
//! `tree::resolve`. Tree ids are unique across the chain; a later file may drop an inherited
//! tree (`remove_trees = ["<id>"]`, top level) or put its own in its place (`replaces = "<id>"`
//! in its `[[tree]]`), as `remove_events`/`replaces` do for events (D51; hostile round 9 #2,
//! docs/scenarios.md §5). A tree that replaces another comes in the replacing file's order.

use super::diagnostics::{Diagnostic, Source};
use super::raw::RawFile;
use super::walker::Walker;
use super::{RemovedTree, TreeOrigin};
use crate::policy::calendar::MonthIdx;
use crate::policy::levers::LeverRegistry;
use crate::policy::tree::Tree;
use crate::suggest;
use serde_spanned::Spanned;

/// One tree so far: its id, the chain index of its file, where it was written, and the tree
/// (`None` when it had errors, already reported; its id still counts).
struct Entry {
    id: String,
    file: usize,
    at: super::Origin,
    tree: Option<(Tree, TreeOrigin)>,
}

/// Resolved trees in chain order then file order, their origins, and what was removed.
pub(crate) fn resolve(
    raws: &[RawFile<'_>],
    sources: &[Source],
    reg: &LeverRegistry,
    horizon: Option<(MonthIdx, usize)>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Tree>, Vec<TreeOrigin>, Vec<RemovedTree>) {
    let mut acc: Vec<Entry> = Vec::new();
    let mut removed: Vec<RemovedTree> = Vec::new();
    for (k, (r, src)) in raws.iter().zip(sources).enumerate() {
        let mut w = Walker::new(src, diags);
        let inherited = k + 1 < raws.len();
        for (n, target) in r.remove_trees.iter().enumerate() {
            let key = format!("remove_trees[{}]", n + 1);
            drop_inherited(&mut w, &mut acc, &mut removed, k, target, &key, "removed");
        }
        for t in &r.trees {
            if let Some(target) = &t.replaces {
                let key = format!("{}.replaces", t.prefix);
                drop_inherited(&mut w, &mut acc, &mut removed, k, target, &key, "replaced");
            }
            let at = src.origin(t.span.start);
            if let Some(id) = &t.id {
                if let Some(e) = acc.iter().find(|e| e.id == *id.get_ref()) {
                    let help = if e.file < k {
                        format!(
                            "to put this tree in place of the inherited one, write `replaces = \
                             \"{0}\"` in this [[tree]]; to drop it, `remove_trees = [\"{0}\"]` \
                             at the top of the file (docs/scenarios.md §5); otherwise choose \
                             another id",
                            id.get_ref()
                        )
                    } else {
                        "give each [[tree]] its own id".to_string()
                    };
                    w.err(
                        id.span(),
                        &format!("{}.id", t.prefix),
                        format!(
                            "tree `{}` is defined twice (here and at {})",
                            id.get_ref(),
                            e.at
                        ),
                        Some(help),
                    );
                }
            }
            let tree =
                super::tree::resolve(&mut w, t, reg, horizon, inherited).map(|(tree, keys)| {
                    let origin = TreeOrigin {
                        prefix: t.prefix.clone(),
                        at: at.clone(),
                        nodes: t
                            .nodes
                            .iter()
                            .map(|n| {
                                src.origin(n.id.as_ref().map_or(n.span.start, |i| i.span().start))
                            })
                            .collect(),
                        exits: t
                            .nodes
                            .iter()
                            .map(|n| n.exits.iter().map(|e| src.origin(e.span.start)).collect())
                            .collect(),
                        values: t
                            .nodes
                            .iter()
                            .map(|n| {
                                let at = |e: &super::raw_tree::RawExit<'_>| {
                                    e.value.map(|v| src.origin(v.span().start))
                                };
                                n.exits.iter().map(at).collect()
                            })
                            .collect(),
                        cancel_keys: keys,
                        jump_notes: t
                            .nodes
                            .iter()
                            .map(|n| {
                                n.actions
                                    .iter()
                                    .filter(|a| {
                                        a.lever
                                            .as_ref()
                                            .is_some_and(|l| l.get_ref() == "risk_premium.jump")
                                    })
                                    .map(|a| a.note.as_ref().map(|x| x.get_ref().clone()))
                                    .collect()
                            })
                            .collect(),
                    };
                    (tree, origin)
                });
            acc.push(Entry {
                id: t.id.as_ref().map_or(String::new(), |i| i.get_ref().clone()),
                file: k,
                at,
                tree,
            });
        }
    }
    let (trees, origins) = acc.into_iter().filter_map(|e| e.tree).unzip();
    (trees, origins, removed)
}

/// Drops the inherited tree `target` names; an error (with the closest id) if none.
fn drop_inherited(
    w: &mut Walker<'_>,
    acc: &mut Vec<Entry>,
    removed: &mut Vec<RemovedTree>,
    k: usize,
    target: &Spanned<String>,
    key: &str,
    how: &'static str,
) {
    let t = target.get_ref();
    let Some(i) = acc.iter().position(|e| e.file < k && e.id == *t) else {
        let again = removed.iter().rev().find(|r| r.id == *t);
        let (msg, help) = if let Some(r) = again {
            (
                format!(
                    "no inherited tree has the id `{t}`: the tree written at {} was already \
                     {} by the mention at {}",
                    r.was, r.how, r.by
                ),
                format!("remove `{key}`: an inherited tree is removed or replaced once"),
            )
        } else {
            let ids: Vec<String> = acc
                .iter()
                .filter(|e| e.file < k)
                .map(|e| e.id.clone())
                .collect();
            let help = if ids.is_empty() {
                "this file inherits no trees: remove the key".to_string()
            } else if let Some(c) = suggest::closest(t, &ids) {
                format!("did you mean `{c}`? (an inherited [[tree]]'s id)")
            } else {
                format!(
                    "name an inherited tree by its `id`: {}",
                    ids.iter()
                        .map(|i| format!("`{i}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            (format!("no inherited tree has the id `{t}`"), help)
        };
        w.err(target.span(), key, msg, Some(help));
        return;
    };
    let e = acc.remove(i);
    removed.push(RemovedTree {
        id: e.id,
        was: e.at,
        by: w.src.origin(target.span().start),
        how,
    });
}
