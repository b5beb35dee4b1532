//! `run --precision REL [--max-paths M]`: add paths in deterministic batches until the
//! median of every key variable is known to a relative Monte Carlo standard error below
//! `REL` in every month, or `M` paths are reached. See docs/scaling.md.
//!
//! Batches double the path count, starting from the scenario's (or `--paths`) rounded up to
//! whole chunk groups of [`GROUP_PATHS`], capped at `M`. Every batch but a capped last one
//! ends on a group boundary, so the accumulated state is exactly that of a plain run with the
//! same total: the result equals `run --paths <paths used>` byte for byte. When the total
//! outgrows the exact-quantile budget the accumulator is converted to the sketch, which then
//! holds exactly the counts a plain sketch-mode run has.

// The report type lives with `RunResult` (which carries it), so that this module depends on
// the run loop and not the other way round.
pub use super::run::PrecisionReport;
use super::run::{
    check_shape, pool, simulate_chunks, Accum, RunError, RunOptions, RunResult, CHUNK_PATHS,
    GROUP_PATHS,
};
use super::stats::{choose_mode, Summary, SummaryMode};
use super::vars::{variables, Var};
use crate::scenario::Scenario;
use std::time::Instant;

/// The rule, as recorded in manifest.json.
pub const RULE: &str = "mc_se_p50 / max(|p50|, 0.05 * (p95 - p05)) < target for every key \
                        variable in every month; batches double the paths";

/// Variables whose medians must be precise: Brent, Russian crude exports and export revenue,
/// and every basin's discount (`*_discount_usd_bbl`).
pub fn key_variables(vars: &[Var]) -> Vec<usize> {
    vars.iter()
        .enumerate()
        .filter(|(_, v)| {
            matches!(
                v.name.as_str(),
                "brent_usd_bbl" | "russia_crude_exports_mbd" | "russia_export_revenue_usd_bn"
            ) || v.name.ends_with("_discount_usd_bbl")
        })
        .map(|(i, _)| i)
        .collect()
}

/// Relative standard error of a cell's median. Near zero a relative error means nothing, so
/// the scale is the larger of `|p50|` and 5 % of the 90 % band `p95 − p05`; a cell with no
/// spread and a zero median counts as precise (0), one without finite values as infinitely
/// imprecise.
pub fn relative_se(c: &super::stats::CellStats) -> f64 {
    if c.n < 2 || !c.mc_se_p50.is_finite() {
        return f64::INFINITY;
    }
    let scale = c.p50.abs().max(0.05 * (c.p95 - c.p05));
    if scale > 0.0 {
        c.mc_se_p50 / scale
    } else if c.mc_se_p50 == 0.0 {
        0.0
    } else {
        f64::INFINITY
    }
}

/// The worst `(relative se, var, month)` over the key variables.
fn worst(s: &Summary, keys: &[usize]) -> (f64, usize, usize) {
    let mut w = (0.0, keys.first().copied().unwrap_or(0), 0);
    for t in 0..s.months {
        for &v in keys {
            let r = relative_se(s.cell(t, v));
            if r > w.0 || r.is_nan() {
                w = (r, v, t);
            }
        }
    }
    w
}

/// The size of the first batch of a `--precision` run whose `--paths` is `paths`: whole chunk
/// groups of [`GROUP_PATHS`], capped at `max_paths`. The run never has fewer paths, so a check
/// of what the run will have (`--sample-paths`) is made against this (hostile round 9 #5).
pub fn first_batch(paths: u64, max_paths: u64) -> u64 {
    paths
        .div_ceil(GROUP_PATHS)
        .saturating_mul(GROUP_PATHS)
        .min(max_paths)
}

/// Runs `o` (its `paths` is the first batch's size) under the precision rule.
pub fn run_precise(
    sc: &Scenario,
    o: &RunOptions,
    target: f64,
    max_paths: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, RunError> {
    check_shape(sc, o)?;
    if !(target > 0.0 && target.is_finite()) {
        return Err(RunError::Failed(format!(
            "--precision must be a positive number, not {target}"
        )));
    }
    let t0 = Instant::now();
    let vars = variables(&sc.market);
    let keys = key_variables(&vars);
    let pool = pool(o)?;
    let mut paths = first_batch(o.paths, max_paths);
    let mode = |p: u64| choose_mode(p, o.months, vars.len(), o.budget_bytes);
    let layout = super::run::layout(sc, o, &vars)?;
    let mut acc = Accum::new(sc, o, &layout, mode(paths), &[], false);
    let (mut done, mut batches) = (0u64, Vec::new());
    loop {
        let mut ot = o.clone();
        ot.paths = paths;
        if mode(paths) == SummaryMode::Sketch && acc.stats.mode() == SummaryMode::Exact {
            let exact = std::mem::replace(
                &mut acc.stats,
                super::stats::MonthlyStats::new(0, 0, SummaryMode::Sketch),
            );
            acc.stats = exact.into_sketch();
        }
        let chunks = paths.div_ceil(CHUNK_PATHS);
        simulate_chunks(
            sc,
            &ot,
            &vars,
            &layout,
            &[],
            &pool,
            done..chunks,
            &mut acc,
            progress,
        )?;
        done = chunks;
        batches.push(paths);
        let (rel, v, t) = worst(&pool.install(|| acc.stats.summarize()), &keys);
        let stopped = if rel < target {
            "precision_reached"
        } else if paths >= max_paths {
            "max_paths"
        } else {
            paths = paths.saturating_mul(2).min(max_paths);
            continue;
        };
        let report = PrecisionReport {
            target,
            max_paths,
            rule: RULE.into(),
            key_variables: keys.iter().map(|&k| vars[k].name.clone()).collect(),
            batches,
            stopped: stopped.into(),
            worst_relative_se: rel,
            worst_variable: vars[v].name.clone(),
            worst_month: t,
        };
        let threads = pool.current_num_threads();
        let mut r = pool.install(|| acc.finish(&ot, vars, &layout, &[], t0, threads));
        r.precision = Some(report);
        return Ok(r);
    }
}
