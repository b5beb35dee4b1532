//! Where a file's event is replaced by something it inherited (D50, docs/scenarios.md §1.7):
//! an event of an earlier file in the `extends` chain dated later on the same lever, or the
//! EU dynamic cap review switched on by an earlier file; and designation waves that overlap
//! (`wave_findings`, D44). Found on the resolved scenario from
//! the written dates (before per-path lags and probabilities), for `validate` and `explain`.

use super::{Origin, Scenario};
use crate::dist::Dist;
use crate::policy::calendar::{Date, MonthIdx};
use crate::policy::events::{Action, Event, Value};
use crate::policy::levers::LeverKind;
use std::collections::HashMap;
use std::fmt;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The event is replaced by an inherited one: probably not what the file means.
    Warning,
    /// The event changed an inherited rule (it stopped the review), as documented.
    Note,
}

/// One finding, at the `[[event]]` it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    pub severity: Severity,
    pub at: Origin,
    /// Dotted key of the event, e.g. `event[2]`.
    pub key: String,
    pub message: String,
    pub help: Option<String>,
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = match self.severity {
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        write!(
            f,
            "{word}[{}]: {}\n  --> {}",
            self.key, self.message, self.at
        )?;
        if let Some(h) = &self.help {
            write!(f, "\n  = help: {h}")?;
        }
        Ok(())
    }
}

/// Every event replaced by an inherited event or rule, and every inherited review a later
/// file's cap stopped; in event order.
pub fn overrides(sc: &Scenario) -> Vec<Warning> {
    let rank: Vec<usize> = sc
        .event_origins
        .iter()
        .map(|o| {
            sc.files
                .iter()
                .position(|f| *f == o.at.file)
                .unwrap_or(usize::MAX)
        })
        .collect();
    let mut out = Vec::new();
    let waves = super::wave_findings::wave_findings(sc);
    // The events that can replace another, by (lever, file rank), each list by (date, index):
    // one lookup per event instead of a scan of them all (200,000 events took 20 s).
    let mut by: HashMap<(usize, usize), Vec<usize>> = HashMap::new();
    for (j, e) in sc.events.iter().enumerate() {
        if matches!(e.action, Action::Set | Action::Ramp { .. } | Action::Pulse) {
            by.entry((e.lever, rank[j])).or_default().push(j);
        }
    }
    for v in by.values_mut() {
        v.sort_by_key(|&j| (sc.events[j].date, j));
    }
    let mut shown = std::collections::HashSet::new();
    let mut ranks: Vec<usize> = rank.clone();
    ranks.sort_unstable();
    ranks.dedup();
    for (i, ev) in sc.events.iter().enumerate() {
        if let Some(w) = replaced_by_inherited(sc, &rank, &ranks, &by, i) {
            out.push(w);
        }
        out.extend(never_lands(sc, i));
        out.extend(saturated_jump(sc, i));
        if ev.lever == sc.registry.ids.cap_eu_usd {
            out.extend(review_finding(sc, &rank, i));
        }
        // D44: designation waves that overlap or add up past 1 (once per written event: the
        // copies of a wildcard share its position).
        let at = &sc.event_origins[i].at;
        if shown.insert((&at.file, at.line, at.col)) {
            out.extend(waves.iter().filter(|w| w.at == *at).cloned());
        }
    }
    // Inherited tree actions that can land after a later file's event (hostile round 9 #2).
    out.extend(super::tree_overrides::tree_overrides(sc, &rank));
    // Tree nodes never entered.
    out.extend(super::tree_graph::tree_findings(sc));
    // Inherited correlation pairs a later file's constant dropped (hostile round 8 finding 5).
    out.extend(sc.load_notes.iter().cloned());
    // Basins and buyers the market file gives no outlet (hostile round 5).
    out.extend(super::market_findings::market_findings(sc));
    // `term_ties` companies one letter or two from a wave's `sellers` (D209).
    out.extend(super::tie_findings::tie_findings(sc));
    // Pulses that act on other days than written, or not at all (hostile round 10).
    out.extend(super::discrete_timing::discrete_findings(sc));
    // Risk jumps dated after day 1, which count for their whole month (walkthrough 10 #3).
    out.extend(super::jump_timing::late_jump_findings(sc));
    // Events whose draws hang on their position among siblings (hostile round 11 F1).
    out.extend(super::stream_order::findings(sc));
    // Events on a lever nothing in the scenario reads (walkthrough 11 #1).
    out.extend(super::idle_levers::idle_lever_findings(sc));
    out
}

pub(super) fn key(sc: &Scenario, i: usize) -> String {
    format!("event[{}]", sc.event_origins[i].index)
}

pub(super) fn written(sc: &Scenario, ev: &Event, before: Date) -> String {
    let name = &sc.registry.def(ev.lever).name;
    let mut when = Vec::new();
    if ev.prob != Dist::Const(1.0) {
        when.push("it happens".to_string());
    }
    if lagged(ev).1 >= before {
        when.push(format!("its lag keeps it before {before}"));
    }
    if when.is_empty() {
        format!("`{name}` dated {}", ev.date)
    } else {
        format!(
            "`{name}` dated {} (on paths where {})",
            ev.date,
            when.join(" and ")
        )
    }
}

/// A risk-premium jump that can pass the premium's bound (D131): it is cut to the bound on
/// the paths where it does, which the file's number does not show.
fn saturated_jump(sc: &Scenario, i: usize) -> Option<Warning> {
    use crate::market::exogenous::RISK_PREMIUM_MAX;
    let ev = &sc.events[i];
    if ev.lever != sc.registry.ids.risk_premium_jump {
        return None;
    }
    let Value::Number(d) = &ev.value else {
        return None;
    };
    let (lo, hi) = super::lever_bounds::reach(d);
    if lo >= -RISK_PREMIUM_MAX && hi <= RISK_PREMIUM_MAX {
        return None;
    }
    Some(Warning {
        severity: Severity::Warning,
        at: sc.event_origins[i].at.clone(),
        key: key(sc, i),
        message: format!(
            "`risk_premium.jump` = {d} can pass the risk premium's bound of ±{RISK_PREMIUM_MAX} \
             log points (×{:.2} on the Brent anchor); where it does, the premium stops at the \
             bound (D131)",
            RISK_PREMIUM_MAX.exp()
        ),
        help: Some(
            "jumps are in log points: 0.05 is about +5% on the anchor; the largest recorded \
             event moves are about ±0.9"
                .into(),
        ),
    })
}

/// Below this probability a lag is taken never to be that short (D157): a distribution whose
/// support reaches 0 (`{ lognormal = [700, 1] }`, `{ poisson = 1e300 }`) but whose
/// 1e-12 quantile is past the horizon takes effect on no path a run will ever draw.
pub(super) const NEVER: f64 = 1e-12;

/// The shortest lag of `lag` that a path draws with probability above [`NEVER`]: the lower
/// end of its support, or its `NEVER` quantile when that is larger.
pub(super) fn shortest_lag(lag: &Dist) -> f64 {
    let lo = lag.support().0;
    let q = lag.quantile(NEVER);
    if q.is_nan() {
        lo
    } else {
        lo.max(q)
    }
}

/// An event whose shortest lag already carries it past the horizon: it is valid but never
/// takes effect on any path, which a file rarely means (a lag in days written as months).
fn never_lands(sc: &Scenario, i: usize) -> Option<Warning> {
    let ev = &sc.events[i];
    let end = sc.start + sc.months as MonthIdx;
    let lo = shortest_lag(ev.lag_months.as_ref()?);
    let first = if lo.round() <= 0.0 {
        ev.date
    } else {
        Date {
            month: ev.date.month + lo.round().min(1200.0) as MonthIdx,
            day: 1,
        }
    };
    if first.month < end || ev.date.month >= end {
        return None;
    }
    // `lagged` caps a lag at 1200 months; past that the date means nothing.
    let (least, when) = if lo > 1200.0 {
        (
            "more than 1200 months".to_string(),
            "more than 100 years after its date".to_string(),
        )
    } else {
        (
            format!(
                "at least {} months",
                crate::suggest::Num(lo.round().max(0.0))
            ),
            format!("on {first} or later"),
        )
    };
    // A distribution that reaches shorter lags does so with probability below `NEVER`.
    let lag = if lo > ev.lag_months.as_ref()?.support().0 {
        format!("its lag, {least} on all but one path in 10^12,")
    } else {
        format!("its lag of {least}")
    };
    Some(Warning {
        severity: Severity::Warning,
        at: sc.event_origins[i].at.clone(),
        key: key(sc, i),
        message: format!(
            "`{}` dated {} never takes effect: {lag} puts it {when}, after the horizon's last \
             month {}",
            sc.registry.def(ev.lever).name,
            ev.date,
            crate::policy::calendar::iso_month(end - 1)
        ),
        help: Some(format!(
            "`lag_months` is in months; shorten it to at most {} months{}",
            end - 1 - ev.date.month,
            // No run reaches a date past the longest one (hostile round 12 F3).
            if first.month - sc.start < super::window::longest_run(sc) && lo <= 1200.0 {
                ", or raise `[scenario].months`"
            } else {
                ""
            }
        )),
    })
}

/// `from` moved `k` whole months on (to the 1st, as a positive lag lands), or `from` itself
/// for a lag that rounds to 0.
pub(super) fn months_on(from: Date, k: f64) -> Date {
    let k = k.round().max(0.0);
    if k == 0.0 {
        from
    } else {
        Date {
            month: from.month + k.min(1200.0) as MonthIdx,
            day: 1,
        }
    }
}

/// The earliest and latest dates the event can take effect on, after its lag.
pub(super) fn lagged(ev: &Event) -> (Date, Date) {
    let Some(lag) = &ev.lag_months else {
        return (ev.date, ev.date);
    };
    let (lo, hi) = lag.support();
    let at = |k: f64| months_on(ev.date, k);
    (at(lo), at(hi))
}

/// The first event of an earlier file on the same lever that can take effect after event `i`
/// and so replace it: dated later, or dated earlier with a lag that can carry it past `i`
/// (summit_success's `eu_follows` drops the EU cap up to a year after its written date).
fn replaced_by_inherited(
    sc: &Scenario,
    rank: &[usize],
    ranks: &[usize],
    by: &HashMap<(usize, usize), Vec<usize>>,
    i: usize,
) -> Option<Warning> {
    let ev = &sc.events[i];
    if matches!(sc.registry.def(ev.lever).kind, LeverKind::Action(_)) {
        return None;
    }
    let mine = lagged(ev).0;
    // In each earlier file, the first candidate in (date, index) order that can land after
    // event `i`; then the earliest of those.
    let j = ranks
        .iter()
        .take_while(|&&r| r < rank[i])
        .filter_map(|&r| {
            by.get(&(ev.lever, r))?
                .iter()
                .copied()
                .find(|&j| lagged(&sc.events[j]).1 > mine)
        })
        .min_by_key(|&j| (sc.events[j].date, j))?;
    let by = &sc.events[j];
    let at = &sc.event_origins[j].at;
    let (message, after) = if by.date > mine {
        (
            format!(
                "{} is replaced on {} by an inherited event at {at}",
                written(sc, ev, by.date),
                by.date
            ),
            by.date,
        )
    } else {
        let latest = lagged(by).1;
        let chance = if by.prob != Dist::Const(1.0) {
            format!(" (probability {})", by.prob)
        } else {
            String::new()
        };
        (
            format!(
                "{} can be replaced by the inherited `{}` dated {}{chance} at {at}: its lag \
                 can move it past yours, as late as {latest}, so on those paths your value \
                 holds only until it lands",
                written(sc, ev, latest),
                sc.registry.def(by.lever).name,
                by.date
            ),
            latest,
        )
    };
    Some(Warning {
        severity: Severity::Warning,
        at: sc.event_origins[i].at.clone(),
        key: key(sc, i),
        message,
        help: Some(format!(
            "remove or replace the inherited event (`remove_events` or `replaces`, \
             docs/scenarios.md §1.5), or date yours after {after}"
        )),
    })
}

/// `cap.eu_mode` is dynamic in this value.
fn is_dynamic(ev: &Event) -> bool {
    matches!(&ev.value, Value::Number(Dist::Const(v)) if *v > 0.5)
}

/// The first review date on or after `from`, given the cadence in force at `from`, counted
/// from `anchor`, the day `cap.eu_mode` was set to dynamic (D52).
fn next_review(sc: &Scenario, anchor: Date, from: Date) -> Date {
    let ids = &sc.registry.ids;
    let every = sc
        .events
        .iter()
        // A pulse of the cadence changes no review (hostile round 10 #2).
        .filter(|e| e.lever == ids.cap_eu_review_months && e.date <= from)
        .filter(|e| e.action != Action::Pulse)
        .filter_map(|e| match &e.value {
            Value::Number(Dist::Const(v)) => Some(*v),
            _ => None,
        })
        .next_back()
        .unwrap_or(sc.registry.def(ids.cap_eu_review_months).default)
        .round()
        .max(1.0) as MonthIdx;
    let mut m = from.month.max(anchor.month + 1);
    loop {
        let d = Date {
            month: m,
            day: anchor.day,
        };
        if (m - anchor.month) % every == 0 && d >= from {
            return d;
        }
        m += 1;
    }
}

/// For a cap event `i`: a warning when an inherited `cap.eu_mode = "dynamic"` dated on or
/// after it lets the review replace it, a note when it stops a review an earlier file started.
fn review_finding(sc: &Scenario, rank: &[usize], i: usize) -> Option<Warning> {
    let ids = &sc.registry.ids;
    let cap = &sc.events[i];
    // A pulse is an overlay of its month (D245): it neither stops the review nor is replaced
    // by one (a review inside its month sets the cap the pulse returns to).
    if cap.action == Action::Pulse {
        return None;
    }
    // A pulse of the mode changes only its month (hostile round 10 #2): it neither keeps the
    // review running past the cap nor stops it.
    let modes: Vec<usize> = (0..sc.events.len())
        .filter(|&j| sc.events[j].lever == ids.cap_eu_mode)
        .filter(|&j| sc.events[j].action != Action::Pulse)
        .collect();
    // The last explicit mode on or after the cap's day (it wins over the implied `fixed`).
    let after = modes
        .iter()
        .copied()
        .filter(|&j| sc.events[j].date >= cap.date)
        .min_by_key(|&j| (sc.events[j].date, j));
    if let Some(j) = after.filter(|&j| is_dynamic(&sc.events[j]) && rank[j] < rank[i]) {
        let from = if sc.events[j].date > cap.date {
            sc.events[j].date
        } else {
            cap.date
        };
        let review = next_review(sc, sc.events[j].date, from);
        let end = sc.start + sc.months as MonthIdx;
        // Another cap, or a `fixed` mode, before the review: then that one is what it meets.
        let recapped = sc
            .events
            .iter()
            .filter(|e| e.action != Action::Pulse)
            .any(|e| {
                (e.lever == ids.cap_eu_usd && e.date > cap.date && e.date <= review)
                    || (e.lever == ids.cap_eu_mode
                        && !is_dynamic(e)
                        && e.date > sc.events[j].date
                        && e.date <= review)
            });
        if review.month < end && !recapped {
            return Some(Warning {
                severity: Severity::Warning,
                at: sc.event_origins[i].at.clone(),
                key: key(sc, i),
                message: format!(
                    "{} is replaced on {review} by the EU dynamic cap review: the inherited \
                     `cap.eu_mode = \"dynamic\"` at {} keeps the review running",
                    written(sc, cap, review),
                    sc.event_origins[j].at
                ),
                help: Some(format!(
                    "to keep your cap, remove or replace that inherited event (`remove_events`, \
                     `replaces`) or add `cap.eu_mode = \"fixed\"` dated after {} \
                     (docs/scenarios.md §1.7)",
                    sc.events[j].date
                )),
            });
        }
        return None;
    }
    if after.is_some() {
        return None;
    }
    // No explicit mode from the cap on: the cap stops a review that was running.
    let before = modes
        .iter()
        .copied()
        .filter(|&j| sc.events[j].date < cap.date)
        .max_by_key(|&j| (sc.events[j].date, j))?;
    let on = &sc.events[before];
    if !is_dynamic(on) || rank[before] >= rank[i] {
        return None;
    }
    Some(Warning {
        severity: Severity::Note,
        at: sc.event_origins[i].at.clone(),
        key: key(sc, i),
        message: format!(
            "{} fixes the EU cap: it stops the dynamic cap review switched on at {} (D50); \
             where Urals is cheap the review would have set a lower cap than yours, so on \
             those paths your cap is a raise (D229)",
            written(
                sc,
                cap,
                Date {
                    month: MonthIdx::MAX,
                    day: 1
                }
            ),
            sc.event_origins[before].at
        ),
        help: Some(format!(
            "to see how often, run the file you extend with {}; to make your cap a review \
             instead, add `cap.eu_mode = \"dynamic\"` dated {}: the reviews then count from \
             your date (the next on {}, not the inherited calendar's {}; D52) \
             (docs/scenarios.md §1.7)",
            match &cap.value {
                Value::Number(Dist::Const(v)) if cap.action == Action::Set => format!(
                    "`--prob 'cap_eu_in_force_usd_bbl<{v}'` and read the months after your date"
                ),
                _ => "`--var cap_eu_in_force_usd_bbl` in `show`".to_string(),
            },
            cap.date,
            next_review(sc, cap.date, cap.date),
            next_review(sc, on.date, cap.date),
        )),
    })
}
