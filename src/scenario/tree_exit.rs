//! One exit of a tree node (`at`, `hazard`, `after`): its kind, date or hazard schedule, lag,
//! branch targets and probabilities, each checked with its position. Split from `tree.rs`,
//! which checks the tree and its nodes.

use super::raw_tree::RawExit;
use super::spanned::{de, Val};
use super::value::dist_in;
use super::walker::Walker;
use crate::dist::{from_parts, Dist};
use crate::policy::calendar::{iso_month, MonthIdx};
use crate::policy::tree::{Exit, ExitKind, Prob};
use crate::suggest;
use std::collections::HashMap;
use toml::de::DeValue;

const KINDS: &[&str] = &["at", "hazard", "after"];
/// Tolerance of the branch-probability sum.
const SUM_TOL: f64 = 1e-9;

pub(super) fn exit(
    w: &mut Walker<'_>,
    e: &RawExit<'_>,
    names: &NodeNames<'_>,
    horizon: Option<(MonthIdx, usize)>,
) -> Option<Exit> {
    let key = |k: &str| format!("{}.{k}", e.prefix);
    let mut ok = true;
    let kind_name = match &e.kind {
        Some(k) if KINDS.contains(&k.get_ref().as_str()) => Some(k.get_ref().clone()),
        Some(k) => {
            let help = match suggest::closest(k.get_ref(), KINDS) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("use one of: {}", KINDS.join(", ")),
            };
            w.err(
                k.span(),
                &key("kind"),
                format!("unknown exit kind `{}`", k.get_ref()),
                Some(help),
            );
            None
        }
        None => {
            if !e.present.iter().any(|k| k == "kind") {
                w.err(
                    e.span.clone(),
                    &key("kind"),
                    "this exit has no `kind`",
                    Some("add `kind = \"at\"`, `\"hazard\"` or `\"after\"`".into()),
                );
            }
            None
        }
    };
    // Keys that belong to another kind.
    if let Some(k) = &kind_name {
        let own = match k.as_str() {
            "at" => "date",
            "hazard" => "value",
            _ => "lag",
        };
        for (other, present) in [
            ("date", e.date.is_some()),
            ("value", e.value.is_some()),
            ("lag", e.lag.is_some()),
        ] {
            if other != own && present {
                ok = false;
                w.err(
                    e.span.clone(),
                    &key(other),
                    format!("`{other}` is not used by a `{k}` exit"),
                    Some(format!("a `{k}` exit takes `{own}`; remove `{other}`")),
                );
            }
        }
    }
    let kind = match kind_name.as_deref() {
        Some("at") => match &e.date {
            None => {
                w.err(
                    e.span.clone(),
                    &key("date"),
                    "an `at` exit needs `date`",
                    Some(format!(
                        "add `date = \"{}\"`",
                        super::dates::example_date(horizon, 15)
                    )),
                );
                None
            }
            Some(d) => match super::dates::date(d.get_ref()) {
                Ok(date) => {
                    if let Some((start, months)) = horizon {
                        let end = start + months as i32;
                        if date.month < start || date.month >= end {
                            w.err(
                                d.span(),
                                &key("date"),
                                format!(
                                    "exit date {date} is outside the horizon ({} to {})",
                                    iso_month(start),
                                    iso_month(end - 1)
                                ),
                                Some(format!(
                                    "tree exits happen during the simulation; move the date \
                                     inside the horizon (e.g. `date = \"{}\"`)",
                                    super::dates::example_date(horizon, 15)
                                )),
                            );
                        }
                    }
                    Some(ExitKind::At(date))
                }
                Err(b) => {
                    let fix = b
                        .fix
                        .unwrap_or_else(|| super::dates::example_date(horizon, 15));
                    w.err(
                        d.span(),
                        &key("date"),
                        format!("bad date: {}", b.msg),
                        Some(format!("write `date = \"{fix}\"`")),
                    );
                    None
                }
            },
        },
        Some("hazard") => match e.value {
            None => {
                w.err(
                    e.span.clone(),
                    &key("value"),
                    "a `hazard` exit needs `value`",
                    Some("add `value = 0.05` (a monthly probability)".into()),
                );
                None
            }
            Some(v) => dist_in(v, &key("value"), 0.0, 1.0)
                .map(ExitKind::Hazard)
                .map_err(|b| w.err(b.span, &b.key, b.msg, b.help))
                .ok(),
        },
        Some(_) => match e.lag {
            None => {
                w.err(
                    e.span.clone(),
                    &key("lag"),
                    "an `after` exit needs `lag`",
                    Some("add `lag = { const = 1, poisson = 1.5 }` (months)".into()),
                );
                None
            }
            Some(v) => lag(w, v, &key("lag")),
        },
        None => None,
    };
    let schedule = match (e.schedule, kind_name.as_deref()) {
        (None, _) => Some(Vec::new()),
        (Some(v), Some("hazard")) => super::schedule::resolve(w, v, &key("schedule"), horizon),
        (Some(v), Some(k)) => {
            w.err(
                v.span(),
                &key("schedule"),
                format!("`schedule` is not used by a `{k}` exit"),
                Some("only a `hazard` exit takes a `schedule`; remove it".into()),
            );
            None
        }
        (Some(_), None) => None,
    };
    let price_link =
        super::schedule::price_link(w, e.price_link, kind_name.as_deref(), &key("price_link"));
    let to = targets(w, e, names);
    let probs = to.as_ref().and_then(|to| probs(w, e, to.len()));
    let schedule = schedule?;
    let price_link = price_link?;
    match (kind, to, probs) {
        (Some(kind), Some(to), Some(probs)) if ok => Some(Exit {
            kind,
            schedule,
            price_link,
            to,
            probs,
        }),
        _ => None,
    }
}

/// `lag = 2`, `lag = { poisson = 1.5 }`, or `lag = { const = 1, poisson = 1.5 }`.
fn lag(w: &mut Walker<'_>, v: &Val<'_>, key: &str) -> Option<ExitKind> {
    let help = "write e.g. `lag = 2`, `lag = { poisson = 1.5 }` or `lag = { const = 1, poisson = 1.5 }` (months, >= 0)";
    let DeValue::Table(t) = v.get_ref() else {
        return dist_in(v, key, 0.0, f64::INFINITY)
            .map(|d| ExitKind::After {
                constant: 0.0,
                dist: Some(d),
            })
            .map_err(|b| w.err(b.span, &b.key, b.msg, b.help))
            .ok();
    };
    if t.get("const").is_none() {
        return dist_in(v, key, 0.0, f64::INFINITY)
            .map(|d| ExitKind::After {
                constant: 0.0,
                dist: Some(d),
            })
            .map_err(|b| w.err(b.span, &b.key, b.msg, b.help))
            .ok();
    }
    let mut constant = None;
    let mut dist: Option<Dist> = None;
    let mut good = true;
    for (k, x) in t.iter() {
        let name = k.get_ref().as_ref();
        if name == "const" {
            match de::<f64>(x) {
                Ok(c) if c.is_finite() && c >= 0.0 => constant = Some(c),
                _ => {
                    good = false;
                    w.err(
                        x.span(),
                        &format!("{key}.const"),
                        "`const` must be a number >= 0 (months)",
                        Some(help.into()),
                    );
                }
            }
            continue;
        }
        if dist.is_some() {
            good = false;
            w.err(
                k.span(),
                key,
                "`lag` takes `const` and at most one distribution",
                Some(help.into()),
            );
            continue;
        }
        let params = match de::<f64>(x) {
            Ok(p) => Ok(vec![p]),
            Err(_) => de::<Vec<f64>>(x).map_err(|(_, m)| m),
        };
        match params.and_then(|p| from_parts(name, &p)) {
            Ok(d) if d.support().0 >= 0.0 => dist = Some(d),
            Ok(d) => {
                good = false;
                w.err(
                    x.span(),
                    key,
                    format!("`{key}` must be >= 0, but {d} can be negative"),
                    Some(help.into()),
                );
            }
            Err(m) => {
                good = false;
                w.err(k.span(), key, format!("`{key}`: {m}"), Some(help.into()));
            }
        }
    }
    if !good {
        return None;
    }
    Some(ExitKind::After {
        constant: constant.unwrap_or(0.0),
        dist,
    })
}

/// `to = "node"` or `to = ["a", "b"]`, as node indices.
fn targets(w: &mut Walker<'_>, e: &RawExit<'_>, names: &NodeNames<'_>) -> Option<Vec<usize>> {
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
fn probs(w: &mut Walker<'_>, e: &RawExit<'_>, n: usize) -> Option<Vec<Prob>> {
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
