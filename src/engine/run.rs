//! Runs a scenario: paths in parallel, fixed-size chunks reduced in order, so the result is
//! byte-identical for any thread count (model.md §9.1.11).

use super::path::{PathDiag, TreeRecord};
pub(super) use super::pipeline::simulate_chunks;
pub use super::rng::RngKind;
use super::stats::derived::{parse_probe_set, Derived, Layout};
use super::stats::period_spec::parse_periods;
use super::stats::{
    choose_mode, GroupMoments, MonthlyStats, Summary, SummaryMode, DEFAULT_BUDGET_BYTES,
};
pub use super::tree_split::{
    resolve_outcome, OutcomeError, OutcomeSplit, SplitOn, ENTERED, NOT_ENTERED,
};
use super::vars::{variables, Var};
use crate::scenario::Scenario;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// Paths per chunk: the unit of work and of the ordered reduction.
pub const CHUNK_PATHS: u64 = 256;

/// Chunks per group. The moments of a group's chunks are folded in chunk order into a fresh
/// group accumulator, and the groups are folded in group order into the total. Shards cut at
/// group boundaries and keep each group's moments apart, so a merge performs exactly the
/// same floating-point operations as a single run (Chan's update is not associative, so
/// folding shard totals instead would change the last bits). See docs/scaling.md.
pub const GROUP_CHUNKS: u64 = 16;

/// Paths per group (4,096).
pub const GROUP_PATHS: u64 = CHUNK_PATHS * GROUP_CHUNKS;

#[derive(Debug, Clone)]
pub struct RunOptions {
    pub paths: u64,
    pub months: usize,
    pub seed: u64,
    /// Worker threads; 0 means all cores. Capped to 1 to 1024 ([`super::threads`]).
    pub threads: usize,
    pub budget_bytes: u64,
    /// Stop requested (SIGINT/SIGTERM): checked before every path; when it is set, [`run`]
    /// stops within one path per worker and returns [`RunError::Cancelled`]. `None`: never.
    pub cancel: Option<Arc<AtomicBool>>,
    /// `--prob` expressions (`flow_india_mbd<1`): threshold probabilities computed in the
    /// same pass (see [`super::stats::derived`]).
    pub probes: Vec<String>,
    /// `--period FROM..TO` windows (`2025-11..2026-10`): rows of totals and averages after
    /// the calendar years and the horizon (walkthrough 10 #13).
    pub periods: Vec<String>,
    /// The generator of the keyed streams. Always `Counter` (D130) for the commands; no
    /// option selects `Legacy`, which the band-agreement test compares it with.
    pub rng: RngKind,
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
            probes: Vec::new(),
            periods: Vec::new(),
            rng: RngKind::Counter,
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
    /// A `--prob` text that is not a probe of this run's variables.
    #[error("{0}")]
    Probe(#[from] crate::engine::stats::derived::ProbeErrors),
    /// A `--period` text that is not a window of this run's horizon.
    #[error("{0}")]
    Period(#[from] crate::engine::stats::period_spec::PeriodErrors),
}

impl RunError {
    /// Whether the caller asked for something this run cannot answer (exit 1), rather than
    /// the run failing.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, RunError::Probe(_) | RunError::Period(_))
    }
}

/// Event-tree counts over paths (integers, so the ordered merge is exact).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
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

/// Conditional bands of one [`OutcomeSplit`]: one summary and path count per outcome.
#[derive(Debug, Clone)]
pub struct OutcomeBands {
    pub split: OutcomeSplit,
    /// In the order of `split.outcomes`.
    pub summaries: Vec<Summary>,
    /// Totals and threshold probabilities of each outcome's paths, same order.
    pub derived: Vec<Derived>,
    pub paths: Vec<u64>,
}

#[derive(Debug, Clone)]
pub struct RunResult {
    pub vars: Vec<Var>,
    pub summary: Summary,
    /// Totals (`totals.csv`) and threshold probabilities (`probabilities.csv`).
    pub derived: Derived,
    pub diagnostics: BTreeMap<String, u64>,
    /// Event-tree counts (empty when the scenario has no trees).
    pub trees: TreeStats,
    /// Conditional bands, one per split given to [`run_split`] (empty for [`run`]).
    pub by_outcome: Vec<OutcomeBands>,
    pub wall_seconds: f64,
    pub paths: u64,
    pub months: usize,
    pub threads: usize,
    /// `Some(N)` when the result was merged from N shard partials (`merge`).
    pub merged_from_shards: Option<u64>,
    /// How `run --precision` chose the path count (`None` for a plain run).
    pub precision: Option<PrecisionReport>,
}

/// Why `run --precision` chose the path count, for manifest.json's `precision`
/// (`engine/precision.rs` fills it).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PrecisionReport {
    /// `REL` of `--precision`.
    #[serde(serialize_with = "number_or_text")]
    pub target: f64,
    pub max_paths: u64,
    pub rule: String,
    pub key_variables: Vec<String>,
    /// Cumulative path counts after each batch; the last is the run's `paths`.
    pub batches: Vec<u64>,
    /// `precision_reached` or `max_paths`.
    pub stopped: String,
    /// The largest relative standard error after the last batch, and where: `"inf"` when a
    /// key variable's standard error is unknown or its mean 0 (one path; D212).
    #[serde(serialize_with = "number_or_text")]
    pub worst_relative_se: f64,
    pub worst_variable: String,
    /// 0-based month of `worst_variable`.
    pub worst_month: usize,
}

/// A number of `manifest.json`: finite ones as JSON numbers, the others as the strings
/// `"inf"`, `"-inf"` and `"nan"`, which JSON has no numbers for (serde_json would write
/// `null`, a missing value, without a word; D212).
pub fn number_or_text<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.is_finite() {
        s.serialize_f64(*x)
    } else if x.is_nan() {
        s.serialize_str("nan")
    } else if *x > 0.0 {
        s.serialize_str("inf")
    } else {
        s.serialize_str("-inf")
    }
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

/// Per-split, per-outcome accumulators and path counts.
pub(super) type SplitStats = Vec<(Vec<MonthlyStats>, Vec<u64>)>;

pub(super) fn new_split_stats(
    splits: &[OutcomeSplit],
    layout: &Layout,
    mode: SummaryMode,
) -> SplitStats {
    splits
        .iter()
        .map(|s| {
            (
                (0..s.outcomes.len()).map(|_| layout.stats(mode)).collect(),
                vec![0; s.outcomes.len()],
            )
        })
        .collect()
}

/// Runs the scenario. `progress` is called with the number of paths done. Returns
/// [`RunError::Cancelled`] as soon as [`RunOptions::cancel`] is seen set.
pub fn run(
    sc: &Scenario,
    o: &RunOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, RunError> {
    run_split(sc, o, &[], progress)
}

/// [`run`], also computing conditional bands for each of `splits` (see
/// [`resolve_outcome`]) from the same paths. The summary budget covers all accumulators: the
/// exact/sketch mode is chosen once for `paths × (1 + splits)` path matrices.
pub fn run_split(
    sc: &Scenario,
    o: &RunOptions,
    splits: &[OutcomeSplit],
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RunResult, RunError> {
    check_shape(sc, o)?;
    let t0 = Instant::now();
    let vars = variables(&sc.market);
    let kept = o.paths.saturating_mul(1 + splits.len() as u64);
    let mode = choose_mode(kept, o.months, vars.len(), o.budget_bytes);
    let layout = layout(sc, o, &vars)?;
    let pool = pool(o)?;
    let mut acc = Accum::new(sc, o, &layout, mode, splits, false);
    let chunks = o.paths.div_ceil(CHUNK_PATHS);
    simulate_chunks(
        sc,
        o,
        &vars,
        &layout,
        splits,
        &pool,
        0..chunks,
        &mut acc,
        progress,
    )?;
    let threads = pool.current_num_threads();
    // The exact quantiles of the finish run on the run's threads too.
    Ok(pool.install(|| acc.finish(o, vars, &layout, splits, t0, threads)))
}

/// The derived cells of a run of `sc` with options `o` (totals and averages, of the calendar
/// years, the horizon and the `--period` windows, and the `--prob` indicators).
/// The exact/sketch budget is not charged for them: they add a few per cent to the monthly
/// values (docs/decisions.md D65).
pub fn layout(sc: &Scenario, o: &RunOptions, vars: &[Var]) -> Result<Layout, RunError> {
    let names: Vec<(String, String)> = vars
        .iter()
        .map(|v| (v.name.clone(), v.unit.clone()))
        .collect();
    let probes = parse_probe_set(&o.probes, &names, sc.start, o.months)?;
    let windows = parse_periods(&o.periods, sc.start, o.months)?;
    Ok(Layout::of(sc.start, o.months, &names, probes, windows))
}

pub(super) fn check_shape(sc: &Scenario, o: &RunOptions) -> Result<(), RunError> {
    if o.paths == 0 || o.months == 0 {
        return Err(RunError::Failed(
            "paths and months must be at least 1".into(),
        ));
    }
    // An imposed Brent path must cover the horizon asked for (which may exceed the file's);
    // the commands check it first ([`Scenario::check_months`]), this guards library callers.
    sc.check_months(o.months).map_err(RunError::Failed)?;
    Ok(())
}

pub(super) fn pool(o: &RunOptions) -> Result<rayon::ThreadPool, RunError> {
    super::threads::pool(o.threads)
        .map_err(|e| RunError::Failed(format!("cannot start worker threads: {e}")))
}

/// What a run (or a shard, or the batches of a `--precision` run) has accumulated so far.
pub(super) struct Accum {
    /// Order statistics of every group; also the folded moments unless `groups` is kept.
    pub stats: MonthlyStats,
    /// Shards: each group's moments, in group order, folded only at the merge.
    pub groups: Option<Vec<GroupMoments>>,
    pub diag: PathDiag,
    pub trees: TreeStats,
    pub(super) split_total: SplitStats,
}

impl Accum {
    pub fn new(
        sc: &Scenario,
        o: &RunOptions,
        layout: &Layout,
        mode: SummaryMode,
        splits: &[OutcomeSplit],
        keep_groups: bool,
    ) -> Accum {
        Accum {
            stats: layout.stats(mode),
            groups: keep_groups.then(Vec::new),
            diag: PathDiag::default(),
            trees: TreeStats::new(sc, o.months),
            split_total: new_split_stats(splits, layout, mode),
        }
    }

    pub(super) fn close_group(&mut self, mut g: MonthlyStats) {
        match &mut self.groups {
            Some(groups) => {
                groups.push(g.take_moments());
                self.stats.merge_order(g);
            }
            None => self.stats.merge(g),
        }
    }

    pub fn finish(
        self,
        o: &RunOptions,
        vars: Vec<Var>,
        layout: &Layout,
        splits: &[OutcomeSplit],
        t0: Instant,
        threads: usize,
    ) -> RunResult {
        let by_outcome = splits
            .iter()
            .zip(self.split_total)
            .map(|(split, (acc, paths))| {
                let (summaries, derived) = acc
                    .into_iter()
                    .map(|a| {
                        let mut s = a.finish();
                        let d = layout.split(&mut s);
                        (s, d)
                    })
                    .unzip();
                OutcomeBands {
                    split: split.clone(),
                    summaries,
                    derived,
                    paths,
                }
            })
            .collect();
        let mut summary = self.stats.finish();
        let derived = layout.split(&mut summary);
        RunResult {
            vars,
            summary,
            derived,
            diagnostics: self.diag.to_map(),
            trees: self.trees,
            by_outcome,
            wall_seconds: t0.elapsed().as_secs_f64(),
            paths: o.paths,
            months: o.months,
            threads,
            merged_from_shards: None,
            precision: None,
        }
    }
}
