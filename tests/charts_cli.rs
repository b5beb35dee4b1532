//! Charts through the command line (issue 5):
//!
//! - `run` writes `charts/<variable>.svg`/`.png` for the 10 key variables, byte-identical at 1
//!   and 2 threads, listed in the manifest; `--no-charts` writes none;
//! - `compare` writes overlay charts naming every scenario; `--no-charts` writes none;
//! - the level bands `compare` keeps for overlays equal each scenario's bands run alone.

mod charts_support;
mod common;

use assert_cmd::Command;
use charts_support::{check_png, check_svg, root};
use sanctions_sim::analysis::compare::{compare_with_levels, CompareOptions};
use sanctions_sim::engine::run::{run, RunOptions};
use std::fs;
use std::path::Path;

fn cli(args: &[&str]) {
    Command::cargo_bin("sanctions-sim")
        .unwrap()
        .current_dir(root())
        .args(args)
        .assert()
        .success();
}

fn chart_files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let Ok(rd) = fs::read_dir(dir.join("charts")) else {
        return Vec::new();
    };
    let mut v: Vec<(String, Vec<u8>)> = rd
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn manifest_files(dir: &Path) -> Vec<String> {
    let m: serde_json::Value =
        serde_json::from_slice(&fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn run_writes_fan_charts_deterministically_and_no_charts_writes_none() {
    let tmp = tempfile::tempdir().unwrap();
    let out = |k: &str| tmp.path().join(k).to_string_lossy().into_owned();
    let base = [
        "run",
        "scenarios/baseline.toml",
        "--paths",
        "60",
        "--months",
        "7",
    ];
    let with = |o: &str, t: &str| {
        let mut a: Vec<&str> = base.to_vec();
        a.extend(["--quiet", "--threads", t, "--out", o]);
        a.iter().map(|s| s.to_string()).collect::<Vec<_>>()
    };
    let (o1, o2, o3) = (out("t1"), out("t2"), out("none"));
    for (o, t) in [(&o1, "1"), (&o2, "2")] {
        let a = with(o, t);
        cli(&a.iter().map(String::as_str).collect::<Vec<_>>());
    }
    let mut a = with(&o3, "2");
    a.push("--no-charts".into());
    cli(&a.iter().map(String::as_str).collect::<Vec<_>>());

    let d1 = Path::new(&o1).join("baseline");
    let charts = chart_files(&d1);
    assert_eq!(
        charts.len(),
        28,
        "10 key variables x (svg, png), and 4 distribution charts x (svg, png)"
    );
    assert_eq!(charts, chart_files(&Path::new(&o2).join("baseline")));
    for (name, bytes) in &charts {
        if name.ends_with(".png") {
            check_png(bytes, 1200, 700);
        } else {
            check_svg(std::str::from_utf8(bytes).unwrap(), 1200, 700);
        }
    }
    let files = manifest_files(&d1);
    assert_eq!(files.last().map(String::as_str), Some("manifest.json"));
    assert!(files.contains(&"charts/brent_usd_bbl.png".to_string()));
    assert_eq!(
        files.iter().filter(|f| f.starts_with("charts/")).count(),
        28
    );

    let d3 = Path::new(&o3).join("baseline");
    assert!(!d3.join("charts").exists());
    assert!(manifest_files(&d3)
        .iter()
        .all(|f| !f.starts_with("charts/")));
}

#[test]
fn compare_writes_overlays_and_no_charts_writes_none() {
    let tmp = tempfile::tempdir().unwrap();
    let o = tmp.path().to_string_lossy().into_owned();
    let args = [
        "compare",
        "scenarios/baseline.toml",
        "scenarios/summit_failure.toml",
        "--paths",
        "40",
        "--months",
        "5",
        "--quiet",
        "--out",
        &o,
    ];
    cli(&args);
    let dir = tmp.path().join("compare_baseline_vs_summit_failure");
    let charts = chart_files(&dir);
    // 10 overlays of levels and 10 fan charts of the paired difference, SVG and PNG each.
    assert_eq!(charts.len(), 40);
    assert!(charts
        .iter()
        .any(|c| c.0 == "diff_summit_failure_brent_usd_bbl.svg"));
    let svg = &charts
        .iter()
        .find(|c| c.0 == "brent_usd_bbl.svg")
        .unwrap()
        .1;
    let texts: Vec<String> = check_svg(std::str::from_utf8(svg).unwrap(), 1200, 700)
        .into_iter()
        .map(|r| r.0)
        .collect();
    assert!(texts.contains(&"baseline".to_string()) && texts.contains(&"summit_failure".into()));
    assert_eq!(
        manifest_files(&dir)
            .iter()
            .filter(|f| f.starts_with("charts/"))
            .count(),
        40
    );
    let mut a = args.to_vec();
    a.extend(["--no-charts", "--force"]);
    cli(&a);
    assert!(!dir.join("charts").exists());
}

#[test]
fn compare_levels_are_each_scenarios_own_bands() {
    // On common random numbers, a scenario's level bands inside `compare` must be exactly the
    // bands of running it alone with the same seed, paths and months.
    let base = common::scenario("baseline");
    let fail = common::scenario("summit_failure");
    let mut o = CompareOptions::from_scenarios(&base, &[&fail]);
    (o.paths, o.months, o.seed, o.threads) = (300, 6, 9, 2);
    let keep = vec!["russia_export_revenue_usd_bn".to_string(), "no_such".into()];
    let r = compare_with_levels(&base, &[&fail], &o, &keep, &|_| {}).unwrap();
    assert_eq!(r.levels.len(), 2);
    for (lv, sc) in r.levels.iter().zip([&base, &fail]) {
        assert_eq!(lv.scenario, sc.name);
        assert_eq!(lv.vars.len(), 1, "unknown names are skipped");
        let mut ro = RunOptions::from_scenario(sc);
        (ro.paths, ro.months, ro.seed, ro.threads) = (300, 6, 9, 1);
        let alone = run(sc, &ro, &|_| {}).unwrap();
        let v = alone.var_index("russia_export_revenue_usd_bn").unwrap();
        for t in 0..6 {
            assert_eq!(
                lv.summary.cell(t, 0),
                alone.summary.cell(t, v),
                "{} t={t}",
                sc.name
            );
        }
    }
    let plain = compare_with_levels(&base, &[&fail], &o, &[], &|_| {}).unwrap();
    assert!(plain.levels.is_empty());
    assert_eq!(
        plain.diffs[0].summary, r.diffs[0].summary,
        "levels do not change diffs"
    );
}

/// `cdf_<variable>` charts: month 12 (the last month of a shorter run) and the horizon total
/// of Brent (a price: no total), Russian revenue, India's and China's intake, each drawn
/// through the seven percentiles of summary.csv and totals.csv.
#[test]
fn run_writes_distribution_charts_of_month_12_and_horizon_totals() {
    let tmp = tempfile::tempdir().unwrap();
    let o = tmp.path().to_string_lossy().into_owned();
    cli(&[
        "run",
        "scenarios/baseline.toml",
        "--paths",
        "80",
        "--months",
        "14",
        "--quiet",
        "--no-report",
        "--out",
        &o,
    ]);
    let dir = tmp.path().join("baseline");
    let files = manifest_files(&dir);
    let cdf: Vec<&String> = files
        .iter()
        .filter(|f| f.starts_with("charts/cdf_"))
        .collect();
    assert_eq!(
        cdf,
        [
            "charts/cdf_brent_usd_bbl.svg",
            "charts/cdf_brent_usd_bbl.png",
            "charts/cdf_russia_export_revenue_usd_bn.svg",
            "charts/cdf_russia_export_revenue_usd_bn.png",
            "charts/cdf_flow_india_mbd.svg",
            "charts/cdf_flow_india_mbd.png",
            "charts/cdf_flow_china_mbd.svg",
            "charts/cdf_flow_china_mbd.png",
        ]
    );
    // After every fan chart.
    let last_fan = files
        .iter()
        .rposition(|f| f == "charts/shadow_fleet_share.png")
        .unwrap();
    assert!(files.iter().position(|f| f == cdf[0]).unwrap() > last_fan);
    for f in &cdf {
        let bytes = std::fs::read(dir.join(f)).unwrap();
        if f.ends_with(".png") {
            check_png(&bytes, 1200, 700);
            continue;
        }
        let texts: Vec<String> = check_svg(std::str::from_utf8(&bytes).unwrap(), 1200, 700)
            .into_iter()
            .map(|r| r.0)
            .collect();
        assert!(
            texts.contains(&"Month 12 (2026-07)".to_string()),
            "{f}: {texts:?}"
        );
        let total = texts.iter().any(|t| t == "Total, 2025-08 to 2026-09");
        assert_eq!(total, !f.contains("brent"), "{f}: {texts:?}");
        // The median printed is summary.csv's month-12 p50.
        assert!(texts.iter().any(|t| t.starts_with("median ")), "{f}");
    }
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let row = summary
        .lines()
        .find(|l| l.starts_with("baseline,2026-07-01,brent_usd_bbl,"))
        .unwrap();
    let p50: f64 = row.split(',').nth(9).unwrap().parse().unwrap();
    let svg = std::fs::read_to_string(dir.join("charts/cdf_brent_usd_bbl.svg")).unwrap();
    let texts: Vec<String> = check_svg(&svg, 1200, 700)
        .into_iter()
        .map(|r| r.0)
        .collect();
    let shown: f64 = texts
        .iter()
        .find_map(|t| t.strip_prefix("median "))
        .unwrap()
        .replace('\u{2009}', "")
        .parse()
        .unwrap();
    assert!((shown - p50).abs() < 0.051, "median {shown} vs p50 {p50}");
}
