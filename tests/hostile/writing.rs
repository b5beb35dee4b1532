//! Writing a result: a disk that fills up while the results are written; `--force` and an
//! existing result (without it the result is untouched and the run stops before
//! simulating; with it a complete result is replaced whole, once the new one is complete,
//! and never over entries the result does not list, D233).

use super::{baseline, entries, res, tiny_run, BIN};
use std::fs;
use std::process::Command;

#[test]
fn existing_result_without_force_untouched() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let r = tiny_run(&baseline(), &out, &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let summary = out.join("baseline/summary.csv");
    let before = fs::read(&summary).unwrap();
    let mtime = fs::metadata(&summary).unwrap().modified().unwrap();
    let r = tiny_run(&baseline(), &out, &["--seed", "7"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("already exists; pass --force"),
        "{}",
        r.stderr
    );
    assert_eq!(fs::read(&summary).unwrap(), before);
    assert_eq!(fs::metadata(&summary).unwrap().modified().unwrap(), mtime);
    assert_eq!(entries(&out), ["baseline"]);
}

/// With --force the folder is replaced as a whole once the new result is complete; the old
/// folder staying intact while the new run is in progress is tested in tests/signals.rs.
#[test]
fn force_replaces_complete_result() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    assert_eq!(tiny_run(&baseline(), &out, &[]).code, Some(0));
    // A file the result does not list is the user's: --force refuses rather than delete it
    // (D233), and goes ahead once it is moved out.
    let extra = out.join("baseline/stale.txt");
    fs::write(&extra, "left by hand").unwrap();
    let before = fs::read(out.join("baseline/summary.csv")).unwrap();
    let r = tiny_run(&baseline(), &out, &["--seed", "7", "--force"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("stale.txt"), "{}", r.stderr);
    assert!(extra.exists());
    fs::remove_file(&extra).unwrap();
    let r = tiny_run(&baseline(), &out, &["--seed", "7", "--force"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let after = fs::read(out.join("baseline/summary.csv")).unwrap();
    assert_ne!(before, after, "new seed, new numbers");
    assert_eq!(
        entries(&out),
        ["baseline"],
        "no .aside, .trash or .partial left"
    );
    let m = fs::read_to_string(out.join("baseline/manifest.json")).unwrap();
    assert!(m.contains("\"seed\": 7"), "{m}");
}

/// A disk that fills up while the results are written (simulated with a file-size limit):
/// exit 1 at write time, the message names the file, and no folder is left behind.
#[cfg(target_os = "linux")]
#[test]
fn output_full_at_write_time() {
    use std::os::unix::process::CommandExt;
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let mut cmd = Command::new(BIN);
    cmd.args([
        "run",
        baseline().to_str().unwrap(),
        "--paths",
        "16",
        "--months",
        "12",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    unsafe {
        cmd.pre_exec(|| {
            // Writes past 4 KiB fail with EFBIG (SIGXFSZ ignored), like a full disk.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: 4096,
                rlim_max: 4096,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let r = res(cmd.output().unwrap());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("could not write"), "{}", r.stderr);
    assert!(r.stderr.contains("summary.csv"), "{}", r.stderr);
    assert!(r.stderr.contains("free some space"), "{}", r.stderr);
    assert!(entries(&out).is_empty(), "left: {:?}", entries(&out));
}
