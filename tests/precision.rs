//! `run --precision`: deterministic doubling batches; the result equals a plain run with the
//! paths it used, also across the exact → sketch switch; the manifest says why it stopped.

use assert_cmd::Command;
use sanctions_sim::engine::precision::{key_variables, relative_se, run_precise};
use sanctions_sim::engine::run::{run, RunOptions, RunResult};
use sanctions_sim::engine::stats::SummaryMode;
use std::path::Path;

const SC: &str = "scenarios/summit_failure.toml";

fn opts(paths: u64) -> (sanctions_sim::scenario::Scenario, RunOptions) {
    let sc = sanctions_sim::scenario::load(Path::new(SC)).unwrap();
    let mut o = RunOptions::from_scenario(&sc);
    (o.paths, o.months, o.threads) = (paths, 3, 2);
    (sc, o)
}

fn bits(r: &RunResult) -> Vec<[u64; 13]> {
    r.summary
        .cells
        .iter()
        .map(|c| {
            [
                c.n as f64,
                c.mean,
                c.sd,
                c.p05,
                c.p10,
                c.p25,
                c.p50,
                c.p75,
                c.p90,
                c.p95,
                c.mc_se_mean,
                c.mc_se_p50,
                c.nonfinite as f64,
            ]
            .map(f64::to_bits)
        })
        .collect()
}

fn plain(sc: &sanctions_sim::scenario::Scenario, o: &RunOptions, paths: u64) -> RunResult {
    let mut o = o.clone();
    o.paths = paths;
    run(sc, &o, &|_| {}).unwrap()
}

#[test]
fn stops_at_the_cap_and_equals_a_plain_run() {
    let (sc, o) = opts(100);
    let r = run_precise(&sc, &o, 1e-9, 9000, &|_| {}).unwrap();
    let p = r.precision.as_ref().unwrap();
    assert_eq!(p.batches, [4096, 8192, 9000]);
    assert_eq!((p.stopped.as_str(), r.paths), ("max_paths", 9000));
    assert!(p.worst_relative_se >= 1e-9);
    assert_eq!(bits(&r), bits(&plain(&sc, &o, 9000)));
    assert_eq!(r.diagnostics, plain(&sc, &o, 9000).diagnostics);
}

#[test]
fn stops_when_precise_and_every_key_median_meets_the_target() {
    let (sc, o) = opts(100);
    let target = 0.0025;
    let r = run_precise(&sc, &o, target, 1_000_000, &|_| {}).unwrap();
    let p = r.precision.as_ref().unwrap();
    assert_eq!(p.stopped, "precision_reached");
    eprintln!(
        "batches {:?}, worst {} at {} month {}",
        p.batches, p.worst_relative_se, p.worst_variable, p.worst_month
    );
    assert_eq!(Some(&r.paths), p.batches.last());
    let keys = key_variables(&r.vars);
    assert!(keys.len() >= 4, "{:?}", p.key_variables);
    for t in 0..r.months {
        for &v in &keys {
            assert!(relative_se(r.summary.cell(t, v)) < target);
        }
    }
    // The batch before did not meet it.
    assert!(p.batches.len() > 1, "{:?}", p.batches);
    {
        let before = plain(&sc, &o, p.batches[p.batches.len() - 2]);
        let worst = (0..before.months)
            .flat_map(|t| keys.iter().map(move |&v| (t, v)))
            .map(|(t, v)| relative_se(before.summary.cell(t, v)))
            .fold(0.0, f64::max);
        assert!(worst >= target, "{worst}");
    }
    assert_eq!(bits(&r), bits(&plain(&sc, &o, r.paths)));
}

/// A budget that holds 4,096 paths exactly but not 8,192: the accumulator switches to the
/// sketch mid-run and still equals a plain sketch-mode run.
#[test]
fn exact_to_sketch_switch_equals_a_plain_run() {
    let (sc, mut o) = opts(100);
    let nv = sanctions_sim::engine::vars::variables(&sc.market).len() as u64;
    o.budget_bytes = 4096 * 3 * nv * 8;
    let r = run_precise(&sc, &o, 1e-9, 8192, &|_| {}).unwrap();
    assert_eq!(r.summary.mode, SummaryMode::Sketch);
    let p = plain(&sc, &o, 8192);
    assert_eq!(p.summary.mode, SummaryMode::Sketch);
    assert_eq!(bits(&r), bits(&p));
}

#[test]
fn cli_records_the_rule_and_refuses_bad_flags() {
    let tmp = tempfile::tempdir().unwrap();
    let bin = || Command::cargo_bin("sanctions-sim").unwrap();
    bin()
        .args(["run", SC, "--quiet", "--months", "3", "--paths", "100"])
        .args(["--precision", "0.000001", "--max-paths", "5000", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let m: serde_json::Value = serde_json::from_slice(
        &std::fs::read(tmp.path().join("summit_failure/manifest.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(m["paths"], 5000);
    assert_eq!(m["precision"]["stopped"], "max_paths");
    assert_eq!(m["precision"]["batches"], serde_json::json!([4096, 5000]));
    assert!(m["precision"]["rule"]
        .as_str()
        .unwrap()
        .contains("mc_se_p50"));
    for (args, msg) in [
        (vec!["--max-paths", "10"], "--max-paths only applies"),
        (vec!["--precision", "0"], "must be a number > 0"),
        (
            vec!["--precision", "0.01", "--shard", "1/2"],
            "--shard cannot",
        ),
    ] {
        let a = bin()
            .args(["run", SC, "--quiet", "--out"])
            .arg(tmp.path().join("x"))
            .args(&args)
            .assert()
            .failure()
            .code(1);
        let e = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
        assert!(e.contains(msg), "{args:?}: {e}");
    }
}
