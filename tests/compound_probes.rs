//! Compound `--prob` conditions (walkthrough #15): `A and B`, `A or B`, both monthly or both
//! about a period. The shares are exact counts of paths (checked against `paths.csv`, and
//! against the identity |A or B| + |A and B| = |A| + |B| on the tool's own counts), the same
//! bytes for any `--threads` and after `--shard` + `merge`, and paired on `compare`.

use assert_cmd::Command;
use std::fs;
use std::path::{Path, PathBuf};

const PLAIN: &str = "scenarios/summit_failure.toml";
const AND: &str = "arrivals_india_mbd < 1.4 and urals_discount_usd_bbl > 15";
const OR: &str = "arrivals_india_mbd < 1.4 or urals_discount_usd_bbl > 15";
const STREAK: &str = "arrivals_india_mbd < 1.4 and urals_discount_usd_bbl > 15 for 3 months";
const PERIOD: &str =
    "total(russia_export_revenue_usd_bn, 2025-09..2026-02) < 43 and mean(brent_usd_bbl, 2026) > 71";

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

fn text(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn rows(p: &Path) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_path(p)
        .unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

/// `probabilities.csv` rows of probe `text`, in month order.
fn probe_rows<'a>(table: &'a [Vec<String>], text: &str) -> Vec<&'a Vec<String>> {
    table[1..].iter().filter(|r| r[2] == text).collect()
}

/// Per path, per month (in date order): the value of `var`.
fn series(paths: &str, var: &str, n: usize) -> Vec<Vec<(String, f64)>> {
    let mut out = vec![Vec::new(); n];
    for l in paths.lines().skip(1) {
        let f: Vec<&str> = l.split(',').collect();
        if f[2] == var {
            out[f[0].parse::<usize>().unwrap()].push((f[1].to_string(), f[3].parse().unwrap()));
        }
    }
    for s in &mut out {
        s.sort_by(|a, b| a.0.cmp(&b.0));
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

/// Whether `x` is past `thr` by `holds`, or `None` when `paths.csv`'s 4 decimals cannot tell.
fn verdict(x: f64, thr: f64, holds: bool) -> Option<bool> {
    ((x - thr).abs() >= 1e-3).then_some(holds)
}

/// The count of paths the share of `row`'s column `col` stands for, out of `n`.
fn count(row: &[String], col: usize, n: usize) -> usize {
    (row[col].parse::<f64>().unwrap() * n as f64).round() as usize
}

#[test]
fn monthly_compounds_count_paths_where_the_sides_hold_together() {
    const N: usize = 300;
    let tmp = tempfile::tempdir().unwrap();
    let n = N.to_string();
    let probes = ["--prob", AND, "--prob", STREAK, "--prob", OR];
    let shape = ["--paths", &n, "--months", "9", "--sample-paths", &n];
    let dir = run(tmp.path(), &[&shape[..], &probes].concat());
    let paths = text(&dir.join("paths.csv"));
    let india = series(&paths, "arrivals_india_mbd", N);
    let urals = series(&paths, "urals_discount_usd_bbl", N);
    let p = rows(&dir.join("probabilities.csv"));
    let and = probe_rows(&p, "arrivals_india_mbd<1.4_and_urals_discount_usd_bbl>15");
    let streak = probe_rows(
        &p,
        "arrivals_india_mbd<1.4_and_urals_discount_usd_bbl>15_for_3_months",
    );
    assert_eq!((and.len(), streak.len()), (9, 9));
    // The columns of one threshold are empty or the join for a compound.
    assert_eq!(and[0][3..6], ["", "and", ""]);
    let mut inside = 0;
    for t in 0..9 {
        // Per path: both sides this month (None if a side is too close to call), and the
        // streak of months in a row where both held, ending this month.
        let (mut sure, mut unsure, mut sure3, mut unsure3) = (0, 0, 0, 0);
        for (a, b) in india.iter().zip(&urals) {
            let both = |m: usize| -> Option<bool> {
                let x = verdict(a[m].1, 1.4, a[m].1 < 1.4);
                let y = verdict(b[m].1, 15.0, b[m].1 > 15.0);
                match (x, y) {
                    (Some(false), _) | (_, Some(false)) => Some(false),
                    (Some(true), Some(true)) => Some(true),
                    _ => None,
                }
            };
            match both(t) {
                Some(true) => sure += 1,
                None => unsure += 1,
                Some(false) => {}
            }
            let window: Vec<Option<bool>> = (t.saturating_sub(2)..=t).map(both).collect();
            if t >= 2 && window.iter().all(|v| *v == Some(true)) {
                sure3 += 1;
            } else if t >= 2 && window.iter().all(|v| *v != Some(false)) {
                unsure3 += 1;
            }
        }
        let c = count(and[t], 7, N);
        assert!(
            (sure..=sure + unsure).contains(&c),
            "{:?}: {sure}+{unsure}",
            and[t]
        );
        let c3 = count(streak[t], 7, N);
        assert!(
            (sure3..=sure3 + unsure3).contains(&c3),
            "{:?}: {sure3}+{unsure3}",
            streak[t]
        );
        if c > 0 && c < N {
            inside += 1;
        }
    }
    assert!(inside >= 3, "thresholds inside the distributions: {and:?}");
    // |A or B| + |A and B| = |A| + |B|, exactly, on the tool's own counts.
    let single = run(
        &tmp.path().join("single"),
        &[
            &shape[..4],
            &[
                "--prob",
                "arrivals_india_mbd<1.4",
                "--prob",
                "urals_discount_usd_bbl>15",
            ],
        ]
        .concat(),
    );
    let s = rows(&single.join("probabilities.csv"));
    let a = probe_rows(&s, "arrivals_india_mbd<1.4");
    let b = probe_rows(&s, "urals_discount_usd_bbl>15");
    let or = probe_rows(&p, "arrivals_india_mbd<1.4_or_urals_discount_usd_bbl>15");
    for t in 0..9 {
        for col in [7, 9, 11] {
            if col == 7 {
                assert_eq!(
                    count(or[t], col, N) + count(and[t], col, N),
                    count(a[t], col, N) + count(b[t], col, N),
                    "month {t}"
                );
            }
            // At any month so far: A and B together implies each, each implies A or B.
            let (ca, cb) = (count(a[t], col, N), count(b[t], col, N));
            assert!(count(and[t], col, N) <= ca.min(cb), "month {t} col {col}");
            assert!(count(or[t], col, N) >= ca.max(cb), "month {t} col {col}");
        }
    }
}

#[test]
fn a_period_compound_counts_paths_past_both_thresholds() {
    const N: usize = 300;
    let tmp = tempfile::tempdir().unwrap();
    let n = N.to_string();
    let dir = run(
        tmp.path(),
        &[
            "--paths",
            &n,
            "--months",
            "9",
            "--sample-paths",
            &n,
            "--prob",
            PERIOD,
        ],
    );
    let paths = text(&dir.join("paths.csv"));
    let rev = series(&paths, "russia_export_revenue_usd_bn", N);
    let brent = series(&paths, "brent_usd_bbl", N);
    let (mut sure, mut unsure) = (0, 0);
    for (r, b) in rev.iter().zip(&brent) {
        let total: f64 = r
            .iter()
            .filter(|(d, _)| ("2025-09".."2026-03").contains(&d.as_str()))
            .map(|(_, x)| x)
            .sum();
        let in26: Vec<_> = b.iter().filter(|(d, _)| d.starts_with("2026")).collect();
        let w: f64 = in26.iter().map(|(d, _)| days(d)).sum();
        let mean = in26.iter().map(|(d, x)| x * days(d)).sum::<f64>() / w;
        let sides = [
            verdict(total, 43.0, total < 43.0),
            verdict(mean, 71.0, mean > 71.0),
        ];
        if sides.iter().all(|v| *v == Some(true)) {
            sure += 1;
        } else if !sides.contains(&Some(false)) {
            unsure += 1;
        }
    }
    let p = rows(&dir.join("period_probabilities.csv"));
    let r = &p[1];
    assert_eq!(
        r[1],
        "total(russia_export_revenue_usd_bn,2025-09..2026-02)<43_and_mean(brent_usd_bbl,2026)>71"
    );
    // Columns the sides disagree on are empty; `op` is the join, `threshold` empty.
    assert_eq!(r[2..11], ["", "", "", "", "", "", "", "and", ""]);
    let c = count(r, 12, N);
    assert!(
        (sure..=sure + unsure).contains(&c),
        "{r:?}: {sure}+{unsure}"
    );
    assert!(c > 0 && c < N, "{r:?}");
}

#[test]
fn the_same_bytes_for_any_threads_and_after_shard_and_merge() {
    let tmp = tempfile::tempdir().unwrap();
    let args = [
        "--paths", "5000", "--months", "14", "--prob", STREAK, "--prob", OR, "--prob", PERIOD,
    ];
    let one = run(
        &tmp.path().join("t1"),
        &[&args[..], &["--threads", "1"]].concat(),
    );
    let three = run(
        &tmp.path().join("t3"),
        &[&args[..], &["--threads", "3"]].concat(),
    );
    let parts = tmp.path().join("parts");
    for k in ["1/2", "2/2"] {
        run(&parts, &[&args[..], &["--shard", k]].concat());
    }
    bin()
        .args(["merge", "--quiet", "--no-charts", "--no-report", "--out"])
        .arg(tmp.path().join("merged"))
        .arg(&parts)
        .assert()
        .success();
    let merged = tmp.path().join("merged/summit_failure");
    for f in ["probabilities.csv", "period_probabilities.csv"] {
        let a = fs::read(one.join(f)).unwrap();
        assert!(a == fs::read(three.join(f)).unwrap(), "{f}: threads");
        assert!(a == fs::read(merged.join(f)).unwrap(), "{f}: shards");
    }
}

#[test]
fn compare_pairs_the_compound_shares() {
    let tmp = tempfile::tempdir().unwrap();
    bin()
        .args([
            "compare",
            "scenarios/baseline.toml",
            PLAIN,
            "--paths",
            "400",
            "--months",
            "14",
        ])
        .args([
            "--quiet",
            "--no-charts",
            "--no-report",
            "--prob",
            AND,
            "--prob",
            PERIOD,
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("compare_baseline_vs_summit_failure");
    let p = rows(&dir.join("period_probabilities.csv"));
    let share = |r: &Vec<String>| r[12].parse::<f64>().unwrap();
    assert_eq!(
        (p[1][0].as_str(), p[2][0].as_str()),
        ("baseline", "summit_failure")
    );
    let diff: f64 = p[2][14].parse().unwrap();
    assert!((diff - (share(&p[2]) - share(&p[1]))).abs() < 1e-9, "{p:?}");
    assert!(!p[2][15].is_empty(), "{p:?}");
    let m = rows(&dir.join("probabilities.csv"));
    let col = |c: &str| m[0].iter().position(|h| h == c).unwrap();
    let (now, diff_now) = (col("share_now"), col("diff_now"));
    let base = probe_rows(&m, "arrivals_india_mbd<1.4_and_urals_discount_usd_bbl>15");
    let (b, s): (Vec<&&Vec<String>>, Vec<&&Vec<String>>) =
        base.iter().partition(|r| r[0] == "baseline");
    assert_eq!((b.len(), s.len()), (14, 14));
    let mut moved = 0;
    for (b, s) in b.iter().zip(&s) {
        let d: f64 = s[diff_now].parse().unwrap();
        let want = s[now].parse::<f64>().unwrap() - b[now].parse::<f64>().unwrap();
        assert!((d - want).abs() < 1e-9, "{s:?}");
        moved += usize::from(d != 0.0);
    }
    assert!(
        moved > 0,
        "the policy moves the compound share in some month"
    );
}

/// A compound asked twice (however spaced, and its sides in any order: walkthrough 11 #3) is
/// one row, with a warning; the other join is another question.
#[test]
fn repeats_are_dropped_with_a_warning_and_other_joins_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let period_again = "total(russia_export_revenue_usd_bn,2025-09..2026-02)<43.0 and \
                        mean(brent_usd_bbl, 2026)>71";
    let a = bin()
        .args([
            "run",
            PLAIN,
            "--quiet",
            "--no-charts",
            "--no-report",
            "--paths",
            "50",
        ])
        .args(["--months", "9", "--out"])
        .arg(tmp.path())
        .args([
            "--prob",
            AND,
            "--prob",
            "arrivals_india_mbd<1.4 and urals_discount_usd_bbl>15.0",
        ])
        .args([
            "--prob",
            OR,
            "--prob",
            "urals_discount_usd_bbl > 15 and arrivals_india_mbd < 1.4",
        ])
        .args(["--prob", PERIOD, "--prob", period_again])
        .assert()
        .success();
    let err = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    assert_eq!(err.matches("repeats").count(), 3, "{err}");
    assert!(err.contains(&format!("repeats `{AND}`")), "{err}");
    assert!(err.contains(&format!("repeats `{PERIOD}`")), "{err}");
    let dir = tmp.path().join("summit_failure");
    let p = rows(&dir.join("probabilities.csv"));
    let mut texts: Vec<&str> = p[1..].iter().map(|r| r[2].as_str()).collect();
    texts.dedup();
    assert_eq!(
        texts,
        [
            "arrivals_india_mbd<1.4_and_urals_discount_usd_bbl>15",
            "arrivals_india_mbd<1.4_or_urals_discount_usd_bbl>15",
        ]
    );
    assert_eq!(rows(&dir.join("period_probabilities.csv")).len(), 2);
}
