//! Broken scenario files each give one clear error naming the file, `line:col` and the key.

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

#[test]
fn every_broken_fixture_fails_and_renders_rustc_style() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/broken");
    let files = scenario::discover(&dir).unwrap();
    assert!(files.len() >= 12, "{files:?}");
    for f in files {
        let e = scenario::load(&f).expect_err(&f.display().to_string());
        assert!(!e.diagnostics.is_empty());
        for d in &e.diagnostics {
            assert!(d.line >= 1 && d.col >= 1, "{d:?}");
            assert!(
                d.key.is_some(),
                "{}: every fixture error names a key: {d}",
                f.display()
            );
            let s = d.to_string();
            assert!(s.starts_with("error"), "{s}");
            assert!(s.contains(" --> "), "{s}");
        }
    }
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
