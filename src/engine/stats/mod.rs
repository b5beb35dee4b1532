//! Mergeable per-month, per-variable summaries of Monte Carlo paths.
//!
//! Every path yields a `[month][variable]` matrix of `f64`. For each cell this module reports
//! count, mean, sample s.d. and the 5/10/25/50/75/90/95 % quantiles, and counts non-finite values
//! (NaN, ±inf), which are skipped, never averaged in.
//!
//! # Why two modes
//! Exact order statistics need every value. While `paths × months × vars × 8 bytes` fits a budget
//! ([`DEFAULT_BUDGET_BYTES`], 1 GiB, or the caller's), [`SummaryMode::Exact`] keeps them all and
//! reports Hyndman–Fan type-7 quantiles (linear interpolation between order statistics, numpy's
//! default): with `h = (n−1)p`, `k = ⌊h⌋`, `f = h − k`, `q = x₍ₖ₎ + f·(x₍ₖ₊₁₎ − x₍ₖ₎)`
//! (Hyndman & Fan 1996, "Sample quantiles in statistical packages", *The American
//! Statistician* 50(4), doi:10.1080/00031305.1996.10473566). Values are stored path-major in
//! blocks exactly as pushed, so memory is the stated `8 bytes` per value plus one partly filled
//! block (≤ 8 MiB) per accumulator, plus scratch space at [`MonthlyStats::finish`] of 64 MiB
//! (or one cell's column, if larger), where order statistics are found by selection.
//!
//! Beyond the budget, [`SummaryMode::Sketch`] keeps, per cell, a fixed-bin log-linear histogram
//! of each sign, in the manner of HdrHistogram (G. Tene) and of DDSketch (Masson, Rim & Lee
//! 2019, "DDSketch: a fast and fully-mergeable quantile sketch with relative-error guarantees",
//! PVLDB 12(12), doi:10.14778/3352063.3352135): every binary octave `[2ᵉ, 2ᵉ⁺¹)` of magnitudes is
//! cut into 512 equal-width buckets, and a non-zero value goes to the bucket named by its
//! exponent and top 9 mantissa bits. That is read from the bits, so it is exact and identical on
//! every platform (no `ln`, whose last bit varies between math libraries). A bucket `[lo, hi)`
//! has `hi/lo ≤ 1 + 1/512`. Zeros (and `-0.0`) are counted exactly and reported as `0`. The
//! exact smallest and largest magnitude of each sign are kept and narrow the bucket they fall
//! in, so the extremes of a sample, and a value alone in its bucket's range (a 0/1 indicator, a
//! constant), come out exact. A bucket reports the harmonic mean of its (narrowed) ends, within
//! relative error `(hi−lo)/(hi+lo) ≤ 1/1025` of every value in it.
//!
//! # Sketch error bound
//! With `α = `[`SKETCH_RELATIVE_ERROR`]` = 1e-3` (> 1/1025, which leaves room for rounding),
//! each estimated order statistic satisfies `|x̂₍ⱼ₎ − x₍ⱼ₎| ≤ α·|x₍ⱼ₎|` (zero exactly zero), for
//! every finite value however small or large: buckets are never collapsed. (Subnormal values,
//! below 2.2e-308, are bucketed exactly but their estimates may also be off by a few 5e-324.)
//! A quantile is interpolated as in type 7 from the two estimated order statistics, so
//! `|q̂ − q| ≤ α·((1−f)·|x₍ₖ₎| + f·|x₍ₖ₊₁₎|)`, which is `α·|q|` whenever `x₍ₖ₎` and `x₍ₖ₊₁₎` do not
//! straddle zero. The tests check this bound against exact type-7 quantiles for normal,
//! lognormal (also spanning 1e-200..1e200), zero-inflated, all-negative and mixed-sign samples
//! of 200 000 values.
//!
//! Sketch memory per cell is 512 bytes per *occupied* page of 128 buckets (a quarter octave) of
//! each sign (32-bit counters; a bucket past 2³² − 1 carries its high part exactly, off the
//! page), plus 8 bytes per page spanned, whatever the number of paths: a cell whose non-zero
//! magnitudes span a factor `R` touches at most `⌊log₂ R⌋ + 2` octaves, so at most
//! `4·(⌊log₂ R⌋ + 2)` pages per sign (10 KiB for `R = 10`, 42 KiB for `R = 10⁶`). The crate
//! `sketches-ddsketch` was considered and not used: it treats `|v| < 1e-9` as zero, silently
//! collapses its lowest buckets past a bin limit (losing the bound), and offers no access by
//! rank, which type-7 interpolation needs.
//!
//! # Determinism
//! The engine builds one accumulator per fixed-size chunk of paths (on any thread) and folds
//! the moments in chunk order, within fixed 16-chunk groups (`engine::pipeline`, one fold at a
//! time under a lock); sketch counts, which do not depend on order, are added per worker and
//! summed at the end. Mean and variance use
//! Welford's update within a chunk and Chan, Golub & LeVeque's pairwise combination across
//! chunks (Chan et al. 1979, "Updating formulae and a pairwise algorithm for computing sample
//! variances", Stanford CS tech. report STAN-CS-79-773), so the same chunk sequence gives the same
//! bits whichever thread built each chunk. Quantiles are independent of chunking altogether:
//! exact ones sort the same multiset, sketch ones add integer bucket counts.

mod batch;
#[cfg(test)]
mod batch_tests;
pub mod codec;
pub mod compound_probe;
pub mod derived;
mod derived_probes;
mod exact;
mod groups;
mod mcse;
mod moments;
pub mod period_probe;
pub mod period_spec;
mod probe_error;
pub mod share_diff;
mod sketch;
mod summarize;
#[cfg(test)]
mod tests;
mod values;

pub use groups::GroupMoments;
pub use values::{BadValue, MAX_VALUE};

use moments::Moments;
use sketch::Sketch;

/// Default memory budget for exact order statistics: 1 GiB.
pub const DEFAULT_BUDGET_BYTES: u64 = 1 << 30;

/// Relative error `α` of the sketch (see the module docs for the exact bound).
pub const SKETCH_RELATIVE_ERROR: f64 = 1e-3;

/// The probabilities reported, in the order of [`CellStats`]' quantile fields.
pub const PROBS: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Values kept per block in exact mode (8 MiB), rounded down to whole paths.
const BLOCK_VALUES: usize = 1 << 20;

/// The largest block [`MonthlyStats::expect_paths`] asks for (64 MiB).
const MAX_HINT_BYTES: u64 = 64 << 20;

/// Scratch space for gathering cells' columns at [`MonthlyStats::finish`] in exact mode
/// (64 MiB, or one column if that is larger).
const SCRATCH_BYTES: u64 = 64 << 20;

/// How quantiles are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SummaryMode {
    /// Every value kept; exact type-7 quantiles.
    Exact,
    /// Log-linear histogram; quantiles within relative error [`SKETCH_RELATIVE_ERROR`].
    Sketch,
}

impl SummaryMode {
    /// `"exact"` or `"sketch"`, as written in the manifest.
    pub fn as_str(self) -> &'static str {
        match self {
            SummaryMode::Exact => "exact",
            SummaryMode::Sketch => "sketch",
        }
    }
}

/// Exact while `paths × months × vars × 8` bytes fit `budget_bytes`, sketch beyond.
pub fn choose_mode(paths: u64, months: usize, vars: usize, budget_bytes: u64) -> SummaryMode {
    let bytes = paths
        .saturating_mul(months as u64)
        .saturating_mul(vars as u64)
        .saturating_mul(8);
    if bytes <= budget_bytes {
        SummaryMode::Exact
    } else {
        SummaryMode::Sketch
    }
}

/// Summary of one (month, variable) cell. With `n = 0` every statistic is NaN.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellStats {
    /// Finite values counted.
    pub n: u64,
    /// NaN and ±inf values seen and skipped.
    pub nonfinite: u64,
    pub mean: f64,
    /// Sample standard deviation (divisor `n − 1`); 0 for `n = 1`.
    pub sd: f64,
    pub p05: f64,
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
    pub p95: f64,
    /// Monte Carlo standard error of `mean`: `sd / √n` (see `stats::mcse`); NaN for `n < 2`.
    pub mc_se_mean: f64,
    /// Monte Carlo standard error of `p50`: Siddiqui's sparsity estimate with Bofinger's
    /// bandwidth (see `stats::mcse`); NaN for `n < 2`.
    pub mc_se_p50: f64,
}

/// All cells of a run, `cells[t * vars + v]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub months: usize,
    pub vars: usize,
    pub cells: Vec<CellStats>,
    pub mode: SummaryMode,
}

impl Summary {
    /// The cell of month `t` (0-based from the run's start) and variable `v`.
    pub fn cell(&self, t: usize, v: usize) -> &CellStats {
        assert!(
            t < self.months && v < self.vars,
            "cell ({t}, {v}) out of range"
        );
        &self.cells[t * self.vars + v]
    }
}

#[derive(Debug, Clone)]
enum Order {
    /// Path-major blocks of values exactly as pushed (non-finite included, skipped at finish).
    Exact { blocks: Vec<Vec<f64>> },
    /// One sketch per cell.
    Sketch { cells: Vec<Sketch> },
}

/// Accumulator of per-cell statistics over a sequence of paths.
#[derive(Debug, Clone)]
pub struct MonthlyStats {
    months: usize,
    vars: usize,
    /// Derived cells per path after the monthly ones that keep order statistics (totals).
    extra: usize,
    /// Derived cells after those that keep moments only (0/1 indicators: a share needs no
    /// order statistics, and keeping none leaves memory flat in paths). See [`derived`].
    tail: usize,
    moments: Vec<Moments>,
    order: Order,
    /// Paths per exact-mode block when the accumulator knows how many it will take (0: blocks
    /// of [`BLOCK_VALUES`]); see [`MonthlyStats::expect_paths`].
    block_paths: usize,
}

impl MonthlyStats {
    /// An empty accumulator for `months × vars` cells.
    pub fn new(months: usize, vars: usize, mode: SummaryMode) -> Self {
        Self::with_cells(months, vars, 0, 0, mode)
    }

    /// An empty accumulator for `months × vars` cells, then `extra` cells with order
    /// statistics and `tail` cells with moments only (see [`derived::Layout`]).
    pub fn with_cells(
        months: usize,
        vars: usize,
        extra: usize,
        tail: usize,
        mode: SummaryMode,
    ) -> Self {
        let kept = months * vars + extra;
        let order = match mode {
            SummaryMode::Exact => Order::Exact { blocks: Vec::new() },
            SummaryMode::Sketch => Order::Sketch {
                cells: (0..kept).map(|_| Sketch::new()).collect(),
            },
        };
        MonthlyStats {
            months,
            vars,
            extra,
            tail,
            moments: vec![Moments::default(); kept + tail],
            order,
            block_paths: 0,
        }
    }

    /// Tells an exact-mode accumulator that about `paths` paths will be pushed, so that it
    /// keeps them in one block of exactly that size (up to [`MAX_HINT_BYTES`]). A chunk's
    /// accumulator then never holds a block with slack: merging it copies nothing, and no
    /// freshly faulted block is freed again a moment later (10–20% of a 20,000-path run's CPU
    /// went to zeroing such pages, performance.md). No effect in sketch mode or on results.
    pub fn expect_paths(&mut self, paths: usize) {
        let bytes = paths.saturating_mul(self.kept()).saturating_mul(8);
        self.block_paths = if bytes as u64 <= MAX_HINT_BYTES {
            paths
        } else {
            0
        };
    }

    /// Values per exact-mode block: whole paths.
    fn per_block(&self) -> usize {
        let stride = self.kept().max(1);
        if self.block_paths > 0 {
            self.block_paths * stride
        } else {
            (BLOCK_VALUES / stride).max(1) * stride
        }
    }

    /// An empty accumulator of the same shape and mode.
    pub fn empty_like(&self) -> MonthlyStats {
        Self::with_cells(self.months, self.vars, self.extra, self.tail, self.mode())
    }

    /// Cells per path that keep order statistics.
    fn kept(&self) -> usize {
        self.months * self.vars + self.extra
    }

    fn shape(&self) -> (usize, usize, usize, usize, SummaryMode) {
        (self.months, self.vars, self.extra, self.tail, self.mode())
    }

    pub fn mode(&self) -> SummaryMode {
        match self.order {
            Order::Exact { .. } => SummaryMode::Exact,
            Order::Sketch { .. } => SummaryMode::Sketch,
        }
    }

    /// Adds one path: `values[t * vars + v]`, then the derived cells; length
    /// `months * vars + extra + tail`.
    pub fn push_path(&mut self, values: &[f64]) {
        let kept = self.kept();
        assert_eq!(
            values.len(),
            kept + self.tail,
            "push_path: expected months*vars + extra + tail = {} values",
            kept + self.tail
        );
        let (values, tail) = values.split_at(kept);
        for (m, &x) in self.moments[kept..].iter_mut().zip(tail) {
            m.push(x);
        }
        let stride = kept;
        let per_block = self.per_block();
        match &mut self.order {
            Order::Exact { blocks } => {
                for (m, &x) in self.moments.iter_mut().zip(values) {
                    m.push(x);
                }
                match blocks.last_mut() {
                    Some(b) if b.len() + stride <= b.capacity() => b.extend_from_slice(values),
                    _ => {
                        let mut b = Vec::with_capacity(per_block);
                        b.extend_from_slice(values);
                        blocks.push(b);
                    }
                }
            }
            Order::Sketch { cells } => {
                for ((m, s), &x) in self.moments.iter_mut().zip(cells.iter_mut()).zip(values) {
                    if m.push(x) {
                        s.add(x);
                    }
                }
            }
        }
    }

    /// Appends `other`'s paths after `self`'s. Both must have the same shape and mode.
    pub fn merge(&mut self, other: MonthlyStats) {
        assert_eq!(
            self.shape(),
            other.shape(),
            "merge: accumulators differ in shape or mode"
        );
        for (a, b) in self.moments.iter_mut().zip(&other.moments) {
            a.merge(b);
        }
        match (&mut self.order, other.order) {
            (Order::Exact { blocks }, Order::Exact { blocks: theirs }) => {
                // Free the slack of partly filled blocks so memory stays ~8 bytes a value.
                if let Some(b) = blocks.last_mut() {
                    b.shrink_to_fit();
                }
                blocks.extend(theirs.into_iter().filter(|b| !b.is_empty()).map(|mut b| {
                    b.shrink_to_fit();
                    b
                }));
            }
            (Order::Sketch { cells }, Order::Sketch { cells: theirs }) => {
                for (a, b) in cells.iter_mut().zip(&theirs) {
                    a.merge(b);
                }
            }
            _ => unreachable!("modes checked above"),
        }
    }
}

#[cfg(test)]
mod mcse_tests;
