//! Walkthrough 11 #1: an event on a lever that nothing in the scenario reads is named by
//! `validate` (and so by `run`, `compare`, `sensitivity` and `explain`), with what would make
//! it act. Before, `validate` said `ok` and a `compare` showed exact zeros, which an analyst
//! reads as "the US lowering its cap has no effect".

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

/// Writes a scenario extending `parent` (a shipped scenario's name) with `body`.
fn child(dir: &Path, name: &str, parent: &str, body: &str) -> PathBuf {
    let base = root().join(format!("scenarios/{parent}.toml"));
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(
        &p,
        format!(
            "extends = \"{}\"\n[scenario]\nname = \"{name}\"\n{body}",
            base.display()
        ),
    )
    .unwrap();
    p
}

fn event(id: &str, lever: &str, value: &str) -> String {
    format!(
        "[[event]]\nid = \"{id}\"\ndate = \"2026-01-01\"\nlever = \"{lever}\"\nvalue = {value}\n"
    )
}

fn validate(p: &Path) -> String {
    let o = Command::new(BIN).arg("validate").arg(p).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `summary.csv` of a short run, without the rows of `skip` variables.
fn summary(p: &Path, out: &Path, skip: &[&str]) -> Vec<String> {
    let o = Command::new(BIN)
        .args([
            "run", "--paths", "64", "--months", "8", "--quiet", "--force",
        ])
        .args(["--no-charts", "--no-report", "--out"])
        .arg(out)
        .arg(p)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stem = p.file_stem().unwrap().to_str().unwrap();
    let text = std::fs::read_to_string(out.join(stem).join("summary.csv")).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !skip.iter().any(|v| l.split(',').nth(2) == Some(*v)))
        // The scenario's name leads every row.
        .map(|l| l.split_once(',').unwrap().1.to_string())
        .collect()
}

/// The warning is true: the event changes no row but `skip`'s.
fn moves_nothing(dir: &Path, parent: &str, body: &str, skip: &[&str]) {
    let plain = child(dir, "plain", parent, "");
    let with = child(dir, "with", parent, body);
    let a = summary(&plain, &dir.join("a"), skip);
    let b = summary(&with, &dir.join("b"), skip);
    assert_eq!(a.len(), b.len());
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "{body}");
    }
}

#[test]
fn a_us_cap_under_the_eu_authority_is_named_and_moves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let body = event("us30", "cap.us_usd", "30");
    let p = child(dir.path(), "us_cap", "baseline", &body);
    let out = validate(&p);
    assert!(out.contains("warning[event[1]]: `cap.us_usd` dated 2026-01-01 moves nothing"));
    assert!(out.contains("`cap.authority` is `eu`"), "{out}");
    assert!(out.contains("cap.authority = \\\"us\\\"") || out.contains("cap.authority = \"us\""));
    moves_nothing(
        dir.path(),
        "baseline",
        &body,
        &["cap_us_in_force_usd_bbl", "cap_us_none_share"],
    );
}

#[test]
fn a_us_cap_with_an_authority_that_reads_it_is_not_named() {
    let dir = tempfile::tempdir().unwrap();
    for auth in ["us", "min"] {
        let body = format!(
            "{}{}",
            event("us30", "cap.us_usd", "30"),
            event("auth", "cap.authority", &format!("\"{auth}\""))
        );
        let out = validate(&child(dir.path(), "us_cap", "baseline", &body));
        assert!(!out.contains("moves nothing"), "{auth}: {out}");
    }
    // The G7's joint cap: both levers on one day at one value.
    let body = format!(
        "{}{}",
        event("eu55", "cap.eu_usd", "55"),
        event("us55", "cap.us_usd", "55")
    );
    let out = validate(&child(dir.path(), "joint", "baseline", &body));
    assert!(!out.contains("moves nothing"), "{out}");
}

#[test]
fn compliance_without_an_authority_wave_is_named_and_moves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let body = event("c1", "compliance.IN.share", "1.0");
    let out = validate(&child(dir.path(), "comp", "baseline", &body));
    assert!(
        out.contains("`compliance.IN.share` dated 2026-01-01 moves nothing"),
        "{out}"
    );
    moves_nothing(dir.path(), "baseline", &body, &[]);
    // summit_failure's US wave reads it.
    let out = validate(&child(dir.path(), "comp2", "summit_failure", &body));
    assert!(!out.contains("moves nothing"), "{out}");
    // So does a wave written in the same file, after it.
    let wave = "[[event]]\nid = \"w\"\ndate = \"2026-03-01\"\nlever = \"sdn.wave\"\n\
                value = { add_share = 0.2, wind_down_months = 1, authority = \"uk\" }\n";
    let out = validate(&child(
        dir.path(),
        "comp3",
        "baseline",
        &format!("{body}{wave}"),
    ));
    assert!(!out.contains("moves nothing"), "{out}");
}

#[test]
fn tariff_sizes_without_a_tariff_are_named_and_move_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let body = event("x", "tariff.IN.exposed_exports_bn", "200");
    let out = validate(&child(dir.path(), "exp", "baseline", &body));
    assert!(
        out.contains("`tariff.IN.exposed_exports_bn` dated 2026-01-01 moves nothing"),
        "{out}"
    );
    assert!(out.contains("`tariff.IN.rate`"), "{out}");
    moves_nothing(dir.path(), "baseline", &body, &[]);
    let snap = event("s", "tariff.IN.snapback_prob", "0.9");
    let out = validate(&child(dir.path(), "snap", "baseline", &snap));
    assert!(out.contains("`tariff.IN.snapback_prob` dated 2026-01-01 moves nothing"));
    // summit_failure's penalty tariff on India reads both.
    for b in [&body, &snap] {
        let out = validate(&child(dir.path(), "exp2", "summit_failure", b));
        assert!(!out.contains("moves nothing"), "{out}");
    }
}

#[test]
fn a_carrot_for_a_buyer_without_a_stance_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let body = event("k", "carrot.TR.value_bn", "15");
    let out = validate(&child(dir.path(), "tr", "baseline", &body));
    assert!(
        out.contains("`carrot.TR.value_bn` dated 2026-01-01 moves no flow or price"),
        "{out}"
    );
    assert!(out.contains("no `[buyer.stance]`"), "{out}");
    moves_nothing(dir.path(), "baseline", &body, &[]);
    // Forcing a stance Turkey does not have is named too, and moves nothing.
    let halt = event("h", "stance.TR.force", "\"halt\"");
    let out = validate(&child(dir.path(), "trh", "baseline", &halt));
    assert!(
        out.contains("`stance.TR.force` dated 2026-01-01 moves no flow or price"),
        "{out}"
    );
    moves_nothing(dir.path(), "baseline", &halt, &[]);
    // India has a stance: its carrot acts.
    let out = validate(&child(
        dir.path(),
        "in",
        "baseline",
        &event("k", "carrot.IN.value_bn", "15"),
    ));
    assert!(!out.contains("moves no flow"), "{out}");
    // A wildcard names no buyer: its copies are not named one by one.
    let out = validate(&child(
        dir.path(),
        "all",
        "baseline",
        &event("k", "carrot.*.value_bn", "15"),
    ));
    assert!(!out.contains("moves no flow"), "{out}");
}

#[test]
fn review_settings_without_a_dynamic_cap_are_named() {
    let dir = tempfile::tempdir().unwrap();
    // `remove_events` is a top-level key: it must come before `[scenario]`.
    let p = dir.path().join("nodyn.toml");
    std::fs::write(
        &p,
        format!(
            "extends = \"{}\"\nremove_events = [\"cap.eu_mode@2025-09-03\"]\n[scenario]\n\
             name = \"nodyn\"\n{}",
            root().join("scenarios/baseline.toml").display(),
            event("f", "cap.eu_dyn_factor", "0.6")
        ),
    )
    .unwrap();
    let out = validate(&p);
    assert!(
        out.contains("`cap.eu_dyn_factor` dated 2026-01-01 moves nothing"),
        "{out}"
    );
    // The baseline's dynamic cap reads it.
    let out = validate(&child(
        dir.path(),
        "dyn",
        "baseline",
        &event("f", "cap.eu_dyn_factor", "0.6"),
    ));
    assert!(!out.contains("moves nothing"), "{out}");
}

#[test]
fn a_base_rate_is_noted_unless_its_note_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let out = validate(&child(
        dir.path(),
        "b",
        "baseline",
        &event("b", "tariff.IN.base_rate", "0.18"),
    ));
    assert!(
        out.contains("note[event[1]]: `tariff.IN.base_rate` dated 2026-01-01 is not read"),
        "{out}"
    );
    let body = format!(
        "{}note = \"US-India deal: 18%, reported only\"\n",
        event("b", "tariff.IN.base_rate", "0.18")
    );
    let out = validate(&child(dir.path(), "b2", "baseline", &body));
    assert!(!out.contains("is not read"), "{out}");
}

#[test]
fn no_shipped_scenario_is_named() {
    for dir in ["scenarios", "scenarios/history"] {
        let out = Command::new(BIN)
            .arg("validate")
            .arg(root().join(dir))
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stderr);
        assert!(!text.contains("moves nothing"), "{dir}: {text}");
        assert!(!text.contains("moves no flow"), "{dir}: {text}");
        assert!(!text.contains("is not read by the model"), "{dir}: {text}");
    }
}
