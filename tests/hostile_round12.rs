//! Hostile round 12, the processes: a run that waited for an output folder's lock goes on when the
//! holder, interrupted, removed the folder it had created (F1); output lost to a full stdout is
//! exit 1 in every command (F5). The limits and messages of F2–F4 and F6 are in
//! tests/hostile_round12_limits.rs.

mod common;
use common::*;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn baseline() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml")
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

// ---- F1: the folder a waiting run locked went away ------------------------------------------

/// Holds the lock a run takes on `dir` (an advisory `flock` on the folder itself).
#[cfg(unix)]
fn hold_lock(dir: &Path) -> std::fs::File {
    use std::os::unix::io::AsRawFd;
    let f = std::fs::File::open(dir).unwrap();
    // SAFETY: a valid open descriptor.
    assert_eq!(unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX) }, 0);
    f
}

/// The first line of `child`'s stderr, and a thread that collects the rest.
fn first_line(child: &mut std::process::Child) -> (String, std::thread::JoinHandle<String>) {
    let (tx, rx) = std::sync::mpsc::channel();
    let err = child.stderr.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(err).lines() {
            let line = line.unwrap();
            let _ = tx.send(line.clone());
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let first = rx.recv_timeout(Duration::from_secs(60)).unwrap();
    (first, reader)
}

#[cfg(unix)]
#[test]
fn a_run_that_waited_for_a_folder_removed_meanwhile_makes_it_again() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    std::fs::create_dir(&out).unwrap();
    // What a run that created `out` does when interrupted: it holds the lock, removes the
    // folder, now empty, and exits.
    let held = hold_lock(&out);
    let mut waiter = Command::new(BIN)
        .arg("run")
        .arg(baseline())
        .args(["--paths", "8", "--months", "2", "--threads", "1"])
        .args(["--no-charts", "--no-report", "--quiet", "--out"])
        .arg(&out)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (first, reader) = first_line(&mut waiter);
    assert!(first.starts_with("waiting: "), "{first}");
    std::fs::remove_dir(&out).unwrap();
    drop(held);
    let status = waiter.wait().unwrap();
    let err = reader.join().unwrap();
    assert!(status.success(), "{first}\n{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(names(&out), ["baseline"], "{err}");
}

#[test]
fn a_run_waiting_for_the_lock_goes_on_when_the_holder_removes_the_folder_it_created() {
    let d = tempfile::tempdir().unwrap();
    // Neither process finds the folder: the first creates it, and removes it again when
    // interrupted, since it is then empty.
    let out = d.path().join("fresh/out");
    let run = |paths: &str| {
        let mut c = Command::new(BIN);
        c.arg("run")
            .arg(baseline())
            .args(["--paths", paths, "--months", "3", "--threads", "1"])
            .args(["--no-charts", "--no-report", "--quiet", "--out"])
            .arg(&out)
            .env_remove("RAYON_NUM_THREADS")
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        c
    };
    let mut holder = run("5000000").spawn().unwrap();
    let t0 = Instant::now();
    while !names(&out).iter().any(|e| e.contains(".partial-")) {
        assert!(holder.try_wait().unwrap().is_none(), "the first run ended");
        assert!(t0.elapsed() < Duration::from_secs(60), "it never started");
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut waiter = run("8").spawn().unwrap();
    let (first, reader) = first_line(&mut waiter);
    assert!(first.starts_with("waiting: "), "{first}");
    // SAFETY: a process id this test spawned and has not reaped.
    unsafe { libc::kill(holder.id() as libc::pid_t, libc::SIGINT) };
    let h = holder.wait_with_output().unwrap();
    assert_eq!(h.status.code(), Some(130), "{}", text(&h.stderr));
    let status = waiter.wait().unwrap();
    let err = reader.join().unwrap();
    assert!(!err.contains("panicked"), "{err}");
    assert!(status.success(), "{first}\n{err}");
    assert_eq!(names(&out), ["baseline"], "{err}");
    let m = std::fs::read_to_string(out.join("baseline/manifest.json")).unwrap();
    assert!(m.contains("\"paths\": 8"), "{m}");
}

// ---- F5: every command's output lost to a full stdout is exit 1 -----------------------------

#[cfg(target_os = "linux")]
#[test]
fn help_version_completions_and_man_on_a_full_stdout_exit_1() {
    let full = || {
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap()
    };
    for args in [
        vec!["completions", "bash"],
        vec!["man"],
        vec!["man", "run"],
        vec!["--help"],
        vec!["run", "--help"],
        vec!["help", "merge"],
        vec!["--version"],
    ] {
        let o = Command::new(BIN)
            .args(&args)
            .stdout(full())
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.contains("error: cannot write to standard output: No space left on device"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    // A reader that stops early had what it wanted: exit 0, as for `list` and `schema`.
    for args in [vec!["completions", "zsh"], vec!["man"], vec!["--help"]] {
        let mut c = Command::new(BIN)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(c.stdout.take());
        let o = c.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", text(&o.stderr));
    }
}
