//! Sharded runs: shard `K` of `N` simulates a contiguous range of whole chunk groups and
//! keeps a mergeable partial result; [`merge`] folds the partials into the result a single
//! run gives. Format and guarantees: docs/scaling.md.
//!
//! # File format (`partial.bin`, format version 3)
//! All integers little-endian.
//!
//! | bytes | content |
//! |---|---|
//! | 8 | magic `SSIMPART` |
//! | 4 | `format_version` (u32) = [`FORMAT_VERSION`] |
//! | 8 | `H`, length of the header (u64) |
//! | H | header, UTF-8 JSON: [`Header`] (it repeats `format_version`) |
//! | … | body: `groups` (u64), then per group its cell count (u64) and the moments of every cell (the monthly cells, then the header's `derived` cells: totals, period averages (version 3) and `--prob` indicators, engine::stats::derived) (u64 `n`, u64 `nonfinite`, f64 `mean`, f64 `m2`); then the order statistics: exact mode `count` (u64) and the values (f64, path-major), sketch mode per cell the sketch (zeros, then the positive and negative stores: count, lo, hi, base page, pages with a presence byte and 128 u64 counts) |
//! | 32 | SHA-256 of everything before it |

use super::run::{
    check_shape, pool, simulate_chunks, Accum, RunError, RunOptions, RunResult, TreeStats,
    CHUNK_PATHS, GROUP_CHUNKS, GROUP_PATHS,
};
use crate::suggest::ShowPath;
mod check;
mod error;
mod shard_spec;
pub use error::PartialError;
pub use shard_spec::{unshardable, ShardSpec, ShardSpecError};

use super::stats::codec::{Reader, Writer};
use super::stats::period_probe::is_period_expr;
use super::stats::period_spec::MAX_PERIODS;
/// Most `--prob` expressions a partial may declare: as many as a run takes.
pub use super::stats::period_spec::MAX_PROBES;
use super::stats::{choose_mode, GroupMoments, MonthlyStats, SummaryMode};
use super::vars::variables;
use crate::scenario::Scenario;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::time::Instant;

/// Version of the `partial.bin` layout; bumped on any change, and checked by [`decode`].
pub const FORMAT_VERSION: u32 = 3;
pub const MAGIC: &[u8; 8] = b"SSIMPART";

/// Most variables a partial may declare (the shipped market has 71; each basin or buyer
/// adds a handful). With `months ≤ 1200` this bounds what a header can make [`decode`]
/// allocate before the body is read (`1200 × 4096` cells of 32 bytes, 150 MiB), whatever the
/// header claims (docs/reliability.md, "Limits").
pub const MAX_VARS: usize = 4096;
/// Most months a partial may declare: the longest scenario (`scenario.months ≤ 1200`).
pub const MAX_MONTHS: usize = 1200;
/// Fewest bytes one sketch cell takes in the body (zeros, then two stores of count, lo, hi,
/// base and page count): a sketch-mode header must leave room for every cell it declares.
const SKETCH_CELL_MIN_BYTES: u64 = 8 + 2 * (8 + 8 + 8 + 4 + 8);

/// What must agree between partials for them to merge into one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fingerprint {
    pub scenario: String,
    /// SHA-256 of the resolved scenario text (`Scenario::resolved_text`).
    pub scenario_sha256: String,
    pub seed: u64,
    /// Paths of the whole run (all shards).
    pub paths: u64,
    pub months: usize,
    /// `exact` or `sketch`, chosen from the whole run's paths.
    pub summary_mode: String,
    /// Crate version that wrote the partial.
    pub version: String,
    /// `N`, the number of shards.
    pub shards: u64,
    /// The `--prob` expressions, canonical (their indicators are part of the partial).
    pub probes: Vec<String>,
    /// The `--period` windows (`2025-11..2026-10`), whose cells are part of the partial; left
    /// out of the header when there are none, so such a partial keeps its bytes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<String>,
}

impl Fingerprint {
    /// `(field, self's value, other's value)` of every field that differs.
    pub fn differences(&self, o: &Fingerprint) -> Vec<(&'static str, String, String)> {
        let mut d = Vec::new();
        let mut cmp = |f: &'static str, a: String, b: String| {
            if a != b {
                d.push((f, a, b));
            }
        };
        cmp("scenario", self.scenario.clone(), o.scenario.clone());
        cmp(
            "scenario_sha256",
            self.scenario_sha256.clone(),
            o.scenario_sha256.clone(),
        );
        cmp("seed", self.seed.to_string(), o.seed.to_string());
        cmp("paths", self.paths.to_string(), o.paths.to_string());
        cmp("months", self.months.to_string(), o.months.to_string());
        cmp(
            "summary_mode",
            self.summary_mode.clone(),
            o.summary_mode.clone(),
        );
        cmp("version", self.version.clone(), o.version.clone());
        cmp("shards", self.shards.to_string(), o.shards.to_string());
        cmp("probes (--prob)", self.probes.join(" "), o.probes.join(" "));
        let windows = |f: &Fingerprint| f.periods.join(" ");
        cmp("periods (--period)", windows(self), windows(o));
        d
    }
}

/// The JSON header of `partial.bin`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Header {
    pub format_version: u32,
    pub fingerprint: Fingerprint,
    /// `K`, 1-based.
    pub shard: u64,
    /// Chunk groups `first_group .. first_group + groups` of [`GROUP_PATHS`] paths.
    pub first_group: u64,
    pub groups: u64,
    /// Paths `first_path .. end_path` (0-based path ids).
    pub first_path: u64,
    pub end_path: u64,
    /// The scenario file, absolute, which `merge` reloads for names, units and event trees.
    pub scenario_path: String,
    pub vars: usize,
    /// Derived cells per path after the `months × vars` monthly ones: with order statistics
    /// (totals), then moments only (`--prob` indicators).
    pub derived: (usize, usize),
    pub threads: usize,
    pub wall_seconds: f64,
    /// As in manifest.json; `max_*` entries merge by maximum, the others by sum.
    pub diagnostics: BTreeMap<String, u64>,
    pub trees: TreeStats,
}

/// One shard's partial result.
#[derive(Debug, Clone)]
pub struct Partial {
    pub header: Header,
    /// Moments of each group, in group order.
    pub groups: Vec<GroupMoments>,
    /// Order statistics of all the shard's paths (moments empty).
    pub order: MonthlyStats,
}

/// Runs shard `spec` of the run `o`: the same paths (and per-path streams) as the matching
/// part of a single run, with the summary mode chosen from the whole run's `o.paths`.
pub fn run_shard(
    sc: &Scenario,
    o: &RunOptions,
    spec: ShardSpec,
    scenario_sha256: &str,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<Partial, RunError> {
    check_shape(sc, o)?;
    shard_spec::check_shardable(sc)?;
    let t0 = Instant::now();
    let vars = variables(&sc.market);
    let mode = choose_mode(o.paths, o.months, vars.len(), o.budget_bytes);
    let layout = super::run::layout(sc, o, &vars)?;
    let pool = pool(o)?;
    let chunks = o.paths.div_ceil(CHUNK_PATHS);
    let groups = spec.group_range(chunks.div_ceil(GROUP_CHUNKS));
    let range = (groups.start * GROUP_CHUNKS).min(chunks)..(groups.end * GROUP_CHUNKS).min(chunks);
    let mut acc = Accum::new(sc, o, &layout, mode, &[], true);
    simulate_chunks(sc, o, &vars, &layout, &[], &pool, range, &mut acc, progress)?;
    let abs = std::fs::canonicalize(&sc.path).unwrap_or_else(|_| sc.path.clone());
    let header = Header {
        format_version: FORMAT_VERSION,
        fingerprint: Fingerprint {
            scenario: sc.name.clone(),
            scenario_sha256: scenario_sha256.to_string(),
            seed: o.seed,
            paths: o.paths,
            months: o.months,
            summary_mode: mode.as_str().into(),
            version: env!("CARGO_PKG_VERSION").into(),
            shards: spec.n,
            probes: layout
                .probes
                .iter()
                .map(|p| p.text.clone())
                .chain(layout.period_probes.iter().map(|p| p.text.clone()))
                .collect(),
            periods: layout.windows().map(|p| p.label.clone()).collect(),
        },
        shard: spec.k,
        first_group: groups.start,
        groups: groups.end - groups.start,
        first_path: (groups.start * GROUP_PATHS).min(o.paths),
        end_path: (groups.end * GROUP_PATHS).min(o.paths),
        scenario_path: abs.display().to_string(),
        vars: vars.len(),
        derived: (layout.extra(), layout.tail()),
        threads: pool.current_num_threads(),
        wall_seconds: t0.elapsed().as_secs_f64(),
        diagnostics: acc.diag.to_map(),
        trees: acc.trees,
    };
    Ok(Partial {
        header,
        groups: acc.groups.unwrap_or_default(),
        order: acc.stats,
    })
}

/// The bytes of `partial.bin`.
pub fn encode(p: &Partial) -> Vec<u8> {
    let header = serde_json::to_vec(&p.header).expect("a Header always serializes");
    let mut w = Writer::default();
    w.buf.extend_from_slice(MAGIC);
    w.buf.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    w.u64(header.len() as u64);
    w.buf.extend_from_slice(&header);
    w.u64(p.groups.len() as u64);
    p.groups.iter().for_each(|g| g.encode(&mut w));
    p.order.encode_order(&mut w);
    let digest = Sha256::digest(&w.buf);
    w.buf.extend_from_slice(&digest);
    w.buf
}

fn mode_of(s: &str) -> Result<SummaryMode, PartialError> {
    match s {
        "exact" => Ok(SummaryMode::Exact),
        "sketch" => Ok(SummaryMode::Sketch),
        _ => Err(PartialError::Mode(s.to_string())),
    }
}

/// Checks the counts a header declares against [`MAX_MONTHS`] and [`MAX_VARS`] and against
/// the bytes left (`left`), before any of them sizes an allocation.
fn check_header(h: &Header, mode: SummaryMode, left: usize) -> Result<(), PartialError> {
    let limit = |field, value: u64, limit: u64| {
        if value == 0 || value > limit {
            Err(PartialError::HeaderLimit {
                field,
                value,
                limit,
            })
        } else {
            Ok(())
        }
    };
    limit("months", h.fingerprint.months as u64, MAX_MONTHS as u64)?;
    limit("vars", h.vars as u64, MAX_VARS as u64)?;
    // Derived cells (engine::stats::derived): totals per period (at most one more calendar
    // year than whole years, the horizon and the `--period` windows) and variable; indicators
    // of the probes. Zero is valid for each, so the bound is on value + 1.
    let fp = &h.fingerprint;
    limit(
        "periods + 1",
        fp.periods.len() as u64 + 1,
        MAX_PERIODS as u64 + 1,
    )?;
    let periods = (fp.months / 12 + 3 + fp.periods.len()) as u64;
    let (extra, tail) = h.derived;
    const IND: usize = crate::engine::stats::derived::INDICATORS;
    limit(
        "derived totals + 1",
        extra as u64 + 1,
        periods * MAX_VARS as u64 + 1,
    )?;
    limit(
        "derived indicators + 1",
        tail as u64 + 1,
        IND as u64 * MAX_PROBES as u64 * h.fingerprint.months as u64 + 1,
    )?;
    // Three cells (now, ever, this year) per monthly probe and month, one per period probe.
    let period_probes = fp.probes.iter().filter(|p| is_period_expr(p)).count();
    let monthly_probes = fp.probes.len() - period_probes;
    let want = IND * monthly_probes * fp.months + period_probes;
    if fp.probes.len() > MAX_PROBES || want != tail {
        return Err(PartialError::HeaderLimit {
            field: "derived indicators",
            value: tail as u64,
            limit: want as u64,
        });
    }
    if mode == SummaryMode::Sketch {
        let cells = (h.fingerprint.months * h.vars + extra) as u64;
        let need = cells * SKETCH_CELL_MIN_BYTES;
        if need > left as u64 {
            return Err(PartialError::TooSmallForHeader {
                cells,
                need,
                have: left as u64,
            });
        }
    }
    Ok(())
}

/// Reads `partial.bin`; the error says what is wrong (not a partial, another format
/// version, damaged). No count in the file sizes an allocation before it is checked against
/// the limits above and the bytes that remain, so a hostile header (with a recomputed
/// checksum) gets an error, not an abort.
pub fn decode(bytes: &[u8]) -> Result<Partial, PartialError> {
    if bytes.len() < MAGIC.len() + 4 || &bytes[..8] != MAGIC {
        return Err(PartialError::BadMagic);
    }
    let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
    if version != FORMAT_VERSION {
        return Err(PartialError::Version(version));
    }
    if bytes.len() < 12 + 32 {
        return Err(PartialError::Truncated);
    }
    let (body, digest) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != digest {
        return Err(PartialError::Checksum);
    }
    let mut r = Reader::new(&body[12..]);
    let hlen = r.count(1)?;
    let header: Header = serde_json::from_slice(r.take(hlen)?).map_err(PartialError::Header)?;
    check::same_version(&header, version)?;
    let fp = &header.fingerprint;
    let mode = mode_of(&fp.summary_mode)?;
    check_header(&header, mode, r.remaining())?;
    let (extra, tail) = header.derived;
    let like = MonthlyStats::with_cells(fp.months, header.vars, extra, tail, mode);
    let cells = like.cells();
    // Each group holds its cell count and `cells` moments of 32 bytes.
    let n = r.count(8 + 32 * cells)?;
    let groups = (0..n)
        .map(|_| GroupMoments::decode(&mut r, cells))
        .collect::<Result<Vec<_>, _>>()?;
    let order = MonthlyStats::decode_order(&mut r, &like)?;
    if r.remaining() != 0 {
        return Err(PartialError::Length);
    }
    let p = Partial {
        header,
        groups,
        order,
    };
    check::check_counts(&p)?;
    check::check_values(&p)?;
    Ok(p)
}

/// Combines diagnostics maps: `max_*` by maximum, counters by sum.
fn merge_diagnostics(into: &mut BTreeMap<String, u64>, o: &BTreeMap<String, u64>) {
    for (k, &v) in o {
        let e = into.entry(k.clone()).or_insert(0);
        // Saturating: the counters are the partials' own, not checked against their paths.
        *e = if k.starts_with("max_") {
            (*e).max(v)
        } else {
            e.saturating_add(v)
        };
    }
}

/// Whether two trees' counts have the same nesting and lengths (zipping them would
/// otherwise drop counts silently).
fn same_shape(a: &TreeStats, b: &TreeStats) -> bool {
    fn lens<T>(a: &[Vec<T>], b: &[Vec<T>], inner: impl Fn(&Vec<T>, &Vec<T>) -> bool) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| inner(x, y))
    }
    lens(&a.first_entries, &b.first_entries, |x, y| {
        lens(x, y, |x, y| x.len() == y.len())
    }) && lens(&a.branches, &b.branches, |x, y| {
        lens(x, y, |x, y| lens(x, y, |x, y| x.len() == y.len()))
    })
}

/// Folds complete, compatible partials (sorted by shard, checked by the caller with
/// [`check_set`]) into the result of the single run. `sc` is the scenario they came from.
pub fn merge(sc: &Scenario, parts: Vec<Partial>) -> Result<RunResult, PartialError> {
    let first = parts.first().ok_or(PartialError::Empty)?;
    let fp = first.header.fingerprint.clone();
    let mode = mode_of(&fp.summary_mode)?;
    let vars = variables(&sc.market);
    if vars.len() != first.header.vars {
        return Err(PartialError::Vars {
            have: first.header.vars,
            want: vars.len(),
            scenario: sc.path.clone(),
        });
    }
    let mut o = super::run::RunOptions::from_scenario(sc);
    (o.months, o.probes) = (fp.months, fp.probes.clone());
    o.periods = fp.periods.clone();
    let layout =
        super::run::layout(sc, &o, &vars).map_err(|e| PartialError::Derived(e.to_string()))?;
    if (layout.extra(), layout.tail()) != first.header.derived {
        return Err(PartialError::Derived(format!(
            "the partials have {:?} derived cells per path, scenario {} gives {:?}",
            first.header.derived,
            sc.path.shown(),
            (layout.extra(), layout.tail())
        )));
    }
    let mut total = layout.stats(mode);
    let mut diagnostics = BTreeMap::new();
    let mut trees = TreeStats::new(sc, fp.months);
    let (mut wall, mut threads) = (0.0, 0);
    for p in parts {
        for g in &p.groups {
            total.fold_moments(g);
        }
        total.merge_order(p.order);
        merge_diagnostics(&mut diagnostics, &p.header.diagnostics);
        if !same_shape(&trees, &p.header.trees) {
            return Err(PartialError::Trees);
        }
        trees.merge(&p.header.trees);
        wall += p.header.wall_seconds;
        threads = threads.max(p.header.threads);
    }
    let mut summary = total.finish();
    let derived = layout.split(&mut summary);
    Ok(RunResult {
        vars,
        summary,
        derived,
        diagnostics,
        trees,
        by_outcome: Vec::new(),
        wall_seconds: wall,
        paths: fp.paths,
        months: fp.months,
        threads,
        merged_from_shards: Some(fp.shards),
        precision: None,
    })
}

/// Checks that `parts` (each with the file it came from) are all `N` shards of one run: same
/// fingerprint, each `K` once, the group ranges contiguous. Sorts them by `K`.
pub fn check_set(parts: &mut [(String, Partial)]) -> Result<(), PartialError> {
    let Some((f0, p0)) = parts.first() else {
        return Err(PartialError::Empty);
    };
    let fp0 = p0.header.fingerprint.clone();
    for (f, p) in parts.iter() {
        if let Some((field, a, b)) = fp0.differences(&p.header.fingerprint).into_iter().next() {
            return Err(PartialError::Mismatch {
                field,
                a,
                b,
                f0: f0.clone(),
                f: f.clone(),
            });
        }
    }
    parts.sort_by_key(|(_, p)| p.header.shard);
    for w in parts.windows(2) {
        if w[0].1.header.shard == w[1].1.header.shard {
            return Err(PartialError::Twice {
                k: w[0].1.header.shard,
                n: fp0.shards,
                a: w[0].0.clone(),
                b: w[1].0.clone(),
            });
        }
    }
    let have: Vec<u64> = parts.iter().map(|(_, p)| p.header.shard).collect();
    // The first missing shards, at most 10: `have` holds distinct shards, so the first
    // `have.len() + 10` numbers hold them all (`shards` may be huge; never iterate to it).
    let mut missing: Vec<String> = (1..=fp0.shards.min(have.len() as u64 + 10))
        .filter(|k| have.binary_search(k).is_err())
        .take(10)
        .map(|k| format!("{k}/{}", fp0.shards))
        .collect();
    let absent = fp0.shards.saturating_sub(have.len() as u64);
    if absent > missing.len() as u64 {
        missing.push(format!("and {} more", absent - missing.len() as u64));
    }
    if !missing.is_empty() {
        return Err(PartialError::Missing {
            missing,
            scenario: fp0.scenario.clone(),
            have: parts.len(),
            n: fp0.shards,
        });
    }
    let mut next = 0;
    for (f, p) in parts.iter() {
        if p.header.first_group != next {
            return Err(PartialError::Gap {
                file: f.clone(),
                from: p.header.first_group,
                want: next,
            });
        }
        next += p.header.groups;
    }
    let chunks = fp0.paths.div_ceil(CHUNK_PATHS);
    if next != chunks.div_ceil(GROUP_CHUNKS) {
        return Err(PartialError::Coverage {
            have: next,
            want: chunks.div_ceil(GROUP_CHUNKS),
        });
    }
    Ok(())
}
