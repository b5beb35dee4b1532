//! Hostile round 10 #1: a bool or enum lever takes one value a month, and a `pulse` of one
//! holds the month it is dated in, whatever its day (it used to hold the whole next month).

use super::tests::{ev, reg, run};
use super::*;
use crate::policy::calendar::month_idx;
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
