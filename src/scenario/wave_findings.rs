//! Findings on designation waves that are legal but probably not what the file means, for
//! `validate` and `explain` (D44, docs/scenarios.md §2.6):
//! - two waves of *different* authorities on the same basins within a quarter: when they
//!   designate the same sellers (the UK listed Rosneft and Lukoil on 2025-10-15, the US on
//!   2025-10-22) the designated share counts them twice;
//! - waves whose shares, on top of the largest share a plain event sets, can add up past 1 on a
//!   basin: the share is capped at 1 and every wave on the basin is scaled down, so the
//!   file's shares are not the ones simulated. A `pulse` is not counted there: a wave is sized
//!   on the share the pulse returns to (hostile round 10 #2, which it used to be warned about
//!   as "waves on every basin" and "a second authority");
//! - a `pulse` of a share lever that, with the steps of the waves due in its month, can pass 1:
//!   that month alone is held at 1.

use super::overrides::{Severity, Warning};
use super::Scenario;
use crate::policy::calendar::days_in_month;
use crate::policy::events::{
    company_id, seller_group, seller_names, Action, Event, Value, WaveAuthority,
};
use crate::policy::levers::LeverId;

/// Two waves closer than this (in days) are flagged when their authorities differ.
const CLOSE_DAYS: i64 = 92;

struct Wave<'a> {
    i: usize,
    ev: &'a Event,
    /// Basin share levers it ramps; empty = every basin.
    basins: &'a [LeverId],
    authority: Option<WaveAuthority>,
    share_hi: f64,
    /// D45: the seller group of its `sellers` name, if any (one group whatever the case,
    /// order or repetition of the companies, D158).
    sellers: Option<u64>,
}

fn waves(sc: &Scenario) -> Vec<Wave<'_>> {
    sc.events
        .iter()
        .enumerate()
        .filter_map(|(i, ev)| match &ev.value {
            Value::Wave {
                add_share,
                basins,
                authority,
                sellers,
                ..
            } => Some(Wave {
                i,
                ev,
                basins,
                authority: *authority,
                share_hi: add_share.support().1.clamp(0.0, 1.0),
                sellers: sellers.as_deref().map(seller_group),
            }),
            _ => None,
        })
        .collect()
}

/// Days since 1900-01-01 of the event's written date (years are 1900–2200).
fn day_number(ev: &Event) -> i64 {
    let days: i64 = (1900 * 12..ev.date.month)
        .map(|m| days_in_month(m) as i64)
        .sum();
    days + ev.date.day as i64
}

fn overlap(a: &[LeverId], b: &[LeverId]) -> bool {
    a.is_empty() || b.is_empty() || a.iter().any(|x| b.contains(x))
}

fn names(sc: &Scenario, basins: &[LeverId]) -> String {
    if basins.is_empty() {
        return "every basin".into();
    }
    basins
        .iter()
        .map(|b| {
            let n = &sc.registry.def(*b).name;
            // `sdn.W.share` → W
            n.strip_prefix("sdn.")
                .and_then(|s| s.strip_suffix(".share"))
                .unwrap_or(n)
                .to_string()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn authority(a: Option<WaveAuthority>) -> &'static str {
    a.map_or("no authority", |a| a.name())
}

/// Every wave flagged by the two rules above (`overrides` puts them in event order).
pub fn wave_findings(sc: &Scenario) -> Vec<Warning> {
    let ws = waves(sc);
    let mut out = Vec::new();
    for w in &ws {
        let earlier = ws
            .iter()
            .filter(|v| {
                let (dv, dw) = (day_number(v.ev), day_number(w.ev));
                (dv, v.i) < (dw, w.i)
                    && dw - dv <= CLOSE_DAYS
                    && v.authority.is_some()
                    && w.authority.is_some()
                    && v.authority != w.authority
                    && overlap(v.basins, w.basins)
                    // Both named: the same group counts once (D45), and a company in both
                    // names is flagged by `seller_findings` (D219); disjoint names are
                    // different sellers.
                    && !(v.sellers.is_some() && w.sellers.is_some())
            })
            .max_by_key(|v| (day_number(v.ev), v.i));
        if let Some(v) = earlier {
            out.push(Warning {
                severity: Severity::Warning,
                at: sc.event_origins[w.i].at.clone(),
                key: format!("event[{}]", sc.event_origins[w.i].index),
                message: format!(
                    "this `sdn.wave` ({}, {}) adds up to {} to the designated share on top of \
                     the {} wave of {} at {} ({}): if both designate the same sellers, they \
                     are counted twice",
                    authority(w.authority),
                    names(sc, w.basins),
                    w.share_hi,
                    authority(v.authority),
                    v.ev.date,
                    sc.event_origins[v.i].at,
                    names(sc, v.basins),
                ),
                help: Some(
                    "if they are the same companies, give both waves the same `sellers` name \
                     (e.g. `sellers = \"rosneft_lukoil\"`): they then count once \
                     (docs/scenarios.md §2.6)"
                        .into(),
                ),
            });
        }
    }
    // Shares that can add up past 1 on a basin (every basin, if a wave names none).
    let mut basin_ids: Vec<LeverId> = ws.iter().flat_map(|w| w.basins.iter().copied()).collect();
    basin_ids.sort_unstable();
    basin_ids.dedup();
    let groups: Vec<Option<LeverId>> = if basin_ids.is_empty() {
        vec![None]
    } else {
        basin_ids.into_iter().map(Some).collect()
    };
    let mut flagged = Vec::new();
    for g in groups {
        // The largest share a plain event sets on the market-wide or this basin's lever (the
        // baseline's 0.20 of 2025-01-10) is already designated before any wave.
        let ids = &sc.registry.ids;
        let mut named: Vec<(u64, f64)> = Vec::new();
        // A pulse is an overlay of its month: the waves are sized on the share under it.
        let plain = sc
            .events
            .iter()
            .enumerate()
            .filter(|(_, e)| e.lever == ids.sdn_share || Some(e.lever) == g)
            .filter(|(_, e)| e.action != Action::Pulse)
            .filter_map(|(i, e)| match &e.value {
                Value::Number(d) => Some((i, d.support().1.clamp(0.0, 1.0))),
                _ => None,
            })
            .fold(None, |best: Option<(usize, f64)>, (i, v)| match best {
                Some((_, b)) if b >= v => best,
                _ => Some((i, v)),
            });
        let base = plain.map_or(0.0, |p| p.1);
        let mut total = base;
        let mut count = 0;
        for w in ws
            .iter()
            .filter(|w| g.is_none_or(|b| w.basins.is_empty() || w.basins.contains(&b)))
        {
            // A named group adds only what it adds beyond its earlier waves (D45).
            count += 1;
            total += match w.sellers {
                None => w.share_hi,
                Some(n) => match named.iter_mut().find(|(m, _)| *m == n) {
                    Some((_, hi)) => {
                        let add = (w.share_hi - *hi).max(0.0);
                        *hi = hi.max(w.share_hi);
                        add
                    }
                    None => {
                        named.push((n, w.share_hi));
                        w.share_hi
                    }
                },
            };
            if total > 1.0 + 1e-9 {
                if !flagged.contains(&w.i) {
                    flagged.push(w.i);
                    out.push(Warning {
                        severity: Severity::Warning,
                        at: sc.event_origins[w.i].at.clone(),
                        key: format!("event[{}]", sc.event_origins[w.i].index),
                        message: format!(
                            "with this `sdn.wave` the designated share {} can reach up to {:.2} of \
                             exports: {}, plus {} adding up to {:.2}; the share is held at 1 \
                             and every wave on it is scaled down",
                            g.map_or("(`sdn.share`)".to_string(), |b| format!(
                                "of basin {}",
                                names(sc, &[b])
                            )),
                            total,
                            match plain {
                                Some((i, v)) => format!("{v:.2} set at {}", sc.event_origins[i].at),
                                None => "0 before any wave".into(),
                            },
                            if count == 1 {
                                "this wave".to_string()
                            } else {
                                format!("{count} waves up to this one")
                            },
                            total - base
                        ),
                        help: Some(
                            "size each wave as the share its sellers add to what is already \
                             designated; waves that list the same companies count them once \
                             when they give the same `sellers` name (docs/scenarios.md §2.6)"
                                .into(),
                        ),
                    });
                }
                break;
            }
        }
    }
    out.extend(pulse_months(sc, &ws));
    // D219: a company named by two designations in force.
    out.extend(super::seller_findings::seller_findings(sc));
    out
}

/// A `pulse` of a share lever (`sdn.share`, `sdn.<basin>.share`) whose value and the steps of
/// the waves that ramp that lever in the pulse's month (as written, before lags) can pass 1:
/// that month is held at 1, and the waves keep their size (hostile round 10 #2).
fn pulse_months(sc: &Scenario, ws: &[Wave]) -> Vec<Warning> {
    let ids = &sc.registry.ids;
    let mut out = Vec::new();
    for (i, e) in sc.events.iter().enumerate() {
        let share_lever = e.lever == ids.sdn_share || ids.sdn_basin_share.contains(&e.lever);
        let (Action::Pulse, true, Value::Number(d)) = (e.action, share_lever, &e.value) else {
            continue;
        };
        let hi = d.support().1.clamp(0.0, 1.0);
        let m = e.date.month;
        let steps: f64 = ws
            .iter()
            .filter(|w| {
                let lever_of_w = if w.basins.is_empty() {
                    e.lever == ids.sdn_share
                } else {
                    w.basins.contains(&e.lever)
                };
                let Value::Wave {
                    wind_down_months, ..
                } = &w.ev.value
                else {
                    return false;
                };
                let n = (*wind_down_months).max(1) as i32;
                lever_of_w && w.ev.date.month <= m && m < w.ev.date.month + n
            })
            .map(|w| match &w.ev.value {
                Value::Wave {
                    wind_down_months, ..
                } => w.share_hi / f64::from((*wind_down_months).max(1)),
                _ => 0.0,
            })
            .sum();
        if steps > 0.0 && hi + steps > 1.0 + 1e-9 {
            let name = &sc.registry.def(e.lever).name;
            out.push(Warning {
                severity: Severity::Warning,
                at: sc.event_origins[i].at.clone(),
                key: format!("event[{}]", sc.event_origins[i].index),
                message: format!(
                    "this `pulse` of `{name}` (up to {hi:.2}) and the steps of the `sdn.wave`s \
                     due in {} (up to {steps:.2}) can pass 1: `{name}` is held at 1 in that \
                     month only; the waves keep their size, which is judged on the share the \
                     pulse returns to",
                    crate::policy::calendar::iso_month(m)
                ),
                help: Some(format!(
                    "pulse to at most {:.2} to keep the whole step in that month \
                     (docs/scenarios.md §2.1)",
                    (1.0 - steps).max(0.0)
                )),
            });
        }
    }
    out
}

/// D46: which buyers' term ties an authority wave reaches (by the companies its `sellers`
/// lists), so that a reader sees why naming the sellers changes the answer.
pub fn term_ties_line(sc: &Scenario, v: &Value) -> Option<String> {
    let Value::Wave {
        authority: Some(_),
        sellers,
        ..
    } = v
    else {
        return None;
    };
    let ties: Vec<(String, &str, u64)> = sc
        .market
        .buyers
        .iter()
        .flat_map(|b| {
            b.term_ties.iter().map(|(name, d)| {
                (
                    format!("{} {name} {d}", b.id),
                    name.as_str(),
                    company_id(name),
                )
            })
        })
        .collect();
    if ties.is_empty() {
        return None;
    }
    let listed = sellers.as_deref().map(seller_names).unwrap_or_default();
    let reached: Vec<&str> = ties
        .iter()
        .filter(|(_, _, h)| listed.contains(h))
        .map(|(t, _, _)| t.as_str())
        .collect();
    Some(if reached.is_empty() {
        let all: Vec<&str> = ties.iter().map(|(t, _, _)| t.as_str()).collect();
        format!(
            "term ties: none reached; the market's ties ({}) unwind only under a wave whose \
             `sellers` lists the company (D46)",
            all.join(", ")
        )
    } else {
        format!(
            "term ties: reaches {} (those refiners lose the tied volume at the deadline, D46)",
            reached.join(", ")
        )
    })
}
