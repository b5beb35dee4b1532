//! D219: the same company designated twice. A wave's `sellers` and the `sellers` tag of a plain
//! `sdn.share` set name the companies behind a share. When two designations that are both in
//! force name a common company, the designated share counts its exports twice: the baseline's
//! 0.20 of 2025-01-10 *is* Gazprom Neft and Surgutneftegas, so a wave "designating" them again
//! took the share from 0.65 to 0.90 without a word (walkthrough 7). Names are compared company
//! by company, also when one file joins a company's name differently (`gazprom_neft` lists two
//! companies, `gazpromneft` one) or misspells it by a letter or two, so that those say which
//! name was probably meant. Waves with the same seller group count once (D45): not flagged.

use super::overrides::{Severity, Warning};
use super::{Origin, Scenario};
use crate::policy::calendar::Date;
use crate::policy::events::{companies, seller_group, Action, Event, Value};
use crate::policy::levers::LeverId;

/// One designation that names its companies.
struct Named<'a> {
    /// Index in `sc.events`; `None` for a tree node's action.
    i: Option<usize>,
    /// Written date; `None` for a tree action (it stands whenever its node is entered).
    date: Option<Date>,
    at: Origin,
    what: String,
    name: &'a str,
    parts: Vec<String>,
    /// The share levers it sets or ramps: `sdn.share` stands for every basin.
    levers: Vec<LeverId>,
    wave: bool,
    share_hi: f64,
}

/// How two names share a company.
struct Common {
    company: String,
    /// "did you mean" text when the names match only after joining or a near spelling.
    hint: Option<String>,
}

fn named<'a>(sc: &'a Scenario) -> Vec<Named<'a>> {
    let ids = &sc.registry.ids;
    let mut out = Vec::new();
    let mut push = |i, date, at: Origin, what: String, ev: &'a Event, tag: Option<&'a str>| {
        let (name, levers, wave, hi) = match (&ev.value, ev.action) {
            (
                Value::Wave {
                    sellers: Some(s),
                    basins,
                    add_share,
                    ..
                },
                _,
            ) => {
                let levers = if basins.is_empty() {
                    vec![ids.sdn_share]
                } else {
                    basins.clone()
                };
                (s.as_str(), levers, true, add_share.support().1)
            }
            (Value::Number(d), Action::Set | Action::Ramp { .. }) => match tag {
                Some(t) => (t, vec![ev.lever], false, d.support().1),
                None => return,
            },
            _ => return,
        };
        out.push(Named {
            i,
            date,
            at,
            what,
            name,
            parts: companies(name).collect(),
            levers,
            wave,
            share_hi: hi.clamp(0.0, 1.0),
        });
    };
    for (i, ev) in sc.events.iter().enumerate() {
        let o = &sc.event_origins[i];
        let kind = if matches!(ev.value, Value::Wave { .. }) {
            "the `sdn.wave`"
        } else {
            "the designated-share set"
        };
        let what = format!("{kind} of {} at {}", ev.date, o.at);
        push(
            Some(i),
            Some(ev.date),
            o.at.clone(),
            what,
            ev,
            o.sellers.as_deref(),
        );
    }
    for (t, tree) in sc.trees.iter().enumerate() {
        for (n, node) in tree.nodes.iter().enumerate() {
            let Some(at) = sc.tree_origins.get(t).and_then(|o| o.nodes.get(n)) else {
                continue;
            };
            for ev in &node.actions {
                let what = format!(
                    "the `sdn.wave` of tree `{}` node `{}` at {at}",
                    tree.id, node.id
                );
                push(None, None, at.clone(), what, ev, None);
            }
        }
    }
    out
}

/// Whether `a` (dated no later than `b`) still stands at `b`'s date: no plain `set` on one of
/// its levers between them restated the share.
fn stands(sc: &Scenario, a: &Named, b: &Named) -> bool {
    let (Some(da), Some(db)) = (a.date, b.date) else {
        return true;
    };
    !sc.events.iter().enumerate().any(|(k, e)| {
        Some(k) != a.i
            && Some(k) != b.i
            && matches!((&e.value, e.action), (Value::Number(_), Action::Set))
            && a.levers.contains(&e.lever)
            && e.date > da
            && e.date <= db
    })
}

fn levers_overlap(sc: &Scenario, a: &Named, b: &Named) -> bool {
    let all = sc.registry.ids.sdn_share;
    a.levers.contains(&all)
        || b.levers.contains(&all)
        || a.levers.iter().any(|l| b.levers.contains(l))
}

/// The first company the two names share: the same part, parts of one joined into a part of
/// the other, or a part one spelling away.
fn common(a: &Named, b: &Named) -> Option<Common> {
    if let Some(c) = b.parts.iter().find(|p| a.parts.contains(p)) {
        return Some(Common {
            company: c.clone(),
            hint: None,
        });
    }
    for (x, y) in [(a, b), (b, a)] {
        for len in 2..=3.min(x.parts.len()) {
            for run in x.parts.windows(len) {
                let joined = run.concat();
                if y.parts.contains(&joined) {
                    return Some(Common {
                        hint: Some(format!(
                            "`{}` lists {} as separate companies, `{}` lists `{joined}` as one: \
                             did you mean `{joined}`?",
                            x.name,
                            run.iter()
                                .map(|p| format!("`{p}`"))
                                .collect::<Vec<_>>()
                                .join(" and "),
                            y.name
                        )),
                        company: joined,
                    });
                }
            }
        }
    }
    for p in &b.parts {
        if p.len() < 4 {
            continue;
        }
        let long: Vec<&String> = a.parts.iter().filter(|q| q.len() >= 4).collect();
        if let Some(near) = crate::suggest::closest(p, &long) {
            return Some(Common {
                company: near.to_string(),
                hint: Some(format!("did you mean `{near}` for `{p}`?")),
            });
        }
    }
    None
}

/// One warning per designation that names a company another designation in force already
/// names (the latest such one).
pub(super) fn seller_findings(sc: &Scenario) -> Vec<Warning> {
    let all = named(sc);
    let mut out = Vec::new();
    for b in all.iter().filter(|b| b.i.is_some()) {
        let before = |a: &&Named| match (a.date, b.date) {
            (None, _) => true,
            (Some(da), Some(db)) => (da, a.i) < (db, b.i),
            _ => false,
        };
        let hit = all
            .iter()
            .filter(before)
            .filter(|a| !(a.wave && b.wave && seller_group(a.name) == seller_group(b.name)))
            .filter(|a| levers_overlap(sc, a, b) && stands(sc, a, b))
            .filter_map(|a| common(a, b).map(|c| (a, c)))
            .next_back();
        let Some((a, c)) = hit else {
            continue;
        };
        let this = if b.wave {
            "this `sdn.wave`"
        } else {
            "this designated-share set"
        };
        let help = if a.wave && b.wave {
            "if both waves designate the same companies, give them the same `sellers` name \
             (they then count once, D45); otherwise name each company in one wave only"
                .to_string()
        } else {
            format!(
                "leave the companies already designated out of `sellers` and size the event as \
                 the share the others add: {} already stands for them (docs/scenarios.md §2.6)",
                a.what
            )
        };
        let help = match &c.hint {
            Some(h) => format!("{h} {help}"),
            None => help,
        };
        out.push(Warning {
            severity: Severity::Warning,
            at: b.at.clone(),
            key: format!("event[{}]", sc.event_origins[b.i.unwrap_or(0)].index),
            message: format!(
                "{this} (`sellers = \"{}\"`) names `{}`, already designated by {} \
                 (`sellers = \"{}\"`, up to {:.2} of exports): the designated share counts \
                 that company's exports twice (this event adds up to {:.2})",
                b.name, c.company, a.what, a.name, a.share_hi, b.share_hi
            ),
            help: Some(help),
        });
    }
    out
}
