//! `--shard K/N`: which part of a run a shard simulates.

/// `K/N` with `1 ≤ K ≤ N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardSpec {
    pub k: u64,
    pub n: u64,
}

/// A `--shard` value that is not `K/N` with 1 ≤ K ≤ N.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}`: expected K/N with 1 <= K <= N, e.g. 2/8")]
pub struct ShardSpecError(pub String);

impl std::str::FromStr for ShardSpec {
    type Err = ShardSpecError;
    fn from_str(s: &str) -> Result<ShardSpec, ShardSpecError> {
        let bad = || ShardSpecError(s.to_string());
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n): (u64, u64) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(ShardSpec { k, n })
    }
}

impl ShardSpec {
    /// Folder of the partial: `<scenario>.shard-K-of-N`.
    pub fn folder(&self, scenario: &str) -> String {
        format!("{scenario}.shard-{}-of-{}", self.k, self.n)
    }

    /// Chunk groups of this shard among `groups`: `⌊(K−1)G/N⌋ .. ⌊KG/N⌋` (may be empty when
    /// there are more shards than groups).
    pub fn group_range(&self, groups: u64) -> std::ops::Range<u64> {
        let cut = |k: u64| ((k as u128 * groups as u128) / self.n as u128) as u64;
        cut(self.k - 1)..cut(self.k)
    }
}
