//! `averages.csv` and `compare_averages.csv` (walkthrough 8 #4): bands of per-path
//! day-weighted calendar-year and horizon averages of every USD/bbl variable. Checked: the
//! header and rows, the horizon average of Brent against a hand computation from the paths,
//! the same bytes for any thread count and after `--shard` + `merge` (exact and sketch mode),
//! per outcome under `--by-outcome`, and the paired differences of `compare`.

mod common;

use common::{sim, text};
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::run::{run, RunOptions};
use sanctions_sim::engine::vars::variables;
use sanctions_sim::output::answers_csv::{averages_csv, TOTALS_HEADER};
use sanctions_sim::policy::calendar::{days_in_month, MonthIdx};
use std::fs;
use std::path::{Path, PathBuf};

const PLAIN: &str = "scenarios/summit_failure.toml";

fn run_cli(scenario: &str, out: &Path, extra: &[&str]) -> PathBuf {
    let o = sim()
        .args([
            "run",
            scenario,
            "--quiet",
            "--no-charts",
            "--no-report",
            "--out",
        ])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let name = Path::new(scenario).file_stem().unwrap().to_str().unwrap();
    out.join(name)
}

fn read(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn files_of(dir: &Path) -> Vec<String> {
    let m: serde_json::Value = serde_json::from_slice(&read(&dir.join("manifest.json"))).unwrap();
    m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

/// Each path's day-weighted average of `var` over months `0..months`, stepped by hand.
fn hand_averages(
    sc: &sanctions_sim::scenario::Scenario,
    var: &str,
    months: usize,
    paths: u64,
) -> Vec<f64> {
    let vars = variables(&sc.market);
    let k = vars.iter().position(|v| v.name == var).unwrap();
    let mut buf = vec![0.0; vars.len()];
    (0..paths)
        .map(|p| {
            let mut sim = PathSim::new(sc, 42, p);
            let (mut s, mut d) = (0.0, 0.0);
            for t in 0..months {
                sim.step_month();
                sim.write_vars(&vars, &mut buf);
                let days = f64::from(days_in_month(sc.start + t as MonthIdx));
                s += buf[k] * days;
                d += days;
            }
            s / d
        })
        .collect()
}

#[test]
fn header_rows_and_manifest() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run_cli(PLAIN, tmp.path(), &["--paths", "40", "--months", "14"]);
    let a = fs::read_to_string(dir.join("averages.csv")).unwrap();
    let t = fs::read_to_string(dir.join("totals.csv")).unwrap();
    let header = a.lines().next().unwrap();
    assert_eq!(header, TOTALS_HEADER.join(","));
    assert_eq!(
        header,
        t.lines().next().unwrap(),
        "same columns as totals.csv"
    );
    // Every USD/bbl variable of summary.csv, in its order, for 2025, 2026 and the horizon.
    let s = fs::read_to_string(dir.join("summary.csv")).unwrap();
    let first_date = s
        .lines()
        .nth(1)
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .to_string();
    let priced: Vec<String> = s
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[1] == first_date && f[3] == "USD/bbl")
        .map(|f| f[2].to_string())
        .collect();
    assert!(priced.len() > 10 && priced.contains(&"brent_usd_bbl".to_string()));
    let rows: Vec<Vec<&str>> = a.lines().skip(1).map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 3 * priced.len());
    for (i, r) in rows.iter().enumerate() {
        let (period, first, last, months) = [
            ("2025", "2025-08-01", "2025-12-01", "5"),
            ("2026", "2026-01-01", "2026-09-01", "9"),
            ("horizon", "2025-08-01", "2026-09-01", "14"),
        ][i / priced.len()];
        assert_eq!(r[..5], ["summit_failure", period, first, last, months]);
        assert_eq!(r[5], priced[i % priced.len()]);
        assert_eq!(r[6], "USD/bbl");
    }
    // Listed after totals.csv (and probabilities.csv), before manifest.json.
    let files = files_of(&dir);
    let at = |f: &str| files.iter().position(|x| x == f).unwrap();
    assert!(at("totals.csv") < at("averages.csv"));
    assert_eq!(files.last().unwrap(), "manifest.json");
}

/// The horizon average of Brent per path equals a hand computation from the paths: the band
/// (its mean, sd and median) is over those per-path averages.
#[test]
fn brent_horizon_average_matches_the_paths() {
    let sc = sanctions_sim::scenario::load(Path::new(PLAIN)).unwrap();
    let mut o = RunOptions::from_scenario(&sc);
    (o.paths, o.months, o.seed, o.threads) = (301, 14, 42, 2);
    let r = run(&sc, &o, &|_| {}).unwrap();
    let d = &r.derived;
    let j = d
        .averages
        .iter()
        .position(|v| v.name == "brent_usd_bbl")
        .unwrap();
    let h = d.periods.iter().position(|p| p.label == "horizon").unwrap();
    let c = d.average(h, j);
    let mut hand = hand_averages(&sc, "brent_usd_bbl", 14, 301);
    let n = hand.len() as f64;
    let mean = hand.iter().sum::<f64>() / n;
    let sd = (hand.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    assert_eq!(c.n, 301);
    assert!((c.mean - mean).abs() < 1e-9 * mean, "{} vs {mean}", c.mean);
    assert!((c.sd - sd).abs() < 1e-9 * sd, "{} vs {sd}", c.sd);
    hand.sort_by(f64::total_cmp);
    assert!(
        (c.p50 - hand[150]).abs() < 1e-9 * mean,
        "{} vs {}",
        c.p50,
        hand[150]
    );
    // A day-weighted average, not the plain mean of the monthly values.
    assert!(c.mean > 5.0 && c.mean < 400.0);
    // The CSV row carries the same numbers.
    let csv = String::from_utf8(averages_csv("summit_failure", sc.start, d)).unwrap();
    let row = csv
        .lines()
        .find(|l| l.contains(",horizon,") && l.contains(",brent_usd_bbl,"))
        .unwrap();
    assert!(row.contains(&format!(",{:.4},", mean)), "{row} vs {mean}");
}

// Thread and shard invariance of `averages.csv`: `tests/answers.rs`
// (`threads_and_shards_give_the_same_bytes` compares it with the other files).

// Sketch-mode shards: `tests/answers.rs` compares a merged result's derived cells, averages
// included, with a single run's.

#[test]
fn by_outcome_folders_have_averages() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = run_cli(
        "scenarios/summit_uncertain.toml",
        tmp.path(),
        &[
            "--paths",
            "200",
            "--months",
            "8",
            "--by-outcome",
            "summit_pending",
        ],
    );
    for o in ["deal", "fail"] {
        let f = format!("by_outcome/summit_pending={o}/averages.csv");
        let a = fs::read_to_string(dir.join(&f)).unwrap();
        assert!(a
            .lines()
            .nth(1)
            .unwrap()
            .starts_with(&format!("summit_uncertain|summit_pending={o},")));
        assert!(files_of(&dir).contains(&f));
    }
}

/// `compare_averages.csv`: the paired mean difference of the horizon average equals the
/// difference of the two runs' means (same seed, same paths), `baseline_mean` the baseline's.
#[test]
fn compare_averages_are_paired_differences() {
    let tmp = tempfile::tempdir().unwrap();
    let shape = ["--paths", "300", "--months", "6", "--seed", "7"];
    let base = run_cli("scenarios/baseline.toml", &tmp.path().join("r"), &shape);
    let fail = run_cli(PLAIN, &tmp.path().join("r"), &shape);
    let o = sim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            PLAIN,
            "--quiet",
            "--no-report",
        ])
        .args(["--out"])
        .arg(tmp.path().join("c"))
        .args(shape)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let folder = fs::read_dir(tmp.path().join("c"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let c = fs::read_to_string(folder.join("compare_averages.csv")).unwrap();
    let t = fs::read_to_string(folder.join("compare_totals.csv")).unwrap();
    assert_eq!(
        c.lines().next(),
        t.lines().next(),
        "same columns as compare_totals.csv"
    );
    let horizon_mean = |dir: &Path| -> f64 {
        let a = fs::read_to_string(dir.join("averages.csv")).unwrap();
        let row = a
            .lines()
            .find(|l| l.contains(",horizon,") && l.contains(",brent_usd_bbl,"))
            .unwrap();
        row.split(',').nth(7).unwrap().parse().unwrap()
    };
    let row: Vec<&str> = c
        .lines()
        .find(|l| l.starts_with("horizon,") && l.contains(",brent_usd_bbl,"))
        .unwrap()
        .split(',')
        .collect();
    assert_eq!(row[5], "USD/bbl");
    let diff: f64 = row[8].parse().unwrap();
    let base_mean: f64 = row[17].parse().unwrap();
    assert!(
        (base_mean - horizon_mean(&base)).abs() < 1e-4,
        "{base_mean}"
    );
    let want = horizon_mean(&fail) - horizon_mean(&base);
    assert!((diff - want).abs() < 2e-4, "{diff} vs {want}");
    let files = files_of(&folder);
    let at = |f: &str| files.iter().position(|x| x == f).unwrap();
    assert_eq!(at("compare_averages.csv"), at("compare_totals.csv") + 1);
}
