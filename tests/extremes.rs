//! Extreme but valid scenarios (`tests/fixtures/extreme/`): each must run to completion with
//! exit 0, write finite bands, and say in `manifest.json`'s `diagnostics` what happened
//! (docs/reliability.md, "Extreme scenarios").

use sanctions_sim::engine::run::{run, RunOptions};
use sanctions_sim::engine::stats::{choose_mode, SummaryMode, DEFAULT_BUDGET_BYTES};
use sanctions_sim::engine::vars::variables;
use sanctions_sim::scenario::load;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/extreme")
        .join(format!("{name}.toml"))
}

struct Ran {
    manifest: Value,
    /// `summary.csv` rows: (date, variable) → the numeric columns mean..p95.
    rows: BTreeMap<(String, String), Vec<f64>>,
    _dir: tempfile::TempDir,
}

impl Ran {
    fn diag(&self, key: &str) -> u64 {
        self.manifest["diagnostics"][key]
            .as_u64()
            .unwrap_or_else(|| panic!("no diagnostic {key}: {}", self.manifest["diagnostics"]))
    }

    fn cell(&self, date: &str, var: &str, col: usize) -> f64 {
        self.rows[&(date.to_string(), var.to_string())][col]
    }
}

/// Column indices into `Ran::rows` values.
const MEAN: usize = 0;
const SD: usize = 1;
const P05: usize = 2;
const P50: usize = 5;
const P95: usize = 8;

/// Runs a fixture through the CLI; asserts exit 0, no panic, a manifest with no solver or
/// finiteness trouble, and a summary whose every number is finite.
fn run_fixture(name: &str) -> Ran {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args(["run", fixture(name).to_str().unwrap(), "--quiet", "--out"])
        .arg(dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    assert!(out.status.success(), "{name}: {stderr}");
    let sc = load(&fixture(name)).unwrap();
    let res = dir.path().join(&sc.name);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(res.join("manifest.json")).unwrap()).unwrap();
    let text = std::fs::read_to_string(res.join("summary.csv")).unwrap();
    let mut rows = BTreeMap::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        // mean … p95; the Monte Carlo standard errors after them are empty below 2 paths.
        let nums: Vec<f64> = f[4..13].iter().map(|x| x.parse().unwrap()).collect();
        for se in &f[13..] {
            assert!(
                se.is_empty() || se.parse::<f64>().is_ok_and(f64::is_finite),
                "{name}: bad standard error in {line}"
            );
        }
        assert!(
            nums.iter().all(|x| x.is_finite()),
            "{name}: non-finite cell: {line}"
        );
        rows.insert((f[1].to_string(), f[2].to_string()), nums);
    }
    assert_eq!(
        rows.len(),
        sc.months * variables(&sc.market).len(),
        "{name}"
    );
    let ran = Ran {
        manifest,
        rows,
        _dir: dir,
    };
    for key in [
        "solver_not_converged",
        "nonfinite_values",
        "fleet_bound_violations",
    ] {
        assert_eq!(ran.diag(key), 0, "{name}: {key}");
    }
    assert!(ran.diag("max_basin_iterations") <= 200 && ran.diag("max_brent_iterations") <= 200);
    ran
}

fn path_months(r: &Ran) -> u64 {
    r.manifest["paths"].as_u64().unwrap() * r.manifest["months"].as_u64().unwrap()
}

#[test]
fn cap_of_zero() {
    let r = run_fixture("cap_zero");
    // A $0 cap is below every netback: Russia refuses the capped tranche in most path-months
    // (692 of 768 when measured; it is a per-month decision against the uncapped netback).
    let refused = r.diag("capped_tranche_refusals");
    assert!(refused > path_months(&r) / 2, "{refused}");
    assert!(r.cell("2026-07-01", "russia_export_revenue_usd_bn", P50) > 0.0);
}

#[test]
fn every_buyer_halted() {
    let r = run_fixture("all_halted");
    let sc = load(&fixture("all_halted")).unwrap();
    let with_stance = sc
        .market
        .buyers
        .iter()
        .filter(|b| b.stance.is_some())
        .count() as u64;
    assert!(with_stance > 0);
    // Every buyer with a stance is halted in every path-month (a forced halt needs a stance:
    // the others have nothing to halt).
    assert_eq!(r.diag("halted_buyer_months"), with_stance * path_months(&r));
    let base = run_fixture("one_path_one_month");
    assert_eq!(base.diag("halted_buyer_months"), 0);
}

#[test]
fn storage_full_from_month_one() {
    let r = run_fixture("storage_full");
    assert_eq!(r.diag("storage_full_months"), path_months(&r));
    for d in ["2025-08-01", "2026-07-01"] {
        assert_eq!(r.cell(d, "russia_storage_mb", P95), 0.0);
    }
}

#[test]
fn no_buyer_at_all() {
    let r = run_fixture("no_buyers");
    // Counted while there is oil to offer: every path in month 1, fewer later as the unsold
    // volume is shut in (309 of 768 path-months when measured).
    let n = r.diag("buyerless_basin_months");
    let paths = r.manifest["paths"].as_u64().unwrap();
    assert!(n >= paths && n <= path_months(&r), "{n}");
    assert!(r.cell("2026-07-01", "russia_shutin_mbd", P50) > 1.0);
    let exports = r.cell("2026-07-01", "russia_crude_exports_mbd", P95);
    assert!(exports.abs() < 1e-9, "exports {exports}");
    assert!(r.cell("2025-08-01", "russia_withheld_mbd", P50) > 1.0);
}

#[test]
fn basin_without_buyers() {
    let r = run_fixture("buyerless_basin");
    assert_eq!(r.diag("buyerless_basin_months"), path_months(&r));
    assert!(r.cell("2025-08-01", "russia_withheld_mbd", P05) > 0.5);
}

#[test]
fn brent_at_its_clamps() {
    let lo = run_fixture("brent_floor");
    assert!(lo.diag("brent_clamp_hits") > 0);
    assert!(lo.cell("2025-08-01", "brent_usd_bbl", P05) >= 5.0 - 1e-9);
    let hi = run_fixture("brent_ceiling");
    assert!(hi.diag("brent_clamp_hits") > 0);
    assert!(hi.cell("2025-08-01", "brent_usd_bbl", P95) <= 400.0 + 1e-9);
}

#[test]
fn one_path_one_month() {
    let r = run_fixture("one_path_one_month");
    assert_eq!(path_months(&r), 1);
    // One path: the spread is 0 and every quantile is the value.
    let brent = &r.rows[&("2025-08-01".to_string(), "brent_usd_bbl".to_string())];
    assert_eq!(brent[SD], 0.0);
    assert!(brent[P05..].iter().all(|q| *q == brent[MEAN]));
}

#[test]
fn six_hundred_months() {
    let r = run_fixture("six_hundred_months");
    assert_eq!(r.manifest["months"], 600);
    assert!(r
        .rows
        .contains_key(&("2075-07-01".to_string(), "brent_usd_bbl".to_string())));
    assert!(!r
        .rows
        .contains_key(&("2075-08-01".to_string(), "brent_usd_bbl".to_string())));
}

/// Too many paths for exact quantiles is not refused: beyond the 1 GiB budget the engine
/// streams the summaries into sketches (memory independent of the path count;
/// `signals::two_million_paths_memory_bounded` measures the RSS of 2,000,000 paths). Here a
/// tiny budget forces the sketch mode on a small run, which must agree with the exact one.
#[test]
fn too_many_paths_switch_to_streamed_summaries() {
    let sc = load(&fixture("all_halted")).unwrap();
    let vars = variables(&sc.market).len();
    assert_eq!(
        choose_mode(2_000_000, 36, vars, DEFAULT_BUDGET_BYTES),
        SummaryMode::Sketch
    );
    assert_eq!(
        choose_mode(10_000, 36, vars, DEFAULT_BUDGET_BYTES),
        SummaryMode::Exact
    );
    let mut o = RunOptions::from_scenario(&sc);
    o.paths = 300;
    o.months = 3;
    o.threads = 1;
    let exact = run(&sc, &o, &|_| {}).unwrap();
    o.budget_bytes = 1;
    let sketch = run(&sc, &o, &|_| {}).unwrap();
    assert_eq!(exact.summary.mode, SummaryMode::Exact);
    assert_eq!(sketch.summary.mode, SummaryMode::Sketch);
    assert_eq!(exact.diagnostics, sketch.diagnostics);
    let b = exact.var_index("brent_usd_bbl").unwrap();
    for t in 0..3 {
        let (e, s) = (
            exact.p50("brent_usd_bbl", t),
            sketch.p50("brent_usd_bbl", t),
        );
        assert!((e - s).abs() <= 2e-3 * e.abs(), "month {t}: {e} vs {s}");
        let (e, s) = (
            exact.mean("brent_usd_bbl", t),
            sketch.mean("brent_usd_bbl", t),
        );
        assert!(
            (e - s).abs() <= 1e-9 * e.abs(),
            "var {b} month {t}: {e} vs {s}"
        );
    }
}

/// A 1 MB one-line file (a minified or corrupted scenario): the error quotes a window of
/// the line around the column and elides the 1 MB key, so the message stays short.
#[test]
fn one_megabyte_line_gives_a_short_message() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        // A syntax error 1 MB into the line.
        (
            "syntax",
            format!("description = \"{}\" oops", "x".repeat(1 << 20)),
        ),
        // An unknown key 1 MB long: the message and the hint quote it.
        ("key", format!("[scenario]\n{} = 1", "k".repeat(1 << 20))),
    ];
    for (what, text) in cases {
        let f = dir.path().join(format!("{what}.toml"));
        std::fs::write(&f, text).unwrap();
        let out = Command::new(BIN).arg("validate").arg(&f).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{what}: {stderr}");
        assert!(!stderr.contains("panicked"), "{what}: {stderr}");
        assert!(
            stderr.len() < 8000,
            "{what}: {} bytes of error",
            stderr.len()
        );
        assert!(stderr.contains('…'), "{what}: {stderr}");
        assert!(
            stderr.contains(&format!("{what}.toml:")),
            "{what}: {stderr}"
        );
    }
}

/// `sanctions-sim schema | head -1`: the reader goes away before the output is written.
/// The process must end quietly with exit 0 (a closed pipe is success for pure output
/// commands, docs/reliability.md), not panic in `println!`.
#[cfg(unix)]
#[test]
fn closed_stdout_pipe_does_not_panic() {
    use std::process::Stdio;
    let mut child = Command::new(BIN)
        .arg("schema")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

/// Fuzz regression: `storage_cap = -65` loaded and broke the storage bound in month 1
/// (an invariant panic in debug builds). It is refused with a position, and so is a
/// distribution whose support reaches below 0; a capacity of 0 stays valid (`storage_full`).
#[test]
fn fuzz_negative_storage_cap_is_refused() {
    let e = load(&fixture("fuzz_negative_storage_cap")).unwrap_err();
    let shown = e.to_string();
    assert_eq!(e.diagnostics.len(), 1, "{shown}");
    assert!(
        shown.contains("error[params.storage_cap]") && shown.contains("[0, 1000]"),
        "{shown}"
    );
    assert!(
        shown.contains("fuzz_negative_storage_cap.toml:16:"),
        "{shown}"
    );
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.toml");
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let text = format!(
        "extends = {:?}\n[params]\nstorage_cap = {{ normal = [100, 10] }}\n",
        base.display().to_string()
    );
    std::fs::write(&f, text).unwrap();
    assert!(load(&f)
        .unwrap_err()
        .to_string()
        .contains("must lie in [0, 1000]"));
}

/// Fuzz finding: `sigma_xi = -7e18` loaded and gave non-finite outputs. Every parameter now
/// has a range (src/market/param_ranges.rs) and the loader refuses values outside it.
#[test]
fn fuzz_huge_sigma_xi_is_refused() {
    let e = load(&fixture("fuzz_huge_sigma_xi")).expect_err("sigma_xi = -7e18 was accepted");
    let msg = e.to_string();
    assert!(
        msg.contains("params.sigma_xi") && msg.contains("must lie in [0, 5]"),
        "{msg}"
    );
}

/// u* = 1 (the edge of its range) would divide §4.2.4's normalised tightness by zero; with a
/// wave designating all of W on top, every output stays finite.
#[test]
fn tanker_tightness_at_its_edge() {
    let r = run_fixture("tanker_tightness_edge");
    assert!(r.cell("2026-07-01", "freight_w_in_usd_bbl", P50) > 0.0);
    assert!(r.cell("2026-07-01", "sdn_share", MEAN) > 0.99);
}
