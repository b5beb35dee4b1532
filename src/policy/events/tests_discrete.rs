//! Hostile round 10. #1: a bool or enum lever takes one value a month, and a `pulse` of one
//! holds the month it is dated in, whatever its day (it used to hold the whole next month).
//! #2: a pulse is an overlay of its month, so every decision that outlasts the month (a wave's
//! size under its ceiling, a delisting's cut of the seller records, the cap review: whether it
//! runs, its calendar, its cadence and factor) is judged on the value under the pulse.

use super::tests::{ev, reg, run, wave_event};
use super::*;
use crate::policy::calendar::month_idx;
use crate::policy::levers::COMPLIANCE_FROM_MARKET;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The month values of `lever`, August 2025 to January 2026.
fn months(events: &[Event], lever: LeverId) -> Vec<f64> {
    run(events, &reg(), "2025-08", 6)
        .iter()
        .map(|m| m.get(lever))
        .collect()
}

/// #1, the class: every bool and enum lever, pulsed on any day of October, holds the pulse's
/// value for October and for no other month.
#[test]
fn a_bool_or_enum_pulse_holds_the_month_it_is_dated_in() {
    let r = reg();
    let cases = [
        ("relief.active", 1.0),
        ("cap.services_ban", 1.0),
        ("stance.IN.force", 2.0),
        ("cap.authority", 1.0),
        ("cap.eu_mode", 1.0),
    ];
    for (name, v) in cases {
        let id = r.id(name).unwrap();
        for day in ["01", "02", "15", "20", "31"] {
            let date = format!("2025-10-{day}");
            let got = months(&[ev(&r, &date, name, Action::Pulse, v)], id);
            assert_eq!(got, vec![0.0, 0.0, v, 0.0, 0.0, 0.0], "{name} {date}");
        }
    }
}

/// #1: a `set` after day 1 still acts from the next month; a pulse in the same month holds the
/// month whatever the order, and the set's value follows it.
#[test]
fn a_pulse_and_a_set_in_one_month() {
    let r = reg();
    let l = "stance.IN.force";
    let id = r.id(l).unwrap();
    let (buy, halt) = (1.0, 2.0);
    let set_then_pulse = [
        ev(&r, "2025-10-10", l, Action::Set, buy),
        ev(&r, "2025-10-20", l, Action::Pulse, halt),
    ];
    assert_eq!(
        months(&set_then_pulse, id),
        vec![0.0, 0.0, halt, buy, buy, buy]
    );
    let pulse_then_set = [
        ev(&r, "2025-10-05", l, Action::Pulse, halt),
        ev(&r, "2025-10-20", l, Action::Set, buy),
    ];
    assert_eq!(
        months(&pulse_then_set, id),
        vec![0.0, 0.0, halt, buy, buy, buy]
    );
    // A set on the 1st after a pulse on the 1st ends it from the 1st.
    let both_on_the_first = [
        ev(&r, "2025-10-01", l, Action::Pulse, halt),
        ev(&r, "2025-10-01", l, Action::Set, buy),
    ];
    assert_eq!(
        months(&both_on_the_first, id),
        vec![0.0, 0.0, buy, buy, buy, buy]
    );
    // Two pulses: the later holds the month, and the value before both returns.
    let two = [
        ev(&r, "2025-10-05", l, Action::Pulse, buy),
        ev(&r, "2025-10-20", l, Action::Pulse, halt),
    ];
    assert_eq!(months(&two, id), vec![0.0, 0.0, halt, 0.0, 0.0, 0.0]);
}

/// #1: a tree node's action is queued by `inject_event` at the entry date (an `at` exit's
/// day), before its month is advanced: it follows the same rule.
#[test]
fn an_injected_mid_month_pulse_holds_its_month() {
    let r = reg();
    let id = r.ids.cap_services_ban;
    let start = month_idx("2025-08").unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    let mut p = PolicyPath::new(&[], &r, &r.defaults(), start, |_| rng.clone());
    let (mut out, mut fired) = (r.defaults(), Vec::new());
    let mut got = Vec::new();
    for t in 0..5 {
        let month = start + t;
        if t == 2 {
            let ev = ev(&r, "2025-10-20", "cap.services_ban", Action::Pulse, 1.0);
            p.inject_event(&ev, &r, &mut rng);
        }
        p.advance(month, &mut out, &mut fired);
        got.push(out.get(id));
    }
    assert_eq!(got, vec![0.0, 0.0, 1.0, 0.0, 0.0]);
}

/// #2: a wave announced in a month whose share is pulsed keeps its whole size: every month but
/// the pulse's equals the run without the pulse, the pulse's month stays within 1, and the
/// wave's compliance accounting counts its whole share.
#[test]
fn a_wave_in_a_pulse_month_keeps_its_size() {
    let r = reg();
    let id = r.ids.sdn_share;
    let start = month_idx("2025-08").unwrap();
    let path = |events: &[Event]| {
        let rng = ChaCha8Rng::seed_from_u64(1);
        let mut p = PolicyPath::new(events, &r, &r.defaults(), start, |_| rng.clone());
        let (mut out, mut fired) = (r.defaults(), Vec::new());
        let mut shares = Vec::new();
        let mut counted = Vec::new();
        for t in 0..10 {
            p.advance(start + t, &mut out, &mut fired);
            shares.push(out.get(id));
            counted.extend(fired.iter().filter_map(|f| match f {
                Fired::Wave { lever_share, .. } => Some(*lever_share),
                _ => None,
            }));
        }
        (shares, counted)
    };
    for sellers in [None, Some("rosneft_lukoil")] {
        let set = ev(&r, "2025-01-10", "sdn.share", Action::Set, 0.2);
        let wave = wave_event(&r, "2025-11-20", 0.4, 4, sellers);
        let (without, counted) = path(&[set.clone(), wave.clone()]);
        assert!((without[9] - 0.6).abs() < 1e-12, "{without:?}");
        assert_eq!(counted, vec![0.4]);
        for (day, to) in [
            ("2025-11-01", 0.7),
            ("2025-11-01", 0.9),
            ("2025-11-10", 1.0),
        ] {
            let pulse = ev(&r, day, "sdn.share", Action::Pulse, to);
            let (with, counted) = path(&[set.clone(), pulse, wave.clone()]);
            assert_eq!(counted, vec![0.4], "{sellers:?} {day} {to}");
            for (m, (a, b)) in without.iter().zip(&with).enumerate() {
                if m == 3 {
                    assert!(*b > *a && *b <= 1.0, "{sellers:?} {day} {to}: {with:?}");
                } else {
                    assert!(
                        (a - b).abs() < 1e-12,
                        "{sellers:?} {day} {to} month {m}: {with:?} against {without:?}"
                    );
                }
            }
        }
    }
}

/// #2: a delisting during a pulse lowers the seller records by the cut of the share under the
/// pulse, so a later wave of the same sellers designates what it did without the pulse.
#[test]
fn a_delisting_under_a_pulse_is_judged_on_the_share_under_it() {
    let r = reg();
    let id = r.ids.sdn_share;
    let rn = Some("rosneft");
    let plan = |pulse: bool| {
        let mut events = vec![
            ev(&r, "2025-01-10", "sdn.share", Action::Set, 0.2),
            wave_event(&r, "2025-09-01", 0.4, 1, rn),
            ev(&r, "2025-11-15", "sdn.share", Action::Set, 0.3),
            wave_event(&r, "2026-01-01", 0.4, 1, rn),
        ];
        if pulse {
            // A one-month general licence.
            events.push(ev(&r, "2025-11-01", "sdn.share", Action::Pulse, 0.0));
        }
        months(&events, id)
    };
    let (without, with) = (plan(false), plan(true));
    // 0.6 halved to 0.3 lowers the record 0.4 to 0.2: the second wave adds 0.2.
    assert!((without[5] - 0.5).abs() < 1e-12, "{without:?}");
    for (m, (a, b)) in without.iter().zip(&with).enumerate() {
        if m != 3 {
            assert!(
                (a - b).abs() < 1e-12,
                "month {m}: {with:?} against {without:?}"
            );
        }
    }
}

/// #2: an `add` or `scale` under a pulse is held to the range, and keeps a marker default, as
/// the lever itself would be: the value the pulse returns to is the one without the pulse.
#[test]
fn what_a_pulse_month_adds_is_held_to_the_range() {
    let r = reg();
    let comp = r.ids.compliance_share[0];
    assert_eq!(r.def(comp).default, COMPLIANCE_FROM_MARKET);
    let cap = r.ids.buyer_capacity_scale[0];
    let cases: Vec<(LeverId, Vec<Event>, Event)> = vec![
        (
            comp,
            vec![ev(
                &r,
                "2025-10-10",
                "compliance.IN.share",
                Action::Add,
                0.1,
            )],
            ev(&r, "2025-10-01", "compliance.IN.share", Action::Pulse, 0.5),
        ),
        (
            cap,
            vec![
                ev(
                    &r,
                    "2025-10-10",
                    "buyer.IN.capacity_scale",
                    Action::Add,
                    0.8,
                ),
                ev(
                    &r,
                    "2025-10-20",
                    "buyer.IN.capacity_scale",
                    Action::Add,
                    0.8,
                ),
                ev(
                    &r,
                    "2025-10-25",
                    "buyer.IN.capacity_scale",
                    Action::Scale,
                    0.5,
                ),
            ],
            ev(
                &r,
                "2025-10-01",
                "buyer.IN.capacity_scale",
                Action::Pulse,
                0.5,
            ),
        ),
    ];
    for (lever, actions, pulse) in cases {
        let without = months(&actions, lever);
        let mut events = actions.clone();
        events.push(pulse);
        let with = months(&events, lever);
        assert_eq!(without[3..], with[3..], "{}", r.def(lever).name);
    }
}

/// The EU cap at the end of each of 12 months from 2025-08 (the review on the 3rd of every
/// 6th month from 2025-09-03, at 0.85 × 50 = 42.5), for `events`.
fn caps(events: &[Event]) -> Vec<f64> {
    let r = reg();
    let start = month_idx("2025-08").unwrap();
    let rng = ChaCha8Rng::seed_from_u64(1);
    let mut p = PolicyPath::new(events, &r, &r.defaults(), start, |_| rng.clone());
    let (mut out, mut fired) = (r.defaults(), Vec::new());
    (0..12)
        .map(|t| {
            crate::policy::cap_review::review(&mut p, &r.ids, start + t, 50.0);
            p.advance(start + t, &mut out, &mut fired);
            out.end(r.ids.cap_eu_usd)
        })
        .collect()
}

/// #2: a pulse of `cap.eu_mode`, `cap.eu_review_months` or `cap.eu_dyn_factor` changes the
/// review only in the pulse's own month, if at all: the calendar, the cadence and the
/// reviewed cap are judged on the values under it.
#[test]
fn the_review_is_judged_on_the_values_under_a_pulse() {
    let r = reg();
    let set = ev(&r, "2025-09-03", "cap.eu_usd", Action::Set, 47.6);
    let dynamic = ev(&r, "2025-09-03", "cap.eu_mode", Action::Set, 1.0);
    let free = caps(&[set.clone(), dynamic.clone()]);
    assert_eq!((free[6], free[7]), (47.6, 42.5), "{free:?}");
    let with = |pulse: Event| caps(&[set.clone(), dynamic.clone(), pulse]);
    // Pulses away from the review's month: nothing changes (the mode's return used to be a
    // switch that moved the calendar; the cadence and factor were read at their pulsed value
    // in the month after).
    for pulse in [
        ev(&r, "2025-11-01", "cap.eu_mode", Action::Pulse, 0.0),
        ev(&r, "2025-11-15", "cap.eu_mode", Action::Pulse, 0.0),
        ev(&r, "2025-10-01", "cap.eu_review_months", Action::Pulse, 1.0),
        ev(&r, "2026-02-01", "cap.eu_dyn_factor", Action::Pulse, 0.5),
        ev(&r, "2026-03-01", "cap.eu_dyn_factor", Action::Pulse, 0.5),
    ] {
        let name = r.def(pulse.lever).name.clone();
        assert_eq!(with(pulse), free, "{name}");
    }
    // The mode pulsed to `fixed` in the review's month, on any day: March keeps its cap, the
    // reviewed cap holds from April, as without the pulse.
    for day in ["2026-03-01", "2026-03-20"] {
        let got = with(ev(&r, day, "cap.eu_mode", Action::Pulse, 0.0));
        assert_eq!(got[7], 47.6, "{day}: {got:?}");
        assert_eq!(got[8..], free[8..], "{day}: {got:?}");
    }
    // Pulsed to `dynamic` while it is fixed: the review sets March's cap only.
    let fixed = caps(std::slice::from_ref(&set));
    assert!(fixed[1..].iter().all(|c| *c == 47.6), "{fixed:?}");
    let got = caps(&[
        set.clone(),
        ev(&r, "2026-03-01", "cap.eu_mode", Action::Pulse, 1.0),
    ]);
    assert_eq!(got[7], 42.5, "{got:?}");
    assert!(got[8..].iter().all(|c| *c == 47.6), "{got:?}");
}
