//! Per-path random streams keyed by the name of the quantity they feed.
//!
//! Keys name what a stream feeds (`param.kappa`, `buyer.IN`, `event.tariff.IN.rate.2025-08-27.0`,
//! `shocks`), so adding a parameter, a buyer or an event never reshuffles the draws of anything
//! else, and permuting rows of the market file permutes nothing but columns (model.md §9.1.12).
//!
//! Since D130 a stream is a range of Philox4x32-10 counters (`philox.rs`): the key is the run
//! seed mixed with a stable hash of the name, and the counter is (path, slot, block), where the
//! slot is the month (index from the start) for the monthly draws and [`SLOT_PATH`] for the
//! streams a path draws from across its life (parameters, events, trees). Opening a stream is a
//! few integer operations and nothing is generated until it is read, so a path's ~60 streams
//! cost what their draws cost; and the month's draws of any path are at a known counter, so a
//! batch of paths is filled in one call ([`super::month_draws::MonthDraws::fill`]).
//!
//! The generator before D130 (ChaCha8 seeded per key, `set_stream(path)`) stays reachable as
//! [`RngKind::Legacy`], for the test that the two give the same bands
//! (`tests/rng_agreement/`); no command line option selects it.

use super::philox;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::convert::Infallible;

/// FNV-1a, 64 bit: stable across platforms and releases (unlike `DefaultHasher`).
pub fn key_hash(key: &str) -> u64 {
    fnv_extend(0xcbf2_9ce4_8422_2325, key)
}

pub(crate) fn fnv_extend(mut h: u64, s: &str) -> u64 {
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Which generator the keyed streams use. `Counter` is the model's (D130); `Legacy` is the
/// ChaCha8 generator before it, kept only so tests can compare the two.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RngKind {
    #[default]
    Counter,
    Legacy,
}

/// The slot of the streams a path reads across months (parameters, market rows, events, event
/// trees); the monthly streams use the month's index from the start, far below it.
pub const SLOT_PATH: u32 = u32::MAX;

/// The Philox key of a stream name under a seed: the same for every path, so it can be
/// computed once per run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamKey([u32; 2]);

impl StreamKey {
    pub fn new(seed: u64, key: &str) -> StreamKey {
        StreamKey::from_hash(seed, key_hash(key))
    }

    /// The key of `prefix` + `name`, without building the string.
    pub fn parts(seed: u64, prefix: &str, name: &str) -> StreamKey {
        StreamKey::from_hash(seed, fnv_extend(key_hash(prefix), name))
    }

    fn from_hash(seed: u64, hash: u64) -> StreamKey {
        // The outer mix spreads the few bits in which two names' hashes differ over the key.
        let k = splitmix64(splitmix64(seed) ^ hash);
        StreamKey([k as u32, (k >> 32) as u32])
    }

    pub fn words(self) -> [u32; 2] {
        self.0
    }
}

/// One keyed stream of one path: the blocks `0, 1, 2, …` of counter (path, slot). Every
/// `next_u32` or `next_u64` consumes one 64-bit word, so draw `w` of a stream is word `w`
/// whatever kind of draws came before it.
#[derive(Debug, Clone)]
pub struct CounterRng {
    key: [u32; 2],
    slot: u32,
    path: u64,
    block: u32,
    buf: [u64; 2],
    used: usize,
}

impl CounterRng {
    pub fn new(key: StreamKey, path: u64, slot: u32) -> CounterRng {
        CounterRng::at_block(key, path, slot, 0)
    }

    /// The stream positioned at word `2 * block` (words before it were read elsewhere).
    pub fn at_block(key: StreamKey, path: u64, slot: u32, block: u32) -> CounterRng {
        CounterRng {
            key: key.0,
            slot,
            path,
            block,
            buf: [0; 2],
            used: 2,
        }
    }

    #[inline]
    fn word(&mut self) -> u64 {
        if self.used == 2 {
            let c = philox::counter(self.block, self.slot, self.path);
            self.buf = philox::words(philox::block(c, self.key));
            // 2^32 blocks (2^33 words) per stream; more would reuse the first.
            self.block = self.block.wrapping_add(1);
            self.used = 0;
        }
        self.used += 1;
        self.buf[self.used - 1]
    }
}

/// `rand::TryRng` for a generator of 64-bit words (an inherent `fn word(&mut self) -> u64`):
/// a `u32` is the word's high half and bytes are whole words, little-endian. The counter
/// streams and the batch-filled lanes of `month_draws` must read words the same way, so that a
/// path's draws do not depend on which of the two serves them.
macro_rules! impl_word_rng {
    ($t:ty) => {
        impl rand::TryRng for $t {
            type Error = std::convert::Infallible;

            #[inline]
            fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
                Ok((self.word() >> 32) as u32)
            }

            #[inline]
            fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
                Ok(self.word())
            }

            fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
                for chunk in dst.chunks_mut(8) {
                    chunk.copy_from_slice(&self.word().to_le_bytes()[..chunk.len()]);
                }
                Ok(())
            }
        }
    };
}
pub(crate) use impl_word_rng;

impl_word_rng!(CounterRng);

/// A keyed stream of either generator (see [`RngKind`]).
#[derive(Debug, Clone)]
pub enum KeyedRng {
    Counter(CounterRng),
    Legacy(Box<ChaCha8Rng>),
}

impl rand::TryRng for KeyedRng {
    type Error = Infallible;

    #[inline]
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        match self {
            KeyedRng::Counter(r) => r.try_next_u32(),
            KeyedRng::Legacy(r) => r.try_next_u32(),
        }
    }

    #[inline]
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        match self {
            KeyedRng::Counter(r) => r.try_next_u64(),
            KeyedRng::Legacy(r) => r.try_next_u64(),
        }
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        match self {
            KeyedRng::Counter(r) => r.try_fill_bytes(dst),
            KeyedRng::Legacy(r) => r.try_fill_bytes(dst),
        }
    }
}

/// Opens the streams of one path that live across months.
#[derive(Debug, Clone, Copy)]
pub struct Keyer {
    pub kind: RngKind,
    pub seed: u64,
    pub path: u64,
}

impl Keyer {
    pub fn new(kind: RngKind, seed: u64, path: u64) -> Keyer {
        Keyer { kind, seed, path }
    }

    /// The stream `key`.
    pub fn stream(&self, key: &str) -> KeyedRng {
        self.open(key_hash(key))
    }

    /// The stream `prefix` + `name` (the same stream as [`Keyer::stream`] of the joined key).
    pub fn parts(&self, prefix: &str, name: &str) -> KeyedRng {
        self.open(fnv_extend(key_hash(prefix), name))
    }

    /// The stream whose name hashes to `hash` (`key_hash`).
    pub(crate) fn open(&self, hash: u64) -> KeyedRng {
        match self.kind {
            RngKind::Counter => KeyedRng::Counter(CounterRng::new(
                StreamKey::from_hash(self.seed, hash),
                self.path,
                SLOT_PATH,
            )),
            RngKind::Legacy => KeyedRng::Legacy(Box::new(legacy(self.seed, self.path, hash))),
        }
    }
}

/// The stream `key` of `path`, from the model's generator.
pub fn keyed(seed: u64, path: u64, key: &str) -> KeyedRng {
    Keyer::new(RngKind::Counter, seed, path).stream(key)
}

/// The pre-D130 stream: ChaCha8 seeded from the run seed mixed with the key's hash, with
/// `set_stream(path)`.
pub fn legacy(seed: u64, path: u64, hash: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(splitmix64(seed) ^ hash);
    r.set_stream(path);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, RngExt};

    #[test]
    fn streams_differ_by_key_path_and_seed_and_repeat() {
        for kind in [RngKind::Counter, RngKind::Legacy] {
            let k = |seed, path| Keyer::new(kind, seed, path);
            let a: u64 = k(1, 0).stream("x").random();
            assert_eq!(a, k(1, 0).stream("x").random::<u64>());
            assert_ne!(a, k(1, 1).stream("x").random::<u64>());
            assert_ne!(a, k(1, 0).stream("y").random::<u64>());
            assert_ne!(a, k(2, 0).stream("x").random::<u64>());
            let joined: u64 = k(3, 7).stream("param.kappa").random();
            assert_eq!(joined, k(3, 7).parts("param.", "kappa").random::<u64>());
        }
        assert_eq!(key_hash("abc"), 0xe71fa2190541574b);
        assert_eq!(
            StreamKey::new(3, "param.kappa"),
            StreamKey::parts(3, "param.", "kappa")
        );
    }

    /// The old streams are the ones before D130, word for word.
    #[test]
    fn legacy_is_the_old_chacha8_stream() {
        let mut old = ChaCha8Rng::seed_from_u64(splitmix64(5) ^ key_hash("shocks"));
        old.set_stream(9);
        let mut new = Keyer::new(RngKind::Legacy, 5, 9).stream("shocks");
        for _ in 0..100 {
            assert_eq!(old.next_u64(), new.next_u64());
        }
    }

    /// Word `w` of a stream is block `w / 2`, so a stream can be resumed at any block, and
    /// a `u32` draw consumes a whole word.
    #[test]
    fn words_are_addressed_by_counter() {
        let key = StreamKey::new(1, "shocks");
        let mut r = CounterRng::new(key, 12, 3);
        let _ = r.next_u32();
        let w1 = r.next_u64();
        let ws: Vec<u64> = (0..6).map(|_| r.next_u64()).collect();
        let b = philox::words(philox::block(philox::counter(0, 3, 12), key.words()));
        assert_eq!(w1, b[1]);
        let mut resumed = CounterRng::at_block(key, 12, 3, 1);
        assert_eq!(ws[0], resumed.next_u64());
        assert_ne!(CounterRng::new(key, 12, 4).next_u64(), b[0]);
    }
}
