//! An output folder that goes away while runs wait for its lock (part of [`super`]; hostile
//! round 12 F1). A run that created `--out` removes it again when it fails or is interrupted
//! and leaves it empty; another run may be waiting for the lock on it by then. The lock is on
//! the folder a descriptor names, not on the path, so:
//!
//! - the remover takes the lock before removing the folder, and leaves it when another
//!   process holds it (that run is using it);
//! - a waiter that gets the lock checks that the path still names the folder it locked, and
//!   if not (removed, or replaced) creates it again and locks that ([`super::lock`]).

use super::{flock, HELD};
use std::fs;
use std::path::Path;

/// How many times [`super::lock`] takes the lock again on a folder that went away while it
/// waited.
pub(super) const RELOCKS: usize = 64;

/// Whether the open folder `dir` is still the one `path` names.
#[cfg(unix)]
pub(super) fn still_named(dir: &fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (dir.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
pub(super) fn still_named(_: &fs::File, path: &Path) -> bool {
    path.is_dir()
}

/// Removes the folder `dir` if it is empty and no other process holds its lock: one that does
/// is writing into it, or about to, and would find it gone. Under this process's own lock
/// (a signal's exit, which keeps it) the folder goes; a run that waits for it then finds it
/// gone and makes it again.
pub(crate) fn remove_if_free(dir: &Path) {
    let key = fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    // `try_lock`: a signal's exit may come while the main thread holds the list, waiting for
    // another process's lock; the folder is then judged by its lock alone.
    let ours = match HELD.try_lock() {
        Ok(held) => held.iter().any(|(k, _)| *k == key),
        Err(std::sync::TryLockError::Poisoned(e)) => e.into_inner().iter().any(|(k, _)| *k == key),
        Err(std::sync::TryLockError::WouldBlock) => false,
    };
    if ours {
        let _ = fs::remove_dir(dir);
        return;
    }
    let Ok(f) = fs::File::open(dir) else {
        return;
    };
    if flock(&f, true).is_ok() {
        let _ = fs::remove_dir(dir);
    }
}
