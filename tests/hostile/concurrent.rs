//! Class 4 of issue 15, concurrent runs: processes writing into one output folder are
//! serialized by an advisory lock on it, so none fails half-way and no complete result is
//! left hidden; debris of dead processes is cleaned by the next run (docs/reliability.md).

use super::{baseline, entries, sim};
use std::fs;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

/// `run baseline` into `out` (64 paths, or 20,000 with `--long`), plus `extra`.
fn run_args<'a>(out: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let b: &'static str = Box::leak(baseline().to_str().unwrap().to_string().into_boxed_str());
    let paths = if extra.contains(&"--long") {
        "20000"
    } else {
        "64"
    };
    let mut v = vec![
        "run",
        b,
        "--paths",
        paths,
        "--months",
        "3",
        "--no-charts",
        "--quiet",
        "--out",
        out,
    ];
    v.extend(extra.iter().filter(|e| **e != "--long"));
    v
}

#[test]
fn eight_concurrent_forced_runs_into_one_folder_all_succeed() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = out.to_str().unwrap();
    for round in 0..4 {
        let kids: Vec<_> = (0..8)
            .map(|_| {
                Command::new(BIN)
                    .args(run_args(o, &["--force"]))
                    .stdout(Stdio::null())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for k in kids {
            let r = k.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&r.stderr);
            assert!(r.status.success(), "round {round}: {err}");
            assert!(!err.contains("panicked"), "{err}");
        }
        // One complete result, nothing hidden.
        assert_eq!(entries(&out), ["baseline"], "round {round}");
        let m = fs::read_to_string(out.join("baseline/manifest.json")).unwrap();
        assert!(m.contains("\"paths\": 64"), "{m}");
    }
}

#[test]
fn a_second_run_without_force_waits_then_refuses_before_simulating() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let o = out.to_str().unwrap();
    // A long first run holds the lock while the second starts.
    let mut first = Command::new(BIN)
        .args(run_args(o, &["--long"]))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = std::time::Instant::now();
    while !entries(&out).iter().any(|e| e.contains(".partial-")) {
        if let Some(st) = first.try_wait().unwrap() {
            let mut e = String::new();
            std::io::Read::read_to_string(first.stderr.as_mut().unwrap(), &mut e).unwrap();
            panic!("the first run ended before simulating: {st:?} {e}");
        }
        assert!(t0.elapsed().as_secs() < 30, "the first run never started");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let second = sim(&run_args(o, &[]));
    let first = first.wait_with_output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert_eq!(second.code, Some(1), "{}", second.stderr);
    assert!(
        second
            .stderr
            .contains("waiting: another sanctions-sim process"),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains("already exists; pass --force"),
        "{}",
        second.stderr
    );
    assert_eq!(entries(&out), ["baseline"]);
}

#[test]
fn debris_of_dead_processes_is_cleaned_and_a_hidden_result_restored() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    fs::create_dir_all(&out).unwrap();
    // Pids above the kernel's largest pid_max (2^22) never belong to a live process.
    let dead = 4_194_999;
    fs::create_dir(out.join(format!(".baseline.partial-{dead}"))).unwrap();
    let hidden = out.join(format!(".other.old-{dead}"));
    fs::create_dir(&hidden).unwrap();
    fs::write(hidden.join("summary.csv"), "complete").unwrap();
    let r = sim(&run_args(out.to_str().unwrap(), &[]));
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!(
            "removed {}",
            out.join(format!(".baseline.partial-{dead}")).display()
        )),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("no longer running"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains(&format!("restored {}", out.join("other").display())),
        "{}",
        r.stderr
    );
    assert_eq!(entries(&out), ["baseline", "other"]);
    assert_eq!(
        fs::read_to_string(out.join("other/summary.csv")).unwrap(),
        "complete"
    );
}
