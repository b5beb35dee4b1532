//! The world-balance levers (walkthrough 9 finding 1): `supply.opec_adj_mbd` (OPEC+ output
//! beyond what the anchor prices, which also uses spare capacity) and `demand.world_adj_mbd`.
//! Before them, a scheduled non-Russian supply change (the 2025 OPEC+ unwinding) could not be
//! written at all. model.md §4.8 gives the equations.

mod common;

use common::{scenario, set, values_at};
use sanctions_sim::engine::path::PathSim;

const PATHS: u64 = 120;
const SEED: u64 = 17;
const BRENT: &str = "brent_usd_bbl";

fn with(lever: &str, v: f64) -> sanctions_sim::scenario::Scenario {
    let mut sc = scenario("baseline");
    if v != 0.0 {
        set(&mut sc, "2025-09-01", lever, v);
    }
    sc
}

/// Path by path (common random numbers): more OPEC+ output never raises Brent and more world
/// demand never lowers it in the month the change starts. A year on, the paths' feedbacks
/// (storage release, the OPEC+ rule, stances, the cap review) can reorder a single path by a
/// few cents, so there the mean must be monotone.
#[test]
fn brent_is_monotone_in_both_levers() {
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    for (lever, sign) in [("supply.opec_adj_mbd", -1.0), ("demand.world_adj_mbd", 1.0)] {
        for t in [1, 13] {
            let runs: Vec<Vec<f64>> = [-2.0, 0.0, 1.0, 3.0]
                .iter()
                .map(|v| values_at(&with(lever, *v), BRENT, t, SEED, PATHS))
                .collect();
            for w in runs.windows(2) {
                let (a, b) = (mean(&w[0]), mean(&w[1]));
                assert!(
                    sign * (b - a) > 0.0,
                    "{lever}, month {t}: mean {a} then {b}"
                );
                if t > 1 {
                    continue;
                }
                for (p, (a, b)) in w[0].iter().zip(&w[1]).enumerate() {
                    assert!(
                        sign * (b - a) >= -1e-9 * a,
                        "{lever}, month {t}, path {p}: {a} then {b} for a larger change"
                    );
                }
            }
        }
    }
}

/// model.md §4.8's linearisation: a 1 mb/d shortfall raises Brent by about
/// 1/(D̄|ε_d| + S̄ε_s + η_I D̄), ≈ 3.5% at the medians. One mb/d more OPEC+ output must move
/// Brent by the same order, down, in the month it starts (before the slow adjustment and the
/// OPEC+ rule react), and a demand rise by the same amount up.
#[test]
fn one_mbd_moves_brent_by_the_balance_elasticity() {
    let base = values_at(&with("supply.opec_adj_mbd", 0.0), BRENT, 1, SEED, PATHS);
    let mean_log = |other: &[f64]| {
        other
            .iter()
            .zip(&base)
            .map(|(o, b)| (o / b).ln())
            .sum::<f64>()
            / base.len() as f64
    };
    let supply = mean_log(&values_at(
        &with("supply.opec_adj_mbd", 1.0),
        BRENT,
        1,
        SEED,
        PATHS,
    ));
    let demand = mean_log(&values_at(
        &with("demand.world_adj_mbd", 1.0),
        BRENT,
        1,
        SEED,
        PATHS,
    ));
    assert!(
        (-0.07..=-0.015).contains(&supply),
        "1 mb/d of OPEC+ output moved log Brent by {supply}"
    );
    assert!(
        (0.015..=0.07).contains(&demand),
        "1 mb/d of world demand moved log Brent by {demand}"
    );
}

/// Output OPEC+ adds uses its spare capacity (a cut adds to it): the spare in force is the
/// lever less the change, never negative.
#[test]
fn opec_output_draws_on_spare_capacity() {
    for (adj, spare, expect) in [(2.0, 3.0, 1.0), (4.0, 3.0, 0.0), (-1.5, 3.0, 4.5)] {
        let mut sc = with("supply.opec_adj_mbd", adj);
        set(&mut sc, "2025-09-01", "supply.opec_spare_mbd", spare);
        let mut sim = PathSim::new(&sc, SEED, 0);
        sim.step_month();
        sim.step_month();
        let got = sim.work.out.opec_spare;
        assert!(
            (got - expect).abs() < 1e-12,
            "adj {adj}, spare {spare}: {got} in force"
        );
    }
}

/// Unset, the levers leave every number as it was: the balance shift is exactly +0.
#[test]
fn unset_levers_change_nothing() {
    let a = values_at(&scenario("baseline"), BRENT, 5, SEED, 20);
    let mut sc = scenario("baseline");
    set(&mut sc, "2025-09-01", "supply.opec_adj_mbd", 0.0);
    set(&mut sc, "2025-09-01", "demand.world_adj_mbd", 0.0);
    let b = values_at(&sc, BRENT, 5, SEED, 20);
    assert_eq!(a, b);
}
