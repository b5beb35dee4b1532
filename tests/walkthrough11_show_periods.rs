//! Walkthrough 11 #2: `show --period P` prints one period's totals and averages from the
//! tables a run writes (totals.csv and averages.csv, a comparison's compare_totals.csv and
//! compare_averages.csv, a `--by-outcome` run's outcome_totals.csv with each outcome's share),
//! so "how likely is each outcome, and what does it mean for revenue and Brent?" is one
//! command. Every number printed is the text of its file's cell.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("scenarios/{name}.toml"))
}

fn sim(args: &[&str]) -> Output {
    let o = Command::new(BIN).args(args).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    o
}

fn show(args: &[&str]) -> Output {
    Command::new(BIN).arg("show").args(args).output().unwrap()
}

fn stdout(o: &Output) -> String {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// The cells of the rows of `file` whose columns `keys` hold the given values, by column name.
fn rows(file: &Path, keys: &[(&str, &str)]) -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(file).unwrap();
    let mut lines = text.lines();
    let head: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            head.iter()
                .map(|h| h.to_string())
                .zip(l.split(',').map(str::to_string))
                .collect::<Vec<_>>()
        })
        .filter(|r| {
            keys.iter()
                .all(|(k, v)| r.iter().any(|(h, c)| h == k && c == v))
        })
        .collect()
}

fn cell(row: &[(String, String)], col: &str) -> String {
    row.iter().find(|(h, _)| h == col).unwrap().1.clone()
}

/// `--csv` output as rows of (column, cell).
fn csv_rows(text: &str) -> Vec<Vec<(String, String)>> {
    let mut lines = text.lines();
    let head: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            head.iter()
                .cloned()
                .zip(l.split(',').map(String::from))
                .collect()
        })
        .collect()
}

#[test]
fn each_outcome_with_its_probability_and_totals_in_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let s = scenario("summit_uncertain");
    sim(&[
        "run",
        s.to_str().unwrap(),
        "--paths",
        "200",
        "--months",
        "12",
        "--quiet",
        "--no-charts",
        "--no-report",
        "--by-outcome",
        "summit_pending",
        "--out",
        out,
    ]);
    let folder = dir.path().join("summit_uncertain");
    let text = stdout(&show(&[folder.to_str().unwrap(), "--period", "horizon"]));
    assert!(
        text.starts_with("period horizon: 2025-08..2026-07 (12 months)\n"),
        "{text}"
    );
    assert!(text.contains("summit_pending=deal"), "{text}");
    assert!(text.contains("summit_pending=(all)"), "{text}");
    // The CSV cells are outcome_totals.csv's, the share and every statistic.
    let csv = stdout(&show(&[
        folder.to_str().unwrap(),
        "--period",
        "horizon",
        "--var",
        "russia_export_revenue_usd_bn,brent_usd_bbl",
        "--csv",
    ]));
    let shown = csv_rows(&csv);
    let file = folder.join("outcome_totals.csv");
    let written = rows(&file, &[("period", "horizon")]);
    let wanted: Vec<_> = written
        .iter()
        .filter(|r| {
            let v = cell(r, "variable");
            v == "russia_export_revenue_usd_bn" || v == "brent_usd_bbl"
        })
        .collect();
    assert_eq!(shown.len(), wanted.len(), "{csv}");
    for (a, b) in shown.iter().zip(&wanted) {
        assert_eq!(
            cell(a, "outcome"),
            format!("{}={}", cell(b, "selector"), cell(b, "outcome"))
        );
        for c in [
            "share",
            "mc_se_share",
            "variable",
            "statistic",
            "unit",
            "mean",
            "p10",
            "p50",
            "p90",
        ] {
            assert_eq!(cell(a, c), cell(b, c), "{c}: {csv}");
        }
    }
}

#[test]
fn a_run_and_a_comparison_show_their_period_rows() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let (b, f) = (scenario("baseline"), scenario("summit_failure"));
    let common = [
        "--paths",
        "150",
        "--months",
        "18",
        "--quiet",
        "--no-charts",
        "--no-report",
    ];
    let mut run = vec!["run", b.to_str().unwrap(), "--out", out];
    run.extend(["--period", "2025-11..2026-04"]);
    run.extend(common);
    sim(&run);
    let folder = dir.path().join("baseline");
    let csv = stdout(&show(&[
        folder.to_str().unwrap(),
        "--period",
        "2026",
        "--var",
        "russia_export_revenue_usd_bn,brent_usd_bbl",
        "--stat",
        "p05,p50,p95",
        "--csv",
    ]));
    let shown = csv_rows(&csv);
    assert_eq!(shown.len(), 2, "{csv}");
    let t = rows(
        &folder.join("totals.csv"),
        &[
            ("period", "2026"),
            ("variable", "russia_export_revenue_usd_bn"),
        ],
    );
    let a = rows(
        &folder.join("averages.csv"),
        &[("period", "2026"), ("variable", "brent_usd_bbl")],
    );
    for (s, (w, stat)) in shown.iter().zip([(&t[0], "total"), (&a[0], "mean")]) {
        assert_eq!(cell(s, "statistic"), stat);
        for c in ["p05", "p50", "p95", "unit"] {
            assert_eq!(cell(s, c), cell(w, c), "{c}: {csv}");
        }
    }
    // A window the run was given.
    let text = stdout(&show(&[
        folder.to_str().unwrap(),
        "--period",
        "2025-11..2026-04",
    ]));
    assert!(
        text.starts_with("period 2025-11..2026-04: 2025-11..2026-04 (6 months)"),
        "{text}"
    );
    // A comparison: the difference, headed so that it never reads as a level.
    let mut cmp = vec![
        "compare",
        b.to_str().unwrap(),
        f.to_str().unwrap(),
        "--out",
        out,
    ];
    cmp.extend(common);
    sim(&cmp);
    let folder = dir.path().join("compare_baseline_vs_summit_failure");
    let csv = stdout(&show(&[
        folder.to_str().unwrap(),
        "--period",
        "horizon",
        "--var",
        "russia_export_revenue_usd_bn",
        "--csv",
    ]));
    let shown = csv_rows(&csv);
    let w = rows(
        &folder.join("compare_totals.csv"),
        &[
            ("period", "horizon"),
            ("variable", "russia_export_revenue_usd_bn"),
        ],
    );
    assert_eq!(cell(&shown[0], "scenario"), "summit_failure - baseline");
    assert_eq!(cell(&shown[0], "mean"), cell(&w[0], "mean_diff"));
    assert_eq!(cell(&shown[0], "p90"), cell(&w[0], "p90_diff"));
}

#[test]
fn a_decimal_comma_folder_shows_the_same_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let b = scenario("baseline");
    let mut outs = Vec::new();
    for dialect in ["default", "excel-eu"] {
        let out = dir.path().join(dialect);
        sim(&[
            "run",
            b.to_str().unwrap(),
            "--paths",
            "100",
            "--months",
            "6",
            "--quiet",
            "--no-charts",
            "--no-report",
            "--csv-dialect",
            dialect,
            "--out",
            out.to_str().unwrap(),
        ]);
        let folder = out.join("baseline");
        outs.push(stdout(&show(&[
            folder.to_str().unwrap(),
            "--period",
            "horizon",
            "--csv",
        ])));
    }
    assert_eq!(outs[0], outs[1]);
    assert!(
        outs[0].contains(",brent_usd_bbl,mean,USD/bbl,"),
        "{}",
        outs[0]
    );
}

#[test]
fn a_period_the_folder_lacks_names_those_it_has() {
    let dir = tempfile::tempdir().unwrap();
    let b = scenario("baseline");
    sim(&[
        "run",
        b.to_str().unwrap(),
        "--paths",
        "50",
        "--months",
        "6",
        "--quiet",
        "--no-charts",
        "--no-report",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    let folder = dir.path().join("baseline");
    let o = show(&[folder.to_str().unwrap(), "--period", "2027"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("its periods: 2025, 2026, horizon"), "{err}");
    let o = show(&[
        folder.to_str().unwrap(),
        "--period",
        "2026",
        "--from",
        "2026-01",
    ]);
    assert!(!o.status.success());
}
