//! Broken scenario files each give one clear error naming the file, `line:col` and the key.

mod common;
use common::{load_with_market, market_diagnostic};
use sanctions_sim::scenario::{self, LoadError};
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/broken")
        .join(name)
}

fn load_err(name: &str) -> (LoadError, String) {
    match scenario::load(&fixture(name)) {
        Ok(s) => panic!("{name} loaded, but it is broken: {s:?}"),
        Err(e) => {
            let text = e.to_string();
            (e, text)
        }
    }
}

/// Asserts the rendered error names `file`, `file:line:col` and `key`, and contains `also`.
fn check(name: &str, at_file: &str, line_col: &str, key: &str, also: &[&str]) {
    let (e, text) = load_err(name);
    assert!(
        text.contains(at_file),
        "{name}: no file name `{at_file}` in\n{text}"
    );
    assert!(
        text.contains(&format!("{at_file}:{line_col}")),
        "{name}: no `{at_file}:{line_col}` in\n{text}"
    );
    assert!(text.contains(key), "{name}: no key `{key}` in\n{text}");
    for a in also {
        assert!(text.contains(a), "{name}: no `{a}` in\n{text}");
    }
    let d = e
        .diagnostics
        .iter()
        .find(|d| d.key.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("{name}: no diagnostic with key `{key}`: {text}"));
    assert_eq!(format!("{}:{}", d.line, d.col), line_col, "{name}");
    assert!(d.file.ends_with(at_file), "{name}: {}", d.file.display());
}

#[test]
fn unknown_key() {
    check(
        "unknown_key.toml",
        "unknown_key.toml",
        "4:1",
        "scenario.monhts",
        &["did you mean `months`?"],
    );
    // The typo is not also reported as a missing `months`.
    let (e, _) = load_err("unknown_key.toml");
    assert_eq!(e.diagnostics.len(), 1);
}

#[test]
fn unknown_lever_with_suggestion() {
    check(
        "unknown_lever.toml",
        "unknown_lever.toml",
        "14:9",
        "event[1].lever",
        &[
            "unknown lever `tarif.IN.rate`",
            "did you mean `tariff.IN.rate`?",
            "^^^^^^^^^^^^^^^",
        ],
    );
}

#[test]
fn bad_distribution() {
    check(
        "bad_distribution.toml",
        "bad_distribution.toml",
        "15:9",
        "event[1].value",
        &["lo <= mode <= hi"],
    );
}

#[test]
fn prob_out_of_range() {
    check(
        "prob_out_of_range.toml",
        "prob_out_of_range.toml",
        "16:8",
        "event[1].prob",
        &["[0, 1]", "1.5"],
    );
}

#[test]
fn value_out_of_lever_range() {
    check(
        "value_out_of_range.toml",
        "value_out_of_range.toml",
        "15:9",
        "event[1].value",
        &["[0, 5]", "7.5"],
    );
}

#[test]
fn ramp_without_months() {
    check(
        "ramp_without_months.toml",
        "ramp_without_months.toml",
        "15:10",
        "event[1].months",
        &["needs `months`", "add `months = 3`"],
    );
}

#[test]
fn extends_cycle() {
    check(
        "cycle_a.toml",
        "cycle_b.toml",
        "2:11",
        "extends",
        &["cycle", "cycle_a.toml →"],
    );
}

#[test]
fn missing_required_key() {
    check(
        "missing_required_key.toml",
        "missing_required_key.toml",
        "2:1",
        "scenario.seed",
        &["missing required key", "add `seed = 42`"],
    );
}

#[test]
fn bad_date() {
    check(
        "bad_date.toml",
        "bad_date.toml",
        "13:8",
        "event[1].date",
        &["2025-02-30", "day must be"],
    );
    check(
        "unquoted_date.toml",
        "unquoted_date.toml",
        "13:8",
        "event[1].date",
        &[
            "must be a string",
            "quote the date: `date = \"2025-09-01\"`",
        ],
    );
}

#[test]
fn date_after_horizon() {
    check(
        "date_after_horizon.toml",
        "date_after_horizon.toml",
        "13:8",
        "event[1].date",
        &["after the end of the horizon", "2027-07"],
    );
}

#[test]
fn bad_enum_value() {
    check(
        "bad_enum_value.toml",
        "bad_enum_value.toml",
        "15:9",
        "event[1].value",
        &["`dynamc`", "did you mean `dynamic`?"],
    );
}

#[test]
fn bad_action_for_kind() {
    check(
        "bad_action_for_kind.toml",
        "bad_action_for_kind.toml",
        "15:10",
        "event[1].action",
        &["`add` is not allowed", "set, pulse"],
    );
}

#[test]
fn unknown_param_name() {
    check(
        "unknown_param.toml",
        "unknown_param.toml",
        "13:1",
        "params.kapa",
        &["unknown parameter `kapa`", "did you mean `kappa`?"],
    );
}

/// Fixtures whose error is about the file as a whole, not a key: TOML syntax, bad UTF-8.
const KEYLESS: &[&str] = &["syntax_error.toml", "not_utf8.toml"];

#[test]
fn every_broken_fixture_fails_and_renders_rustc_style() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let files = scenario::discover(&dir).unwrap();
    assert!(files.len() >= 30, "{files:?}");
    for f in files {
        let e = scenario::load(&f).expect_err(&f.display().to_string());
        assert!(!e.diagnostics.is_empty());
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for d in &e.diagnostics {
            assert!(d.line >= 1 && d.col >= 1, "{d:?}");
            assert!(
                d.key.is_some() || KEYLESS.contains(&name.as_str()),
                "{}: every fixture error names a key: {d}",
                f.display()
            );
            assert!(
                d.help.is_some(),
                "{}: every error suggests a fix: {d}",
                f.display()
            );
            let s = d.to_string();
            assert!(s.starts_with("error"), "{s}");
            assert!(s.contains(" --> "), "{s}");
        }
    }
}

/// The rendered error with the absolute checkout prefix removed.
fn normalised(e: &LoadError) -> String {
    let root = format!("{}/", env!("CARGO_MANIFEST_DIR"));
    format!("{e}\n").replace(&root, "")
}

/// Snapshot test: each `tests/fixtures/broken/<name>.toml` renders exactly
/// `tests/fixtures/broken/<name>.expected`. Run with `UPDATE_EXPECT=1` to rewrite the
/// snapshots after a deliberate change of wording (and review the diff).
#[test]
fn broken_fixtures_match_their_expected_messages() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    let files = scenario::discover(&dir).unwrap();
    for f in &files {
        let got = normalised(&scenario::load(f).expect_err(&f.display().to_string()));
        let want_path = f.with_extension("expected");
        if update {
            std::fs::write(&want_path, &got).unwrap();
            continue;
        }
        let want = std::fs::read_to_string(&want_path)
            .unwrap_or_else(|e| panic!("{}: {e} (run with UPDATE_EXPECT=1)", want_path.display()));
        if got != want {
            failures.push(format!(
                "{}:\n--- expected\n{want}--- got\n{got}",
                f.display()
            ));
        }
    }
    // No stale snapshots.
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "expected") {
            assert!(
                p.with_extension("toml").exists(),
                "{}: snapshot without a fixture",
                p.display()
            );
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// Like [`check`] for an error that names no key (syntax, encoding).
fn check_keyless(name: &str, line_col: &str, also: &[&str]) {
    let (e, text) = load_err(name);
    assert!(
        text.contains(&format!("{name}:{line_col}")),
        "{name}: no `{name}:{line_col}` in\n{text}"
    );
    for a in also {
        assert!(text.contains(a), "{name}: no `{a}` in\n{text}");
    }
    assert_eq!(e.diagnostics.len(), 1, "{text}");
    assert_eq!(e.diagnostics[0].key, None);
}

/// One fixture, one test: `case!(test_name, "fixture.toml", "line:col", "key", [also...])`;
/// the error is in the fixture itself.
macro_rules! case {
    ($t:ident, $file:literal, $lc:literal, $key:literal, [$($also:literal),* $(,)?]) => {
        #[test]
        fn $t() {
            check($file, $file, $lc, $key, &[$($also),*]);
        }
    };
}

#[test]
fn toml_syntax_error() {
    check_keyless(
        "syntax_error.toml",
        "7:24",
        &[
            "TOML syntax error",
            "description = \"unclosed",
            "close the string",
        ],
    );
}

#[test]
fn not_utf8() {
    check_keyless(
        "not_utf8.toml",
        "16:12",
        &["is not valid UTF-8", "save the file as UTF-8"],
    );
}

case!(
    unknown_top_level_key,
    "unknown_top_key.toml",
    "12:2",
    "parmas",
    [
        "unknown key `parmas` at the top level",
        "did you mean `params`?"
    ]
);
case!(
    unknown_brent_key,
    "unknown_brent_key.toml",
    "11:1",
    "brent.f42",
    ["unknown key `f42` in [brent]", "did you mean `f24`?"]
);
case!(
    wildcard_matching_nothing,
    "wildcard_no_match.toml",
    "14:9",
    "event[1].lever",
    [
        "no lever matches the pattern `tariff.*.rat`",
        "did you mean `tariff.*.rate`?"
    ]
);
case!(
    bad_date_format,
    "bad_date_format.toml",
    "13:8",
    "event[1].date",
    [
        "`YYYY-MM` or `YYYY-MM-DD`",
        "2025/09/01",
        "write `date = \"2025-08-27\"`"
    ]
);
case!(
    start_is_not_a_month,
    "bad_start.toml",
    "3:9",
    "scenario.start",
    ["expected a month `YYYY-MM`", "write `start = \"2025-08\"`"]
);
case!(
    months_zero,
    "months_zero.toml",
    "4:10",
    "scenario.months",
    ["between 1 and 1200, got 0", "months = 36"]
);
case!(
    months_too_many,
    "months_too_many.toml",
    "4:10",
    "scenario.months",
    ["between 1 and 1200, got 2000", "^^^^"]
);
case!(
    months_wrong_type,
    "months_wrong_type.toml",
    "4:10",
    "scenario.months",
    ["must be a whole number, got a string", "months = 36"]
);
case!(
    paths_zero,
    "paths_zero.toml",
    "5:9",
    "scenario.paths",
    ["must be at least 1, got 0", "paths = 10000"]
);
case!(
    seed_negative,
    "seed_negative.toml",
    "6:8",
    "scenario.seed",
    [">= 0, got -1", "seed = 42"]
);
case!(
    bad_scenario_name,
    "bad_name.toml",
    "3:8",
    "scenario.name",
    ["letters, digits", "name = \"tariff_IN_50pct\""]
);
case!(
    missing_start,
    "missing_start.toml",
    "2:1",
    "scenario.start",
    [
        "missing required key `scenario.start`",
        "add `start = \"2025-08\"` under [scenario]"
    ]
);
case!(
    missing_months,
    "missing_months.toml",
    "2:1",
    "scenario.months",
    [
        "missing required key `scenario.months`",
        "add `months = 36`"
    ]
);
case!(
    missing_paths,
    "missing_paths.toml",
    "2:1",
    "scenario.paths",
    [
        "missing required key `scenario.paths`",
        "add `paths = 10000`"
    ]
);
case!(
    missing_market,
    "missing_market.toml",
    "2:1",
    "scenario.market",
    [
        "missing required key `scenario.market`",
        "add `market = \"market/default.toml\"`"
    ]
);
case!(
    missing_p0,
    "missing_p0.toml",
    "9:1",
    "brent.p0",
    [
        "missing required key `brent.p0`",
        "add `p0 = 71.04` under [brent]"
    ]
);
case!(
    p0_negative,
    "p0_negative.toml",
    "10:6",
    "brent.p0",
    ["finite number > 0", "got -5", "p0 = 71.04"]
);
case!(
    unknown_distribution_name,
    "unknown_dist_name.toml",
    "15:9",
    "event[1].value",
    [
        "unknown distribution `trii`",
        "did you mean `tri`? write `{ tri = [lo, mode, hi] }`"
    ]
);
case!(
    wrong_number_of_dist_params,
    "dist_param_count.toml",
    "15:17",
    "event[1].value",
    [
        "`tri` takes 3 numbers (`[lo, mode, hi]`), got 2 numbers",
        "write `{ tri = [lo, mode, hi] }`"
    ]
);
case!(
    uniform_lo_above_hi,
    "uniform_lo_gt_hi.toml",
    "15:9",
    "event[1].value",
    ["uniform needs lo <= hi", "[0.5, 0.1]", "with lo <= hi"]
);
case!(
    beta_a_not_positive,
    "beta_nonpositive.toml",
    "13:18",
    "params.p_calm_to_turb",
    [
        "beta needs a > 0 and b > 0",
        "write `{ beta = [a, b] }` with a > 0 and b > 0"
    ]
);
case!(
    prob_distribution_outside_unit_interval,
    "prob_dist_out_of_range.toml",
    "16:8",
    "event[1].prob",
    ["must lie in [0, 1]", "uniform(0.5, 1.5)", "within [0, 1]"]
);
case!(
    none_on_a_non_cap_lever,
    "none_on_non_cap.toml",
    "15:9",
    "event[1].value",
    ["got \"none\"", "only accepted by the price-cap levers"]
);
case!(
    bool_lever_given_a_number,
    "bool_with_number.toml",
    "15:9",
    "event[1].value",
    [
        "must be true or false, got an integer",
        "write `value = true` or `value = false`"
    ]
);
case!(
    months_on_a_set,
    "months_on_non_ramp.toml",
    "17:10",
    "event[1].months",
    [
        "only allowed with action = \"ramp\", not `set`",
        "remove `months`"
    ]
);
case!(
    ramp_on_a_bool_lever,
    "ramp_on_bool.toml",
    "15:10",
    "event[1].action",
    [
        "action `ramp` is not allowed on `cap.services_ban`, a boolean lever",
        "use one of: set, pulse"
    ]
);
case!(
    unknown_action,
    "unknown_action.toml",
    "15:10",
    "event[1].action",
    ["unknown action `sett`", "did you mean `set`?"]
);
case!(
    wave_without_wind_down_months,
    "wave_without_wind_down.toml",
    "15:9",
    "event[1].value.wind_down_months",
    ["needs `wind_down_months`", "add `wind_down_months = ...`"]
);
case!(
    batch_with_bad_authority,
    "batch_bad_authority.toml",
    "15:37",
    "event[1].value.authority",
    [
        "must be \"us\", \"eu\" or \"uk\", got \"ofac\"",
        "write `authority = \"us\"`"
    ]
);
case!(
    event_without_value,
    "event_without_value.toml",
    "12:1",
    "event[1].value",
    [
        "this event has no `value`",
        "a number lever `tariff.IN.rate`"
    ]
);
case!(
    extends_to_a_missing_file,
    "extends_missing.toml",
    "2:11",
    "extends",
    [
        "does not exist",
        "no_such_parent.toml",
        "relative to the file that names it"
    ]
);
case!(
    market_file_missing,
    "market_missing.toml",
    "7:10",
    "scenario.market",
    [
        "cannot read market file",
        "no_such_market.toml",
        "relative to the file that declares"
    ]
);
case!(
    empty_file,
    "empty.toml",
    "1:1",
    "scenario",
    ["the file is empty", "`extends = \"baseline.toml\"`"]
);

#[test]
fn misspelt_event_key_is_not_also_missing() {
    check(
        "unknown_event_key.toml",
        "unknown_event_key.toml",
        "15:1",
        "event[1].valeu",
        &[
            "unknown key `valeu` in this [[event]]",
            "did you mean `value`?",
        ],
    );
    let (e, text) = load_err("unknown_event_key.toml");
    assert_eq!(e.diagnostics.len(), 1, "{text}");
}

#[test]
fn the_minimal_market_is_valid() {
    // A working leaf next to the broken ones, so the failures above are the fixtures' own.
    let dir = tempfile::tempdir().unwrap();
    let market = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/market_min.toml");
    let leaf = dir.path().join("ok.toml");
    std::fs::write(
        &leaf,
        format!(
            "[scenario]\nstart = \"2025-08\"\nmonths = 24\npaths = 100\nseed = 1\nmarket = {:?}\n\
             [brent]\np0 = 71.0\n",
            market.display().to_string()
        ),
    )
    .unwrap();
    let s = scenario::load(&leaf).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.name, "ok");
    assert_eq!(s.files.last().unwrap(), &market);
}

/// Every check of the market file's rows names the file, the line and column of the bad value
/// and its key (the class of fault: semantic checks used to point at `market.toml:1:1`).
#[test]
fn market_file_problems_name_line_column_and_key() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = std::fs::read_to_string(root.join("scenarios/market/default.toml")).unwrap();
    // (line to replace, its replacement, key, what the message says)
    let cases = [
        (
            "slate_mbd = { tri = [2.1, 2.3, 2.6] }",
            "slate_mbd = -1",
            "buyer.slate_mbd",
            "must be >= 0",
        ),
        (
            "slate_mbd = { tri = [2.1, 2.3, 2.6] }",
            "slate_mbd = { normal = [2.0, 5.0] }",
            "buyer.slate_mbd",
            "reach outside",
        ),
        (
            "compliance_share = { tri = [0.35, 0.5, 0.65] }",
            "compliance_share = 2.0",
            "buyer.compliance_share",
            "must lie in [0, 1]",
        ),
        (
            "capacity_mbd = 0.8",
            "capacity_mbd = -0.8",
            "route.capacity_mbd",
            "must be >= 0",
        ),
        (
            "to = \"TR\"",
            "to = \"TX\"",
            "route.to",
            "unknown buyer `TX`",
        ),
        // The stance sub-table: each key the model divides by or takes a share of.
        (
            "noise_bn = { uniform = [1.0, 3.0] }              # σ^pol = 1.5, U(1, 3) [A]",
            "noise_bn = 0",
            "buyer.stance.noise_bn",
            "must be > 0",
        ),
        (
            "halt_depth = { tri = [0.6, 0.8, 0.9] }",
            "halt_depth = 2",
            "buyer.stance.halt_depth",
            "must lie in [0, 1]",
        ),
        (
            "base_hazard = { uniform = [0.3, 0.8] }           # h̄ = 0.5, U(0.3, 0.8) /month [A]",
            "base_hazard = 50",
            "buyer.stance.base_hazard",
            "must lie in [0, 1]",
        ),
        (
            "political_value_bn = { uniform = [0.0, 10.0] }",
            "political_value_bn = 1e300",
            "buyer.stance.political_value_bn",
            "at most 1e6",
        ),
        (
            "dispersion_usd = 2.0",
            "dispersion_usd = 0",
            "route.dispersion_usd",
            "must lie in [0.01, 1000]",
        ),
        // D47: output names are `flow_<name>_mbd`, unique, not a route's own flow.
        (
            "variable = \"flow_turkey_mbd\"",
            "variable = \"brent_usd_bbl\"",
            "output.variable",
            "must be `flow_<name>_mbd`",
        ),
        (
            "variable = \"flow_other_mbd\"",
            "variable = \"flow_w_in_mbd\"",
            "output.variable",
            "already a route's flow variable",
        ),
    ];
    for (from, to, key, says) in cases {
        assert!(base.contains(from), "default.toml no longer has `{from}`");
        let text = base.replacen(from, to, 1);
        let (line, col) = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| (l == to).then(|| (i + 1, l.find('=').unwrap() + 3)))
            .unwrap();
        let d = market_diagnostic(&text, to, key);
        assert_eq!((d.line, d.col), (line, col), "`{to}`: {}", d.message);
        assert!(d.message.contains(says), "`{to}`: {}", d.message);
    }
}

/// D46: a term tie out of range is pointed at inside its table, with the tie's key.
#[test]
fn a_term_tie_out_of_range_names_its_key_and_value() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let base = std::fs::read_to_string(root.join("scenarios/market/default.toml")).unwrap();
    let from = "term_ties = { rosneft = { tri = [0.18, 0.25, 0.28] } }";
    assert!(base.contains(from));
    let text = base.replacen(from, "term_ties = { rosneft = 1.5, \"a b\" = 0.1 }", 1);
    let line = text
        .lines()
        .position(|l| l.starts_with("term_ties"))
        .unwrap()
        + 1;
    let e = load_with_market(&text, "term_ties");
    let find = |e: &LoadError, key: &str| {
        e.diagnostics
            .iter()
            .find(|d| d.key.as_deref() == Some(key))
            .unwrap_or_else(|| panic!("no `{key}`: {e}"))
            .clone()
    };
    let d = find(&e, "buyer.term_ties.rosneft");
    assert_eq!((d.line, d.col), (line, 25), "{e}");
    assert!(d.message.contains("must lie in [0, 1]"), "{e}");
    assert!(
        find(&e, "buyer.term_ties.a b")
            .message
            .contains("names one company"),
        "{e}"
    );
    // D47: a second output of one name is pointed at where it repeats.
    let text = base.replacen(
        "variable = \"flow_other_mbd\"",
        "variable = \"flow_india_mbd\"",
        1,
    );
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "variable = \"flow_india_mbd\"")
        .nth(1)
        .unwrap()
        .0
        + 1;
    let e = load_with_market(&text, "duplicate output");
    let d = find(&e, "output.variable");
    assert_eq!((d.line, d.col), (line, 12), "{e}");
    assert!(d.message.contains("duplicate output variable"), "{e}");
}

#[test]
fn extends_below_a_header_is_one_error_that_says_move_it_up() {
    check(
        "extends_below_header.toml",
        "extends_below_header.toml",
        "5:1",
        "scenario.extends",
        &["belongs at the top of the file", "move the line up"],
    );
    // The parent is still followed: no "missing required key" for what it gives.
    let (e, text) = load_err("extends_below_header.toml");
    assert_eq!(e.diagnostics.len(), 1, "{text}");
}

#[test]
fn a_key_below_the_wrong_header_names_its_table() {
    let (e, text) = load_err("misplaced_keys.toml");
    for (key, says) in [
        ("scenario.p0", "`p0` belongs under `[brent]`"),
        ("brent.seed", "`seed` belongs under `[scenario]`"),
        ("lever", "below its own `[[event]]` header"),
        ("mu_int", "below a `[params]` header"),
    ] {
        let d = e
            .diagnostics
            .iter()
            .find(|d| d.key.as_deref() == Some(key))
            .unwrap_or_else(|| panic!("no diagnostic for `{key}` in\n{text}"));
        assert!(d.to_string().contains(says), "{key}: {d}");
    }
    // `seed` and `p0` were written, in the wrong table: no "missing required key" for them.
    assert!(!text.contains("missing required key"), "{text}");
    assert_eq!(e.diagnostics.len(), 4, "{text}");
}
