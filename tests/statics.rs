//! Comparative statics of model.md §9.2 (one month, common random numbers: the two paths
//! are clones, so they see the same draws), and the documented non-invariant.

mod common;
use common::*;
use proptest::prelude::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::market::accounting::realised_netback;
use sanctions_sim::market::model::StanceDraw;
use sanctions_sim::market::stance::stance_target;
use sanctions_sim::scenario::Scenario;

const TOL: f64 = 1e-9;

/// Pairs of (base, perturbed) paths after `warm` months, stepped one more month.
fn pairs(
    sc: &Scenario,
    n: u64,
    warm: usize,
    perturb: impl Fn(&mut PathSim),
) -> Vec<(PathSim<'_>, PathSim<'_>)> {
    (0..n)
        .map(|path| {
            let mut a = PathSim::new(sc, 42, path);
            for _ in 0..warm {
                a.step_month();
            }
            let mut b = a.clone();
            perturb(&mut b);
            a.step_month();
            b.step_month();
            (a, b)
        })
        .collect()
}

/// Months where neither the fleet nor the floor binds and nothing is refused: the
/// "ceteris paribus" of §9.2 for the volume statics.
fn slack(s: &PathSim) -> bool {
    let w = &s.work;
    w.x_del
        .iter()
        .zip(&w.x_basin)
        .all(|(d, b)| (d - b).abs() < 1e-12)
        && !w.out.floor_bound.iter().any(|b| *b)
        && !w.out.refused
}

fn revenue_per_bbl(s: &PathSim) -> f64 {
    s.work.out.revenue_bn / s.work.out.deliveries
}

#[test]
fn m1_higher_hurdle_on_a_route() {
    let sc = scenario("baseline");
    let r = 0; // W→IN
    let mut n = 0;
    for (a, b) in pairs(&sc, 300, 3, |s| s.model.route_h[r] += 2.0) {
        let (oa, ob) = (&a.work.out, &b.work.out);
        assert!(ob.m[r] <= oa.m[r] + TOL, "m_r {} → {}", oa.m[r], ob.m[r]);
        if slack(&a) && slack(&b) {
            n += 1;
            assert!(ob.d[0] >= oa.d[0] - TOL, "D_W {} → {}", oa.d[0], ob.d[0]);
            assert!(ob.n[0] <= oa.n[0] + TOL);
            assert!(ob.price >= oa.price - TOL);
            assert!(ob.revenue_bn <= oa.revenue_bn + TOL);
        }
    }
    assert!(n > 200, "too few slack months: {n}");
}

#[test]
fn m2_seller_wedge_moves_the_fob_discount_one_for_one() {
    let mut sc = scenario("baseline");
    set(&mut sc, "2025-08-01", "cap.eu_usd", 1e9);
    param(&mut sc, "prod_floor", 0.0);
    param(&mut sc, "marginal_cost", 0.0);
    param(&mut sc, "storage_cap", 0.0);
    for (a, b) in pairs(&sc, 200, 3, |s| s.model.basin_wedge0[0] += 1.5) {
        let (oa, ob) = (&a.work.out, &b.work.out);
        assert!(
            (ob.d[0] - oa.d[0] - 1.5).abs() < 1e-7,
            "D_W {} → {}",
            oa.d[0],
            ob.d[0]
        );
        assert!((ob.price - oa.price).abs() < 1e-9);
        for i in 0..oa.m.len() {
            assert!((ob.m[i] - oa.m[i]).abs() < 1e-9);
            // Delivered prices P + a − δ are unchanged.
            assert!((ob.delta[i] - oa.delta[i]).abs() < 1e-7);
        }
    }
}

#[test]
fn m3_a_bigger_shadow_fleet() {
    let sc = scenario("summit_failure");
    for (a, b) in pairs(&sc, 300, 4, |s| s.state.fleet *= 1.3) {
        let (oa, ob) = (&a.work.out, &b.work.out);
        if oa.refused != ob.refused {
            continue;
        }
        assert!(
            ob.upsilon <= oa.upsilon + TOL,
            "υ {} → {}",
            oa.upsilon,
            ob.upsilon
        );
        assert!(ob.tightness < oa.tightness);
        assert!(
            ob.deliveries >= oa.deliveries - 1e-7,
            "V {} → {}",
            oa.deliveries,
            ob.deliveries
        );
        assert!(ob.price <= oa.price + 1e-7);
        if slack(&a) && slack(&b) {
            for i in 0..oa.n_hat.len() {
                assert!(
                    ob.n_hat[i] >= oa.n_hat[i] - 1e-7,
                    "n̂ {} → {}",
                    oa.n_hat[i],
                    ob.n_hat[i]
                );
            }
        }
    }
}

proptest! {
    /// M4 and M5 at a fixed Brent: a higher cap weakly raises, and stricter enforcement
    /// weakly lowers, the realised netback; and n̂ ≤ n.
    #[test]
    fn m4_m5_realised_netback(n in 0.0f64..120.0, ups in 0.0f64..=1.0, e in 0.0f64..=1.0, c in 0.0f64..100.0, dc in 0.0f64..30.0, de in 0.0f64..=1.0, att in 0.0f64..3.0) {
        let base = realised_netback(n, ups, e, c, att);
        prop_assert!(realised_netback(n, ups, e, c + dc, att) >= base - TOL);
        prop_assert!(realised_netback(n, ups, (e + de).min(1.0), c, att) <= base + TOL);
        prop_assert!(base <= n + TOL);
    }

    /// M8: a bigger tariff, exposure, welfare loss or carrot raises the share a buyer's
    /// refiners would stop (D38); bigger savings or strategic value lower it. It never exceeds
    /// the maximal depth θ^halt.
    #[test]
    fn m8_stance_target(t in 0.0f64..5.0, x in 0.0f64..500.0, lam in 0.0f64..1.0, c in 0.0f64..20.0, sav in 0.0f64..10.0, v in 0.0f64..80.0, d in 0.0f64..5.0) {
        let sd = |lam: f64, v: f64| StanceDraw { welfare_loss: lam, political_value_bn: v, noise_bn: 1.5, base_hazard: 0.5, halt_depth: 0.8, snapback_threshold_share: 0.5 };
        let p = stance_target(&sd(lam, v), t, x, c, sav);
        prop_assert!(stance_target(&sd(lam, v), t + d, x, c, sav) >= p - TOL);
        prop_assert!(stance_target(&sd(lam, v), t, x + 10.0 * d, c, sav) >= p - TOL);
        prop_assert!(stance_target(&sd(lam + 0.1 * d, v), t, x, c, sav) >= p - TOL);
        prop_assert!(stance_target(&sd(lam, v), t, x, c + d, sav) >= p - TOL);
        prop_assert!(stance_target(&sd(lam, v), t, x, c, sav + d) <= p + TOL);
        prop_assert!(stance_target(&sd(lam, v + d), t, x, c, sav) <= p + TOL);
        prop_assert!((0.0..=0.8).contains(&p));
    }
}

#[test]
fn m6_more_russian_supply() {
    let sc = scenario("baseline");
    let mut n = 0;
    for (a, b) in pairs(&sc, 300, 3, |s| s.state.nu += 0.15) {
        if !(slack(&a) && slack(&b)) {
            continue;
        }
        n += 1;
        let (oa, ob) = (&a.work.out, &b.work.out);
        for i in 0..oa.d.len() {
            assert!(ob.d[i] >= oa.d[i] - 1e-7, "D {} → {}", oa.d[i], ob.d[i]);
        }
        assert!(ob.price <= oa.price + 1e-9);
        assert!(revenue_per_bbl(&b) <= revenue_per_bbl(&a) + 1e-9);
    }
    assert!(n > 200, "too few slack months: {n}");
}

#[test]
fn m7_anchor_and_outages_raise_brent() {
    let sc = scenario("baseline");
    for (a, b) in pairs(&sc, 200, 3, |s| s.state.chi += 0.05) {
        assert!(b.work.out.price > a.work.out.price);
    }
    // A Gulf outage: Brent up, and with γ_a > 0 Asian buyers' alternatives cost more, so
    // Russian discounts weakly narrow.
    let mut sc = scenario("baseline");
    param(&mut sc, "gamma_a", 2.0);
    param(&mut sc, "gulf_share", 1.0);
    param(&mut sc, "outage_rate_medium", 1.0);
    let quiet = {
        let mut q = scenario("baseline");
        param(&mut q, "gamma_a", 2.0);
        param(&mut q, "gulf_share", 1.0);
        param(&mut q, "outage_rate_medium", 0.0);
        q
    };
    for path in 0..100 {
        let mut a = PathSim::new(&quiet, 8, path);
        let mut b = PathSim::new(&sc, 8, path);
        a.step_month();
        b.step_month();
        let (oa, ob) = (&a.work.out, &b.work.out);
        assert!(ob.outage > oa.outage);
        assert!(ob.price > oa.price, "P {} → {}", oa.price, ob.price);
        if slack(&a) && slack(&b) {
            for i in 0..oa.d.len() {
                assert!(ob.d[i] <= oa.d[i] + 1e-7, "D {} → {}", oa.d[i], ob.d[i]);
            }
        }
    }
}

#[test]
fn m9_elastic_demand_and_inventories_damp_a_shortfall() {
    let price_move = |eps_d: f64, eta_i: f64, path: u64| {
        let mut sc = scenario("baseline");
        param(&mut sc, "eps_d", eps_d);
        param(&mut sc, "eta_i", eta_i);
        let mut a = PathSim::new(&sc, 13, path);
        a.step_month();
        let mut b = a.clone();
        b.state.nu -= 1.0;
        a.step_month();
        b.step_month();
        (b.work.out.price - a.work.out.price).abs()
    };
    for path in 0..40 {
        let base = price_move(-0.2, 0.04, path);
        assert!(price_move(-0.3, 0.04, path) <= base + 1e-9);
        assert!(price_move(-0.2, 0.07, path) <= base + 1e-9);
    }
}

/// The documented non-invariant (§9.2): Russian revenue need not be monotone in the cap.
/// Steep corner, half the fleet, full enforcement, no storage: where c − c_att crosses the
/// production floor the capped tranche is withheld and Brent jumps.
#[test]
fn revenue_is_not_monotone_in_the_cap() {
    let mut sc = scenario("baseline");
    for name in sanctions_sim::market::params::ParamSpec::NAMES {
        let d = sc.params.get(name).unwrap();
        sc.params
            .set(name, sanctions_sim::dist::Dist::Const(d.median()));
    }
    for (k, v) in [
        ("eps_d", -0.05),
        ("eps_s", 0.01),
        ("eta_i", 0.0),
        ("opec_response", 0.0),
        ("opec_spare", 0.0),
        ("storage_cap", 0.0),
    ] {
        param(&mut sc, k, v);
    }
    set(&mut sc, "2025-08-01", "cap.enforcement", 1.0);
    set(&mut sc, "2025-08-01", "cap.refusal_prob", 0.0);
    set(&mut sc, "2025-09-03", "cap.eu_mode", 0.0);
    let mut base = PathSim::new(&sc, 1, 0);
    base.step_month();
    base.step_month();
    base.state.fleet = 0.5 * base.model.phi_2024;
    let month = base.month;
    let ids = sc.registry.ids.clone();
    let revenue: Vec<(f64, f64)> = (10..=60)
        .rev()
        .map(|c| {
            let mut s = base.clone();
            s.policy.inject_set(month, 1, ids.cap_eu_usd, c as f64);
            s.step_month();
            (c as f64, s.work.out.revenue_bn)
        })
        .collect();
    let found = revenue
        .iter()
        .any(|(c1, r1)| revenue.iter().any(|(c2, r2)| c1 < c2 && r1 > r2));
    assert!(found, "revenue was monotone in the cap: {revenue:?}");
    // The jump sits where c − c_att crosses the production floor.
    let floor = base.model.prod_floor + base.levers.get(ids.cap_attestation_usd);
    let (c_jump, _) =
        revenue
            .windows(2)
            .map(|w| (w[1].0, w[1].1 - w[0].1))
            .fold(
                (0.0, f64::MIN),
                |best, x| if x.1 > best.1 { x } else { best },
            );
    assert!(
        (c_jump - floor).abs() <= 1.0,
        "largest revenue gain at cap {c_jump}, floor + attestation {floor}"
    );
}
