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
    let hidden = out.join(format!(".other.aside-{dead}"));
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

/// `from` copied to `to` as a killed `remove_dir_all` leaves it: every top-level file but
/// `manifest.json` gone, `charts/` kept (the state the review found restored as a result).
fn half_deleted(from: &std::path::Path, to: &std::path::Path) {
    crate::common::copy_dir(from, to);
    for e in fs::read_dir(to).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() && e.file_name() != "manifest.json" {
            fs::remove_file(e.path()).unwrap();
        }
    }
}

/// The seed in a result's manifest: which of the two real results is where.
fn seed_of(dir: &std::path::Path) -> String {
    let m = fs::read_to_string(dir.join("manifest.json")).unwrap();
    let at = m.find("\"seed\": ").expect("a seed") + 8;
    m[at..].split(',').next().unwrap().trim().to_string()
}

/// SIGKILL during a `--force` replacement, at every point between its steps (the table in
/// docs/reliability.md "Concurrent runs and debris"): the states a kill leaves are built by
/// hand from two real results (seed 1, the old one; seed 2, the new one), then the next run
/// into the folder (another scenario) finishes them. A partly deleted folder never comes
/// back as a result.
#[test]
fn a_forced_replacement_killed_at_any_step_is_finished_by_the_next_run() {
    let d = tempfile::tempdir().unwrap();
    let src = d.path().join("src");
    let s = src.to_str().unwrap();
    for (seed, name) in [("1", "old"), ("2", "new")] {
        let r = sim(&run_args(s, &["--seed", seed]));
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        fs::rename(src.join("baseline"), src.join(name)).unwrap();
    }
    let (old, new) = (src.join("old"), src.join("new"));
    let dead = 4_194_999;
    let other: &'static str = Box::leak(
        baseline()
            .with_file_name("summit_success.toml")
            .to_str()
            .unwrap()
            .to_string()
            .into_boxed_str(),
    );
    let states = [
        "0: staging being written",
        "1: old result moved aside",
        "2: new result in place",
        "3: old result renamed to trash",
        "4: trash partly deleted",
        "4, then the new result moved away by hand",
        "legacy .old partly deleted (the reported bug)",
        "legacy .old complete",
        "2 under an older version's name: nothing proves the new result its replacement",
        "2 without the mark: the new result was written by another run",
    ];
    for (i, state) in states.iter().enumerate() {
        let out = d.path().join(format!("out{i}"));
        fs::create_dir_all(&out).unwrap();
        // This version's names: the id, a start time and a boot id (hostile round 7
        // finding 4); `old` folders and state 8 use the older names, the id alone.
        let at = |kind: &str| match (kind, i) {
            ("old", _) | (_, 8) => out.join(format!(".baseline.{kind}-{dead}")),
            _ => out.join(format!(".baseline.{kind}-{dead}_1_0a1b2c3d")),
        };
        let mark = format!(".committed-by-{dead}_1_0a1b2c3d");
        let place = out.join("baseline");
        // What `baseline` holds afterwards (the seed), and whether it was restored.
        let (expect, restored) = match i {
            0 => {
                crate::common::copy_dir(&old, &place);
                half_deleted(&new, &at("partial"));
                (Some("1"), false)
            }
            1 => {
                crate::common::copy_dir(&old, &at("aside"));
                crate::common::copy_dir(&new, &at("partial"));
                (Some("1"), true)
            }
            2 => {
                crate::common::copy_dir(&new, &place);
                fs::write(place.join(&mark), "").unwrap();
                crate::common::copy_dir(&old, &at("aside"));
                (Some("2"), false)
            }
            8 | 9 => {
                crate::common::copy_dir(&new, &place);
                crate::common::copy_dir(&old, &at("aside"));
                (Some("2"), false)
            }
            3 => {
                crate::common::copy_dir(&new, &place);
                crate::common::copy_dir(&old, &at("trash"));
                (Some("2"), false)
            }
            4 => {
                crate::common::copy_dir(&new, &place);
                half_deleted(&old, &at("trash"));
                (Some("2"), false)
            }
            5 => {
                half_deleted(&old, &at("trash"));
                (None, false)
            }
            6 => {
                half_deleted(&old, &at("old"));
                (None, false)
            }
            7 => {
                crate::common::copy_dir(&old, &at("old"));
                (Some("1"), true)
            }
            _ => unreachable!(),
        };
        let mut args = run_args(out.to_str().unwrap(), &[]);
        args[1] = other;
        let r = sim(&args);
        assert_eq!(r.code, Some(0), "{state}: {}", r.stderr);
        let want: &[&str] = match expect {
            Some(_) => &["baseline", "summit_success"],
            None => &["summit_success"],
        };
        let kept = at("aside");
        if i >= 8 {
            // The earlier result stays hidden, complete, and the warning says where.
            assert_eq!(seed_of(&kept), "1", "{state}");
            let said = format!("{} holds an earlier result", kept.display());
            assert!(r.stderr.contains(&said), "{state}: {}", r.stderr);
            fs::rename(&kept, d.path().join(format!("kept{i}"))).unwrap();
        }
        assert_eq!(entries(&out), want, "{state}: {}", r.stderr);
        assert!(!place.join(&mark).exists(), "{state}: the mark is left");
        let said = format!("restored {}", place.display());
        assert_eq!(r.stderr.contains(&said), restored, "{state}: {}", r.stderr);
        if let Some(seed) = expect {
            assert_eq!(seed_of(&place), seed, "{state}");
            // Complete: every file its manifest lists is there.
            let m = fs::read_to_string(place.join("manifest.json")).unwrap();
            let v: serde_json::Value = serde_json::from_str(&m).unwrap();
            for f in v["files"].as_array().unwrap() {
                let f = f.as_str().unwrap();
                assert!(place.join(f).is_file(), "{state}: {f} missing");
            }
        }
    }
}
