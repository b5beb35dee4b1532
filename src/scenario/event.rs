//! `[[event]]` tables → [`Event`]s: lever lookup and wildcard expansion, the default action,
//! the horizon check, `months` for ramps, `prob` and `lag_months`. The value rules of each
//! lever kind are in `value.rs`. Every problem of an event is reported, not just the first.

use super::raw_event::RawEvent;
use super::value::{bad, dist_in, kind_name, value, Bad};
use super::walker::Walker;
use crate::dist::Dist;
use crate::policy::calendar::{iso_month, Date, MonthIdx};
use crate::policy::events::{Action, Event, Value};
use crate::policy::levers::{ActionKind, LeverKind, LeverRegistry};
use crate::suggest;

pub(crate) const ACTIONS: &[&str] = &["set", "add", "scale", "ramp", "pulse", "fire"];

/// Actions a lever kind accepts, and the one used when `action` is omitted.
///
/// `fleet.shadow_capacity` is an action lever that only takes `set` or `scale`, so its
/// default is `set` (the contract's "fire" would always be refused).
pub(crate) fn actions_for(kind: &LeverKind) -> (&'static [&'static str], &'static str) {
    match kind {
        LeverKind::Number { .. } => (&["set", "add", "scale", "ramp", "pulse"], "set"),
        LeverKind::Bool | LeverKind::Enum(_) => (&["set", "pulse"], "set"),
        LeverKind::Action(ActionKind::ShadowCapacity) => (&["set", "scale"], "set"),
        LeverKind::Action(_) => (&["fire"], "fire"),
    }
}

/// Checks one `[[event]]` and returns one [`Event`] per lever it names (several for a
/// wildcard). `horizon` is `(start, months)` when both are known. `end_is_error`: whether a
/// date past the horizon's end is an error; it is for the leaf file's own events, while an
/// inherited event past a child's shorter horizon is kept and warned about (D171), as
/// `--months` does.
pub(crate) fn resolve(
    w: &mut Walker<'_>,
    ev: &RawEvent<'_>,
    reg: &LeverRegistry,
    horizon: Option<(MonthIdx, usize)>,
    end_is_error: bool,
) -> Vec<Event> {
    let mut errs: Vec<Bad> = Vec::new();
    let date = match &ev.date {
        // A tree action: dated at the node's entry (the placeholder is replaced then).
        None if ev.relative => Some(Date { month: 0, day: 1 }),
        None if ev.present.iter().any(|k| k == "date") => None,
        None => {
            errs.push(bad(
                ev.span.clone(),
                ev.key("date"),
                "this event has no `date`".into(),
                Some("add `date = \"YYYY-MM-DD\"` (or \"YYYY-MM\")"),
            ));
            None
        }
        Some(d) => match super::dates::date(d.get_ref()) {
            Ok(date) => {
                if let Some((start, months)) = horizon.filter(|_| end_is_error) {
                    let end = start + months as i32;
                    if date.month >= end {
                        errs.push(Bad {
                            span: d.span(),
                            key: ev.key("date"),
                            msg: format!(
                                "event date {date} is after the end of the horizon ({} to {})",
                                iso_month(start),
                                iso_month(end - 1)
                            ),
                            help: Some(format!(
                                "move the event inside the horizon (e.g. `date = \"{}\"`), \
                                 or raise `scenario.months`",
                                super::dates::example_date(horizon, 27)
                            )),
                        });
                    }
                }
                Some(date)
            }
            Err(b) => {
                // D156, D157: the value as it should be written, or a date in the horizon.
                let help = match &b.fix {
                    Some(f) => format!("write `date = \"{f}\"`"),
                    None => format!(
                        "write `date = \"{}\"` or `date = \"{}\"`",
                        super::dates::example_date(horizon, 27),
                        super::dates::example_month(horizon)
                    ),
                };
                errs.push(Bad {
                    span: d.span(),
                    key: ev.key("date"),
                    msg: format!("bad date: {}", b.msg),
                    help: Some(help),
                });
                None
            }
        },
    };
    let ids = match &ev.lever {
        None if ev.present.iter().any(|k| k == "lever") => Vec::new(),
        None => {
            errs.push(bad(
                ev.span.clone(),
                ev.key("lever"),
                "this event has no `lever`".into(),
                Some("add `lever = \"<name>\"`; docs/model.md lists the levers"),
            ));
            Vec::new()
        }
        Some(l) => {
            let ids = reg.expand(l.get_ref());
            if ids.is_empty() {
                let names = reg.names();
                let msg = if l.get_ref().contains('*') {
                    format!("no lever matches the pattern `{}`", l.get_ref())
                } else {
                    format!("unknown lever `{}`", l.get_ref())
                };
                let wild = super::hints::wildcard_candidates(&names);
                let cands: Vec<&str> = if l.get_ref().contains('*') {
                    wild.iter().map(String::as_str).collect()
                } else {
                    names.clone()
                };
                let stars = l.get_ref().matches('*').count();
                let help = if stars > 1 {
                    format!(
                        "a pattern may hold one `*`, standing for one part of the name \
                         (`tariff.*.rate`, `*.IN.rate`); write one event per `*` you need{}",
                        match suggest::closest(l.get_ref(), &cands) {
                            Some(c) => format!(", e.g. `{c}`"),
                            None => String::new(),
                        }
                    )
                } else {
                    match suggest::closest(l.get_ref(), &cands) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => super::hints::lever_fallback(l.get_ref(), &cands),
                    }
                };
                let msg = if stars > 1 {
                    format!(
                        "the pattern `{}` has {stars} `*`; a pattern may have one",
                        l.get_ref()
                    )
                } else {
                    msg
                };
                errs.push(bad(l.span(), ev.key("lever"), msg, Some(&help)));
            }
            ids
        }
    };
    if let Some(a) = &ev.action {
        if !ACTIONS.contains(&a.get_ref().as_str()) {
            let help = match suggest::closest(a.get_ref(), ACTIONS) {
                Some(c) => format!("did you mean `{c}`?"),
                None => format!("use one of: {}", ACTIONS.join(", ")),
            };
            errs.push(bad(
                a.span(),
                ev.key("action"),
                format!("unknown action `{}`", a.get_ref()),
                Some(&help),
            ));
        }
    }
    let prob = match ev.prob {
        None => Some(Dist::Const(1.0)),
        Some(v) => dist_in(v, &ev.key("prob"), 0.0, 1.0)
            .map_err(|b| errs.push(b))
            .ok(),
    };
    let lag = match ev.lag_months {
        None => Some(None),
        Some(v) => dist_in(
            v,
            &ev.key(if ev.relative {
                "after_months"
            } else {
                "lag_months"
            }),
            0.0,
            f64::INFINITY,
        )
        .map(Some)
        .map_err(|b| errs.push(b))
        .ok(),
    };

    let mut out = Vec::new();
    let mut lever_errs: Vec<Bad> = Vec::new();
    for id in ids {
        let kind = reg.def(id).kind.clone();
        match action_and_value(ev, &kind, reg) {
            Ok((action, value)) => {
                if let (Some(date), Some(prob), Some(lag)) = (date, prob, lag) {
                    out.push(Event {
                        date,
                        lever: id,
                        action,
                        value,
                        prob,
                        lag_months: lag,
                    });
                }
            }
            Err(bs) => {
                for b in bs {
                    // A wildcard's levers share a kind: report each problem once.
                    if !lever_errs
                        .iter()
                        .any(|x| x.span == b.span && x.msg == b.msg)
                    {
                        lever_errs.push(b);
                    }
                }
            }
        }
    }
    errs.extend(lever_errs);
    if !errs.is_empty() {
        for b in errs {
            w.err(b.span, &b.key, b.msg, b.help);
        }
        return Vec::new();
    }
    out
}

/// The action (defaulted by kind) and the value, checked against the lever's kind.
fn action_and_value(
    ev: &RawEvent<'_>,
    kind: &LeverKind,
    reg: &LeverRegistry,
) -> Result<(Action, Value), Vec<Bad>> {
    let mut errs = Vec::new();
    let lever = ev.lever.as_ref().map_or("", |l| l.get_ref().as_str());
    let (allowed, default) = actions_for(kind);
    let name = ev.action.as_ref().map_or(default, |a| a.get_ref().as_str());
    if !ACTIONS.contains(&name) {
        // Already reported as an unknown action.
        return Err(errs);
    }
    if !allowed.contains(&name) {
        let a = ev.action.as_ref().expect("defaults are always allowed");
        errs.push(bad(
            a.span(),
            ev.key("action"),
            format!(
                "action `{name}` is not allowed on `{lever}`, {}",
                kind_name(kind)
            ),
            Some(&format!("use one of: {}", allowed.join(", "))),
        ));
    }
    let action = match (name, &ev.months) {
        ("ramp", Some(m)) => {
            let n = *m.get_ref();
            if !(1..=1200).contains(&n) {
                errs.push(bad(
                    m.span(),
                    ev.key("months"),
                    format!("`months` of a ramp must be between 1 and 1200, got {n}"),
                    Some("the ramp takes this many months; the event month is the first"),
                ));
            }
            Action::Ramp {
                months: n.clamp(1, 1200) as u32,
            }
        }
        // `months` written with the wrong type is already reported as such: one error.
        ("ramp", None) if ev.present.iter().any(|k| k == "months") => Action::Ramp { months: 1 },
        ("ramp", None) => {
            let span = ev.action.as_ref().map_or(ev.span.clone(), |a| a.span());
            errs.push(bad(
                span,
                ev.key("months"),
                "action `ramp` needs `months`".into(),
                Some("add `months = 3` (the number of months the ramp takes, >= 1)"),
            ));
            Action::Ramp { months: 1 }
        }
        (_, Some(m)) => {
            errs.push(bad(
                m.span(),
                ev.key("months"),
                format!("`months` is only allowed with action = \"ramp\", not `{name}`"),
                Some("remove `months`, or write `action = \"ramp\"`"),
            ));
            Action::Set
        }
        ("set", None) => Action::Set,
        ("add", None) => Action::Add,
        ("scale", None) => Action::Scale,
        ("pulse", None) => Action::Pulse,
        _ => Action::Fire,
    };
    let value = match ev.value {
        // A misspelt `value` key already says "did you mean `value`?".
        None if ev.present.iter().any(|k| k == "value") => None,
        None => {
            errs.push(bad(
                ev.span.clone(),
                ev.key("value"),
                "this event has no `value`".into(),
                Some(&format!(
                    "add `value = ...` ({} `{lever}`)",
                    kind_name(kind)
                )),
            ));
            None
        }
        Some(v) => value(ev, v, kind, name, reg)
            .map_err(|b| errs.extend(b))
            .ok(),
    };
    match value {
        Some(value) if errs.is_empty() => Ok((action, value)),
        _ => Err(errs),
    }
}
