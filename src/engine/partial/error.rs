//! Why a partial result cannot be read or merged: one typed error with the limit or field
//! at fault, kept apart from the format code that raises it.

use super::FORMAT_VERSION;
use crate::engine::stats::codec::CodecError;
use crate::suggest::ShowPath;

/// Why a partial result cannot be read, or partials cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum PartialError {
    #[error("not a sanctions-sim partial result (bad magic bytes)")]
    BadMagic,
    #[error(
        "partial format_version {0}, this sanctions-sim reads version {FORMAT_VERSION}; \
         rerun the shards with this version"
    )]
    Version(u32),
    #[error("damaged partial result: truncated")]
    Truncated,
    #[error("damaged partial result: checksum mismatch (truncated or modified)")]
    Checksum,
    #[error("damaged partial result: header: {0}")]
    Header(#[source] serde_json::Error),
    #[error("damaged partial result: {0}")]
    Body(#[from] CodecError),
    #[error("damaged partial result: unknown summary_mode `{0}`")]
    Mode(String),
    #[error(
        "damaged partial result: its header declares {field} = {value}, \
         at most {limit} is possible"
    )]
    HeaderLimit {
        field: &'static str,
        value: u64,
        limit: u64,
    },
    #[error(
        "damaged partial result: its header declares {cells} sketch cells, \
         which need at least {need} bytes; the file has {have} left"
    )]
    TooSmallForHeader { cells: u64, need: u64, have: u64 },
    /// A count that does not agree with the others or with the body (`check::check_counts`).
    #[error("damaged partial result: {field} = {value}, expected {want} ({rule})")]
    Inconsistent {
        field: &'static str,
        value: u64,
        want: u64,
        rule: String,
    },
    /// A number of the body outside what any run writes (`check::check_values`, D205).
    #[error(
        "damaged partial result: {field} of {cell} = {}, expected {rule}",
        crate::suggest::Num(*.value)
    )]
    Value {
        field: &'static str,
        cell: String,
        value: f64,
        rule: String,
    },
    /// A header value outside what any run writes.
    #[error("damaged partial result: {0}")]
    Invalid(String),
    #[error("damaged partial result: length does not match its header")]
    Length,
    #[error("no partial results to merge")]
    Empty,
    #[error("the partials have {have} variables, scenario {} has {want}", scenario.shown())]
    Vars {
        have: usize,
        want: usize,
        scenario: std::path::PathBuf,
    },
    #[error("the partials' event trees do not match the scenario")]
    Trees,
    /// The derived cells (totals, `--prob` indicators) do not fit the scenario.
    #[error("the partials' derived cells (totals, --prob) do not fit the scenario: {0}")]
    Derived(String),
    #[error(
        "partials do not belong to the same run: `{field}` is {} in {f0} but {} in {f}; {}",
        shown(.a),
        shown(.b),
        mismatch_help(.field)
    )]
    Mismatch {
        field: &'static str,
        a: String,
        b: String,
        f0: String,
        f: String,
    },
    #[error("shard {k}/{n} given twice: {a} and {b}")]
    Twice {
        k: u64,
        n: u64,
        a: String,
        b: String,
    },
    #[error(
        "incomplete: missing shard{} {} of scenario `{scenario}` (have {have} of {n})",
        if missing.len() > 1 { "s" } else { "" },
        missing.join(", ")
    )]
    Missing {
        missing: Vec<String>,
        scenario: String,
        have: usize,
        n: u64,
    },
    #[error("{file}: covers groups from {from}, expected {want}")]
    Gap { file: String, from: u64, want: u64 },
    #[error("the partials cover {have} groups of {want}")]
    Coverage { have: u64, want: u64 },
}

/// A fingerprint value as the mismatch message shows it: `none` for an empty one (a run
/// without `--prob` has no probes).
fn shown(v: &str) -> &str {
    if v.trim().is_empty() {
        "none"
    } else {
        v
    }
}

/// What to do about a fingerprint field that differs between partials.
fn mismatch_help(field: &str) -> &'static str {
    match field {
        "probes (--prob)" => "re-run the shards with the same --prob list (or none on all)",
        "periods (--period)" => "re-run the shards with the same --period list (or none on all)",
        "scenario" | "scenario_sha256" => {
            "re-run every shard from the same scenario file, with the same files it reads \
             (the files it extends, its market file and its `brent.imposed` series)"
        }
        "seed" => "re-run the shards with the same --seed",
        "paths" => "re-run the shards with the same --paths",
        "months" => "re-run the shards with the same --months",
        "shards" => "re-run the shards with the same --shard K/N count N",
        "version" => "re-run every shard with the same sanctions-sim version",
        _ => "re-run the shards with the same options",
    }
}
