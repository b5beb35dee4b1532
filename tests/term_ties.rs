//! Term ties (decision D46, model.md §4.4.1 C8): a wave that names the seller a buyer's
//! private refiners are tied to by term contract cuts that buyer's intake harder than the same
//! wave of other sellers, the cut shrinks as re-papering grows, a bigger tie never raises the
//! buyer's intake, and a wave that names no tied seller leaves the ties inert.

mod common;
use common::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::policy::events::{seller_group, Value};
use sanctions_sim::scenario::Scenario;

/// Mean India intake (W→IN and E→IN, routes 0 and 7 of the default market) per month over `n`
/// paths, with India's Rosneft tie set to `tie` (None: the market file's draw).
fn india(sc: &Scenario, n: u64, months: usize, tie: Option<f64>) -> Vec<f64> {
    let j = sc.market.buyers.iter().position(|b| b.id == "IN").unwrap();
    let mut out = vec![0.0; months];
    for path in 0..n {
        let mut sim = PathSim::new(sc, 11, path);
        if let Some(t) = tie {
            sim.model.buyer_ties[j] = vec![(seller_group("rosneft"), t)];
        }
        for v in out.iter_mut() {
            let errs = step_checked(&mut sim);
            assert!(errs.is_empty(), "{errs:?}");
            let m = &sim.work.out.m;
            *v += (m[0] + m[7]) / n as f64;
        }
    }
    out
}

/// Baseline plus one US wave of 0.45 on 2025-10-22 with a one-month wind-down, naming `sellers`.
fn waved(sellers: Option<&str>) -> Scenario {
    let mut sc = scenario("baseline");
    let mut ev = us_wave(&sc, "2025-10-22", 0.45, 1);
    if let Value::Wave { sellers: s, .. } = &mut ev.value {
        *s = sellers.map(String::from);
    }
    sc.events.push(ev);
    sc
}

#[test]
fn the_market_file_ties_india_to_rosneft() {
    let sc = scenario("baseline");
    let j = sc.market.buyers.iter().position(|b| b.id == "IN").unwrap();
    let sim = PathSim::new(&sc, 11, 0);
    let ties = &sim.model.buyer_ties[j];
    assert_eq!(ties.len(), 1);
    assert_eq!(ties[0].0, seller_group("rosneft"));
    assert!((0.18..=0.28).contains(&ties[0].1), "{ties:?}");
}

/// Naming Rosneft (in any case, among other companies) cuts India harder after the deadline
/// than the same wave of other sellers, which gives what an unnamed wave gives.
#[test]
fn a_wave_naming_the_tied_seller_cuts_harder() {
    let months = 8;
    let none = india(&waved(None), 150, months, None);
    let other = india(
        &waved(Some("gazprom_neft-surgutneftegas")),
        150,
        months,
        None,
    );
    let tied = india(&waved(Some("Rosneft_Lukoil")), 150, months, None);
    // Index 3 = 2025-11: the wave's deadline (11-22) and India's route past its own.
    for t in 0..months {
        assert!(
            (other[t] - none[t]).abs() < 0.02,
            "month {t}: other sellers {other:?} vs unnamed {none:?}"
        );
    }
    assert!(
        tied[4] < none[4] - 0.15,
        "Rosneft's designation hardly reached Reliance: {tied:?} vs {none:?}"
    );
    // Before the announcement nothing differs.
    assert!((tied[1] - none[1]).abs() < 1e-12);
    // The tied cut shrinks as the designated sellers re-paper.
    let gap = |t: usize| none[t] - tied[t];
    assert!(gap(7) < gap(4) - 0.05, "no recovery: {tied:?} vs {none:?}");
}

/// A bigger tie never raises India's mean intake in any month (same paths, same draws).
#[test]
fn bigger_tie_never_raises_intake() {
    let sc = waved(Some("rosneft"));
    let runs: Vec<Vec<f64>> = [0.0, 0.15, 0.3]
        .iter()
        .map(|&t| india(&sc, 100, 8, Some(t)))
        .collect();
    for t in 0..8 {
        assert!(
            runs[1][t] <= runs[0][t] + 1e-9 && runs[2][t] <= runs[1][t] + 1e-9,
            "month {t}: {:?}",
            runs.iter().map(|r| r[t]).collect::<Vec<_>>()
        );
    }
    assert!(runs[2][4] < runs[0][4] - 0.1, "{runs:?}");
}

/// An unnamed wave never meets a tie: India's intake is bit-for-bit the same with or without it.
#[test]
fn ties_are_inert_without_a_named_wave() {
    let sc = waved(None);
    assert_eq!(india(&sc, 20, 8, Some(0.0)), india(&sc, 20, 8, Some(0.3)));
}
