//! An exit's branches: its `to` targets, looked up by node name, and their `probs`, each
//! checked with its position. Split from `tree_exit.rs`, which checks the exit's kind, date,
//! hazard and lag.

use super::raw_tree::RawExit;
use super::spanned::Val;
use super::value::dist_in;
use super::walker::Walker;
use crate::dist::Dist;
use crate::policy::tree::Prob;
use crate::suggest;
use std::collections::HashMap;
use toml::de::DeValue;

/// Tolerance of the branch-probability sum.
const SUM_TOL: f64 = 1e-9;

/// `to = "node"` or `to = ["a", "b"]`, as node indices.
pub(super) fn targets(
    w: &mut Walker<'_>,
    e: &RawExit<'_>,
    names: &NodeNames<'_>,
) -> Option<Vec<usize>> {
    let key = format!("{}.to", e.prefix);
    let Some(v) = e.to else {
        w.err(
            e.span.clone(),
            &key,
            "this exit has no `to`",
            Some("add `to = \"<node id>\"` or `to = [\"a\", \"b\"]`".into()),
        );
        return None;
    };
    let items: Vec<&Val<'_>> = match v.get_ref() {
        DeValue::String(_) => vec![v],
        DeValue::Array(a) if !a.is_empty() => a.iter().collect(),
        _ => {
            w.err(
                v.span(),
                &key,
                "`to` must be a node id or a non-empty array of node ids",
                Some("write `to = \"deal\"` or `to = [\"deal\", \"fail\"]`".into()),
            );
            return None;
        }
    };
    let mut out = Vec::new();
    let mut good = true;
    for it in items {
        match it.get_ref() {
            DeValue::String(s) => match lookup(w, s, it.span(), &key, names) {
                Some(i) => out.push(i),
                None => good = false,
            },
            _ => {
                good = false;
                w.err(
                    it.span(),
                    &key,
                    "each target in `to` must be a node id (a string)",
                    None,
                );
            }
        }
    }
    // A target named twice would be two branches into one node: `run --by-outcome` would
    // count its paths under one outcome twice (D153). Positions count from the written
    // targets, so only when every one was found.
    let mut twice = false;
    let mut first: HashMap<usize, usize> = HashMap::new();
    let mut told: std::collections::HashSet<usize> = std::collections::HashSet::new();
    for (k, &i) in out.iter().enumerate().filter(|_| good) {
        match first.get(&i) {
            None => {
                first.insert(i, k);
            }
            Some(&j) if told.insert(i) => {
                twice = true;
                let name = names.list[i];
                let help = if e.probs.is_some() {
                    format!(
                        "list `{name}` once and give it the sum of its probabilities \
                         (entries {} and {} of `probs`)",
                        j + 1,
                        k + 1
                    )
                } else {
                    format!("list `{name}` once")
                };
                w.err(
                    v.span(),
                    &key,
                    format!(
                        "node `{name}` is listed twice in `to` (targets {} and {}): each \
                         target of an exit must be a different node",
                        j + 1,
                        k + 1
                    ),
                    Some(help),
                );
            }
            Some(_) => {}
        }
    }
    (good && !twice).then_some(out)
}

/// `probs`, one per target; numbers or distributions drawn per path, or `"rest"` (once).
pub(super) fn probs(w: &mut Walker<'_>, e: &RawExit<'_>, n: usize) -> Option<Vec<Prob>> {
    let key = format!("{}.probs", e.prefix);
    let Some(v) = e.probs else {
        if n == 1 {
            return Some(vec![Prob::Dist(Dist::Const(1.0))]);
        }
        w.err(
            e.span.clone(),
            &key,
            format!("a branching exit (`to` has {n} nodes) needs `probs`"),
            Some(format!(
                "add `probs = [...]` with {n} entries: numbers, distributions or one \"rest\""
            )),
        );
        return None;
    };
    let DeValue::Array(items) = v.get_ref() else {
        w.err(
            v.span(),
            &key,
            "`probs` must be an array",
            Some("write e.g. `probs = [0.35, \"rest\"]`".into()),
        );
        return None;
    };
    if items.len() != n {
        w.err(
            v.span(),
            &key,
            format!("`probs` has {} entries but `to` has {n} nodes", items.len()),
            Some("give one probability per target node".into()),
        );
        return None;
    }
    let mut out = Vec::new();
    let mut good = true;
    let mut rest_seen = false;
    for (i, it) in items.iter().enumerate() {
        let k = format!("{key}[{}]", i + 1);
        match it.get_ref() {
            DeValue::String(s) if s.as_ref() == "rest" => {
                if rest_seen {
                    good = false;
                    w.err(
                        it.span(),
                        &k,
                        "only one branch may be \"rest\"",
                        Some("give the other probabilities as numbers or distributions".into()),
                    );
                }
                rest_seen = true;
                out.push(Prob::Rest);
            }
            _ => match dist_in(it, &k, 0.0, 1.0) {
                Ok(d) => out.push(Prob::Dist(d)),
                Err(b) => {
                    good = false;
                    w.err(b.span, &b.key, b.msg, b.help);
                }
            },
        }
    }
    if !good {
        return None;
    }
    let rest = rest_seen;
    let (mut lo, mut hi, mut all_const) = (0.0, 0.0, true);
    for p in &out {
        if let Prob::Dist(d) = p {
            let (a, b) = d.support();
            lo += a;
            hi += b;
            all_const &= d.is_const();
        }
    }
    let sum_help =
        "branch probabilities must sum to 1: adjust them, or write \"rest\" for one branch";
    if rest {
        if hi > 1.0 + SUM_TOL {
            let msg = if all_const {
                format!(
                    "branch probabilities sum to {} before \"rest\", more than 1",
                    crate::suggest::Num(hi)
                )
            } else {
                format!(
                    "branch probabilities can sum to {} before \"rest\", more than 1",
                    crate::suggest::Num(hi)
                )
            };
            w.err(v.span(), &key, msg, Some(sum_help.into()));
            return None;
        }
    } else if !all_const {
        w.err(
            v.span(),
            &key,
            "branch probabilities drawn from distributions need a \"rest\" branch to sum to 1"
                .to_string(),
            Some("write \"rest\" for one branch".into()),
        );
        return None;
    } else if (lo - 1.0).abs() > SUM_TOL {
        w.err(
            v.span(),
            &key,
            format!(
                "branch probabilities sum to {}, not 1",
                crate::suggest::Num(lo)
            ),
            Some(sum_help.into()),
        );
        return None;
    }
    Some(out)
}

/// The node ids of one tree, in order, with an index by name (the first node of a name), so
/// that looking up every exit's targets is linear in the tree's size (D152).
pub(super) struct NodeNames<'a> {
    list: Vec<&'a str>,
    index: HashMap<&'a str, usize>,
}

impl<'a> NodeNames<'a> {
    pub(super) fn new(names: &'a [String]) -> NodeNames<'a> {
        let list: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut index = HashMap::with_capacity(list.len());
        for (i, n) in list.iter().enumerate() {
            index.entry(*n).or_insert(i);
        }
        NodeNames { list, index }
    }
}

/// A node id named by `start`, `to` or `cancelled_by`, as the node's index.
pub(super) fn lookup(
    w: &mut Walker<'_>,
    name: &str,
    span: std::ops::Range<usize>,
    key: &str,
    names: &NodeNames<'_>,
) -> Option<usize> {
    if let Some(&i) = names.index.get(name) {
        return Some(i);
    }
    let help = match suggest::closest(name, &names.list) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("the nodes of this tree are: {}", names.list.join(", ")),
    };
    w.err(span, key, format!("unknown node `{name}`"), Some(help));
    None
}
