//! Hostile round 12, limits and messages: a partial's diagnostics are the counters a run writes,
//! each bounded (F2); no help asks for a run longer than a run can be (F3); a period probability's
//! period is checked before its variable's unit (F4); what `run --shard` writes, `merge` reads
//! (F6).

mod common;
use common::*;
use std::path::{Path, PathBuf};

fn baseline() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml")
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

// ---- F2: a partial's diagnostics are the run's counters, each bounded -----------------------

/// The partial of a one-shard run of the baseline, decoded.
fn a_partial(dir: &Path) -> sanctions_sim::engine::partial::Partial {
    run_small(&baseline(), dir, &["--shard", "1/1"], 0);
    let bytes = std::fs::read(dir.join("baseline.shard-1-of-1/partial.bin")).unwrap();
    sanctions_sim::engine::partial::decode(&bytes).unwrap()
}

#[test]
fn a_partial_with_an_invented_or_absurd_diagnostic_is_refused() {
    use sanctions_sim::engine::partial::{decode, encode, Partial};
    let d = tempfile::tempdir().unwrap();
    let good = a_partial(d.path());
    assert!(decode(&encode(&good)).is_ok());
    type Tamper = Box<dyn Fn(&mut Partial)>;
    let cases: Vec<(&str, Tamper)> = vec![
        // Any text went into manifest.json as a diagnostic of the run.
        (
            "`foo\\u{202e}bar`, which is not a counter a run writes",
            Box::new(|p| {
                p.header.diagnostics.insert("foo\u{202e}bar".into(), 5);
            }),
        ),
        // `max_*` were bounded by nothing.
        (
            "diagnostics `max_basin_iterations` = 18446744073709551615, expected at most 65536",
            Box::new(|p| {
                p.header
                    .diagnostics
                    .insert("max_basin_iterations".into(), u64::MAX);
            }),
        ),
        (
            "`max_brent_iterations` = 9223372036854775808",
            Box::new(|p| {
                p.header
                    .diagnostics
                    .insert("max_brent_iterations".into(), 1 << 63);
            }),
        ),
        // The header's own version against the file's first bytes.
        (
            "format_version = 4 in the header, 3 in the file's first bytes",
            Box::new(|p| p.header.format_version = 4),
        ),
        // Shown compactly, not as 309 digits.
        (
            "wall_seconds = 1e308, expected",
            Box::new(|p| p.header.wall_seconds = 1e308),
        ),
    ];
    for (want, tamper) in cases {
        let mut p = good.clone();
        tamper(&mut p);
        let e = decode(&encode(&p))
            .err()
            .unwrap_or_else(|| panic!("{want}: accepted"))
            .to_string();
        assert!(e.contains(want), "{want}:\n{e}");
        assert!(!e.contains('\u{202e}'), "{e}");
    }
    // A partial of a build without a newer counter still merges: a key may be missing.
    let mut older = good.clone();
    older.header.diagnostics.remove("tree_exit_limit_hits");
    assert!(decode(&encode(&older)).is_ok());
}

// ---- F3: no help asks for more months than a run can have -----------------------------------

#[test]
fn helps_never_ask_for_a_run_longer_than_a_run_can_be() {
    let d = tempfile::tempdir().unwrap();
    let p = write_extending(
        d.path(),
        "t_far",
        r#"[scenario]
name = "t_far"
months = 6
[[event]]
date = "2025-09-01"
lever = "cap.us_usd"
value = 50
lag_months = { lognormal = [10, 3] }
[[event]]
date = "2025-09-01"
lever = "cap.eu_usd"
value = 50
lag_months = 1e18
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = { lognormal = [700, 10] }, to = "b" }]
actions = [{ lever = "tariff.CN.rate", value = 0.5, after_months = 1e18 }]
[[tree.node]]
id = "b"
"#,
    );
    let err = expect(sim().arg("validate").arg(&p), 0);
    for refused in ["--months 1201", "--months 1202", "months = 1201"] {
        assert!(!err.contains(refused), "{refused}:\n{err}");
    }
    // The event's lag, the node's exit and the action's delay: each says no run reaches it.
    assert_eq!(err.matches("no run reaches").count(), 3, "{err}");
    assert!(
        err.contains(
            "shorten its `lag_months`: no run reaches 2125-09 (the longest run from 2025-08 \
             is 1200 months, to 2125-07)"
        ),
        "{err}"
    );
    assert!(
        err.contains("shorten its `after_months`: no run reaches"),
        "{err}"
    );
    assert!(err.contains("shorten those lags: no run reaches"), "{err}");
    // The event that never takes effect: raising `months` cannot help either.
    assert!(
        err.contains("`lag_months` is in months; shorten it to at most 4 months\n"),
        "{err}"
    );
    // Within reach, the help still names the months to run.
    let near = write_extending(
        d.path(),
        "t_near",
        "[scenario]\nname = \"t_near\"\nmonths = 6\n[[event]]\ndate = \"2025-09-01\"\n\
         lever = \"cap.us_usd\"\nvalue = 50\nlag_months = { uniform = [0, 9] }\n",
    );
    let err = expect(sim().arg("validate").arg(&near), 0);
    assert!(
        err.contains("run at least 11 months (`months = 11` in the file, or `--months 11`) to include every date it can take, or shorten its `lag_months`"),
        "{err}"
    );
}

// ---- F4: a period probability's period before its unit --------------------------------------

#[test]
fn a_total_of_a_price_over_a_bad_period_names_the_period() {
    let d = tempfile::tempdir().unwrap();
    for (prob, want) in [
        (
            "total(brent_usd_bbl, 2026-13) > 1",
            "the period `2026-13` is not a year",
        ),
        (
            "total(brent_usd_bbl, 2025, 2026) > 1",
            "the period `2025,2026` is not a year",
        ),
        ("total(brent_usd_bbl, 1999) > 1", "has no month of 1999"),
    ] {
        let err = run_small(&baseline(), d.path(), &["--prob", prob], 1);
        assert!(err.contains(want), "{prob}:\n{err}");
        assert!(!err.contains("not totalled"), "{prob}:\n{err}");
    }
    // A good period: the unit is still named, with a `mean` that works as written.
    let err = run_small(
        &baseline(),
        d.path(),
        &["--prob", "total(brent_usd_bbl, 2025) > 1"],
        1,
    );
    assert!(
        err.contains("write 'mean(brent_usd_bbl, 2025) …' for its day-weighted average"),
        "{err}"
    );
}

// ---- F6: what a shard writes, merge reads ---------------------------------------------------

#[test]
fn more_probabilities_than_a_partial_holds_are_refused_before_simulating() {
    let d = tempfile::tempdir().unwrap();
    let probs: Vec<String> = (1..=1025)
        .flat_map(|i| ["--prob".to_string(), format!("brent_usd_bbl>{i}")])
        .collect();
    let probs: Vec<&str> = probs.iter().map(String::as_str).collect();
    for shard in [&["--shard", "1/1"][..], &[][..]] {
        let args: Vec<&str> = probs.iter().copied().chain(shard.iter().copied()).collect();
        let err = run_small(&baseline(), d.path(), &args, 1);
        assert!(
            err.contains("1025 different probabilities asked, at most 1024"),
            "{err}"
        );
        assert!(names(d.path()).is_empty(), "{:?}", names(d.path()));
    }
    // 1,024 is the most, and its shard merges (repeats do not count).
    let mut args: Vec<&str> = probs[..2048].to_vec();
    args.extend(["--prob", "brent_usd_bbl>1.0", "--shard", "1/1"]);
    run_small(&baseline(), d.path(), &args, 0);
    let merged = d.path().join("merged");
    expect(
        sim()
            .arg("merge")
            .arg(d.path().join("baseline.shard-1-of-1"))
            .args(["--quiet", "--no-charts", "--no-report", "--out"])
            .arg(&merged),
        0,
    );
    assert!(merged.join("baseline/probabilities.csv").is_file());
}

#[test]
fn a_market_with_more_variables_than_a_partial_holds_is_not_sharded() {
    let d = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let market = std::fs::read_to_string(root.join("scenarios/market/default.toml")).unwrap();
    // 600 more buyers, each with a route from both basins: 5,522 output variables.
    let mut buyers = String::new();
    let mut routes = String::new();
    for i in 0..600 {
        buyers += &format!(
            "[[buyer]]\nid = \"X{i}\"\nname = \"x{i}\"\nalt_premium_usd = 0.5\n\
             sdn_averse_share = 0.0\ntariff_risk_wedge_usd = 0.0\ncapacity_scale = 1.0\n\n"
        );
        for b in ["W", "E"] {
            routes += &format!(
                "\n[[route]]\nfrom = \"{b}\"\nto = \"X{i}\"\ncapacity_mbd = 0.001\n\
                 half_saving_usd = 1.0\ndispersion_usd = 2.0\nfreight_usd = 3.0\n\
                 insurance_usd = 0.5\nround_trip_months = 1.0\n"
            );
        }
    }
    let at = market.find("\n[[route]]\n").unwrap() + 1;
    let big = format!("{}{buyers}{}{routes}", &market[..at], &market[at..]);
    std::fs::write(d.path().join("big.toml"), big).unwrap();
    let sc = write_extending(
        d.path(),
        "t_big",
        "[scenario]\nname = \"t_big\"\nmarket = \"big.toml\"\n",
    );
    let vars = sanctions_sim::engine::vars::variables(&loaded_ok(&sc).market).len();
    assert!(vars > sanctions_sim::engine::partial::MAX_VARS, "{vars}");
    let out = d.path().join("out");
    let err = run_small(&sc, &out, &["--shard", "1/2"], 1);
    assert!(
        err.contains(&format!(
            "--shard: its market file gives {vars} output variables, and a shard's partial \
             result holds at most 4096"
        )),
        "{err}"
    );
    assert!(names(&out).is_empty(), "{:?}", names(&out));
    // A plain run has no such limit.
    run_small(&sc, &out, &[], 0);
    assert!(out.join("t_big/summary.csv").is_file());
}

fn loaded_ok(p: &Path) -> sanctions_sim::scenario::Scenario {
    sanctions_sim::scenario::load(p).unwrap_or_else(|e| panic!("{e}"))
}

// ---- F7: a shard's folder and the backtest's are result folders too --------------------------

#[test]
fn no_result_is_written_inside_a_shard_or_backtest_folder_nor_deleted_with_it() {
    let d = tempfile::tempdir().unwrap();
    run_small(&baseline(), d.path(), &["--shard", "1/1"], 0);
    let shard = d.path().join("baseline.shard-1-of-1");
    // `run` and `merge` into the shard's folder: a later `--force` of the shard deleted it.
    let err = run_small(&baseline(), &shard, &[], 1);
    assert!(
        err.contains("is inside the result folder")
            && err.contains("(it holds a shard's partial.bin)"),
        "{err}"
    );
    let err = expect(
        sim()
            .arg("merge")
            .arg(&shard)
            .args(["--quiet", "--no-charts", "--no-report", "--out"])
            .arg(shard.join("merged")),
        1,
    );
    assert!(err.contains("(it holds a shard's partial.bin)"), "{err}");
    assert_eq!(names(&shard), ["partial.bin"]);
    // Something of the user's in it: `--force` of the shard names it and keeps it.
    std::fs::write(shard.join("notes.txt"), "mine").unwrap();
    let err = run_small(&baseline(), d.path(), &["--shard", "1/1", "--force"], 1);
    assert!(
        err.contains("holds notes.txt that is not part of its result (a shard's folder holds only partial.bin, not it)"),
        "{err}"
    );
    assert_eq!(names(&shard), ["notes.txt", "partial.bin"]);
    // A file that only has the name is not a shard's.
    let plain = d.path().join("plain");
    std::fs::create_dir(&plain).unwrap();
    std::fs::write(plain.join("partial.bin"), "not a partial").unwrap();
    run_small(&baseline(), &plain.join("out"), &[], 0);
    // The backtest's folder, by its report.csv's header.
    let bt = d.path().join("bt/backtest");
    std::fs::create_dir_all(&bt).unwrap();
    std::fs::write(
        bt.join("report.csv"),
        "target,source,date,observed,unit,model_p10,model_p50,model_p90,tolerance,pass\n",
    )
    .unwrap();
    let err = run_small(&baseline(), &bt.join("runs"), &[], 1);
    assert!(
        err.contains("(it holds the backtest's report.csv)"),
        "{err}"
    );
}

#[test]
fn a_copy_of_the_backtest_report_elsewhere_does_not_make_a_result_folder() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("report.csv"),
        "target,source,date,observed,unit,model_p10,model_p50,model_p90,tolerance,pass\n",
    )
    .unwrap();
    run_small(&baseline(), &d.path().join("out"), &[], 0);
}
