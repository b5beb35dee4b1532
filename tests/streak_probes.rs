//! `--prob 'VAR OP X for N months'` (walkthrough 9 #3): the share of paths past a threshold N
//! months in a row, checked against a count over every sampled path, through `--shard` +
//! `merge`, and in `compare`.

mod common;

use assert_cmd::Command;
use common::files_named;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

const SCENARIO: &str = "scenarios/summit_failure.toml";
const PROBE: &str = "arrivals_india_mbd < 1.3 for 3 months";
const TEXT: &str = "arrivals_india_mbd<1.3_for_3_months";
const PATHS: usize = 300;

fn bin() -> Command {
    Command::cargo_bin("sanctions-sim").unwrap()
}

fn run(out: &Path, extra: &[&str]) {
    bin()
        .args(["run", SCENARIO, "--quiet", "--no-charts", "--no-report"])
        .args([
            "--paths", "300", "--months", "10", "--seed", "9", "--prob", PROBE,
        ])
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

#[test]
fn streak_shares_match_a_count_over_sampled_paths() {
    let tmp = tempfile::tempdir().unwrap();
    run(tmp.path(), &["--sample-paths", "300"]);
    let dir = tmp.path().join("summit_failure");
    let paths = fs::read_to_string(dir.join("paths.csv")).unwrap();
    // path → date → value (BTreeMap keeps the dates in order).
    let mut series: BTreeMap<u64, BTreeMap<String, f64>> = BTreeMap::new();
    for l in paths.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if f[2] == "arrivals_india_mbd" {
            series
                .entry(f[0].parse().unwrap())
                .or_default()
                .insert(f[1].to_string(), f[3].parse().unwrap());
        }
    }
    assert_eq!(series.len(), PATHS);
    let dates: Vec<String> = series[&0].keys().cloned().collect();
    let probs = fs::read_to_string(dir.join("probabilities.csv")).unwrap();
    let rows: Vec<Vec<&str>> = probs
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), dates.len());
    let (mut streak, mut ever) = (vec![0u32; PATHS], vec![false; PATHS]);
    let mut ever_seen = 0.0;
    for (t, date) in dates.iter().enumerate() {
        let mut now = 0;
        for (p, s) in series.values().enumerate() {
            let x = s[date];
            streak[p] = if x.is_finite() && x < 1.3 {
                streak[p] + 1
            } else {
                0
            };
            if streak[p] >= 3 {
                now += 1;
                ever[p] = true;
            }
        }
        let so_far = ever.iter().filter(|e| **e).count();
        let r = &rows[t];
        assert_eq!(
            (r[1], r[2], r[3], r[4]),
            (date.as_str(), TEXT, "arrivals_india_mbd", "<")
        );
        assert_eq!(r[7], format!("{:.4}", now as f64 / PATHS as f64), "{date}");
        assert_eq!(
            r[9],
            format!("{:.4}", so_far as f64 / PATHS as f64),
            "{date}"
        );
        ever_seen = so_far as f64;
    }
    assert!(
        ever_seen > 0.0,
        "no path had a 3-month streak: the test checks nothing"
    );
}

#[test]
fn streaks_survive_shards_and_run_in_compare() {
    let tmp = tempfile::tempdir().unwrap();
    let whole = tmp.path().join("whole");
    run(&whole, &[]);
    let parts = tmp.path().join("parts");
    for s in ["1/2", "2/2"] {
        run(&parts.join(s.replace('/', "_")), &["--shard", s]);
    }
    let merged = tmp.path().join("merged");
    bin()
        .args(["merge", "--quiet", "--no-charts", "--no-report", "--out"])
        .arg(&merged)
        .arg(parts.join("1_2"))
        .arg(parts.join("2_2"))
        .assert()
        .success();
    let file = |d: &Path| fs::read(d.join("summit_failure/probabilities.csv")).unwrap();
    assert_eq!(file(&whole), file(&merged));
    let cmp = tmp.path().join("cmp");
    bin()
        .args([
            "compare",
            "scenarios/baseline.toml",
            SCENARIO,
            "--quiet",
            "--no-charts",
        ])
        .args([
            "--no-report",
            "--paths",
            "200",
            "--months",
            "6",
            "--prob",
            PROBE,
            "--out",
        ])
        .arg(&cmp)
        .assert()
        .success();
    let found = files_named(&cmp, "probabilities.csv");
    assert!(!found.is_empty());
    let text = fs::read_to_string(&found[0]).unwrap();
    assert!(text.lines().nth(1).unwrap().contains(TEXT), "{text}");
}
