//! D143 (hostile report, finding 3): a buyer's or basin's `report_as` starts output variable names,
//! so it follows the rules of `[[output]] variable`: `[a-z][a-z0-9_]*`, at most 32 characters,
//! and unique. A bad one is a load error at its line and column with a fix.

use super::{extending, rejected};
use std::fs;
use std::path::{Path, PathBuf};

/// A scenario in `dir` on a copy of the shipped market file whose `report_as = "<from>"`
/// line reads `report_as = <to>` (a TOML string literal), and the edited line's number.
fn with_report_as(dir: &Path, from: &str, to: &str) -> (PathBuf, usize) {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/market/default.toml");
    let text = fs::read_to_string(shipped).unwrap();
    let needle = format!("report_as = \"{from}\"");
    let line = text.lines().position(|l| l.trim() == needle).unwrap() + 1;
    let edited: Vec<String> = text
        .lines()
        .map(|l| {
            if l.trim() == needle {
                format!("report_as = {to}")
            } else {
                l.to_string()
            }
        })
        .collect();
    fs::write(dir.join("m.toml"), edited.join("\n")).unwrap();
    (extending(dir, "s", "market = \"m.toml\""), line)
}

#[test]
fn duplicate_buyer_report_as_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let (f, line) = with_report_as(d.path(), "china", "\"india\"");
    let err = rejected(
        &f,
        &[
            "error[buyer.report_as]",
            "report_as \"india\" is already the name of buyer `IN`",
            "give each buyer its own `report_as`",
        ],
    );
    assert!(err.contains(&format!("m.toml:{line}:13")), "{err}");
}

#[test]
fn duplicate_basin_report_as_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let (f, line) = with_report_as(d.path(), "espo", "\"urals\"");
    let err = rejected(
        &f,
        &["error[basin.report_as]", "report_as \"urals\" is already"],
    );
    assert!(err.contains(&format!("m.toml:{line}:13")), "{err}");
}

#[test]
fn buyer_and_basin_sharing_a_name_is_refused() {
    let d = tempfile::tempdir().unwrap();
    let (f, _) = with_report_as(d.path(), "china", "\"espo\"");
    rejected(&f, &["error[buyer.report_as]", "also the name of basin"]);
}

#[test]
fn unusable_report_as_names_are_refused() {
    for (bad, shown) in [
        (r#""../../evil""#, "../../evil"),
        (r#""""#, "report_as \"\""),
        (r#""CHINA""#, "CHINA"),
        (r#""中国""#, r"\u{4e2d}\u{56fd}"),
        (r#""=cmd|calc""#, "=cmd|calc"),
        (r#""9lives""#, "9lives"),
        (r#""a_very_long_name_that_goes_on_and_on""#, "a_very_long"),
    ] {
        let d = tempfile::tempdir().unwrap();
        let (f, line) = with_report_as(d.path(), "china", bad);
        let err = rejected(
            &f,
            &[
                "error[buyer.report_as]",
                shown,
                "lower-case letters, digits or `_`, starting with a letter",
                "e.g. `report_as = \"",
            ],
        );
        assert!(err.contains(&format!("m.toml:{line}:13")), "{bad}: {err}");
    }
}
