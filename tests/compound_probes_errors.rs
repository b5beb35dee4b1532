//! A malformed compound `--prob` (walkthrough #15) is an input error before anything runs,
//! naming the offending part and saying what to write instead; so is a compound that mixes a
//! monthly condition with a period one.

use assert_cmd::Command;

/// The stderr of a `run` with `--prob EXPR`, which must fail with exit 1.
fn refused(expr: &str) -> String {
    let a = Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args([
            "run",
            "scenarios/summit_failure.toml",
            "--paths",
            "10",
            "--quiet",
        ])
        .args(["--out", "/nonexistent/never-written", "--prob", expr])
        .assert()
        .code(1);
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "`{p}` not in: {msg}");
    }
}

#[test]
fn mixing_a_monthly_and_a_period_condition_says_what_to_write() {
    let m = refused("arrivals_india_mbd < 1.2 and total(russia_export_revenue_usd_bn, 2026) < 80");
    has(
        &m,
        &[
            "`arrivals_india_mbd < 1.2` is a monthly condition",
            "`total(russia_export_revenue_usd_bn, 2026) < 80` a period one",
            "'mean(arrivals_india_mbd, 2026) < 1.2 and total(russia_export_revenue_usd_bn, 2026) < 80'",
            "two --prob",
        ],
    );
    // Period side first: the text goes the period route, and is refused the same way.
    let m = refused("mean(brent_usd_bbl, 2026) > 70 or urals_discount_usd_bbl > 20 for 3 months");
    has(
        &m,
        &["a monthly condition", "sides of `or` must be of one kind"],
    );
}

#[test]
fn malformed_joins_name_the_part_and_the_fix() {
    has(
        &refused("arrivals_india_mbd < 1.2 and"),
        &[
            "nothing after `and`",
            "'arrivals_india_mbd < 1.2 and brent_usd_bbl > 90'",
        ],
    );
    has(
        &refused("or brent_usd_bbl > 90"),
        &["nothing before `or`", "'A or B'"],
    );
    has(
        &refused("brent_usd_bbl > 90 and and flow_india_mbd < 1"),
        &["nothing before `and`"],
    );
    has(
        &refused("brent_usd_bbl > 90 && flow_india_mbd < 1"),
        &["write `and` for `&&`"],
    );
    has(
        &refused("brent_usd_bbl > 90 || flow_india_mbd < 1"),
        &["write `or` for `||`"],
    );
    has(
        &refused("brent_usd_bbl > 90 and flow_india_mbd < 1 or flow_china_mbd < 1"),
        &["both `and` and `or`"],
    );
    has(
        &refused("arrivals_india_mbd < 1.2 for 3 months and urals_discount_usd_bbl > 20"),
        &[
            "applies to the whole condition",
            "'arrivals_india_mbd < 1.2 and urals_discount_usd_bbl > 20 for 3 months'",
        ],
    );
}

#[test]
fn a_bad_side_gets_its_own_error_and_the_whole_text() {
    has(
        &refused("arrivals_india_mbd < 1.2 and urals_discont_usd_bbl > 20"),
        &[
            "--prob `urals_discont_usd_bbl > 20`: no output variable `urals_discont_usd_bbl`",
            "urals_discount_usd_bbl",
            "(a side of --prob `arrivals_india_mbd < 1.2 and urals_discont_usd_bbl > 20`)",
        ],
    );
    has(
        &refused("arrivals_india_mbd < 1.2 and urals_discount_usd_bbl >= lots"),
        &[
            "`lots` after `>=` is not a finite number",
            "a side of --prob",
        ],
    );
    has(
        &refused("total(brent_usd_bbl, 2026) > 80 and mean(brent_usd_bbl, 2026) > 70"),
        &["'mean(brent_usd_bbl, 2026) …'", "a side of --prob"],
    );
    has(
        &refused("total(flow_india_mbd, 2026) > 80 and mean(brent_usd_bbl, 2031) > 70"),
        &["2031", "a side of --prob"],
    );
}

/// A streak longer than the run is refused for a compound as for one condition.
#[test]
fn a_compound_streak_longer_than_the_run_is_refused() {
    let a = Command::cargo_bin("sanctions-sim")
        .unwrap()
        .args([
            "run",
            "scenarios/summit_failure.toml",
            "--paths",
            "10",
            "--months",
            "6",
        ])
        .args(["--quiet", "--out", "/nonexistent/never-written", "--prob"])
        .arg("brent_usd_bbl > 90 or flow_india_mbd < 1 for 7 months")
        .assert()
        .code(1);
    let m = String::from_utf8_lossy(&a.get_output().stderr).into_owned();
    has(&m, &["`for 7 months` is longer than the run's 6 months"]);
}
