//! `mc_se_mean_diff` of `compare.csv` and `compare_totals.csv` (D217): the Monte Carlo
//! standard error of the mean paired difference, `sd / √n` over the paths where both values
//! are finite, so an analyst can tell an effect from simulation noise without computing it.
//!
//! - in `compare.csv` it is the standard error of the per-path differences, recomputed here
//!   from the paths themselves;
//! - in `compare_totals.csv` it is `sd_diff / √n`, n the count of finite paired totals;
//! - it shrinks like `1/√paths` while the 80 % band of the difference does not: the band is
//!   the effect's spread across paths, not estimation error.

mod common;

use common::scenario;
use sanctions_sim::analysis::compare::{compare, CompareOptions, CompareResult};
use sanctions_sim::cli::compare::{answer_files, render};
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::stats::DEFAULT_BUDGET_BYTES;
use sanctions_sim::engine::vars::{variables, Var};
use sanctions_sim::scenario::Scenario;

fn run(base: &Scenario, other: &Scenario, paths: u64, months: usize) -> CompareResult {
    let o = CompareOptions {
        paths,
        months,
        seed: 11,
        threads: 0,
        budget_bytes: DEFAULT_BUDGET_BYTES,
        probes: Vec::new(),
        periods: Vec::new(),
    };
    compare(base, &[other], &o, &|_| {}).unwrap_or_else(|e| panic!("{e}"))
}

/// Rows of a CSV text as header → cell maps.
fn rows(bytes: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(cells.len(), header.len(), "{l}");
            header
                .iter()
                .zip(cells)
                .map(|(h, c)| (h.to_string(), c.to_string()))
                .collect()
        })
        .collect()
}

fn num(s: &str) -> f64 {
    s.parse().unwrap_or_else(|_| panic!("not a number: {s:?}"))
}

#[test]
fn compare_csv_gives_the_standard_error_of_the_paired_differences() {
    let base = scenario("summit_success");
    let other = scenario("summit_failure");
    let (paths, months) = (120u64, 4usize);
    let r = run(&base, &other, paths, months);
    let (long, _) = render(base.start, &r);
    let table = rows(&long);
    assert!(table.iter().all(|r| r.contains_key("mc_se_mean_diff")));
    let vb = variables(&base.market);
    let vo = variables(&other.market);
    for name in ["russia_export_revenue_usd_bn", "urals_discount_usd_bbl"] {
        let (ib, io) = (
            vb.iter().position(|v| v.name == name).unwrap(),
            vo.iter().position(|v| v.name == name).unwrap(),
        );
        // Per-path differences of the last month, from the paths themselves.
        let mut d = Vec::new();
        for p in 0..paths {
            let last = |sc: &Scenario, vars: &[Var], i: usize| {
                let mut sim = PathSim::new(sc, 11, p);
                let mut row = vec![0.0; vars.len()];
                for _ in 0..months {
                    sim.step_month();
                }
                sim.write_vars(vars, &mut row);
                row[i]
            };
            let (b, x) = (last(&base, &vb, ib), last(&other, &vo, io));
            if b.is_finite() && x.is_finite() {
                d.push(x - b);
            }
        }
        let n = d.len() as f64;
        let mean = d.iter().sum::<f64>() / n;
        let sd = (d.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        let want = sd / n.sqrt();
        let last_date = table.iter().map(|r| r["date"].clone()).max().unwrap();
        let row = table
            .iter()
            .find(|r| r["variable"] == name && r["date"] == last_date)
            .unwrap();
        let got = num(&row["mc_se_mean_diff"]);
        assert!(want > 0.0, "{name}: the scenarios differ");
        assert!((got - want).abs() <= 5e-5, "{name}: {got} vs sd/√n {want}");
    }
    // Never NaN or inf: a cell is a number or empty.
    for r in &table {
        let c = &r["mc_se_mean_diff"];
        assert!(c.is_empty() || num(c).is_finite() && num(c) >= 0.0, "{c}");
    }
}

#[test]
fn compare_totals_gives_sd_diff_over_root_n() {
    let base = scenario("baseline");
    let other = scenario("china_sanctions");
    let r = run(&base, &other, 90, 6);
    let (file, bytes) = answer_files(base.start, &r).remove(0);
    assert_eq!(file, "compare_totals.csv");
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .ends_with(",pct_change,mc_se_mean_diff"),
        "appended last"
    );
    let d = &r.diffs[0];
    let nt = d.totals.totals.len();
    for (i, row) in rows(&bytes).iter().enumerate() {
        let c = d.totals.total(i / nt, i % nt);
        assert_eq!(row["variable"], d.totals.totals[i % nt].name);
        assert!(c.n <= 90);
        let got = &row["mc_se_mean_diff"];
        if c.n < 2 {
            assert!(got.is_empty(), "{row:?}");
            continue;
        }
        let want = c.sd / (c.n as f64).sqrt();
        assert!((num(got) - want).abs() <= 5e-5, "{row:?}: want {want}");
        // Against the file's own sd_diff (both rounded to 4 decimals).
        let from_sd = num(&row["sd_diff"]) / (c.n as f64).sqrt();
        assert!((num(got) - from_sd).abs() <= 1e-4, "{row:?}");
    }
}

/// Four times the paths halve the standard error; the band stays as wide.
#[test]
fn standard_error_shrinks_with_paths_and_the_band_does_not() {
    let base = scenario("summit_success");
    let other = scenario("summit_failure");
    let cell = |paths: u64| {
        let r = run(&base, &other, paths, 3);
        let d = &r.diffs[0];
        let c = *d
            .summary
            .cell(2, d.var_index("russia_export_revenue_usd_bn").unwrap());
        (c.mc_se_mean, c.p90 - c.p10)
    };
    let (se1, band1) = cell(100);
    let (se4, band4) = cell(400);
    let se_ratio = se4 / se1;
    let band_ratio = band4 / band1;
    assert!((0.35..=0.65).contains(&se_ratio), "se ratio {se_ratio}");
    assert!((0.7..=1.4).contains(&band_ratio), "band ratio {band_ratio}");
}
