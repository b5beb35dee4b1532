//! Runs a scenario: paths in parallel, fixed-size chunks reduced in order, so the result is
//! byte-identical for any thread count (model.md §11.1.11).

use super::path::{PathDiag, PathSim, TreeRecord};
use super::stats::{choose_mode, MonthlyStats, Summary, SummaryMode, DEFAULT_BUDGET_BYTES};
use super::vars::{variables, Var};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Paths per chunk: the unit of work and of the ordered reduction.
pub const CHUNK_PATHS: u64 = 256;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub paths: u64,
    pub months: usize,
    pub seed: u64,
    /// Worker threads; 0 means all cores.
    pub threads: usize,
    pub budget_bytes: u64,
    /// Stop requested (SIGINT/SIGTERM): checked before every path; when it is set, [`run`]
    /// stops within one path per worker and returns [`RunError::Cancelled`]. `None`: never.
    pub cancel: Option<Arc<AtomicBool>>,
}

impl RunOptions {
    /// The scenario's own settings.
    pub fn from_scenario(sc: &Scenario) -> RunOptions {
        RunOptions {
            paths: sc.paths,
            months: sc.months,
            seed: sc.seed,
            threads: 0,
            budget_bytes: DEFAULT_BUDGET_BYTES,
            cancel: None,
        }
    }

    /// Whether a stop was requested through [`RunOptions::cancel`].
    pub fn cancelled(&self) -> bool {
        self.cancel
            .as_ref()
            .is_some_and(|f| f.load(Ordering::Relaxed))
    }
}

/// Why [`run`] returned no result.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// [`RunOptions::cancel`] was set before the run finished; partial statistics are dropped.
    #[error("interrupted")]
    Cancelled,
    /// Bad options or an environment failure (e.g. no worker threads).
    #[error("{0}")]
    Failed(String),
}

/// Event-tree counts over paths (integers, so the ordered merge is exact).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TreeStats {
    /// `[tree][node][t]`: paths that first entered the node in month `t` (0-based).
    pub first_entries: Vec<Vec<Vec<u64>>>,
    /// `[tree][node][exit][branch]`: paths whose first taking of the exit chose the branch.
    pub branches: Vec<Vec<Vec<Vec<u64>>>>,
}

impl TreeStats {
    pub fn new(sc: &Scenario, months: usize) -> TreeStats {
        TreeStats {
            first_entries: sc
                .trees
                .iter()
                .map(|t| vec![vec![0; months]; t.nodes.len()])
                .collect(),
            branches: sc
                .trees
                .iter()
                .map(|t| {
                    t.nodes
                        .iter()
                        .map(|n| n.exits.iter().map(|e| vec![0; e.to.len()]).collect())
                        .collect()
                })
                .collect(),
        }
    }

    pub fn push_path<'r>(&mut self, records: impl Iterator<Item = &'r TreeRecord>) {
        for (i, r) in records.enumerate() {
            for (n, m) in r.first_entry.iter().enumerate() {
                if let Some(slot) = m.and_then(|m| self.first_entries[i][n].get_mut(m)) {
                    *slot += 1;
                }
            }
            for (n, exits) in r.first_branch.iter().enumerate() {
                for (k, b) in exits.iter().enumerate() {
                    if let Some(b) = b {
                        self.branches[i][n][k][*b] += 1;
                    }
                }
            }
        }
    }

    pub fn merge(&mut self, o: &TreeStats) {
        for (a, b) in self.first_entries.iter_mut().zip(&o.first_entries) {
            for (a, b) in a.iter_mut().zip(b) {
                for (a, b) in a.iter_mut().zip(b) {
                    *a += b;
                }
            }
        }
        for (a, b) in self.branches.iter_mut().zip(&o.branches) {
            for (a, b) in a.iter_mut().zip(b) {
                for (a, b) in a.iter_mut().zip(b) {
                    for (a, b) in a.iter_mut().zip(b) {
                        *a += b;
                    }
                }
            }
        }
    }
}

#[derive(Debug, Clone)]
pub struct RunResult {
    pub vars: Vec<Var>,
    pub summary: Summary,
    pub diagnostics: BTreeMap<String, u64>,
    /// Event-tree counts (empty when the scenario has no trees).
    pub trees: TreeStats,
    pub wall_seconds: f64,
    pub paths: u64,
    pub months: usize,
    pub threads: usize,
}

impl RunResult {
    pub fn path_months_per_second(&self) -> f64 {
        (self.paths as f64 * self.months as f64) / self.wall_seconds.max(1e-9)
    }

    pub fn var_index(&self, name: &str) -> Option<usize> {
        self.vars.iter().position(|v| v.name == name)
    }

    /// Median of `name` in month `t` (0-based).
    pub fn p50(&self, name: &str, t: usize) -> f64 {
        self.summary
            .cell(t, self.var_index(name).expect("unknown variable"))
            .p50
    }

    pub fn mean(&self, name: &str, t: usize) -> f64 {
        self.summary
            .cell(t, self.var_index(name).expect("unknown variable"))
            .mean
    }
}

/// Runs one chunk of paths into a fresh accumulator.
fn run_chunk(
    sc: &Scenario,
    o: &RunOptions,
    vars: &[Var],
    mode: SummaryMode,
    chunk: u64,
) -> (MonthlyStats, PathDiag, TreeStats) {
    let lo = chunk * CHUNK_PATHS;
    let hi = (lo + CHUNK_PATHS).min(o.paths);
    let nv = vars.len();
    let mut stats = MonthlyStats::new(o.months, nv, mode);
    let mut diag = PathDiag::default();
    let mut trees = TreeStats::new(sc, o.months);
    let mut buf = vec![0.0; o.months * nv];
    for path in lo..hi {
        if o.cancelled() {
            break; // the caller discards the whole run
        }
        let mut sim = PathSim::new(sc, o.seed, path);
        for t in 0..o.months {
            sim.step_month();
            sim.write_vars(vars, &mut buf[t * nv..(t + 1) * nv]);
        }
        stats.push_path(&buf);
        diag.add(&sim.diag);
        trees.push_path(sim.tree_records());
    }
    (stats, diag, trees)
}

/// Runs the scenario. `progress` is called with the number of paths done. Returns
/// [`RunError::Cancelled`] as soon as [`RunOptions::cancel`] is seen set.
pub fn run(
    sc: &Scenario,
    o: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, RunError> {
    if o.paths == 0 || o.months == 0 {
        return Err(RunError::Failed(
            "paths and months must be at least 1".into(),
        ));
    }
    let t0 = Instant::now();
    let vars = variables(&sc.market);
    let mode = choose_mode(o.paths, o.months, vars.len(), o.budget_bytes);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(o.threads)
        .build()
        .map_err(|e| RunError::Failed(format!("cannot start worker threads: {e}")))?;
    let threads = pool.current_num_threads();
    let chunks = o.paths.div_ceil(CHUNK_PATHS);
    // Batches bound memory in sketch mode: only `batch` chunk accumulators live at once.
    let batch = (threads as u64 * 4).max(1);
    let mut total = MonthlyStats::new(o.months, vars.len(), mode);
    let mut diag = PathDiag::default();
    let mut trees = TreeStats::new(sc, o.months);
    let mut start = 0;
    while start < chunks {
        if o.cancelled() {
            return Err(RunError::Cancelled);
        }
        let end = (start + batch).min(chunks);
        let parts: Vec<(MonthlyStats, PathDiag, TreeStats)> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|c| run_chunk(sc, o, &vars, mode, c))
                .collect()
        });
        for (s, d, t) in parts {
            total.merge(s);
            diag.add(&d);
            trees.merge(&t);
        }
        if o.cancelled() {
            return Err(RunError::Cancelled);
        }
        progress((end * CHUNK_PATHS).min(o.paths));
        start = end;
    }
    let summary = total.finish();
    let mut diagnostics = BTreeMap::new();
    diagnostics.insert("solver_bisection_steps".into(), diag.bisections);
    diagnostics.insert("solver_not_converged".into(), diag.not_converged);
    diagnostics.insert("brent_clamp_hits".into(), diag.brent_clamped);
    diagnostics.insert("fleet_bound_violations".into(), diag.fleet_violations);
    diagnostics.insert("capped_tranche_refusals".into(), diag.refusals);
    diagnostics.insert("fleet_reclears".into(), diag.reclears);
    diagnostics.insert("max_basin_iterations".into(), diag.max_basin_iters);
    diagnostics.insert("max_brent_iterations".into(), diag.max_brent_iters);
    diagnostics.insert("nonfinite_values".into(), diag.nonfinite);
    Ok(RunResult {
        vars,
        summary,
        diagnostics,
        trees,
        wall_seconds: t0.elapsed().as_secs_f64(),
        paths: o.paths,
        months: o.months,
        threads,
    })
}
