//! D245 (hostile round 9, findings 3 and 4): a pulse is an overlay of its month. What the
//! pulse's month adds, scales or steps carries past it, a `set` inside it ends it, nested
//! pulses return to the value under both, and the EU cap review runs under a cap's pulse.

use super::tests::{ev, reg, run, wave_event};
use super::*;
use crate::policy::calendar::month_idx;
use crate::policy::levers::NONE_CAP;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// An action dated on the given day.
type Dated<'a> = Box<dyn Fn(&str) -> Event + 'a>;

/// Every month but the pulse's equals the run without the pulse, for every arithmetic action
/// (and a wave's share step) dated on any day of the pulse's month from the pulse's day on.
#[test]
fn what_a_pulse_month_adds_or_scales_outlives_the_pulse() {
    let r = reg();
    let wedge = "secondary.IN.risk_wedge_usd";
    let cases: Vec<(&str, Dated, LeverId, f64)> = vec![
        (
            "add",
            Box::new(|d: &str| ev(&r, d, wedge, Action::Add, 3.0)),
            r.ids.secondary_risk_wedge_usd[0],
            0.0,
        ),
        (
            "scale",
            Box::new(|d: &str| ev(&r, d, wedge, Action::Scale, 1.5)),
            r.ids.secondary_risk_wedge_usd[0],
            0.0,
        ),
        (
            "wave",
            Box::new(|d: &str| wave_event(&r, d, 0.4, 4, None)),
            r.ids.sdn_share,
            0.0,
        ),
        (
            "named wave",
            Box::new(|d: &str| wave_event(&r, d, 0.4, 4, Some("rosneft"))),
            r.ids.sdn_share,
            0.0,
        ),
    ];
    for (what, action, lever, pulse_to) in cases {
        let name = r.def(lever).name.clone();
        let base = if lever == r.ids.sdn_share { 0.2 } else { 2.0 };
        for (pulse_day, action_day) in [
            ("2025-11-01", "2025-11-01"),
            ("2025-11-01", "2025-11-20"),
            ("2025-11-10", "2025-11-10"),
            ("2025-11-10", "2025-11-30"),
        ] {
            let set = ev(&r, "2025-10-01", &name, Action::Set, base);
            let without = run(&[set.clone(), action(action_day)], &r, "2025-08", 9);
            let pulse = ev(&r, pulse_day, &name, Action::Pulse, pulse_to);
            let with = run(&[set, pulse, action(action_day)], &r, "2025-08", 9);
            for (m, (a, b)) in without.iter().zip(&with).enumerate() {
                let (a, b) = (a.get(lever), b.get(lever));
                if m == 3 {
                    assert!(
                        b < a,
                        "{what} {pulse_day}/{action_day}: the pulse month is {b}"
                    );
                } else {
                    assert!(
                        (a - b).abs() < 1e-12,
                        "{what} {pulse_day}/{action_day} month {m}: {b} against {a}"
                    );
                }
            }
        }
    }
}

/// A `set` inside the pulse's month says where the lever goes: the pulse ends there. Two
/// pulses in one month return to the value before the first.
#[test]
fn a_set_ends_a_pulse_and_nested_pulses_return_to_the_value_under_both() {
    let r = reg();
    let l = "tariff.IN.rate";
    let id = r.ids.tariff_rate[0];
    let m = run(
        &[
            ev(&r, "2025-09-01", l, Action::Set, 0.25),
            ev(&r, "2025-10-01", l, Action::Pulse, 0.5),
            ev(&r, "2025-10-15", l, Action::Set, 0.1),
        ],
        &r,
        "2025-08",
        4,
    );
    assert_eq!((m[2].end(id), m[3].get(id)), (0.1, 0.1));
    let m = run(
        &[
            ev(&r, "2025-09-01", l, Action::Set, 0.25),
            ev(&r, "2025-10-01", l, Action::Pulse, 0.5),
            ev(&r, "2025-10-15", l, Action::Pulse, 0.75),
        ],
        &r,
        "2025-08",
        4,
    );
    assert_eq!((m[2].end(id), m[3].get(id)), (0.75, 0.25));
}

/// A pulse of the EU cap no longer fixes the mode for good (hostile round 9 #4): the review
/// goes on on its calendar, and a review inside the pulse's month sets the cap the pulse
/// returns to, from the 1st of the next month.
#[test]
fn the_cap_review_runs_under_a_cap_pulse() {
    let r = reg();
    // An enum's variants are numbers on the timeline: `dynamic` is 1.
    let dynamic = ev(&r, "2025-09-03", "cap.eu_mode", Action::Set, 1.0);
    let set = ev(&r, "2025-09-03", "cap.eu_usd", Action::Set, 47.6);
    let cap = r.ids.cap_eu_usd;
    let path = |pulse: Option<&str>| {
        let mut events = vec![set.clone(), dynamic.clone()];
        if let Some(d) = pulse {
            events.push(ev(&r, d, "cap.eu_usd", Action::Pulse, NONE_CAP));
        }
        let start = month_idx("2025-08").unwrap();
        let rng = ChaCha8Rng::seed_from_u64(1);
        let mut p = PolicyPath::new(&events, &r, &r.defaults(), start, |_| rng.clone());
        let (mut out, mut fired) = (r.defaults(), Vec::new());
        (0..12)
            .map(|t| {
                let month = start + t;
                crate::policy::cap_review::review(&mut p, &r.ids, month, 50.0);
                p.advance(month, &mut out, &mut fired);
                out.end(cap)
            })
            .collect::<Vec<f64>>()
    };
    let free = path(None);
    // The review of 2026-03-03 sets 0.85 × 50.
    assert!((free[8] - 42.5).abs() < 1e-9, "{free:?}");
    // A pulse in November: only November differs.
    let nov = path(Some("2025-11-01"));
    for (m, (a, b)) in free.iter().zip(&nov).enumerate() {
        if m == 3 {
            assert_eq!(*b, NONE_CAP);
        } else {
            assert_eq!(a, b, "month {m}: {nov:?}");
        }
    }
    // A pulse in the review's month: March ends at none, April has the reviewed cap.
    let mar = path(Some("2026-03-01"));
    assert_eq!(mar[7], NONE_CAP, "{mar:?}");
    assert_eq!(mar[8..], free[8..], "{mar:?}");
}
