//! `outcome_totals.csv` of `run --by-outcome` (walkthrough #2): one table of every outcome's
//! totals and period averages with the outcome's share of paths. Its rows must be exactly the
//! rows of each outcome folder's `totals.csv` and `averages.csv`, its `(all)` rows those of
//! the unconditional files (which `--shard` + `merge` reproduce byte for byte), the shares
//! the manifest's counts, and the bytes the same for any `--threads`.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

const TREE: &str = "scenarios/summit_uncertain.toml";
const SHAPE: [&str; 6] = [
    "--paths",
    "1500",
    "--months",
    "15",
    "--period",
    "2025-11..2026-10",
];

fn bin() -> Command {
    Command::cargo_bin("sanctions-sim").unwrap()
}

fn run(out: &Path, extra: &[&str]) -> PathBuf {
    bin()
        .args([
            "run",
            TREE,
            "--quiet",
            "--no-charts",
            "--no-report",
            "--out",
        ])
        .arg(out)
        .args(SHAPE)
        .args(extra)
        .assert()
        .success();
    out.join("summit_uncertain")
}

fn text(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The rows of `file` without their header and `scenario` column.
fn band_rows(file: &Path) -> Vec<String> {
    text(file)
        .lines()
        .skip(1)
        .map(|l| l.split_once(',').unwrap().1.to_string())
        .collect()
}

/// The rows of `outcome_totals.csv` for `selector` and `outcome`, as `totals.csv` would write
/// them after its `scenario` (the 7 lead columns dropped), totals then means.
fn outcome_rows(csv: &str, selector: &str, outcome: &str, stat: &str) -> Vec<String> {
    csv.lines()
        .skip(1)
        .map(|l| l.splitn(8, ',').collect::<Vec<_>>())
        .filter(|f| f[1] == selector && f[2] == outcome && f[6] == stat)
        .map(|f| f[7].to_string())
        .collect()
}

#[test]
fn the_same_bytes_for_any_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let sel = [
        "--by-outcome",
        "summit_pending",
        "--by-outcome",
        "escalation_china",
    ];
    let one = run(
        &tmp.path().join("t1"),
        &[&sel[..], &["--threads", "1"]].concat(),
    );
    let three = run(
        &tmp.path().join("t3"),
        &[&sel[..], &["--threads", "3"]].concat(),
    );
    let a = fs::read(one.join("outcome_totals.csv")).unwrap();
    assert!(a == fs::read(three.join("outcome_totals.csv")).unwrap());
    // Both selectors, each with its outcomes and the unconditional rows.
    let s = String::from_utf8(a).unwrap();
    for (sel, outcome) in [
        ("summit_pending", "deal"),
        ("summit_pending", "fail"),
        ("summit_pending", "none"),
        ("summit_pending", "(all)"),
        ("escalation_china", "entered"),
        ("escalation_china", "not_entered"),
        ("escalation_china", "(all)"),
    ] {
        assert!(
            !outcome_rows(&s, sel, outcome, "total").is_empty(),
            "{sel}={outcome}"
        );
    }
}

#[test]
fn rows_are_the_outcome_folders_rows_and_all_is_the_unconditional_run() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), &["--by-outcome", "summit_pending"]);
    let csv = text(&dir.join("outcome_totals.csv"));
    assert_eq!(
        csv.lines().next().unwrap(),
        "scenario,selector,outcome,paths,share,mc_se_share,statistic,period,first_month,\
         last_month,months,variable,unit,mean,sd,p05,p10,p25,p50,p75,p90,p95,mc_se_mean,mc_se_p50"
    );
    for o in ["deal", "fail", "none"] {
        let sub = dir.join(format!("by_outcome/summit_pending={o}"));
        assert_eq!(
            outcome_rows(&csv, "summit_pending", o, "total"),
            band_rows(&sub.join("totals.csv"))
        );
        assert_eq!(
            outcome_rows(&csv, "summit_pending", o, "mean"),
            band_rows(&sub.join("averages.csv"))
        );
    }
    let all_totals = outcome_rows(&csv, "summit_pending", "(all)", "total");
    assert_eq!(all_totals, band_rows(&dir.join("totals.csv")));
    assert_eq!(
        outcome_rows(&csv, "summit_pending", "(all)", "mean"),
        band_rows(&dir.join("averages.csv"))
    );
    // The --period window is there, after the horizon.
    assert!(all_totals
        .iter()
        .any(|r| r.starts_with("2025-11..2026-10,2025-11-01,2026-10-01,12,")));
    // The unconditional rows survive --shard + merge byte for byte (--by-outcome itself is
    // refused with --shard: outputs.md §8).
    let parts = tmp.path().join("parts");
    for k in ["1/2", "2/2"] {
        run(&parts, &["--shard", k]);
    }
    bin()
        .args(["merge", "--quiet", "--no-charts", "--no-report", "--out"])
        .arg(tmp.path().join("merged"))
        .arg(&parts)
        .assert()
        .success();
    let merged = tmp.path().join("merged/summit_uncertain");
    assert_eq!(all_totals, band_rows(&merged.join("totals.csv")));
    let m: serde_json::Value = serde_json::from_str(&text(&dir.join("manifest.json"))).unwrap();
    let listed: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    assert!(listed.contains(&"outcome_totals.csv"));
}

#[test]
fn shares_are_the_manifest_counts_and_weigh_the_means_back_to_all() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), &["--by-outcome", "summit_pending"]);
    let m: serde_json::Value = serde_json::from_str(&text(&dir.join("manifest.json"))).unwrap();
    let csv = text(&dir.join("outcome_totals.csv"));
    let rows: Vec<Vec<&str>> = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    let key = |r: &Vec<&str>| format!("{},{},{}", r[6], r[7], r[11]);
    let mut total_share = 0.0;
    for o in ["deal", "fail", "none"] {
        let n = m["by_outcome"]["summit_pending"][o].as_u64().unwrap();
        let r = rows.iter().find(|r| r[2] == o).unwrap();
        assert_eq!(r[3], n.to_string());
        let p = n as f64 / 1500.0;
        assert_eq!(r[4], format!("{p:.4}"));
        assert_eq!(r[5], format!("{:.4}", (p * (1.0 - p) / 1500.0).sqrt()));
        total_share += p;
    }
    assert!((total_share - 1.0).abs() < 1e-12);
    let all: Vec<&Vec<&str>> = rows.iter().filter(|r| r[2] == "(all)").collect();
    assert!(all
        .iter()
        .all(|r| r[3] == "1500" && r[4] == "1.0000" && r[5] == "0.0000"));
    for a in all {
        let mut weighted = 0.0;
        for r in rows.iter().filter(|r| r[2] != "(all)" && key(r) == key(a)) {
            let n: f64 = r[3].parse().unwrap();
            if n > 0.0 {
                weighted += n / 1500.0 * r[13].parse::<f64>().unwrap();
            }
        }
        let mean: f64 = a[13].parse().unwrap();
        assert!(
            (weighted - mean).abs() <= 1e-3 * mean.abs().max(1.0),
            "{}: {weighted} vs {mean}",
            key(a)
        );
    }
}

#[test]
fn no_file_without_by_outcome() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run(tmp.path(), &[]);
    assert!(dir.join("totals.csv").is_file());
    assert!(!dir.join("outcome_totals.csv").exists());
}

/// `report.html` shows each outcome's share and headline totals, linked to the file's cells.
#[test]
fn the_report_has_an_outcomes_table() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .args(["run", TREE, "--quiet", "--no-charts", "--out"])
        .arg(tmp.path())
        .args(SHAPE)
        .args(["--by-outcome", "summit_pending"])
        .assert()
        .success();
    let dir = tmp.path().join("summit_uncertain");
    let page = text(&dir.join("report.html"));
    let csv = text(&dir.join("outcome_totals.csv"));
    let deal = csv
        .lines()
        .find(|l| l.starts_with("summit_uncertain,summit_pending,deal,"))
        .unwrap();
    let share = deal.split(',').nth(4).unwrap();
    assert!(page.contains("Outcomes"), "heading");
    let cell = "data-file=\"outcome_totals.csv\" data-key=\"selector=summit_pending;outcome=deal;\
                period=horizon;variable=russia_export_revenue_usd_bn\" data-col=\"share\"";
    let at = page.find(cell).unwrap_or_else(|| panic!("no cell {cell}"));
    assert!(
        page[at..at + 200].contains(share),
        "{}",
        &page[at..at + 200]
    );
    assert!(page.contains("summit_pending") && page.contains("(all)"));
}
