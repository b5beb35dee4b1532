//! The backtest of calibration.md §1 at a small path count: every target passes except the two
//! structural misses of docs/calibration.md, the report has the contract columns, the
//! imposed Brent is reproduced exactly, and a horizon outside the Brent file is refused.

use sanctions_sim::backtest::{self, targets};
use std::path::Path;

const PATHS: usize = 400;

/// The targets that fail, each for a reason given in docs/calibration.md §4: the model has no
/// cross-basin substitution at a buyer (ESPO's 2023 DES discount came from Urals competing for
/// the same Chinese refiners). B5's loss per $5 of cap now compares with WGS's figure scaled to
/// the model's crude, seaborne, Western-tanker scope and passes.
///
/// Since D35 the 2025 buyer responses come from the compliance mechanism and, since D40, from
/// the port bans on designated tankers, with priors from shared/data/buyers.csv, not from
/// hand-sized capacity cuts. D40 made the W-IN freight rise and India's Feb 2025 dip pass;
/// docs/calibration.md §4 says why each remaining miss fails (China's Q1 fall sits just outside
/// the band, Turkey's March fall came through the cap, which no mechanism carries yet).
const STRUCTURAL_MISSES: &[&str] = &[
    "B2 DES China (ESPO) Mar 2023",
    // D42: with the deadline on OFAC's day, Tüpraş's pause covers 22/31 of March (0.50
    // against 0.41: docs/calibration.md §4).
    "B4 Turkey Mar 2025 / 2024",
    // An in-sample check of the mechanism that it does not meet (docs/calibration.md §4):
    // India's larger share of seaborne Urals in H1 2025.
    "B4 India share of seaborne Urals H1 2025",
];

#[test]
fn in_sample_targets_pass_and_report_has_the_contract_columns() {
    let scenarios = backtest::load_all(Path::new("scenarios/history")).unwrap();
    let runs = backtest::simulate(&scenarios, PATHS, 42);
    let rows = targets::evaluate(&runs).unwrap();
    assert_eq!(rows.len(), 40);
    for r in &rows {
        let known = STRUCTURAL_MISSES.contains(&r.target.as_str());
        assert!(r.pass || known, "{} fails: {r:?}", r.target);
    }
    for name in STRUCTURAL_MISSES {
        let r = rows.iter().find(|r| r.target == *name).unwrap();
        assert!(
            !r.pass,
            "{name} passes now: update docs/calibration.md and this list"
        );
    }
    // The imposed Brent is the EIA monthly average, to the cent, on every path.
    let r24 = &runs["replay_2024"];
    let brent = r24.var("brent_usd_bbl").unwrap();
    for p in 0..r24.paths {
        assert!((r24.get(p, brent, 0) - 80.12).abs() < 1e-9);
        assert!((r24.get(p, brent, 11) - 73.86).abs() < 1e-9);
    }
    // D31: a 10% Brent fall from $100 (Aug → Sep 2022) is not a carry trade. With the margin
    // fixed in $ (U(9, 15)) the median path withheld 1.3 mb/d that month.
    // D32: the embargo's jump in the Urals discount (Dec 2022) is expected to persist, so it is
    // no carry trade either; with the netback-EMA floor of D31 the median path withheld
    // 0.7 mb/d that month, and 3.4 once the seller-chain wave of the replay was added.
    let r22 = &runs["replay_2022_23"];
    let wh = r22.var("russia_withheld_mbd").unwrap();
    for (month, name) in [(8, "Sep 2022"), (11, "Dec 2022")] {
        let mut v: Vec<f64> = (0..r22.paths).map(|p| r22.get(p, wh, month)).collect();
        v.sort_by(f64::total_cmp);
        let median = v[v.len() / 2];
        assert!(median < 0.05, "{name} median withheld {median}");
    }
    let csv = String::from_utf8(backtest::report_csv(&rows).unwrap()).unwrap();
    assert_eq!(
        csv.lines().next().unwrap(),
        "target,source,date,observed,unit,model_p10,model_p50,model_p90,tolerance,pass"
    );
    assert_eq!(csv.lines().count(), rows.len() + 1);
    // The run files' number rule: never `-0.0000` (a p90 of -0.00001 used to print so).
    assert!(!csv.contains("-0.0000,"), "{csv}");
    // Same seed, same report: the path order does not depend on scheduling.
    let again = targets::evaluate(&backtest::simulate(&scenarios, PATHS, 42)).unwrap();
    assert_eq!(backtest::report_csv(&again).unwrap(), csv.as_bytes());
}

#[test]
fn imposed_brent_outside_the_file_is_a_load_error() {
    let dir = tempfile::tempdir().unwrap();
    let data = std::fs::canonicalize("data/brent_monthly.csv").unwrap();
    let market = std::fs::canonicalize("scenarios/market/default.toml").unwrap();
    let f = dir.path().join("early.toml");
    std::fs::write(
        &f,
        format!(
            "[scenario]\nstart = \"2020-06\"\nmonths = 12\npaths = 10\nseed = 1\n\
             market = \"{}\"\n[brent]\np0 = 40.0\nimposed = \"{}\"\n",
            market.display(),
            data.display()
        ),
    )
    .unwrap();
    let e = sanctions_sim::scenario::load(&f).unwrap_err().to_string();
    assert!(e.contains("brent.imposed") && e.contains("2021-01"), "{e}");
}

#[test]
fn cli_writes_report_and_charts_and_exits_1_on_failing_targets() {
    let out = tempfile::tempdir().unwrap();
    let run = assert_cmd::Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args(["backtest", "--paths", "60", "--out"])
        .arg(out.path())
        .assert()
        .code(1);
    let stdout = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    assert!(stdout.contains("targets pass"), "{stdout}");
    let dir = out.path().join("backtest");
    let report = std::fs::read_to_string(dir.join("report.csv")).unwrap();
    assert!(report.starts_with("target,source,date,observed,unit,model_p10"));
    for r in backtest::REPLAYS {
        let svg = std::fs::read_to_string(dir.join(format!("{r}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<polygon"), "{r}");
    }
    // An existing result is not overwritten without --force.
    assert_cmd::Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args(["backtest", "--paths", "10", "--out"])
        .arg(out.path())
        .assert()
        .code(1)
        .stderr(predicates::str::contains("--force"));
}

#[test]
fn calibrate_prints_a_params_block_without_writing() {
    let before = std::fs::read_to_string("scenarios/history/market/fitted.toml").unwrap();
    let run = assert_cmd::Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args(["calibrate", "--paths", "20", "--sweeps", "1"])
        .assert()
        .success();
    let stdout = String::from_utf8(run.get_output().stdout.clone()).unwrap();
    assert!(
        stdout.contains("[params]") && stdout.contains("fit_date"),
        "{stdout}"
    );
    let after = std::fs::read_to_string("scenarios/history/market/fitted.toml").unwrap();
    assert_eq!(before, after);
    // Hostile round 7 #8: a fit on 20 paths per evaluation is cautioned about.
    let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(
        err.contains("warning: calibrate: --paths 20 is few") && err.contains("at least 100"),
        "{err}"
    );
}
