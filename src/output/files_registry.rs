//! The process-wide registries of `files.rs`: live staging folders, committed results and
//! the output folders this process created, and the exit that a signal handler takes after
//! removing what is left of them.

use crate::suggest::ShowPath;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Staging folders created by [`super::prepare`] and neither committed nor dropped yet.
static LIVE: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub(super) fn live() -> MutexGuard<'static, Vec<PathBuf>> {
    LIVE.lock().unwrap_or_else(|e| e.into_inner())
}

/// Result folders and files this process has committed, in order.
static COMMITTED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

pub(super) fn committed_now(p: &Path) {
    COMMITTED
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(p.to_path_buf());
}

/// The result folders (and `calibrate --write` / combined workbook files) this process has
/// committed so far, so that a later failure (a full stdout) can say they are complete.
pub fn committed() -> Vec<PathBuf> {
    COMMITTED.lock().unwrap_or_else(|e| e.into_inner()).clone()
}

/// Whether this process abandoned something it was writing: a staging folder dropped
/// uncommitted, or a result the command gave up on when a signal came (`run`'s combined
/// workbook). A signal's message says "stopped before the results were complete" only then,
/// or when nothing was committed (D207).
static ABANDONED: AtomicBool = AtomicBool::new(false);

/// Notes that a result was given up on (see [`ABANDONED`]).
pub fn note_abandoned() {
    ABANDONED.store(true, Ordering::SeqCst);
}

/// Whether a result was given up on (see [`ABANDONED`]).
pub fn abandoned() -> bool {
    ABANDONED.load(Ordering::SeqCst)
}

/// Output folders (`--out`, and each missing parent of it) that [`super::prepare`] created, outer
/// first: on an interrupt or an error they are removed again if they are still empty.
static CREATED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn created() -> MutexGuard<'static, Vec<PathBuf>> {
    CREATED.lock().unwrap_or_else(|e| e.into_inner())
}

/// Creates `out_root` and its missing parents, noting which folders this process created.
pub fn create_out_root(out_root: &Path) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut at = Some(out_root);
    while let Some(d) = at.filter(|d| !d.as_os_str().is_empty()) {
        if fs::symlink_metadata(d).is_ok() {
            break;
        }
        missing.push(d.to_path_buf());
        at = d.parent();
    }
    fs::create_dir_all(out_root)?;
    let mut c = created();
    for d in missing.into_iter().rev() {
        if !c.contains(&d) {
            c.push(d);
        }
    }
    Ok(())
}

/// The symbolic link, and where it points, if `out_root` or the nearest of its folders that
/// exists is a link to nothing: creating the folder then fails with "File exists", which
/// read as a matter of permissions (hostile round 7 finding 7).
pub fn dangling_link(out_root: &Path) -> Option<(PathBuf, PathBuf)> {
    let d = out_root
        .ancestors()
        .filter(|d| !d.as_os_str().is_empty())
        .find(|d| fs::symlink_metadata(d).is_ok())?;
    let dangling = fs::symlink_metadata(d).is_ok_and(|m| m.file_type().is_symlink())
        && fs::metadata(d).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound);
    dangling.then(|| (d.to_path_buf(), fs::read_link(d).unwrap_or_default()))
}

/// Removes the output folders this process created ([`super::prepare`]) that are still empty,
/// innermost first, for a command that failed or was interrupted: `run --out new` stopped
/// before any result leaves no empty `new/`. A folder that existed before, or that holds
/// anything (a result, another process's staging folder), is never removed: `remove_dir`
/// removes empty folders only.
pub fn remove_created_empty_out_roots() {
    let mut c = created();
    for d in c.iter().rev() {
        // Not from under a run that waited for its lock and now writes into it (hostile round 12 F1).
        super::super::lock::remove_if_free(d);
    }
    c.clear();
}

/// Removes every uncommitted staging folder of this process, then the output folders it
/// created that are left empty, and exits with `code`, holding the registry lock so that no
/// commit can happen meanwhile. `say` prints the message first, under that lock, so that what
/// it says about committed results is what is on disk (D175); it is told whether a staging
/// folder was live (something unfinished is being removed). For signal handling threads:
/// destructors of other threads do not run.
pub fn exit_removing_staging(code: i32, say: impl FnOnce(bool)) -> ! {
    let guard = live();
    say(!guard.is_empty());
    for dir in guard.iter() {
        let _ = fs::remove_dir_all(dir);
    }
    remove_created_empty_out_roots();
    std::process::exit(code)
}

/// Called by `main` once the command has returned: takes the registry lock and never gives it
/// back, so a signal thread can no longer print "interrupted" and exit while `main` prints
/// its own verdict and exits (the race gave exit 0 with the "interrupted" text, D175). A
/// signal thread that took the lock first exits with its own, consistent message.
pub fn hold_until_exit() {
    std::mem::forget(live());
}

/// The results this command has committed so far, for messages about a later failure: the
/// list (comma-separated) and its verb and pronoun (`was`, `it is` / `were`, `they are`).
/// `None` when nothing was committed.
pub fn committed_list() -> Option<(String, &'static str, &'static str)> {
    let done = committed();
    if done.is_empty() {
        return None;
    }
    let list: Vec<String> = done.iter().map(|p| p.shown().to_string()).collect();
    let (was, it) = if done.len() == 1 {
        ("was", "it is")
    } else {
        ("were", "they are")
    };
    Some((list.join(", "), was, it))
}

/// The results of this command committed before a failed write: complete, and kept (a disk
/// that fills up on the second scenario leaves the first one whole). Empty when none.
pub(super) fn kept_before() -> String {
    committed_list().map_or_else(String::new, |(list, was, it)| {
        format!(" ({list} {was} written before it, and {it} complete and kept)")
    })
}
