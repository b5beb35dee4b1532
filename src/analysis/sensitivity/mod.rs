//! Sensitivity analysis (issue 5): which uncertain inputs drive a target variable.
//!
//! One Monte Carlo sample of `paths` paths gives, per path, every uncertain input
//! ([`inputs`]) and the target (one month's value, or the
//! sum over the horizon). Rank measures ([`rank`]) are
//! computed from that n×k matrix, which is the only thing kept per path. Then a one-at-a-time
//! swing ([`swing`]) for the tornado chart.
//!
//! Paths run in parallel in fixed [`CHUNK_PATHS`]-path chunks collected in chunk order and
//! every statistic is computed serially afterwards, so the result is identical for any thread
//! count. See `docs/sensitivity.md`.

pub mod csv;
pub mod groups;
pub mod inputs;
pub mod market;
pub mod rank;
pub mod swing;
pub mod target;

pub use target::{find_target, target_label, target_value, Horizon, SensOptions};

use crate::engine::path::{event_key_hashes, PathDiag, PathSim};
use crate::engine::rng::RngKind;
use crate::engine::run::CHUNK_PATHS;
use crate::engine::vars::Var;
use crate::scenario::Scenario;
use inputs::{impute_entry, inputs, keys, overridable, read_values, Input, ShockKind, Source};
use rank::{Excluded, RankDesign, RankError, RankFit};
use rayon::prelude::*;
use std::time::Instant;
use swing::{swings, Swing};

/// Why a sensitivity analysis could not run. Every variant is a request that cannot be met
/// (exit code 1) except [`SensError::Threads`].
#[derive(Debug, thiserror::Error)]
pub enum SensError {
    #[error("paths and months must be at least 1")]
    NoPaths,
    #[error("--month is month {month} of the run but the horizon is {months} months")]
    MonthBeyondHorizon { month: usize, months: usize },
    #[error(
        "--target `{target}`: scenario `{scenario}` has no output variable of that name{hint}; \
         see docs/outputs.md for the list (e.g. russia_export_revenue_usd_bn)"
    )]
    UnknownTarget {
        target: String,
        scenario: String,
        /// A " (did you mean …?)" suffix, or empty.
        hint: String,
    },
    #[error(
        "scenario `{0}` has no uncertain inputs: every parameter, market row and event is \
         constant"
    )]
    NoInputs(String),
    #[error(
        "{paths} is too few for the {inputs} uncertain inputs of scenario `{scenario}`: \
         the rank regression needs at least {need} paths (a few thousand give stable rankings)"
    )]
    TooFewPaths {
        paths: String,
        inputs: usize,
        scenario: String,
        need: usize,
    },
    #[error(
        "{paths} is too many for sensitivity on scenario `{scenario}`: the rank \
         regression keeps every path's {per_path} values (its {inputs} inputs and the target) in \
         memory, {need}, above the {budget} budget; pass --paths {max} or fewer (a few \
         thousand give stable rankings)"
    )]
    TooManyPaths {
        paths: String,
        per_path: u64,
        inputs: usize,
        scenario: String,
        need: String,
        budget: String,
        max: u64,
    },
    #[error(transparent)]
    Rank(#[from] RankError),
    #[error("the target {0} has the same value on every path: there is nothing to explain")]
    ConstantTarget(String),
    /// A horizon past the scenario's imposed Brent rows ([`Scenario::check_months`]).
    #[error("{0}")]
    Horizon(String),
    #[error("cannot start worker threads: {0}")]
    Threads(rayon::ThreadPoolBuildError),
}

/// The result of [`sensitivity`].
#[derive(Debug, Clone)]
pub struct SensResult {
    pub scenario: String,
    pub inputs: Vec<Input>,
    /// Why inputs were left out of the regression (`None`: in it), per input.
    pub excluded: Vec<Option<Excluded>>,
    pub fit: RankFit,
    /// Per month when `by_month` (`None` for a month whose value is constant).
    pub by_month: Option<Vec<Option<RankFit>>>,
    /// Per input, when it was swung.
    pub swings: Vec<Option<Swing>>,
    /// Mean target with every continuous input at its median (the tornado's base line).
    pub base: f64,
    /// Input indices in ranking order: |SRRC| descending, then inputs outside the regression
    /// by |Spearman|.
    pub order: Vec<usize>,
    pub target: String,
    pub target_unit: String,
    /// E.g. `russia_export_revenue_usd_bn, sum 2025-08..2028-07`.
    pub target_label: String,
    pub horizon: Horizon,
    pub start: i32,
    pub paths: u64,
    /// Paths dropped because the target or an input was not finite.
    pub dropped: u64,
    pub months: usize,
    pub seed: u64,
    pub threads: usize,
    pub swing_paths: u64,
    pub diag: PathDiag,
    /// Diagnostics of the swing runs together (all zero without them).
    pub swing_diag: PathDiag,
    pub wall_seconds: f64,
}

/// The per-path sample of one chunk.
struct Chunk {
    /// `[path][input]`, paths with finite values only.
    x: Vec<Vec<f64>>,
    /// `[path]` target, and `[path][month]` when by month.
    y: Vec<f64>,
    y_month: Vec<Vec<f64>>,
    dropped: u64,
    diag: PathDiag,
}

fn sample_chunk(
    sc: &Scenario,
    inp: &[Input],
    keys: &[String],
    o: &SensOptions,
    var: &Var,
    c: u64,
) -> Chunk {
    let lo = c * CHUNK_PATHS;
    let hi = (lo + CHUNK_PATHS).min(o.paths);
    let mut out = Chunk {
        x: Vec::new(),
        y: Vec::new(),
        y_month: Vec::new(),
        dropped: 0,
        diag: PathDiag::default(),
    };
    let mut monthly = vec![0.0; o.months];
    let mut factors = [vec![0.0; o.months], vec![0.0; o.months]];
    let vars = std::slice::from_ref(var);
    let hashes = event_key_hashes(sc);
    for path in lo..hi {
        let mut sim = PathSim::with_keys(sc, &hashes, o.seed, path, RngKind::Counter);
        for (t, slot) in monthly.iter_mut().enumerate() {
            sim.step_month();
            sim.write_vars(vars, std::slice::from_mut(slot));
            for (f, k) in factors.iter_mut().zip(ShockKind::ALL) {
                f[t] = k.read(&sim.state);
            }
        }
        out.diag.add(&sim.diag);
        let mut x = vec![0.0; inp.len()];
        let shocks = ShockKind::ALL.map(|k| target::window_mean(&factors[k as usize], o.horizon));
        read_values(inp, &sim, keys, (o.seed, path), shocks, &mut x);
        let y = target_value(&monthly, o.horizon);
        let finite = y.is_finite()
            && x.iter().all(|v| v.is_finite())
            && (!o.by_month || monthly.iter().all(|v| v.is_finite()));
        if !finite {
            out.dropped += 1;
            continue;
        }
        out.x.push(x);
        out.y.push(y);
        if o.by_month {
            out.y_month.push(monthly.clone());
        }
    }
    out
}

/// Runs the analysis. `progress(done, total)` counts simulated paths (sample and swings).
pub fn sensitivity(
    sc: &Scenario,
    o: &SensOptions,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> Result<SensResult, SensError> {
    if o.paths == 0 || o.months == 0 {
        return Err(SensError::NoPaths);
    }
    sc.check_months(o.months).map_err(SensError::Horizon)?;
    if let Horizon::Month(t) = o.horizon {
        if t >= o.months {
            return Err(SensError::MonthBeyondHorizon {
                month: t + 1,
                months: o.months,
            });
        }
    }
    let t0 = Instant::now();
    let (_, var) = find_target(sc, &o.target)?;
    let inp = inputs(sc, o.months);
    if inp.is_empty() {
        return Err(SensError::NoInputs(sc.name.clone()));
    }
    if o.paths < inp.len() as u64 + 3 {
        // Fail before simulating: the regression of k inputs needs k + 3 paths.
        return Err(SensError::TooFewPaths {
            paths: o.paths_text(),
            inputs: inp.len(),
            scenario: sc.name.clone(),
            need: inp.len() + 3,
        });
    }
    // Fail before simulating: every path's inputs and target are kept for the ranks.
    let per_path = inp.len() as u64 + 1 + if o.by_month { o.months as u64 } else { 0 };
    let budget = crate::engine::stats::DEFAULT_BUDGET_BYTES;
    let max = budget / (per_path * 8);
    if o.paths > max {
        return Err(SensError::TooManyPaths {
            paths: o.paths_text(),
            per_path,
            inputs: inp.len(),
            scenario: sc.name.clone(),
            need: crate::bounded::size_text(o.paths.saturating_mul(per_path * 8)),
            budget: crate::bounded::size_text(budget),
            max,
        });
    }
    let keys = keys(sc);
    let pool = crate::engine::threads::pool(o.threads).map_err(SensError::Threads)?;
    let threads = pool.current_num_threads();
    let n_swung = inp
        .iter()
        .filter(|i| overridable(i))
        .count()
        .min(o.swing_top);
    let swing_total = if o.swing_paths == 0 {
        0
    } else {
        o.swing_paths.saturating_mul(1 + 2 * n_swung as u64)
    };
    let total = o.paths.saturating_add(swing_total);
    let chunks = o.paths.div_ceil(CHUNK_PATHS);
    let batch = (threads as u64 * 4).max(1);
    let mut parts: Vec<Chunk> = Vec::with_capacity(chunks as usize);
    let mut start = 0;
    while start < chunks {
        let end = (start + batch).min(chunks);
        let got: Vec<Chunk> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|c| sample_chunk(sc, &inp, &keys, o, &var, c))
                .collect()
        });
        parts.extend(got);
        progress((end * CHUNK_PATHS).min(o.paths), total);
        start = end;
    }
    let mut diag = PathDiag::default();
    let mut dropped = 0;
    let mut cols: Vec<Vec<f64>> = vec![Vec::new(); inp.len()];
    let mut y = Vec::new();
    let mut y_month: Vec<Vec<f64>> = vec![Vec::new(); if o.by_month { o.months } else { 0 }];
    for part in parts {
        diag.add(&part.diag);
        dropped += part.dropped;
        for row in part.x {
            for (c, v) in cols.iter_mut().zip(row) {
                c.push(v);
            }
        }
        y.extend(part.y);
        for row in part.y_month {
            for (c, v) in y_month.iter_mut().zip(row) {
                c.push(v);
            }
        }
    }
    for (c, i) in cols.iter_mut().zip(&inp) {
        if matches!(i.source, Source::TreeEntry(..)) {
            impute_entry(c);
        }
    }
    let design = RankDesign::new(&cols)?;
    drop(cols);
    let fit = design
        .fit(&y)
        .ok_or_else(|| SensError::ConstantTarget(o.target.clone()))?;
    let by_month = o
        .by_month
        .then(|| y_month.iter().map(|ym| design.fit(ym)).collect());
    let excluded: Vec<Option<Excluded>> = design.status.iter().map(|s| s.err()).collect();
    let order = ranking(&fit);
    let done = o.paths;
    let (base, swings, swing_diag) = swings(sc, &inp, &order, o, &var, &pool, &|d| {
        progress(done + d, total)
    });
    let (target_unit, label) = target_label(&var, o.horizon, sc.start, o.months);
    Ok(SensResult {
        scenario: sc.name.clone(),
        inputs: inp,
        excluded,
        fit,
        by_month,
        swings,
        base,
        order,
        target: o.target.clone(),
        target_unit,
        target_label: label,
        horizon: o.horizon,
        start: sc.start,
        paths: o.paths,
        dropped,
        months: o.months,
        seed: o.seed,
        threads,
        swing_paths: o.swing_paths,
        diag,
        swing_diag,
        wall_seconds: t0.elapsed().as_secs_f64(),
    })
}

/// Ranking order: inputs in the regression by |SRRC| descending, then the others by
/// |Spearman| descending; ties keep input order.
pub fn ranking(fit: &RankFit) -> Vec<usize> {
    let key = |i: usize| {
        let m = &fit.inputs[i];
        if m.srrc.is_finite() {
            (0, -m.srrc.abs())
        } else if m.spearman.is_finite() {
            (1, -m.spearman.abs())
        } else {
            (2, 0.0)
        }
    };
    let mut order: Vec<usize> = (0..fit.inputs.len()).collect();
    order.sort_by(|&a, &b| {
        let (ga, ka) = key(a);
        let (gb, kb) = key(b);
        ga.cmp(&gb).then(ka.total_cmp(&kb)).then(a.cmp(&b))
    });
    order
}
