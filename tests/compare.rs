//! `compare` (issue 5): scenarios on common random numbers.
//!
//! - a scenario compared with itself gives exactly zero differences and `prob_greater` 0;
//! - pairing paths (same seed) cuts the variance of the difference far below that of
//!   independent runs (the measured ratios are printed; run with `--nocapture`);
//! - the result is byte-identical for 1 and 2 threads;
//! - the CLI writes `compare.csv`, `compare_wide.csv` and `manifest.json` with the documented
//!   headers, refuses an existing folder without `--force`, and refuses different starts.

mod common;

use assert_cmd::Command;
use common::scenario;
use sanctions_sim::analysis::compare::{compare, CompareOptions, CompareResult};
use sanctions_sim::cli::compare::render;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::stats::DEFAULT_BUDGET_BYTES;
use sanctions_sim::engine::vars::{variables, Var};
use sanctions_sim::scenario::Scenario;
use std::fs;
use std::path::PathBuf;

const COMPARE_HEADER: &str =
    "date,variable,unit,baseline,scenario,mean_diff,p05_diff,p50_diff,p95_diff,prob_greater,\
     p10_diff,p25_diff,p75_diff,p90_diff,baseline_mean,pct_change,mc_se_mean_diff";

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

fn run(base: &Scenario, others: &[&Scenario], o: &CompareOptions) -> CompareResult {
    compare(base, others, o, &|_| {}).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn self_comparison_is_exactly_zero() {
    let base = scenario("baseline");
    let same = scenario("baseline");
    let paths = 300; // two chunks, the second partial
    let r = run(&base, &[&same], &opts(paths, 6, 7, 0));
    let d = &r.diffs[0];
    assert_eq!(d.vars.len(), variables(&base.market).len());
    let pg = d.prob_greater();
    for (i, c) in d.summary.cells.iter().enumerate() {
        let what = format!("cell {i} ({})", d.vars[i % d.vars.len()].name);
        assert_eq!(c.n + c.nonfinite, paths, "{what}");
        assert!(c.n > 0, "{what}: no finite value");
        for x in [
            c.mean, c.sd, c.p05, c.p10, c.p25, c.p50, c.p75, c.p90, c.p95,
        ] {
            assert_eq!(x, 0.0, "{what}");
        }
        assert_eq!(d.greater[i], 0, "{what}");
        assert_eq!(pg[i], 0.0, "{what}");
    }
    let (long, _) = render(base.start, &r);
    let text = String::from_utf8(long).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some(COMPARE_HEADER));
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        assert_eq!(&f[3..5], ["baseline", "baseline"], "{l}");
        assert_eq!(&f[5..14], ["0.0000"; 9], "{l}");
        // baseline_mean is the level; the % change of a zero difference is 0 (or empty).
        assert!(
            f[15] == "0.0000" || (f[15].is_empty() && f[14] == "0.0000"),
            "{l}"
        );
    }
}

/// Values of every variable of `sc` on `path`, `[t][v]`.
fn path_values(sc: &Scenario, vars: &[Var], seed: u64, path: u64, months: usize) -> Vec<Vec<f64>> {
    let mut sim = PathSim::new(sc, seed, path);
    (0..months)
        .map(|_| {
            sim.step_month();
            let mut row = vec![0.0; vars.len()];
            sim.write_vars(vars, &mut row);
            row
        })
        .collect()
}

fn sample_var(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0)
}

#[test]
fn paired_difference_has_far_lower_variance_than_independent_runs() {
    let success = scenario("summit_success");
    let failure = scenario("summit_failure");
    let (paths, months, seed) = (1000u64, 12usize, 42u64);
    let t = months - 1; // month 12 of the run (2026-07)
    let r = run(&success, &[&failure], &opts(paths, months, seed, 0));
    let d = &r.diffs[0];
    let vs = variables(&success.market);
    let vf = variables(&failure.market);
    // Bounds: measured ratio (seed 42, 1000 paths) with a wide margin. Revenue and Brent are
    // driven mostly by draws both scenarios share (Brent shocks, parameters), so pairing
    // removes nearly all of their noise: measured 0.044 and 0.001. The Urals discount is only
    // partly paired (measured 0.70; 0.77 with seed 7): from the 2025-10-22 escalation its
    // variance in summit_failure (~16, vs ~5.6 in summit_success) comes mostly from draws only
    // that scenario has (most likely the escalation's designation wave and tanker batch, and
    // the Poisson designation batches that relief switches off in summit_success), which no
    // common random numbers can pair. So the 0.5 target holds for revenue, not the discount.
    for (name, bound) in [
        ("russia_export_revenue_usd_bn", 0.15),
        ("urals_discount_usd_bbl", 0.85),
        ("brent_usd_bbl", 0.05),
    ] {
        let is = vs.iter().position(|v| v.name == name).unwrap();
        let jf = vf.iter().position(|v| v.name == name).unwrap();
        let mut paired = Vec::new();
        let mut independent = Vec::new();
        for p in 0..paths {
            let s_same = path_values(&success, &vs, seed, p, months)[t][is];
            let f_same = path_values(&failure, &vf, seed, p, months)[t][jf];
            let s_next = path_values(&success, &vs, seed + 1, p, months)[t][is];
            paired.push(f_same - s_same);
            independent.push(f_same - s_next);
        }
        let v_paired = sample_var(&paired);
        let v_indep = sample_var(&independent);
        // The engine's paired statistics are those of the per-path differences.
        let c = d.summary.cell(t, d.var_index(name).unwrap());
        assert_eq!(c.n, paths);
        let mean = paired.iter().sum::<f64>() / paths as f64;
        assert!(
            (c.mean - mean).abs() <= 1e-9 * mean.abs().max(1.0),
            "{name}"
        );
        assert!(
            (c.sd.powi(2) - v_paired).abs() <= 1e-9 * v_paired.max(1e-12),
            "{name}: engine var {} vs {v_paired}",
            c.sd.powi(2)
        );
        let ratio = v_paired / v_indep;
        println!(
            "{name} month 12: var(paired diff) {v_paired:.6}, var(independent diff) \
             {v_indep:.6}, ratio {ratio:.4}"
        );
        assert!(v_paired > 0.0, "{name}: the scenarios differ");
        assert!(
            ratio <= bound,
            "{name}: variance ratio {ratio:.4} > {bound}"
        );
    }
}

#[test]
fn identical_for_one_and_two_threads() {
    let base = scenario("baseline");
    let a = scenario("summit_failure");
    let b = scenario("china_sanctions");
    let one = run(&base, &[&a, &b], &opts(600, 4, 3, 1));
    let two = run(&base, &[&a, &b], &opts(600, 4, 3, 2));
    assert_eq!((one.threads, two.threads), (1, 2));
    let (l1, w1) = render(base.start, &one);
    let (l2, w2) = render(base.start, &two);
    assert!(l1 == l2, "compare.csv differs between 1 and 2 threads");
    assert!(w1 == w2, "compare_wide.csv differs between 1 and 2 threads");
    for (x, y) in one.diffs.iter().zip(&two.diffs) {
        assert_eq!(x.greater, y.greater);
        let bits = |d: &sanctions_sim::analysis::compare::ScenarioDiff| {
            d.summary
                .cells
                .iter()
                .map(|c| [c.mean, c.sd, c.p05, c.p50, c.p95].map(f64::to_bits))
                .collect::<Vec<_>>()
        };
        assert_eq!(bits(x), bits(y));
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

#[test]
fn cli_writes_compare_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let args = [
        "compare",
        "scenarios/baseline.toml",
        "scenarios/summit_failure.toml",
        "scenarios/summit_success.toml",
        "--paths",
        "40",
        "--months",
        "3",
        "--threads",
        "2",
        "--quiet",
        "--out",
    ];
    sim().args(args).arg(&out).assert().success().stdout("");
    let dir = out.join("compare_baseline_vs_summit_failure_summit_success");
    let mut files: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "charts",
            "compare.csv",
            "compare_averages.csv",
            "compare_totals.csv",
            "compare_wide.csv",
            "manifest.json",
            "report.html"
        ]
    );

    let nvars = variables(&scenario("baseline").market).len();
    let long = fs::read_to_string(dir.join("compare.csv")).unwrap();
    let lines: Vec<&str> = long.lines().collect();
    assert_eq!(lines[0], COMPARE_HEADER);
    assert_eq!(lines.len(), 1 + 3 * 2 * nvars);
    assert!(lines[1].starts_with("2025-08-01,brent_usd_bbl,USD/bbl,baseline,summit_failure,"));
    assert!(long.ends_with('\n') && !long.contains('\r') && !long.contains("-0.0000"));
    for l in &lines[1..] {
        assert_eq!(l.split(',').count(), 17, "{l}");
    }

    let wide = fs::read_to_string(dir.join("compare_wide.csv")).unwrap();
    let wl: Vec<&str> = wide.lines().collect();
    assert_eq!(wl.len(), 1 + 3);
    let header: Vec<&str> = wl[0].split(',').collect();
    // mean/p05/p95 per scenario and variable, then the appended p50s.
    assert_eq!(header.len(), 1 + 2 * 4 * nvars);
    assert_eq!(
        header[1 + 2 * 3 * nvars],
        "summit_failure__brent_usd_bbl_p50_diff"
    );
    assert_eq!(
        &header[..4],
        [
            "date",
            "summit_failure__brent_usd_bbl_mean_diff",
            "summit_failure__brent_usd_bbl_p05_diff",
            "summit_failure__brent_usd_bbl_p95_diff"
        ]
    );
    assert_eq!(
        header[1 + 3 * nvars],
        "summit_success__brent_usd_bbl_mean_diff"
    );
    assert!(wl[1].starts_with("2025-08-01,"));

    let m: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        m["scenario"],
        "compare_baseline_vs_summit_failure_summit_success"
    );
    assert_eq!(
        (m["paths"].as_u64(), m["months"].as_u64()),
        (Some(40), Some(3))
    );
    assert_eq!(m["seed"], 42);
    assert_eq!(m["start"], "2025-08");
    assert_eq!(m["files"][0], "compare.csv");
    assert!(m["diagnostics"]["summit_failure.solver_not_converged"].is_u64());

    // An existing folder needs --force; the replacement is byte-identical.
    sim()
        .args(args)
        .arg(&out)
        .assert()
        .code(1)
        .stderr(predicates::str::contains("pass --force"));
    sim().args(args).arg(&out).arg("--force").assert().success();
    assert_eq!(fs::read_to_string(dir.join("compare.csv")).unwrap(), long);

    // Different starts are refused before anything is written.
    let late = tmp.path().join("late.toml");
    let base = root().join("scenarios/baseline.toml");
    fs::write(
        &late,
        format!(
            "extends = {:?}\n[scenario]\nname = \"late_start\"\nstart = \"2025-09\"\n",
            base.display().to_string()
        ),
    )
    .unwrap();
    let out2 = tmp.path().join("out2");
    sim()
        .args(["compare", "scenarios/baseline.toml"])
        .arg(&late)
        .arg("--out")
        .arg(&out2)
        .arg("--quiet")
        .assert()
        .code(1)
        .stderr(predicates::str::contains("must start in the same month"));
    assert!(!out2.join("compare_baseline_vs_late_start").exists());
}

/// A `--months` shorter than the file cuts events off: `run` and `compare` say which, and how
/// many months would include them, instead of reporting "no effect" for a policy that never
/// started (the events stay valid: the file's own horizon covers them).
#[test]
fn months_that_cut_events_warn() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let common = ["--paths", "8", "--months", "1", "--quiet", "--no-charts"];
    let r = sim()
        .args(["run", "scenarios/summit_failure.toml"])
        .args(common)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(
        err.contains("warning: summit_failure: --months 1 ends the run in 2025-08")
            && err.contains("fleet.designation.rate on 2025-09-01")
            && err.contains("Raise --months to"),
        "{err}"
    );
    let r = sim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            "scenarios/summit_failure.toml",
            "--no-report",
        ])
        .args(common)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(err.contains("warning: summit_failure: --months 1"), "{err}");
    // The file's whole horizon cuts nothing: no warning.
    let r = sim()
        .args(["run", "scenarios/summit_failure.toml", "--paths", "4"])
        .args(["--quiet", "--no-charts", "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(!err.contains("will not run"), "{err}");
}

/// Comparing the baseline with itself runs (it is a valid, if empty, comparison) but says so,
/// and the file's own warnings come once.
#[test]
fn comparing_the_baseline_with_itself_warns_once() {
    let tmp = tempfile::tempdir().unwrap();
    let r = sim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            "./scenarios/baseline.toml",
        ])
        .args([
            "--paths",
            "4",
            "--months",
            "1",
            "--quiet",
            "--no-charts",
            "--no-report",
        ])
        .arg("--out")
        .arg(tmp.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(err.contains("is the baseline file itself"), "{err}");
    assert_eq!(err.matches("--months 1 ends the run").count(), 1, "{err}");
}
