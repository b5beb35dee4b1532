//! D248 (walkthrough 8 finding 1): when Western tankers withdraw, the shadow fleet grows into
//! the gap instead of shrinking with the exports the withdrawal cuts. A G7 services ban used
//! to shrink the shadow fleet by 15% within a year (its target was its 2024 share of a
//! requirement that the ban itself cut), the opposite of 2022–23.

mod common;

use common::{scenario, set, values_at};

const PATHS: u64 = 150;

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn a_services_ban_grows_the_shadow_fleet_and_withholding_falls() {
    let free = scenario("baseline");
    let mut ban = free.clone();
    // The ban from the run's 3rd month (2025-10).
    set(&mut ban, "2025-10-01", "cap.services_ban", 1.0);
    let fleet = "fleet_shadow_capacity_flow_months";
    let at = |sc, var, t| mean(&values_at(sc, var, t, 11, PATHS));
    let (f_ban_start, f_ban_later) = (at(&ban, fleet, 2), at(&ban, fleet, 14));
    let f_free_later = at(&free, fleet, 14);
    assert!(
        f_ban_later > f_ban_start && f_ban_later > f_free_later,
        "shadow fleet: {f_ban_start} at the ban, {f_ban_later} a year on, {f_free_later} without it"
    );
    let withheld = "russia_withheld_mbd";
    let (w_first, w_later) = (at(&ban, withheld, 2), at(&ban, withheld, 14));
    assert!(
        w_later < 0.6 * w_first,
        "withheld: {w_first} in the ban's month, {w_later} a year on"
    );
}

/// The target is never below the 2024 share of the requirement, and the less Western capacity
/// there is, the higher it is.
#[test]
fn the_fleet_target_rises_as_western_capacity_falls() {
    let sc = scenario("baseline");
    let sim = sanctions_sim::engine::path::PathSim::new(&sc, 3, 0);
    let m = &sim.model;
    for phi in [0.0, 1.0, 3.0, 5.5, 9.0] {
        let mut last = f64::NEG_INFINITY;
        for western in [8.0, 4.0, 2.0, 1.0, 0.0] {
            let fl = sanctions_sim::market::fleet::Fleet {
                phi,
                western,
                ..Default::default()
            };
            let t = sanctions_sim::market::accounting::fleet_target(m, &fl);
            assert!(
                t >= m.kappa_f * phi && t >= last,
                "phi {phi}, western {western}: {t}"
            );
            last = t;
        }
    }
}
