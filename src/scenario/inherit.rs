//! The events stage: `[[event]]` tables along the `extends` chain, root first, each resolved
//! against the lever registry (a wildcard gives one event per matching lever). A file may name
//! its events (`id`), replace an inherited one (`replaces`) and remove inherited ones
//! (`remove_events`); a target is an id or `<lever>@<date>` (D51, docs/scenarios.md §1.5).

use super::diagnostics::{Diagnostic, Source};
use super::raw::RawFile;
use super::walker::Walker;
use super::{event, valid_id, EventOrigin, Origin, RemovedEvent};
use crate::policy::calendar::{Date, MonthIdx};
use crate::policy::events::Event;
use crate::policy::levers::LeverRegistry;
use crate::suggest;
use serde_spanned::Spanned;

/// The events so far, with the chain index of the file each came from.
#[derive(Default)]
struct Acc {
    events: Vec<Event>,
    origins: Vec<EventOrigin>,
    file: Vec<usize>,
    removed: Vec<RemovedEvent>,
    /// The first entry of `removed` that the current file removed or replaced.
    removed_here: usize,
    /// Events without an `id` written so far along the chain, by (lever, date): removed and
    /// replaced ones stay counted, so no removal shifts another event's stream (hostile
    /// round 11 F1).
    written: std::collections::HashMap<(usize, Date), usize>,
}

/// Resolved events in chain order then file order, their origins, and what was removed.
pub(crate) fn resolve(
    raws: &[RawFile<'_>],
    sources: &[Source],
    reg: &LeverRegistry,
    horizon: Option<(MonthIdx, usize)>,
    diags: &mut Vec<Diagnostic>,
) -> (Vec<Event>, Vec<EventOrigin>, Vec<RemovedEvent>) {
    let mut acc = Acc::default();
    for (k, (r, src)) in raws.iter().zip(sources).enumerate() {
        let mut w = Walker::new(src, diags);
        acc.removed_here = acc.removed.len();
        for (n, target) in r.remove_events.iter().enumerate() {
            let key = format!("remove_events[{}]", n + 1);
            drop_inherited(&mut w, &mut acc, reg, k, target, &key, "removed");
        }
        let mut own_ids: Vec<String> = Vec::new();
        for ev in &r.events {
            if let Some(id) = &ev.id {
                check_id(
                    &mut w,
                    &acc,
                    k,
                    ev.key("id"),
                    id,
                    ev.replaces.as_ref(),
                    &own_ids,
                );
                own_ids.push(id.get_ref().clone());
            }
            if let Some(target) = &ev.replaces {
                drop_inherited(
                    &mut w,
                    &mut acc,
                    reg,
                    k,
                    target,
                    &ev.key("replaces"),
                    "replaced",
                );
            }
            let got = event::resolve(&mut w, ev, reg, horizon, k + 1 == raws.len());
            let sellers = super::designation::event_sellers(&mut w, ev, reg);
            let origin = EventOrigin {
                at: src.origin(ev.span.start),
                index: ev.index,
                lever_written: ev
                    .lever
                    .as_ref()
                    .map_or(String::new(), |l| l.get_ref().clone()),
                note: ev.note.as_ref().map(|n| n.get_ref().clone()),
                id: ev.id.as_ref().map(|i| i.get_ref().clone()),
                sellers,
                stream: 0,
            };
            for e in &got {
                let mut o = origin.clone();
                if o.id.is_none() {
                    let n = acc.written.entry((e.lever, e.date)).or_insert(0);
                    o.stream = *n;
                    *n += 1;
                }
                acc.origins.push(o);
            }
            acc.file.extend(std::iter::repeat_n(k, got.len()));
            acc.events.extend(got);
        }
    }
    (acc.events, acc.origins, acc.removed)
}

/// An event's id: a valid name, not used twice in one file, and not an inherited event's id
/// unless the event replaces that event.
fn check_id(
    w: &mut Walker<'_>,
    acc: &Acc,
    k: usize,
    key: String,
    id: &Spanned<String>,
    replaces: Option<&Spanned<String>>,
    own: &[String],
) {
    let name = id.get_ref();
    if !valid_id(name) {
        w.err(
            id.span(),
            &key,
            format!("event id `{name}` may only use ASCII letters, digits, `_` and `-`"),
            Some("write e.g. `id = \"eu_cap_cut\"`".into()),
        );
    } else if own.contains(name) {
        w.err(
            id.span(),
            &key,
            format!("event id `{name}` is used twice in this file"),
            Some("give each [[event]] its own id".into()),
        );
    } else if let Some(i) = (0..acc.events.len())
        .find(|&i| acc.file[i] < k && acc.origins[i].id.as_deref() == Some(name.as_str()))
    {
        if replaces.map(|r| r.get_ref()) != Some(name) {
            w.err(
                id.span(),
                &key,
                format!(
                    "event id `{name}` already names an inherited event at {}",
                    acc.origins[i].at
                ),
                Some(format!(
                    "to replace that event write `replaces = \"{name}\"`; otherwise choose \
                     another id"
                )),
            );
        }
    }
}

/// `<lever>@<date>` of an inherited event, as `remove_events` and `replaces` write it.
fn lever_at(reg: &LeverRegistry, ev: &Event) -> String {
    format!("{}@{}", reg.def(ev.lever).name, ev.date)
}

/// Whether `target` (an id, or `<lever>@<date>` with the lever as resolved or as written)
/// names event `i`.
fn names(reg: &LeverRegistry, acc: &Acc, i: usize, target: &str) -> bool {
    let o = &acc.origins[i];
    if o.id.as_deref() == Some(target) {
        return true;
    }
    let Some((lever, date)) = target.split_once('@') else {
        return false;
    };
    // Matched exactly: no spaces around the date (D157), as everywhere else (hostile round
    // 11 F6); a padded name gets a "did you mean" from `drop_inherited`.
    let Ok(date) = super::dates::date(date) else {
        return false;
    };
    acc.events[i].date == date
        && (reg.def(acc.events[i].lever).name == lever || o.lever_written == lever)
}

/// Whether `target` names the removed event `r`, as [`names`] does for one not yet removed.
fn names_removed(r: &RemovedEvent, target: &str) -> bool {
    if r.was.id.as_deref() == Some(target) {
        return true;
    }
    let Some((lever, date)) = target.split_once('@') else {
        return false;
    };
    let Ok(date) = super::dates::date(date) else {
        return false;
    };
    r.date == date && (r.lever == lever || r.was.lever_written == lever)
}

/// The candidate `t` names once its whitespace and hidden characters are dropped (`"a "`,
/// `"cap.eu_mode@ 2025-09-03"`, `"b\t"`), if any.
fn padded<'a>(t: &str, candidates: &'a [String]) -> Option<&'a str> {
    let bare: String = t
        .chars()
        .filter(|c| !c.is_whitespace() && !suggest::is_hidden(*c))
        .collect();
    (bare != t)
        .then(|| candidates.iter().find(|c| **c == bare))
        .flatten()
        .map(String::as_str)
}

/// Drops every inherited event `target` names; an error (with the closest names) if none.
fn drop_inherited(
    w: &mut Walker<'_>,
    acc: &mut Acc,
    reg: &LeverRegistry,
    k: usize,
    target: &Spanned<String>,
    key: &str,
    how: &'static str,
) {
    let t = target.get_ref();
    // Quoted escaped: an escape sequence or format character in the name is shown, not sent
    // (D272), and so is a tab, which inside backticks would look like spaces (hostile round
    // 11 F6).
    let shown = super::text::visible(t).replace('\t', "\\t");
    let hits: Vec<usize> = (0..acc.events.len())
        .filter(|&i| acc.file[i] < k && names(reg, acc, i, t))
        .collect();
    if hits.is_empty() {
        // D155: named a second time in this file (the same words, or its id and its
        // `<lever>@<date>`): the first mention already took it.
        if let Some(r) = acc.removed[acc.removed_here..]
            .iter()
            .find(|r| names_removed(r, t))
        {
            let what = if how == "removed" {
                format!("remove the entry `{key}`")
            } else {
                format!("remove `{key}` (or the earlier mention)")
            };
            w.err(
                target.span(),
                key,
                format!(
                    "`{shown}` is listed twice: the inherited event it names (`{}@{}`, written at \
                     {}) was already {} by the mention at {}",
                    r.lever, r.date, r.was.at, r.how, r.by
                ),
                Some(format!(
                    "{what}: an inherited event is removed or replaced once"
                )),
            );
            return;
        }
        let mut candidates: Vec<String> = (0..acc.events.len())
            .filter(|&i| acc.file[i] < k)
            .flat_map(|i| {
                let by_date = lever_at(reg, &acc.events[i]);
                acc.origins[i].id.clone().into_iter().chain([by_date])
            })
            .collect();
        candidates.dedup();
        let help = if candidates.is_empty() {
            "this file inherits no events: remove the key".to_string()
        } else if let Some(c) = padded(t, &candidates) {
            format!(
                "did you mean `{c}`? names are matched exactly, and this one has spaces or \
                 other invisible characters around or inside it"
            )
        } else if let Some(c) = suggest::closest(t, &candidates) {
            format!("did you mean `{c}`? (an inherited event's id, or `<lever>@<YYYY-MM-DD>`)")
        } else {
            "name an inherited event by its `id`, or as `<lever>@<YYYY-MM-DD>` (its written \
             date); `explain` on the parent lists them"
                .to_string()
        };
        let own = if t.contains('@') { "" } else { " or id" };
        w.err(
            target.span(),
            key,
            format!("no inherited event is named `{shown}` (by `<lever>@<date>`{own})"),
            Some(help),
        );
        return;
    }
    let by: Origin = w.src.origin(target.span().start);
    for &i in &hits {
        acc.removed.push(RemovedEvent {
            lever: reg.def(acc.events[i].lever).name.clone(),
            date: acc.events[i].date,
            was: acc.origins[i].clone(),
            by: by.clone(),
            how,
        });
    }
    for &i in hits.iter().rev() {
        acc.events.remove(i);
        acc.origins.remove(i);
        acc.file.remove(i);
    }
}
