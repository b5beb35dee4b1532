//! Walkthrough 11 #7: `validate` printed `ok: <file>` before the file's warnings, so on a
//! terminal a warning scrolled under a bare "ok". The warnings and notes now come first, and
//! the file's `ok` line counts them.

use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

/// (stdout, stderr) of `validate` on a scenario extending the baseline with `body`.
fn validate(body: &str) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let p = dir.path().join("child.toml");
    std::fs::write(
        &p,
        format!(
            "extends = \"{}\"\n[scenario]\nname = \"child\"\n{body}",
            base.display()
        ),
    )
    .unwrap();
    let o = Command::new(BIN).arg("validate").arg(&p).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (
        String::from_utf8(o.stdout).unwrap(),
        String::from_utf8(o.stderr).unwrap(),
    )
}

const US_CAP: &str = "[[event]]\ndate = \"2026-03-01\"\nlever = \"cap.us_usd\"\nvalue = 30\n";
const BASE_RATE: &str =
    "[[event]]\ndate = \"2026-03-01\"\nlever = \"tariff.IN.base_rate\"\nvalue = 0.1\n";

#[test]
fn the_ok_line_counts_the_warnings_above_it() {
    let (out, err) = validate(US_CAP);
    assert!(err.starts_with("warning["), "{err}");
    assert!(out.ends_with("events; 1 warning above)\n"), "{out}");
}

#[test]
fn warnings_and_notes_are_counted_apart() {
    let (out, err) = validate(&format!("{US_CAP}{BASE_RATE}"));
    assert!(err.contains("warning[") && err.contains("note["), "{err}");
    assert!(
        out.ends_with("events; 1 warning and 1 note above)\n"),
        "{out}"
    );
}

#[test]
fn a_clean_file_has_a_plain_ok_line() {
    let (out, err) = validate("");
    assert_eq!(err, "");
    assert!(
        out.starts_with("ok: ") && out.ends_with("events)\n"),
        "{out}"
    );
}
