//! The three model changes behind the 2022–23 replay (docs/decisions.md D32–D34): storage as
//! a carry trade on Brent, a seller-chain wave confined to one basin, and freight as §4.2.4
//! writes it with rates that ease slowly. Each test fails under the rule it replaced.

mod common;
use common::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::scenario::Scenario;

const W_WAVE: &str = r#"
[[event]]
date = "2025-09-01"
lever = "sdn.wave"
value = { add_share = 0.6, wind_down_months = 1, basins = ["W"] }
"#;

/// Both scenarios with a production floor of $5, so that a deep discount never makes Russia
/// refuse the capped tranche (which withholds for another reason, and cuts every basin's
/// deliverable volume because the fleet is shared).
fn low_prod_floor(mut sc: Scenario) -> Scenario {
    param(&mut sc, "prod_floor", 5.0);
    param(&mut sc, "marginal_cost", 5.0);
    sc
}

/// D32: a sanctions shock that widens the Urals discount by ≈ $10 at an unchanged Brent is
/// expected to persist, so it is no reason to store (the netback-EMA floor of D31 stored it);
/// Brent 40% below its average is.
#[test]
fn d32_storage_answers_brent_dips_not_discount_jumps() {
    let sc = low_prod_floor(load_body(W_WAVE).unwrap());
    let base = low_prod_floor(scenario("baseline"));
    let w = sc.market.basins.iter().position(|b| b.id == "W").unwrap();
    let mut jumps = 0;
    for path in 0..40 {
        let (mut a, mut b) = (PathSim::new(&sc, 5, path), PathSim::new(&base, 5, path));
        a.step_month();
        b.step_month();
        a.step_month();
        b.step_month();
        let (oa, ob) = (&a.work.out, &b.work.out);
        if oa.d[w] > ob.d[w] + 5.0 {
            jumps += 1;
        }
        // Whatever a Brent dip stores on this path, the wave adds nothing.
        assert!(
            oa.withheld <= ob.withheld + 1e-9,
            "path {path}: withheld {} against {} without the wave",
            oa.withheld,
            ob.withheld
        );
    }
    assert!(
        jumps >= 30,
        "the wave widened D_W by > $5 on only {jumps} of 40 paths"
    );
    // The same month with Brent's average 1/0.6 of today's price: storing pays.
    let mut stored = 0;
    for path in 0..40 {
        let mut sim = PathSim::new(&base, 5, path);
        sim.step_month();
        sim.state.pbar = sim.state.p_prev / 0.6;
        sim.step_month();
        if sim.work.out.withheld > 0.1 {
            stored += 1;
        }
        assert!(sim.work.out.floor[w] > sim.model.prod_floor);
    }
    assert!(
        stored >= 30,
        "Brent 40% below its average stored on {stored} of 40 paths"
    );
}

/// D33: a wave on W raises the Urals discount and leaves ESPO untouched in its month (the E
/// basin's clearing is Brent-independent, and its share, margin intensity ψ and capacities did
/// not move), when no refinery slate couples the basins. Δh^SDN = 0 because the wave resets every buyer's adaptation A_j, which scales the
/// buyer wedge of the market-wide 2025 share on E routes too.
#[test]
fn d33_wave_on_one_basin_leaves_the_other_alone() {
    let mut sc = low_prod_floor(load_body(W_WAVE).unwrap());
    let mut base = low_prod_floor(scenario("baseline"));
    param(&mut sc, "dh_sdn", 0.0);
    param(&mut base, "dh_sdn", 0.0);
    let w = sc.market.basins.iter().position(|b| b.id == "W").unwrap();
    let e = sc.market.basins.iter().position(|b| b.id == "E").unwrap();
    for path in 0..20 {
        let (mut a, mut b) = (PathSim::new(&sc, 9, path), PathSim::new(&base, 9, path));
        // A binding refinery slate couples the basins through China's and India's grade mix
        // (D39, tests/slate.rs); without slates the basins are separate.
        a.model.buyer_slate.fill(f64::INFINITY);
        b.model.buyer_slate.fill(f64::INFINITY);
        for _ in 0..2 {
            assert!(step_checked(&mut a).is_empty());
            b.step_month();
        }
        let (oa, ob) = (&a.work.out, &b.work.out);
        assert!(oa.d[w] > ob.d[w] + 1.0, "D_W {} vs {}", oa.d[w], ob.d[w]);
        assert!(
            (oa.d[e] - ob.d[e]).abs() < 1e-9,
            "D_E {} vs {}",
            oa.d[e],
            ob.d[e]
        );
        assert!((a.work.w[w] - b.work.w[w]) > 1.0);
        assert_eq!(a.work.w[e], b.work.w[e]);
    }
}

#[test]
fn d33_basins_errors_name_the_key_and_the_basins() {
    let ok = load_body(W_WAVE).unwrap();
    let shown = sanctions_sim::cli::explain::render(&ok);
    assert!(shown.contains(r#"basins = ["W"]"#), "{shown}");
    let e = load_body(&W_WAVE.replace(r#"["W"]"#, r#"["W", "X"]"#)).unwrap_err();
    assert!(e.contains("`X` is not a basin of the market"), "{e}");
    assert!(e.contains(r#""W", "E""#), "{e}");
    assert!(e.contains("value.basins"), "{e}");
    let e = load_body(&W_WAVE.replace(r#"["W"]"#, r#"["w"]"#)).unwrap_err();
    assert!(e.contains(r#"did you mean "W"?"#), "{e}");
    let e = load_body(&W_WAVE.replace(r#"["W"]"#, "[1]")).unwrap_err();
    assert!(e.contains("lists basin names, got"), "{e}");
    let e = load_body(&W_WAVE.replace(r#"["W"]"#, "[]")).unwrap_err();
    assert!(e.contains("is empty"), "{e}");
    let e = load_body(&W_WAVE.replace(r#"["W"]"#, r#""W""#)).unwrap_err();
    assert!(e.contains("must be a list of basin names"), "{e}");
    let e = load_body(&W_WAVE.replace(r#"["W"]"#, r#"["W", "W"]"#)).unwrap_err();
    assert!(e.contains("listed twice"), "{e}");
}

/// D34: at full tightness freight is 1 + α_f times its base (§4.2.4 as written; the D5 slope
/// gave at most 1 + 0.15·α_f before the fleet runs short), a rise in tightness passes at once
/// and a fall only by `freight_speed` per month.
#[test]
fn d34_freight_rises_at_once_and_eases_slowly() {
    let mut sc = scenario("baseline");
    param(&mut sc, "alpha_f", 2.0);
    param(&mut sc, "freight_speed", 0.5);
    param(&mut sc, "sigma_f", 0.0);
    let mut sim = PathSim::new(&sc, 1, 0);
    sim.step_month();
    let u_star = sim.model.p.u_star;
    let route = (0..sim.model.route_basin.len())
        .find(|&r| sim.model.route_freight0[r] > 1.0)
        .unwrap();
    let f_at = |sim: &mut PathSim, u: f64| {
        sim.state.u_prev = u;
        sim.state.zf = 0.0;
        sim.step_month();
        sim.work.freight[route]
    };
    let base = f_at(&mut sim, u_star);
    let full = f_at(&mut sim, 1.2);
    assert!(
        (full / base - 3.0).abs() < 1e-9,
        "full tightness gives {}x",
        full / base
    );
    // The month after: the fleet's own tightness is back near u*, freight eases half way.
    let u_now = sim.work.out.tightness;
    assert!(u_now < 1.0);
    assert!((sim.state.u_prev - (1.2 + 0.5 * (u_now - 1.2))).abs() < 1e-12);
    let mut up = PathSim::new(&sc, 1, 0);
    up.step_month();
    up.state.u_prev = 0.3;
    up.step_month();
    assert_eq!(
        up.state.u_prev, up.work.out.tightness,
        "a rise passes at once"
    );
}
