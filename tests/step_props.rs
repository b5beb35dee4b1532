//! Property tests over the monthly step at the edges: every uncertain parameter of
//! `src/market/params.rs` pinned anywhere in its prior's support (ends included, far tails
//! of unbounded priors), together with extreme but valid lever settings (a $0 cap, every
//! buyer halted, no storage, no pipelines, exports cut to nothing). `tests/invariants.rs`
//! covers the interior of the lever ranges with the priors as drawn.
//!
//! Each path must give finite outputs, satisfy every model.md §9.1 identity each month
//! (`market::invariants::check`), and solve every root within the 200-iteration budget;
//! where Newton fails the solver bisects and counts it.

mod common;
use common::*;
use proptest::prelude::*;
use sanctions_sim::dist::Dist;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::vars::variables;
use sanctions_sim::market::clearing::safeguarded_root;
use sanctions_sim::market::params::ParamSpec;
use sanctions_sim::scenario::Scenario;

/// The solvers' iteration budget (`safeguarded_root(.., 200)` in clearing.rs and brent.rs).
const BUDGET: u64 = 200;

const SCENARIOS: [&str; 3] = ["baseline", "china_sanctions", "summit_uncertain"];

/// A point of `d`'s support at position `u` in [0, 1]: linear over a bounded support,
/// through the quantile function (0.01%–99.99%) where it is unbounded.
fn in_support(d: &Dist, u: f64) -> f64 {
    let (lo, hi) = d.support();
    if lo.is_finite() && hi.is_finite() {
        lo + u * (hi - lo)
    } else {
        d.quantile(u.clamp(1e-4, 1.0 - 1e-4))
    }
}

/// Pins every uncertain parameter to a point of its support. Returns what was set, for
/// the failure message.
fn pin_params(sc: &mut Scenario, us: &[f64]) -> Vec<(&'static str, f64)> {
    let mut set = Vec::new();
    for (name, u) in ParamSpec::NAMES.iter().zip(us.iter().cycle()) {
        let d = sc.params.get(name).unwrap();
        if d.is_const() {
            continue;
        }
        let v = in_support(&d, *u);
        param(sc, name, v);
        set.push((*name, v));
    }
    set
}

/// A support position that hits both ends often.
fn position() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0), 0.0f64..=1.0]
}

#[derive(Debug, Clone)]
struct Extremes {
    cap_zero: bool,
    all_halted: bool,
    no_buyers: bool,
    no_storage: bool,
    no_pipelines: bool,
    no_exports: bool,
    full_sanctions: bool,
    freight_max: bool,
    relief: bool,
}

fn extremes() -> impl Strategy<Value = Extremes> {
    proptest::collection::vec(any::<bool>(), 9).prop_map(|b| Extremes {
        cap_zero: b[0],
        all_halted: b[1],
        no_buyers: b[2],
        no_storage: b[3],
        no_pipelines: b[4],
        no_exports: b[5],
        full_sanctions: b[6],
        freight_max: b[7],
        relief: b[8],
    })
}

fn apply(sc: &mut Scenario, x: &Extremes) {
    let d = "2025-08-01";
    let buyers: Vec<String> = sc.market.buyers.iter().map(|b| b.id.clone()).collect();
    let pipes: Vec<String> = sc
        .market
        .pipelines
        .iter()
        .map(|p| p.spec.id.clone())
        .collect();
    if x.cap_zero {
        set(sc, d, "cap.eu_usd", 0.0);
        set(sc, d, "cap.us_usd", 0.0);
        set(sc, d, "cap.enforcement", 1.0);
        set(sc, d, "cap.refusal_prob", 1.0);
        set(sc, d, "cap.services_ban", 1.0);
    }
    for b in &buyers {
        if x.all_halted {
            // `stance.<buyer>.force` variants are auto, buy, halt (levers.rs STANCE_FORCES).
            set(sc, d, &format!("stance.{b}.force"), 2.0);
        }
        if x.no_buyers {
            set(sc, d, &format!("buyer.{b}.capacity_scale"), 0.0);
        }
        if x.full_sanctions {
            set(sc, d, &format!("tariff.{b}.rate"), 5.0);
            set(sc, d, &format!("secondary.{b}.capacity_cut"), 1.0);
        }
    }
    if x.full_sanctions {
        set(sc, d, "sdn.share", 1.0);
    }
    if x.no_storage {
        param(sc, "storage_cap", 0.0);
    }
    if x.no_pipelines {
        for p in &pipes {
            set(sc, d, &format!("pipeline.{p}.availability"), 0.0);
        }
    }
    if x.no_exports {
        set(sc, d, "supply.russia_exports_adj", -10.0);
    }
    if x.freight_max {
        for b in ["W", "E"] {
            set(sc, d, &format!("freight.{b}.scale"), 5.0);
        }
    }
    if x.relief {
        set(sc, d, "relief.active", 1.0);
    }
}

/// Runs `months` checked months and returns the first problem found, or the last month's
/// seaborne sales, pipeline flows, and withheld plus shut-in volume (mb/d).
fn run_checked(
    sc: &Scenario,
    seed: u64,
    path: u64,
    months: usize,
) -> Result<(f64, f64, f64), String> {
    let vars = variables(&sc.market);
    let mut out = vec![0.0; vars.len()];
    let mut sim = PathSim::new(sc, seed, path);
    for _ in 0..months {
        let bad = step_checked(&mut sim);
        if !bad.is_empty() {
            return Err(format!("month {}: {bad:?}", sim.month - 1));
        }
        sim.write_vars(&vars, &mut out);
        if let Some((v, x)) = vars
            .iter()
            .zip(&out)
            .find(|(v, x)| !x.is_finite() && !v.unit.is_empty())
        {
            return Err(format!("month {}: {} = {x}", sim.month - 1, v.name));
        }
        let o = &sim.work.out;
        let state = [o.price, o.revenue_bn, o.storage_end, o.inventories];
        if state.iter().any(|x| !x.is_finite()) {
            return Err(format!(
                "month {}: non-finite state {state:?}",
                sim.month - 1
            ));
        }
    }
    let d = sim.diag;
    if d.not_converged > 0 {
        return Err(format!("{} roots did not converge: {d:?}", d.not_converged));
    }
    if d.max_basin_iters > BUDGET || d.max_brent_iters > BUDGET {
        return Err(format!("iteration budget exceeded: {d:?}"));
    }
    if d.nonfinite > 0 {
        return Err(format!("non-finite outputs counted: {d:?}"));
    }
    let o = &sim.work.out;
    Ok((
        o.sold.iter().sum(),
        o.q.iter().sum(),
        o.withheld + o.shutin_end,
    ))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn parameters_across_their_supports(
        which in 0usize..3,
        seed in 0u64..1_000_000,
        path in 0u64..10_000,
        us in proptest::collection::vec(position(), ParamSpec::NAMES.len()),
        kappa_xi in prop_oneof![Just(0.0), Just(0.21)],
    ) {
        let mut sc = scenario(SCENARIOS[which]);
        let pinned = pin_params(&mut sc, &us);
        // kappa_xi's documented option (params.rs: "option 0.21").
        param(&mut sc, "kappa_xi", kappa_xi);
        let r = run_checked(&sc, seed, path, 24);
        prop_assert!(r.is_ok(), "{}\nparameters: {:?}", r.unwrap_err(), pinned);
    }

    #[test]
    fn extreme_levers_with_extreme_parameters(
        which in 0usize..3,
        seed in 0u64..1_000_000,
        x in extremes(),
        us in proptest::collection::vec(position(), ParamSpec::NAMES.len()),
    ) {
        let mut sc = scenario(SCENARIOS[which]);
        let pinned = pin_params(&mut sc, &us);
        apply(&mut sc, &x);
        let r = run_checked(&sc, seed, 0, 24);
        prop_assert!(r.is_ok(), "{}\nlevers: {x:?}\nparameters: {pinned:?}", r.unwrap_err());
    }

    /// The fallback itself: monotone functions whose reported derivative is wrong, zero or
    /// NaN, so Newton steps leave the bracket or stall. The root is still found within the
    /// budget, and the bisection steps taken are counted.
    #[test]
    fn root_falls_back_to_bisection_and_counts_it(
        r in -5.0f64..5.0,
        k in 0.01f64..100.0,
        lie in 0usize..4,
        x0 in -20.0f64..20.0,
    ) {
        let f = |x: f64| {
            let g = k * (x - r).powi(3) + 1e-3 * (x - r);
            let dg = match lie {
                0 => 3.0 * k * (x - r).powi(2) + 1e-3, // honest
                1 => 0.0,
                2 => f64::NAN,
                _ => -1e-6, // wrong sign: every Newton step leaves the bracket
            };
            (g, dg)
        };
        let root = safeguarded_root(f, -10.0, 10.0, x0, 1e-10, true, BUDGET as u32);
        prop_assert!(root.converged, "{root:?}");
        prop_assert!(root.iters as u64 <= BUDGET);
        prop_assert!((f(root.x).0).abs() < 1e-9, "{root:?}");
        if lie > 0 {
            prop_assert!(root.bisections > 0, "{root:?}");
        }
        prop_assert!(root.bisections <= root.iters);
    }
}

/// Every extreme at once, on every shipped scenario with trees and without, for a long
/// horizon: the combination a random subset above reaches only rarely.
#[test]
fn all_extremes_at_once_for_ten_years() {
    let all = Extremes {
        cap_zero: true,
        all_halted: true,
        no_buyers: true,
        no_storage: true,
        no_pipelines: true,
        no_exports: false,
        full_sanctions: true,
        freight_max: true,
        relief: false,
    };
    for name in SCENARIOS {
        let mut sc = scenario(name);
        apply(&mut sc, &all);
        let (sold, piped, withheld) =
            run_checked(&sc, 7, 3, 120).unwrap_or_else(|e| panic!("{name}: {e}"));
        // No buyer takes anything and the pipelines are shut: every barrel is withheld,
        // and by now shut in.
        assert!(
            sold.abs() < 1e-9 && piped.abs() < 1e-9,
            "{name}: {sold} {piped}"
        );
        assert!(withheld > 1.0, "{name}: withheld and shut in {withheld}");
    }
}
