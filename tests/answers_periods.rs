//! Answers, not only bands (walkthrough 10 #13, #14, #15): `--period FROM..TO` windows in
//! `totals.csv`, `averages.csv` and their comparisons (the same numbers as a calendar year's
//! row for that year's window, existing rows unchanged, any `--threads`, `--shard` + `merge`),
//! probabilities on a period's total or mean (`period_probabilities.csv`, checked against a
//! count over `paths.csv`), and `show` on a comparison folder.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

const PLAIN: &str = "scenarios/summit_failure.toml";

fn bin() -> Command {
    Command::cargo_bin("sanctions-sim").unwrap()
}

fn run(out: &Path, extra: &[&str]) -> PathBuf {
    bin()
        .args([
            "run",
            PLAIN,
            "--quiet",
            "--no-charts",
            "--no-report",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    out.join("summit_failure")
}

fn fails(args: &[&str]) -> String {
    let a = bin().args(args).assert().code(1);
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn text(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Rows of a CSV file as fields (no quoted commas in the files read this way, except the
/// `probability` column, which `fields` handles).
fn rows(p: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(p)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

/// The row of `table` (with header) whose columns `key` hold the values given.
fn row<'a>(table: &'a [Vec<String>], key: &[(&str, &str)]) -> &'a Vec<String> {
    let col = |c: &str| table[0].iter().position(|h| h == c).unwrap();
    table[1..]
        .iter()
        .find(|r| key.iter().all(|(c, v)| r[col(c)] == *v))
        .unwrap_or_else(|| panic!("no row {key:?}"))
}

const WINDOWS: [&str; 4] = [
    "--period",
    "2026-01..2026-12",
    "--period",
    "2025-11..2026-10",
];

#[test]
fn a_window_of_a_calendar_year_is_that_years_row_and_other_rows_keep_their_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let shape = ["--paths", "300", "--months", "20"];
    let plain = run(&tmp.path().join("plain"), &shape);
    let with = run(&tmp.path().join("with"), &[&shape[..], &WINDOWS].concat());
    for file in ["totals.csv", "averages.csv"] {
        let (a, b) = (text(&plain.join(file)), text(&with.join(file)));
        // The windows are rows appended after the horizon's: the rest is the file as before.
        let kept: Vec<&str> = b
            .lines()
            .filter(|l| !l.contains(",2026-01..2026-12,") && !l.contains(",2025-11..2026-10,"))
            .collect();
        assert_eq!(kept.join("\n") + "\n", a, "{file}");
        assert!(
            b.starts_with(&a),
            "{file}: the windows follow every earlier row"
        );
        let t = rows(&with.join(file));
        let vars: Vec<String> = t[1..]
            .iter()
            .filter(|r| r[1] == "2026")
            .map(|r| r[5].clone())
            .collect();
        assert!(vars.len() > 3, "{file}");
        for v in &vars {
            let year = row(&t, &[("period", "2026"), ("variable", v)]);
            let window = row(&t, &[("period", "2026-01..2026-12"), ("variable", v)]);
            assert_eq!(year[2..], window[2..], "{file} {v}");
        }
        let w = row(
            &t,
            &[("period", "2025-11..2026-10"), ("variable", &vars[0])],
        );
        assert_eq!(w[2..5], ["2025-11-01", "2026-10-01", "12"], "{file}");
    }
    let m = text(&with.join("manifest.json"));
    assert!(
        !m.contains("period_probabilities.csv"),
        "no period probe, no file"
    );
}

#[test]
fn windows_and_period_shares_are_the_same_bytes_for_any_threads_and_after_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let shape = ["--paths", "5000", "--months", "17"];
    let probes = [
        "--prob",
        "total(russia_export_revenue_usd_bn, 2026) < 85",
        "--prob",
        "mean(brent_usd_bbl, 2025-11..2026-06) > 70",
        "--prob",
        "flow_india_mbd<1",
    ];
    let extra = [&shape[..], &WINDOWS, &probes].concat();
    let one = run(
        &tmp.path().join("t1"),
        &[&extra[..], &["--threads", "1"]].concat(),
    );
    let three = run(
        &tmp.path().join("t3"),
        &[&extra[..], &["--threads", "3"]].concat(),
    );
    let parts = tmp.path().join("parts");
    for k in ["1/2", "2/2"] {
        run(&parts, &[&extra[..], &["--shard", k]].concat());
    }
    bin()
        .args(["merge", "--quiet", "--no-charts", "--no-report", "--out"])
        .arg(tmp.path().join("merged"))
        .arg(&parts)
        .assert()
        .success();
    let merged = tmp.path().join("merged/summit_failure");
    let files = [
        "totals.csv",
        "averages.csv",
        "probabilities.csv",
        "period_probabilities.csv",
        "summary.csv",
    ];
    for f in files {
        let a = fs::read(one.join(f)).unwrap();
        assert!(a == fs::read(three.join(f)).unwrap(), "{f}: --threads");
        assert!(
            a == fs::read(merged.join(f)).unwrap(),
            "{f}: --shard + merge"
        );
    }
    let p = rows(&one.join("period_probabilities.csv"));
    assert_eq!(p.len(), 3, "two period probes");
    assert_eq!(p[1][1], "total(russia_export_revenue_usd_bn,2026)<85");
    assert_eq!(p[1][5..9], ["2026", "2026-01-01", "2026-12-01", "12"]);
    let share: f64 = p[1][12].parse().unwrap();
    assert!(share > 0.0 && share < 1.0, "{p:?}");
    // Shards run with another window list are refused by name.
    let other = tmp.path().join("other");
    run(&other, &[&extra[..], &["--shard", "1/2"]].concat());
    let mut changed = extra.clone();
    changed[5] = "2025-12..2026-10";
    run(&other, &[&changed[..], &["--shard", "2/2"]].concat());
    let err = fails(&[
        "merge",
        "--quiet",
        "--out",
        &tmp.path().join("m").to_string_lossy(),
        &other.to_string_lossy(),
    ]);
    assert!(err.contains("periods (--period)"), "{err}");
    assert!(err.contains("same --period list"), "{err}");
}

/// Each path's values of `var` by month, from `paths.csv`.
fn series(paths: &str, var: &str, n: usize) -> Vec<Vec<(String, f64)>> {
    let mut out = vec![Vec::new(); n];
    for l in paths.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if f[2] == var {
            out[f[0].parse::<usize>().unwrap()].push((f[1].to_string(), f[3].parse().unwrap()));
        }
    }
    out
}

fn days(date: &str) -> f64 {
    let (y, m): (i32, u32) = (date[..4].parse().unwrap(), date[5..7].parse().unwrap());
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    f64::from(match m {
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => 31,
    })
}

/// A period probe by hand: its variable, which months it takes, whether it is a mean (else a
/// total), and whether a value is past the threshold.
type Check = (&'static str, fn(&str) -> bool, bool, fn(f64) -> bool);

/// The share of a period probe equals a count over every path of `paths.csv`; `paths.csv`
/// rounds to 4 decimals, so a path within `slack` of the threshold could go either way and
/// brackets the count.
#[test]
fn period_shares_match_a_count_over_sampled_paths() {
    let tmp = tempfile::tempdir().unwrap();
    const N: usize = 300;
    let dir = run(
        tmp.path(),
        &[
            "--paths",
            "300",
            "--months",
            "9",
            "--sample-paths",
            "300",
            "--prob",
            "total(russia_export_revenue_usd_bn, 2025-09..2026-02) < 43",
            "--prob",
            "mean(brent_usd_bbl, 2026) > 71",
            "--prob",
            "total(flow_india_mbd, horizon) >= 400",
        ],
    );
    let paths = text(&dir.join("paths.csv"));
    let p = rows(&dir.join("period_probabilities.csv"));
    let checks: [Check; 3] = [
        (
            "russia_export_revenue_usd_bn",
            |d| ("2025-09".."2026-03").contains(&d),
            false,
            |x| x < 43.0,
        ),
        (
            "brent_usd_bbl",
            |d| d.starts_with("2026"),
            true,
            |x| x > 71.0,
        ),
        ("flow_india_mbd", |_| true, false, |x| x >= 400.0),
    ];
    let thresholds = [43.0, 71.0, 400.0];
    let mut inside = 0;
    for (k, (var, within, mean, past)) in checks.iter().enumerate() {
        let mut sure = 0;
        let mut unsure = 0;
        for path in series(&paths, var, N) {
            let months: Vec<&(String, f64)> = path.iter().filter(|(d, _)| within(d)).collect();
            let w: f64 = months.iter().map(|(d, _)| days(d)).sum();
            let x = match (*var, mean) {
                (_, true) => months.iter().map(|(d, x)| x * days(d)).sum::<f64>() / w,
                ("flow_india_mbd", false) => months.iter().map(|(d, x)| x * days(d)).sum(),
                _ => months.iter().map(|(_, x)| x).sum(),
            };
            if (x - thresholds[k]).abs() < 0.01 {
                unsure += 1;
            } else if past(x) {
                sure += 1;
            }
        }
        let r = &p[1 + k];
        assert_eq!(r[0], "summit_failure");
        assert_eq!(r[11], "300", "{r:?}");
        let share: f64 = r[12].parse().unwrap();
        let count = (share * N as f64).round() as usize;
        assert!(
            (sure..=sure + unsure).contains(&count),
            "{r:?}: {sure} + {unsure}"
        );
        let se = (share * (1.0 - share) / N as f64).sqrt();
        assert_eq!(r[13], format!("{se:.4}"), "{r:?}");
        if share > 0.0 && share < 1.0 {
            inside += 1;
        }
    }
    assert!(inside >= 2, "thresholds inside the distributions: {p:?}");
    assert_eq!(p[2][5..9], ["2026", "2026-01-01", "2026-04-01", "4"]);
    assert_eq!(p[3][4], "mb");
}

#[test]
fn bad_windows_and_period_probes_are_input_errors_with_a_fix() {
    let run_with = |extra: &[&str]| {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().to_string_lossy().into_owned();
        let args = [
            &[
                "run", PLAIN, "--paths", "10", "--months", "12", "--out", &out,
            ][..],
            extra,
        ]
        .concat();
        fails(&args)
    };
    let e = run_with(&["--period", "2026-03..2025-11"]);
    assert!(
        e.contains("--period `2026-03..2025-11`: FROM 2026-03 is after TO 2025-11"),
        "{e}"
    );
    assert!(e.contains("`2025-11..2026-03`"), "{e}");
    let e = run_with(&["--period", "2025-11..2026-10"]);
    assert!(
        e.contains("ends after the run's horizon, 2025-08 to 2026-07 (12 months)"),
        "{e}"
    );
    assert!(e.contains("--months 15"), "{e}");
    let e = run_with(&["--period", "2025-11"]);
    assert!(e.contains("expected FROM..TO"), "{e}");
    let e = run_with(&["--prob", "total(brent_usd_bbl, 2026) > 80"]);
    assert!(e.contains("write 'mean(brent_usd_bbl, 2026) …'"), "{e}");
    let e = run_with(&["--prob", "mean(brent_usd_bbl, 2027) > 80"]);
    assert!(e.contains("has no month of 2027"), "{e}");
    let tmp = tempfile::tempdir().unwrap();
    let e = fails(&[
        "compare",
        "scenarios/baseline.toml",
        PLAIN,
        "--paths",
        "10",
        "--months",
        "6",
        "--out",
        &tmp.path().to_string_lossy(),
        "--period",
        "2025-10..2026-03",
    ]);
    assert!(
        e.contains("ends after the run's horizon, 2025-08 to 2026-01"),
        "{e}"
    );
    assert!(!tmp
        .path()
        .join("compare_baseline_vs_summit_failure")
        .exists());
}

#[test]
fn compare_windows_paired_period_shares_and_show_on_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().to_string_lossy().into_owned();
    let compare = |out: &str, extra: &[&str]| {
        let base = [
            "compare",
            "scenarios/baseline.toml",
            PLAIN,
            "--paths",
            "400",
            "--months",
            "18",
            "--quiet",
            "--no-charts",
            "--no-report",
            "--out",
            out,
        ];
        bin().args(base).args(extra).assert().success();
        Path::new(out).join("compare_baseline_vs_summit_failure")
    };
    let plain = compare(&format!("{out}/plain"), &[]);
    let probe = "total(russia_export_revenue_usd_bn, 2025-11..2026-10) < 95";
    let dir = compare(
        &format!("{out}/with"),
        &[&WINDOWS[..], &["--prob", probe, "--threads", "1"]].concat(),
    );
    for file in ["compare_totals.csv", "compare_averages.csv"] {
        let (a, b) = (text(&plain.join(file)), text(&dir.join(file)));
        assert!(
            b.starts_with(&a),
            "{file}: earlier rows unchanged, windows after"
        );
        let t = rows(&dir.join(file));
        let v = t[1][4].clone();
        let year = row(&t, &[("period", "2026"), ("variable", &v)]);
        let window = row(&t, &[("period", "2026-01..2026-12"), ("variable", &v)]);
        assert_eq!(year[2..], window[2..], "{file}");
    }
    assert!(!dir.join("probabilities.csv").exists(), "no monthly probe");
    let p = rows(&dir.join("period_probabilities.csv"));
    assert_eq!(p[0][14..], ["diff", "mc_se_diff"]);
    assert_eq!(
        (p[1][0].as_str(), p[2][0].as_str()),
        ("baseline", "summit_failure")
    );
    assert_eq!(
        p[1][14..],
        ["", ""],
        "the baseline's own row has no difference"
    );
    let share = |r: &Vec<String>| r[12].parse::<f64>().unwrap();
    let diff: f64 = p[2][14].parse().unwrap();
    assert!((diff - (share(&p[2]) - share(&p[1]))).abs() < 1e-9, "{p:?}");
    assert!(diff != 0.0 && !p[2][15].is_empty(), "{p:?}");
    // Another thread count, the same bytes.
    let again = compare(
        &format!("{out}/again"),
        &[&WINDOWS[..], &["--prob", probe, "--threads", "3"]].concat(),
    );
    for f in [
        "compare_totals.csv",
        "compare_averages.csv",
        "period_probabilities.csv",
    ] {
        assert!(
            fs::read(dir.join(f)).unwrap() == fs::read(again.join(f)).unwrap(),
            "{f}"
        );
    }
    // `show` on the comparison folder: the difference's mean and 80 % band from compare.csv.
    let shown = bin()
        .args(["show", &dir.to_string_lossy(), "--var", "brent_usd_bbl"])
        .args(["--from", "2026-01", "--to", "2026-03", "--csv"])
        .assert()
        .success();
    let csv = String::from_utf8_lossy(&shown.get_output().stdout).into_owned();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "date,summit_failure - baseline: brent_usd_bbl_mean (USD/bbl),\
         summit_failure - baseline: brent_usd_bbl_p10 (USD/bbl),\
         summit_failure - baseline: brent_usd_bbl_p90 (USD/bbl)"
    );
    assert_eq!(lines.len(), 4);
    let c = rows(&dir.join("compare.csv"));
    let r = row(&c, &[("date", "2026-02-01"), ("variable", "brent_usd_bbl")]);
    assert_eq!(lines[2], format!("2026-02-01,{},{},{}", r[5], r[10], r[13]));
    let table = bin()
        .args([
            "show",
            &dir.to_string_lossy(),
            "--var",
            "brent_usd_bbl",
            "--to",
            "2025-09",
        ])
        .assert()
        .success();
    let t = String::from_utf8_lossy(&table.get_output().stdout).into_owned();
    assert!(t.starts_with("         summit_failure - baseline\n"), "{t}");
    assert!(
        t.contains("mean") && t.contains("p90") && t.lines().count() == 6,
        "{t}"
    );
    let e = fails(&["show", &dir.to_string_lossy(), "--stat", "sd"]);
    assert!(
        e.contains("has no `sd` column") && e.contains("of the difference"),
        "{e}"
    );
}
