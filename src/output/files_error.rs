//! The errors of [`super`], each with what to do about it.

use super::{kept_before, MAX_FOLDER_LEN};
use crate::suggest::ShowPath;
use std::io;
use std::path::PathBuf;

/// What went wrong while preparing or writing a result folder, and what to do about it.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    #[error(
        "invalid output name `{0}`: use only letters, digits, `_` and `-` \
         (it becomes a folder inside the output directory)"
    )]
    BadName(String),
    #[error(
        "the result folder name is {0} characters long; at most {MAX_FOLDER_LEN} are allowed \
         (filesystems allow 255 bytes per name, and a hidden staging suffix is added): use \
         shorter names for what it is made of (the scenario names; for `sensitivity` also the \
         target variable, which a market file's `[[output]] variable` may name)"
    )]
    NameTooLong(usize),
    #[error("invalid output file name `{0}`: use only letters, digits, `_`, `-` and `.`")]
    BadFileName(String),
    #[error("{} already exists; pass --force to replace it", .0.shown())]
    AlreadyExists(PathBuf),
    #[error(
        "{} is a symbolic link; sanctions-sim never replaces a link, even with --force \
         (it would replace the link by a file, not update what it points to): remove the \
         link, or copy the file it points to into its place",
        .0.shown()
    )]
    SymlinkTarget(PathBuf),
    #[error(
        "{} exists and is not a file (a folder or a device): --force replaces only a file \
         this tool wrote; move or remove it yourself, then run again",
        .0.shown()
    )]
    NotAFile(PathBuf),
    #[error(
        "{} exists but is not a sanctions-sim result (a folder holding manifest.json, \
         partial.bin or report.csv); --force replaces only results, and this would be \
         deleted: move or rename it yourself, or choose another output directory with --out",
        .0.shown()
    )]
    NotAResult(PathBuf),
    #[error(
        "{} is a symbolic link to {}; --force replaces only a result folder itself, never a \
         link (that would delete the link, not the result it points to): remove the link, or \
         choose another output directory with --out",
        .0.shown(), .1.shown()
    )]
    LinkedResult(PathBuf, PathBuf),
    #[error(
        "cannot write to output directory {}: {} is a symbolic link to {}, which does not \
         exist; create {}, remove the link, or choose another output directory with --out",
        path.shown(), link.shown(), target.shown(), target.shown()
    )]
    DanglingLink {
        path: PathBuf,
        link: PathBuf,
        target: PathBuf,
    },
    #[error(
        "cannot write to output directory {}: {source}; \
         choose another output directory or fix its permissions",
        path.shown()
    )]
    NotWritable { path: PathBuf, source: io::Error },
    #[error("output path {} exists but is not a directory; choose another output directory", .0.shown())]
    NotADirectory(PathBuf),
    /// `mark`: what makes `result` a result folder ([`super::nesting::ResultKind::mark`]).
    #[error(
        "output directory {} is inside the result folder {} (it holds {mark}): results \
         written there would be deleted with it by a later --force of that result; choose an \
         output directory outside it with --out, e.g. {}",
        out.shown(), result.shown(), beside.shown()
    )]
    InsideResult {
        out: PathBuf,
        result: PathBuf,
        beside: PathBuf,
        mark: &'static str,
    },
    /// `listing`: why the entries are not the result's ([`super::nesting::ResultKind::listing`]).
    #[error(
        "{} holds {} that {} not part of its result ({listing} {}); \
         --force would delete {} with it: move {} out of the folder first",
        dir.shown(), entries.join(", "), if entries.len() == 1 { "is" } else { "are" },
        if entries.len() == 1 { "it" } else { "them" },
        if entries.len() == 1 { "it" } else { "them" },
        if entries.len() == 1 { "it" } else { "them" }
    )]
    ForeignEntries {
        dir: PathBuf,
        entries: Vec<String>,
        listing: &'static str,
    },
    /// `elsewhere`: how this command writes somewhere else (not every command has `--out`);
    /// the advice follows the error's kind (D176, [`super::super::write_advice`]).
    #[error(
        "could not write {}: {source}; this result was not written{}: {}",
        path.shown(), kept_before(), super::super::write_advice::advice(source, elsewhere)
    )]
    WriteFailed {
        path: PathBuf,
        source: io::Error,
        elsewhere: &'static str,
    },
    #[error(
        "could not rename the new result to {}: {new}; putting the previous result back failed \
         too: {restore}. The previous result is complete in {}: rename it to {} by hand \
         (the next run into this folder also does it)",
        final_dir.shown(), old.shown(), final_dir.shown()
    )]
    RestoreFailed {
        final_dir: PathBuf,
        old: PathBuf,
        new: io::Error,
        restore: io::Error,
    },
    #[error("interrupted before {} was complete; nothing was written there", .0.shown())]
    Interrupted(PathBuf),
    #[error("could not {action} {}: {source}", path.shown())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
}

/// The system's error behind a temporary file's failed write or creation: the `tempfile`
/// crate wraps it as `<error> at path "<the temporary file's full path>"`, a debug-quoted
/// name of a file that never existed for the user (hostile round 13 F4), and keeps the
/// error itself private; its text is the system's message and code. The kind, and so the
/// advice ([`super::super::write_advice`]), is kept.
pub(super) fn os_error(e: io::Error) -> io::Error {
    if e.get_ref().is_none() {
        return e; // a plain system error
    }
    let text = e.to_string();
    let Some((inner, _)) = text.split_once(" at path \"") else {
        return e;
    };
    let code = inner
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once("(os error "))
        .and_then(|(_, n)| n.parse::<i32>().ok());
    match code {
        Some(code) => io::Error::from_raw_os_error(code),
        None => io::Error::new(e.kind(), inner.to_string()),
    }
}
