//! The shipped scenarios against observed history and the errata's regression checks
//! (the errata fixes of docs/decisions.md §A; core-engine issue acceptance checks).

mod common;
use common::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::run::{run, RunOptions, RunResult};

fn run_paths(name: &str, paths: u64) -> RunResult {
    let sc = scenario(name);
    let mut o = RunOptions::from_scenario(&sc);
    o.paths = paths;
    o.seed = 20251201;
    run(&sc, &o, &|_| {}).unwrap()
}

/// The observed value of `variable` in `date` from `data/sanity_targets.csv`.
fn observed(variable: &str, date: &str) -> f64 {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/data/sanity_targets.csv");
    let mut r = csv::Reader::from_path(path).unwrap();
    for row in r.records() {
        let row = row.unwrap();
        if &row[0] == date && &row[1] == variable {
            return row[2].parse().unwrap();
        }
    }
    panic!("{variable} {date} not in {path}");
}

#[test]
fn baseline_first_months_match_history() {
    let r = run_paths("baseline", 4000);
    let brent_jul = observed("brent_spot_monthly_avg", "2025-07-01");
    let india_may = observed("india_imports_russian_crude", "2025-05-01");
    // 1 Mt/month of Urals ≈ 0.241 mb/d (data README).
    let china_jul = observed("china_imports_russian_crude_mt", "2025-07-01") * 0.241;
    let urals_jul = observed("urals_fob_primorsk_discount_to_dated", "2025-07-01");
    for t in 0..3 {
        let brent = r.p50("brent_usd_bbl", t);
        assert!(
            (brent / brent_jul - 1.0).abs() < 0.08,
            "month {t}: Brent {brent} vs Jul-2025 {brent_jul}"
        );
        let india = r.p50("flow_india_mbd", t);
        assert!((1.4..=2.1).contains(&india), "month {t}: India {india}");
        assert!(
            (india - india_may).abs() < 0.3,
            "month {t}: India {india} vs May-2025 {india_may}"
        );
        let china = r.p50("flow_china_mbd", t);
        assert!((1.8..=2.6).contains(&china), "month {t}: China {china}");
        assert!(
            (china - china_jul).abs() < 0.3,
            "month {t}: China {china} vs Jul-2025 {china_jul}"
        );
        let urals = r.p50("urals_discount_usd_bbl", t);
        assert!(
            (8.0..=16.0).contains(&urals),
            "month {t}: Urals discount {urals}"
        );
        assert!(
            (urals - urals_jul).abs() < 3.0,
            "month {t}: Urals {urals} vs Jul-2025 {urals_jul}"
        );
    }
}

/// Errata regression checks on the baseline: withholding, shut-ins, refusals, fleet bound.
#[test]
fn baseline_errata_regressions() {
    let r = run_paths("baseline", 4000);
    for t in 0..12 {
        let w = r.mean("russia_withheld_mbd", t);
        assert!(w < 0.05, "errata 1: mean withheld {w} mb/d in month {t}");
    }
    let h = r.mean("russia_shutin_mbd", 35);
    assert!(h < 0.1, "errata 3: mean shut-in {h} mb/d at month 36");
    for t in 0..36 {
        let refused = r.mean("cap_tranche_refused_share", t);
        assert!(
            refused < 0.05,
            "errata 2: capped tranche refused on {refused} of paths in month {t}"
        );
    }
    assert_eq!(r.diagnostics["fleet_bound_violations"], 0, "errata 6");
    assert_eq!(r.diagnostics["solver_not_converged"], 0, "errata 8");
    assert_eq!(r.diagnostics["nonfinite_values"], 0);
    // Errata 7: the cut of the EU cap from $60 to $47.60 barely moves the Urals discount.
    let jump = r.p50("urals_discount_usd_bbl", 1) - r.p50("urals_discount_usd_bbl", 0);
    assert!(
        jump.abs() < 2.0,
        "errata 7: the cap cut moved D_W by {jump}"
    );
}

/// Errata 5 / §9.3: the s.d. of monthly log changes of Brent lies in [0.045, 0.09].
#[test]
fn brent_volatility_band() {
    let sc = scenario("baseline");
    let (mut s, mut s2, mut n) = (0.0, 0.0, 0.0);
    for path in 0..3000 {
        let mut sim = PathSim::new(&sc, 77, path);
        let mut prev = sc.brent_p0.ln();
        for _ in 0..36 {
            sim.step_month();
            let x = sim.work.out.price.ln();
            let d = x - prev;
            s += d;
            s2 += d * d;
            n += 1.0;
            prev = x;
        }
    }
    let sd = (s2 / n - (s / n).powi(2)).sqrt();
    assert!(
        (0.045..=0.09).contains(&sd),
        "monthly s.d. of Δln Brent = {sd}"
    );
}

/// Core-engine acceptance: the scenarios order as the story says at month 12.
#[test]
fn scenario_ordering_at_month_12() {
    let success = run_paths("summit_success", 2000);
    let failure = run_paths("summit_failure", 2000);
    let china = run_paths("china_sanctions", 2000);
    let t = 11;
    assert!(failure.p50("urals_discount_usd_bbl", t) > success.p50("urals_discount_usd_bbl", t));
    assert!(
        failure.p50("russia_export_revenue_usd_bn", t)
            < success.p50("russia_export_revenue_usd_bn", t)
    );
    assert!(china.p50("espo_discount_usd_bbl", t) > failure.p50("espo_discount_usd_bbl", t));
}

/// M10: summit_success vs summit_fail on common random numbers (path i of each sees the same
/// draws): E[D_W] lower, E[deliveries] weakly higher, E[P] weakly lower, one-sided at 1 %.
#[test]
fn m10_success_vs_failure_crn() {
    let (ok, fail) = (scenario("summit_success"), scenario("summit_failure"));
    let n = 2000;
    let t_check = 12;
    let mut diffs = [Vec::new(), Vec::new(), Vec::new()];
    for path in 0..n {
        let mut a = PathSim::new(&ok, 5, path);
        let mut b = PathSim::new(&fail, 5, path);
        for _ in 0..t_check {
            a.step_month();
            b.step_month();
        }
        let (oa, ob) = (&a.work.out, &b.work.out);
        diffs[0].push(oa.d[0] - ob.d[0]);
        diffs[1].push(oa.deliveries - ob.deliveries);
        diffs[2].push(oa.price - ob.price);
    }
    let stat = |v: &Vec<f64>| {
        let m = v.iter().sum::<f64>() / v.len() as f64;
        let var = v.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (v.len() - 1) as f64;
        (m, (var / v.len() as f64).sqrt())
    };
    let z = 2.326;
    let (m, se) = stat(&diffs[0]);
    assert!(m + z * se < 0.0, "E[D_W] success − failure = {m} ± {se}");
    let (m, se) = stat(&diffs[1]);
    assert!(
        m + z * se > 0.0,
        "E[deliveries] success − failure = {m} ± {se}"
    );
    let (m, se) = stat(&diffs[2]);
    assert!(m - z * se < 0.0, "E[P] success − failure = {m} ± {se}");
}
