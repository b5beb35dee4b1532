//! Designation waves of one `sellers` group share one draw (D189): every wave of the group
//! takes the quantile of the same per-path uniform, drawn by the group's first wave in
//! scenario order. Sensitivity therefore has one input for the group, not one per wave
//! (walkthrough 10 #17: the shared size was credited to whichever listing came first, under
//! that wave's event key, and the later waves' columns were re-draws the path never used).
//! The input keeps the first wave's key, so its name stays a stream key, and says in its
//! name that the draw is the seller group's: `event.sdn.wave.2025-10-15.0.value (shared by
//! sellers rosneft_lukoil: 2 waves)`.

use crate::dist::Dist;
use crate::policy::events::{seller_group, Event, Value};

/// The seller group of a designation wave with `sellers`, and its name as written.
pub fn group_of(ev: &Event) -> Option<(u64, &str)> {
    match &ev.value {
        Value::Wave {
            sellers: Some(name),
            ..
        } => Some((seller_group(name), name.as_str())),
        _ => None,
    }
}

/// For each event, the index of the wave that draws its group's uniform (itself for the
/// first wave of a group, or for an event outside any group).
pub fn representatives(events: &[Event]) -> Vec<usize> {
    let mut first: Vec<(u64, usize)> = Vec::new();
    events
        .iter()
        .enumerate()
        .map(|(i, ev)| match group_of(ev) {
            Some((g, _)) => match first.iter().find(|(h, _)| *h == g) {
                Some(&(_, r)) => r,
                None => {
                    first.push((g, i));
                    i
                }
            },
            None => i,
        })
        .collect()
}

/// The suffix of the shared input's name, for `n` waves of group `name` (none for one wave).
pub fn shared_label(name: &str, n: usize) -> String {
    if n < 2 {
        String::new()
    } else {
        format!(" (shared by sellers {name}: {n} waves)")
    }
}

/// The probability level at which `d` takes the value `v` (bisection on its quantile).
fn level(d: &Dist, v: f64) -> f64 {
    let (mut lo, mut hi) = (0.0_f64, 1.0_f64);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if d.quantile(mid) < v {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// Holds the shared draw of the group whose first wave is `rep` at `v` (a value of that
/// wave's distribution): every wave of the group takes its own distribution's value at the
/// same probability level, as the shared uniform would give them. `set` writes one wave.
pub fn hold_group(events: &mut [Event], rep: usize, v: f64, set: impl Fn(&mut Event, Dist)) {
    let Some((g, _)) = group_of(&events[rep]) else {
        set(&mut events[rep], Dist::Const(v));
        return;
    };
    let share = |ev: &Event| match &ev.value {
        Value::Wave { add_share, .. } => *add_share,
        _ => Dist::Const(v),
    };
    let first = share(&events[rep]);
    let u = level(&first, v);
    for ev in events.iter_mut() {
        if group_of(ev).is_some_and(|(h, _)| h == g) {
            let d = share(ev);
            let x = if d == first { v } else { d.quantile(u) };
            set(ev, Dist::Const(x));
        }
    }
}
