//! Conditional bands (`run --by-outcome`): one summary.csv per outcome of a branching exit,
//! from the same run: folders, path counts, ordering of the bands, thread-count independence
//! and selector errors.

use assert_cmd::Command;
use std::path::{Path, PathBuf};

const PATHS: &str = "1500";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scenario(name: &str) -> PathBuf {
    root().join("scenarios").join(format!("{name}.toml"))
}

/// Runs summit_uncertain with `--by-outcome summit_pending` into `out`; returns its folder.
fn run_split(out: &Path, threads: &str) -> PathBuf {
    Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args(["run", "--quiet", "--paths", PATHS, "--months", "13"])
        .args(["--threads", threads, "--by-outcome", "summit_pending"])
        .arg("--out")
        .arg(out)
        .arg(scenario("summit_uncertain"))
        .assert()
        .success();
    out.join("summit_uncertain")
}

/// Median (p50) of `var` on `date` in a summary.csv, and the scenario column of that row.
fn p50(csv: &Path, date: &str, var: &str) -> (String, f64) {
    let text = std::fs::read_to_string(csv).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "p50").unwrap();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        if f[1] == date && f[2] == var {
            return (f[0].to_string(), f[col].parse().unwrap());
        }
    }
    panic!("no row {date} {var} in {}", csv.display())
}

#[test]
fn bands_per_outcome_counts_order_and_thread_independence() {
    let tmp = tempfile::tempdir().unwrap();
    let one = run_split(&tmp.path().join("t1"), "1");
    let two = run_split(&tmp.path().join("t2"), "2");
    let deal = one.join("by_outcome/summit_pending=deal/summary.csv");
    let fail = one.join("by_outcome/summit_pending=fail/summary.csv");
    assert!(deal.is_file() && fail.is_file());

    // Same columns and rows as summary.csv; scenario column says which outcome.
    let main = std::fs::read_to_string(one.join("summary.csv")).unwrap();
    let d = std::fs::read_to_string(&deal).unwrap();
    assert_eq!(main.lines().next(), d.lines().next());
    assert_eq!(main.lines().count(), d.lines().count());
    assert!(d
        .lines()
        .nth(1)
        .unwrap()
        .starts_with("summit_uncertain|summit_pending=deal,"));

    // Path counts in the manifest sum to the total, and every file is listed.
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("manifest.json")).unwrap()).unwrap();
    let counts = m["by_outcome"]["summit_pending"].as_object().unwrap();
    let total: u64 = counts.values().map(|v| v.as_u64().unwrap()).sum();
    assert_eq!(total, PATHS.parse::<u64>().unwrap());
    assert!(counts["deal"].as_u64().unwrap() > 100);
    assert!(counts["fail"].as_u64().unwrap() > 100);
    let files: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for outcome in counts.keys() {
        let f = format!("by_outcome/summit_pending={outcome}/summary.csv");
        assert!(files.contains(&f.as_str()), "{f} not in {files:?}");
        assert!(one.join(&f).is_file());
    }
    assert_eq!(files.last(), Some(&"manifest.json"));

    // Month 12 (2026-08): a deal narrows the Urals discount, a failure widens it.
    let (sd, pd) = p50(&deal, "2026-08-01", "urals_discount_usd_bbl");
    let (sf, pf) = p50(&fail, "2026-08-01", "urals_discount_usd_bbl");
    assert_eq!(sd, "summit_uncertain|summit_pending=deal");
    assert_eq!(sf, "summit_uncertain|summit_pending=fail");
    assert!(pd < pf, "deal p50 {pd} should be below fail p50 {pf}");

    // Byte-identical for 1 and 2 threads.
    for f in files.iter().filter(|f| f.ends_with(".csv")) {
        assert_eq!(
            std::fs::read(one.join(f)).unwrap(),
            std::fs::read(two.join(f)).unwrap(),
            "{f} differs between 1 and 2 threads"
        );
    }
}

#[test]
fn unknown_selector_exits_1_with_suggestion() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args([
            "run",
            "--quiet",
            "--paths",
            "10",
            "--by-outcome",
            "sumit_pending",
        ])
        .arg("--out")
        .arg(tmp.path())
        .arg(scenario("summit_uncertain"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("did you mean `summit_pending`"), "{err}");
    assert!(!tmp.path().join("summit_uncertain").exists());
}

#[test]
fn scenario_without_trees_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args([
            "run",
            "--quiet",
            "--paths",
            "10",
            "--by-outcome",
            "summit_pending",
        ])
        .arg("--out")
        .arg(tmp.path())
        .arg(scenario("baseline"))
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("has no event trees"), "{err}");
}

#[test]
fn target_and_qualified_selectors_resolve() {
    let tmp = tempfile::tempdir().unwrap();
    Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args(["run", "--quiet", "--paths", "20", "--months", "3"])
        .args(["--by-outcome", "fail", "--by-outcome", "us_russia.deal"])
        .args(["--by-outcome", "summit_pending"])
        .arg("--out")
        .arg(tmp.path())
        .arg(scenario("summit_uncertain"))
        .assert()
        .success();
    let dir = tmp.path().join("summit_uncertain/by_outcome");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "deal=eu_follows",
            "deal=eu_stays_out",
            "deal=none",
            "summit_pending=deal",
            "summit_pending=fail",
            "summit_pending=none"
        ]
    );
}

/// Each outcome's sub-folder gets its own fan charts (`by_outcome/<node>=<outcome>/charts/`),
/// listed in the manifest and titled with the outcome; none under `--no-charts`.
#[test]
fn outcome_sub_folders_get_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |out: &Path, extra: &[&str]| {
        Command::cargo_bin("sanctions-sim")
            .unwrap()
            .args(["run", "--quiet", "--paths", "200", "--months", "4"])
            .args(["--by-outcome", "summit_pending", "--no-report", "--out"])
            .arg(out)
            .args(extra)
            .arg(scenario("summit_uncertain"))
            .assert()
            .success();
        let m: serde_json::Value = serde_json::from_slice(
            &std::fs::read(out.join("summit_uncertain/manifest.json")).unwrap(),
        )
        .unwrap();
        m["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f.as_str().unwrap().to_string())
            .collect::<Vec<String>>()
    };
    let files = run(&tmp.path().join("a"), &[]);
    let dir = tmp.path().join("a/summit_uncertain");
    for outcome in ["deal", "fail"] {
        let sub = format!("by_outcome/summit_pending={outcome}");
        for ext in ["svg", "png"] {
            let f = format!("{sub}/charts/brent_usd_bbl.{ext}");
            assert!(files.contains(&f), "{f} not in {files:?}");
            let bytes = std::fs::read(dir.join(&f)).unwrap();
            assert!(bytes.len() > 1000, "{f}");
        }
        let svg =
            std::fs::read_to_string(dir.join(format!("{sub}/charts/brent_usd_bbl.svg"))).unwrap();
        assert!(
            svg.contains(&format!(
                "summit_uncertain|summit_pending={outcome}: Brent (Dated)"
            )),
            "{outcome}: title"
        );
        // Listed after the sub-folder's tables, before the top-level charts.
        let at = |f: &str| files.iter().position(|x| x == f).unwrap();
        assert!(at(&format!("{sub}/summary.csv")) < at(&format!("{sub}/charts/brent_usd_bbl.svg")));
    }
    let none = run(&tmp.path().join("b"), &["--no-charts"]);
    assert!(!none.iter().any(|f| f.contains("charts/")), "{none:?}");
}

/// On several scenarios (a folder), a selector splits those it names an exit of and notes the
/// others; it is an error only when it names an exit of none.
#[test]
fn a_selector_applies_to_the_scenarios_that_have_its_exit() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args([
            "run",
            "--quiet",
            "--no-charts",
            "--paths",
            "10",
            "--months",
            "4",
        ])
        .args(["--by-outcome", "summit_pending", "--out"])
        .arg(tmp.path())
        .arg(scenario("baseline"))
        .arg(scenario("summit_uncertain"))
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("names no exit of `baseline`"), "{err}");
    assert!(tmp.path().join("summit_uncertain/by_outcome").is_dir());
    assert!(!tmp.path().join("baseline/by_outcome").exists());
}
