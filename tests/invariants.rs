//! Property tests: every exact identity of model.md §9.1 holds on every path-month, for
//! parameters drawn across their priors and levers drawn across their documented ranges.

mod common;
use common::*;
use proptest::prelude::*;
use sanctions_sim::engine::path::PathSim;

const SCENARIOS: [&str; 4] = [
    "baseline",
    "summit_success",
    "summit_failure",
    "china_sanctions",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn identities_hold_across_lever_ranges(
        which in 0usize..4,
        seed in 0u64..1_000_000,
        path in 0u64..10_000,
        cap in prop_oneof![Just(1e9), 0.0f64..100.0],
        enforcement in 0.0f64..=1.0,
        refusal in 0.0f64..=1.0,
        ban in any::<bool>(),
        sdn in 0.0f64..=1.0,
        tariff_in in 0.0f64..=5.0,
        tariff_cn in 0.0f64..=5.0,
        cut_cn in 0.0f64..=1.0,
        scale_in in 0.0f64..=2.0,
        eu_scale in 0.0f64..=2.0,
        pipe_avail in 0.0f64..=1.0,
        adj in -3.0f64..=1.0,
        freight in 0.5f64..=5.0,
        storage_cap in prop_oneof![Just(0.0), 1.0f64..250.0],
    ) {
        let mut sc = scenario(SCENARIOS[which]);
        let d = "2025-08-01";
        set(&mut sc, d, "cap.eu_usd", cap);
        set(&mut sc, d, "cap.enforcement", enforcement);
        set(&mut sc, d, "cap.refusal_prob", refusal);
        set(&mut sc, d, "cap.services_ban", if ban { 1.0 } else { 0.0 });
        set(&mut sc, "2025-09-15", "sdn.share", sdn);
        set(&mut sc, d, "tariff.IN.rate", tariff_in);
        set(&mut sc, "2025-10-10", "tariff.CN.rate", tariff_cn);
        set(&mut sc, d, "secondary.CN.capacity_cut", cut_cn);
        set(&mut sc, d, "buyer.IN.capacity_scale", scale_in);
        set(&mut sc, d, "buyer.EU.capacity_scale", eu_scale);
        set(&mut sc, d, "pipeline.CNP.availability", pipe_avail);
        set(&mut sc, d, "supply.russia_exports_adj", adj);
        set(&mut sc, d, "freight.W.scale", freight);
        param(&mut sc, "storage_cap", storage_cap);
        let mut sim = PathSim::new(&sc, seed, path);
        for _ in 0..14 {
            let bad = step_checked(&mut sim);
            prop_assert!(bad.is_empty(), "month {}: {:?}", sim.month - 1, bad);
            for v in sim.work.out.m.iter().chain(&sim.work.out.d).chain(&sim.work.out.n_hat) {
                prop_assert!(v.is_finite());
            }
        }
        prop_assert_eq!(sim.diag.not_converged, 0);
        prop_assert_eq!(sim.diag.fleet_violations, 0);
        prop_assert!(sim.diag.max_basin_iters <= 200 && sim.diag.max_brent_iters <= 200);
    }
}

/// §9.1.8: with V = V^ref, J = 0, O = 0 and α = 0 the Brent root is the anchor.
#[test]
fn anchor_consistency() {
    let mut sc = scenario("baseline");
    for p in [
        "sigma_nu",
        "outage_rate_small",
        "outage_rate_medium",
        "outage_rate_large",
    ] {
        param(&mut sc, p, 0.0);
    }
    param(&mut sc, "opec_trigger", 1e6);
    let mut checked = 0;
    for path in 0..120 {
        let mut sim = PathSim::new(&sc, 3, path);
        for _ in 0..6 {
            step_checked(&mut sim);
            let o = &sim.work.out;
            if o.withheld < 1e-12
                && sim.state.shutin < 1e-12
                && sim.state.alpha_d == 0.0
                && (o.deliveries - sim.model.v_ref).abs() < 1e-12
            {
                assert!(
                    (o.price.ln() - o.anchor_price.ln()).abs() < 1e-9,
                    "P {} vs anchor {}",
                    o.price,
                    o.anchor_price
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "too few months with V = V_ref: {checked}");
}

/// §9.1.9: shifting the anchor moves netbacks one-for-one and leaves discounts and flows
/// unchanged when neither the floor nor the cap binds.
#[test]
fn translation_in_the_anchor() {
    let mut sc = scenario("baseline");
    set(&mut sc, "2025-08-01", "cap.eu_usd", 1e9);
    set(&mut sc, "2025-08-01", "cap.us_usd", 1e9);
    param(&mut sc, "prod_floor", 0.0);
    param(&mut sc, "marginal_cost", 0.0);
    param(&mut sc, "storage_cap", 0.0);
    for path in 0..20 {
        let mut a = PathSim::new(&sc, 11, path);
        for _ in 0..3 {
            a.step_month();
        }
        let mut b = a.clone();
        b.state.chi += 0.1;
        a.step_month();
        b.step_month();
        let (oa, ob) = (&a.work.out, &b.work.out);
        assert!(ob.price > oa.price);
        for i in 0..oa.d.len() {
            assert!(
                (oa.d[i] - ob.d[i]).abs() < 1e-9,
                "D moved: {} vs {}",
                oa.d[i],
                ob.d[i]
            );
            let dp = ob.price - oa.price;
            assert!(((ob.n[i] - oa.n[i]) - dp).abs() < 1e-9);
        }
        for i in 0..oa.m.len() {
            assert!((oa.m[i] - ob.m[i]).abs() < 1e-9);
            assert!((oa.delta[i] - ob.delta[i]).abs() < 1e-9);
        }
    }
}

/// §9.1.10: scaling every volume parameter by κ leaves prices unchanged and scales volumes
/// and money by κ (stances forced).
#[test]
fn scale_invariance() {
    let kappa = 1.7;
    let mut base = scenario("baseline");
    for b in ["IN", "CN"] {
        set(&mut base, "2025-08-01", &format!("stance.{b}.force"), 1.0);
    }
    let mut big = base.clone();
    for r in big.market.routes.iter_mut() {
        r.spec.capacity_mbd *= kappa;
    }
    for b in big.market.basins.iter_mut() {
        b.port_cap_mbd *= kappa;
    }
    for p in big.market.pipelines.iter_mut() {
        p.spec.capacity_mbd = p.spec.capacity_mbd.scaled(kappa);
        p.spec.scheduled_mbd = p.spec.scheduled_mbd.map(|d| d.scaled(kappa));
    }
    for b in big.market.buyers.iter_mut() {
        b.imports_mbd = b.imports_mbd.map(|x| x * kappa);
        b.slate_mbd = b.slate_mbd.map(|d| d.scaled(kappa));
    }
    for name in [
        "demand_base",
        "demand_growth",
        "x_bar",
        "sigma_nu",
        "storage_cap",
        "release_max",
        "opec_spare",
        "opec_response",
        "inv_target",
        "inv_min",
        "inv_max",
        "outage_scale",
    ] {
        let d = big.params.get(name).unwrap();
        big.params.set(name, d.scaled(kappa));
    }
    // γ_a is $/bbl per mb/d of Gulf outage: a volume in the denominator.
    let g = big.params.gamma_a;
    big.params.gamma_a = g.scaled(1.0 / kappa);
    for path in 0..10 {
        let mut a = PathSim::new(&base, 5, path);
        let mut b = PathSim::new(&big, 5, path);
        for _ in 0..12 {
            a.step_month();
            b.step_month();
            let (oa, ob) = (&a.work.out, &b.work.out);
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-6 * (1.0 + x.abs());
            assert!(close(kappa * oa.withheld, ob.withheld), "withheld {} vs {}: {:?} sold {:?} vs {:?}; floor {:?} {:?}; storage {} {}; release {} {}; overflow {} {}; western {} {}; refused {} {}; q {:?} {:?}",
                kappa * oa.withheld, ob.withheld, (a.diag.not_converged, b.diag.not_converged, a.diag.bisections, b.diag.bisections, oa.price, ob.price, oa.d.clone(), ob.d.clone(), oa.x_avail*kappa, ob.x_avail), oa.sold, ob.sold, oa.floor, ob.floor, oa.storage_start*kappa, ob.storage_start, oa.release*kappa, ob.release, oa.port_overflow*kappa, ob.port_overflow, oa.fleet_western*kappa, ob.fleet_western, oa.refused, ob.refused, oa.q, ob.q);
            assert!(
                close(oa.price, ob.price),
                "month {}: price {} vs {}; deliveries {} vs {}; avail {} {}; outage {} {}; fleet {} {}",
                a.month, oa.price, ob.price, oa.deliveries * kappa, ob.deliveries, oa.x_avail * kappa, ob.x_avail,
                oa.outage * kappa, ob.outage, oa.fleet_shadow * kappa, ob.fleet_shadow
            );
            for i in 0..oa.d.len() {
                assert!(close(oa.d[i], ob.d[i]), "D {} vs {}", oa.d[i], ob.d[i]);
            }
            assert!(close(kappa * oa.deliveries, ob.deliveries));
            assert!(close(kappa * oa.revenue_bn, ob.revenue_bn));
            assert!(close(kappa * oa.withheld, ob.withheld));
            for j in 0..oa.bill_bn.len() {
                if oa.bill_bn[j].is_finite() {
                    assert!(close(kappa * oa.bill_bn[j], ob.bill_bn[j]));
                }
                assert!(close(kappa * oa.savings_bn[j], ob.savings_bn[j]));
            }
        }
    }
}

/// §9.1.6: with e = 0 and no refusal hazard, the cap level changes nothing but the cap columns.
/// Against no cap the attestation cost also goes (D184), so that comparison sets it to 0.
#[test]
fn leaky_cap_changes_nothing() {
    let run = |cap: f64, att: Option<f64>| {
        let mut sc = scenario("summit_failure");
        set(&mut sc, "2025-08-01", "cap.enforcement", 0.0);
        if let Some(a) = att {
            set(&mut sc, "2025-08-01", "cap.attestation_usd", a);
        }
        set(&mut sc, "2025-09-03", "cap.eu_usd", cap);
        set(&mut sc, "2025-09-03", "cap.eu_mode", 0.0);
        let mut out = Vec::new();
        for path in 0..20 {
            let mut sim = PathSim::new(&sc, 9, path);
            for _ in 0..12 {
                sim.step_month();
                let o = &sim.work.out;
                out.push((
                    o.price,
                    o.d.clone(),
                    o.m.clone(),
                    o.revenue_bn,
                    o.withheld,
                    o.refused,
                ));
            }
        }
        out
    };
    assert_eq!(run(20.0, None), run(60.0, None));
    assert_eq!(run(60.0, Some(0.0)), run(1e9, Some(0.0)));
}
