//! Coarse calibration (calibration.md §2): coordinate search over the parameters that section
//! marks for fitting, each on a grid inside its prior, minimising the squared standardised
//! misses of the medians of the observed targets of B1–B4 (data up to 2025-07): the 2022–23
//! episode (B1, B2: T_adapt, h_ψ, ω_cap, the freight gain α_f), the 2024 steady state (B3: the
//! F0 share) and the 2025-01-10 episode (B4: μ^int, Δh^SDN, h_L). Each failing target costs 2
//! more and a failing B3 target 10, so the fit cannot buy an episode with the 2024 steady
//! state. Every evaluation reruns all backtest runs with the same seed (common random
//! numbers), so the objective is a deterministic function of the parameters.

use super::targets::{evaluate, Check, Row};
use super::BacktestError;
use crate::dist::Dist;
use crate::scenario::Scenario;

/// Parameters fitted and their grids (inside the §7 priors of src/market/params.rs).
pub const GRID: &[(&str, &[f64])] = &[
    ("dh_sdn", &[0.0, 1.5, 3.0, 5.0, 8.0]),
    ("mu_int", &[0.0, 4.0, 7.5, 12.0, 16.0, 20.0]),
    ("h_laundering", &[0.5, 1.0, 2.0, 4.0, 6.0]),
    ("alpha_f", &[0.8, 1.5, 2.2, 3.0]),
    ("fleet_share_2024", &[0.55, 0.6, 0.65, 0.7, 0.75]),
    ("omega_cap", &[0.0, 0.25, 0.5, 0.6, 0.75, 0.9, 1.0]),
    ("h_margin", &[3.0, 4.5, 6.0, 9.0, 12.0]),
    ("t_adapt", &[2.0, 3.0, 4.0, 6.0, 8.0]),
];

/// Squared standardised miss of one target's median (0 inside the tolerance's centre for
/// `Near`, 0 inside the interval for `Range`).
pub fn miss(r: &Row) -> f64 {
    let z = match (r.check, r.observed) {
        (Check::Near(t), Some(o)) => (r.p50 - o) / t.max(1e-9),
        (Check::Range { lo, hi, .. }, _) => {
            let scale = if lo.is_finite() && hi.is_finite() {
                (hi - lo).max(1e-9)
            } else {
                lo.abs().max(hi.abs()).clamp(1.0, f64::MAX)
            };
            if r.p50 < lo {
                (lo - r.p50) / scale
            } else if r.p50 > hi {
                (r.p50 - hi) / scale
            } else {
                0.0
            }
        }
        _ => 0.0,
    };
    if z.is_finite() {
        z * z
    } else {
        1e6
    }
}

/// Objective: Σ miss over B1–B4, plus 2 per failing target and 10 more per failing B3 target.
pub fn objective(rows: &[Row]) -> f64 {
    rows.iter()
        .filter(|r| {
            ["B1", "B2", "B3", "B4"]
                .iter()
                .any(|b| r.target.starts_with(b))
        })
        .map(|r| {
            let fail = match (r.pass, r.target.starts_with("B3")) {
                (true, _) => 0.0,
                (false, false) => 2.0,
                (false, true) => 12.0,
            };
            miss(r) + fail
        })
        .sum()
}

/// The fitted value as a distribution: triangular between the neighbouring grid values, the
/// resolution of a grid search, so a fitted parameter keeps an honest spread (errata 17: the
/// fit moves the mode) instead of collapsing the replays' bands onto one value.
pub fn grid_dist(grid: &[f64], i: usize) -> Dist {
    let lo = grid[i.saturating_sub(1)];
    let hi = grid[(i + 1).min(grid.len() - 1)];
    Dist::tri(lo, grid[i], hi)
}

fn apply(scenarios: &mut [Scenario], name: &str, d: Dist) {
    for sc in scenarios.iter_mut() {
        sc.params.set(name, d);
    }
}

/// One evaluation of the objective at the scenarios' current parameters.
pub fn eval(
    scenarios: &[Scenario],
    paths: usize,
    seed: u64,
) -> Result<(f64, Vec<Row>), BacktestError> {
    let runs = super::simulate(scenarios, paths, seed);
    let rows = evaluate(&runs)?;
    Ok((objective(&rows), rows))
}

/// Result of [`fit`].
pub struct Fit {
    pub start: f64,
    pub best: f64,
    pub values: Vec<(String, Dist)>,
    pub evaluations: usize,
}

/// Coordinate search, `sweeps` passes over [`GRID`], starting from the priors. A parameter is
/// fixed at a grid value only when that lowers the objective; otherwise it keeps its prior.
pub fn fit(
    scenarios: &mut [Scenario],
    paths: usize,
    seed: u64,
    sweeps: usize,
    log: &mut dyn FnMut(&str),
) -> Result<Fit, BacktestError> {
    let (start, _) = eval(scenarios, paths, seed)?;
    let mut best = start;
    let mut chosen: Vec<Option<usize>> = vec![None; GRID.len()];
    let mut n = 1;
    for sweep in 0..sweeps {
        for (k, (name, grid)) in GRID.iter().enumerate() {
            for (i, &v) in grid.iter().enumerate() {
                if chosen[k] == Some(i) {
                    continue;
                }
                let prior = chosen[k];
                apply(scenarios, name, grid_dist(grid, i));
                let (f, _) = eval(scenarios, paths, seed)?;
                n += 1;
                if f < best - 1e-9 {
                    best = f;
                    chosen[k] = Some(i);
                    log(&format!("sweep {sweep}: {name} = {v} -> objective {f:.3}"));
                } else {
                    match prior {
                        Some(p) => apply(scenarios, name, grid_dist(grid, p)),
                        None => {
                            let d = crate::market::params::ParamSpec::default().get(name);
                            for sc in scenarios.iter_mut() {
                                // Back to the prior of the chain (the scenarios set none of these).
                                if let Some(d) = d {
                                    sc.params.set(name, d);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    let values = GRID
        .iter()
        .zip(&chosen)
        .filter_map(|((name, grid), c)| c.map(|i| (name.to_string(), grid_dist(grid, i))))
        .collect();
    Ok(Fit {
        start,
        best,
        values,
        evaluations: n,
    })
}

#[cfg(test)]
mod range_tests {
    /// Every value the calibration may choose is a value a scenario may write (D142).
    #[test]
    fn calibration_grids_lie_inside_the_parameter_ranges() {
        for (name, grid) in super::GRID {
            for &v in grid.iter() {
                let r = crate::market::param_ranges::range_of(name);
                assert!(r.admits(v, v), "{name} = {v}");
            }
        }
    }
}
