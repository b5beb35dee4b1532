//! The start state of a run that starts after part of its history (D196, D197, D199): the
//! lever values in force at the start are built from every event dated before it
//! (docs/scenarios.md §1.4), but the market's state is the explicit init's, a state of 2025-08
//! (model.md §3), and the automatic rules do not run before the start. Named at the file's
//! `start`:
//! - the EU dynamic cap reviews that would have fallen before the start and that no later cap
//!   replaces (a warning: the cap in force at the start is the last one written);
//! - `wave_age_months` left at its default while the dates put the last designation wave at
//!   another age (a warning);
//! - `[brent] p0` and `f24` inherited from a file written for another start (a warning: the
//!   run starts Brent from another month's price);
//! - a start after 2025-08 under the explicit init: what the months between would have built
//!   (a note, with the random tanker designations it leaves out).

use super::overrides::{Severity, Warning};
use super::pre_start::SdnHistory;
use super::window::{months_between, start_origin, INIT_MONTH};
use super::{Init, Scenario};
use crate::dist::Dist;
use crate::policy::calendar::{iso_month, Date};
use crate::policy::cap_review::scheduled_reviews;
use crate::policy::describe::lever_value;
use crate::policy::events::{Event, PolicyPath, Value};
use rand::SeedableRng;

/// How far `wave_age_months` may be from the age the dates give before it is named (months):
/// a wave's day within its month makes the month count uncertain by one.
const AGE_SLACK: f64 = 1.0;

/// One finding before it is placed at the file's `start`.
struct Finding {
    severity: Severity,
    key: &'static str,
    message: String,
    help: Option<String>,
}

pub(super) fn findings(sc: &Scenario, hist: &SdnHistory) -> Vec<Warning> {
    let found: Vec<Finding> = [
        stale_brent(sc),
        cap_reviews(sc),
        wave_age(sc, hist),
        later_start(sc),
    ]
    .into_iter()
    .flatten()
    .collect();
    if found.is_empty() {
        return Vec::new();
    }
    let at = start_origin(sc);
    found
        .into_iter()
        .map(|f| Warning {
            severity: f.severity,
            at: at.clone(),
            key: f.key.into(),
            message: f.message,
            help: f.help,
        })
        .collect()
}

/// `[brent] p0` (and `f24`) written in an earlier file of the chain than the `start` in force,
/// for another start (hostile round 8 finding 6): the run starts Brent from the price of the
/// month before that other start. A later file that writes the same start again changes
/// nothing, so it is not named.
fn stale_brent(sc: &Scenario) -> Option<Finding> {
    let ws = super::provenance::writes(sc);
    let last = |key: &str, upto: usize| ws.iter().rfind(|w| w.key == key && w.file <= upto);
    let start = last("scenario.start", usize::MAX)?;
    let mut stale = Vec::new();
    for (key, value) in [("brent.p0", Some(sc.brent_p0)), ("brent.f24", sc.brent_f24)] {
        let (Some(w), Some(v)) = (last(key, usize::MAX), value) else {
            continue;
        };
        if w.file >= start.file {
            continue;
        }
        let was = last("scenario.start", w.file);
        let month = was
            .and_then(|s| s.text.as_deref())
            .and_then(|t| super::dates::month(t, "start").ok());
        if month == Some(sc.start) {
            continue;
        }
        let for_start = match (month, was) {
            (Some(m), Some(s)) => format!("written for a {} start (set at {})", iso_month(m), s.at),
            _ => "written in a file that sets no start".into(),
        };
        let name = key.trim_start_matches("brent.");
        stale.push((
            name,
            format!(
                "`[brent] {name}` = {} comes from {}, {for_start}",
                crate::suggest::Num(v),
                w.at
            ),
        ));
    }
    if stale.is_empty() {
        return None;
    }
    let before = iso_month(sc.start - 1);
    let what: Vec<String> = stale.iter().map(|(_, s)| s.clone()).collect();
    let f24 = if stale.iter().any(|(n, _)| *n == "f24") {
        " and `f24` to the 24-month Brent future quoted then"
    } else {
        ""
    };
    Some(Finding {
        severity: Severity::Warning,
        key: if stale[0].0 == "p0" {
            "brent.p0"
        } else {
            "brent.f24"
        },
        message: format!(
            "{}, but this run starts in {}: its Brent starts from the price of the month before \
             that other start, not of {before}, the month before this one",
            what.join("; "),
            iso_month(sc.start)
        ),
        help: Some(format!(
            "set `p0` under [brent] to the EIA average Brent of {before}, the month before the \
             start{f24} (docs/scenarios.md §1.8)"
        )),
    })
}

fn dynamic(ev: &Event) -> bool {
    matches!(&ev.value, Value::Number(Dist::Const(v)) if *v > 0.5)
}

/// The reviews of the EU dynamic cap dated before the start and after the last cap written
/// before it (D196): they need the path's Urals prices of the five months before each, which
/// the run does not simulate, so the run starts with the last cap written.
fn cap_reviews(sc: &Scenario) -> Option<Finding> {
    let ids = &sc.registry.ids;
    let ev = &sc.events;
    let pre: Vec<usize> = (0..ev.len())
        .filter(|&i| ev[i].date.month < sc.start)
        .collect();
    let on = |lever| {
        pre.iter()
            .copied()
            .filter(move |&i| ev[i].lever == lever)
            .max_by_key(|&i| (ev[i].date, i))
    };
    let mode = on(ids.cap_eu_mode);
    if mode.is_none() && sc.registry.def(ids.cap_eu_mode).default < 0.5 {
        return None;
    }
    let from = pre.iter().map(|&i| ev[i].date.month).min()?;
    let defaults = sc.registry.defaults();
    let span = (sc.start - from) as usize;
    let cap = on(ids.cap_eu_usd);
    let missed: Vec<Date> = scheduled_reviews(ev, &sc.registry, &defaults, from, span)
        .into_iter()
        .filter(|r| cap.is_none_or(|c| *r > ev[c].date))
        .collect();
    let last = *missed.last()?;
    let dates: Vec<String> = missed.iter().map(Date::to_string).collect();
    let switched = match mode.filter(|&i| dynamic(&ev[i])) {
        Some(i) => format!(
            ", switched on by `cap.eu_mode = \"dynamic\"` on {} ({}),",
            ev[i].date, sc.event_origins[i].at
        ),
        None => String::new(),
    };
    let from_cap = match cap {
        Some(c) => {
            let v = match &ev[c].value {
                Value::Number(d) => lever_value(&sc.registry.def(ids.cap_eu_usd).kind, d),
                _ => "?".into(),
            };
            format!(
                "the last cap written, `cap.eu_usd = {v}` dated {} ({})",
                ev[c].date, sc.event_origins[c].at
            )
        }
        None => "the lever's default".into(),
    };
    let next = scheduled_reviews(ev, &sc.registry, &defaults, sc.start, sc.months)
        .first()
        .copied();
    let then = next.map_or("; no review falls within the horizon".into(), |d| {
        format!(", and reviews again on {d}")
    });
    let n = missed.len();
    // A start centuries after the switch misses hundreds of reviews: the first few, the
    // last and the count, not a line of thousands of characters (hostile round 13 F8).
    let dates = match dates.split_last() {
        Some((l, rest)) if rest.len() > 4 => {
            format!("{}, … and {l} ({n} reviews)", rest[..3].join(", "))
        }
        Some((l, rest)) if !rest.is_empty() => format!("{} and {l}", rest.join(", ")),
        _ => dates.join(""),
    };
    Some(Finding {
        severity: Severity::Warning,
        key: "scenario.start",
        message: format!(
            "the EU dynamic cap review{switched} would have reset the EU cap on {dates}, before \
             the start {}; {} not computed, since each needs the path's Urals prices of the five \
             months before it, which the run does not simulate: the run starts with \
             {from_cap}{then}",
            iso_month(sc.start),
            if n == 1 {
                "that review is"
            } else {
                "those reviews are"
            },
        ),
        help: Some(format!(
            "add two events dated {last}: `cap.eu_usd` set to the cap that review set (the \
             EU's notice, or `cap_eu_in_force_usd_bbl` in {} of a run that starts earlier), \
             and `cap.eu_mode = \"dynamic\"`, which keeps the reviews going from it{} \
             (docs/scenarios.md §1.8)",
            iso_month(sc.start - 1),
            next.map_or(String::new(), |d| format!(", next on {d}"))
        )),
    })
}

/// `wave_age_months` at its default while the last designation before the start is of
/// another age (D197): the explicit init ages the laundering, the intermediaries' margin, the
/// buyers' adaptation and the fleet's rebuild by it.
fn wave_age(sc: &Scenario, hist: &SdnHistory) -> Option<Finding> {
    if sc.init != Init::Explicit || sc.param_origins.contains_key("wave_age_months") {
        return None;
    }
    let i = hist.last?;
    let ev = &sc.events[i];
    let age = months_between(ev.date, sc.start);
    let set = sc.params.get("wave_age_months")?.median();
    if (age - set).abs() <= AGE_SLACK {
        return None;
    }
    let set = crate::suggest::Num(set);
    Some(Finding {
        severity: Severity::Warning,
        key: "params.wave_age_months",
        message: format!(
            "the explicit init takes the last designation wave to be `wave_age_months` = {set} \
             months old at the start (the default: the 2025-01-10 wave for a 2025-08 start; \
             model.md §3), but the last designation before the start {} is `{}` dated {} (at \
             {}), {age:.1} months earlier: the start's laundering, intermediary margin and \
             buyer adaptation, and the shadow fleet's rebuild since the January-2025 tanker \
             batch, are those of a {set}-month-old wave",
            iso_month(sc.start),
            sc.registry.def(ev.lever).name,
            ev.date,
            sc.event_origins[i].at
        ),
        help: Some(format!(
            "set the age the dates give: `wave_age_months = {age:.1}` under `[params]` \
             (docs/scenarios.md §1.8)"
        )),
    })
}

/// A start after 2025-08 under the explicit init (D199): the lever values carry, the market's
/// state does not. A note: no key makes the months between happen.
fn later_start(sc: &Scenario) -> Option<Finding> {
    if sc.init != Init::Explicit || sc.start <= INIT_MONTH {
        return None;
    }
    let gap = (sc.start - INIT_MONTH) as usize;
    let batches = random_batches(sc)
        .filter(|n| *n >= 0.5)
        .map_or(String::new(), |n| {
            format!(
                "about {n:.0} random tanker designation batches (`fleet.designation.rate`) \
                 that would have fallen in them are not drawn, so "
            )
        });
    Some(Finding {
        severity: Severity::Note,
        key: "scenario.start",
        message: format!(
            "the explicit init describes the market of {} (model.md §3) and this run starts \
             {gap} month{} later: {batches}the shadow fleet, the buyers' stance cuts and \
             slates, Russian storage and world inventories start as in {}; the lever values \
             do carry (the events dated before the start build them)",
            iso_month(INIT_MONTH),
            if gap == 1 { "" } else { "s" },
            iso_month(INIT_MONTH)
        ),
        help: Some(
            "docs/scenarios.md §1.8 lists what a later start must write itself; to keep the \
             whole history, start in 2025-08 and read the months you need"
                .into(),
        ),
    })
}

/// The expected number of random designation batches from [`INIT_MONTH`] to the start, every
/// event taken to happen on its written date; `None` when the replay would be long (a very
/// late start with a very large file).
fn random_batches(sc: &Scenario) -> Option<f64> {
    let months = (sc.start - INIT_MONTH) as usize;
    if months.saturating_mul(sc.events.len().max(1)) > 20_000_000 {
        return None;
    }
    let ids = &sc.registry.ids;
    let sure = crate::policy::cap_review::certain_events(&sc.events);
    let defaults = sc.registry.defaults();
    // Values are drawn but only the rate and relief are read: any stream does.
    let mut policy = PolicyPath::new(&sure, &sc.registry, &defaults, INIT_MONTH, |i| {
        rand_chacha::ChaCha8Rng::seed_from_u64(i as u64)
    });
    let (mut lv, mut fired, mut n) = (defaults.clone(), Vec::new(), 0.0);
    for m in INIT_MONTH..sc.start {
        policy.advance(m, &mut lv, &mut fired);
        if !lv.flag(ids.relief_active) {
            n += lv.get(ids.fleet_designation_rate).max(0.0);
        }
    }
    Some(n)
}
