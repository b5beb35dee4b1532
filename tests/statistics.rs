//! The statistical checks of model.md §9.3: regime shares, outage frequency, the relief
//! ramp limit and the decay of a designation wave.

mod common;
use common::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::policy::calendar::Date;
use sanctions_sim::policy::events::{Action, Event, Value};

/// The turbulent-regime share converges to p_ct/(p_ct + p_tc) (± 0.01).
#[test]
fn turbulent_share_matches_the_chain() {
    let mut sc = scenario("baseline");
    param(&mut sc, "p_calm_to_turb", 0.03);
    param(&mut sc, "p_turb_to_calm", 0.15);
    let (mut turb, mut n) = (0.0, 0.0);
    for path in 0..4000 {
        let mut sim = PathSim::new(&sc, 21, path);
        for t in 0..36 {
            sim.step_month();
            if t >= 24 {
                turb += sim.state.regime as f64;
                n += 1.0;
            }
        }
    }
    let share = turb / n;
    let want = 0.03 / 0.18;
    assert!(
        (share - want).abs() < 0.01,
        "turbulent share {share} vs {want}"
    );
}

/// About 9 % of years see an outage elsewhere (EMF-2005 rates), ± 1 %.
#[test]
fn outage_frequency() {
    let sc = scenario("baseline");
    let (mut years_with, mut years) = (0.0, 0.0);
    for path in 0..6000 {
        let mut sim = PathSim::new(&sc, 23, path);
        let mut hit = false;
        for t in 0..36 {
            let before: Vec<bool> = sim.state.outages.iter().map(|o| o.active).collect();
            let sizes: Vec<f64> = sim.state.outages.iter().map(|o| o.size).collect();
            sim.step_month();
            // A new arrival: a slot became active or an active slot grew.
            hit |= sim
                .state
                .outages
                .iter()
                .zip(&before)
                .zip(&sizes)
                .any(|((o, b), s)| o.active && (!b || o.size > s + 1e-12));
            if t % 12 == 11 {
                years += 1.0;
                years_with += hit as u8 as f64;
                hit = false;
            }
        }
    }
    let share = years_with / years;
    assert!(
        (share - 0.09).abs() < 0.01,
        "share of years with an outage: {share}"
    );
}

/// Russian deliveries never rise faster than supply.ramp_mbd because of the export adjustment.
#[test]
fn relief_ramp_limits_the_adjustment() {
    let mut sc = scenario("baseline");
    set(&mut sc, "2025-10-01", "supply.russia_exports_adj", 1.0);
    set(&mut sc, "2025-10-01", "supply.ramp_mbd", 0.3);
    for path in 0..200 {
        let mut sim = PathSim::new(&sc, 29, path);
        let mut prev = sim.state.adj;
        for _ in 0..12 {
            sim.step_month();
            assert!(
                sim.state.adj - prev <= 0.3 + 1e-12,
                "adj rose {} in a month",
                sim.state.adj - prev
            );
            assert!(sim.state.adj <= 1.0 + 1e-12);
            prev = sim.state.adj;
        }
        assert!((sim.state.adj - 1.0).abs() < 1e-12);
    }
}

/// After a one-off sdn.wave of 0.45, D_W closes half its gap to the no-wave path within 2–6
/// months (in 2023 the discount halved in about 5 months).
#[test]
fn wave_gap_halves_within_two_to_six_months() {
    let base = scenario("baseline");
    let mut waved = base.clone();
    waved.events.push(Event {
        date: Date::parse("2025-10-01").unwrap(),
        lever: waved.registry.ids.sdn_wave,
        action: Action::Fire,
        value: Value::Wave {
            add_share: sanctions_sim::dist::Dist::Const(0.45),
            wind_down_months: 1,
            basins: vec![],
            authority: None,
            sellers: None,
        },
        prob: sanctions_sim::dist::Dist::Const(1.0),
        lag_months: None,
    });
    let months = 14;
    let mut gap = vec![0.0; months];
    let n = 1000;
    for path in 0..n {
        let mut a = PathSim::new(&base, 31, path);
        let mut b = PathSim::new(&waved, 31, path);
        for g in gap.iter_mut() {
            a.step_month();
            b.step_month();
            *g += (b.work.out.d[0] - a.work.out.d[0]) / n as f64;
        }
    }
    let wave = 2; // 2025-10 is month index 2
    let peak = gap[wave..].iter().cloned().fold(f64::MIN, f64::max);
    let t_peak = gap.iter().position(|g| *g == peak).unwrap();
    let half = gap[t_peak..]
        .iter()
        .position(|g| *g <= 0.5 * peak)
        .expect("gap never halved");
    assert!(peak > 1.0, "the wave hardly moved D_W: {gap:?}");
    assert!(
        (2..=6).contains(&half),
        "gap halved after {half} months: {gap:?}"
    );
}
