//! What arrivals data would show (decision D47): each flow output's `arrivals_<name>_mbd` is
//! its routes' loadings a one-way voyage later (half the round trip, split between two whole
//! months), plus its pipelines' flows; before the first month, the pre-start loadings.

mod common;
use common::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::vars::variables;

#[test]
fn arrivals_are_the_loadings_a_voyage_later() {
    let sc = scenario("summit_failure");
    let mkt = &sc.market;
    let vars = variables(mkt);
    let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
    let at = |n: &str| {
        names
            .iter()
            .position(|x| *x == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    // One per flow output with sea routes, appended after every older variable.
    for n in [
        "arrivals_india_mbd",
        "arrivals_china_sea_mbd",
        "arrivals_turkey_mbd",
        "arrivals_other_mbd",
        "arrivals_china_mbd",
    ] {
        assert!(at(n) > at("espo_designated_tanker_share"), "{n}");
    }
    assert!(!names.contains(&"arrivals_china_pipeline_mbd"));
    let (ai, fi) = (at("arrivals_india_mbd"), at("flow_india_mbd"));
    let india: Vec<usize> = (0..mkt.routes.len())
        .filter(|&r| mkt.buyers[mkt.routes[r].buyer].id == "IN")
        .collect();
    for path in 0..20 {
        let mut sim = PathSim::new(&sc, 42, path);
        let before: Vec<f64> = india.iter().map(|&r| sim.state.m_prev[r]).collect();
        let mut loads: Vec<Vec<f64>> = Vec::new();
        let mut out = vec![0.0; vars.len()];
        for t in 0..12 {
            sim.step_month();
            sim.write_vars(&vars, &mut out);
            loads.push(india.iter().map(|&r| sim.work.out.m[r]).collect());
            let load = |k: usize, i: usize| {
                if k <= t {
                    loads[t - k][i]
                } else {
                    before[i]
                }
            };
            let mut want = 0.0;
            for (i, &r) in india.iter().enumerate() {
                let v = 0.5 * sim.model.route_trip[r];
                let (n, f) = (v.floor() as usize, v - v.floor());
                want += (1.0 - f) * load(n, i) + f * load(n + 1, i);
            }
            assert!((out[ai] - want).abs() < 1e-12, "path {path} month {t}");
            assert!(out[ai].is_finite() && out[fi].is_finite());
        }
    }
}
