//! The log-linear histogram quantile sketch (see the module docs of `stats`).

use super::exact::{lerp, type7_ranks};

const PAGE: usize = 128;
const PAGE_BITS: u32 = 7;
const _: () = assert!(PAGE == 1 << PAGE_BITS);

/// Bucket counts of one sign, in 128-bucket pages allocated only where values fall, with the
/// exact smallest and largest magnitude seen.
///
/// A page holds the low 32 bits of each bucket's count, so that a worker's sketch (one store
/// per cell and sign, visited at random by `count_keys`) takes half the memory and half the
/// cache lines of `u64` counters. A bucket past 2³² − 1 values carries its high part in
/// `carry`, exactly: a wrap costs one predictable branch per key and never happens below four
/// billion values in one bucket of one cell.
#[derive(Debug, Clone)]
pub(super) struct Store {
    /// Page index of `pages[0]`.
    base: i32,
    pub(super) pages: Vec<Option<Box<[u32; PAGE]>>>,
    /// High parts (multiples of 2³²) of the buckets whose counts wrapped, by key.
    carry: Vec<(i32, u64)>,
    count: u64,
    lo: f64,
    hi: f64,
}

impl Store {
    fn new() -> Self {
        Store {
            base: 0,
            pages: Vec::new(),
            carry: Vec::new(),
            count: 0,
            lo: f64::INFINITY,
            hi: 0.0,
        }
    }

    #[inline]
    fn add(&mut self, key: i32, count: u64) {
        let slot = self.slot(key);
        let sum = *slot as u64 + count;
        *slot = sum as u32;
        if sum >> 32 != 0 {
            self.carry_into(key, sum & !0xffff_ffff);
        }
        self.count += count;
    }

    /// Adds `high` (a multiple of 2³²) to bucket `key`'s carried high part.
    #[cold]
    fn carry_into(&mut self, key: i32, high: u64) {
        match self.carry.iter_mut().find(|(k, _)| *k == key) {
            Some((_, h)) => *h += high,
            None => self.carry.push((key, high)),
        }
    }

    /// Bucket `key`'s count from its page's low part `low`.
    #[inline]
    fn full(&self, key: i32, low: u32) -> u64 {
        let high = if self.carry.is_empty() {
            0
        } else {
            self.carry
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(0, |(_, h)| *h)
        };
        high + low as u64
    }

    /// Every bucket with a count, ascending by key: (key, count).
    pub(super) fn buckets(&self) -> impl Iterator<Item = (i32, u64)> + '_ {
        self.pages.iter().enumerate().flat_map(move |(i, page)| {
            let first = (self.base + i as i32) * PAGE as i32;
            page.iter().flat_map(move |p| {
                p.iter().enumerate().filter_map(move |(s, &c)| {
                    let key = first + s as i32;
                    let n = self.full(key, c);
                    (n > 0).then_some((key, n))
                })
            })
        })
    }

    /// The counter of bucket `key`, its page created if needed.
    #[inline]
    fn slot(&mut self, key: i32) -> &mut u32 {
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
        &mut p[slot]
    }

    /// Notes finite magnitude `m > 0` in the exact extremes.
    #[inline]
    fn note_extremes(&mut self, m: f64) {
        self.lo = self.lo.min(m);
        self.hi = self.hi.max(m);
    }

    /// Counts one value in bucket `key` (its extremes already noted) but not in `count`,
    /// which the caller adds once: an increment of `count` per key would chain every count
    /// through memory.
    #[inline]
    fn bump(&mut self, key: i32) {
        // Fast path, the common case once a chunk has seen a few paths: the page exists.
        // `>> 7` is the floor division by PAGE; a page below `base` wraps to a huge index.
        let at = ((key >> PAGE_BITS) - self.base) as usize;
        let c = match self.pages.get_mut(at) {
            Some(Some(page)) => &mut page[(key & (PAGE as i32 - 1)) as usize],
            _ => self.slot(key),
        };
        let (v, wrapped) = c.overflowing_add(1);
        *c = v;
        if wrapped {
            self.carry_into(key, 1 << 32);
        }
    }

    fn merge(&mut self, o: &Store) {
        self.lo = self.lo.min(o.lo);
        self.hi = self.hi.max(o.hi);
        for (key, c) in o.buckets() {
            self.add(key, c);
        }
    }

    /// Key of the bucket holding the value of 0-based `rank` in ascending key order.
    ///
    /// A page whose whole count lies below the rank is passed over by its sum (a vectorised
    /// add of its 128 counters), not bucket by bucket: reading the quantiles of a run's ~5,000
    /// cells bucket by bucket was a quarter of a 2,000-path sketch-mode run's instructions.
    fn key_at_rank(&self, rank: u64) -> i32 {
        debug_assert!(rank < self.count);
        let mut seen = 0;
        for (i, page) in self.pages.iter().enumerate() {
            let Some(page) = page else { continue };
            let first = (self.base + i as i32) * PAGE as i32;
            let high: u64 = self
                .carry
                .iter()
                .filter(|(k, _)| (first..first + PAGE as i32).contains(k))
                .map(|(_, h)| h)
                .sum();
            let total = high + page.iter().map(|&c| c as u64).sum::<u64>();
            if seen + total <= rank {
                seen += total;
                continue;
            }
            for (s, &c) in page.iter().enumerate() {
                let key = first + s as i32;
                seen += self.full(key, c);
                if seen > rank {
                    return key;
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

/// Page of the smallest bucket key (`-2¹⁵`, a subnormal's) and of the largest (`< 2²⁰`).
const MIN_PAGE: i32 = -(1 << 15) / PAGE as i32;
const MAX_PAGE: i32 = ((1 << 20) - 1) / PAGE as i32;

/// Sub-buckets per binary octave (`2⁹`): the top 9 bits of the mantissa.
pub(super) const SUB_BITS: u32 = 9;
/// `2⁶⁴`, to bring subnormals into the normal range exactly.
pub(super) const TWO_64: f64 = 18_446_744_073_709_551_616.0;

/// Bucket of a finite magnitude `m > 0`: `512 · (biased binary exponent) + top 9 mantissa
/// bits`, read from the bits, so exact and the same on every platform (no `ln`).
#[inline]
pub(super) fn bucket_of(m: f64) -> i32 {
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

/// Values a sketch holds unbucketed before it starts filling pages (one engine chunk's worth).
const PENDING_MAX: usize = 256;

/// The same for keys added a block at a time ([`Sketch::pend`]): a worker's long-lived
/// sketch, whose pages span a whole run's values (~100 MB at 36 months), so that each cell's
/// pages are visited once per thousand values rather than once per block.
pub(super) const BLOCK_PENDING_MAX: usize = 1024;

/// Log-linear histogram quantile sketch of one cell (see the module docs).
#[derive(Debug, Clone)]
pub(super) struct Sketch {
    pub(super) pos: Store,
    /// Magnitudes of the negative values.
    neg: Store,
    zeros: u64,
    /// Bucket keys of values not counted yet (negative values' keys offset by [`NEG_TAG`]).
    /// A chunk accumulator sees a few hundred values per cell, spread over a dozen or more
    /// sparse 1 KiB pages; allocating, zeroing, scanning at the merge and freeing those pages
    /// for every chunk cost more than the model step itself. So up to [`PENDING_MAX`] keys
    /// (4 bytes each) wait here, their extremes already noted, and are counted when the
    /// sketch is merged into another or queried: the same counts and extremes as if counted at
    /// once (neither depends on order). The key is computed where the value is pushed (on the
    /// worker), so the merge (on one thread) only increments counters. Keys added a block at a
    /// time ([`Sketch::pend`]) wait up to [`BLOCK_PENDING_MAX`].
    pending: Vec<i32>,
}

/// Offset of a negative value's key in `Sketch::pending`; keys lie in `[-2¹⁵, 2²⁰)`.
pub(super) const NEG_TAG: i32 = 1 << 22;

impl Sketch {
    pub(super) fn new() -> Self {
        Sketch {
            pos: Store::new(),
            neg: Store::new(),
            zeros: 0,
            pending: Vec::new(),
        }
    }

    #[inline]
    pub(super) fn add(&mut self, x: f64) {
        if self.pending.len() >= PENDING_MAX {
            self.flush();
        }
        let key = if x > 0.0 {
            self.pos.note_extremes(x);
            bucket_of(x)
        } else if x < 0.0 {
            self.neg.note_extremes(-x);
            bucket_of(-x) + NEG_TAG
        } else {
            self.zeros += 1;
            return;
        };
        if self.pending.capacity() == 0 {
            self.pending.reserve_exact(PENDING_MAX);
        }
        self.pending.push(key);
    }

    /// Notes what a batch of values adds besides their keys: its zeros and the smallest and
    /// largest magnitude of each sign (`(inf, 0)` for a sign it did not have, which leaves
    /// the extremes as they are).
    pub(super) fn note_batch(&mut self, zeros: u64, pos: (f64, f64), neg: (f64, f64)) {
        self.zeros += zeros;
        for (store, (lo, hi)) in [(&mut self.pos, pos), (&mut self.neg, neg)] {
            store.lo = store.lo.min(lo);
            store.hi = store.hi.max(hi);
        }
    }

    /// Leaves `keys` pending (their values' extremes and zeros are noted by
    /// [`Sketch::note_batch`]).
    #[inline]
    pub(super) fn pend(&mut self, keys: &[i32]) {
        if self.pending.len() + keys.len() > BLOCK_PENDING_MAX.max(keys.len()) {
            self.flush();
        }
        self.pending.extend_from_slice(keys);
    }

    /// Counts the pending keys (keeps their buffer for reuse).
    fn flush(&mut self) {
        let mut pending = std::mem::take(&mut self.pending);
        self.count_keys(&pending);
        pending.clear();
        self.pending = pending;
    }

    /// Counts pending-style keys (negative values' offset by [`NEG_TAG`]).
    fn count_keys(&mut self, keys: &[i32]) {
        let mut neg = 0;
        for &k in keys {
            if k >= NEG_TAG >> 1 {
                self.neg.bump(k - NEG_TAG);
                neg += 1;
            } else {
                self.pos.bump(k);
            }
        }
        self.neg.count += neg;
        self.pos.count += keys.len() as u64 - neg;
    }

    pub(super) fn merge(&mut self, o: &Sketch) {
        // The receiving sketch is counted first, then the other's pending keys are counted
        // straight into it: no pages are built for a chunk that is merged and dropped.
        self.flush();
        self.count_keys(&o.pending);
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

    pub(super) fn quantile(&self, n: u64, p: f64) -> f64 {
        if !self.pending.is_empty() {
            // Only an accumulator queried without a merge (the engine always merges).
            let mut s = self.clone();
            s.flush();
            return s.quantile(n, p);
        }
        let (k, k1, f) = type7_ranks(n, p);
        let a = self.value_at_rank(k);
        let b = if k1 == k { a } else { self.value_at_rank(k1) };
        lerp(a, b, f)
    }
}

#[path = "sketch_codec.rs"]
mod wire;

#[cfg(test)]
mod carry_tests {
    use super::super::codec::{Reader, Writer};
    use super::*;

    /// Passing pages over by their sums finds the bucket a scan of every bucket finds, at
    /// every rank, across empty and missing pages and a carried high part.
    #[test]
    fn rank_search_skips_pages_exactly() {
        let naive = |st: &Store, rank: u64| {
            let mut seen = 0;
            st.buckets()
                .find(|&(_, c)| {
                    seen += c;
                    seen > rank
                })
                .map(|(k, _)| k)
        };
        let mut st = Store::new();
        // Keys on five pages, two of them far apart (missing pages between), negative keys too.
        for (i, key) in [-300, -299, 5, 127, 128, 300, 301, 2000, 2047]
            .iter()
            .enumerate()
        {
            st.add(*key, 1 + (i as u64 * 7) % 5);
        }
        for rank in 0..st.count {
            assert_eq!(Some(st.key_at_rank(rank)), naive(&st, rank), "rank {rank}");
        }
        let mut big = Store::new();
        big.add(10, 3);
        big.add(200, u32::MAX as u64 + 5);
        big.add(201, 2);
        for rank in [
            0,
            2,
            3,
            4,
            u32::MAX as u64 + 7,
            u32::MAX as u64 + 8,
            big.count - 1,
        ] {
            assert_eq!(
                Some(big.key_at_rank(rank)),
                naive(&big, rank),
                "rank {rank}"
            );
        }
    }

    /// A bucket past 2³² − 1 values keeps its exact count (the page holds the low 32 bits),
    /// through bumps across the wrap, additions, merges, ranks and the `partial.bin` codec.
    #[test]
    fn counts_past_u32_are_exact() {
        let mut a = Store::new();
        let key = bucket_of(3.0);
        a.note_extremes(3.0);
        a.add(key, u32::MAX as u64 - 1);
        for _ in 0..3 {
            a.bump(key);
        }
        a.count += 3;
        a.note_extremes(bucket_bounds(key + 1).0);
        a.add(key + 1, 5_000_000_000);
        assert_eq!(
            a.full(key, a.pages[0].as_ref().unwrap()[(key & 127) as usize]),
            (1 << 32) + 1
        );
        let buckets: Vec<(i32, u64)> = a.buckets().collect();
        assert_eq!(
            buckets,
            vec![(key, (1 << 32) + 1), (key + 1, 5_000_000_000)]
        );
        assert_eq!(a.key_at_rank(1 << 32), key);
        assert_eq!(a.key_at_rank((1 << 32) + 1), key + 1);
        let mut b = Store::new();
        b.merge(&a);
        b.merge(&a);
        assert_eq!(
            b.buckets().collect::<Vec<_>>(),
            vec![(key, (1 << 33) + 2), (key + 1, 10_000_000_000)]
        );
        assert_eq!(b.count, 2 * a.count);
        let mut w = Writer::default();
        b.encode(&mut w);
        let c = Store::decode(&mut Reader::new(&w.buf)).unwrap();
        assert_eq!(
            c.buckets().collect::<Vec<_>>(),
            b.buckets().collect::<Vec<_>>()
        );
        assert_eq!(c.count, b.count);
    }
}
