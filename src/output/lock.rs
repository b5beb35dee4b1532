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
//! Under the lock, hidden `.<name>.partial-<pid>` and `.<name>.old-<pid>` folders whose
//! process is gone are debris of a crash, SIGKILL or power loss: staging folders are removed,
//! and a moved-aside previous result is put back if its place is empty (it is complete: it
//! was a committed result), else removed. Each is reported on stderr.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
pub fn lock(out_root: &Path) -> OutLock {
    let key = fs::canonicalize(out_root).unwrap_or_else(|_| out_root.to_path_buf());
    let mut held = HELD.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, h)) = held.iter_mut().find(|(k, _)| *k == key) {
        h.users += 1;
        return OutLock { key: Some(key) };
    }
    let Ok(dir) = fs::File::open(&key) else {
        return OutLock { key: None };
    };
    match flock(&dir, true) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
            note(format_args!(
                "waiting: another sanctions-sim process is writing results into {}; \
                 this run continues when it is done (Ctrl-C to give up)",
                out_root.display()
            ));
            if let Err(e) = flock(&dir, false) {
                note(format_args!(
                    "warning: cannot lock {}: {e}; continuing without the lock",
                    out_root.display()
                ));
                return OutLock { key: None };
            }
        }
        Err(e) => {
            note(format_args!(
                "warning: cannot lock {}: {e}; concurrent runs into it are not serialized",
                out_root.display()
            ));
            return OutLock { key: None };
        }
    }
    held.push((
        key.clone(),
        Held {
            _dir: dir,
            users: 1,
        },
    ));
    OutLock { key: Some(key) }
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

/// Whether process `pid` no longer exists.
#[cfg(unix)]
fn gone(pid: u32) -> bool {
    let Ok(p) = libc::pid_t::try_from(pid) else {
        return true;
    };
    // SAFETY: signal 0 only checks that the process exists.
    let rc = unsafe { libc::kill(p, 0) };
    rc != 0 && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH)
}

#[cfg(not(unix))]
fn gone(_: u32) -> bool {
    false
}

/// `(name, kind, pid)` of a hidden `.<name>.<kind>-<pid>` folder, kind `partial` or `old`.
fn debris(file_name: &str) -> Option<(&str, &str, u32)> {
    let rest = file_name.strip_prefix('.')?;
    let (stem, pid) = rest.rsplit_once('-')?;
    let pid: u32 = pid.parse().ok()?;
    let (name, kind) = stem.rsplit_once('.')?;
    (matches!(kind, "partial" | "old") && !name.is_empty()).then_some((name, kind, pid))
}

/// Cleans debris of dead processes in `out_root` (see the module docs). Call with the lock
/// held. Errors are reported and otherwise ignored: debris never stops a run.
pub fn sweep(out_root: &Path) {
    let Ok(rd) = fs::read_dir(out_root) else {
        return;
    };
    let me = std::process::id();
    for entry in rd.filter_map(Result::ok) {
        let file_name = entry.file_name();
        let Some((name, kind, pid)) = file_name.to_str().and_then(debris) else {
            continue;
        };
        if pid == me || !gone(pid) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        let path = entry.path();
        let target = out_root.join(name);
        if kind == "old" && fs::symlink_metadata(&target).is_err() {
            match fs::rename(&path, &target) {
                Ok(()) => note(format_args!(
                    "restored {}: the replacement of this result by process {pid}, which is \
                     no longer running, was cut short; the previous result is back in place",
                    target.display()
                )),
                Err(e) => note(format_args!(
                    "warning: could not restore {} from {}: {e}; rename it by hand",
                    target.display(),
                    path.display()
                )),
            }
            continue;
        }
        match fs::remove_dir_all(&path) {
            Ok(()) => note(format_args!(
                "removed {}, left by process {pid}, which is no longer running",
                path.display()
            )),
            Err(e) => note(format_args!(
                "warning: could not remove {}, left by process {pid}: {e}",
                path.display()
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
mod tests {
    use super::*;

    #[test]
    fn debris_names() {
        assert_eq!(
            debris(".baseline.partial-123"),
            Some(("baseline", "partial", 123))
        );
        assert_eq!(debris(".a-b.old-7"), Some(("a-b", "old", 7)));
        assert_eq!(
            debris(".x.shard-1-of-2.partial-9"),
            Some(("x.shard-1-of-2", "partial", 9))
        );
        for no in [
            "baseline",
            ".x.partial-",
            ".x.partial-a",
            ".partial-3",
            ".x.new-3",
            "..old-1",
        ] {
            assert_eq!(debris(no), None, "{no}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn sweep_removes_dead_staging_and_restores_a_hidden_result() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        // A pid that cannot exist (above the kernel's pid_max of 2^22).
        let dead = 4_194_999u32;
        fs::create_dir(root.join(format!(".a.partial-{dead}"))).unwrap();
        fs::create_dir(root.join(format!(".b.old-{dead}"))).unwrap();
        fs::write(root.join(format!(".b.old-{dead}/summary.csv")), "x").unwrap();
        fs::create_dir(root.join("c")).unwrap();
        fs::create_dir(root.join(format!(".c.old-{dead}"))).unwrap();
        let mine = format!(".d.partial-{}", std::process::id());
        fs::create_dir(root.join(&mine)).unwrap();
        sweep(root);
        let mut left: Vec<String> = fs::read_dir(root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [mine.as_str(), "b", "c"]);
        assert_eq!(fs::read_to_string(root.join("b/summary.csv")).unwrap(), "x");
    }

    #[test]
    fn one_lock_per_folder_per_process() {
        let tmp = tempfile::tempdir().unwrap();
        let a = lock(tmp.path());
        let b = lock(tmp.path());
        assert!(held_here(tmp.path()));
        drop(a);
        assert!(held_here(tmp.path()));
        drop(b);
        assert!(!held_here(tmp.path()));
    }
}
