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

/// Words `0..2 * blocks` of stream `slot` of paths `path0 .. path0 + lanes`, word-major:
/// word `w` of lane `l` at `out[w * lanes + l]`. The lanes are independent counters, so the
/// loop runs on the widest vector unit the machine has (`pulp` picks it at run time, as in
/// `vmath`); integer arithmetic gives the same bits on every instruction set.
///
/// # Panics
/// If `out` is shorter than `2 * blocks * lanes`.
pub fn fill_lanes(
    key: [u32; 2],
    slot: u32,
    path0: u64,
    lanes: usize,
    blocks: u32,
    out: &mut [u64],
) {
    let out = &mut out[..2 * blocks as usize * lanes];
    pulp::Arch::new().dispatch(
        #[inline(always)]
        || {
            for (b, pair) in out.chunks_exact_mut(2 * lanes).enumerate() {
                let (lo, hi) = pair.split_at_mut(lanes);
                for (l, (lo, hi)) in lo.iter_mut().zip(hi.iter_mut()).enumerate() {
                    let x = block(counter(b as u32, slot, path0 + l as u64), key);
                    [*lo, *hi] = words(x);
                }
            }
        },
    );
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
        let key = [0x1234_5678, 0x9abc_def0];
        // 37 lanes: not a multiple of any vector width, and the path crosses 2^32.
        let (lanes, blocks, path0) = (37, 3u32, (1u64 << 32) - 20);
        let mut out = vec![0; 2 * blocks as usize * lanes];
        fill_lanes(key, 7, path0, lanes, blocks, &mut out);
        for l in 0..lanes {
            for b in 0..blocks {
                let w = words(block(counter(b, 7, path0 + l as u64), key));
                let i = 2 * b as usize;
                assert_eq!([out[i * lanes + l], out[(i + 1) * lanes + l]], w);
            }
        }
    }
}
