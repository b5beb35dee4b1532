//! The buyers' pause at an authority's deadline (decision D41, model.md §4.4.3): a buyer
//! whose compliant refiners pause takes less while the pause runs, and a longer pause never
//! raises its intake in those months. The intake comes back when the pause ends.

mod common;
use common::*;
use sanctions_sim::dist::Dist;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::scenario::Scenario;

/// `scenario` with China's `pause_months` set to `p` (Turkey's to 0, so China alone pauses).
fn with_pause(sc: &Scenario, p: f64) -> Scenario {
    let mut sc = sc.clone();
    for b in sc.market.buyers.iter_mut() {
        match b.id.as_str() {
            "CN" => b.pause_months = Dist::Const(p),
            "TR" => b.pause_months = Dist::Const(0.0),
            _ => {}
        }
    }
    sc
}

/// Mean seaborne intake of buyer `id` per month over `n` paths (same seeds in every run).
fn sea_intake(sc: &Scenario, id: &str, n: u64, months: usize) -> Vec<f64> {
    let j = sc.market.buyers.iter().position(|b| b.id == id).unwrap();
    let routes: Vec<usize> = (0..sc.market.routes.len())
        .filter(|&r| sc.market.routes[r].buyer == j)
        .collect();
    let mut out = vec![0.0; months];
    for path in 0..n {
        let mut sim = PathSim::new(sc, 11, path);
        for v in out.iter_mut() {
            let errs = step_checked(&mut sim);
            assert!(errs.is_empty(), "{errs:?}");
            let m = &sim.work.out.m;
            assert!(m.iter().all(|x| x.is_finite() && *x >= 0.0));
            *v += routes.iter().map(|&r| m[r]).sum::<f64>() / n as f64;
        }
    }
    out
}

#[test]
fn pause_cuts_the_pausing_buyer_while_it_runs_and_never_raises_it() {
    let mut base = scenario("baseline");
    // Announced 2025-10-01 (month index 2), deadline two months later.
    base.events.push(us_wave(&base, "2025-10-01", 0.3, 2));
    let months = 10;
    let runs: Vec<Vec<f64>> = [0.0, 1.0, 2.0]
        .iter()
        .map(|&p| sea_intake(&with_pause(&base, p), "CN", 150, months))
        .collect();
    let (none, one, two) = (&runs[0], &runs[1], &runs[2]);
    // Announced at index 2 with a two-month wind-down: the deadline month is index 4.
    // While a pause runs (indices 4 and 5) a longer one never raises China's intake; after it,
    // the months differ only through the state the pause left (slates, freight), by little.
    for t in 0..6 {
        assert!(
            one[t] <= none[t] + 1e-9 && two[t] <= one[t] + 1e-9,
            "month {t}: a longer pause raised China's intake: {none:?} {one:?} {two:?}"
        );
    }
    for t in 6..months {
        assert!(
            (two[t] - none[t]).abs() < 0.02,
            "month {t}: {none:?} {two:?}"
        );
    }
    for t in 0..4 {
        assert!(
            (two[t] - none[t]).abs() < 1e-12,
            "month {t}: paused before the deadline: {none:?} {two:?}"
        );
    }
    assert!(
        one[4] < none[4] - 0.1,
        "the pause hardly cut China: {none:?} {one:?}"
    );
    assert!(
        two[5] < none[5] - 0.1 && (one[5] - none[5]).abs() < 0.1,
        "the second pause month: {none:?} {one:?} {two:?}"
    );
}
