//! Stance edges found by a model audit (2026-12-07, D167, D168): no jump at a vanishing
//! carrot, no duty on a halted buyer whichever came first, and a snapback that resets the
//! buyer's adaptation.

mod common;
use common::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::vars::variables;
use sanctions_sim::scenario::Scenario;

fn ev(date: &str, lever: &str, value: &str) -> String {
    format!("[[event]]\ndate = \"{date}\"\nlever = \"{lever}\"\nvalue = {value}\n")
}

fn load(body: &str) -> Scenario {
    load_body(&format!("[scenario]\nmonths = 12\n{body}")).unwrap_or_else(|e| panic!("{e}"))
}

/// Per path and month, the values of `var`.
fn series(sc: &Scenario, var: &str, paths: u64) -> Vec<Vec<f64>> {
    let vars = variables(&sc.market);
    let k = vars.iter().position(|v| v.name == var).expect(var);
    let mut buf = vec![0.0; vars.len()];
    (0..paths)
        .map(|p| {
            let mut sim = PathSim::new(sc, 5, p);
            (0..sc.months)
                .map(|_| {
                    sim.step_month();
                    sim.write_vars(&vars, &mut buf);
                    buf[k]
                })
                .collect()
        })
        .collect()
}

/// D167: a $1m-a-year carrot stops nothing (it stopped 3–4% of India's intake at once).
#[test]
fn a_vanishing_carrot_changes_nothing() {
    let base = load("");
    let tiny = load(&ev("2025-08-01", "carrot.IN.value_bn", "0.001"));
    let (a, b) = (
        series(&base, "flow_india_mbd", 30),
        series(&tiny, "flow_india_mbd", 30),
    );
    for (p, (x, y)) in a.iter().zip(&b).enumerate() {
        for (t, (u, v)) in x.iter().zip(y).enumerate() {
            assert!((u - v).abs() < 1e-3, "path {p} month {t}: {u} vs {v}");
        }
    }
    // And the cut still grows with the carrot.
    let big = load(&ev("2025-08-01", "carrot.IN.value_bn", "30"));
    let cut: f64 = series(&big, "india_stance_cut_share", 30)
        .iter()
        .map(|s| s[6])
        .sum();
    assert!(cut > 0.3, "a $30bn carrot moved nothing: {cut}");
}

/// D168: a buyer that halted before the tariff came is not charged it either.
#[test]
fn a_halted_buyer_pays_no_duty_whichever_came_first() {
    for (first, second) in [("2025-08-01", "2025-10-01"), ("2025-10-01", "2025-08-01")] {
        let sc = load(&format!(
            "{}{}",
            ev(first, "stance.IN.force", "\"halt\""),
            ev(second, "tariff.IN.rate", "0.5")
        ));
        let duty = series(&sc, "india_tariff_duty_usd_bn", 20);
        for (p, s) in duty.iter().enumerate() {
            for (t, d) in s.iter().enumerate().skip(3) {
                assert_eq!(
                    *d, 0.0,
                    "halt {first}, tariff {second}: path {p} month {t}: {d}"
                );
            }
        }
    }
}

/// D168: a snapback restores the tariff and resets the buyer's adaptation (N15).
#[test]
fn a_snapback_resets_adaptation() {
    let sc = load(&format!(
        "{}{}{}{}",
        ev("2025-08-01", "tariff.IN.rate", "0.25"),
        ev("2025-08-01", "tariff.IN.snapback_prob", "1.0"),
        ev("2025-09-01", "stance.IN.force", "\"halt\""),
        ev("2026-01-01", "stance.IN.force", "\"buy\"")
    ));
    let j = sc.market.buyers.iter().position(|b| b.id == "IN").unwrap();
    let mut seen = 0;
    for p in 0..10 {
        let mut sim = PathSim::new(&sc, 5, p);
        let mut before = (false, f64::NAN);
        for _ in 0..sc.months {
            sim.step_month();
            let now = (sim.state.stance[j].suspended, sim.state.adapt[j]);
            if before.0 && !now.0 {
                seen += 1;
                assert!(
                    now.1 > before.1,
                    "path {p}: adaptation {} -> {}",
                    before.1,
                    now.1
                );
            }
            before = now;
        }
    }
    assert!(seen > 0, "no snapback happened");
}

/// D170: the delivered discount is the FOB discount less freight, insurance and the seller
/// wedge, on every route of a basin that clears as one tranche (the wedge is an output now).
#[test]
fn delivered_discount_is_fob_less_freight_insurance_and_wedge() {
    let sc = scenario("summit_failure");
    let vars = variables(&sc.market);
    let idx = |n: &str| vars.iter().position(|v| v.name == n).expect(n);
    let mut buf = vec![0.0; vars.len()];
    let mut checked = 0;
    for p in 0..8 {
        let mut sim = PathSim::new(&sc, 5, p);
        for t in 0..sc.months {
            sim.step_month();
            sim.write_vars(&vars, &mut buf);
            for route in &sc.market.routes {
                let basin = &sc.market.basins[route.basin];
                let x = basin.report_as.clone().unwrap_or(basin.id.to_lowercase());
                if buf[idx(&format!("{x}_designated_unpapered_share"))] > 0.0
                    || buf[idx(&format!("{x}_designated_tanker_share"))] > 0.0
                {
                    continue; // two tranches: each route carries its own offset Δ_r
                }
                let id = format!(
                    "{}_{}",
                    route.spec.from.to_lowercase(),
                    route.spec.to.to_lowercase()
                );
                let want = buf[idx(&format!("{x}_discount_usd_bbl"))]
                    - buf[idx(&format!("freight_{id}_usd_bbl"))]
                    - route.spec.insurance_usd
                    - buf[idx(&format!("{x}_seller_wedge_usd_bbl"))];
                let got = buf[idx(&format!("des_discount_{id}_usd_bbl"))];
                assert!(
                    (got - want).abs() < 1e-9,
                    "path {p} month {t} route {id}: {got} vs {want}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}
