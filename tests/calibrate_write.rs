//! `calibrate --write` keeps the project's file rules: it refuses to replace an existing
//! `fitted.toml` without `--force` (exit 1, before fitting, file untouched), and with it
//! replaces the file atomically with one that the replays read back.
//!
//! Works on a copy of `scenarios/history`, `scenarios/market` and `data/` in a temporary
//! folder (the replays find their market and Brent files by relative paths), with one path and
//! one sweep so the fit takes well under a second.

mod common;

use assert_cmd::Command;
use std::fs;
use std::path::Path;

fn sandbox() -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    common::history_copy(t.path());
    t
}

fn calibrate(history: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args(["calibrate", "--paths", "1", "--sweeps", "1", "--history"])
        .arg(history)
        .args(extra)
        .assert()
}

#[test]
fn write_refuses_to_replace_without_force_and_replaces_with_it() {
    let t = sandbox();
    let history = t.path().join("scenarios/history");
    let fitted = history.join("market/fitted.toml");
    let before = fs::read(&fitted).unwrap();

    let out = calibrate(&history, &["--write"])
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("already exists") && err.contains("--force"),
        "{err}"
    );
    assert!(!err.contains("sweep"), "refused only after fitting:\n{err}");
    assert_eq!(fs::read(&fitted).unwrap(), before, "file changed");

    let out = calibrate(&history, &["--write", "--force"])
        .success()
        .get_output()
        .clone();
    let after = fs::read_to_string(&fitted).unwrap();
    assert_ne!(after.as_bytes(), before.as_slice());
    // What is printed is what is stored.
    assert_eq!(String::from_utf8_lossy(&out.stdout), after);
    assert!(after.contains("[params]\n"), "{after}");
    // No temporary file is left beside it.
    let names: Vec<String> = fs::read_dir(history.join("market"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".tmp")), "{names:?}");
    // The replays read the new file back.
    Command::cargo_bin("sanctions-sim")
        .unwrap()
        .arg("validate")
        .arg(history.join("replay_2024.toml"))
        .assert()
        .success();
}

#[test]
fn force_needs_write() {
    let t = sandbox();
    let history = t.path().join("scenarios/history");
    let out = calibrate(&history, &["--force"])
        .failure()
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("--write"));
}
