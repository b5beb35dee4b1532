//! The fourth hostile pass (docs/reliability.md, D148–D151), on the command line: the thread
//! count is the tool's own whatever `RAYON_NUM_THREADS` says; the debris of a killed run is
//! removed by any later command into the same output folder; `calibrate --write` refuses a
//! symbolic link as the other writers do; `--seed` takes exactly a scenario file's range.

mod common;

use common::{calibrate_write, expect, sim, text};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios")
        .join(format!("{name}.toml"))
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap()
}

/// Hidden entries (`.name…`) of `dir`.
fn hidden(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().into_string().ok())
        .filter(|n| n.starts_with('.'))
        .collect()
}

fn cores() -> u64 {
    std::thread::available_parallelism().map_or(1, |n| n.get()) as u64
}

// ---- D148: the thread count --------------------------------------------------------------

/// `RAYON_NUM_THREADS` used to set the thread count unchecked (3000 threads in the manifest;
/// 100,000 panicked, ignored SIGTERM and left a `.partial` folder). It is ignored now: the
/// default is one thread per available core, at most 1024, and `--threads` still decides.
#[test]
fn rayon_num_threads_is_ignored_by_every_command() {
    let d = tempfile::tempdir().unwrap();
    let base = scenario("baseline");
    let small = ["--paths", "10", "--months", "2", "--no-charts", "--quiet"];
    for (k, value) in ["3000", "100000", "0", "abc", "-1"].iter().enumerate() {
        let out = d.path().join(format!("o{k}"));
        expect(
            sim()
                .env("RAYON_NUM_THREADS", value)
                .arg("run")
                .arg(&base)
                .args(small)
                .arg("--out")
                .arg(&out),
            0,
        );
        let m = manifest(&out.join("baseline"));
        assert_eq!(m["threads"], cores().min(1024), "RAYON_NUM_THREADS={value}");
        assert!(hidden(&out).is_empty(), "{:?}", hidden(&out));
    }
    // `--threads` is what decides.
    let out = d.path().join("t3");
    expect(
        sim()
            .env("RAYON_NUM_THREADS", "100000")
            .arg("run")
            .arg(&base)
            .args(small)
            .args(["--threads", "3", "--out"])
            .arg(&out),
        0,
    );
    assert_eq!(manifest(&out.join("baseline"))["threads"], 3);
    // compare, sensitivity and (on rayon's pool before) merge.
    let cmp = d.path().join("cmp");
    expect(
        sim()
            .env("RAYON_NUM_THREADS", "100000")
            .arg("compare")
            .arg(&base)
            .arg(scenario("summit_failure"))
            .args(["--paths", "10", "--months", "2", "--no-charts", "--quiet"])
            .arg("--out")
            .arg(&cmp),
        0,
    );
    let sens = d.path().join("sens");
    expect(
        sim()
            .env("RAYON_NUM_THREADS", "100000")
            .arg("sensitivity")
            .arg(&base)
            .args([
                "--target",
                "brent_usd_bbl",
                "--paths",
                "100",
                "--months",
                "2",
            ])
            .args(["--swing-paths", "10", "--no-charts", "--quiet", "--out"])
            .arg(&sens),
        0,
    );
    let sh = d.path().join("sh");
    expect(
        sim()
            .arg("run")
            .arg(&base)
            .args(small)
            .args(["--shard", "1/1", "--out"])
            .arg(&sh),
        0,
    );
    let merged = d.path().join("merged");
    expect(
        sim()
            .env("RAYON_NUM_THREADS", "100000")
            .arg("merge")
            .arg(sh.join("baseline.shard-1-of-1"))
            .args(["--no-charts", "--quiet", "--out"])
            .arg(&merged),
        0,
    );
    assert!(merged.join("baseline/manifest.json").is_file());
}

/// The help of `--threads` states the range and that the variable is ignored.
#[test]
fn threads_help_states_the_rule() {
    for cmd in ["run", "compare", "sensitivity"] {
        let o = sim().args([cmd, "--help"]).output().unwrap();
        let help = text(&o.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        assert!(help.contains("1 to 1024"), "{cmd}: {help}");
        assert!(
            help.contains("RAYON_NUM_THREADS is ignored"),
            "{cmd}: {help}"
        );
    }
    let e = expect(
        sim()
            .args(["run"])
            .arg(scenario("baseline"))
            .args(["--threads", "3000"]),
        1,
    );
    assert!(e.contains("from 1 to 1024"), "{e}");
}

// ---- D149: leftovers of dead processes -----------------------------------------------------

/// Waits until `dir` holds a hidden `.partial-` folder; returns its name.
fn wait_for_partial(dir: &Path) -> String {
    let t = Instant::now();
    loop {
        if let Some(n) = dir
            .exists()
            .then(|| hidden(dir))
            .and_then(|h| h.into_iter().find(|n| n.contains(".partial-")))
        {
            return n;
        }
        assert!(t.elapsed() < Duration::from_secs(60), "no staging folder");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A run killed with SIGKILL whose parent has not reaped it yet (a zombie, as `timeout -s
/// KILL` leaves it under an init that reaps late) counted as running, so its `.partial`
/// folder survived later runs of other scenarios and `compare` into the same folder.
#[test]
fn a_killed_runs_folder_is_removed_by_any_later_command() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("k5");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sanctions-sim"))
        .env_remove("RAYON_NUM_THREADS")
        .arg("run")
        .arg(scenario("baseline"))
        .args(["--paths", "2000000", "--months", "400", "--quiet", "--out"])
        .arg(&out)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let partial = wait_for_partial(&out);
    child.kill().unwrap(); // SIGKILL; not waited for: the child stays a zombie
                           // The owner is named by its id, start time and boot (hostile round 7 finding 4).
    let owner = format!(".partial-{}_", child.id());
    assert!(partial.contains(&owner), "{partial}");
    std::thread::sleep(Duration::from_millis(200));
    let e = expect(
        sim()
            .arg("run")
            .arg(scenario("summit_failure"))
            .args([
                "--paths",
                "20",
                "--months",
                "4",
                "--no-charts",
                "--quiet",
                "--out",
            ])
            .arg(&out),
        0,
    );
    assert!(
        e.contains(&partial) && e.contains("which is no longer running"),
        "{e}"
    );
    assert!(hidden(&out).is_empty(), "{:?}", hidden(&out));
    child.wait().unwrap();

    // The same for a reaped process's folder of another scenario, through `compare`.
    let dead = {
        let mut c = std::process::Command::new("true").spawn().unwrap();
        let pid = c.id();
        c.wait().unwrap();
        pid
    };
    let stale = out.join(format!(".other_name.partial-{dead}"));
    fs::create_dir(&stale).unwrap();
    fs::write(stale.join("summary.csv"), "x").unwrap();
    let e = expect(
        sim()
            .arg("compare")
            .arg(scenario("baseline"))
            .arg(scenario("summit_failure"))
            .args([
                "--paths",
                "10",
                "--months",
                "2",
                "--no-charts",
                "--quiet",
                "--out",
            ])
            .arg(&out),
        0,
    );
    assert!(e.contains("left by process"), "{e}");
    assert!(!stale.exists());
}

// ---- D150: calibrate --write and links -------------------------------------------------------

/// `calibrate --write --force` replaced a linked `fitted.toml` by a regular file (cutting the
/// link), where `run --force` refuses links. Refused now, before the fit, whatever `--force`.
#[test]
fn calibrate_write_refuses_a_linked_fitted_toml() {
    let d = tempfile::tempdir().unwrap();
    let history = d.path().join("history");
    fs::create_dir_all(history.join("market")).unwrap();
    let real = d.path().join("real.toml");
    fs::write(&real, "# mine\n").unwrap();
    let fitted = history.join("market/fitted.toml");
    std::os::unix::fs::symlink(&real, &fitted).unwrap();
    for extra in [&["--write"][..], &["--write", "--force"][..]] {
        let e = expect(
            sim()
                .args(["calibrate", "--paths", "1", "--sweeps", "1", "--history"])
                .arg(&history)
                .args(extra),
            1,
        );
        assert!(
            e.contains("fitted.toml is a symbolic link"),
            "{extra:?}: {e}"
        );
        assert!(e.contains("even with --force"), "{e}");
        assert!(!e.contains("calibrate: "), "refused after the fit: {e}");
        assert!(fs::symlink_metadata(&fitted)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "# mine\n");
    }
    // A dangling link too.
    fs::remove_file(&real).unwrap();
    let e = expect(&mut calibrate_write(&history), 1);
    assert!(e.contains("is a symbolic link"), "{e}");
}

/// The same class: `run --xlsx --force` of several scenarios writes one combined workbook
/// through the same writer; a link in its place is refused before anything runs.
#[test]
fn the_combined_workbook_refuses_a_link_too() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    fs::create_dir(&out).unwrap();
    let real = d.path().join("real.xlsx");
    fs::write(&real, "keep").unwrap();
    std::os::unix::fs::symlink(&real, out.join("results.xlsx")).unwrap();
    let e = expect(
        sim()
            .arg("run")
            .arg(scenario("baseline"))
            .arg(scenario("summit_failure"))
            .args(["--paths", "10", "--months", "2", "--no-charts", "--quiet"])
            .args(["--xlsx", "--force", "--out"])
            .arg(&out),
        1,
    );
    assert!(e.contains("results.xlsx is a symbolic link"), "{e}");
    assert_eq!(fs::read_to_string(&real).unwrap(), "keep");
    assert!(!out.join("baseline").exists());
}

// ---- D151: the seed's range --------------------------------------------------------------------

/// Every `--seed` takes 0 to 2^63−1, the range of `seed` in a scenario file, and says so.
#[test]
fn every_seed_flag_takes_the_scenario_files_range() {
    let base = scenario("baseline");
    let b = base.to_str().unwrap();
    let s = scenario("summit_failure");
    let cases: Vec<Vec<&str>> = vec![
        vec!["run", b],
        vec!["compare", b, s.to_str().unwrap()],
        vec!["sensitivity", b, "--target", "brent_usd"],
        vec!["backtest"],
        vec!["calibrate"],
    ];
    for args in &cases {
        for bad in ["9223372036854775808", "18446744073709551615", "-1"] {
            let e = expect(sim().args(args).args(["--seed", bad]), 1);
            assert!(
                e.contains("--seed") && e.contains("from 0 to 9223372036854775807"),
                "{args:?} --seed {bad}: {e}"
            );
        }
    }
}

/// The largest seed runs, and the manifest carries it as a string too, since a JSON number
/// above 2^53 is rounded by readers that use doubles; the run reads back as a scenario file.
#[test]
fn the_largest_seed_runs_and_is_kept_exactly() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let max = "9223372036854775807";
    expect(
        sim()
            .arg("run")
            .arg(scenario("baseline"))
            .args(["--paths", "10", "--months", "2", "--no-charts", "--quiet"])
            .args(["--seed", max, "--out"])
            .arg(&out),
        0,
    );
    let m = manifest(&out.join("baseline"));
    assert_eq!(m["seed"].as_u64(), Some(i64::MAX as u64));
    assert_eq!(m["seed_text"], max);
    // The same seed written into a scenario file loads.
    let sc = common::load_body(&format!("[scenario]\nseed = {max}\n")).unwrap();
    assert_eq!(sc.seed, i64::MAX as u64);
    // An ordinary seed gets no extra field.
    let out2 = d.path().join("o2");
    expect(
        sim()
            .arg("run")
            .arg(scenario("baseline"))
            .args(["--paths", "10", "--months", "2", "--no-charts", "--quiet"])
            .args(["--seed", "42", "--out"])
            .arg(&out2),
        0,
    );
    assert!(manifest(&out2.join("baseline")).get("seed_text").is_none());
}
