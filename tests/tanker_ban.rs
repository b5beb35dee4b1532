//! Port bans on designated tankers (decision D40, model.md §4.4.2): a tanker batch cuts the
//! banning buyers' intake in its month, a bigger cargo share never raises it, the banned
//! barrels move to other buyers at a wider discount, and replacement tankers bring intake back
//! within a few months, each batch on its own.

mod common;
use common::*;
use sanctions_sim::dist::Dist;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::policy::calendar::Date;
use sanctions_sim::policy::events::{Action, Cargo, Event, Value};
use sanctions_sim::scenario::Scenario;

fn batch(sc: &Scenario, date: &str, cargo: f64) -> Event {
    Event {
        date: Date::parse(date).unwrap(),
        lever: sc.registry.id("fleet.designation.batch").unwrap(),
        action: Action::Fire,
        value: Value::Batch {
            share: Dist::Const(0.0),
            us: true,
            authority: sanctions_sim::policy::events::WaveAuthority::Us,
            cargo: Cargo::All(Dist::Const(cargo)),
        },
        prob: Dist::Const(1.0),
        lag_months: None,
    }
}

/// Mean India intake, Urals discount and W designated-tanker share per month over `n` paths.
fn run(sc: &Scenario, n: u64, months: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let (mut india, mut dw, mut banned) = (vec![0.0; months], vec![0.0; months], vec![0.0; months]);
    for path in 0..n {
        let mut sim = PathSim::new(sc, 9, path);
        for t in 0..months {
            let errs = step_checked(&mut sim);
            assert!(errs.is_empty(), "{errs:?}");
            let out = &sim.work.out;
            // W→IN and E→IN are routes 0 and 7 of the default market (grouped by basin).
            india[t] += (out.m[0] + out.m[7]) / n as f64;
            dw[t] += out.d[0] / n as f64;
            banned[t] += sim.work.exposure.banned[0].iter().sum::<f64>() / n as f64;
            assert!(out.m.iter().all(|v| v.is_finite() && *v >= 0.0));
        }
    }
    (india, dw, banned)
}

/// A US batch whose tankers carried 0.3 of every basin's cargoes (2025-10, month index 2):
/// India (which bans designated tankers) takes less that month and the Urals discount widens;
/// replacement tankers bring India back within three months.
#[test]
fn batch_cuts_banning_buyers_then_replacement_restores_them() {
    let base = scenario("baseline");
    let mut banned = base.clone();
    banned.events.push(batch(&banned, "2025-10-01", 0.3));
    let (a, da, _) = run(&base, 200, 7);
    let (b, db, share) = run(&banned, 200, 7);
    assert!((share[2] - 0.3).abs() < 1e-12, "{share:?}");
    assert!(
        share[3] < share[2] && share[5] == 0.0,
        "no replacement: {share:?}"
    );
    assert!(b[2] < a[2] - 0.2, "the ban hardly cut India: {a:?} {b:?}");
    assert!(
        db[2] > da[2] + 0.5,
        "the banned barrels moved at no wider discount: {da:?} {db:?}"
    );
    assert!(
        (b[5] - a[5]).abs() < 0.05,
        "India not back after replacement: {a:?} {b:?}"
    );
}

/// A bigger cargo share never raises India's mean intake in the batch's month or after.
#[test]
fn bigger_cargo_share_never_raises_banning_buyers_intake() {
    let base = scenario("baseline");
    let runs: Vec<Vec<f64>> = [0.1, 0.25, 0.4]
        .iter()
        .map(|&c| {
            let mut sc = base.clone();
            sc.events.push(batch(&sc, "2025-10-01", c));
            run(&sc, 150, 6).0
        })
        .collect();
    let (small, mid, big) = (&runs[0], &runs[1], &runs[2]);
    for (t, ((s, m), b)) in small.iter().zip(mid).zip(big).enumerate().skip(2) {
        assert!(*m <= s + 1e-9 && *b <= m + 1e-9, "month {t}: {s} {m} {b}");
    }
}

/// A later batch is remembered on its own: the earlier one's replacement goes on.
#[test]
fn later_batch_does_not_reset_earlier_one() {
    let mut sc = scenario("baseline");
    param(&mut sc, "tanker_replace_growth", 0.1);
    sc.events.push(batch(&sc, "2025-09-01", 0.9));
    sc.events.push(batch(&sc, "2025-10-01", 0.5));
    let mut sim = PathSim::new(&sc, 3, 0);
    sim.step_month();
    sim.step_month();
    let first = sim.state.tanker_bans[0];
    assert!(first.replaced > 0.0 && first.age == 1);
    sim.step_month();
    assert_eq!(sim.state.tanker_bans.len(), 2);
    assert!(sim.state.tanker_bans[0].replaced > first.replaced);
    assert_eq!(sim.state.tanker_bans[1].age, 1);
}
