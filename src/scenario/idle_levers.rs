//! Events on a lever that nothing in the scenario reads (walkthrough 11 #1): the run
//! is valid and the event is applied, but no flow, price or money variable can move, so a
//! `compare` shows an exact zero that an analyst reads as "no effect" of the policy. Each
//! rule names what the model would need for the lever to act:
//!
//! - `cap.us_usd` is the cap only while `cap.authority` is `us` or `min` (model.md §4.7): a
//!   scenario where no event or tree action sets the authority applies `cap.eu_usd` alone.
//!   A US cap set on the same day to the same value as the EU cap (the G7's joint cap of
//!   the history calendars) is not named: the EU lever already carries it.
//! - `compliance.<buyer>.share` is read only by an `sdn.wave` with an `authority` (D35).
//! - `tariff.<buyer>.exposed_exports_bn` only multiplies a conditional tariff, and
//!   `tariff.<buyer>.snapback_rate`/`snapback_prob` only act on a buyer with a stance whose
//!   tariff can be suspended (model.md §4.3): without a `tariff.<buyer>.rate` that can be
//!   above 0 they read nothing.
//! - `carrot.<buyer>.value_bn` enters the buyer's stance, and `stance.<buyer>.force` sets it;
//!   a buyer without a `[buyer.stance]` has no stance (its net gain only counts a carrot as
//!   forgone).
//! - `cap.eu_dyn_factor` and `cap.eu_review_months` are read by the EU dynamic cap review
//!   only, which runs only after `cap.eu_mode = "dynamic"`.
//! - `tariff.<buyer>.base_rate` is not read at all (D20): a note, unless the event's `note`
//!   already says so ("reported only", "not read").
//!
//! Events dated before the start (the history calendar that builds the initial state), events
//! that never happen (`prob = 0`) and a wildcard's copies (the file did not name that buyer)
//! are left alone. What can enable a lever is looked for in every event and every tree node
//! action, whatever its date, probability or lag: a finding is certain, never a guess.

use super::overrides::{key, Severity, Warning};
use super::Scenario;
use crate::dist::Dist;
use crate::policy::events::{Action, Event, Value};
use crate::policy::levers::LeverId;

/// Words of an event's `note` that say the event is known not to be read.
const ACKNOWLEDGED: [&str; 2] = ["reported only", "not read"];

/// Every event and tree node action of the scenario.
fn all_actions(sc: &Scenario) -> impl Iterator<Item = &Event> {
    sc.events.iter().chain(
        sc.trees
            .iter()
            .flat_map(|t| t.nodes.iter().flat_map(|n| n.actions.iter())),
    )
}

/// Whether some event or tree action on `lever` can give it a value for which `ok` holds:
/// a `set`/`pulse` of a constant is checked, anything else (a drawn value, `add`, `scale`,
/// `ramp`) is taken to be able to.
fn can_reach(sc: &Scenario, lever: LeverId, ok: impl Fn(f64) -> bool) -> bool {
    all_actions(sc)
        .filter(|e| e.lever == lever)
        .any(|e| match (&e.action, &e.value) {
            (Action::Set | Action::Pulse, Value::Number(Dist::Const(v))) => ok(*v),
            _ => true,
        })
}

/// Whether some event or tree action fires an `sdn.wave` with an `authority`.
fn has_authority_wave(sc: &Scenario) -> bool {
    let wave = sc.registry.ids.sdn_wave;
    all_actions(sc).any(|e| {
        e.lever == wave
            && matches!(
                e.value,
                Value::Wave {
                    authority: Some(_),
                    ..
                }
            )
    })
}

/// The buyer row of a per-buyer lever, if `lever` is one of `ids`.
fn buyer_of(ids: &[LeverId], lever: LeverId) -> Option<usize> {
    ids.iter().position(|&l| l == lever)
}

/// Why event `i` reads nothing, with the fix, and how serious it is; `None` when it acts.
fn idle(sc: &Scenario, i: usize) -> Option<(Severity, String, String)> {
    let ids = &sc.registry.ids;
    let ev = &sc.events[i];
    let name = &sc.registry.def(ev.lever).name;
    let buyer_id = |j: usize| sc.market.buyers[j].id.as_str();
    if ev.lever == ids.cap_us_usd {
        if can_reach(sc, ids.cap_authority, |v| v.round() >= 1.0) {
            return None;
        }
        // The G7's joint cap: both levers set on one day to one value.
        let joint = sc.events.iter().any(|e| {
            e.lever == ids.cap_eu_usd
                && e.date == ev.date
                && e.action == ev.action
                && e.value == ev.value
        });
        if joint {
            return None;
        }
        return Some((
            Severity::Warning,
            format!(
                "`{name}` dated {} moves nothing: the cap the model applies is `cap.eu_usd` \
                 while `cap.authority` is `eu`, its default, and no event or tree action of \
                 this scenario sets it to `us` or `min`; only `cap_us_in_force_usd_bbl` reports \
                 the US cap",
                ev.date
            ),
            format!(
                "to make the US cap bind, add an event `cap.authority = \"us\"` (the US cap \
                 alone) or `\"min\"` (the lower of the EU and US caps) dated {} or earlier \
                 (model.md §4.7, docs/scenarios.md §2.7)",
                ev.date
            ),
        ));
    }
    if let Some(j) = buyer_of(&ids.compliance_share, ev.lever) {
        if has_authority_wave(sc) {
            return None;
        }
        return Some((
            Severity::Warning,
            format!(
                "`{name}` dated {} moves nothing: a buyer's compliance is read only by a \
                 designation wave with an `authority` (`sdn.wave` with `authority = \"us\"`, \
                 `\"eu\"` or `\"uk\"`, D35), and this scenario fires none; the designated \
                 share already in force (a plain `sdn.share`) bites through the buyers' \
                 `sdn_averse_share` and the risk wedge, whatever `{}`'s compliance",
                ev.date,
                buyer_id(j)
            ),
            "add the designation the compliance should answer, an `sdn.wave` with an \
             `authority` (docs/scenarios.md §2.6), or, to cut the buyer's intake directly, \
             use `pledge.<buyer>.cut` or `buyer.<buyer>.capacity_scale`"
                .to_string(),
        ));
    }
    let tariff_of = |j: usize| can_reach(sc, ids.tariff_rate[j], |v| v > 0.0);
    if let Some(j) = buyer_of(&ids.tariff_exposed_exports_bn, ev.lever) {
        if tariff_of(j) {
            return None;
        }
        return Some(no_tariff(name, ev, buyer_id(j), "the duty it would bear"));
    }
    let snap = buyer_of(&ids.tariff_snapback_rate, ev.lever)
        .or_else(|| buyer_of(&ids.tariff_snapback_prob, ev.lever));
    if let Some(j) = snap {
        if sc.market.buyers[j].stance.is_none() {
            return Some(no_stance(name, ev, buyer_id(j)));
        }
        if tariff_of(j) {
            return None;
        }
        return Some(no_tariff(name, ev, buyer_id(j), "a suspended tariff"));
    }
    let stance_lever =
        buyer_of(&ids.carrot_value_bn, ev.lever).or_else(|| buyer_of(&ids.stance_force, ev.lever));
    if let Some(j) = stance_lever {
        if sc.market.buyers[j].stance.is_some() {
            return None;
        }
        return Some(no_stance(name, ev, buyer_id(j)));
    }
    if ev.lever == ids.cap_eu_dyn_factor || ev.lever == ids.cap_eu_review_months {
        if can_reach(sc, ids.cap_eu_mode, |v| v.round() >= 1.0) {
            return None;
        }
        return Some((
            Severity::Warning,
            format!(
                "`{name}` dated {} moves nothing: it is read by the EU dynamic cap review \
                 only, and no event or tree action of this scenario sets `cap.eu_mode = \
                 \"dynamic\"` (a child that removes the inherited one stops the review)",
                ev.date
            ),
            "add `cap.eu_mode = \"dynamic\"` on the date the reviews should count from \
             (docs/scenarios.md §1.7)"
                .to_string(),
        ));
    }
    if buyer_of(&ids.tariff_base_rate, ev.lever).is_some() {
        let note = sc.event_origins[i]
            .note
            .as_deref()
            .unwrap_or("")
            .to_ascii_lowercase();
        if ACKNOWLEDGED.iter().any(|w| note.contains(w)) {
            return None;
        }
        return Some((
            Severity::Note,
            format!(
                "`{name}` dated {} is not read by the model (D20): an unconditional tariff \
                 changes no flow, price or money variable; it is shown in `explain` and the \
                 policy calendar only",
                ev.date
            ),
            "a tariff that depends on buying Russian crude is `tariff.<buyer>.rate`; a `note` \
             that says \"reported only\" silences this"
                .to_string(),
        ));
    }
    None
}

fn no_tariff(name: &str, ev: &Event, buyer: &str, what: &str) -> (Severity, String, String) {
    (
        Severity::Warning,
        format!(
            "`{name}` dated {} moves nothing: it sizes {what} under a conditional tariff, and \
             no event or tree action of this scenario sets `tariff.{buyer}.rate` above 0",
            ev.date
        ),
        format!(
            "add the tariff it should size, `tariff.{buyer}.rate` (model.md §4.3, \
             docs/scenarios.md §2.6)"
        ),
    )
}

fn no_stance(name: &str, ev: &Event, buyer: &str) -> (Severity, String, String) {
    (
        Severity::Warning,
        format!(
            "`{name}` dated {} moves no flow or price: it enters a buyer's stance, and buyer \
             `{buyer}` has no `[buyer.stance]` in the market file (only a stance's refiners \
             answer a tariff threat or a carrot, and `stance.<buyer>.force` sets a stance, \
             model.md §4.3)",
            ev.date
        ),
        format!(
            "to cut `{buyer}`'s intake, use `pledge.{buyer}.cut` or `buyer.{buyer}.capacity_scale`; \
             or give it a `[buyer.stance]` in the market file (docs/scenarios.md §3.3)"
        ),
    )
}

/// One finding per written event (not a wildcard's copies) on a lever nothing reads.
pub fn idle_lever_findings(sc: &Scenario) -> Vec<Warning> {
    let start = crate::policy::calendar::Date {
        month: sc.start,
        day: 1,
    };
    (0..sc.events.len())
        .filter(|&i| sc.events[i].date >= start)
        .filter(|&i| sc.events[i].prob != Dist::Const(0.0))
        .filter(|&i| !sc.event_origins[i].lever_written.contains('*'))
        .filter_map(|i| {
            let (severity, message, help) = idle(sc, i)?;
            Some(Warning {
                severity,
                at: sc.event_origins[i].at.clone(),
                key: key(sc, i),
                message,
                help: Some(help),
            })
        })
        .collect()
}
