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
    assert_eq!(charts.len(), 20, "10 key variables x (svg, png)");
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
        20
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
