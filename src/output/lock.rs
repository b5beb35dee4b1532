//! The cross-process lock on an output folder, and the sweep of folders left by processes
//! that died (part of [`super::files`], the one place that creates, renames or removes files).
//!
//! A process that writes results into `out_root` holds an advisory `flock` on the folder
//! itself (no lock file to leave behind) from its first [`super::files::prepare`] until its
//! last result folder there is committed or dropped. A second process waits for the lock,
//! saying so on stderr, then checks for existing results as usual: concurrent runs into one
//! folder are serialized, so a replacement with `--force` never races another one, and no
//! run fails half-way because another moved a folder under it (issue 15 measured 22 such
//! failures in 480 concurrent runs, five of them leaving a complete result hidden).
//!
//! # Replacing a result, and what a kill leaves
//!
//! A `--force` commit of `<name>` by process `P` ([`super::files::Staging::commit`]) goes
//! through hidden names in `out_root` that say what their folder holds, so that a process
//! killed at any point (SIGKILL, a crash, power loss) leaves a state the next run can finish
//! without guessing:
//!
//! | step | after it | if `P` dies here, the next run |
//! |---|---|---|
//! | 0 | `<name>` = old result, `.<name>.partial-P` being written | removes `.partial-P`; `<name>` untouched |
//! | 1. mark `.partial-P` ([`commit_mark`]), rename `<name>` → `.<name>.aside-P` | `.aside-P` = old result, complete; `<name>` absent | renames `.aside-P` back to `<name>` (restores), removes `.partial-P` |
//! | 2. rename `.partial-P` → `<name>` | `<name>` = new result, marked by `P`; `.aside-P` = old result | removes `.aside-P` as below (the new result stays) |
//! | 3. rename `.aside-P` → `.<name>.trash-P`, remove the mark | `.trash-P` = old result, no longer wanted | removes `.trash-P` (and the mark) |
//! | 4. remove `.trash-P` | `.trash-P` partly deleted | removes `.trash-P` |
//!
//! Each rename is atomic, and `out_root` is fsynced after step 2 and after step 3. A folder is
//! only ever deleted under a `.partial` or `.trash` name, never under `.aside`: an `.aside`
//! folder is therefore always a complete committed result, and the only one that is ever put
//! back. `.partial` and `.trash` folders are never put back. Removing an `.aside` folder (step
//! 3, or the sweep when its place is taken) renames it to `.trash` first, so a kill during
//! that removal leaves trash, not a half-deleted result.
//!
//! Versions before this scheme moved the old result to `.<name>.old-P` and deleted it under
//! that name, so a killed deletion left a partly deleted `.old` folder that the next run put
//! back as if it were a result. Such a legacy `.old` folder is removed if `<name>` is in
//! place; otherwise it is put back only if it is provably complete (its `manifest.json` lists
//! files that all exist), removed if its manifest shows files missing or it is empty, and
//! otherwise left hidden with a warning (nothing in it proves it complete or incomplete).
//!
//! `P` in these names is the owner as [`Owner`] writes it: the process id, its start time and
//! the boot it ran in, so a live process that took the id of a killed run (after a container
//! restart ids start again from 1) is not mistaken for it (hostile round 7 finding 4). Names
//! of older versions hold the id alone and are judged by it. Whatever the name, an `.aside`
//! folder is removed only when `<name>` holds `P`'s commit mark, which proves it to be that
//! replacement's own result; an `.aside` beside a result that another run wrote (one without
//! `--force` while the id looked alive) is kept, with a warning, and so is one whose `<name>`
//! is absent while its owner's id is alive.
//!
//! The sweep ([`sweep`]) runs under the lock and looks only at folders whose process is gone.
//! Each action is reported on stderr.

use crate::suggest::ShowPath;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

#[path = "lock_owner.rs"]
mod owner;
pub(super) use owner::Owner;

#[path = "lock_gone.rs"]
mod gone;
pub(crate) use gone::remove_if_free;
use gone::{still_named, RELOCKS};

/// One locked output folder: the open folder (its descriptor holds the `flock`) and how many
/// result folders of this process still need it.
struct Held {
    _dir: fs::File,
    users: usize,
}

static HELD: Mutex<Vec<(PathBuf, Held)>> = Mutex::new(Vec::new());

/// Keeps `out_root` locked while alive; the lock is released when the last guard of this
/// process for that folder is dropped.
#[derive(Debug)]
pub struct OutLock {
    key: Option<PathBuf>,
}

impl Drop for OutLock {
    fn drop(&mut self) {
        let Some(key) = self.key.take() else {
            return;
        };
        let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(i) = held.iter().position(|(k, _)| *k == key) {
            held[i].1.users -= 1;
            if held[i].1.users == 0 {
                held.swap_remove(i); // closing the descriptor releases the flock
            }
        }
    }
}

/// Writes a line on stderr; a closed or full stderr is not a reason to fail a run.
fn note(msg: std::fmt::Arguments) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// Locks `out_root` (which exists) for this process, waiting for another process that holds
/// it. Where the filesystem has no `flock` (some network filesystems), goes on unlocked
/// after a warning, as before the lock existed.
///
/// The lock is on the folder the path named when it was opened. A process that waited may
/// find the path naming another folder or none: the holder, interrupted, removed the empty
/// output folder it had created, or something replaced it. Staging inside it would then fail
/// ("No such file or directory") or write into a folder no one sees, so the folder is created
/// again and locked anew (hostile round 12 F1).
pub fn lock(out_root: &Path) -> OutLock {
    for _ in 0..RELOCKS {
        match lock_once(out_root) {
            Some(l) => return l,
            None => {
                if let Err(e) = super::files::create_out_root(out_root) {
                    note(format_args!(
                        "warning: cannot create {} again after waiting for its lock: {e}",
                        out_root.shown()
                    ));
                    return OutLock { key: None };
                }
            }
        }
    }
    note(format_args!(
        "warning: {} was removed or replaced {RELOCKS} times while this run waited for it; \
         continuing without the lock",
        out_root.shown()
    ));
    OutLock { key: None }
}

/// [`lock`] once; `None` when the folder locked is no longer the one `out_root` names.
fn lock_once(out_root: &Path) -> Option<OutLock> {
    let key = fs::canonicalize(out_root).unwrap_or_else(|_| out_root.to_path_buf());
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, h)) = held.iter_mut().find(|(k, _)| *k == key) {
        h.users += 1;
        return Some(OutLock { key: Some(key) });
    }
    let dir = match fs::File::open(&key) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
        Err(_) => return Some(OutLock { key: None }),
    };
    match flock(&dir, true) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
            note(format_args!(
                "waiting: another sanctions-sim process is writing results into {}; \
                 this run continues when it is done (Ctrl-C to give up)",
                out_root.shown()
            ));
            if let Err(e) = flock(&dir, false) {
                note(format_args!(
                    "warning: cannot lock {}: {e}; continuing without the lock",
                    out_root.shown()
                ));
                return Some(OutLock { key: None });
            }
        }
        Err(e) => {
            note(format_args!(
                "warning: cannot lock {}: {e}; concurrent runs into it are not serialized",
                out_root.shown()
            ));
            return Some(OutLock { key: None });
        }
    }
    if !still_named(&dir, out_root) {
        return None; // dropping `dir` releases the lock on the folder that went away
    }
    held.push((
        key.clone(),
        Held {
            _dir: dir,
            users: 1,
        },
    ));
    Some(OutLock { key: Some(key) })
}

#[cfg(unix)]
fn flock(f: &fs::File, nonblocking: bool) -> std::io::Result<()> {
    use std::os::unix::io::AsRawFd;
    let op = libc::LOCK_EX | if nonblocking { libc::LOCK_NB } else { 0 };
    loop {
        // SAFETY: a valid open descriptor and a valid operation.
        if unsafe { libc::flock(f.as_raw_fd(), op) } == 0 {
            return Ok(());
        }
        let e = std::io::Error::last_os_error();
        if e.kind() != std::io::ErrorKind::Interrupted {
            return Err(e);
        }
    }
}

#[cfg(not(unix))]
fn flock(_: &fs::File, _: bool) -> std::io::Result<()> {
    Ok(())
}

/// The kinds of hidden folder in an output folder (see the module docs).
pub(super) const PARTIAL: &str = "partial";
pub(super) const ASIDE: &str = "aside";
pub(super) const TRASH: &str = "trash";
/// Written by versions before the `.aside`/`.trash` scheme; may be partly deleted.
const LEGACY_OLD: &str = "old";

/// `out_root/.<name>.<kind>-<owner>` (`<owner>` as [`Owner::tag`] writes it).
pub(super) fn hidden(out_root: &Path, name: &str, kind: &str, owner: &Owner) -> PathBuf {
    out_root.join(format!(".{name}.{kind}-{}", owner.tag()))
}

/// `(name, kind, owner)` of a hidden `.<name>.<kind>-<owner>` folder, kind one of
/// [`PARTIAL`], [`ASIDE`], [`TRASH`] or the legacy `old`.
fn debris(file_name: &str) -> Option<(&str, &str, Owner)> {
    let rest = file_name.strip_prefix('.')?;
    let (stem, tag) = rest.rsplit_once('-')?;
    let owner = Owner::parse(tag)?;
    let (name, kind) = stem.rsplit_once('.')?;
    let known = [PARTIAL, ASIDE, TRASH, LEGACY_OLD].contains(&kind);
    (known && !name.is_empty()).then_some((name, kind, owner))
}

/// The empty file a `--force` commit puts in its new result before moving the old one aside,
/// and removes once the old one is in the trash: while both exist, it proves that `<name>`
/// is that replacement's own result, so the moved-aside one may go. Without it (a result
/// made by another run while the owner's id was taken by another process, or by a version
/// that wrote no mark) the moved-aside result is kept.
pub(super) fn commit_mark(owner: &Owner) -> String {
    format!(".committed-by-{}", owner.tag())
}

/// Writes this process's [`commit_mark`] into the staging folder `dir`.
pub(super) fn mark_commit(dir: &Path) -> std::io::Result<()> {
    fs::File::create(dir.join(commit_mark(Owner::me())))?.sync_all()?;
    sync_dir(dir);
    Ok(())
}

/// Removes a folder (or a file, where something else took a result's place).
fn remove_all(p: &Path) -> std::io::Result<()> {
    if fs::symlink_metadata(p)?.is_dir() {
        fs::remove_dir_all(p)
    } else {
        fs::remove_file(p)
    }
}

/// fsync a directory so renames inside it survive a crash (a no-op where unsupported).
pub(super) fn sync_dir(dir: &Path) {
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Gives up the moved-aside result `aside`: renames it to `trash` (removing a stale `trash`
/// first), then deletes it. `aside` is never deleted under its own name, so a kill at any
/// point leaves either a complete `aside` or a `trash` folder (see the module docs). If the
/// rename fails, `aside` is left complete.
/// With `mark`, the [`commit_mark`] in the new result is removed once `aside` is in the
/// trash (the sweep removes it with a trash left by a kill).
pub(super) fn discard(aside: &Path, trash: &Path, mark: Option<&Path>) -> std::io::Result<()> {
    if fs::symlink_metadata(trash).is_ok() {
        remove_all(trash)?;
    }
    fs::rename(aside, trash)?;
    if let Some(parent) = trash.parent() {
        sync_dir(parent);
    }
    if let Some(mark) = mark {
        let _ = fs::remove_file(mark);
    }
    remove_all(trash)
}

/// Most bytes of a folder's `manifest.json` read to check it (a result's manifest is a few
/// KiB).
const MANIFEST_LIMIT: crate::bounded::Limit = crate::bounded::Limit {
    what: "manifest.json files",
    bytes: 16 << 20,
    regular_only: true,
};

/// The parsed `manifest.json` of the folder `dir`, if it has a readable one: what the sweep
/// and the results-inside-results checks (`files_nesting.rs`) judge a folder by.
pub(super) fn read_manifest(dir: &Path) -> Option<serde_json::Value> {
    let text = crate::bounded::read(&dir.join(super::folder::MANIFEST), MANIFEST_LIMIT).ok()?;
    serde_json::from_slice(&text.bytes).ok()
}

/// Whether the folder `dir` is a complete result by its own `manifest.json`: `Some(true)` if
/// every file the manifest lists exists, `Some(false)` if one is missing, `None` if there is
/// no readable manifest with a list of plain relative file names.
fn complete_by_manifest(dir: &Path) -> Option<bool> {
    let v = read_manifest(dir)?;
    let mut all = true;
    for f in v.get("files")?.as_array()? {
        let rel = Path::new(f.as_str()?);
        let plain = rel
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !plain || rel.as_os_str().is_empty() {
            return None;
        }
        all &= dir.join(rel).is_file();
    }
    Some(all)
}

/// Puts the hidden folder `path` back as `target`, saying so.
fn restore(path: &Path, target: &Path, pid: u32) {
    match fs::rename(path, target) {
        Ok(()) => note(format_args!(
            "restored {}: the replacement of this result by process {pid}, which is \
             no longer running, was cut short; the previous result is back in place",
            target.shown()
        )),
        Err(e) => note(format_args!(
            "warning: could not restore {} from {}: {e}; rename it by hand",
            target.shown(),
            path.shown()
        )),
    }
}

/// Cleans debris of dead processes in `out_root` (see the module docs). Call with the lock
/// held. Errors are reported and otherwise ignored: debris never stops a run.
pub fn sweep(out_root: &Path) {
    let Ok(rd) = fs::read_dir(out_root) else {
        return;
    };
    // Listed first: the sweep renames folders of the listing.
    let found: Vec<(String, bool)> = rd
        .filter_map(Result::ok)
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            Some((name, e.file_type().is_ok_and(|t| t.is_dir())))
        })
        .collect();
    for (file_name, is_dir) in &found {
        let Some((name, kind, owner)) = debris(file_name) else {
            continue;
        };
        if owner == *Owner::me() || !is_dir {
            continue;
        }
        let path = out_root.join(file_name);
        if fs::symlink_metadata(&path).is_err() {
            continue; // removed with another entry of the listing
        }
        let target = out_root.join(name);
        let free = fs::symlink_metadata(&target).is_err();
        let pid = owner.pid;
        if !owner.gone() {
            // Under the lock a live owner is mid-commit only where there is no `flock`;
            // otherwise its id belongs to another process now, and the result stays hidden
            // until that one ends: say where it is.
            if free && [ASIDE, LEGACY_OLD].contains(&kind) {
                note(format_args!(
                    "warning: {} is absent, and {} holds an earlier result of that name, moved \
                     aside by process {pid}, which is still running; if that process is not a \
                     sanctions-sim writing here (its id may have been reused after a crash), \
                     rename {} to {} to get the result back",
                    target.shown(),
                    path.shown(),
                    path.shown(),
                    target.shown()
                ));
            }
            continue;
        }
        let trash = hidden(out_root, name, TRASH, &owner);
        let mark = target.join(commit_mark(&owner));
        let proven = fs::symlink_metadata(&target).is_ok_and(|m| m.is_dir())
            && fs::symlink_metadata(&mark).is_ok_and(|m| m.is_file());
        let removed = match kind {
            ASIDE if free => {
                restore(&path, &target, pid);
                continue;
            }
            LEGACY_OLD if free => match complete_by_manifest(&path) {
                Some(true) => {
                    restore(&path, &target, pid);
                    continue;
                }
                Some(false) => {
                    note(format_args!(
                        "{} is an incomplete copy of an earlier result (files its manifest \
                         lists are missing: an older sanctions-sim was deleting it when \
                         process {pid} was killed); it is not restored",
                        path.shown()
                    ));
                    discard(&path, &trash, None)
                }
                None if fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none()) => {
                    fs::remove_dir(&path)
                }
                None => {
                    note(format_args!(
                        "warning: {} was moved aside by process {pid}, which is no longer \
                         running, while an older sanctions-sim replaced {}; it has no manifest \
                         that shows it complete, so it is left hidden: look inside, then \
                         rename it to {} or delete it",
                        path.shown(),
                        target.shown(),
                        target.shown()
                    ));
                    continue;
                }
            },
            // Its replacement is in place: the moved-aside copy is given up, through `.trash`.
            ASIDE if proven => discard(&path, &trash, Some(&mark)),
            ASIDE => {
                note(format_args!(
                    "warning: {} holds an earlier result of {}, moved aside by process {pid}, \
                     which is no longer running; the {} there now is not that process's \
                     replacement (another run wrote it, or an older sanctions-sim that left \
                     no proof), so the earlier result is kept: look inside both, then delete \
                     {} or rename it",
                    path.shown(),
                    target.shown(),
                    target.shown(),
                    path.shown()
                ));
                continue;
            }
            LEGACY_OLD => discard(&path, &trash, None),
            _ => {
                if kind == TRASH && proven {
                    let _ = fs::remove_file(&mark);
                }
                remove_all(&path)
            }
        };
        match removed {
            Ok(()) => note(format_args!(
                "removed {}, left by process {pid}, which is no longer running",
                path.shown()
            )),
            Err(e) => note(format_args!(
                "warning: could not remove {}, left by process {pid}: {e}",
                path.shown()
            )),
        }
    }
}

/// For tests: whether this process holds the lock on `out_root`.
pub fn held_here(out_root: &Path) -> bool {
    let key = fs::canonicalize(out_root).unwrap_or_else(|_| out_root.to_path_buf());
    HELD.lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .any(|(k, _)| *k == key)
}

#[cfg(test)]
#[path = "lock_tests.rs"]
mod tests;
