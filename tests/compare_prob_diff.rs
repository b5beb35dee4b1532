//! Walkthrough 8 #8: `compare --prob`'s `probabilities.csv` gives, on each compared scenario's
//! rows, the paired difference of each share against the baseline (the first scenario) and
//! its Monte Carlo standard error, from the per-path differences of the 0/1 indicators on
//! common random numbers (as `mc_se_mean_diff` of compare.csv); `run --prob`'s file keeps its
//! 13 columns.

mod common;

use common::*;
use sanctions_sim::analysis::compare::{compare, CompareOptions};
use sanctions_sim::cli::compare::answer_files;
use sanctions_sim::engine::stats::DEFAULT_BUDGET_BYTES;

const PROBE: &str = "russia_export_revenue_usd_bn<7";
const PATHS: u64 = 120;
const MONTHS: usize = 17;
const SEED: u64 = 11;

#[test]
fn the_difference_and_its_se_are_those_of_the_per_path_differences() {
    let (base, other) = (scenario("summit_failure"), scenario("summit_success"));
    let o = CompareOptions {
        paths: PATHS,
        months: MONTHS,
        seed: SEED,
        threads: 2,
        budget_bytes: DEFAULT_BUDGET_BYTES,
        probes: vec![PROBE.into()],
        periods: Vec::new(),
    };
    let r = compare(&base, &[&other], &o, &|_| {}).unwrap();
    assert_eq!(r.prob_diffs.len(), 1, "one per compared scenario");
    assert_eq!(r.prob_diffs[0].len(), 3 * MONTHS);
    let mut checked_nonzero = false;
    for t in [0, 5, MONTHS - 1] {
        // "now": recomputed from the paths themselves.
        let b = values_at(&base, "russia_export_revenue_usd_bn", t, SEED, PATHS);
        let x = values_at(&other, "russia_export_revenue_usd_bn", t, SEED, PATHS);
        let d: Vec<f64> = b
            .iter()
            .zip(&x)
            .map(|(b, x)| ((*x < 7.0) as i32 - (*b < 7.0) as i32) as f64)
            .collect();
        let n = d.len() as f64;
        let mean = d.iter().sum::<f64>() / n;
        let sd = (d.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let got = r.prob_diffs[0][t * 3];
        assert_eq!(got.n, PATHS);
        assert!(
            (got.diff - mean).abs() < 1e-12,
            "t={t}: {} vs {mean}",
            got.diff
        );
        assert!(
            (got.se - sd / n.sqrt()).abs() < 1e-9,
            "t={t}: {} vs {}",
            got.se,
            sd / n.sqrt()
        );
        // The difference of the two shares, to the rounding of counts.
        let (pb, px) = (
            r.probabilities[0].1.prob(0, t).0,
            r.probabilities[1].1.prob(0, t).0,
        );
        assert!((got.diff - (px.p - pb.p)).abs() < 1e-12);
        checked_nonzero |= got.se > 0.0;
    }
    assert!(checked_nonzero, "a month with a difference was checked");
    // Paired on common random numbers: below the independent formula at the horizon's end
    // for "so far" (the walkthrough's question).
    let c = (MONTHS - 1) * 3 + 1;
    let (pb, px) = (
        r.probabilities[0].1.prob(0, MONTHS - 1).1,
        r.probabilities[1].1.prob(0, MONTHS - 1).1,
    );
    let indep = (pb.se.powi(2) + px.se.powi(2)).sqrt();
    assert!(
        r.prob_diffs[0][c].se < indep,
        "{} vs {indep}",
        r.prob_diffs[0][c].se
    );

    // The file: the 13 columns of run's file, then six, empty on the baseline's rows.
    let files = answer_files(base.start, &r);
    let (_, bytes) = files
        .iter()
        .find(|(n, _)| *n == "probabilities.csv")
        .unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert_eq!(
        header,
        "scenario,date,probability,variable,op,threshold,paths,share_now,mc_se_now,\
         share_so_far,mc_se_so_far,share_this_year,mc_se_this_year,diff_now,mc_se_diff_now,\
         diff_so_far,mc_se_diff_so_far,diff_this_year,mc_se_diff_this_year"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2 * MONTHS);
    for row in &rows[..MONTHS] {
        assert_eq!(row[0], "summit_failure");
        assert!(row[13..].iter().all(|c| c.is_empty()), "{row:?}");
    }
    let last = &rows[2 * MONTHS - 1];
    assert_eq!(last[0], "summit_success");
    let so_far = r.prob_diffs[0][c];
    assert_eq!(last[15], format!("{:.4}", so_far.diff));
    assert_eq!(last[16], format!("{:.4}", so_far.se));
}

#[test]
fn the_cli_writes_the_difference_columns_and_run_keeps_its_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = |s: &str| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(s);
    expect(
        sim()
            .arg("compare")
            .arg(dir("scenarios/baseline.toml"))
            .arg(dir("scenarios/summit_failure.toml"))
            .args(["--paths", "8", "--months", "3", "--threads", "1", "--quiet"])
            .args(["--prob", "brent_usd_bbl>80", "--out"])
            .arg(tmp.path().join("c")),
        0,
    );
    let found: Vec<_> = files_named(&tmp.path().join("c"), "probabilities.csv");
    assert_eq!(found.len(), 1, "{found:?}");
    let text = std::fs::read_to_string(&found[0]).unwrap();
    assert!(
        text.lines().next().unwrap().ends_with(
            ",mc_se_this_year,diff_now,mc_se_diff_now,diff_so_far,mc_se_diff_so_far,\
             diff_this_year,mc_se_diff_this_year"
        ),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1 + 2 * 3);
    // run's probabilities.csv is unchanged: 13 columns.
    run_small(
        &dir("scenarios/baseline.toml"),
        &tmp.path().join("r"),
        &["--prob", "brent_usd_bbl>80"],
        0,
    );
    let found = files_named(&tmp.path().join("r"), "probabilities.csv");
    let text = std::fs::read_to_string(&found[0]).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",share_this_year,mc_se_this_year"),
        "{text}"
    );
}
