//! Hostile round 7, finding 4: a hidden result whose owner's process id was reused is
//! reported, and never deleted by the sweep unless its replacement is proven
//! (`output::lock`); finding 7: paths and error text; and the note of finding 6 on folder
//! entries `run FOLDER` skips.

mod common;

use common::{expect, sim, write_extending};
use std::fs;
use std::path::{Path, PathBuf};

/// A small scenario named `tmin`.
fn tmin(dir: &Path) -> PathBuf {
    write_extending(dir, "tmin", "[scenario]\nname = \"tmin\"\n")
}

/// `run <scenario> --out <out>` with `extra`, small and quiet; returns stderr.
fn run(scenario: &Path, out: &Path, extra: &[&str], code: i32) -> String {
    expect(
        sim()
            .arg("run")
            .arg(scenario)
            .args(["--paths", "4", "--months", "2", "--threads", "1", "--quiet"])
            .args(["--no-charts", "--no-report", "--out"])
            .arg(out)
            .args(extra),
        code,
    )
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The reported sequence. A result moved aside as `.tmin.aside-1` (a run killed at step 1 of
/// a `--force` replacement, whose id now belongs to process 1, always alive): a run without
/// `--force` says where the hidden result is. Once the id is free, a later run keeps that
/// result (it used to delete it as the end of a replacement that never happened).
#[test]
fn a_hidden_result_of_a_reused_id_is_reported_and_never_deleted() {
    let d = tempfile::tempdir().unwrap();
    let sc = tmin(d.path());
    let first = d.path().join("first");
    run(&sc, &first, &[], 0);
    let out = d.path().join("out");
    fs::create_dir(&out).unwrap();
    let aside = out.join(".tmin.aside-1");
    common::copy_dir(&first.join("tmin"), &aside);
    let err = run(&sc, &out, &["--seed", "5"], 0);
    let said = format!(
        "warning: {} is absent, and {} holds an earlier result",
        out.join("tmin").display(),
        aside.display()
    );
    assert!(err.contains(&said), "{err}");
    // Process 1 "ends": the same folder under an id no process has (above pid_max).
    let dead = out.join(".tmin.aside-4194999");
    fs::rename(&aside, &dead).unwrap();
    let err = run(&sc, &out, &["--seed", "6", "--force"], 0);
    assert!(dead.join("manifest.json").is_file(), "deleted: {err}");
    let said = format!("{} holds an earlier result", dead.display());
    assert!(err.contains(&said), "{err}");
}

/// This version names its hidden folders by id, start time and boot: a folder whose id is
/// alive (process 1) but whose start time is not that process's is debris, and its result is
/// put back at once; the run without `--force` then refuses, as for any existing result.
#[test]
fn a_live_process_with_another_start_time_is_not_the_owner() {
    let d = tempfile::tempdir().unwrap();
    let sc = tmin(d.path());
    let first = d.path().join("first");
    run(&sc, &first, &[], 0);
    let out = d.path().join("out");
    fs::create_dir(&out).unwrap();
    let aside = out.join(format!(".tmin.aside-1_{}_0a1b2c3d", u64::MAX));
    common::copy_dir(&first.join("tmin"), &aside);
    let err = run(&sc, &out, &[], 1);
    let said = format!("restored {}", out.join("tmin").display());
    assert!(err.contains(&said), "{err}");
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(names(&out), ["tmin"]);
}
