//! `compare` and the other simulating commands from the command line: an imposed Brent's
//! months, and where a comparison's horizon and draws come from (split from tests/compare.rs).

mod common;

use assert_cmd::Command;
use common::scenario;
use sanctions_sim::analysis::compare::CompareOptions;
use sanctions_sim::engine::stats::DEFAULT_BUDGET_BYTES;
use std::fs;
use std::path::PathBuf;

fn opts(paths: u64, months: usize, seed: u64, threads: usize) -> CompareOptions {
    CompareOptions {
        paths,
        months,
        seed,
        threads,
        budget_bytes: DEFAULT_BUDGET_BYTES,
        probes: Vec::new(),
        periods: Vec::new(),
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sim() -> Command {
    let mut c = Command::cargo_bin("sanctions-sim").expect("binary sanctions-sim is built");
    c.current_dir(root());
    c
}

/// `--months` past the rows of an imposed Brent path (`brent.imposed`): `run` used to exit 2
/// with no hint, `compare` and `sensitivity` simulated a free Brent past the rows without a
/// word. All three refuse before writing anything, naming the key, both files and the
/// largest `--months` that fits (replay_2024 starts 2024-01; data/brent_monthly.csv ends
/// 2025-07: 19 months).
#[test]
fn months_past_an_imposed_brent_are_refused_by_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let replay = "scenarios/history/replay_2024.toml";
    let cf = "scenarios/history/counterfactual/cf_2024_e1.toml";
    let small = ["--paths", "8", "--months", "20", "--quiet", "--no-charts"];
    let runs: [Vec<&str>; 3] = [
        vec!["run", replay],
        vec!["compare", replay, cf, "--no-report"],
        vec![
            "sensitivity",
            replay,
            "--target",
            "russia_export_revenue_usd_bn",
            "--swing-paths",
            "0",
        ],
    ];
    for args in &runs {
        let r = sim()
            .args(args)
            .args(small)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&r.stderr);
        assert_eq!(r.status.code(), Some(1), "{args:?}: {err}");
        for needle in [
            "scenarios/history/replay_2024.toml: `brent.imposed` names",
            "brent_monthly.csv, whose rows end in 2025-07",
            "--months 20 runs to 2025-08",
            "pass --months ≤ 19",
        ] {
            assert!(err.contains(needle), "{args:?}: no `{needle}` in {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out.exists() || fs::read_dir(&out).unwrap().next().is_none());
    }
    // compare names every scenario that does not fit.
    let r = sim()
        .args(&runs[1])
        .args(small)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(err.contains("cf_2024_e1.toml: `brent.imposed`"), "{err}");
    // The largest horizon that fits runs.
    let r = sim()
        .args(["compare", replay, cf, "--no-report", "--paths", "8"])
        .args(["--months", "19", "--quiet", "--no-charts", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    // The library refuses too (no free Brent past the rows).
    let base = scenario("history/replay_2024");
    let other = scenario("history/counterfactual/cf_2024_e1");
    let e =
        sanctions_sim::analysis::compare::compare(&base, &[&other], &opts(8, 20, 1, 1), &|_| {})
            .unwrap_err();
    assert!(
        e.is_bad_input() && e.to_string().contains("pass --months ≤ 19"),
        "{e}"
    );
}

/// Without `--months` the comparison's horizon is its shortest file's: the cut-events warning
/// names that file, not a flag the user never passed, and its fix works. A compared file's own
/// `seed` and `paths` are not used, and compare says so.
#[test]
fn compare_names_where_its_horizon_and_draws_come_from() {
    let tmp = tempfile::tempdir().unwrap();
    let base = root().join("scenarios/baseline.toml");
    let short = tmp.path().join("short2.toml");
    fs::write(
        &short,
        format!(
            "extends = {:?}\n[scenario]\nname = \"short2\"\nmonths = 2\nseed = 7\n",
            base.to_str().unwrap()
        ),
    )
    .unwrap();
    let r = sim()
        .args(["compare", "scenarios/summit_failure.toml"])
        .arg(&short)
        .args([
            "--paths",
            "6",
            "--quiet",
            "--no-charts",
            "--no-report",
            "--out",
        ])
        .arg(tmp.path().join("out"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(
        err.contains("summit_failure: the comparison runs 2 months, the shortest horizon of its files (`months = 2` of short2)")
            && err.contains("Pass --months"),
        "{err}"
    );
    assert!(!err.contains("--months 2 ends the run"), "{err}");
    assert!(
        err.contains("short2: sets seed = 7 (the baseline's: 42)"),
        "{err}"
    );
}
