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

/// Why scenario `sc` cannot be run as shards, if it cannot: its market gives more output
/// variables than a partial may declare ([`super::MAX_VARS`]), so `merge` would refuse every
/// shard as damaged after the simulation was paid for (hostile round 12 F6). `run --shard`
/// says so before simulating; a plain run has no such limit.
pub fn unshardable(sc: &crate::scenario::Scenario) -> Option<String> {
    let vars = crate::engine::vars::variables(&sc.market).len();
    (vars > super::MAX_VARS).then(|| {
        format!(
            "{}: --shard: its market file gives {vars} output variables, and a shard's partial \
             result holds at most {}, so `merge` could not read it; run it without --shard, or \
             with fewer basins, buyers or routes",
            crate::suggest::ShowPath::shown(sc.path.as_path()),
            super::MAX_VARS
        )
    })
}

/// [`unshardable`] for library callers of `run_shard`.
pub(super) fn check_shardable(sc: &crate::scenario::Scenario) -> Result<(), super::RunError> {
    unshardable(sc).map_or(Ok(()), |why| Err(super::RunError::Failed(why)))
}
