//! One-off actions dated before the start (D23, D195): they do not fire, since the run does
//! not simulate the months before its start; what they would have left behind belongs in the
//! start state. Each is named at its `[[event]]`, with what it leaves out and how to carry it:
//! a warning where something is lost, a note where the run honours it in effect (a risk jump
//! that has decayed by the start; a wave without an authority, whose share is in force and
//! whose resets the explicit init carries through `wave_age_months`).

use super::overrides::{key, lagged, Severity, Warning};
use super::window::{drop_hint, months_between};
use super::Scenario;
use crate::policy::calendar::iso_month;
use crate::policy::events::{Action, Value};
use crate::policy::levers::{ActionKind, LeverId, LeverKind};
use std::collections::HashMap;

/// What is typically left of a risk jump at the start below which it counts as spent (log
/// points: a tenth of a percent on the Brent anchor).
const SPENT_JUMP: f64 = 1e-3;

/// The findings before the start: one-off actions here, the start state in `start_state.rs`.
pub(super) fn findings(sc: &Scenario) -> Vec<Warning> {
    let hist = SdnHistory::of(sc);
    let mut out: Vec<Warning> = Vec::new();
    for i in 0..sc.events.len() {
        if let Some(w) = one_off(sc, i, &hist) {
            // A wildcard's events share one origin: one finding for the written event.
            if !out.iter().any(|x| x.at == w.at && x.key == w.key) {
                out.push(w);
            }
        }
    }
    out.extend(super::start_state::findings(sc, &hist));
    out
}

/// The designations dated before the start, replayed on the median of each value: which event
/// was the last (an `sdn.wave`, or a `set`, `add` or `ramp` that raises `sdn.share` or a
/// basin's share, as D23 writes pre-start designations), and the share each wave found.
pub(super) struct SdnHistory {
    pub last: Option<usize>,
    before: HashMap<usize, f64>,
}

impl SdnHistory {
    fn of(sc: &Scenario) -> SdnHistory {
        let ids = &sc.registry.ids;
        let is_share = |l: LeverId| l == ids.sdn_share || ids.sdn_basin_share.contains(&l);
        let mut order: Vec<usize> = (0..sc.events.len())
            .filter(|&i| {
                let e = &sc.events[i];
                e.date.month < sc.start && (e.lever == ids.sdn_wave || is_share(e.lever))
            })
            .collect();
        order.sort_by_key(|&i| (sc.events[i].date, i));
        let mut val: HashMap<LeverId, f64> = HashMap::new();
        let now = |l: LeverId, val: &HashMap<LeverId, f64>| {
            val.get(&l).copied().unwrap_or(sc.registry.def(l).default)
        };
        let mut h = SdnHistory {
            last: None,
            before: HashMap::new(),
        };
        for i in order {
            let e = &sc.events[i];
            match &e.value {
                Value::Wave {
                    add_share, basins, ..
                } => {
                    let levers = if basins.is_empty() {
                        vec![ids.sdn_share]
                    } else {
                        basins.clone()
                    };
                    h.before.insert(i, now(levers[0], &val));
                    for l in levers {
                        let v = (now(l, &val) + add_share.median()).min(1.0);
                        val.insert(l, v);
                    }
                    h.last = Some(i);
                }
                Value::Number(d) => {
                    let old = now(e.lever, &val);
                    let m = d.median();
                    let new = match e.action {
                        Action::Set | Action::Ramp { .. } => m,
                        Action::Add => old + m,
                        Action::Scale => old * m,
                        Action::Pulse | Action::Fire => continue,
                    };
                    if new > old + 1e-9 {
                        h.last = Some(i);
                    }
                    val.insert(e.lever, new);
                }
                Value::Batch { .. } => {}
            }
        }
        h
    }
}

/// Event `i` when it is a one-off action that can land before the start.
fn one_off(sc: &Scenario, i: usize, hist: &SdnHistory) -> Option<Warning> {
    let ev = &sc.events[i];
    let def = sc.registry.def(ev.lever);
    let LeverKind::Action(kind) = &def.kind else {
        return None;
    };
    let (first, last) = lagged(ev);
    if first.month >= sc.start {
        return None;
    }
    let start = iso_month(sc.start);
    let o = &sc.event_origins[i];
    let id =
        o.id.as_ref()
            .map_or(String::new(), |id| format!(" (id `{id}`)"));
    let some = if last.month >= sc.start {
        " on the paths where its lag keeps it before the start"
    } else {
        ""
    };
    let head = format!(
        "`{}` dated {}{id} comes before the start {start} and does not fire{some} (a one-off \
         action before the start is not replayed, D23)",
        def.name, ev.date
    );
    let n = months_between(ev.date, sc.start);
    let med = |name: &str| sc.params.get(name).map_or(f64::NAN, |d| d.median());
    let first_day = format!("{start}-01");
    let drop = drop_hint(sc, i);
    let (severity, message, help) = match (kind, &ev.value) {
        (ActionKind::RiskJump, Value::Number(d)) => {
            // Typical values (medians): a tail path keeps more, a run's bands hardly see it.
            let tau = sc
                .params
                .get("tau_pi")
                .map_or(1.5, |t| t.median())
                .max(1e-6);
            let left = d.median() * (-n / tau).exp();
            let decay = format!("it decays e-fold every `tau_pi` months, median {tau:.2}");
            if left.abs() < SPENT_JUMP {
                (
                    Severity::Note,
                    format!(
                        "{head}; by the start under {SPENT_JUMP} log points of it would typically \
                         be left ({decay}), so the run loses nothing of it"
                    ),
                    None,
                )
            } else {
                (
                    Severity::Warning,
                    format!(
                        "{head}; the risk premium starts at 0 (model.md §3), though about \
                         {left:.3} log points of this jump would be left at the start ({decay})"
                    ),
                    Some(format!(
                        "to carry it, fire `risk_premium.jump` with `value = {left:.3}` dated \
                         {first_day}, the run's first day, and {drop} (docs/scenarios.md §1.8)"
                    )),
                )
            }
        }
        (ActionKind::DesignationBatch, Value::Batch { share, us, .. }) => {
            let eff = med(if *us { "desig_eff_us" } else { "desig_eff_eu" });
            let gone = share.median() * eff * (1.0 - med("fleet_rebuild")).powf(n.max(0.0));
            let keep = if gone.is_finite() {
                format!("about {:.3}", 1.0 - gone)
            } else {
                "the share of the fleet it leaves".into()
            };
            (
                Severity::Warning,
                format!(
                    "{head}; its tankers stay in the shadow fleet, and the buyers that ban \
                     designated tankers take their cargoes; the explicit init takes out only \
                     the January-2025 batch (`[params] b_jan25`, model.md §3)"
                ),
                Some(format!(
                    "to carry what is left of it, scale the shadow fleet on the run's first \
                     day: `lever = \"fleet.shadow_capacity\"`, `action = \"scale\"`, `value` \
                     {keep} (its median share times `desig_eff_{}`, less {n:.0} months of \
                     rebuild at `fleet_rebuild`), dated {first_day}; and {drop} \
                     (docs/scenarios.md §1.8)",
                    if *us { "us" } else { "eu" }
                )),
            )
        }
        (ActionKind::ShadowCapacity, _) => (
            Severity::Warning,
            format!(
                "{head}; the shadow fleet starts from the explicit init (`fleet_share_2024` of \
                 the 2024 need, less the January-2025 batch; model.md §3), not from this `{}`",
                if ev.action == Action::Scale {
                    "scale"
                } else {
                    "set"
                }
            ),
            Some(format!(
                "date it {first_day}, the run's first day, where it applies in the first month"
            )),
        ),
        (
            ActionKind::SdnWave,
            Value::Wave {
                add_share,
                basins,
                authority,
                ..
            },
        ) => {
            let lever = match basins.first() {
                Some(&b) => format!("sdn.{}.share", sc.registry.sdn_basin(b).unwrap_or("*")),
                None => "sdn.share".into(),
            };
            let before = hist.before.get(&i).copied().unwrap_or(0.0);
            let set = format!(
                "a plain `set` of `{lever}` to {} + {add_share} dated {}",
                crate::suggest::Num((before * 1e6).round() / 1e6),
                ev.date
            );
            match authority {
                Some(a) => (
                    Severity::Warning,
                    format!(
                        "{head}; its share is in force at the start (the share ramps before the \
                         start as written), but the run carries no `{}` authority wave: no \
                         compliant refiner refuses its sellers' barrels (D35), and its share \
                         acts through the laundering channel as a plain `set` of `{lever}` \
                         would (model.md §4.4)",
                        a.name()
                    ),
                    Some(format!(
                        "no key of the start state carries an authority wave: to keep it, \
                         start the run in {} or earlier; to accept the laundering channel, write it \
                         as D23 says, {set}, and {drop}; `[params] wave_age_months` sets how \
                         long ago it was (docs/scenarios.md §1.8)",
                        iso_month(ev.date.month)
                    )),
                ),
                None => (
                    Severity::Note,
                    format!(
                        "{head}; its share is in force at the start (the share ramps before \
                         the start as written), and the explicit init carries its resets of \
                         the margin, buyer adaptation and laundering through `[params] \
                         wave_age_months`"
                    ),
                    Some(format!("D23's form for it is {set}")),
                ),
            }
        }
        _ => return None,
    };
    Some(Warning {
        severity,
        at: o.at.clone(),
        key: key(sc, i),
        message,
        help,
    })
}
