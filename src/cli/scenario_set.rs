//! The checks on scenarios given together that no single file can fail: the same file twice
//! (by its canonical path, so through a symbolic link too) and two files naming one scenario
//! (their result folders would collide). `run` and `validate` call the same check, so that
//! "validate ok" means that run starts (hostile round 7, finding 6); `compare` calls it on
//! the compared files.

use crate::scenario::Scenario;
use crate::suggest::ShowPath;
use std::path::Path;

/// What `run` and `validate` advise for two files that name one scenario.
pub(super) const RENAME: &str = "give one a different [scenario].name";

/// One line per file that repeats an earlier one of `set` (the same file, or the same
/// `[scenario].name`), in order; empty when every scenario is given once. `rename` is the
/// advice for two files with one name.
pub(super) fn duplicates(set: &[Scenario], rename: &str) -> Vec<String> {
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let mut out = Vec::new();
    for (i, sc) in set.iter().enumerate() {
        let Some(other) = set[..i].iter().find(|o| o.name == sc.name) else {
            continue;
        };
        let same = canon(&other.path);
        if same.is_some() && same == canon(&sc.path) {
            out.push(same_file(&other.path, &sc.path, same.as_deref()));
            continue;
        }
        out.push(format!(
            "{} and {} both name their scenario `{}`; {rename}",
            other.path.shown(),
            sc.path.shown(),
            sc.name
        ));
    }
    out
}

/// The line for one file reached twice. A link is named as such: a user who gave one folder
/// did not give anything twice, a link in it did.
fn same_file(first: &Path, again: &Path, target: Option<&Path>) -> String {
    let link = |p: &Path| p.symlink_metadata().is_ok_and(|m| m.is_symlink());
    let (link, to) = match (link(first), link(again)) {
        (false, true) => (again.shown(), first.shown()),
        (true, false) => (first.shown(), again.shown()),
        (true, true) => {
            return format!(
                "{} and {} are symbolic links to the same file {}: {TWICE}",
                first.shown(),
                again.shown(),
                target.unwrap_or(first).shown()
            );
        }
        (false, false) => {
            return format!(
                "{} is given twice; name each scenario once (its runs would be identical)",
                again.shown()
            );
        }
    };
    format!("{link} is a symbolic link to {to}: {TWICE}")
}

const TWICE: &str = "the same scenario twice, whose runs would be identical; name each \
                     scenario once (a folder runs every *.toml file in it, links included)";
