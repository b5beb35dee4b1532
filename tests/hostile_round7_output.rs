//! Hostile round 7, finding 4: a hidden result whose owner's process id was reused is
//! reported, and never deleted by the sweep unless its replacement is proven
//! (`output::lock`); finding 7: paths and error text; and the note of finding 6 on folder
//! entries `run FOLDER` skips.

mod common;

use common::{expect, run_small as run, sim, write_extending};
use std::fs;
use std::path::{Path, PathBuf};

/// A small scenario named `tmin`.
fn tmin(dir: &Path) -> PathBuf {
    write_extending(dir, "tmin", "[scenario]\nname = \"tmin\"\n")
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

/// A file name holding a line break and an escape sequence is shown on one line: the `-->`
/// line of a diagnostic used to be split, its second half reading as a line of its own.
#[cfg(unix)]
#[test]
fn a_path_with_control_characters_is_shown_on_one_line() {
    let d = tempfile::tempdir().unwrap();
    let name = "evil\u{1b}[31mRED\nfake: ok.toml";
    fs::write(d.path().join(name), "[scenario]\nmonths = \"six\"\n").unwrap();
    let err = expect(sim().current_dir(d.path()).arg("validate").arg(name), 1);
    assert!(
        err.contains("--> evil\\u{001b}[31mRED\\u{000a}fake: ok.toml:"),
        "{err}"
    );
    assert!(!err.lines().any(|l| l.starts_with("fake: ok")), "{err}");
    assert!(!err.contains('\u{1b}'), "{err}");
}

/// `--out` a symbolic link to nothing: named as such, not "File exists ... fix its
/// permissions"; and `run --force` onto a link to a real result says it is a link.
#[cfg(unix)]
#[test]
fn links_in_the_output_path_are_named_as_links() {
    let d = tempfile::tempdir().unwrap();
    let sc = tmin(d.path());
    let dangling = d.path().join("ol3");
    std::os::unix::fs::symlink("nowhere/x", &dangling).unwrap();
    let err = run(&sc, &dangling, &[], 1);
    assert!(
        err.contains("is a symbolic link to nowhere/x, which does not exist"),
        "{err}"
    );
    assert!(
        !err.contains("permissions") && !err.contains("os error 17"),
        "{err}"
    );
    // The same for a folder under the dangling link.
    let err = run(&sc, &dangling.join("sub"), &[], 1);
    assert!(err.contains("symbolic link to nowhere/x"), "{err}");

    let real = d.path().join("real");
    run(&sc, &real, &[], 0);
    let out = d.path().join("ol");
    fs::create_dir(&out).unwrap();
    std::os::unix::fs::symlink(real.join("tmin"), out.join("tmin")).unwrap();
    let err = run(&sc, &out, &["--force"], 1);
    assert!(err.contains("tmin is a symbolic link to"), "{err}");
    assert!(!err.contains("not a sanctions-sim result"), "{err}");
    assert!(real.join("tmin/manifest.json").is_file());
}

/// A scenario piped in has no folder: a relative `market` is looked for under `/dev`, and
/// the hint says so.
#[cfg(target_os = "linux")]
#[test]
fn a_piped_scenario_is_told_that_it_has_no_folder() {
    let body = "[scenario]\nname = \"tmin\"\nstart = \"2025-08\"\nmonths = 6\npaths = 50\n\
                seed = 1\nmarket = \"scenarios/market/default.toml\"\n[brent]\np0 = 70\n";
    let err = expect(sim().args(["validate", "/dev/stdin"]).write_stdin(body), 1);
    assert!(err.contains("/dev/scenarios/market/default.toml"), "{err}");
    assert!(
        err.contains("is a pipe or a device, not a file in a folder")
            && err.contains("give `market` as an absolute path"),
        "{err}"
    );
}

/// `validate FOLDER` and `run FOLDER` name each `*.toml` entry they skip, and why: a
/// sub-folder and a FIFO used to be skipped without a word.
#[cfg(unix)]
#[test]
fn a_folder_entry_that_is_skipped_is_named() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("fd");
    fs::create_dir(&dir).unwrap();
    tmin(&dir);
    fs::create_dir(dir.join("dir.toml")).unwrap();
    let fifo = dir.join("fifo.toml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    fs::write(dir.join("notes.md"), "not a scenario").unwrap();
    for err in [
        expect(sim().arg("validate").arg(&dir), 0),
        run(&dir, &d.path().join("out"), &[], 0),
    ] {
        let dir_said = format!(
            "warning: skipped {}: a folder",
            dir.join("dir.toml").display()
        );
        let fifo_said = format!("warning: skipped {}: not a regular file", fifo.display());
        assert!(err.contains(&dir_said) && err.contains(&fifo_said), "{err}");
        assert!(!err.contains("notes.md"), "{err}");
    }
}
