//! Hostile round 7, finding 2: `compare` and `sensitivity` print the warnings on a run's
//! diagnostics that `run` prints (`cli::run_diagnostics`).

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
