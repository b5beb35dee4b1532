//! Results inside results (hostile round 8 finding 4): an output directory that is, or lies
//! inside, a result folder is refused, since `--force` of that result would delete what was
//! written there; and `--force` refuses to replace a result folder that holds entries its
//! own `manifest.json` does not list (a user's notes, another command's result), naming them.
//!
//! A result folder is any this tool writes and `--force` replaces: one with a sanctions-sim
//! `manifest.json` (`run`, `merge`, `compare`, `sensitivity`), a shard's (`partial.bin`, by
//! its magic bytes) and the backtest's (`backtest/report.csv`, by its header). Only the first was
//! recognized, so a result written inside a shard folder was deleted by the next
//! `run --shard … --force` (hostile round 12 F7).

use std::fs;
use std::path::{Component, Path, PathBuf};

/// The parsed `manifest.json` of `dir` if it is a sanctions-sim result's (`"tool"` says so).
fn result_manifest(dir: &Path) -> Option<serde_json::Value> {
    // Most folders on the way up hold none: a stat before any read.
    if !dir.join(super::super::folder::MANIFEST).is_file() {
        return None;
    }
    let v = super::super::lock::read_manifest(dir)?;
    (v.get("tool")?.as_str()? == "sanctions-sim").then_some(v)
}

/// What marks a result folder of this tool, as messages name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultKind {
    Manifest,
    Shard,
    Backtest,
}

impl ResultKind {
    /// What the folder holds that makes it a result: "it holds …".
    pub fn mark(self) -> &'static str {
        match self {
            ResultKind::Manifest => "a sanctions-sim manifest.json",
            ResultKind::Shard => "a shard's partial.bin",
            ResultKind::Backtest => "the backtest's report.csv",
        }
    }

    /// Why other entries are not part of the result: "(… does not list them)".
    pub fn listing(self) -> &'static str {
        match self {
            ResultKind::Manifest => "its manifest.json does not list",
            ResultKind::Shard => "a shard's folder holds only partial.bin, not",
            ResultKind::Backtest => "the backtest writes only report.csv and its charts, not",
        }
    }
}

/// The first bytes of `file`, if it is a regular file.
fn starts_with(file: &Path, prefix: &[&[u8]]) -> bool {
    use std::io::Read;
    let Ok(f) = fs::File::open(file) else {
        return false;
    };
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = [0u8; 64];
    let n = f.take(64).read(&mut head).unwrap_or(0);
    prefix.iter().any(|p| head[..n].starts_with(p))
}

/// Which kind of result folder `dir` is, if any.
pub fn result_kind(dir: &Path) -> Option<ResultKind> {
    if result_manifest(dir).is_some() {
        return Some(ResultKind::Manifest);
    }
    if starts_with(&dir.join("partial.bin"), &[crate::engine::partial::MAGIC]) {
        return Some(ResultKind::Shard);
    }
    // The backtest always writes `<out>/backtest/`: a copy of its report elsewhere (a
    // project's root) does not make that folder a result.
    let header: [&[u8]; 2] = [
        b"target,source,date,observed,",
        b"target;source;date;observed;",
    ];
    if dir.file_name().is_some_and(|n| n == "backtest")
        && starts_with(&dir.join("report.csv"), &header)
    {
        return Some(ResultKind::Backtest);
    }
    None
}

/// The result folder that `out_root` is or lies inside, if any, and its kind: the nearest of
/// its existing folders (links resolved) and their parents that is a result folder.
pub(super) fn enclosing_result(out_root: &Path) -> Option<(PathBuf, ResultKind)> {
    let existing = out_root
        .ancestors()
        .find(|d| !d.as_os_str().is_empty() && d.is_dir())
        .unwrap_or(Path::new("."));
    let real = fs::canonicalize(existing).ok()?;
    real.ancestors()
        .find_map(|d| result_kind(d).map(|k| (d.to_path_buf(), k)))
}

/// The top-level entries of the result folder `dir` that its `manifest.json` does not list
/// (by their first path component), sorted; empty when `dir` has no readable manifest with a
/// file list (it is then judged by `replaceable` alone) or holds only what it lists. Hidden
/// names of this tool's own commit protocol (`.committed-by-…`) are not the user's.
pub(super) fn foreign_entries(dir: &Path) -> (Vec<String>, ResultKind) {
    let none = (Vec::new(), ResultKind::Manifest);
    let (listed, kind): (Vec<String>, ResultKind) = match result_kind(dir) {
        Some(ResultKind::Manifest) => {
            let Some(v) = result_manifest(dir) else {
                return none;
            };
            let Some(files) = v.get("files").and_then(|f| f.as_array()) else {
                return none;
            };
            let mut listed: Vec<String> = files
                .iter()
                .filter_map(|f| f.as_str())
                .filter_map(|f| match Path::new(f).components().next() {
                    Some(Component::Normal(c)) => Some(c.to_string_lossy().into_owned()),
                    _ => None,
                })
                .collect();
            listed.push(super::super::folder::MANIFEST.to_string());
            (listed, ResultKind::Manifest)
        }
        Some(ResultKind::Shard) => (vec!["partial.bin".into()], ResultKind::Shard),
        // Its charts are named after the replays: any `.svg` at the top is its own.
        Some(ResultKind::Backtest) => (vec!["report.csv".into()], ResultKind::Backtest),
        None => return none,
    };
    let Ok(rd) = fs::read_dir(dir) else {
        return none;
    };
    let backtest_chart = |n: &str| kind == ResultKind::Backtest && n.ends_with(".svg");
    let mut out: Vec<String> = rd
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !listed.contains(n) && !n.starts_with(".committed-by-") && !backtest_chart(n))
        .map(|n| crate::suggest::ShowPath::shown(Path::new(&n)).to_string())
        .collect();
    out.sort();
    (out, kind)
}
