//! Reference values with tolerances for the model's root finders and the logistic. Closed
//! forms where they exist (one route: D = h − k + σ·logit(x/M)); otherwise values from an
//! independent bisection to 1e-14 (written out here, computed outside the crate).

use super::{close, path};
use crate::market::clearing::{logistic, route_flow, solve_basin, BasinStatus};
use crate::market::step::step;

#[test]
fn logistic_reference_values() {
    let e40 = (-40f64).exp();
    // (z, Λ(z)); |z| is clamped to 40, so ±100 give the values at ±40.
    let table = [
        (0.0, 0.5),
        (3f64.ln(), 0.75),
        (-(3f64.ln()), 0.25),
        (1.0, 0.731_058_578_630_004_9),
        (-1.0, 0.268_941_421_369_995_1),
        (40.0, 1.0 / (1.0 + e40)),
        (100.0, 1.0 / (1.0 + e40)),
        (-40.0, e40 / (1.0 + e40)),
        (-100.0, e40 / (1.0 + e40)),
    ];
    for (z, want) in table {
        close(logistic(z), want, 1e-16, &format!("Λ({z})"));
    }
    // Symmetry Λ(−z) = 1 − Λ(z) wherever 1 − Λ is representable.
    for z in [0.1, 0.5, 2.0, 7.5, 20.0] {
        close(logistic(-z), 1.0 - logistic(z), 1e-15, &format!("Λ(−{z})"));
    }
}

#[test]
fn route_flow_reference_values() {
    // (M, h, σ, k, D) → (m, dm/dD) = (M Λ(z), M Λ(1 − Λ)/σ), z = (D + k − h)/σ.
    let l3 = 3f64.ln();
    let table = [
        ((2.0, 5.0, 2.0, -3.0, 8.0), (1.0, 0.25)),
        ((2.0, 5.0, 2.0, -3.0, 8.0 + 2.0 * l3), (1.5, 0.1875)),
        ((2.0, 5.0, 2.0, -3.0, 8.0 - 2.0 * l3), (0.5, 0.1875)),
        ((4.0, 0.0, 1.0, 0.0, 0.0), (2.0, 1.0)),
        ((0.0, 5.0, 2.0, -3.0, 8.0), (0.0, 0.0)),
    ];
    for ((cap, h, s, k, d), (m, dm)) in table {
        let (got_m, got_dm) = route_flow(cap, h, s, k, d);
        let what = format!("route_flow({cap}, {h}, {s}, {k}, {d})");
        close(got_m, m, 1e-14, &what);
        close(got_dm, dm, 1e-14, &what);
    }
}

#[test]
fn basin_root_reference_values() {
    let l3 = 3f64.ln();
    // (routes (M, h, σ, k), volume x) → discount D with Σ M Λ((D + k − h)/σ) = x.
    type Case = (&'static [(f64, f64, f64, f64)], f64, f64);
    let one: &[(f64, f64, f64, f64)] = &[(2.0, 5.0, 2.0, -3.0)];
    let twin: &[(f64, f64, f64, f64)] = &[(1.0, 5.0, 2.0, -3.0), (1.0, 5.0, 2.0, -3.0)];
    let two: &[(f64, f64, f64, f64)] = &[(2.5, 5.0, 2.0, -3.5), (2.0, 5.0, 2.0, -4.5)];
    let table: [Case; 8] = [
        (one, 1.0, 8.0),
        (one, 1.5, 8.0 + 2.0 * l3),
        (one, 0.5, 8.0 - 2.0 * l3),
        (one, 1.999, 8.0 + 2.0 * 1999f64.ln()),
        (twin, 1.5, 8.0 + 2.0 * l3),
        (two, 0.5, 4.738_220_587_894_284_5),
        (two, 3.0, 10.350_998_369_553_153),
        (two, 4.4, 16.572_273_496_433_297),
    ];
    for (routes, x, want) in table {
        let col =
            |i: usize| -> Vec<f64> { routes.iter().map(|r| [r.0, r.1, r.2, r.3][i]).collect() };
        for warm in [0.0, want + 30.0, want - 30.0] {
            let r = solve_basin(&col(0), &col(1), &col(2), &col(3), x, warm);
            let what = format!("basin {routes:?} at x = {x}, warm start {warm}");
            assert!(r.converged, "{what}: not converged");
            assert_eq!(r.status, BasinStatus::Cleared, "{what}");
            // The solver's tolerance is 1e-7 mb/d on G; the slope here is ≥ 0.0005 mb/d per $.
            close(r.d, want, 2e-4, &what);
        }
    }
    // Edge cases (errata N12 and 15): nothing to sell, more than every route can take.
    let r = solve_basin(&[2.0], &[5.0], &[2.0], &[-3.0], 0.0, 0.0);
    assert_eq!(r.status, BasinStatus::Empty);
    let r = solve_basin(&[2.0], &[5.0], &[2.0], &[-3.0], 2.5, 0.0);
    assert_eq!(r.status, BasinStatus::Saturated);
}

/// The world balance E(g) of model.md §4.8 with deliveries `v` fixed, written out again
/// here, and its root g by bisection: the reference for the Brent root.
fn world_balance_root(
    p: &crate::market::params::Params,
    month: i32,
    v_ref: f64,
    v: f64,
    j: f64,
) -> f64 {
    let dbar = p.demand_base
        + p.demand_growth
            * f64::from(month - crate::policy::calendar::month_idx("2024-01").unwrap())
            / 12.0;
    // Inventories at their target: both gates are 1; α^D = α^S = 0; no OPEC+ response.
    let e = |g: f64| {
        dbar * (p.eps_d * g).exp() - (dbar - v_ref) * (p.eps_s * g).exp() - p.eta_i * dbar * g - v
            + j
    };
    let (mut lo, mut hi) = (-5.0, 5.0);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if e(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

#[test]
fn brent_root_matches_the_world_balance() {
    // (χ₀, Russian export adjustment, outage class arriving) over a hand-built month.
    let table = [
        (0.0, 0.0, None),
        (0.3, 0.0, None),
        (-0.2, 0.0, None),
        (0.0, -1.0, None),
        (0.1, 0.0, Some(1)),
        (0.0, 0.0, Some(2)),
    ];
    for (chi, adj, outage) in table {
        let mut t = path();
        t.st.chi = chi;
        t.lv.set(t.ids.supply_russia_exports_adj, adj);
        if let Some(c) = outage {
            t.sh.u_outage[c] = [0.0, 0.5, 1.0, 1.0];
        }
        let diag = step(
            &t.m,
            &mut t.st,
            &t.lv,
            &t.ids,
            &[],
            &[],
            &t.sh,
            t.ctx,
            &mut t.w,
        );
        let o = &t.w.out;
        let what = format!("χ₀ = {chi}, adj = {adj}, outage class {outage:?}");
        assert!(!diag.brent_clamped, "{what}: clamped");
        assert!(o.floor_bound.iter().all(|b| !b), "{what}: the floor binds");
        let v = o.sold.iter().sum::<f64>() + o.q.iter().sum::<f64>();
        let g = world_balance_root(&t.m.p, t.ctx.month, t.m.v_ref, v, o.outage);
        let x = o.price.ln();
        let a = o.anchor_price.ln();
        // |E| < 1e-6 mb/d at the root; E's slope is ≈ 25 mb/d per log unit.
        close(x - a, g, 1e-7, &what);
        if outage.is_none() && adj == 0.0 {
            assert!(o.outage == 0.0);
        }
    }
}
