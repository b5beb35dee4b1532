//! Class 3 of issue 15, every way out cleans up: a closed or full stdout and a full stderr
//! end each command with its documented exit code (docs/reliability.md, "Exit codes"),
//! never a panic, and leave no hidden folder behind. Signals are in tests/signals.rs.

use super::{baseline, entries, sim};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn scenarios_dir() -> String {
    baseline().parent().unwrap().to_str().unwrap().to_string()
}

/// `sanctions-sim <args> | head -1`: the reader takes one line and goes away.
fn head_one(args: &[&str]) -> (Option<i32>, String, String) {
    let mut child = Command::new(BIN)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!err.contains("panicked"), "{err}");
    (out.status.code(), first, err)
}

#[test]
fn closed_pipe_is_success_for_pure_output_commands() {
    let dir = scenarios_dir();
    let b = baseline();
    for args in [
        vec!["schema"],
        vec!["list", dir.as_str()],
        vec!["explain", b.to_str().unwrap()],
    ] {
        let (code, first, err) = head_one(&args);
        assert_eq!(code, Some(0), "{args:?}: {err}");
        assert!(!first.is_empty(), "{args:?}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
}

#[test]
fn run_into_a_closed_pipe_stops_cleanly() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let dir = scenarios_dir();
    let (code, first, err) = head_one(&[
        "run",
        &dir,
        "--paths",
        "16",
        "--months",
        "2",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, Some(141), "{err}");
    assert!(err.contains("standard output was closed"), "{err}");
    // Results committed before the pipe closed are complete; nothing hidden is left.
    let left = entries(&out);
    assert!(!left.is_empty() && left.len() < 5, "{left:?}");
    assert!(left.iter().all(|e| !e.starts_with('.')), "{left:?}");
    let name = first.split(':').next().unwrap();
    assert!(out.join(name).join("manifest.json").is_file(), "{first}");
}

#[cfg(target_os = "linux")]
#[test]
fn full_stdout_is_an_error_not_a_panic() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let dir = scenarios_dir();
    let b = baseline();
    for args in [
        vec!["list", dir.as_str()],
        vec!["schema"],
        vec![
            "run",
            b.to_str().unwrap(),
            "--paths",
            "8",
            "--months",
            "2",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ],
    ] {
        let r = Command::new(BIN)
            .args(&args)
            .stdout(full())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.contains("cannot write to standard output"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    assert!(entries(&out).iter().all(|e| !e.starts_with('.')));
    // The result committed before stdout failed is complete and kept, and the message says
    // so; the scenarios after it are not run.
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let r = Command::new(BIN)
        .args(["run", dir.as_str(), "--paths", "8", "--months", "2"])
        .args(["--no-charts", "--out", out.to_str().unwrap()])
        .stdout(full())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{err}");
    let done = entries(&out);
    assert_eq!(done.len(), 1, "{done:?}: {err}");
    let first = out.join(&done[0]);
    assert!(first.join("manifest.json").is_file(), "{err}");
    assert!(
        err.contains(&format!(
            "Only the console output failed: {} was written before it and it is complete (kept)",
            first.display()
        )),
        "{err}"
    );
}

#[cfg(target_os = "linux")]
#[test]
fn full_stderr_keeps_the_verdict() {
    let d = tempfile::tempdir().unwrap();
    let bad = d.path().join("x.toml");
    std::fs::write(&bad, "[scenario]\nmonths = 0\n").unwrap();
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    let code = |f: &std::path::Path| {
        Command::new(BIN)
            .args(["validate", f.to_str().unwrap()])
            .stderr(full())
            .stdout(Stdio::null())
            .status()
            .unwrap()
            .code()
    };
    assert_eq!(code(&bad), Some(1));
    assert_eq!(code(&baseline()), Some(0));
    // A run whose warnings cannot be printed still completes.
    let out = d.path().join("out");
    let r = Command::new(BIN)
        .args([
            "run",
            baseline().to_str().unwrap(),
            "--paths",
            "8",
            "--months",
            "2",
        ])
        .args(["--no-charts", "--out", out.to_str().unwrap()])
        .stderr(full())
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(r.code(), Some(0));
    assert_eq!(entries(&out), ["baseline"]);
    let _ = sim; // shared helper
}
