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
//! Sketch memory per cell is 1 KiB per *occupied* page of 128 buckets (a quarter octave) of each
//! sign, plus 8 bytes per page spanned, whatever the number of paths: a cell whose non-zero
//! magnitudes span a factor `R` touches at most `⌊log₂ R⌋ + 2` octaves, so at most
//! `4·(⌊log₂ R⌋ + 2)` pages per sign (20 KiB for `R = 10`, 84 KiB for `R = 10⁶`). The crate
//! `sketches-ddsketch` was considered and not used: it treats `|v| < 1e-9` as zero, silently
//! collapses its lowest buckets past a bin limit (losing the bound), and offers no access by
//! rank, which type-7 interpolation needs.
//!
//! # Determinism
//! The engine builds one accumulator per fixed-size chunk of paths (on any thread) and merges
//! them in chunk order on one thread with [`MonthlyStats::merge`]. Mean and variance use
//! Welford's update within a chunk and Chan, Golub & LeVeque's pairwise combination across
//! chunks (Chan et al. 1979, "Updating formulae and a pairwise algorithm for computing sample
//! variances", Stanford CS tech. report STAN-CS-79-773), so the same chunk sequence gives the same
//! bits whichever thread built each chunk. Quantiles are independent of chunking altogether:
//! exact ones sort the same multiset, sketch ones add integer bucket counts.

/// Default memory budget for exact order statistics: 1 GiB.
pub const DEFAULT_BUDGET_BYTES: u64 = 1 << 30;

/// Relative error `α` of the sketch (see the module docs for the exact bound).
pub const SKETCH_RELATIVE_ERROR: f64 = 1e-3;

/// The probabilities reported, in the order of [`CellStats`]' quantile fields.
pub const PROBS: [f64; 7] = [0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95];

/// Values kept per block in exact mode (8 MiB), rounded down to whole paths.
const BLOCK_VALUES: usize = 1 << 20;

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

/// Welford running moments of one cell, combined with Chan's formula.
#[derive(Debug, Clone, Copy, Default)]
struct Moments {
    n: u64,
    nonfinite: u64,
    mean: f64,
    m2: f64,
}

impl Moments {
    #[inline]
    fn push(&mut self, x: f64) -> bool {
        if !x.is_finite() {
            self.nonfinite += 1;
            return false;
        }
        self.n += 1;
        let d = x - self.mean;
        self.mean += d / self.n as f64;
        self.m2 += d * (x - self.mean);
        true
    }

    fn merge(&mut self, o: &Moments) {
        self.nonfinite += o.nonfinite;
        if o.n == 0 {
            return;
        }
        if self.n == 0 {
            self.n = o.n;
            self.mean = o.mean;
            self.m2 = o.m2;
            return;
        }
        let (na, nb) = (self.n as f64, o.n as f64);
        let n = self.n + o.n;
        let d = o.mean - self.mean;
        self.mean += d * (nb / n as f64);
        self.m2 += o.m2 + d * d * (na * nb / n as f64);
        self.n = n;
    }

    fn sd(&self) -> f64 {
        match self.n {
            0 => f64::NAN,
            1 => 0.0,
            n => (self.m2.max(0.0) / (n - 1) as f64).sqrt(),
        }
    }
}

/// Type-7 interpolation between order statistics `a = x₍ₖ₎` and `b = x₍ₖ₊₁₎` at fraction `t`,
/// in numpy's form (exact at both ends, monotone).
#[inline]
fn lerp(a: f64, b: f64, t: f64) -> f64 {
    let d = b - a;
    if t < 0.5 {
        a + d * t
    } else {
        b - d * (1.0 - t)
    }
}

/// Ranks and fraction for type 7: `(k, k+1 clamped, f)`.
#[inline]
fn type7_ranks(n: u64, p: f64) -> (u64, u64, f64) {
    let h = (n - 1) as f64 * p;
    let k = (h.floor() as u64).min(n - 1);
    (k, (k + 1).min(n - 1), h - k as f64)
}

/// Exact type-7 quantile of sorted finite values.
#[cfg(test)]
fn exact_quantile(sorted: &[f64], p: f64) -> f64 {
    let (k, k1, f) = type7_ranks(sorted.len() as u64, p);
    lerp(sorted[k as usize], sorted[k1 as usize], f)
}

/// Exact type-7 quantiles at [`PROBS`] of finite values (reordered in place), by successive
/// selection rather than a full sort. Under `total_cmp` the value of each rank is unique, so
/// the result is the same bits as from a sorted copy.
fn exact_quantiles(xs: &mut [f64]) -> [f64; 7] {
    let n = xs.len() as u64;
    let ranks = PROBS.map(|p| type7_ranks(n, p));
    // Needed ranks, ascending and distinct.
    let mut wanted: Vec<usize> = ranks
        .iter()
        .flat_map(|&(k, k1, _)| [k as usize, k1 as usize])
        .collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut value = vec![0.0; wanted.len()];
    let mut from = 0;
    for (slot, &r) in wanted.iter().enumerate() {
        let (_, x, _) = xs[from..].select_nth_unstable_by(r - from, f64::total_cmp);
        value[slot] = *x;
        from = r + 1;
    }
    let at = |r: u64| value[wanted.binary_search(&(r as usize)).unwrap()];
    ranks.map(|(k, k1, f)| lerp(at(k), at(k1), f))
}

const PAGE: usize = 128;

/// Bucket counts of one sign, in 128-bucket pages allocated only where values fall, with the
/// exact smallest and largest magnitude seen.
#[derive(Debug, Clone)]
struct Store {
    /// Page index of `pages[0]`.
    base: i32,
    pages: Vec<Option<Box<[u64; PAGE]>>>,
    count: u64,
    lo: f64,
    hi: f64,
}

impl Store {
    fn new() -> Self {
        Store {
            base: 0,
            pages: Vec::new(),
            count: 0,
            lo: f64::INFINITY,
            hi: 0.0,
        }
    }

    #[inline]
    fn add(&mut self, key: i32, count: u64) {
        let page = key.div_euclid(PAGE as i32);
        let slot = key.rem_euclid(PAGE as i32) as usize;
        if self.pages.is_empty() {
            self.base = page;
            self.pages.push(None);
        } else if page < self.base {
            let extra = (self.base - page) as usize;
            self.pages
                .splice(0..0, std::iter::repeat_with(|| None).take(extra));
            self.base = page;
        } else if page - self.base >= self.pages.len() as i32 {
            self.pages
                .resize_with((page - self.base) as usize + 1, || None);
        }
        let p = self.pages[(page - self.base) as usize].get_or_insert_with(|| Box::new([0; PAGE]));
        p[slot] += count;
        self.count += count;
    }

    /// Adds finite magnitude `m > 0`.
    #[inline]
    fn add_magnitude(&mut self, m: f64) {
        self.lo = self.lo.min(m);
        self.hi = self.hi.max(m);
        self.add(bucket_of(m), 1);
    }

    fn merge(&mut self, o: &Store) {
        self.lo = self.lo.min(o.lo);
        self.hi = self.hi.max(o.hi);
        for (i, page) in o.pages.iter().enumerate() {
            let Some(page) = page else { continue };
            let first = (o.base + i as i32) * PAGE as i32;
            for (s, &c) in page.iter().enumerate() {
                if c > 0 {
                    self.add(first + s as i32, c);
                }
            }
        }
    }

    /// Key of the bucket holding the value of 0-based `rank` in ascending key order.
    fn key_at_rank(&self, rank: u64) -> i32 {
        debug_assert!(rank < self.count);
        let mut seen = 0;
        for (i, page) in self.pages.iter().enumerate() {
            let Some(page) = page else { continue };
            for (s, &c) in page.iter().enumerate() {
                seen += c;
                if seen > rank {
                    return (self.base + i as i32) * PAGE as i32 + s as i32;
                }
            }
        }
        unreachable!("rank {rank} beyond store count {}", self.count)
    }

    /// Estimated magnitude of the value of 0-based `rank`: its bucket `[lo, hi)` narrowed to
    /// the exact extremes seen; the estimate is the harmonic mean of the ends, within relative
    /// error `(hi−lo)/(hi+lo) ≤ 1/1025` of anything between them.
    fn magnitude_at_rank(&self, rank: u64) -> f64 {
        let (bottom, top) = bucket_bounds(self.key_at_rank(rank));
        let (lo, hi) = (bottom.max(self.lo), top.min(self.hi));
        if lo > hi {
            // Unreachable for normal numbers; subnormal bounds may round.
            return if top < self.lo { self.lo } else { self.hi };
        }
        let r = hi / lo;
        lo * (2.0 * r / (1.0 + r))
    }
}

/// Sub-buckets per binary octave (`2⁹`): the top 9 bits of the mantissa.
const SUB_BITS: u32 = 9;
/// `2⁶⁴`, to bring subnormals into the normal range exactly.
const TWO_64: f64 = 18_446_744_073_709_551_616.0;

/// Bucket of a finite magnitude `m > 0`: `512 · (biased binary exponent) + top 9 mantissa
/// bits`, read from the bits, so exact and the same on every platform (no `ln`).
#[inline]
fn bucket_of(m: f64) -> i32 {
    let (bits, shift) = if m < f64::MIN_POSITIVE {
        ((m * TWO_64).to_bits(), 64)
    } else {
        (m.to_bits(), 0)
    };
    let exp = ((bits >> 52) & 0x7ff) as i32 - shift;
    let sub = ((bits >> (52 - SUB_BITS)) & ((1 << SUB_BITS) - 1)) as i32;
    (exp << SUB_BITS) | sub
}

/// `[lo, hi)` of a bucket: `2ᵉ·(1 + j/512) ≤ m < 2ᵉ·(1 + (j+1)/512)`.
fn bucket_bounds(key: i32) -> (f64, f64) {
    let at = |k: i32| {
        let (exp, sub) = (k >> SUB_BITS, (k & ((1 << SUB_BITS) - 1)) as u64);
        if exp >= 1 {
            // exp = 2047 (past the largest octave) gives +inf, as it should.
            f64::from_bits(((exp as u64) << 52) | (sub << (52 - SUB_BITS)))
        } else {
            f64::from_bits((((exp + 64) as u64) << 52) | (sub << (52 - SUB_BITS))) / TWO_64
        }
    };
    (at(key), at(key + 1))
}

/// Log-linear histogram quantile sketch of one cell (see the module docs).
#[derive(Debug, Clone)]
struct Sketch {
    pos: Store,
    /// Magnitudes of the negative values.
    neg: Store,
    zeros: u64,
}

impl Sketch {
    fn new() -> Self {
        Sketch {
            pos: Store::new(),
            neg: Store::new(),
            zeros: 0,
        }
    }

    #[inline]
    fn add(&mut self, x: f64) {
        if x > 0.0 {
            self.pos.add_magnitude(x);
        } else if x < 0.0 {
            self.neg.add_magnitude(-x);
        } else {
            self.zeros += 1;
        }
    }

    fn merge(&mut self, o: &Sketch) {
        self.pos.merge(&o.pos);
        self.neg.merge(&o.neg);
        self.zeros += o.zeros;
    }

    /// Estimate of the order statistic of 0-based `rank` (ascending).
    fn value_at_rank(&self, rank: u64) -> f64 {
        let nneg = self.neg.count;
        if rank < nneg {
            -self.neg.magnitude_at_rank(nneg - 1 - rank)
        } else if rank < nneg + self.zeros {
            0.0
        } else {
            self.pos.magnitude_at_rank(rank - nneg - self.zeros)
        }
    }

    fn quantile(&self, n: u64, p: f64) -> f64 {
        let (k, k1, f) = type7_ranks(n, p);
        let a = self.value_at_rank(k);
        let b = if k1 == k { a } else { self.value_at_rank(k1) };
        lerp(a, b, f)
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
    moments: Vec<Moments>,
    order: Order,
}

impl MonthlyStats {
    /// An empty accumulator for `months × vars` cells.
    pub fn new(months: usize, vars: usize, mode: SummaryMode) -> Self {
        let cells = months * vars;
        let order = match mode {
            SummaryMode::Exact => Order::Exact { blocks: Vec::new() },
            SummaryMode::Sketch => Order::Sketch {
                cells: (0..cells).map(|_| Sketch::new()).collect(),
            },
        };
        MonthlyStats {
            months,
            vars,
            moments: vec![Moments::default(); cells],
            order,
        }
    }

    pub fn mode(&self) -> SummaryMode {
        match self.order {
            Order::Exact { .. } => SummaryMode::Exact,
            Order::Sketch { .. } => SummaryMode::Sketch,
        }
    }

    /// Adds one path: `values[t * vars + v]`, length `months * vars`.
    pub fn push_path(&mut self, values: &[f64]) {
        let stride = self.months * self.vars;
        assert_eq!(
            values.len(),
            stride,
            "push_path: expected months*vars = {stride} values"
        );
        match &mut self.order {
            Order::Exact { blocks } => {
                for (m, &x) in self.moments.iter_mut().zip(values) {
                    m.push(x);
                }
                let per_block = (BLOCK_VALUES / stride.max(1)).max(1) * stride;
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
            (self.months, self.vars, self.mode()),
            (other.months, other.vars, other.mode()),
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

    /// The summary of every cell.
    pub fn finish(self) -> Summary {
        let mode = self.mode();
        let mut cells: Vec<CellStats> = self
            .moments
            .iter()
            .map(|m| CellStats {
                n: m.n,
                nonfinite: m.nonfinite,
                mean: if m.n == 0 { f64::NAN } else { m.mean },
                sd: m.sd(),
                p05: f64::NAN,
                p10: f64::NAN,
                p25: f64::NAN,
                p50: f64::NAN,
                p75: f64::NAN,
                p90: f64::NAN,
                p95: f64::NAN,
            })
            .collect();
        let set = |c: &mut CellStats, q: [f64; 7]| {
            [c.p05, c.p10, c.p25, c.p50, c.p75, c.p90, c.p95] = q;
        };
        match &self.order {
            Order::Exact { blocks } => {
                let stride = self.months * self.vars;
                let n_max = self.moments.iter().map(|m| m.n).max().unwrap_or(0).max(1);
                // Gather a group of adjacent cells per pass over the blocks: reads whole cache
                // lines of each path instead of one value, within SCRATCH_BYTES of columns.
                let group = ((SCRATCH_BYTES / (8 * n_max)) as usize).clamp(1, 64);
                let mut cols: Vec<Vec<f64>> = vec![Vec::new(); group.min(stride)];
                for g in (0..stride).step_by(group) {
                    let w = group.min(stride - g);
                    for (j, col) in cols.iter_mut().enumerate().take(w) {
                        col.clear();
                        col.reserve(self.moments[g + j].n as usize);
                    }
                    for row in blocks.iter().flat_map(|b| b.chunks_exact(stride)) {
                        for (col, &x) in cols.iter_mut().zip(&row[g..g + w]) {
                            if x.is_finite() {
                                col.push(x);
                            }
                        }
                    }
                    for (j, col) in cols.iter_mut().enumerate().take(w) {
                        if !col.is_empty() {
                            set(&mut cells[g + j], exact_quantiles(col));
                        }
                    }
                }
            }
            Order::Sketch { cells: sketches } => {
                for ((c, m), sk) in cells.iter_mut().zip(&self.moments).zip(sketches) {
                    if m.n > 0 {
                        set(c, PROBS.map(|p| sk.quantile(m.n, p)));
                    }
                }
            }
        }
        Summary {
            months: self.months,
            vars: self.vars,
            cells,
            mode,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;
    use rand_distr::{Distribution, LogNormal, Normal};

    fn stats_of(values: &[f64], mode: SummaryMode) -> CellStats {
        let mut s = MonthlyStats::new(1, 1, mode);
        for &x in values {
            s.push_path(&[x]);
        }
        *s.finish().cell(0, 0)
    }

    #[test]
    fn exact_type7_hand_computed() {
        // 1..=10: h = 9p. p05: h=0.45 → 1+0.45 = 1.45; p10: 1.9; p25: h=2.25 → 3.25;
        // p50: 5.5; p75: h=6.75 → 7.75; p90: 9.1; p95: h=8.55 → 9.55.
        let v: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        let c = stats_of(&v, SummaryMode::Exact);
        let got = [c.p05, c.p10, c.p25, c.p50, c.p75, c.p90, c.p95];
        let want = [1.45, 1.9, 3.25, 5.5, 7.75, 9.1, 9.55];
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() < 1e-12, "{got:?} vs {want:?}");
        }
        assert_eq!(c.n, 10);
        assert!((c.mean - 5.5).abs() < 1e-12);
        // sample variance of 1..10 = 55/6
        assert!((c.sd - (55.0f64 / 6.0).sqrt()).abs() < 1e-12);

        // [-3, 0, 0, 7]: h = 3p. p25: h=0.75 → -3 + 0.75*3 = -0.75; p50: 0; p95: h=2.85 → 0+0.85*7.
        let c = stats_of(&[7.0, 0.0, -3.0, 0.0], SummaryMode::Exact);
        assert!((c.p25 + 0.75).abs() < 1e-12);
        assert_eq!(c.p50, 0.0);
        assert!((c.p95 - 5.95).abs() < 1e-12);
        assert!((c.p05 + 3.0 - 0.15 * 3.0).abs() < 1e-12);
    }

    #[test]
    fn small_counts() {
        for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
            let c = stats_of(&[], mode);
            assert_eq!((c.n, c.nonfinite), (0, 0));
            assert!(c.mean.is_nan() && c.sd.is_nan() && c.p05.is_nan() && c.p95.is_nan());
            let c = stats_of(&[4.25], mode);
            assert_eq!(
                (c.n, c.mean, c.sd, c.p05, c.p50, c.p95),
                (1, 4.25, 0.0, 4.25, 4.25, 4.25)
            );
        }
    }

    #[test]
    fn nonfinite_counted_and_skipped() {
        let v = [1.0, f64::NAN, 2.0, f64::INFINITY, 3.0, f64::NEG_INFINITY];
        for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
            let c = stats_of(&v, mode);
            assert_eq!((c.n, c.nonfinite), (3, 3), "{mode:?}");
            assert_eq!(c.mean, 2.0);
            assert_eq!(c.sd, 1.0);
            assert!((c.p50 - 2.0).abs() <= 2.0 * SKETCH_RELATIVE_ERROR);
            assert!(c.p05.is_finite() && c.p95.is_finite());
        }
        let c = stats_of(&[f64::NAN, f64::NAN], SummaryMode::Exact);
        assert_eq!((c.n, c.nonfinite), (0, 2));
        assert!(c.mean.is_nan() && c.p50.is_nan());
    }

    #[test]
    fn choose_mode_budget() {
        assert_eq!(
            choose_mode(1000, 120, 20, DEFAULT_BUDGET_BYTES),
            SummaryMode::Exact
        );
        // 1000·120·20·8 = 19.2 MB
        assert_eq!(choose_mode(1000, 120, 20, 19_200_000), SummaryMode::Exact);
        assert_eq!(choose_mode(1000, 120, 20, 19_199_999), SummaryMode::Sketch);
        assert_eq!(
            choose_mode(u64::MAX, 120, 20, u64::MAX - 1),
            SummaryMode::Sketch
        );
        assert_eq!(SummaryMode::Sketch.as_str(), "sketch");
    }

    /// Paths of a 3-month × 2-variable run with assorted values.
    fn paths(n: usize, seed: u64) -> Vec<Vec<f64>> {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let norm = Normal::new(50.0, 20.0).unwrap();
        (0..n)
            .map(|i| {
                (0..6)
                    .map(|j| {
                        if (i + j) % 97 == 0 {
                            f64::NAN
                        } else if j % 2 == 1 && i % 3 == 0 {
                            0.0
                        } else {
                            norm.sample(&mut rng)
                        }
                    })
                    .collect()
            })
            .collect()
    }

    fn chunked(ps: &[Vec<f64>], sizes: &[usize], mode: SummaryMode) -> Summary {
        let mut acc = MonthlyStats::new(3, 2, mode);
        let mut rest = ps;
        let mut i = 0;
        while !rest.is_empty() {
            let take = sizes[i % sizes.len()].min(rest.len());
            let mut chunk = MonthlyStats::new(3, 2, mode);
            for p in &rest[..take] {
                chunk.push_path(p);
            }
            acc.merge(chunk);
            rest = &rest[take..];
            i += 1;
        }
        acc.finish()
    }

    fn bits(s: &Summary) -> Vec<[u64; 9]> {
        s.cells
            .iter()
            .map(|c| {
                [
                    c.mean, c.sd, c.p05, c.p10, c.p25, c.p50, c.p75, c.p90, c.p95,
                ]
                .map(f64::to_bits)
            })
            .collect()
    }

    fn quantile_bits(s: &Summary) -> Vec<[u64; 7]> {
        s.cells
            .iter()
            .map(|c| [c.p05, c.p10, c.p25, c.p50, c.p75, c.p90, c.p95].map(f64::to_bits))
            .collect()
    }

    #[test]
    fn same_chunk_sequence_same_bits_on_any_thread() {
        let ps = paths(5000, 7);
        for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
            let serial = chunked(&ps, &[1024], mode);
            // Build the same chunks on other threads, merge in chunk order here.
            let chunks: Vec<MonthlyStats> = std::thread::scope(|sc| {
                let handles: Vec<_> = ps
                    .chunks(1024)
                    .map(|c| {
                        sc.spawn(move || {
                            let mut s = MonthlyStats::new(3, 2, mode);
                            c.iter().for_each(|p| s.push_path(p));
                            s
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let mut acc = MonthlyStats::new(3, 2, mode);
            for c in chunks {
                acc.merge(c);
            }
            let threaded = acc.finish();
            assert_eq!(bits(&serial), bits(&threaded), "{mode:?}");
            assert_eq!(serial.cells[0].nonfinite, threaded.cells[0].nonfinite);
        }
    }

    #[test]
    fn quantiles_independent_of_chunking() {
        let ps = paths(3000, 11);
        for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
            let a = chunked(&ps, &[3000], mode);
            let b = chunked(&ps, &[1], mode);
            let c = chunked(&ps, &[7, 500, 1, 1024], mode);
            assert_eq!(quantile_bits(&a), quantile_bits(&b), "{mode:?}");
            assert_eq!(quantile_bits(&a), quantile_bits(&c), "{mode:?}");
            for (x, y) in a.cells.iter().zip(&c.cells) {
                assert_eq!((x.n, x.nonfinite), (y.n, y.nonfinite));
                assert!((x.mean - y.mean).abs() <= 1e-12 * x.mean.abs().max(1.0));
                assert!((x.sd - y.sd).abs() <= 1e-12 * x.sd.max(1.0));
            }
        }
    }

    #[test]
    fn exact_matches_sorted_reference_per_cell() {
        let ps = paths(2000, 3);
        let s = chunked(&ps, &[300], SummaryMode::Exact);
        for i in 0..6 {
            let mut col: Vec<f64> = ps.iter().map(|p| p[i]).filter(|x| x.is_finite()).collect();
            col.sort_by(f64::total_cmp);
            let c = &s.cells[i];
            assert_eq!(c.n as usize, col.len());
            assert_eq!(c.p50, exact_quantile(&col, 0.5));
            assert_eq!(c.p95, exact_quantile(&col, 0.95));
        }
    }

    #[test]
    fn selection_equals_sorting() {
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let d = Normal::new(0.0, 3.0).unwrap();
        for n in 1..60 {
            // Rounded values: many ties, and both zeros.
            let mut v: Vec<f64> = (0..n).map(|_| f64::round(d.sample(&mut rng))).collect();
            v[0] = -0.0;
            let mut sorted = v.clone();
            sorted.sort_by(f64::total_cmp);
            let want = PROBS.map(|p| exact_quantile(&sorted, p).to_bits());
            assert_eq!(exact_quantiles(&mut v).map(f64::to_bits), want, "n = {n}");
        }
    }

    /// Checks every reported sketch quantile against the documented bound.
    fn check_sketch_bound(name: &str, values: &[f64]) {
        let exact = stats_of(values, SummaryMode::Exact);
        let sketch = stats_of(values, SummaryMode::Sketch);
        assert_eq!(exact.n, sketch.n);
        assert_eq!(exact.mean.to_bits(), sketch.mean.to_bits());
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        let got = [
            sketch.p05, sketch.p10, sketch.p25, sketch.p50, sketch.p75, sketch.p90, sketch.p95,
        ];
        let ex = [
            exact.p05, exact.p10, exact.p25, exact.p50, exact.p75, exact.p90, exact.p95,
        ];
        for ((p, g), e) in PROBS.iter().zip(got).zip(ex) {
            let (k, k1, f) = type7_ranks(sorted.len() as u64, *p);
            let (a, b) = (sorted[k as usize], sorted[k1 as usize]);
            let bound = SKETCH_RELATIVE_ERROR * ((1.0 - f) * a.abs() + f * b.abs()) * (1.0 + 1e-9);
            assert!(
                (g - e).abs() <= bound,
                "{name} p{p}: sketch {g} exact {e} |err| {} > bound {bound}",
                (g - e).abs()
            );
            if a.signum() == b.signum() || a == 0.0 || b == 0.0 {
                assert!((g - e).abs() <= SKETCH_RELATIVE_ERROR * e.abs() * (1.0 + 1e-9));
            }
        }
    }

    const N: usize = 200_000;

    #[test]
    fn sketch_bound_normal() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let d = Normal::new(70.0, 25.0).unwrap();
        let v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
        check_sketch_bound("normal(70,25)", &v);
        let d = Normal::new(0.0, 1.0).unwrap();
        let v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
        check_sketch_bound("normal(0,1)", &v);
    }

    #[test]
    fn sketch_bound_lognormal() {
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        let d = LogNormal::new(0.0, 2.5).unwrap();
        let v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
        check_sketch_bound("lognormal(0,2.5)", &v);
        // Tiny and huge magnitudes in one cell: no bucket collapsing.
        let v: Vec<f64> = v
            .iter()
            .enumerate()
            .map(|(i, x)| if i % 2 == 0 { x * 1e-200 } else { x * 1e200 })
            .collect();
        check_sketch_bound("lognormal spanning 1e-200..1e200", &v);
    }

    #[test]
    fn sketch_bound_zero_inflated() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let d = LogNormal::new(3.0, 0.5).unwrap();
        // 30 % exact zeros (and some -0.0), 0/1 indicator-like mass, continuous remainder.
        let v: Vec<f64> = (0..N)
            .map(|i| match i % 10 {
                0 | 1 => 0.0,
                2 => -0.0,
                3 => 1.0,
                _ => d.sample(&mut rng),
            })
            .collect();
        check_sketch_bound("zero-inflated", &v);
        let ind: Vec<f64> = (0..N).map(|i| f64::from(i % 7 == 0)).collect();
        let c = stats_of(&ind, SummaryMode::Sketch);
        assert_eq!((c.p05, c.p50, c.p90), (0.0, 0.0, 1.0));
        let neg: Vec<f64> = ind.iter().map(|x| -2.5 * x).collect();
        let c = stats_of(&neg, SummaryMode::Sketch);
        assert_eq!((c.p05, c.p50, c.p95), (-2.5, 0.0, 0.0));
    }

    #[test]
    fn sketch_bound_negative_and_mixed_sign() {
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let d = Normal::new(-12.0, 3.0).unwrap();
        let v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
        check_sketch_bound("normal(-12,3)", &v);
        let d = LogNormal::new(1.0, 1.0).unwrap();
        let v: Vec<f64> = (0..N).map(|_| -d.sample(&mut rng)).collect();
        check_sketch_bound("negative lognormal", &v);
        let d = Normal::new(1.0, 10.0).unwrap();
        let v: Vec<f64> = (0..N).map(|_| d.sample(&mut rng)).collect();
        check_sketch_bound("normal(1,10) straddling zero", &v);
    }

    #[test]
    fn sketch_memory_bounded() {
        let mut s = MonthlyStats::new(1, 1, SummaryMode::Sketch);
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        let d = Normal::new(80.0, 5.0).unwrap();
        for _ in 0..N {
            s.push_path(&[d.sample(&mut rng)]);
        }
        let Order::Sketch { cells } = &s.order else {
            unreachable!()
        };
        let pages = cells[0].pos.pages.iter().flatten().count();
        // 80 ± 6σ lies in 50..110: quarter octaves [48,56) .. [96,112) → 5 pages.
        assert!(pages <= 5, "{pages} pages");
    }

    /// Throughput smoke test: `cargo test --release --lib engine::stats -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn throughput_smoke() {
        let (months, vars, paths) = (120, 20, 20_000);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let d = LogNormal::new(4.0, 0.4).unwrap();
        let path: Vec<f64> = (0..months * vars).map(|_| d.sample(&mut rng)).collect();
        for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
            let t0 = std::time::Instant::now();
            let mut acc = MonthlyStats::new(months, vars, mode);
            let mut shifted = path.clone();
            for chunk in 0..paths / 1000 {
                let mut c = MonthlyStats::new(months, vars, mode);
                for i in 0..1000 {
                    let f = 1.0 + ((chunk * 1000 + i) % 977) as f64 * 1e-3;
                    shifted.iter_mut().zip(&path).for_each(|(s, p)| *s = p * f);
                    c.push_path(&shifted);
                }
                acc.merge(c);
            }
            let t1 = t0.elapsed();
            let s = acc.finish();
            println!(
                "{mode:?}: {paths} paths x {} cells: push+merge {t1:.2?}, finish {:.2?}",
                months * vars,
                t0.elapsed() - t1
            );
            assert_eq!(s.cells[0].n, paths as u64);
        }
    }

    fn two_pass(v: &[f64]) -> (f64, f64) {
        let n = v.len() as f64;
        let mean = v.iter().sum::<f64>() / n;
        let var = v.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    proptest! {
        #[test]
        fn merged_moments_match_one_pass(
            v in prop::collection::vec(-1e6f64..1e6, 2..400),
            cuts in prop::collection::vec(1usize..50, 1..10),
        ) {
            let one = stats_of(&v, SummaryMode::Exact);
            let mut acc = MonthlyStats::new(1, 1, SummaryMode::Exact);
            let mut rest = &v[..];
            let mut i = 0;
            while !rest.is_empty() {
                let take = cuts[i % cuts.len()].min(rest.len());
                let mut c = MonthlyStats::new(1, 1, SummaryMode::Exact);
                rest[..take].iter().for_each(|&x| c.push_path(&[x]));
                acc.merge(c);
                rest = &rest[take..];
                i += 1;
            }
            let merged = *acc.finish().cell(0, 0);
            let (mean, sd) = two_pass(&v);
            let scale = v.iter().fold(0.0f64, |m, x| m.max(x.abs())).max(1.0);
            prop_assert_eq!(merged.n, v.len() as u64);
            prop_assert!((merged.mean - one.mean).abs() <= 1e-10 * scale);
            prop_assert!((merged.mean - mean).abs() <= 1e-10 * scale);
            prop_assert!((merged.sd - one.sd).abs() <= 1e-8 * scale);
            prop_assert!((merged.sd - sd).abs() <= 1e-8 * scale);
            prop_assert_eq!(merged.p50.to_bits(), one.p50.to_bits());
        }
    }
}
