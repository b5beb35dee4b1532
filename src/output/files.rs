//! The one place in the crate that creates, renames or removes files.
//!
//! A run writes into a hidden staging folder `out_root/.<name>.partial-<pid>`; each file goes in
//! as a temporary file that is fsynced, made `0644` and renamed into place. Only
//! [`Staging::commit`] makes the result visible, by renaming the whole folder to
//! `out_root/<name>`, so a reader never sees a half-written result and a crash leaves at most a
//! clearly partial hidden folder. With `--force`, an existing result is replaced only at commit
//! (moved aside, new folder renamed in, old one renamed to trash and removed): a failed run
//! never destroys the previous result, and a killed one leaves a state the next run finishes
//! (the state machine is in [`super::lock`]). Dropping an uncommitted [`Staging`] removes its folder.
//!
//! Concurrent processes writing into one output folder are serialized by an advisory lock
//! on it, and debris of processes that died is cleaned up under that lock ([`super::lock`]).
//!
//! Every live staging folder is also listed in a process-wide registry, so that a signal
//! handler that must end the process without unwinding can remove them all first
//! ([`exit_removing_staging`]); a commit holds the same lock, so a result is either fully
//! renamed into place or not at all.

use crate::suggest::ShowPath;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

#[path = "files_names.rs"]
mod names;
#[path = "files_registry.rs"]
mod registry;
use names::{valid_file_name, valid_name, valid_shard_name, valid_sub_dir};
pub use registry::{
    abandoned, committed, committed_list, create_out_root, exit_removing_staging, hold_until_exit,
    note_abandoned, remove_created_empty_out_roots,
};
use registry::{committed_now, kept_before, live};
#[path = "files_error.rs"]
mod error;
#[path = "files_nesting.rs"]
mod nesting;
#[path = "files_root.rs"]
mod root;
pub use error::OutputError;
pub use root::resolve_out_root;

/// Writes one file outside a result folder (e.g. `calibrate --write`) atomically: a temporary
/// file beside it, fsynced, made `0644` and renamed into place, so a reader sees the old file
/// or the new one, never a part. Refuses to replace an existing file unless `force`, and a
/// symbolic link always ([`check_file_target`]). `elsewhere` is the command's way to write
/// somewhere else, for the advice of a failed write.
pub fn write_file(
    path: &Path,
    bytes: &[u8],
    force: bool,
    elsewhere: &'static str,
) -> Result<(), OutputError> {
    check_file_target(path, force)?;
    // Under the staging registry lock, as a folder's commit: a signal thread waits until the
    // file is in place and registered, then says it was written (D175, D207), and never
    // exits leaving the temporary file behind.
    let _reg = live();
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let failed = |source| OutputError::WriteFailed {
        path: path.to_path_buf(),
        source: error::os_error(source),
        elsewhere,
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".tmp-")
        .tempfile_in(dir)
        .map_err(failed)?;
    tmp.write_all(bytes).map_err(failed)?;
    set_public_readable(tmp.as_file()).map_err(io_err("set permissions of", path))?;
    tmp.as_file().sync_all().map_err(failed)?;
    tmp.persist(path)
        .map_err(|e| io_err("rename into place", path)(e.error))?;
    sync_dir(dir);
    committed_now(path);
    Ok(())
}

/// Whether [`write_file`] may write `path`: refuses an existing entry unless `force`, and a
/// symbolic link whatever `force` (D150), as `--force` refuses to replace a linked result
/// folder: the rename would put a regular file in the link's place; and anything else that
/// is not a regular file, which no rename can replace (hostile round 13 F2). Commands call
/// it before their work too, so that a refusal comes before a long fit.
pub fn check_file_target(path: &Path, force: bool) -> Result<(), OutputError> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(OutputError::SymlinkTarget(path.to_path_buf())),
        // A folder (or a device) in the file's place: no `--force` can replace it, so say so
        // before the run rather than fail at its end (hostile round 13 F2).
        Ok(m) if !m.is_file() => Err(OutputError::NotAFile(path.to_path_buf())),
        Ok(_) if !force => Err(OutputError::AlreadyExists(path.to_path_buf())),
        _ => Ok(()),
    }
}

fn io_err(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> OutputError {
    let path = path.to_path_buf();
    move |source| OutputError::Io {
        action,
        path,
        source,
    }
}

/// Longest result folder name (bytes; names are ASCII; scenario names are at most
/// [`crate::scenario::MAX_NAME_LEN`], so a shard's `<name>.shard-K-of-N` fits too): with the hidden
/// `.<name>.partial-<pid>_<start>_<boot>` around it, at most 250 bytes, below the 255 bytes per name that
/// Linux, macOS and Windows filesystems allow. Compare folders, which join several scenario
/// names, are refused beyond it before anything is simulated.
pub const MAX_FOLDER_LEN: usize = 200;

/// A result folder being written; see the module docs.
#[derive(Debug)]
pub struct Staging {
    out_root: PathBuf,
    name: String,
    dir: PathBuf,
    force: bool,
    committed: bool,
    /// When set, [`Staging::commit`] refuses ([`OutputError::Interrupted`]).
    cancel: Option<Arc<AtomicBool>>,
    /// The CSV tables written so far, by path inside the folder, so that a workbook of them
    /// ([`super::xlsx_results`]) is built from memory rather than read back from disk.
    tables: Mutex<Vec<(String, Vec<u8>)>>,
    /// How `.csv` files are written to disk (`--csv-dialect`); the kept tables stay default.
    dialect: super::dialect::CsvDialect,
    /// The output folder's lock, released after the folder is committed or removed (the
    /// last field, so dropped after [`Drop::drop`] ran).
    _lock: super::lock::OutLock,
}

/// CSV files not kept in memory by [`Staging`]: `paths.csv` can be far longer than any
/// other table and gets no sheet in `results.xlsx`.
pub const NOT_KEPT: [&str; 1] = ["paths.csv"];

/// Checks everything that can be checked before a run and creates the staging folder.
///
/// Fails early if `scenario_name` is not `[A-Za-z0-9_-]+`, if `out_root/<name>` exists and
/// `force` is off, or if `out_root` cannot be created or written.
pub fn prepare(out_root: &Path, scenario_name: &str, force: bool) -> Result<Staging, OutputError> {
    // `o/mini/..` is resolved before anything is written: replacing `o/mini` must not move
    // the folder the run writes into (hostile round 13 F1).
    let out_root = &resolve_out_root(out_root);
    if !valid_name(scenario_name) && !valid_shard_name(scenario_name) {
        return Err(OutputError::BadName(scenario_name.to_string()));
    }
    if scenario_name.len() > MAX_FOLDER_LEN {
        return Err(OutputError::NameTooLong(scenario_name.len()));
    }
    if out_root.exists() && !out_root.is_dir() {
        return Err(OutputError::NotADirectory(out_root.to_path_buf()));
    }
    if let Some((link, target)) = registry::dangling_link(out_root) {
        let path = out_root.to_path_buf();
        return Err(OutputError::DanglingLink { path, link, target });
    }
    if let Some((result, kind)) = nesting::enclosing_result(out_root) {
        let beside = result.parent().unwrap_or(&result).to_path_buf();
        return Err(OutputError::InsideResult {
            out: out_root.to_path_buf(),
            result,
            beside,
            mark: kind.mark(),
        });
    }
    create_out_root(out_root).map_err(|source| OutputError::NotWritable {
        path: out_root.to_path_buf(),
        source,
    })?;
    // Before anything is checked: another process may be replacing a result here.
    let lock = super::lock::lock(out_root);
    super::lock::sweep(out_root);
    let final_dir = out_root.join(scenario_name);
    if !force && fs::symlink_metadata(&final_dir).is_ok() {
        return Err(OutputError::AlreadyExists(final_dir));
    }
    if force && !replaceable(&final_dir) {
        return Err(match fs::read_link(&final_dir) {
            Ok(target) => OutputError::LinkedResult(final_dir, target),
            Err(_) => OutputError::NotAResult(final_dir),
        });
    }
    if force {
        let (entries, kind) = nesting::foreign_entries(&final_dir);
        if !entries.is_empty() {
            return Err(OutputError::ForeignEntries {
                dir: final_dir,
                entries,
                listing: kind.listing(),
            });
        }
    }
    let me = super::lock::Owner::me();
    let dir = super::lock::hidden(out_root, scenario_name, super::lock::PARTIAL, me);
    // Same name and owner: left by a dead process whose pid was reused.
    if fs::symlink_metadata(&dir).is_ok() {
        fs::remove_dir_all(&dir).map_err(io_err("remove stale staging folder", &dir))?;
    }
    let mut reg = live();
    fs::create_dir(&dir).map_err(|source| OutputError::NotWritable {
        path: out_root.to_path_buf(),
        source,
    })?;
    reg.push(dir.clone());
    drop(reg);
    Ok(Staging {
        out_root: out_root.to_path_buf(),
        name: scenario_name.to_string(),
        dir,
        force,
        committed: false,
        cancel: None,
        tables: Mutex::new(Vec::new()),
        dialect: super::dialect::CsvDialect::Default,
        _lock: lock,
    })
}

/// Whether `--force` may replace what is at `dir`: nothing, an empty folder, or a result
/// folder of this tool (every command's result holds one of these files). Scenario names
/// are free, so `run --out ~ --force` of a scenario named `Documents` must not delete
/// the user's folder, nor a file or link that happens to have a result's name.
fn replaceable(dir: &Path) -> bool {
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return true;
    };
    if !meta.is_dir() {
        return false;
    }
    let empty = fs::read_dir(dir).is_ok_and(|mut rd| rd.next().is_none());
    empty
        || ["manifest.json", "partial.bin", "report.csv"]
            .iter()
            .any(|f| dir.join(f).is_file())
}

#[cfg(unix)]
fn set_public_readable(f: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    f.set_permissions(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_public_readable(_: &fs::File) -> io::Result<()> {
    Ok(())
}

use super::lock::sync_dir;

impl Staging {
    /// Makes [`Staging::commit`] fail with [`OutputError::Interrupted`] once `flag` is set
    /// (a stop was requested), so an interrupted run never publishes a result.
    pub fn cancel_on(mut self, flag: Arc<AtomicBool>) -> Staging {
        self.cancel = Some(flag);
        self
    }

    /// Writes every `.csv` file in `dialect` ([`super::dialect`]); the tables kept in memory
    /// for `results.xlsx` and `report.html` stay in the default dialect.
    pub fn with_csv_dialect(mut self, dialect: super::dialect::CsvDialect) -> Staging {
        self.dialect = dialect;
        self
    }

    /// The dialect `.csv` files are written in.
    pub fn csv_dialect(&self) -> super::dialect::CsvDialect {
        self.dialect
    }

    /// The folder the result will have after [`Staging::commit`]: `out_root/<name>`.
    pub fn final_dir(&self) -> PathBuf {
        self.out_root.join(&self.name)
    }

    /// The hidden folder being written.
    pub fn staging_dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` to `file_name` in the staging folder atomically (temp file, fsync,
    /// `0644`, rename), replacing an earlier version of the same file.
    pub fn write(&self, file_name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.write_at(&self.dir, file_name, &self.on_disk(file_name, bytes))?;
        self.keep(file_name.to_string(), bytes);
        Ok(())
    }

    /// [`Staging::write`] into the sub-folder `sub` of the staging folder (e.g.
    /// `by_outcome/summit_pending=deal`), created if needed. `sub` is `/`-separated; each
    /// component is `[A-Za-z0-9_.=-]+` and not hidden, so it cannot leave the folder.
    pub fn write_in(&self, sub: &str, file_name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        if !valid_sub_dir(sub) {
            return Err(OutputError::BadFileName(format!("{sub}/{file_name}")));
        }
        let dir = sub.split('/').fold(self.dir.clone(), |d, c| d.join(c));
        fs::create_dir_all(&dir).map_err(|source| OutputError::WriteFailed {
            path: dir.clone(),
            source,
            elsewhere: super::write_advice::WITH_OUT,
        })?;
        self.write_at(&dir, file_name, &self.on_disk(file_name, bytes))?;
        self.keep(format!("{sub}/{file_name}"), bytes);
        Ok(())
    }

    /// `bytes` as written to disk: a `.csv` file in the folder's dialect.
    fn on_disk<'a>(&self, file_name: &str, bytes: &'a [u8]) -> std::borrow::Cow<'a, [u8]> {
        use super::dialect::CsvDialect;
        if self.dialect == CsvDialect::Default || !file_name.ends_with(".csv") {
            return std::borrow::Cow::Borrowed(bytes);
        }
        std::borrow::Cow::Owned(self.dialect.convert(bytes))
    }

    /// Remembers a CSV table (not [`NOT_KEPT`]), replacing an earlier version of it.
    fn keep(&self, path: String, bytes: &[u8]) {
        if !path.ends_with(".csv") || NOT_KEPT.contains(&path.as_str()) {
            return;
        }
        let mut t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        match t.iter_mut().find(|(p, _)| *p == path) {
            Some(slot) => slot.1 = bytes.to_vec(),
            None => t.push((path, bytes.to_vec())),
        }
    }

    /// The bytes of the CSV table written at `path` (`summary.csv`,
    /// `by_outcome/<node>=<outcome>/summary.csv`), if it was written and kept.
    pub fn table(&self, path: &str) -> Option<Vec<u8>> {
        let t = self.tables.lock().unwrap_or_else(|e| e.into_inner());
        t.iter().find(|(p, _)| p == path).map(|(_, b)| b.clone())
    }

    fn write_at(&self, dir: &Path, file_name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        if !valid_file_name(file_name) {
            return Err(OutputError::BadFileName(file_name.to_string()));
        }
        let target = dir.join(file_name);
        let failed = |source| OutputError::WriteFailed {
            path: target.clone(),
            source: error::os_error(source),
            elsewhere: super::write_advice::WITH_OUT,
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".tmp-")
            .tempfile_in(dir)
            .map_err(failed)?;
        tmp.write_all(bytes).map_err(failed)?;
        set_public_readable(tmp.as_file()).map_err(io_err("set permissions of", &target))?;
        tmp.as_file().sync_all().map_err(failed)?;
        tmp.persist(&target)
            .map_err(|e| io_err("rename into place", &target)(e.error))?;
        Ok(())
    }

    /// Makes the result visible as `out_root/<name>` and returns that path.
    ///
    /// With `force`, an existing folder is moved aside (`.<name>.aside-<pid>`), the new one
    /// renamed in, and the old one renamed to `.<name>.trash-<pid>` and removed; if renaming
    /// in fails the old one is put back. A kill at any point leaves a state the next run
    /// finishes ([`super::lock`]).
    ///
    /// Refuses with [`OutputError::Interrupted`] if the flag given to [`Staging::cancel_on`]
    /// is set. Holds the staging registry lock throughout, so [`exit_removing_staging`] never
    /// ends the process half-way through a replacement.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        let mut reg = live();
        let r = self.commit_locked();
        if self.committed {
            reg.retain(|d| *d != self.dir);
        }
        if let Ok(dir) = &r {
            committed_now(dir);
        }
        drop(reg);
        r // an uncommitted `self` is removed by Drop
    }

    fn commit_locked(&mut self) -> Result<PathBuf, OutputError> {
        let final_dir = self.final_dir();
        if self
            .cancel
            .as_ref()
            .is_some_and(|f| f.load(Ordering::SeqCst))
        {
            return Err(OutputError::Interrupted(final_dir));
        }
        sync_dir(&self.dir);
        let exists = fs::symlink_metadata(&final_dir).is_ok();
        if exists && !self.force {
            // Someone created it while we ran.
            return Err(OutputError::AlreadyExists(final_dir));
        }
        if exists {
            // The steps and what a kill between them leaves: `super::lock`'s module docs.
            let me = super::lock::Owner::me();
            let aside = super::lock::hidden(&self.out_root, &self.name, super::lock::ASIDE, me);
            let trash = super::lock::hidden(&self.out_root, &self.name, super::lock::TRASH, me);
            // Left by a dead process whose pid this one reuses (this process's own commits
            // finish): the result is in place, so that copy is superseded.
            if fs::symlink_metadata(&aside).is_ok() {
                super::lock::discard(&aside, &trash, None)
                    .map_err(io_err("remove stale folder", &aside))?;
            }
            // The proof that `final_dir` will be this replacement's own result.
            super::lock::mark_commit(&self.dir).map_err(io_err("write into", &self.dir))?;
            // 1. The previous result moves aside, complete.
            fs::rename(&final_dir, &aside)
                .map_err(io_err("move aside the previous", &final_dir))?;
            // 2. The new result moves in.
            if let Err(new) = fs::rename(&self.dir, &final_dir) {
                if let Err(restore) = fs::rename(&aside, &final_dir) {
                    return Err(OutputError::RestoreFailed {
                        final_dir,
                        old: aside,
                        new,
                        restore,
                    });
                }
                return Err(io_err("rename the new result to", &final_dir)(new));
            }
            self.committed = true;
            sync_dir(&self.out_root);
            // 3., 4. The previous result is renamed to trash, then deleted.
            // The new result is in place: a leftover copy of the old one is not a failure
            // (the next run into this folder removes it once this process has ended).
            let mark = final_dir.join(super::lock::commit_mark(me));
            if let Err(e) = super::lock::discard(&aside, &trash, Some(&mark)) {
                let _ = writeln!(
                    io::stderr(),
                    "warning: could not remove the previous result moved to {} or {}: {e}",
                    aside.shown(),
                    trash.shown()
                );
            }
        } else {
            fs::rename(&self.dir, &final_dir)
                .map_err(io_err("rename the result to", &final_dir))?;
            self.committed = true;
            sync_dir(&self.out_root);
        }
        Ok(final_dir)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let mut reg = live();
            note_abandoned();
            let _ = fs::remove_dir_all(&self.dir);
            reg.retain(|d| *d != self.dir);
        }
    }
}

#[cfg(test)]
#[path = "files_tests.rs"]
mod tests;
