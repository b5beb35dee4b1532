//! Runs a scenario: paths in parallel, fixed-size chunks reduced in order, so the result is
//! byte-identical for any thread count (model.md §11.1.11).

use super::path::{PathDiag, PathSim, TreeRecord};
use super::stats::{
    choose_mode, GroupMoments, MonthlyStats, Summary, SummaryMode, DEFAULT_BUDGET_BYTES,
};
use super::vars::{variables, Var};
use crate::scenario::Scenario;
use rayon::prelude::*;
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

/// A branching exit whose outcome splits the paths for conditional bands (`run --by-outcome`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeSplit {
    pub tree: usize,
    pub node: usize,
    pub exit: usize,
    /// Name used in outputs: the exit's label (`node`, or `node.k` for the k-th of several
    /// branching exits), prefixed by `tree.` when another tree has the same label.
    pub key: String,
    /// One per branch (the target node ids), then `none` (never took the exit).
    pub outcomes: Vec<String>,
}

impl OutcomeSplit {
    /// Index into [`OutcomeSplit::outcomes`] of a path's outcome.
    fn outcome_of<'r>(&self, mut records: impl Iterator<Item = &'r TreeRecord>) -> usize {
        records
            .nth(self.tree)
            .and_then(|r| r.first_branch[self.node][self.exit])
            .unwrap_or(self.outcomes.len() - 1)
    }
}

/// Every branching exit of the scenario's trees as `(tree, node, exit)`.
fn branching_exits(sc: &Scenario) -> Vec<(usize, usize, usize)> {
    let mut v = Vec::new();
    for (i, t) in sc.trees.iter().enumerate() {
        for (n, node) in t.nodes.iter().enumerate() {
            for (k, e) in node.exits.iter().enumerate() {
                if e.branches() {
                    v.push((i, n, k));
                }
            }
        }
    }
    v
}

/// Label of a branching exit in folder names: [`crate::policy::tree::Tree::exit_label`] with `[k]` written `.k`.
fn plain_label(sc: &Scenario, (i, n, k): (usize, usize, usize)) -> String {
    sc.trees[i]
        .exit_label(n, k)
        .replace('[', ".")
        .replace(']', "")
}

/// Resolves a `--by-outcome` selector: a branching exit named by its source node
/// (`summit_pending`, or `node.k` / `node[k]` when the node has several), optionally qualified
/// by its tree (`us_russia.summit_pending`), or by one of its targets (`fail`) when that node
/// is the target of exactly one branching exit. Errors are complete sentences with a
/// did-you-mean hint.
pub fn resolve_outcome(sc: &Scenario, selector: &str) -> Result<OutcomeSplit, String> {
    let exits = branching_exits(sc);
    if sc.trees.is_empty() {
        return Err(format!(
            "--by-outcome `{selector}`: scenario `{}` has no event trees ([[tree]])",
            sc.name
        ));
    }
    if exits.is_empty() {
        return Err(format!(
            "--by-outcome `{selector}`: scenario `{}` has event trees but no branching exit \
             (an exit with more than one `to`)",
            sc.name
        ));
    }
    let labels: Vec<String> = exits.iter().map(|&x| plain_label(sc, x)).collect();
    let sel = selector.replace('[', ".").replace(']', "");
    let (tree_sel, rest) = match sel.split_once('.') {
        Some((t, r)) if sc.trees.iter().any(|tr| tr.id == t) => (Some(t), r.to_string()),
        _ => (None, sel.clone()),
    };
    let in_tree = |x: &(usize, usize, usize)| tree_sel.is_none_or(|t| sc.trees[x.0].id == t);
    let mut hits: Vec<(usize, usize, usize)> = exits
        .iter()
        .zip(&labels)
        .filter(|(x, l)| in_tree(x) && **l == rest)
        .map(|(x, _)| *x)
        .collect();
    if hits.is_empty() {
        // A node with several branching exits, named without `.k`.
        let several: Vec<String> = exits
            .iter()
            .zip(&labels)
            .filter(|(x, _)| in_tree(x) && sc.trees[x.0].nodes[x.1].id == rest)
            .map(|(_, l)| l.clone())
            .collect();
        if !several.is_empty() {
            return Err(format!(
                "--by-outcome `{selector}`: node `{rest}` of scenario `{}` has several branching \
                 exits; name one of {}",
                sc.name,
                quoted(&several)
            ));
        }
        // A target of exactly one branching exit.
        let parents: Vec<(usize, usize, usize)> = exits
            .iter()
            .filter(|x| {
                in_tree(x)
                    && sc.trees[x.0].nodes[x.1].exits[x.2]
                        .to
                        .iter()
                        .any(|&t| sc.trees[x.0].nodes[t].id == rest)
            })
            .copied()
            .collect();
        if parents.len() == 1 {
            hits = parents;
        }
    }
    match hits.len() {
        1 => {}
        0 => {
            let mut cands = labels.clone();
            for &(i, n, k) in &exits {
                cands.push(format!("{}.{}", sc.trees[i].id, plain_label(sc, (i, n, k))));
            }
            let hint = crate::suggest::did_you_mean(selector, &cands);
            return Err(format!(
                "--by-outcome `{selector}`: scenario `{}` has no branching exit of that name{hint}; \
                 branching exits (by source node): {}",
                sc.name,
                quoted(&labels)
            ));
        }
        _ => {
            let q: Vec<String> = hits
                .iter()
                .map(|&x| format!("{}.{}", sc.trees[x.0].id, plain_label(sc, x)))
                .collect();
            return Err(format!(
                "--by-outcome `{selector}` is ambiguous in scenario `{}`: name one of {}",
                sc.name,
                quoted(&q)
            ));
        }
    }
    let x = hits[0];
    let label = plain_label(sc, x);
    let shared = labels.iter().filter(|l| **l == label).count() > 1;
    let key = if shared {
        format!("{}.{label}", sc.trees[x.0].id)
    } else {
        label
    };
    let tree = &sc.trees[x.0];
    let mut outcomes: Vec<String> = tree.nodes[x.1].exits[x.2]
        .to
        .iter()
        .map(|&t| tree.nodes[t].id.clone())
        .collect();
    outcomes.push("none".into());
    Ok(OutcomeSplit {
        tree: x.0,
        node: x.1,
        exit: x.2,
        key,
        outcomes,
    })
}

fn quoted(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Conditional bands of one [`OutcomeSplit`]: one summary and path count per outcome.
#[derive(Debug, Clone)]
pub struct OutcomeBands {
    pub split: OutcomeSplit,
    /// In the order of `split.outcomes`.
    pub summaries: Vec<Summary>,
    pub paths: Vec<u64>,
}

#[derive(Debug, Clone)]
pub struct RunResult {
    pub vars: Vec<Var>,
    pub summary: Summary,
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
    pub precision: Option<super::precision::PrecisionReport>,
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
type SplitStats = Vec<(Vec<MonthlyStats>, Vec<u64>)>;

/// What one chunk of paths yields.
struct ChunkOut {
    stats: MonthlyStats,
    diag: PathDiag,
    trees: TreeStats,
    splits: SplitStats,
}

fn new_split_stats(
    splits: &[OutcomeSplit],
    months: usize,
    nv: usize,
    mode: SummaryMode,
) -> SplitStats {
    splits
        .iter()
        .map(|s| {
            (
                (0..s.outcomes.len())
                    .map(|_| MonthlyStats::new(months, nv, mode))
                    .collect(),
                vec![0; s.outcomes.len()],
            )
        })
        .collect()
}

/// Runs one chunk of paths into a fresh accumulator.
fn run_chunk(
    sc: &Scenario,
    o: &RunOptions,
    vars: &[Var],
    mode: SummaryMode,
    splits: &[OutcomeSplit],
    chunk: u64,
) -> ChunkOut {
    let lo = chunk * CHUNK_PATHS;
    let hi = (lo + CHUNK_PATHS).min(o.paths);
    let nv = vars.len();
    let mut stats = MonthlyStats::new(o.months, nv, mode);
    let mut diag = PathDiag::default();
    let mut trees = TreeStats::new(sc, o.months);
    let mut split_stats = new_split_stats(splits, o.months, nv, mode);
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
        // The outcome is known only now; the whole path matrix goes to its accumulator.
        for (s, (acc, counts)) in splits.iter().zip(split_stats.iter_mut()) {
            let j = s.outcome_of(sim.tree_records());
            acc[j].push_path(&buf);
            counts[j] += 1;
        }
    }
    ChunkOut {
        stats,
        diag,
        trees,
        splits: split_stats,
    }
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
    check_shape(o)?;
    let t0 = Instant::now();
    let vars = variables(&sc.market);
    let kept = o.paths.saturating_mul(1 + splits.len() as u64);
    let mode = choose_mode(kept, o.months, vars.len(), o.budget_bytes);
    let pool = pool(o)?;
    let mut acc = Accum::new(sc, o, vars.len(), mode, splits, false);
    let chunks = o.paths.div_ceil(CHUNK_PATHS);
    simulate_chunks(sc, o, &vars, splits, &pool, 0..chunks, &mut acc, progress)?;
    Ok(acc.finish(o, vars, splits, t0, pool.current_num_threads()))
}

pub(super) fn check_shape(o: &RunOptions) -> Result<(), RunError> {
    if o.paths == 0 || o.months == 0 {
        return Err(RunError::Failed(
            "paths and months must be at least 1".into(),
        ));
    }
    Ok(())
}

pub(super) fn pool(o: &RunOptions) -> Result<rayon::ThreadPool, RunError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(o.threads)
        .build()
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
    split_total: SplitStats,
}

impl Accum {
    pub fn new(
        sc: &Scenario,
        o: &RunOptions,
        nv: usize,
        mode: SummaryMode,
        splits: &[OutcomeSplit],
        keep_groups: bool,
    ) -> Accum {
        Accum {
            stats: MonthlyStats::new(o.months, nv, mode),
            groups: keep_groups.then(Vec::new),
            diag: PathDiag::default(),
            trees: TreeStats::new(sc, o.months),
            split_total: new_split_stats(splits, o.months, nv, mode),
        }
    }

    fn close_group(&mut self, mut g: MonthlyStats) {
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
        splits: &[OutcomeSplit],
        t0: Instant,
        threads: usize,
    ) -> RunResult {
        let by_outcome = splits
            .iter()
            .zip(self.split_total)
            .map(|(split, (acc, paths))| OutcomeBands {
                split: split.clone(),
                summaries: acc.into_iter().map(MonthlyStats::finish).collect(),
                paths,
            })
            .collect();
        RunResult {
            vars,
            summary: self.stats.finish(),
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

/// Simulates the chunks `range` (whole groups, or ending at the run's last chunk) of a run of
/// `o.paths` paths into `acc`, one group accumulator at a time.
#[allow(clippy::too_many_arguments)]
pub(super) fn simulate_chunks(
    sc: &Scenario,
    o: &RunOptions,
    vars: &[Var],
    splits: &[OutcomeSplit],
    pool: &rayon::ThreadPool,
    range: std::ops::Range<u64>,
    acc: &mut Accum,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), RunError> {
    let mode = acc.stats.mode();
    // Batches bound memory in sketch mode: only `batch` chunk accumulators live at once.
    let batch = (pool.current_num_threads() as u64 * 4).max(1);
    let mut group: Option<MonthlyStats> = None;
    let mut start = range.start;
    while start < range.end {
        if o.cancelled() {
            return Err(RunError::Cancelled);
        }
        let end = (start + batch).min(range.end);
        let parts: Vec<ChunkOut> = pool.install(|| {
            (start..end)
                .into_par_iter()
                .map(|c| run_chunk(sc, o, vars, mode, splits, c))
                .collect()
        });
        for (c, part) in (start..end).zip(parts) {
            group
                .get_or_insert_with(|| MonthlyStats::new(o.months, vars.len(), mode))
                .merge(part.stats);
            acc.diag.add(&part.diag);
            acc.trees.merge(&part.trees);
            for ((a, counts), (theirs, their_counts)) in
                acc.split_total.iter_mut().zip(part.splits)
            {
                for (a, b) in a.iter_mut().zip(theirs) {
                    a.merge(b);
                }
                for (a, b) in counts.iter_mut().zip(their_counts) {
                    *a += b;
                }
            }
            if (c + 1) % GROUP_CHUNKS == 0 || c + 1 == range.end {
                if let Some(g) = group.take() {
                    acc.close_group(g);
                }
            }
        }
        if o.cancelled() {
            return Err(RunError::Cancelled);
        }
        progress((end * CHUNK_PATHS).min(o.paths));
        start = end;
    }
    Ok(())
}
