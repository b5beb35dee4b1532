//! One exit of a tree node (`at`, `hazard`, `after`): its kind, date or hazard schedule, lag,
//! branch targets and probabilities, each checked with its position. Split from `tree.rs`,
//! which checks the tree and its nodes.

use super::raw_tree::RawExit;
use super::spanned::{de, Val};
use super::tree_branches::{probs, targets, NodeNames};
use super::value::dist_in;
use super::walker::Walker;
use crate::dist::{from_parts, Dist};
use crate::policy::calendar::{iso_month, MonthIdx};
use crate::policy::tree::{Exit, ExitKind};
use crate::suggest;
use toml::de::DeValue;

const KINDS: &[&str] = &["at", "hazard", "after"];

/// `inherited`: the tree comes from a file the loaded one extends, whose `at` dates past a
/// shorter horizon are kept (the window findings name them, D199), as events' are (D171).
pub(super) fn exit(
    w: &mut Walker<'_>,
    e: &RawExit<'_>,
    names: &NodeNames<'_>,
    horizon: Option<(MonthIdx, usize)>,
    inherited: bool,
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
                        let early = date.month < start;
                        if early || (date.month >= end && !inherited) {
                            let help = if early && inherited {
                                // A child that starts later cannot run its parent's tree.
                                format!(
                                    "this tree comes from a file this one extends, written for \
                                     an earlier start: the run does not simulate the months \
                                     before its start {}, so this exit could never fire; start \
                                     in {} or earlier, or extend a file without this tree and \
                                     copy the tree, re-dated, into this one \
                                     (docs/scenarios.md §1.8)",
                                    iso_month(start),
                                    iso_month(date.month)
                                )
                            } else {
                                format!(
                                    "tree exits happen during the simulation; move the date \
                                     inside the horizon (e.g. `date = \"{}\"`)",
                                    super::dates::example_date(horizon, 15)
                                )
                            };
                            w.err(
                                d.span(),
                                &key("date"),
                                format!(
                                    "exit date {date} is outside the horizon ({} to {})",
                                    iso_month(start),
                                    iso_month(end - 1)
                                ),
                                Some(help),
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
