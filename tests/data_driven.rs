//! §9.1.12: buyers, basins, routes and pipelines are data. Permuting the market file's rows
//! only permutes output columns; adding a buyer with no capacity changes no other output.

use sanctions_sim::engine::run::{run, RunOptions, RunResult};
use sanctions_sim::scenario::load;
use std::path::Path;

fn market_table() -> toml::Table {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/market/default.toml");
    toml::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Runs the baseline against `market` (written to a temp dir next to a copy of baseline).
fn run_with(market: &toml::Table) -> RunResult {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("market")).unwrap();
    std::fs::write(
        dir.path().join("market/default.toml"),
        toml::to_string(market).unwrap(),
    )
    .unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    std::fs::copy(&base, dir.path().join("baseline.toml")).unwrap();
    let sc = load(&dir.path().join("baseline.toml")).unwrap_or_else(|e| panic!("{e}"));
    let mut o = RunOptions::from_scenario(&sc);
    o.paths = 300;
    o.months = 8;
    run(&sc, &o, &|_| {}).unwrap()
}

fn assert_same(a: &RunResult, b: &RunResult, skip_new: &[&str]) {
    for (i, v) in a.vars.iter().enumerate() {
        let j = b
            .var_index(&v.name)
            .unwrap_or_else(|| panic!("{} missing", v.name));
        for t in 0..a.months {
            let (x, y) = (a.summary.cell(t, i), b.summary.cell(t, j));
            for (p, q) in [
                (x.mean, y.mean),
                (x.p05, y.p05),
                (x.p50, y.p50),
                (x.p95, y.p95),
                (x.sd, y.sd),
            ] {
                assert!(
                    (p - q).abs() <= 1e-7 * (1.0 + p.abs()),
                    "{} month {t}: {p} vs {q}",
                    v.name
                );
            }
        }
    }
    for v in &b.vars {
        assert!(
            a.var_index(&v.name).is_some() || skip_new.iter().any(|s| v.name.contains(s)),
            "unexpected variable {}",
            v.name
        );
    }
}

#[test]
fn permuting_rows_permutes_only_columns() {
    let original = market_table();
    let mut permuted = original.clone();
    for key in ["basin", "buyer", "route", "pipeline", "output"] {
        if let Some(toml::Value::Array(rows)) = permuted.get_mut(key) {
            rows.reverse();
        }
    }
    let (a, b) = (run_with(&original), run_with(&permuted));
    assert_ne!(
        a.vars.iter().map(|v| &v.name).collect::<Vec<_>>(),
        b.vars.iter().map(|v| &v.name).collect::<Vec<_>>()
    );
    assert_same(&a, &b, &[]);
}

#[test]
fn a_buyer_without_capacity_changes_nothing_else() {
    let original = market_table();
    let mut more = original.clone();
    let buyer: toml::Table =
        toml::from_str("id = \"KR\"\nname = \"South Korea\"\nalt_premium_usd = 1.0").unwrap();
    let route: toml::Table = toml::from_str(
        "from = \"E\"\nto = \"KR\"\ncapacity_mbd = 0.0\nhalf_saving_usd = 2.0\ndispersion_usd = 2.0\nfreight_usd = 1.5\ninsurance_usd = 0.3\nround_trip_months = 0.5",
    )
    .unwrap();
    for (key, row) in [("buyer", buyer), ("route", route)] {
        if let Some(toml::Value::Array(rows)) = more.get_mut(key) {
            rows.push(toml::Value::Table(row));
        }
    }
    let (a, b) = (run_with(&original), run_with(&more));
    assert!(b.vars.len() > a.vars.len());
    assert_same(&a, &b, &["_kr_", "kr_tariff_in_force_share"]);
}
