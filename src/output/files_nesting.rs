//! Results inside results (hostile round 8 finding 4): an output directory that is, or lies
//! inside, a result folder is refused, since `--force` of that result would delete what was
//! written there; and `--force` refuses to replace a result folder that holds entries its
//! own `manifest.json` does not list (a user's notes, another command's result), naming them.

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

/// The result folder that `out_root` is or lies inside, if any: the nearest of its existing
/// folders (links resolved) and their parents holding a sanctions-sim `manifest.json`.
pub(super) fn enclosing_result(out_root: &Path) -> Option<PathBuf> {
    let existing = out_root
        .ancestors()
        .find(|d| !d.as_os_str().is_empty() && d.is_dir())
        .unwrap_or(Path::new("."));
    let real = fs::canonicalize(existing).ok()?;
    real.ancestors()
        .find(|d| result_manifest(d).is_some())
        .map(Path::to_path_buf)
}

/// The top-level entries of the result folder `dir` that its `manifest.json` does not list
/// (by their first path component), sorted; empty when `dir` has no readable manifest with a
/// file list (it is then judged by `replaceable` alone) or holds only what it lists. Hidden
/// names of this tool's own commit protocol (`.committed-by-…`) are not the user's.
pub(super) fn foreign_entries(dir: &Path) -> Vec<String> {
    let Some(v) = result_manifest(dir) else {
        return Vec::new();
    };
    let Some(files) = v.get("files").and_then(|f| f.as_array()) else {
        return Vec::new();
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
    let Ok(rd) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = rd
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !listed.contains(n) && !n.starts_with(".committed-by-"))
        .map(|n| crate::suggest::ShowPath::shown(Path::new(&n)).to_string())
        .collect();
    out.sort();
    out
}
