//! `sensitivity`'s shock inputs (D215, walkthrough 6): the path's own Brent shocks, ranked
//! beside the drawn inputs so that a money target's ranking no longer leaves most of its
//! variance unexplained.
//!
//! - `State::xi_shock` is exactly the shock part of ξ: ξ less the path it follows with every
//!   shock zero, on any path and month;
//! - the two shock inputs are listed with kind `shock`, never swung, and on Brent itself they
//!   raise the rank R² from a small share to most of the variance, with the long-term shock
//!   ranked first and a positive sign.

mod common;

use common::scenario;
use sanctions_sim::analysis::sensitivity::inputs::Source;
use sanctions_sim::analysis::sensitivity::{ranking, sensitivity, Horizon, SensOptions};
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::market::model::DT;

#[test]
fn xi_shock_is_xi_less_its_shock_free_path() {
    let sc = scenario("summit_failure");
    for path in 0..20 {
        let mut sim = PathSim::new(&sc, 7, path);
        let p = sim.model.p.clone();
        let lr = p.p_long_run.max(1e-6).ln();
        let mut free = sim.state.xi - sim.state.xi_shock;
        for month in 0..36 {
            sim.step_month();
            free += (p.mu_xi - p.kappa_xi * (free - lr)) * DT;
            let got = sim.state.xi - sim.state.xi_shock;
            assert!(
                (got - free).abs() <= 1e-9 * (1.0 + free.abs()),
                "path {path} month {month}: ξ − ξ_shock = {got}, shock-free ξ = {free}"
            );
        }
    }
}

#[test]
fn shock_inputs_rank_brent_and_are_never_swung() {
    let sc = scenario("summit_failure");
    let mut o = SensOptions::new(&sc, "brent_usd_bbl");
    o.paths = 600;
    o.months = 12;
    o.swing_paths = 32;
    o.swing_top = 200;
    o.horizon = Horizon::Cumulative;
    let r = sensitivity(&sc, &o, &|_, _| {}).unwrap();
    let shocks: Vec<usize> = (0..r.inputs.len())
        .filter(|&i| matches!(r.inputs[i].source, Source::Shock(_)))
        .collect();
    let names: Vec<&str> = shocks.iter().map(|&i| r.inputs[i].name.as_str()).collect();
    assert_eq!(names, ["shock.brent_short", "shock.brent_long"]);
    for &i in &shocks {
        assert_eq!(r.inputs[i].kind, "shock");
        assert!(r.swings[i].is_none(), "{} is swung", r.inputs[i].name);
    }
    // Brent over a year is mostly its own shocks: without them the drawn inputs explain
    // little (about a tenth), with them most of the ranks.
    assert!(r.fit.r2 > 0.6, "rank R² {}", r.fit.r2);
    let first = ranking(&r.fit)[0];
    assert!(
        matches!(r.inputs[first].source, Source::Shock(_)),
        "first input {}",
        r.inputs[first].name
    );
    for &i in &shocks {
        assert!(r.fit.inputs[i].srrc > 0.0, "{}", r.inputs[i].name);
    }
}
