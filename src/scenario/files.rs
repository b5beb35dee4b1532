//! Reading files: the `extends` chain, the folder listing, and the canonical text that
//! identifies the inputs (the market file: `market_file.rs`).

pub(crate) use super::market_file::load_market;
use crate::suggest::ShowPath;

use super::diagnostics::{Diagnostic, LoadError, Source};
pub(crate) use super::syntax::syntax;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::de::{DeTable, DeValue};

/// Why a file could not be read.
pub(super) enum ReadFail {
    Io(std::io::Error),
    /// Over its size limit, or not a file that can be read whole: reported where the file
    /// is named (its `extends` or `scenario.market`).
    Limit(String),
    /// Not UTF-8 (a diagnostic at the first bad byte).
    Invalid(Box<Diagnostic>),
}

pub(super) const LIMIT_HELP: &str =
    "a scenario or market file is a few KiB of TOML text: check that this is the right file";

/// Whether the loader may quote lines of `path` in its messages: a regular `.toml` file
/// (its size as reported, so not a `/proc` file or a device) of text without control
/// characters. Anything else, e.g. `/etc/passwd` or `/proc/self/environ` reached through a
/// stray `extends`, is reported by position only, so its content is never echoed.
fn quotable(path: &Path, regular: bool, text: &str) -> bool {
    regular
        && path.extension().is_some_and(|e| e == "toml")
        && !text
            .bytes()
            .any(|b| b.is_ascii_control() && !matches!(b, b'\t' | b'\n' | b'\r'))
}

/// Reads a file as UTF-8 (at most [`crate::bounded::SCENARIO`], 16 MiB, so a huge file, or an endless one such
/// as `/dev/zero`, is refused without reading it all); errors name the file (and, for bad
/// UTF-8, where).
pub(super) fn read_source(path: &Path, limit: crate::bounded::Limit) -> Result<Source, ReadFail> {
    use crate::bounded::ReadError;
    let read = match crate::bounded::read(path, limit) {
        Ok(b) => b,
        Err(ReadError::Io { source, .. }) => return Err(ReadFail::Io(source)),
        Err(ReadError::Directory(_)) => {
            return Err(ReadFail::Io(std::io::Error::other(
                "it is a folder, not a file",
            )))
        }
        Err(e) => return Err(ReadFail::Limit(e.to_string())),
    };
    let regular = read.regular;
    match String::from_utf8(read.bytes) {
        Ok(text) => {
            // A UTF-8 byte-order mark is not part of the text: without it, line-1 columns
            // count from the first character and snippets do not echo it (D180).
            let text = match text.strip_prefix('\u{feff}') {
                Some(rest) => rest.to_string(),
                None => text,
            };
            let quote = quotable(path, regular, &text);
            Ok(Source::new(path.to_path_buf(), text, quote))
        }
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..at]).into_owned();
            // Text in another encoding (Latin-1) shows the line up to the bad byte; binary
            // content (control characters) is never quoted: the position finds the byte.
            let quote = quotable(path, regular, &prefix);
            let src = Source::new(path.to_path_buf(), prefix, quote);
            Err(ReadFail::Invalid(Box::new(src.diag(
                at..at,
                None,
                format!("`{}` is not valid UTF-8 text", path.shown()),
                Some("save the file as UTF-8".into()),
            ))))
        }
    }
}

/// Why the `extends` chain could not be read (the loader's first stage stops at the first).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ReadError {
    /// A file in the chain (or the leaf) cannot be opened or read.
    #[error("{0}")]
    Unreadable(Box<Diagnostic>),
    /// Not UTF-8, or over its size limit ([`crate::bounded::SCENARIO`]).
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
    /// `extends` leads back to a file already in the chain.
    #[error("{0}")]
    Cycle(Box<Diagnostic>),
    /// A TOML syntax error (the `extends` key cannot be found without parsing).
    #[error("{0}")]
    Syntax(Box<Diagnostic>),
}

impl From<ReadError> for LoadError {
    fn from(e: ReadError) -> Self {
        let (ReadError::Unreadable(d)
        | ReadError::Invalid(d)
        | ReadError::Cycle(d)
        | ReadError::Syntax(d)) = e;
        LoadError::one(*d)
    }
}

/// The folder a file's relative paths (`extends`, `market`, `brent.imposed`) are resolved
/// against: its own folder, or, when the file is a symbolic link, the folder of the file it
/// links to, so a link to `summit_failure.toml` inherits the `baseline.toml` beside it and
/// never one that happens to sit beside the link. `..` in the rest of the path is resolved
/// by the system after links, so only the last component needs this.
pub(crate) fn base_dir(path: &Path) -> PathBuf {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link {
        if let Some(dir) = std::fs::canonicalize(path)
            .ok()
            .and_then(|c| c.parent().map(Path::to_path_buf))
        {
            return dir;
        }
    }
    path.parent().unwrap_or(Path::new("")).to_path_buf()
}

/// The `extends` chain, root first. Stops at the first unreadable file or syntax error.
pub(crate) fn read_chain(leaf: &Path) -> Result<Vec<Source>, ReadError> {
    let mut chain: Vec<Source> = Vec::new();
    // Position in `chain` of each file's canonical path: the cycle check stays linear in the chain's
    // length (a scan of `canon` per link made 50,000 files take 72 s).
    let mut seen: std::collections::HashMap<PathBuf, usize> = std::collections::HashMap::new();
    let mut cur = leaf.to_path_buf();
    // The file and span of the `extends` that named `cur`, and whether it was written below a
    // header (followed, but misplaced: the help says so too).
    let mut named_by: Option<(usize, std::ops::Range<usize>, bool)> = None;
    // Whether that `extends` wrote an absolute path (walkthrough 10 #16).
    let mut named_absolute = false;
    loop {
        let here = |msg: String, help: Option<String>, chain: &[Source]| match &named_by {
            Some((i, span, below)) => {
                let help = match (help, below) {
                    (Some(h), true) => Some(format!(
                        "{h}; and move `extends` to the top of the file, above the first \
                         `[...]` header"
                    )),
                    (h, _) => h,
                };
                chain[*i].diag(span.clone(), Some("extends"), msg, help)
            }
            None => Diagnostic::file_level(&cur, None, msg, help),
        };
        let c = std::fs::canonicalize(&cur).unwrap_or_else(|_| cur.clone());
        if let Some(&pos) = seen.get(&c) {
            let mut names: Vec<String> = chain[pos..]
                .iter()
                .map(|s| s.path.shown().to_string())
                .collect();
            names.push(cur.shown().to_string());
            let d = here(
                format!("`extends` forms a cycle: {}", names.join(" → ")),
                Some("remove `extends` from one of these files".into()),
                &chain,
            );
            return Err(ReadError::Cycle(Box::new(d)));
        }
        // The file on the command line may be a pipe (`run <(...)`); a named one may not.
        let limit = match named_by {
            Some(_) => crate::bounded::NAMED,
            None => crate::bounded::SCENARIO,
        };
        let mut src = match read_source(&cur, limit) {
            Ok(s) => s,
            Err(ReadFail::Invalid(d)) => return Err(ReadError::Invalid(d)),
            Err(ReadFail::Limit(m)) => {
                let d = here(m, Some(LIMIT_HELP.into()), &chain);
                return Err(ReadError::Invalid(Box::new(d)));
            }
            Err(ReadFail::Io(e)) => {
                let missing = e.kind() == std::io::ErrorKind::NotFound;
                // A link that exists but leads nowhere is not a path typo: name its target.
                let link = std::fs::read_link(&cur).ok();
                let msg = match (&link, missing) {
                    (Some(t), true) => format!(
                        "`{}` is a symbolic link to `{}`, which does not exist",
                        cur.shown(),
                        t.shown()
                    ),
                    (Some(t), false) => format!(
                        "`{}` is a symbolic link to `{}`, which cannot be followed: {e}",
                        cur.shown(),
                        t.shown()
                    ),
                    (None, true) => format!("`{}` does not exist", cur.shown()),
                    (None, false) => format!("cannot read `{}`: {e}", cur.shown()),
                };
                // Only a file named by `extends` is relative to another file; the one given
                // on the command line is relative to the working folder.
                let help = match (&named_by, missing) {
                    _ if link.is_some() => "fix the link or remove it",
                    (Some(_), _) => {
                        "check the path; `extends` is relative to the file that names it"
                    }
                    (None, true) if cur.is_absolute() => "check the path",
                    (None, true) => "check the path; it is relative to the current folder",
                    // `explain`, `compare` and `sensitivity` take files; `run`, `validate`
                    // and `list` expand a folder before they get here.
                    (None, false) if cur.is_dir() => {
                        "this command takes scenario files: name a `.toml` file inside the \
                         folder (`run`, `validate` and `list` also take a folder)"
                    }
                    (None, false) => "check the file's permissions",
                };
                // A missing file one typo away from a sibling names it (hostile round 6).
                let hint = near_path(&cur)
                    .filter(|_| missing && link.is_none())
                    .map_or_else(String::new, |q| format!("; did you mean `{}`?", q.shown()));
                let d = here(msg, Some(format!("{help}{hint}")), &chain);
                return Err(ReadError::Unreadable(Box::new(d)));
            }
        };
        let next = match DeTable::parse(&src.text) {
            Err(e) => {
                let mut d = syntax(&src, &e);
                // Say which file led here: the error is in a file the user may never have
                // opened (a stray `extends` naming `/etc/passwd`, not quoted, see `quotable`).
                if let Some((i, span, _)) = &named_by {
                    let at = chain[*i].origin(span.start);
                    let not_text = if src.quote {
                        ""
                    } else {
                        " (it is not a .toml scenario file, so no line of it is shown)"
                    };
                    d.help = Some(format!(
                        "`{}` is named by `extends` at {}:{}:{}{not_text}; check that it is \
                         the scenario file meant",
                        cur.shown(),
                        at.file.shown(),
                        at.line,
                        at.col
                    ));
                }
                return Err(ReadError::Syntax(Box::new(d)));
            }
            Ok(doc) => {
                if let Some(table) = market_tables(doc.get_ref()) {
                    let msg = format!(
                        "`{}` is a market file (it has `[[{table}]]` tables), not a scenario",
                        cur.shown()
                    );
                    let help = match named_by {
                        Some(_) => {
                            "`extends` names a parent scenario; a market file is named \
                                    by `market = \"...\"` under `[scenario]`"
                        }
                        None => {
                            "run a scenario that names it with `market = \"...\"` under \
                                 `[scenario]` (scenarios/baseline.toml does)"
                        }
                    };
                    let d = here(msg, Some(help.into()), &chain);
                    return Err(ReadError::Invalid(Box::new(d)));
                }
                extends_of(doc.get_ref())
            }
        };
        seen.insert(c, chain.len());
        src.named_absolute = named_absolute;
        chain.push(src);
        match next {
            None => break,
            Some((rel, span, below)) => {
                named_absolute = Path::new(&rel).is_absolute();
                cur = base_dir(&cur).join(rel);
                named_by = Some((chain.len() - 1, span, below));
            }
        }
    }
    chain.reverse();
    Ok(chain)
}

/// The first market-file table (`basin`, `buyer`, `route`, `pipeline`) at the top level of a
/// file that has no `[scenario]` table: a market file named where a scenario belongs, which
/// would otherwise give one "unknown key" per table, each blamed on that file.
fn market_tables(doc: &toml::de::DeTable<'_>) -> Option<&'static str> {
    if doc.contains_key("scenario") {
        return None;
    }
    ["basin", "buyer", "route", "pipeline"]
        .into_iter()
        .find(|k| doc.contains_key(*k))
}

/// The `extends` of a parsed file: the top-level key or, failing that, one written below the
/// `[scenario]` or `[brent]` header. The walker reports the misplaced one as an error (with
/// "move the line up"); following it here keeps that the only error, instead of one
/// "missing required key" for every key the parent would have given.
fn extends_of(doc: &toml::de::DeTable<'_>) -> Option<(String, Range<usize>, bool)> {
    let as_string = |v: &crate::scenario::spanned::Val<'_>, below: bool| match v.get_ref() {
        DeValue::String(s) => Some((s.to_string(), v.span(), below)),
        _ => None,
    };
    if let Some(v) = doc.get("extends") {
        return as_string(v, false);
    }
    ["scenario", "brent"]
        .iter()
        .find_map(|t| match doc.get(*t)?.get_ref() {
            DeValue::Table(tab) => tab.get("extends").and_then(|v| as_string(v, true)),
            _ => None,
        })
}

/// Every `*.toml` directly inside `dir`, sorted by file name.
pub fn discover(dir: &Path) -> Result<Vec<PathBuf>, LoadError> {
    discover_all(dir).map(|(files, _)| files)
}

/// Why a `*.toml` entry of a scenario folder is not read.
pub const SKIPPED_FOLDER: &str = "a folder, not a file (sub-folders are not read)";
pub const SKIPPED_SPECIAL: &str =
    "not a regular file (a named pipe, socket or device, which could block the read or never end)";

/// [`discover`], and the `*.toml` entries it leaves out with why, sorted by name: a
/// sub-folder or a FIFO named like a scenario used to be skipped without a word, so a user
/// could not tell why a scenario was missing from the results (hostile round 7, note of
/// finding 6).
pub fn discover_all(dir: &Path) -> Result<Found, LoadError> {
    let fail = |e: std::io::Error| {
        LoadError::one(Diagnostic::file_level(
            dir,
            None,
            format!("cannot list scenario folder `{}`: {e}", dir.shown()),
            Some("pass a folder that exists and is readable".into()),
        ))
    };
    let (mut out, mut skipped) = (Vec::new(), Vec::new());
    for entry in std::fs::read_dir(dir).map_err(fail)? {
        let p = entry.map_err(fail)?.path();
        if p.extension().is_none_or(|e| e != "toml") {
            continue;
        }
        // A link whose target is gone (or loops) is kept so that loading reports it: skipped,
        // a scenario the user meant to run would silently be missing from the results.
        let broken_link =
            p.symlink_metadata().is_ok_and(|m| m.is_symlink()) && std::fs::metadata(&p).is_err();
        if p.is_file() || broken_link {
            out.push(p);
        } else if p.is_dir() {
            skipped.push((p, SKIPPED_FOLDER));
        } else {
            skipped.push((p, SKIPPED_SPECIAL));
        }
    }
    out.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    skipped.sort_by(|a, b| a.0.file_name().cmp(&b.0.file_name()));
    Ok((out, skipped))
}

/// The scenario files of a folder, and the `*.toml` entries skipped with why.
pub type Found = (Vec<PathBuf>, Vec<(PathBuf, &'static str)>);

/// The entry of `p`'s folder whose name `p`'s most plausibly misspells (hidden entries left
/// out), as a path in that folder: for "no such file" messages.
pub fn near_path(p: &Path) -> Option<PathBuf> {
    let name = p.file_name()?.to_str()?;
    let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = parent.unwrap_or(Path::new("."));
    let names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| !n.starts_with('.'))
        .collect();
    let c = crate::suggest::closest(name, &names)?;
    Some(parent.map_or_else(|| PathBuf::from(c), |d| d.join(c)))
}
