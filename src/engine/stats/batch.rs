//! Batch insertion: a block of paths added at once, [`MonthlyStats::push_block`].
//!
//! Path by path, each value goes through its own cell's Welford update, extremes, bucket key
//! and pending buffer: scattered scalar work. Here the cells are cut into tiles of one
//! register's worth of adjacent cells, and a tile walks the block's paths in order with one
//! lane per cell. A path's values of a tile are side by side in the block, so every step is
//! the same arithmetic on all lanes, vectorised inside `pulp::Arch::dispatch` to the widest
//! instruction set the machine has (AVX-512, AVX2, or the portable fallback), like `vmath`.
//!
//! The outputs do not change, bit for bit. Each lane runs exactly the scalar Welford update of
//! its cell (`Moments::push`: the same IEEE operations in the same order, paths in push
//! order; a non-finite value is a masked-off lane), so the moments are the bits the path-wise
//! push gives, whatever the width. Bucket keys are read from the bits (integer operations),
//! the extremes are minima and maxima of positive magnitudes, and counts are integers, so they
//! are exact too and do not depend on the order they are counted in. The tests check all of
//! this against `push_path` on random, zero, signed-zero, subnormal, huge and non-finite values.
//!
//! In sketch mode the keys wait in each cell's pending buffer, as with `push_path`, but up to
//! 1,024 of them (`sketch::BLOCK_PENDING_MAX`): counting is the dear part (each count touches
//! a cache line of a sketch that spans ~100 MB), and keys of one cell counted together share
//! their lines. So the engine pushes blocks into a worker's own sketch, which lives for the
//! whole run, not into a chunk accumulator that is merged and dropped (`engine::pipeline`).
//! Keeping 256 of them instead cost 7% more user time in a whole sketch-mode run
//! (docs/performance.md).

use super::moments::Moments;
use super::sketch::{Sketch, NEG_TAG, SUB_BITS, TWO_64};
use super::{MonthlyStats, Order};

/// The key of a value that has none: zero or non-finite (counted otherwise).
const SKIP: i32 = i32::MIN;

/// Cells per tile: one register of `f64`s (4 on AVX2 and the portable fallback, 8 on
/// AVX-512), so that a tile's running state stays in registers while it walks the paths.
/// Wider tiles (16, until the fourteenth session) kept it in memory, and LLVM turned its
/// "keep the old value on a non-finite lane" updates into masked stores, which AMD's cores
/// run microcoded and cannot forward to the next path's load (with the prefetch below, the
/// insertion is 25% cheaper on the EPYC; docs/performance.md, D337).
const LANES_NARROW: usize = 4;
const LANES_WIDE: usize = 8;

/// Paths per pass of a tile: its keys wait in a 2 KiB scratch on the stack until the cells
/// are counted. A block is best a few dozen paths (the engine's `BLOCK_PATHS`), small
/// enough to stay in the core's L2 cache while the tiles walk it.
const PASS: usize = 32;

/// The bucket key of a finite magnitude `m > 0`, the same as `sketch::bucket_of` but without
/// a branch, so that a loop of it vectorises. Garbage for 0 and non-finite `m`; the caller
/// masks those lanes.
#[inline(always)]
pub(super) fn bucket_key(m: f64) -> i32 {
    let sub = m < f64::MIN_POSITIVE;
    let bits = if sub { m * TWO_64 } else { m }.to_bits();
    let exp = ((bits >> 52) & 0x7ff) as i32 - if sub { 64 } else { 0 };
    let mantissa = ((bits >> (52 - SUB_BITS)) & ((1 << SUB_BITS) - 1)) as i32;
    (exp << SUB_BITS) | mantissa
}

/// Values ahead of the tile's start that [`prefetch`] asks for: two cache lines. The tiles
/// walk 32 rows a whole path apart (~35 KB), too many streams for the hardware prefetcher,
/// so without it every new line of a row is a demand miss.
const AHEAD: usize = 16;

/// Hints the cache line holding `v[i]` (nothing past the end); never changes a value.
#[inline(always)]
fn prefetch(v: &[f64], i: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(x) = v.get(i) {
        // SAFETY: a prefetch of a valid address has no observable effect but timing.
        unsafe {
            std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                (x as *const f64).cast(),
            )
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (v, i);
}

/// The running state of a tile, one lane per cell.
struct Lanes<const W: usize> {
    /// Finite values counted, as `f64` (exact below 2⁵³), so that the division is lane-wise.
    n: [f64; W],
    nonfinite: [u64; W],
    mean: [f64; W],
    m2: [f64; W],
    zeros: [u64; W],
    /// Smallest and largest magnitude of the positive and of the negative values.
    pos_lo: [f64; W],
    pos_hi: [f64; W],
    neg_lo: [f64; W],
    neg_hi: [f64; W],
}

impl<const W: usize> Lanes<W> {
    #[inline(always)]
    fn load(m: &[Moments]) -> Self {
        Lanes {
            n: std::array::from_fn(|j| m[j].n as f64),
            nonfinite: std::array::from_fn(|j| m[j].nonfinite),
            mean: std::array::from_fn(|j| m[j].mean),
            m2: std::array::from_fn(|j| m[j].m2),
            zeros: [0; W],
            pos_lo: [f64::INFINITY; W],
            pos_hi: [0.0; W],
            neg_lo: [f64::INFINITY; W],
            neg_hi: [0.0; W],
        }
    }

    #[inline(always)]
    fn store(&self, m: &mut [Moments]) {
        for (j, m) in m.iter_mut().enumerate().take(W) {
            m.n = self.n[j] as u64;
            m.nonfinite = self.nonfinite[j];
            m.mean = self.mean[j];
            m.m2 = self.m2[j];
        }
    }

    /// Lane `j`'s Welford update by a finite `x`: `Moments::push`, operation for operation,
    /// and every write unconditional.
    #[inline(always)]
    fn welford(&mut self, j: usize, x: f64) {
        let n = self.n[j] + 1.0;
        let d = x - self.mean[j];
        let mean = self.mean[j] + d / n;
        self.m2[j] += d * (x - mean);
        self.n[j] = n;
        self.mean[j] = mean;
    }

    /// One path's values of the tile. With `SKETCH`, also the extremes, zeros and keys.
    #[inline(always)]
    fn step<const SKETCH: bool>(&mut self, row: &[f64; W], keys: &mut [i32; W]) {
        // `Moments::push`, operation for operation. A row with a non-finite value (rare) takes
        // the lane-masked update; the common row updates every lane unconditionally. Writing
        // "keep the old value" selects in the common loop let LLVM turn them into masked
        // stores, which the next path's load cannot forward from on AMD's cores (the
        // division's result then went through memory: the kernel's hottest stall).
        if row.iter().fold(true, |all, x| all & x.is_finite()) {
            for (j, &x) in row.iter().enumerate() {
                self.welford(j, x);
            }
        } else {
            for (j, &x) in row.iter().enumerate() {
                if x.is_finite() {
                    self.welford(j, x);
                } else {
                    self.nonfinite[j] += 1;
                }
            }
        }
        for j in 0..W {
            let x = row[j];
            let m = x.abs();
            let finite = m < f64::INFINITY;
            if SKETCH {
                let pos = finite & (x > 0.0);
                let neg = finite & (x < 0.0);
                self.zeros[j] += u64::from(x == 0.0);
                // `a < b ? a : b` rather than `f64::min`: no NaN reaches it, and it is one
                // instruction per register.
                let lo = if pos { m } else { f64::INFINITY };
                self.pos_lo[j] = if lo < self.pos_lo[j] {
                    lo
                } else {
                    self.pos_lo[j]
                };
                let hi = if pos { m } else { 0.0 };
                self.pos_hi[j] = if hi > self.pos_hi[j] {
                    hi
                } else {
                    self.pos_hi[j]
                };
                let lo = if neg { m } else { f64::INFINITY };
                self.neg_lo[j] = if lo < self.neg_lo[j] {
                    lo
                } else {
                    self.neg_lo[j]
                };
                let hi = if neg { m } else { 0.0 };
                self.neg_hi[j] = if hi > self.neg_hi[j] {
                    hi
                } else {
                    self.neg_hi[j]
                };
                let key = bucket_key(m);
                keys[j] = if pos {
                    key
                } else if neg {
                    key + NEG_TAG
                } else {
                    SKIP
                };
            }
        }
    }
}

/// Adds paths `rows` (each `stride` values, cells `c0..c0 + W` read) to the cells' moments
/// and, with `SKETCH`, to their sketches.
#[inline(always)]
fn tile<const W: usize, const SKETCH: bool>(
    rows: &[f64],
    stride: usize,
    c0: usize,
    moments: &mut [Moments],
    sketches: &mut [Sketch],
) {
    let mut keys = [[SKIP; W]; PASS];
    let mut s = Lanes::<W>::load(&moments[c0..c0 + W]);
    for pass in rows.chunks(PASS * stride) {
        let paths = pass.len() / stride;
        for (p, keys) in keys.iter_mut().enumerate().take(paths) {
            let row: &[f64; W] = pass[p * stride + c0..p * stride + c0 + W]
                .try_into()
                .expect("W values");
            prefetch(pass, p * stride + c0 + AHEAD);
            s.step::<SKETCH>(row, keys);
        }
        if SKETCH {
            for (j, sk) in sketches[c0..c0 + W].iter_mut().enumerate() {
                // The cell's keys, SKIPs left out without a branch: each is written, and
                // kept only if the next one may overwrite it.
                let mut kept = [0; PASS];
                let mut n = 0;
                for k in keys.iter().take(paths) {
                    kept[n % PASS] = k[j];
                    n += usize::from(k[j] != SKIP);
                }
                sk.pend(&kept[..n]);
            }
        }
    }
    s.store(&mut moments[c0..c0 + W]);
    if SKETCH {
        for (j, sk) in sketches[c0..c0 + W].iter_mut().enumerate() {
            sk.note_batch(
                s.zeros[j],
                (s.pos_lo[j], s.pos_hi[j]),
                (s.neg_lo[j], s.neg_hi[j]),
            );
        }
    }
}

/// Cells `range` of every path of `rows`: full tiles of `W`, then one lane at a time.
#[inline(always)]
fn cells<const W: usize, const SKETCH: bool>(
    rows: &[f64],
    stride: usize,
    range: std::ops::Range<usize>,
    moments: &mut [Moments],
    sketches: &mut [Sketch],
) {
    let mut c = range.start;
    while c + W <= range.end {
        tile::<W, SKETCH>(rows, stride, c, moments, sketches);
        c += W;
    }
    while c < range.end {
        tile::<1, SKETCH>(rows, stride, c, moments, sketches);
        c += 1;
    }
}

/// One `push_block` as a `pulp` operation. A struct rather than a closure: `dispatch`
/// compiles `with_simd` once per instruction set only if everything in it is inlined there,
/// and a closure is called through a shim that LLVM did not inline (the loops came out as
/// scalar SSE2 code, `objdump`).
struct Kernel<'a> {
    block: &'a [f64],
    stride: usize,
    /// Cells `0..kept` have sketches, the rest only moments.
    kept: usize,
    moments: &'a mut [Moments],
    sketches: &'a mut [Sketch],
}

impl pulp::WithSimd for Kernel<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _: S) {
        let Kernel {
            block,
            stride,
            kept,
            moments,
            sketches,
        } = self;
        if S::F64_LANES >= LANES_WIDE {
            cells::<LANES_WIDE, true>(block, stride, 0..kept, moments, sketches);
            cells::<LANES_WIDE, false>(block, stride, kept..stride, moments, &mut []);
        } else {
            cells::<LANES_NARROW, true>(block, stride, 0..kept, moments, sketches);
            cells::<LANES_NARROW, false>(block, stride, kept..stride, moments, &mut []);
        }
    }
}

impl MonthlyStats {
    /// Adds the paths of `block`, one after another (each as [`MonthlyStats::push_path`]
    /// takes it: `months * vars + extra + tail` values): the same result, bit for bit, as
    /// pushing them one by one, at a fraction of the cost. In sketch mode each cell keeps up to
    /// 1,024 keys pending (4 KiB), so this is for an accumulator that lives long (a
    /// worker's), not for one merged and dropped per chunk. A block of a few dozen paths is
    /// fastest (see the module docs).
    pub fn push_block(&mut self, block: &[f64]) {
        let kept = self.kept();
        let stride = kept + self.tail;
        if block.is_empty() {
            return;
        }
        assert!(
            stride > 0 && block.len().is_multiple_of(stride),
            "push_block: {} values are not whole paths of months*vars + extra + tail = {stride}",
            block.len()
        );
        let per_block = self.per_block();
        let moments = &mut self.moments;
        match &mut self.order {
            Order::Sketch { cells: sketches } => pulp::Arch::new().dispatch(Kernel {
                block,
                stride,
                kept,
                moments,
                sketches,
            }),
            Order::Exact { blocks } => {
                pulp::Arch::new().dispatch(Kernel {
                    block,
                    stride,
                    kept: 0,
                    moments,
                    sketches: &mut [],
                });
                for row in block.chunks_exact(stride) {
                    let values = &row[..kept];
                    match blocks.last_mut() {
                        Some(b) if b.len() + kept <= b.capacity() => b.extend_from_slice(values),
                        _ => {
                            let mut b = Vec::with_capacity(per_block);
                            b.extend_from_slice(values);
                            blocks.push(b);
                        }
                    }
                }
            }
        }
    }
}
