//! Events whose random draws depend on their position (hostile round 11 F1). An event with
//! an `id` draws from a stream keyed by its id and lever; one without draws from
//! `event.<lever>.<date>.<k>`, `k` counting the events without an id on the same lever and
//! date written before it along the chain (`EventOrigin::stream`). Removing, replacing or
//! switching off (`prob = 0`) a sibling leaves `k` alone, but adding one above it shifts `k`
//! and so every draw of the event, which a paired `compare` would read as an effect. Such an
//! event is named, at its position, with the fix: give the events `id`s; unless it draws
//! nothing (constant value and lag, probability 0 or 1), when no position changes a number
//! (the history replays' counterfactuals override inherited constants this way).

use super::overrides::{key, Severity, Warning};
use super::Scenario;
use crate::dist::Dist;
use crate::policy::events::{Cargo, Event, Value};

/// Whether the event's stream decides anything: a probability strictly between 0 and 1 or
/// drawn, a drawn lag, or a drawn value (share, cargo share). An event without any of these
/// is the same on every stream, so its position cannot move a number.
fn draws(e: &Event) -> bool {
    let drawn = |d: &Dist| !d.is_const();
    let prob = match e.prob {
        Dist::Const(p) => p > 0.0 && p < 1.0,
        _ => true,
    };
    let value = match &e.value {
        Value::Number(d) => drawn(d),
        Value::Wave { add_share, .. } => drawn(add_share),
        Value::Batch { share, cargo, .. } => {
            drawn(share)
                || match cargo {
                    Cargo::FleetShare => false,
                    Cargo::All(d) => drawn(d),
                    Cargo::Basins(v) => v.iter().any(|(_, d)| drawn(d)),
                }
        }
    };
    prob || value || e.lag_months.as_ref().is_some_and(drawn)
}

/// One warning per written event (a wildcard's copies share one) that has no `id`, draws
/// something, and comes after another event without one on the same lever and date.
pub(super) fn findings(sc: &Scenario) -> Vec<Warning> {
    let mut out = Vec::new();
    let mut shown = std::collections::HashSet::new();
    for (i, (e, o)) in sc.events.iter().zip(&sc.event_origins).enumerate() {
        if o.id.is_some() || o.stream == 0 || !draws(e) || !shown.insert(&o.at) {
            continue;
        }
        let lever = &sc.registry.def(e.lever).name;
        let first = (0..i)
            .find(|&j| {
                let (f, fo) = (&sc.events[j], &sc.event_origins[j]);
                f.lever == e.lever && f.date == e.date && fo.id.is_none()
            })
            .map(|j| format!("the first at {}", sc.event_origins[j].at))
            .or_else(|| {
                sc.removed_events
                    .iter()
                    .find(|r| r.lever == *lever && r.date == e.date && r.was.id.is_none())
                    .map(|r| format!("the first at {}, {} at {}", r.was.at, r.how, r.by))
            })
            .map_or(String::new(), |w| format!(" ({w})"));
        let others = match o.stream {
            1 => "another event without one".to_string(),
            k => format!("{k} events without one"),
        };
        out.push(Warning {
            severity: Severity::Warning,
            at: o.at.clone(),
            key: key(sc, i),
            message: format!(
                "this event (`{lever}` on {}) has no `id`, and {others} on the same lever and \
                 date comes before it along the chain{first}: its random draws (whether it \
                 happens, its lag and its value) are keyed by that position, so adding another \
                 event without an `id` on `{lever}` {} above it changes them on every path, \
                 which a paired `compare` reads as an effect",
                e.date, e.date
            ),
            help: Some(format!(
                "give these events `id`s (e.g. `id = \"{}_{}\"`): an event with an `id` draws \
                 from a stream of its own, whatever other events the chain adds, removes or \
                 switches off (docs/scenarios.md §2)",
                lever.replace(['.', '*'], "_"),
                o.stream + 1
            )),
        });
    }
    out
}
