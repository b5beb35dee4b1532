//! The chunks of a run, simulated by every worker and reduced in chunk order while the other
//! workers keep simulating.
//!
//! Only the moments (and, in exact mode, the kept values, which are moved, not copied) must be
//! folded in chunk order for the result to be the same for any thread count. Sketch counts and
//! extremes are integers and minima/maxima, so each worker counts its own chunks into a sketch
//! of its own, and those are added together once at the end. A chunk's paths are summarised
//! a block of [`BLOCK_PATHS`] at a time (`MonthlyStats::push_block`, vectorised across cells),
//! in sketch mode straight into the worker's sketch, whose moments are the chunk's. The ordered part left for the one
//! thread holding the reduction lock is then a few microseconds per chunk: workers never wait
//! for one another except for the bounded look-ahead window. See docs/performance.md.

use super::path::{PathDiag, PathSim};
use super::path_rng::event_key_hashes;
use super::run::{
    new_split_stats, Accum, OutcomeSplit, RunError, RunOptions, SplitStats, TreeStats, CHUNK_PATHS,
    GROUP_CHUNKS,
};
use super::stats::derived::Layout;
use super::stats::{MonthlyStats, SummaryMode};
use super::vars::Var;
use crate::scenario::Scenario;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

/// Chunks a worker may run ahead of the oldest chunk not yet reduced, per thread: bounds the
/// chunk results waiting in the reorder buffer when one chunk is slow.
const WINDOW_PER_THREAD: u64 = 4;

/// What one chunk of paths yields.
struct ChunkOut {
    stats: MonthlyStats,
    diag: PathDiag,
    trees: TreeStats,
    splits: SplitStats,
}

/// Paths whose values are summarised together (`MonthlyStats::push_block`): at 36 months of
/// `summit_failure` a block is about 1 MB, so it is still in the core's L2 cache when it is
/// read back. The results do not depend on it (`cargo bench --bench summarise`).
const BLOCK_PATHS: usize = 32;

/// Runs one chunk of paths. Their values are summarised a block at a time: in exact mode into
/// the chunk's own accumulator, in sketch mode straight into the worker's sketch `local`,
/// whose moments are empty between chunks and are taken out for the ordered reduction. The
/// returned `stats` is the part of the chunk that must be reduced in chunk order (as
/// [`ordered_part`] gives it). `block` is the worker's buffer, reused.
#[allow(clippy::too_many_arguments)]
fn run_chunk(
    sc: &Scenario,
    o: &RunOptions,
    vars: &[Var],
    layout: &Layout,
    mode: SummaryMode,
    splits: &[OutcomeSplit],
    chunk: u64,
    local: Option<&mut MonthlyStats>,
    block: &mut Vec<f64>,
) -> ChunkOut {
    let lo = chunk * CHUNK_PATHS;
    let hi = (lo + CHUNK_PATHS).min(o.paths);
    let nv = vars.len();
    let stride = layout.stride();
    block.resize(BLOCK_PATHS * stride, 0.0);
    let into_local = local.is_some();
    let mut own = (!into_local).then(|| {
        let mut s = layout.stats(mode);
        s.expect_paths((hi - lo) as usize);
        s
    });
    let sink = match (local, own.as_mut()) {
        (Some(local), _) => local,
        (None, Some(own)) => own,
        (None, None) => unreachable!("one of the two is set"),
    };
    let mut diag = PathDiag::default();
    let mut trees = TreeStats::new(sc, o.months);
    let mut split_stats = new_split_stats(splits, layout, mode);
    let mut filled = 0;
    let keys = event_key_hashes(sc);
    for path in lo..hi {
        if o.cancelled() {
            break; // the caller discards the whole run
        }
        let mut sim = PathSim::with_keys(sc, &keys, o.seed, path, o.rng);
        let buf = &mut block[filled * stride..(filled + 1) * stride];
        for t in 0..o.months {
            sim.step_month();
            sim.write_vars(vars, &mut buf[t * nv..(t + 1) * nv]);
        }
        layout.fill(buf);
        diag.add(&sim.diag);
        trees.push_path(sim.tree_records());
        // The outcome is known only now; the whole path matrix goes to its accumulator.
        for (s, (acc, counts)) in splits.iter().zip(split_stats.iter_mut()) {
            let j = s.outcome_of(sim.tree_records());
            acc[j].push_path(buf);
            counts[j] += 1;
        }
        filled += 1;
        if filled == BLOCK_PATHS {
            sink.push_block(block);
            filled = 0;
        }
    }
    sink.push_block(&block[..filled * stride]);
    let moments = into_local.then(|| sink.take_moments());
    let stats = match (own, moments) {
        (Some(stats), _) => ordered_part(stats, None),
        (None, Some(moments)) => {
            let mut ordered = layout.stats(mode);
            ordered.fold_moments(&moments);
            ordered
        }
        (None, None) => unreachable!("moments are taken when there is no chunk accumulator"),
    };
    ChunkOut {
        stats,
        diag,
        trees,
        splits: split_stats,
    }
}

/// A worker's own sketches (sketch mode): the run total's, and each split outcome's.
struct Local {
    stats: MonthlyStats,
    splits: Vec<Vec<MonthlyStats>>,
}

/// The part of a chunk accumulator that must be reduced in chunk order. In sketch mode the
/// sketch counts go to the worker's `local` sketch and only the moments are returned; in exact
/// mode everything is (the merge into an empty accumulator copies the moments bit for bit and
/// trims the value block's slack here, on the worker, instead of under the lock).
fn ordered_part(stats: MonthlyStats, local: Option<&mut MonthlyStats>) -> MonthlyStats {
    let mut ordered = stats.empty_like();
    match local {
        Some(local) => {
            let mut stats = stats;
            ordered.fold_moments(&stats.take_moments());
            local.merge_order(stats);
        }
        None => ordered.merge(stats),
    }
    ordered
}

/// The reduction state, behind the lock.
struct State<'a> {
    acc: &'a mut Accum,
    /// The accumulator of the group being filled (moments, and exact values).
    group: Option<MonthlyStats>,
    next_claim: u64,
    next_merge: u64,
    /// Chunks finished ahead of `next_merge`.
    ready: BTreeMap<u64, ChunkOut>,
}

impl State<'_> {
    /// Folds chunk `next_merge` (exactly the old one-thread merge, chunk by chunk).
    fn reduce(&mut self, part: ChunkOut, end: u64) {
        let c = self.next_merge;
        match &mut self.group {
            Some(g) => g.merge(part.stats),
            None => self.group = Some(part.stats),
        }
        self.acc.diag.add(&part.diag);
        self.acc.trees.merge(&part.trees);
        for ((a, counts), (theirs, their_counts)) in
            self.acc.split_total.iter_mut().zip(part.splits)
        {
            for (a, b) in a.iter_mut().zip(theirs) {
                a.merge(b);
            }
            for (a, b) in counts.iter_mut().zip(their_counts) {
                *a += b;
            }
        }
        if (c + 1).is_multiple_of(GROUP_CHUNKS) || c + 1 == end {
            if let Some(g) = self.group.take() {
                self.acc.close_group(g);
            }
        }
        self.next_merge += 1;
    }
}

/// Everything a worker reads.
struct Job<'a> {
    sc: &'a Scenario,
    o: &'a RunOptions,
    vars: &'a [Var],
    layout: &'a Layout,
    splits: &'a [OutcomeSplit],
    mode: SummaryMode,
    range: Range<u64>,
    window: u64,
    state: Mutex<State<'a>>,
    /// Signalled whenever `next_merge` advances (the window moves), and when a worker dies.
    merged: Condvar,
    /// A worker panicked: its claimed chunk will never be reduced, so nobody may wait for it.
    aborted: AtomicBool,
    progress: &'a (dyn Fn(u64) + Sync),
}

const POISONED: &str = "a worker thread failed";

impl<'a> Job<'a> {
    fn lock(&self) -> Result<MutexGuard<'_, State<'a>>, RunError> {
        self.state
            .lock()
            .map_err(|_| RunError::Failed(POISONED.into()))
    }

    /// The next chunk to simulate, waiting while it is a window ahead; `None` when there is
    /// none left or a stop was requested.
    fn claim(&self) -> Result<Option<u64>, RunError> {
        let mut st = self.lock()?;
        loop {
            if self.aborted.load(Ordering::Relaxed) {
                return Err(RunError::Failed(POISONED.into()));
            }
            if self.o.cancelled() || st.next_claim >= self.range.end {
                return Ok(None);
            }
            if st.next_claim < st.next_merge + self.window {
                st.next_claim += 1;
                return Ok(Some(st.next_claim - 1));
            }
            st = self
                .merged
                .wait(st)
                .map_err(|_| RunError::Failed(POISONED.into()))?;
        }
    }

    /// One worker: claims chunks in order, simulates them, counts their sketches into its own,
    /// and reduces whatever chunks are next in order. Returns its sketches (sketch mode).
    fn work(&self) -> Result<Option<Local>, RunError> {
        let _wake = WakeOnPanic(self);
        let mut local = (self.mode == SummaryMode::Sketch).then(|| Local {
            stats: self.layout.stats(self.mode),
            splits: new_split_stats(self.splits, self.layout, self.mode)
                .into_iter()
                .map(|(acc, _)| acc)
                .collect(),
        });
        let mut block = Vec::new();
        while let Some(c) = self.claim()? {
            let mut out = run_chunk(
                self.sc,
                self.o,
                self.vars,
                self.layout,
                self.mode,
                self.splits,
                c,
                local.as_mut().map(|l| &mut l.stats),
                &mut block,
            );
            for (j, (accs, _)) in out.splits.iter_mut().enumerate() {
                for (k, acc) in accs.iter_mut().enumerate() {
                    let stats = std::mem::replace(acc, MonthlyStats::new(0, 0, self.mode));
                    let mine = local.as_mut().map(|l| &mut l.splits[j][k]);
                    *acc = ordered_part(stats, mine);
                }
            }
            let mut st = self.lock()?;
            st.ready.insert(c, out);
            let before = st.next_merge;
            loop {
                let next = st.next_merge;
                let Some(part) = st.ready.remove(&next) else {
                    break;
                };
                st.reduce(part, self.range.end);
            }
            if st.next_merge > before {
                (self.progress)((st.next_merge * CHUNK_PATHS).min(self.o.paths));
                self.merged.notify_all();
            }
        }
        Ok(local)
    }
}

/// Wakes the other workers if this one unwinds, so that they stop instead of waiting forever
/// for its chunk (the panic itself reaches the caller through `broadcast`).
struct WakeOnPanic<'j, 'a>(&'j Job<'a>);

impl Drop for WakeOnPanic<'_, '_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.aborted.store(true, Ordering::Relaxed);
            // Under the lock, so that no worker is between its check and its wait.
            let _st = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
            self.0.merged.notify_all();
        }
    }
}

/// Simulates the chunks `range` (whole groups, or ending at the run's last chunk) of a run of
/// `o.paths` paths into `acc`, one group accumulator at a time, on every thread of `pool`.
#[allow(clippy::too_many_arguments)]
pub(super) fn simulate_chunks(
    sc: &Scenario,
    o: &RunOptions,
    vars: &[Var],
    layout: &Layout,
    splits: &[OutcomeSplit],
    pool: &rayon::ThreadPool,
    range: Range<u64>,
    acc: &mut Accum,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<(), RunError> {
    if o.cancelled() {
        return Err(RunError::Cancelled);
    }
    let mode = acc.stats.mode();
    let job = Job {
        sc,
        o,
        vars,
        layout,
        splits,
        mode,
        window: (pool.current_num_threads() as u64 * WINDOW_PER_THREAD).max(1),
        state: Mutex::new(State {
            acc,
            group: None,
            next_claim: range.start,
            next_merge: range.start,
            ready: BTreeMap::new(),
        }),
        merged: Condvar::new(),
        aborted: AtomicBool::new(false),
        range,
        progress,
    };
    let locals = pool.broadcast(|_| job.work());
    let state = job
        .state
        .into_inner()
        .map_err(|_| RunError::Failed(POISONED.into()))?;
    if o.cancelled() {
        return Err(RunError::Cancelled);
    }
    debug_assert!(state.ready.is_empty() && state.group.is_none());
    let acc = state.acc;
    let locals: Vec<Local> = locals
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    let mut locals = locals.into_iter();
    let Some(mut first) = locals.next() else {
        return Ok(()); // exact mode: everything went through the ordered reduction
    };
    // The first worker's sketches become the totals (a full sketch is ~100 MB at 36 months, so
    // none is copied): they take over the totals' moments, which copies them bit for bit
    // (a worker's own moments are empty), and absorb the totals' earlier order statistics.
    // Sketch counts and extremes do not depend on the order they are added in.
    let adopt = |total: &mut MonthlyStats, mut mine: MonthlyStats| {
        mine.fold_moments(&total.take_moments());
        let earlier = std::mem::replace(total, mine);
        total.merge_order(earlier);
    };
    adopt(&mut acc.stats, first.stats);
    for ((total, _), mine) in acc.split_total.iter_mut().zip(first.splits.drain(..)) {
        for (t, m) in total.iter_mut().zip(mine) {
            adopt(t, m);
        }
    }
    for local in locals {
        acc.stats.merge_order(local.stats);
        for ((total, _), mine) in acc.split_total.iter_mut().zip(local.splits) {
            for (t, m) in total.iter_mut().zip(mine) {
                t.merge_order(m);
            }
        }
    }
    Ok(())
}

#[cfg(test)]
#[path = "pipeline_tests.rs"]
mod tests;
