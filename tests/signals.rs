//! SIGINT and SIGTERM sent to a running `sanctions-sim` process: it stops within a few
//! seconds, exits 130 with `interrupted` on stderr, removes its hidden `.partial` folder and
//! creates no result folder; an earlier result replaced with `--force` is left untouched.
//! Also checks that a 2,000,000-path run (sketch mode) keeps its memory bounded.
//!
//! See docs/reliability.md.

#![cfg(unix)]

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"))
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    v.sort();
    v
}

/// Starts `sanctions-sim <args>` with stdout and stderr captured.
fn spawn(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn sanctions-sim")
}

/// Waits until `out` holds a hidden `.partial` folder (the run is simulating), then `extra`.
fn wait_until_simulating(child: &mut Child, out: &Path, extra: Duration) {
    let t0 = Instant::now();
    loop {
        if entries(out).iter().any(|e| e.contains(".partial-")) {
            break;
        }
        if let Some(st) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = e.read_to_string(&mut err);
            }
            panic!("sanctions-sim ended before it was interrupted: {st:?}\n{err}");
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "no staging folder in {}",
            out.display()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(extra);
    assert!(
        child.try_wait().unwrap().is_none(),
        "the run finished too soon to be interrupted"
    );
}

fn send(child: &Child, sig: libc::c_int) {
    let rc = unsafe { libc::kill(child.id() as libc::pid_t, sig) };
    assert_eq!(rc, 0, "kill failed");
}

/// Waits at most `limit` for the process to end; kills it and fails otherwise.
fn wait_within(child: &mut Child, limit: Duration) -> (ExitStatus, String, Duration) {
    let t0 = Instant::now();
    loop {
        if let Some(st) = child.try_wait().unwrap() {
            let mut err = String::new();
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (st, err, t0.elapsed());
        }
        if t0.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("sanctions-sim did not stop within {limit:?} of the signal");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Resident memory of `pid` in bytes, from /proc (Linux).
fn rss_bytes(pid: u32) -> Option<u64> {
    let s = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn assert_interrupted(st: ExitStatus, err: &str) {
    assert_interrupted_with(st, err, 130);
}

fn assert_interrupted_with(st: ExitStatus, err: &str, code: i32) {
    assert_eq!(st.code(), Some(code), "exit code; stderr:\n{err}");
    assert!(err.contains("interrupted"), "stderr:\n{err}");
    assert!(!err.contains("panicked"), "stderr:\n{err}");
}

/// The documented exit code of each handled signal (docs/reliability.md).
fn code_of(sig: libc::c_int) -> i32 {
    match sig {
        libc::SIGHUP => 129,
        libc::SIGQUIT => 131,
        _ => 130,
    }
}

fn interrupted_run_leaves_nothing(sig: libc::c_int) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let sc = scenario("baseline");
    let mut child = spawn(&[
        "run",
        sc.to_str().unwrap(),
        "--paths",
        "2000000",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    wait_until_simulating(&mut child, &out, Duration::from_millis(1500));
    send(&child, sig);
    let (st, err, took) = wait_within(&mut child, Duration::from_secs(10));
    assert_interrupted_with(st, &err, code_of(sig));
    assert!(took < Duration::from_secs(3), "took {took:?} to stop");
    assert!(
        entries(&out).is_empty(),
        "left behind in --out: {:?}",
        entries(&out)
    );
    // The run created `--out`: left empty, it is removed too.
    assert!(
        !out.exists(),
        "the empty --out folder the run created is left"
    );
}

/// `--out a/b/c` where the run created all three: all removed on an interrupt; an `--out`
/// that existed before (empty) or that holds anything is kept (`sensitivity`, stopped by the
/// signal thread, and `run`, which stops by itself).
#[test]
fn interrupt_removes_only_the_empty_out_folders_it_created() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = scenario("baseline");
    let sc = sc.to_str().unwrap();
    let nested = tmp.path().join("a/b/c");
    let before = tmp.path().join("before");
    let holds = tmp.path().join("holds");
    fs::create_dir(&before).unwrap();
    fs::create_dir(&holds).unwrap();
    fs::write(holds.join("notes.txt"), "mine").unwrap();
    let sens = vec![
        "sensitivity",
        sc,
        "--target",
        "brent_usd_bbl",
        "--paths",
        "200000",
    ];
    for (out, args) in [
        (&nested, sens.clone()),
        (&before, sens),
        (&holds, vec!["run", sc, "--paths", "2000000"]),
    ] {
        let mut all = args.clone();
        all.extend(["--quiet", "--out", out.to_str().unwrap()]);
        let mut child = spawn(&all);
        wait_until_simulating(&mut child, out, Duration::from_millis(500));
        send(&child, libc::SIGINT);
        let (st, err, _) = wait_within(&mut child, Duration::from_secs(10));
        assert_interrupted(st, &err);
    }
    assert!(!tmp.path().join("a").exists(), "{:?}", entries(tmp.path()));
    assert!(before.is_dir() && entries(&before).is_empty());
    assert_eq!(entries(&holds), ["notes.txt"]);
}

#[test]
fn sigint_stops_run_and_removes_partial_folder() {
    interrupted_run_leaves_nothing(libc::SIGINT);
}

#[test]
fn sigterm_stops_run_and_removes_partial_folder() {
    interrupted_run_leaves_nothing(libc::SIGTERM);
}

/// A closed terminal (SIGHUP) and SIGQUIT are handled like SIGINT (issue 15), with their
/// own exit codes.
#[test]
fn sighup_and_sigquit_stop_run_and_remove_partial_folder() {
    interrupted_run_leaves_nothing(libc::SIGHUP);
    interrupted_run_leaves_nothing(libc::SIGQUIT);
}

/// A command that does not poll the stop flag (`validate`, here blocked reading a FIFO that
/// nobody writes) is ended by the signal thread with the signal's code.
#[test]
fn sighup_ends_a_non_cooperative_command() {
    let tmp = tempfile::tempdir().unwrap();
    let f = tmp.path().join("fifo.toml");
    let c = std::ffi::CString::new(f.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let mut child = spawn(&["validate", f.to_str().unwrap()]);
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "validate did not block"
    );
    send(&child, libc::SIGHUP);
    let (st, err, _) = wait_within(&mut child, Duration::from_secs(10));
    assert_interrupted_with(st, &err, 129);
}

/// A `--force` run that is interrupted leaves the earlier result exactly as it was.
#[test]
fn interrupted_forced_run_keeps_previous_result() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let sc = scenario("baseline");
    let (sc_s, out_s) = (sc.to_str().unwrap(), out.to_str().unwrap());
    let first = Command::new(BIN)
        .args(["run", sc_s, "--paths", "64", "--months", "3", "--quiet"])
        .args(["--out", out_s])
        .output()
        .unwrap();
    assert!(first.status.success(), "{first:?}");
    let summary = out.join("baseline/summary.csv");
    let before = fs::read(&summary).unwrap();

    let mut child = spawn(&[
        "run", sc_s, "--paths", "2000000", "--force", "--quiet", "--out", out_s,
    ]);
    wait_until_simulating(&mut child, &out, Duration::from_millis(1000));
    // While the forced run is in progress the old folder is still there, unchanged.
    assert_eq!(fs::read(&summary).unwrap(), before);
    send(&child, libc::SIGINT);
    let (st, err, _) = wait_within(&mut child, Duration::from_secs(10));
    assert_interrupted(st, &err);
    assert_eq!(entries(&out), ["baseline"]);
    assert_eq!(fs::read(&summary).unwrap(), before, "old result changed");
}

/// `compare` does not poll the flag: the signal thread removes its staging folder and exits.
#[test]
fn sigint_stops_compare() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (a, b) = (scenario("baseline"), scenario("summit_failure"));
    let mut child = spawn(&[
        "compare",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--paths",
        "2000000",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    wait_until_simulating(&mut child, &out, Duration::from_millis(1000));
    send(&child, libc::SIGINT);
    let (st, err, took) = wait_within(&mut child, Duration::from_secs(10));
    assert_interrupted(st, &err);
    assert!(took < Duration::from_secs(3), "took {took:?} to stop");
    assert!(!out.exists(), "{:?}", entries(&out));
}

/// 2,000,000 paths x 36 months x ~70 variables would be ~40 GB of exact quantile samples; the
/// engine switches to the sketch mode, so resident memory stays small while it runs.
#[test]
fn two_million_paths_memory_bounded() {
    const LIMIT: u64 = 2 << 30;
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let sc = scenario("baseline");
    let mut child = spawn(&[
        "run",
        sc.to_str().unwrap(),
        "--paths",
        "2000000",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    wait_until_simulating(&mut child, &out, Duration::ZERO);
    let mut peak = 0;
    let t0 = Instant::now();
    while t0.elapsed() < Duration::from_secs(4) {
        if let Some(r) = rss_bytes(child.id()) {
            peak = peak.max(r);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    send(&child, libc::SIGTERM);
    let (st, err, _) = wait_within(&mut child, Duration::from_secs(10));
    assert_interrupted(st, &err);
    assert!(peak > 0, "no VmRSS read");
    assert!(peak < LIMIT, "peak RSS {peak} bytes");
    eprintln!("peak RSS during a 2,000,000-path run: {} MiB", peak >> 20);
}
