//! Lookups on the lever registry (names, wildcards, basins, defaults), split from
//! `levers.rs`, which builds it, so that each file stays short.

use super::levers::{LeverDef, LeverId, LeverRegistry, LeverSet};

impl LeverRegistry {
    /// The basin id of an `sdn.<basin>.share` lever (D33), e.g. "W".
    pub fn sdn_basin(&self, id: LeverId) -> Option<&str> {
        self.ids.sdn_basin_share.contains(&id).then(|| {
            let n = self.defs[id].name.as_str();
            &n["sdn.".len()..n.len() - ".share".len()]
        })
    }

    /// The market's basin ids, in row order, as the `sdn.<basin>.share` levers name them.
    pub fn sdn_basins(&self) -> Vec<&str> {
        self.ids
            .sdn_basin_share
            .iter()
            .filter_map(|&id| self.sdn_basin(id))
            .collect()
    }

    pub fn id(&self, name: &str) -> Option<LeverId> {
        self.by_name.get(name).copied()
    }

    pub fn def(&self, id: LeverId) -> &LeverDef {
        &self.defs[id]
    }

    pub fn names(&self) -> Vec<&str> {
        self.defs.iter().map(|d| d.name.as_str()).collect()
    }

    /// Expands a `tariff.*.rate`-style pattern against the registry; a name without `*`
    /// expands to itself if it exists.
    pub fn expand(&self, pattern: &str) -> Vec<LeverId> {
        if !pattern.contains('*') {
            return self.id(pattern).into_iter().collect();
        }
        let (pre, post) = pattern.split_once('*').unwrap_or((pattern, ""));
        self.defs
            .iter()
            .enumerate()
            .filter(|(_, d)| {
                d.name.len() > pre.len() + post.len()
                    && d.name.starts_with(pre)
                    && d.name.ends_with(post)
                    && !d.name[pre.len()..d.name.len() - post.len()].contains('.')
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// Every lever at its registry default.
    pub fn defaults(&self) -> LeverSet {
        let values: Vec<f64> = self.defs.iter().map(|d| d.default).collect();
        let on_share = values
            .iter()
            .map(|v| if *v > 0.0 { 1.0 } else { 0.0 })
            .collect();
        let end = values.clone();
        LeverSet {
            values,
            on_share,
            end,
        }
    }
}
