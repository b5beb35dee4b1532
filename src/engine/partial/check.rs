//! The counts of a decoded partial, checked against each other and against the body before
//! anything (the merge, the summaries) does arithmetic with them: a header with forged
//! counts and a recomputed checksum gets a [`PartialError`] naming the field, never a
//! division by zero, an overflow, an out-of-range index or an allocation the file does not
//! justify (docs/reliability.md, "Input limits").
//!
//! What holds in every partial [`super::run_shard`] writes, and is checked here:
//! - `paths ≥ 1`, `1 ≤ shard ≤ shards`;
//! - `first_group`, `groups` are the shard's range of the run's chunk groups
//!   ([`ShardSpec::group_range`]), and `first_path`, `end_path` its paths;
//! - each group's moments count, in every cell, each of the group's paths once (finite or
//!   not);
//! - the order statistics hold, per cell, exactly the finite values the moments counted
//!   (exact mode: the shard's paths, whole);
//! - no tree count exceeds the shard's paths; `wall_seconds` is finite, not negative and at most
//!   1e9; `threads` is 1 to 65,536; the diagnostics are counters a run writes, none past
//!   65,536 per path-month, no `max_*` past 65,536.
//!
//! [`check_values`] then checks the numbers themselves (means, `m2`, order values, sketch
//! extremes) against what a run writes (`engine::stats::values`, D205).

use super::{Header, Partial, PartialError, ShardSpec};
use crate::engine::run::{CHUNK_PATHS, GROUP_CHUNKS, GROUP_PATHS};
use crate::engine::stats::BadValue;

fn differs(field: &'static str, value: u64, want: u64, rule: &str) -> PartialError {
    PartialError::Inconsistent {
        field,
        value,
        want,
        rule: rule.to_string(),
    }
}

/// The header repeats the format version of the file's first bytes; two that differ mean a
/// file pieced together (hostile round 12 F2).
pub(super) fn same_version(h: &Header, version: u32) -> Result<(), PartialError> {
    if h.format_version == version {
        return Ok(());
    }
    Err(PartialError::Invalid(format!(
        "format_version = {} in the header, {version} in the file's first bytes",
        h.format_version
    )))
}

/// Checks every count of `p` (see the module docs).
pub(super) fn check_counts(p: &Partial) -> Result<(), PartialError> {
    let h = &p.header;
    let shard_paths = check_ranges(h)?;
    if p.groups.len() as u64 != h.groups {
        return Err(differs(
            "groups",
            h.groups,
            p.groups.len() as u64,
            "the group moments in the body",
        ));
    }
    // Finite values per cell, summed over the groups (each ≤ the shard's paths).
    let mut finite: Vec<u64> = Vec::new();
    for (i, g) in p.groups.iter().enumerate() {
        // The groups lie within the run's (checked above), so `start < paths`.
        let start = (h.first_group + i as u64) * GROUP_PATHS;
        let paths = start.saturating_add(GROUP_PATHS).min(h.fingerprint.paths) - start;
        if finite.is_empty() {
            finite = vec![0; g.cell_counts().count()];
        }
        for ((n, nonfinite), sum) in g.cell_counts().zip(finite.iter_mut()) {
            if n.checked_add(nonfinite) != Some(paths) {
                return Err(differs(
                    "group moments n + nonfinite",
                    n.saturating_add(nonfinite),
                    paths,
                    &format!("the paths of group {}", h.first_group + i as u64),
                ));
            }
            *sum += n;
        }
    }
    if let Some(paths) = p.order.exact_paths() {
        if paths != shard_paths {
            return Err(differs(
                "exact values (whole paths)",
                paths,
                shard_paths,
                "end_path - first_path",
            ));
        }
    }
    let held = p.order.order_counts()?;
    for (c, &n) in held.iter().enumerate() {
        let want = finite.get(c).copied().unwrap_or(0);
        if n != want {
            return Err(differs(
                "order statistics' values of a cell",
                n,
                want,
                &format!("the finite values its moments count (cell {c})"),
            ));
        }
    }
    let counts = h
        .trees
        .first_entries
        .iter()
        .flatten()
        .chain(h.trees.branches.iter().flatten().flatten());
    for node in counts {
        let sum = node.iter().fold(0u64, |a, &b| a.saturating_add(b));
        if sum > shard_paths {
            return Err(differs(
                "trees (paths counted at one node or exit)",
                sum,
                shard_paths,
                "at most end_path - first_path",
            ));
        }
    }
    // Bounded so that the merged sum of any number of shards stays finite in manifest.json.
    if !(h.wall_seconds.is_finite() && (0.0..=MAX_WALL_SECONDS).contains(&h.wall_seconds)) {
        return Err(PartialError::Invalid(format!(
            "wall_seconds = {}, expected a finite number in [0, {MAX_WALL_SECONDS:e}]",
            crate::suggest::Num(h.wall_seconds)
        )));
    }
    if h.threads == 0 || h.threads > MAX_THREADS {
        return Err(PartialError::Invalid(format!(
            "threads = {}, expected 1 to {MAX_THREADS}",
            h.threads
        )));
    }
    // A counter counts events of path-months (a few root searches, values or hits each), so
    // one far beyond `paths × months × MAX_PER_PATH_MONTH` is damage, and the merged sums of
    // honest shards stay far from saturating.
    let bound = shard_paths
        .saturating_mul(h.fingerprint.months as u64)
        .saturating_mul(MAX_PER_PATH_MONTH);
    // The keys are the counters a run writes: each goes into manifest.json as it is, so an
    // invented one (any text) would be published as a diagnostic of the run. A `max_*` is
    // the largest iteration count of one root search, far below `MAX_PER_PATH_MONTH`
    // (hostile round 12 F2). A partial of an older build may lack a newer counter.
    let known = crate::engine::path::PathDiag::default().to_map();
    for (key, &n) in &h.diagnostics {
        if !known.contains_key(key) {
            use crate::suggest::ShowPath;
            let list: Vec<&str> = known.keys().map(String::as_str).collect();
            return Err(PartialError::Invalid(format!(
                "diagnostics holds `{}`, which is not a counter a run writes ({})",
                std::path::Path::new(key).shown(),
                list.join(", ")
            )));
        }
        let (most, per) = if key.starts_with("max_") {
            (MAX_PER_PATH_MONTH, "iterations of one root search")
        } else {
            (bound, "per path-month of the shard")
        };
        if n > most {
            return Err(PartialError::Invalid(format!(
                "diagnostics `{key}` = {n}, expected at most {most} ({MAX_PER_PATH_MONTH} {per})"
            )));
        }
    }
    Ok(())
}

/// Largest `wall_seconds` a shard may record (about 30 years).
const MAX_WALL_SECONDS: f64 = 1e9;
/// Largest `threads` a shard may record.
const MAX_THREADS: usize = 1 << 16;
/// Largest count a diagnostics counter may reach per path-month (output values per month are
/// ~120, root searches a few, with ample room).
const MAX_PER_PATH_MONTH: u64 = 1 << 16;

/// Checks shard, group and path ranges against each other; returns the shard's paths.
fn check_ranges(h: &Header) -> Result<u64, PartialError> {
    let fp = &h.fingerprint;
    if fp.paths == 0 {
        return Err(PartialError::Invalid(
            "paths = 0, a run has at least 1 path".into(),
        ));
    }
    if fp.shards == 0 || h.shard == 0 || h.shard > fp.shards {
        return Err(PartialError::Invalid(format!(
            "shard {} of shards = {}, expected 1 <= shard <= shards",
            h.shard, fp.shards
        )));
    }
    let total = fp.paths.div_ceil(CHUNK_PATHS).div_ceil(GROUP_CHUNKS);
    let range = ShardSpec {
        k: h.shard,
        n: fp.shards,
    }
    .group_range(total);
    let rule = format!(
        "shard {}/{} of {total} chunk groups ({} paths)",
        h.shard, fp.shards, fp.paths
    );
    if h.first_group != range.start {
        return Err(differs("first_group", h.first_group, range.start, &rule));
    }
    if h.groups != range.end - range.start {
        return Err(differs("groups", h.groups, range.end - range.start, &rule));
    }
    // Saturating: `total · GROUP_PATHS` may pass `u64::MAX` when `paths` is near it.
    let first = range.start.saturating_mul(GROUP_PATHS).min(fp.paths);
    let end = range.end.saturating_mul(GROUP_PATHS).min(fp.paths);
    if h.first_path != first {
        return Err(differs("first_path", h.first_path, first, &rule));
    }
    if h.end_path != end {
        return Err(differs("end_path", h.end_path, end, &rule));
    }
    Ok(end - first)
}

/// Checks every number of `p`'s body (after [`check_counts`]): see `engine::stats::values`.
/// The error names the cell by month and variable (1-based), total or `--prob` indicator.
pub(super) fn check_values(p: &Partial) -> Result<(), PartialError> {
    let h = &p.header;
    let name = |bad: BadValue| {
        let (months, vars, extra) = (h.fingerprint.months, h.vars, h.derived.0);
        let c = bad.cell;
        let cell = if c < months * vars {
            format!(
                "cell {c} (month {} of {months}, variable {} of {vars})",
                c / vars.max(1) + 1,
                c % vars.max(1) + 1
            )
        } else if c < months * vars + extra {
            format!("total cell {}", c - months * vars + 1)
        } else {
            format!("--prob indicator cell {}", c - months * vars - extra + 1)
        };
        PartialError::Value {
            field: bad.field,
            cell,
            value: bad.value,
            rule: bad.rule,
        }
    };
    let ranges = p.order.cell_ranges().map_err(name)?;
    for g in &p.groups {
        g.check_values(&ranges).map_err(name)?;
    }
    Ok(())
}
