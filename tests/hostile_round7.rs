//! Hostile round 7, finding 2: `compare` and `sensitivity` print the warnings on a run's
//! diagnostics that `run` prints (`cli::run_diagnostics`); finding 6: `validate` checks
//! the files as the set `run` would take (`cli::scenario_set`).

mod common;

use common::{expect, sim, write_extending};

const CLAMP: &str = "Brent hit its [5, 400] $/bbl clamp in";

/// A scenario whose Brent starts at $1,000,000: pinned at the $400 clamp on every path-month.
fn pinned(dir: &std::path::Path) -> std::path::PathBuf {
    write_extending(
        dir,
        "p0",
        "[scenario]\nname = \"p0_1e6\"\n[brent]\np0 = 1e6\n",
    )
}

/// `compare` warns for the pinned scenario, under its name, even with `--quiet` (as `run`
/// does); the baseline, which stays inside the clamp, does not.
#[test]
fn compare_warns_on_a_scenario_pinned_at_the_clamp() {
    let d = tempfile::tempdir().unwrap();
    let p = pinned(d.path());
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let err = expect(
        sim()
            .arg("compare")
            .arg(&base)
            .arg(&p)
            .args(["--paths", "4", "--months", "3", "--threads", "1", "--quiet"])
            .args(["--no-charts", "--no-report", "--out"])
            .arg(d.path().join("out")),
        0,
    );
    let want = format!("warning: p0_1e6: {CLAMP} 12 path-months");
    assert!(err.contains(&want), "{err}");
    assert_eq!(err.matches(CLAMP).count(), 1, "{err}");
}

/// `sensitivity` warns for its main run once, and its 1 + 2k swing runs, which are pinned as
/// well, do not repeat the warning; their counters are in manifest.json.
#[test]
fn sensitivity_warns_on_a_scenario_pinned_at_the_clamp() {
    let d = tempfile::tempdir().unwrap();
    let p = pinned(d.path());
    let out = d.path().join("out");
    let err = expect(
        sim()
            .arg("sensitivity")
            .arg(&p)
            .args(["--target", "russia_export_revenue_usd_bn"])
            .args(["--paths", "100", "--months", "3", "--threads", "1"])
            .args(["--swing-paths", "4", "--swing-top", "2", "--quiet"])
            .args(["--no-charts", "--out"])
            .arg(&out),
        0,
    );
    let want = format!("warning: p0_1e6: {CLAMP} 300 path-months");
    assert!(err.contains(&want), "{err}");
    assert_eq!(err.matches(CLAMP).count(), 1, "{err}");
    let dir = std::fs::read_dir(&out).unwrap().next().unwrap().unwrap();
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("manifest.json")).unwrap()).unwrap();
    // 5 swing runs (base, low and high of 2 inputs) × 4 paths × 3 months.
    assert_eq!(m["diagnostics"]["swing_runs.brent_clamp_hits"], 60, "{m}");
    assert_eq!(m["diagnostics"]["brent_clamp_hits"], 300, "{m}");
}

/// A minimal valid scenario named `name`.
fn minimal(name: &str, seed: u64) -> String {
    let market = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scenarios/market/default.toml")
        .display()
        .to_string()
        .replace('\\', "\\\\");
    format!(
        "[scenario]\nname = \"{name}\"\nstart = \"2025-08\"\nmonths = 3\npaths = 4\n\
         seed = {seed}\nmarket = \"{market}\"\n[brent]\np0 = 70\n"
    )
}

/// Finding 6: a folder of two files that name one scenario is refused by `validate` as by
/// `run`, with the same line.
#[test]
fn validate_refuses_two_files_of_one_name_as_run_does() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("dupd");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.toml"), minimal("dup", 1)).unwrap();
    std::fs::write(dir.join("b.toml"), minimal("dup", 2)).unwrap();
    let v = expect(sim().arg("validate").arg(&dir), 1);
    assert!(v.contains("b.toml both name their scenario `dup`"), "{v}");
    let r = expect(
        sim()
            .arg("run")
            .arg(&dir)
            .arg("--out")
            .arg(d.path().join("o")),
        1,
    );
    assert_eq!(v.lines().last(), r.lines().last(), "{v}\n{r}");
}

/// Finding 6: a symbolic link in a folder to another file of it is refused by `validate` too,
/// and the message says it is a link rather than that the user gave a file twice.
#[test]
fn validate_refuses_a_link_to_a_file_beside_it_and_names_the_link() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("fd");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("a.toml"), minimal("one", 1)).unwrap();
    std::os::unix::fs::symlink("a.toml", dir.join("link.toml")).unwrap();
    let out = d.path().join("o");
    for cmd in [
        vec!["validate"],
        vec!["run", "--out", out.to_str().unwrap()],
    ] {
        let err = expect(sim().args(&cmd).arg(&dir), 1);
        let link = dir.join("link.toml").display().to_string();
        let a = dir.join("a.toml").display().to_string();
        let want = format!("{link} is a symbolic link to {a}: the same scenario twice");
        assert!(err.contains(&want), "{cmd:?}: {err}");
        assert!(!err.contains("given twice"), "{cmd:?}: {err}");
    }
    // The same file named twice, no link, is still "given twice".
    let a = dir.join("a.toml");
    let err = expect(sim().arg("validate").arg(&a).arg(&a), 1);
    assert!(err.contains("a.toml is given twice"), "{err}");
}
