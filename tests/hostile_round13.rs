//! Hostile round 13, output folders and inputs: an output folder written through `..` (F1), a
//! folder where a file is to be replaced (F2), the backtest's observed points (F3), a failed
//! write's message (F4) and the message of a signal in a command that writes nothing (F5).
//! The messages of F6–F8 are in tests/hostile_round13_messages.rs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A two-month, few-path scenario extending the shipped baseline, named `name`, in `dir`.
fn mini(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(format!("{name}.toml"));
    let base = root().join("scenarios/baseline.toml");
    fs::write(
        &p,
        format!(
            "extends = {:?}\n[scenario]\nname = \"{name}\"\npaths = 8\nmonths = 2\n",
            base.to_str().unwrap()
        ),
    )
    .unwrap();
    p
}

fn sim(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN)
        .args(args)
        .args(["--threads", "1", "--no-charts", "--no-report", "--quiet"])
        .output()
        .unwrap()
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `cmd` for at most `limit`; `None` if it had to be killed.
fn within(mut cmd: Command, limit: Duration) -> Option<Output> {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while t0.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[cfg(unix)]
fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

// ---- F1: an output folder named through `..` ------------------------------------------------

/// `--out o/mini/.. --force` replaces `o/mini`: the path is resolved before the old result is
/// moved aside, so the new one moves in and nothing is left beside it.
#[test]
fn force_through_the_result_being_replaced_replaces_it() {
    let d = tempfile::tempdir().unwrap();
    let sc = mini(d.path(), "mini");
    let out = d.path().join("o");
    let first = sim(&[
        "run".as_ref(),
        sc.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(first.status.success(), "{}", stderr(&first));
    let through = out.join("mini").join("..");
    let again = sim(&[
        "run".as_ref(),
        sc.as_os_str(),
        "--out".as_ref(),
        through.as_os_str(),
        "--force".as_ref(),
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(names(&out), ["mini"]);
    assert!(out.join("mini/manifest.json").is_file());
}

/// The same through a link whose target climbs out of the result (`alias -> o/mini/..`).
#[cfg(unix)]
#[test]
fn force_through_a_link_that_climbs_out_of_the_result_replaces_it() {
    let d = tempfile::tempdir().unwrap();
    let sc = mini(d.path(), "mini");
    let out = d.path().join("o");
    let first = sim(&[
        "run".as_ref(),
        sc.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(first.status.success(), "{}", stderr(&first));
    let alias = d.path().join("alias");
    std::os::unix::fs::symlink("o/mini/..", &alias).unwrap();
    let again = sim(&[
        "run".as_ref(),
        sc.as_os_str(),
        "--out".as_ref(),
        alias.as_os_str(),
        "--force".as_ref(),
    ]);
    assert!(again.status.success(), "{}", stderr(&again));
    assert_eq!(names(&out), ["mini"]);
    assert!(out.join("mini/manifest.json").is_file());
}

/// The same for the other commands that replace a result (they share the folder code): a
/// comparison written through its own folder's `..`.
#[test]
fn compare_force_through_its_own_folder_replaces_it() {
    let d = tempfile::tempdir().unwrap();
    let a = mini(d.path(), "a");
    let b = mini(d.path(), "b");
    let out = d.path().join("o");
    let args = |o: &Path| {
        let mut v = vec![
            std::ffi::OsString::from("compare"),
            a.clone().into(),
            b.clone().into(),
            "--out".into(),
            o.into(),
        ];
        v.push("--force".into());
        v
    };
    let o1 = Command::new(BIN)
        .args(args(&out))
        .args(["--threads", "1", "--no-charts", "--no-report", "--quiet"])
        .output()
        .unwrap();
    assert!(o1.status.success(), "{}", stderr(&o1));
    let through = out.join("compare_a_vs_b").join("..");
    let o2 = Command::new(BIN)
        .args(args(&through))
        .args(["--threads", "1", "--no-charts", "--no-report", "--quiet"])
        .output()
        .unwrap();
    assert!(o2.status.success(), "{}", stderr(&o2));
    assert_eq!(names(&out), ["compare_a_vs_b"]);
}

/// `--out o/new/../x` writes `o/x` and does not create `o/new` on the way.
#[test]
fn a_missing_folder_before_dot_dot_is_not_created() {
    let d = tempfile::tempdir().unwrap();
    let sc = mini(d.path(), "mini");
    let o = d.path().join("o");
    fs::create_dir(&o).unwrap();
    let out = o.join("new").join("..").join("x");
    let r = sim(&[
        "run".as_ref(),
        sc.as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
    ]);
    assert!(r.status.success(), "{}", stderr(&r));
    assert_eq!(names(&o), ["x"]);
    assert!(o.join("x/mini/manifest.json").is_file());
}

// ---- F2: a folder where a file is to be replaced ---------------------------------------------

/// `<out>/results.xlsx` that is a folder: `--force` cannot replace it, so the run refuses
/// before it simulates or writes anything (it used to fail at the end, after committing
/// every scenario's folder).
#[test]
fn a_folder_in_the_combined_workbooks_place_is_refused_before_the_run() {
    let d = tempfile::tempdir().unwrap();
    let a = mini(d.path(), "a");
    let b = mini(d.path(), "b");
    let out = d.path().join("o");
    fs::create_dir_all(out.join("results.xlsx")).unwrap();
    for force in [false, true] {
        let mut args = vec![
            "run".as_ref(),
            a.as_os_str(),
            b.as_os_str(),
            "--xlsx".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
        ];
        if force {
            args.push("--force".as_ref());
        }
        let r = sim(&args);
        let err = stderr(&r);
        assert_eq!(r.status.code(), Some(1), "{err}");
        assert!(
            err.contains("results.xlsx exists and is not a file"),
            "{err}"
        );
        assert!(!err.contains("pass --force"), "{err}");
        assert_eq!(names(&out), ["results.xlsx"], "{err}");
    }
}

// ---- F3: the backtest's observed points ------------------------------------------------------

/// A copy of the repository's scenarios and data, whose observed points file is replaced by
/// `make(path)`; returns the history folder.
fn history_with(d: &Path, make: impl FnOnce(&Path)) -> PathBuf {
    fn copy(from: &Path, to: &Path) {
        fs::create_dir_all(to).unwrap();
        for e in fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let t = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &t);
            } else {
                fs::copy(e.path(), &t).unwrap();
            }
        }
    }
    copy(&root().join("scenarios"), &d.join("scenarios"));
    copy(&root().join("data"), &d.join("data"));
    let observed = d.join("data/backtest_observed.csv");
    fs::remove_file(&observed).unwrap();
    make(&observed);
    d.join("scenarios/history")
}

fn backtest(history: &Path, out: &Path, paths: &str) -> Command {
    let mut c = Command::new(BIN);
    c.arg("backtest")
        .args(["--paths", paths, "--history"])
        .arg(history)
        .arg("--out")
        .arg(out);
    c
}

/// A FIFO in the observed file's place is refused (it blocked the backtest for ever), before
/// anything is simulated.
#[cfg(unix)]
#[test]
fn a_fifo_for_the_observed_points_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let history = history_with(d.path(), mkfifo);
    let r = within(
        backtest(&history, &d.path().join("o"), "2"),
        Duration::from_secs(60),
    )
    .expect("the backtest blocked on the FIFO");
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("backtest_observed.csv"), "{err}");
    assert!(err.contains("not a regular file"), "{err}");
    assert!(!d.path().join("o").exists(), "{err}");
}

/// A malformed observed file is found before the replays run: with a million paths, which
/// would take many minutes to simulate, the error comes at once.
#[test]
fn a_malformed_observed_file_is_found_before_simulating() {
    let d = tempfile::tempdir().unwrap();
    let history = history_with(d.path(), |p| fs::write(p, "garbage\n").unwrap());
    let r = within(
        backtest(&history, &d.path().join("o"), "1000000"),
        Duration::from_secs(60),
    )
    .expect("the backtest simulated before reading its observed points");
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("no `date` column"), "{err}");
}

// ---- F4: a failed write's message ------------------------------------------------------------

/// A full disk (simulated with a 4 KiB file-size limit, as tests/hostile/writing.rs does):
/// the message is the system's, without the `tempfile` crate's debug-quoted temporary path
/// (`… (os error 27) at path "/…/.mini.partial-…/.tmp-XXXX"`).
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_is_reported_without_the_temporary_files_path() {
    use std::os::unix::process::CommandExt;
    let d = tempfile::tempdir().unwrap();
    let sc = mini(d.path(), "mini");
    let mut cmd = Command::new(BIN);
    cmd.arg("run")
        .arg(&sc)
        .arg("--out")
        .arg(d.path().join("o"))
        .args(["--threads", "1", "--quiet"]);
    // SAFETY: async-signal-safe calls only, between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
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
    let r = cmd.output().unwrap();
    let err = stderr(&r);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("could not write"), "{err}");
    assert!(err.contains("File too large (os error 27)"), "{err}");
    assert!(!err.contains("at path"), "{err}");
    assert!(!err.contains(".tmp-"), "{err}");
}

// ---- F5: a signal in a command that writes nothing -------------------------------------------

/// `explain` of a FIFO nobody writes to waits; a SIGINT then says the command wrote nothing,
/// not that "unfinished result folders were removed".
#[cfg(unix)]
#[test]
fn a_signal_in_a_read_only_command_says_nothing_was_written() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("f.toml");
    mkfifo(&fifo);
    for cmd in ["explain", "validate", "list"] {
        let child = Command::new(BIN)
            .arg(cmd)
            .arg(&fifo)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(700));
        // SAFETY: signalling our own child.
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGINT) };
        let o = child.wait_with_output().unwrap();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(130), "{cmd}: {err}");
        assert!(
            err.contains(&format!("`{cmd}` stopped before it was done")),
            "{cmd}: {err}"
        );
        assert!(err.contains("writes no files"), "{cmd}: {err}");
        assert!(!err.contains("result folders"), "{cmd}: {err}");
    }
}
