//! Per-path random streams keyed by the name of the quantity they feed.
//!
//! Every path owns its streams, derived from (seed, path index, key): ChaCha8 seeded from the
//! run seed mixed with a stable hash of the key, with `set_stream(path)`. Keys name what a
//! stream feeds (`param.kappa`, `buyer.IN`, `event.tariff.IN.rate.2025-08-27.0`, `shocks`),
//! so adding a parameter, a buyer or an event never reshuffles the draws of anything else,
//! and permuting rows of the market file permutes nothing but columns (model.md §9.1.12).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// FNV-1a, 64 bit: stable across platforms and releases (unlike `DefaultHasher`).
pub fn key_hash(key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
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

/// The stream for `key` on `path`.
pub fn keyed(seed: u64, path: u64, key: &str) -> ChaCha8Rng {
    keyed_hash(seed, path, key_hash(key))
}

/// The stream for the key `prefix` + `name` (the same stream as `keyed` of the joined key),
/// without building the string: FNV-1a is streaming, and a path opens dozens of these.
pub fn keyed_parts(seed: u64, path: u64, prefix: &str, name: &str) -> ChaCha8Rng {
    let mut h = key_hash(prefix);
    for b in name.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    keyed_hash(seed, path, h)
}

fn keyed_hash(seed: u64, path: u64, hash: u64) -> ChaCha8Rng {
    let mut r = ChaCha8Rng::seed_from_u64(splitmix64(seed) ^ hash);
    r.set_stream(path);
    r
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::RngExt;

    #[test]
    fn streams_differ_by_key_path_and_seed_and_repeat() {
        let a: u64 = keyed(1, 0, "x").random();
        assert_eq!(a, keyed(1, 0, "x").random::<u64>());
        assert_ne!(a, keyed(1, 1, "x").random::<u64>());
        assert_ne!(a, keyed(1, 0, "y").random::<u64>());
        assert_ne!(a, keyed(2, 0, "x").random::<u64>());
        assert_eq!(key_hash("abc"), 0xe71fa2190541574b);
        let joined: u64 = keyed(3, 7, "param.kappa").random();
        assert_eq!(joined, keyed_parts(3, 7, "param.", "kappa").random::<u64>());
    }
}
