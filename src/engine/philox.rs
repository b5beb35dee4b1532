//! Philox4x32-10 (Salmon, Moraes, Dror and Shaw, "Parallel random numbers: as easy as
//! 1, 2, 3", SC'11): a keyed bijection of a 128-bit counter, so the `n`-th block of a stream
//! costs one call, whatever was drawn before it, and a batch of paths is a batch of counters.
//!
//! Written here rather than taken from a crate: no maintained Rust crate ships it (the
//! `philox` crate is a 2019 0.0.0; the multi-generator packs that include it bring their own
//! RNG traits), the round is a dozen lines, and the tests check it against the three
//! known-answer vectors of the reference implementation (Random123's `kat_vectors`).
//! docs/performance.md gives the measurements that chose it over ChaCha8 in counter mode.

/// Round multipliers and the Weyl key increments of Philox4x32.
const M0: u64 = 0xD251_1F53;
const M1: u64 = 0xCD9E_8D57;
const W0: u32 = 0x9E37_79B9;
const W1: u32 = 0xBB67_AE85;

/// One Philox4x32-10 block: 128 random bits for `ctr` under `key`.
#[inline(always)]
pub fn block(ctr: [u32; 4], key: [u32; 2]) -> [u32; 4] {
    let [mut c0, mut c1, mut c2, mut c3] = ctr;
    let [mut k0, mut k1] = key;
    for r in 0..10 {
        if r > 0 {
            k0 = k0.wrapping_add(W0);
            k1 = k1.wrapping_add(W1);
        }
        let p0 = M0 * c0 as u64;
        let p1 = M1 * c2 as u64;
        (c0, c1, c2, c3) = (
            (p1 >> 32) as u32 ^ c1 ^ k0,
            p1 as u32,
            (p0 >> 32) as u32 ^ c3 ^ k1,
            p0 as u32,
        );
    }
    [c0, c1, c2, c3]
}

/// The two 64-bit words of a block (low half first): the unit every draw consumes.
#[inline(always)]
pub fn words(b: [u32; 4]) -> [u64; 2] {
    [
        b[0] as u64 | (b[1] as u64) << 32,
        b[2] as u64 | (b[3] as u64) << 32,
    ]
}

/// The counter of block `block` of the stream `slot` of `path`.
#[inline(always)]
pub fn counter(block: u32, slot: u32, path: u64) -> [u32; 4] {
    [block, slot, path as u32, (path >> 32) as u32]
}

/// Rows of blocks (a stream's key and a block index) and the blocks they give for a batch of
/// consecutive paths at one slot: the unit of work of the vector unit. A month's draws list
/// every block of every stream once, and [`Blocks::compute`] runs them all in one call,
/// vectorised across the paths, or across the rows when the batch is one path.
#[derive(Debug, Clone, Default)]
pub struct Blocks {
    k0: Vec<u32>,
    k1: Vec<u32>,
    block: Vec<u32>,
    lanes: usize,
    /// The paths' counter words (low, high) of the last `compute`.
    path_lo: Vec<u32>,
    path_hi: Vec<u32>,
    /// The four output words of row `r`, lane `l` at `r * lanes + l`.
    x: [Vec<u32>; 4],
}

impl Blocks {
    /// Appends blocks `0..blocks` of the stream under `key`: block `b` of lane `l` will be
    /// entry `(first + b) * lanes + l`. Returns the row `first`.
    pub fn push_stream(&mut self, key: [u32; 2], blocks: u32) -> usize {
        let first = self.k0.len();
        for b in 0..blocks {
            self.k0.push(key[0]);
            self.k1.push(key[1]);
            self.block.push(b);
        }
        first
    }

    pub fn rows(&self) -> usize {
        self.k0.len()
    }

    /// The two 64-bit words of entry `i` (as [`words`] of its block).
    #[inline]
    pub fn words(&self, i: usize) -> [u64; 2] {
        let x = &self.x;
        words([x[0][i], x[1][i], x[2][i], x[3][i]])
    }

    /// Word `half` (0 or 1) of entry `i`.
    #[inline]
    pub fn word(&self, i: usize, half: usize) -> u64 {
        let (lo, hi) = (&self.x[2 * half], &self.x[2 * half + 1]);
        lo[i] as u64 | (hi[i] as u64) << 32
    }

    /// Computes every row's block at `slot` for paths `path0 .. path0 + lanes`, on the widest
    /// vector unit the machine has (`pulp` picks it at run time, as in `vmath`): 32-bit lanes,
    /// so 16 blocks at a time with AVX-512 and 8 with AVX2. Integer arithmetic gives the same
    /// bits on every instruction set.
    pub fn compute(&mut self, slot: u32, path0: u64, lanes: usize) {
        let n = self.rows() * lanes;
        self.lanes = lanes;
        for x in &mut self.x {
            x.resize(n, 0);
        }
        self.path_lo.clear();
        self.path_hi.clear();
        for l in 0..lanes as u64 {
            self.path_lo.push((path0 + l) as u32);
            self.path_hi.push(((path0 + l) >> 32) as u32);
        }
        pulp::Arch::new().dispatch(Compute { b: self, slot });
    }
}

/// Philox4x32-10 on vectors of 32-bit lanes: [`block`], lane by lane.
#[inline(always)]
fn block_simd<S: pulp::Simd>(s: S, c: [S::u32s; 4], k: [S::u32s; 2]) -> [S::u32s; 4] {
    let [mut c0, mut c1, mut c2, mut c3] = c;
    let [mut k0, mut k1] = k;
    let (m0, m1) = (s.splat_u32s(M0 as u32), s.splat_u32s(M1 as u32));
    let (w0, w1) = (s.splat_u32s(W0), s.splat_u32s(W1));
    for r in 0..10 {
        if r > 0 {
            k0 = s.add_u32s(k0, w0);
            k1 = s.add_u32s(k1, w1);
        }
        let (lo0, hi0) = s.widening_mul_u32s(m0, c0);
        let (lo1, hi1) = s.widening_mul_u32s(m1, c2);
        (c0, c1, c2, c3) = (
            s.xor_u32s(s.xor_u32s(hi1, c1), k0),
            lo1,
            s.xor_u32s(s.xor_u32s(hi0, c3), k1),
            lo0,
        );
    }
    [c0, c1, c2, c3]
}

/// The body of [`Blocks::compute`]: as a `WithSimd` it is compiled once per instruction set.
struct Compute<'a> {
    b: &'a mut Blocks,
    slot: u32,
}

impl pulp::WithSimd for Compute<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, s: S) {
        let Compute { b, slot } = self;
        let width = std::mem::size_of::<S::u32s>() / 4;
        let (lanes, rows) = (b.lanes, b.k0.len());
        let [x0, x1, x2, x3] = &mut b.x;
        let mut store = |at: usize, len: usize, x: [S::u32s; 4]| {
            for (out, v) in [&mut *x0, &mut *x1, &mut *x2, &mut *x3].into_iter().zip(x) {
                s.partial_store_u32s(&mut out[at..at + len], v);
            }
        };
        if lanes == 1 {
            // One path: the rows are the vector lanes.
            let (c1, c2, c3) = (
                s.splat_u32s(slot),
                s.splat_u32s(b.path_lo[0]),
                s.splat_u32s(b.path_hi[0]),
            );
            for at in (0..rows).step_by(width) {
                let len = width.min(rows - at);
                let ld = |v: &[u32]| s.partial_load_u32s(&v[at..at + len]);
                let x = block_simd(s, [ld(&b.block), c1, c2, c3], [ld(&b.k0), ld(&b.k1)]);
                store(at, len, x);
            }
            return;
        }
        for r in 0..rows {
            let k = [s.splat_u32s(b.k0[r]), s.splat_u32s(b.k1[r])];
            let (c0, c1) = (s.splat_u32s(b.block[r]), s.splat_u32s(slot));
            for at in (0..lanes).step_by(width) {
                let len = width.min(lanes - at);
                let ld = |v: &[u32]| s.partial_load_u32s(&v[at..at + len]);
                let x = block_simd(s, [c0, c1, ld(&b.path_lo), ld(&b.path_hi)], k);
                store(r * lanes + at, len, x);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random123's `kat_vectors` for philox4x32 with 10 rounds: counter, key, output.
    #[test]
    fn known_answers() {
        let kat: [([u32; 4], [u32; 2], [u32; 4]); 3] = [
            (
                [0; 4],
                [0; 2],
                [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8],
            ),
            (
                [u32::MAX; 4],
                [u32::MAX; 2],
                [0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd],
            ),
            (
                [0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344],
                [0xa4093822, 0x299f31d0],
                [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
            ),
        ];
        for (ctr, key, want) in kat {
            assert_eq!(block(ctr, key), want, "ctr {ctr:x?} key {key:x?}");
        }
    }

    #[test]
    fn lanes_are_the_scalar_blocks() {
        let keys = [[0x1234_5678, 0x9abc_def0], [7, 9]];
        let mut bl = Blocks::default();
        let first = [bl.push_stream(keys[0], 3), bl.push_stream(keys[1], 2)];
        assert_eq!(bl.rows(), 5);
        // 37 lanes: not a multiple of any vector width, and the path crosses 2^32.
        let path0 = (1u64 << 32) - 20;
        for lanes in [37, 1] {
            bl.compute(7, path0, lanes);
            for (s, blocks) in [3, 2].into_iter().enumerate() {
                for l in 0..lanes {
                    for b in 0..blocks {
                        let w = words(block(counter(b, 7, path0 + l as u64), keys[s]));
                        let i = (first[s] + b as usize) * lanes + l;
                        assert_eq!(bl.words(i), w, "lanes {lanes}");
                        assert_eq!([bl.word(i, 0), bl.word(i, 1)], w);
                    }
                }
            }
        }
    }
}
