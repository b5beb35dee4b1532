//! What falls outside the run window [start, end] is named, never dropped in silence
//! (walkthrough findings M1 and L2; D195–D199, scenarios.md §1.4 and scenarios.md §1.8):
//! one-off actions and EU cap reviews dated before the start, a `wave_age_months` the dates
//! contradict, and lags that can carry an event or a tree node past the last month
//! (`run_window/lags.rs`). The shipped scenarios stay quiet.

mod common;

use common::{expect, sim, values_at};
use sanctions_sim::scenario::{load, overrides, window_findings, Scenario, Severity, Warning};
use std::path::{Path, PathBuf};

#[path = "run_window/lags.rs"]
mod lags;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The absolute path of a shipped scenario, as a TOML string's contents.
fn shipped(name: &str) -> String {
    root()
        .join("scenarios")
        .join(format!("{name}.toml"))
        .to_str()
        .unwrap()
        .replace('\\', "\\\\")
}

/// `<dir>/<name>.toml`: `body` under `extends` of the shipped `parent`.
fn child(dir: &Path, name: &str, parent: &str, body: &str) -> PathBuf {
    let p = dir.join(format!("{name}.toml"));
    std::fs::write(&p, format!("extends = \"{}\"\n{body}", shipped(parent))).unwrap();
    p
}

fn loaded(p: &Path) -> Scenario {
    load(p).unwrap_or_else(|e| panic!("{e}"))
}

fn of(found: &[Warning], severity: Severity) -> Vec<&Warning> {
    found.iter().filter(|w| w.severity == severity).collect()
}

/// The one finding whose message holds `text`.
fn finding<'a>(found: &'a [Warning], text: &str) -> &'a Warning {
    let hits: Vec<&Warning> = found.iter().filter(|w| w.message.contains(text)).collect();
    assert_eq!(hits.len(), 1, "`{text}` in {found:#?}");
    hits[0]
}

/// Walkthrough M1: summit_failure restarted in 2026-12.
const M1: &str = "[scenario]\nname = \"fail_from_2026_12\"\nstart = \"2026-12\"\nmonths = 12\n\
                  [brent]\np0 = 62.0\n";

#[test]
fn a_later_start_names_what_it_leaves_out() {
    let d = tempfile::tempdir().unwrap();
    let sc = loaded(&child(d.path(), "m1", "summit_failure", M1));
    let found = window_findings(&sc, sc.months);
    let batch = finding(&found, "`fleet.designation.batch` dated 2025-10-22");
    assert_eq!(batch.severity, Severity::Warning);
    assert!(batch.at.file.ends_with("summit_failure.toml"), "{batch}");
    assert!(batch.message.contains("does not fire"), "{batch}");
    let help = batch.help.as_deref().unwrap();
    assert!(
        help.contains("`lever = \"fleet.shadow_capacity\"`, `action = \"scale\"`")
            && help.contains("dated 2026-12-01")
            && help.contains("remove_events = [\"fleet.designation.batch@2025-10-22\"]"),
        "{help}"
    );
    let wave = finding(&found, "`sdn.wave` dated 2025-10-22 comes before");
    assert_eq!(wave.severity, Severity::Warning);
    assert!(wave.message.contains("no `us` authority wave"), "{wave}");
    // The risk jumps have decayed by the start: notes, not warnings.
    for date in ["2025-08-15", "2025-10-22"] {
        let jump = finding(&found, &format!("`risk_premium.jump` dated {date}"));
        assert_eq!(jump.severity, Severity::Note, "{jump}");
    }
    let cap = finding(&found, "EU dynamic cap review");
    assert_eq!(
        (cap.severity, cap.key.as_str()),
        (Severity::Warning, "scenario.start")
    );
    assert!(cap.at.file.ends_with("m1.toml"), "{cap}");
    for part in [
        "on 2026-03-03 and 2026-09-03, before the start 2026-12",
        "`cap.eu_usd = 47.6` dated 2025-09-03",
        "reviews again on 2027-03-03",
    ] {
        assert!(cap.message.contains(part), "{part}: {cap}");
    }
    assert!(cap
        .help
        .as_deref()
        .unwrap()
        .contains("two events dated 2026-09-03"));
    let age = finding(&found, "`wave_age_months` = 7");
    assert_eq!(age.key, "params.wave_age_months");
    assert!(age.message.contains("`sdn.wave` dated 2025-10-22"), "{age}");
    assert!(age
        .help
        .as_deref()
        .unwrap()
        .contains("`wave_age_months = 13.3`"));
    let later = finding(&found, "the explicit init describes the market of 2025-08");
    assert_eq!(later.severity, Severity::Note);
    assert!(later.message.contains("16 months later"), "{later}");
    assert!(
        later.message.contains("random tanker designation"),
        "{later}"
    );
    assert_eq!(of(&found, Severity::Warning).len(), 4, "{found:#?}");
}

/// The recipe of scenarios.md §1.8 as the page prints it, with `extends` made absolute.
fn recipe(dir: &Path) -> PathBuf {
    let doc = std::fs::read_to_string(root().join("docs/scenarios.md")).unwrap();
    let section = &doc[doc.find("### 1.8 ").unwrap()..];
    let section = &section[..section.find("\n## ").unwrap()];
    let block = section.split("```toml\n").nth(2).unwrap();
    let block = &block[..block.find("```").unwrap()];
    let text = block.replace(
        "extends = \"summit_failure.toml\"",
        &format!("extends = \"{}\"", shipped("summit_failure")),
    );
    let p = dir.join("recipe.toml");
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn the_recipe_of_the_docs_silences_the_warnings_and_sets_the_cap() {
    let d = tempfile::tempdir().unwrap();
    let fixed = loaded(&recipe(d.path()));
    let found = window_findings(&fixed, fixed.months);
    assert!(of(&found, Severity::Warning).is_empty(), "{found:#?}");
    assert_eq!(of(&found, Severity::Note).len(), 3, "{found:#?}");
    assert!(of(&overrides(&fixed), Severity::Warning).is_empty());
    // M1: the unfixed child starts at the $47.60 of 2025-09-03 on every path; the recipe's
    // cap is in force from the first month.
    let m1 = loaded(&child(d.path(), "m1", "summit_failure", M1));
    let cap = "cap_eu_in_force_usd_bbl";
    assert!(values_at(&m1, cap, 0, 1, 4).iter().all(|v| *v == 47.6));
    assert!(values_at(&fixed, cap, 0, 1, 4).iter().all(|v| *v == 44.5));
    // And `run` prints none of the window's findings for it (notes stay with `validate`).
    let err = expect(
        sim()
            .arg("run")
            .arg(d.path().join("recipe.toml"))
            .args(["--paths", "8", "--months", "2", "--quiet", "--no-charts"])
            .args(["--no-report", "--out"])
            .arg(d.path().join("out")),
        0,
    );
    assert!(!err.contains("warning["), "{err}");
    assert!(!err.contains("note["), "{err}");
}

#[test]
fn validate_and_run_print_them_and_explain_lists_them() {
    let d = tempfile::tempdir().unwrap();
    let p = child(d.path(), "m1", "summit_failure", M1);
    let err = expect(sim().arg("validate").arg(&p), 0);
    for part in [
        "warning[event[6]]: `fleet.designation.batch` dated 2025-10-22 comes before the start \
         2026-12 and does not fire",
        "summit_failure.toml:97:1",
        "note[event[2]]: `risk_premium.jump` dated 2025-08-15",
        "warning[scenario.start]: the EU dynamic cap review",
        "warning[params.wave_age_months]",
        "note[scenario.start]",
    ] {
        assert!(err.contains(part), "{part}:\n{err}");
    }
    let err = expect(
        sim()
            .arg("run")
            .arg(&p)
            .args(["--paths", "8", "--months", "2", "--quiet", "--no-charts"])
            .args(["--no-report", "--out"])
            .arg(d.path().join("out")),
        0,
    );
    assert!(
        err.contains("fail_from_2026_12: warning[scenario.start]: the EU dynamic cap review")
            && err.contains("fail_from_2026_12: warning[params.wave_age_months]")
            && err.contains("fail_from_2026_12: warning[event[6]]"),
        "{err}"
    );
    assert!(
        !err.contains("note["),
        "run keeps notes for validate: {err}"
    );
    let o = sim().arg("explain").arg(&p).output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    assert!(
        out.contains("fleet.designation.batch fire { share = uniform(0.03, 0.1), authority = \"us\" }  (before the start: does not fire)"),
        "{out}"
    );
    assert!(out.contains("warning[params.wave_age_months]"), "{out}");
}

#[test]
fn the_shipped_scenarios_stay_quiet() {
    let mut files = Vec::new();
    for dir in [
        "scenarios",
        "scenarios/history",
        "scenarios/history/counterfactual",
    ] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let p = e.unwrap().path();
            if p.extension().is_some_and(|x| x == "toml") {
                files.push(p);
            }
        }
    }
    assert!(files.len() >= 19, "{files:?}");
    for p in &files {
        let sc = loaded(p);
        let found = window_findings(&sc, sc.months);
        assert!(found.is_empty(), "{}: {found:#?}", p.display());
    }
    let err = expect(
        sim().current_dir(root()).args([
            "validate",
            "scenarios",
            "scenarios/history",
            "scenarios/history/counterfactual",
        ]),
        0,
    );
    assert!(err.is_empty(), "{err}");
}

#[test]
fn wave_age_is_checked_against_the_dates() {
    let d = tempfile::tempdir().unwrap();
    let age = |name: &str, body: &str| {
        let sc = loaded(&child(d.path(), name, "baseline", body));
        window_findings(&sc, sc.months)
            .into_iter()
            .find(|w| w.key == "params.wave_age_months")
    };
    // The baseline's 2025-01-10 designation (a plain set, D23) for a 2026-12 start.
    let w = age("late", "[scenario]\nstart = \"2026-12\"\n").unwrap();
    assert!(w.message.contains("`sdn.share` dated 2025-01-10"), "{w}");
    assert!(w.help.unwrap().contains("`wave_age_months = 22.7`"));
    let set = "[scenario]\nstart = \"2026-12\"\n[params]\nwave_age_months = 22.7\n";
    assert!(age("set", set).is_none());
    // Within a month of the default's seven: 2025-09 gives 7.7.
    assert!(age("near", "[scenario]\nstart = \"2025-09\"\n").is_none());
    let replay = "[scenario]\nstart = \"2026-12\"\ninit = \"unsanctioned\"\n";
    assert!(age("replay", replay).is_none());
    // A delisting is not a designation: the last one stays the 2025-01-10 set.
    let delist = "[scenario]\nstart = \"2026-12\"\n[[event]]\ndate = \"2026-02-01\"\n\
                  lever = \"sdn.share\"\nvalue = 0.0\n";
    assert!(age("delist", delist)
        .unwrap()
        .message
        .contains("2025-01-10"));
}

#[test]
fn each_kind_of_one_off_gets_its_own_recipe() {
    let d = tempfile::tempdir().unwrap();
    let ev = |date: &str, lever: &str, rest: &str| {
        format!("[[event]]\ndate = \"{date}\"\nlever = \"{lever}\"\n{rest}\n")
    };
    let body = [
        "[scenario]\nstart = \"2026-03\"\n".to_string(),
        ev("2026-02-01", "risk_premium.jump", "value = 0.05"),
        ev(
            "2026-01-01",
            "fleet.shadow_capacity",
            "action = \"scale\"\nvalue = 0.9",
        ),
        ev(
            "2025-12-01",
            "sdn.wave",
            "value = { add_share = 0.1, wind_down_months = 1 }",
        ),
        ev(
            "2026-01-15",
            "risk_premium.jump",
            "value = 0.02\nlag_months = { uniform = [0, 3] }",
        ),
        ev("2026-04-01", "risk_premium.jump", "value = 0.02"),
    ]
    .concat();
    let sc = loaded(&child(d.path(), "kinds", "baseline", &body));
    let found = window_findings(&sc, sc.months);
    let jump = finding(&found, "`risk_premium.jump` dated 2026-02-01");
    assert_eq!(jump.severity, Severity::Warning);
    let help = jump.help.as_deref().unwrap();
    assert!(
        help.contains("dated 2026-03-01") && help.contains("delete it"),
        "{help}"
    );
    let fleet = finding(&found, "`fleet.shadow_capacity` dated 2026-01-01");
    assert_eq!(fleet.severity, Severity::Warning);
    assert!(fleet
        .help
        .as_deref()
        .unwrap()
        .contains("date it 2026-03-01"));
    let wave = finding(&found, "`sdn.wave` dated 2025-12-01 comes before");
    assert_eq!(wave.severity, Severity::Note);
    assert!(wave
        .help
        .as_deref()
        .unwrap()
        .contains("`sdn.share` to 0.2 + 0.1"));
    // A lag that can carry it past the start: it fires on some paths only.
    let lagged = finding(&found, "`risk_premium.jump` dated 2026-01-15");
    assert!(lagged
        .message
        .contains("on the paths where its lag keeps it before the start"));
    // Inside the window: nothing to say.
    assert!(!found.iter().any(|w| w.message.contains("2026-04-01")));
}

#[test]
fn reviews_a_later_cap_replaces_are_not_named() {
    let d = tempfile::tempdir().unwrap();
    let review = |name: &str, start: &str, events: &str| {
        let body = format!("[scenario]\nstart = \"{start}\"\n{events}");
        let sc = loaded(&child(d.path(), name, "baseline", &body));
        window_findings(&sc, sc.months)
            .into_iter()
            .find(|w| w.message.contains("EU dynamic cap review"))
    };
    // The first review (2026-03-03) falls in a 2026-03 start's first month.
    assert!(review("mar", "2026-03", "").is_none());
    let w = review("apr", "2026-04", "").unwrap();
    assert!(
        w.message
            .contains("on 2026-03-03, before the start 2026-04"),
        "{w}"
    );
    assert!(w.message.contains("that review is not computed"), "{w}");
    // A cap written after the last review before the start replaces it.
    let cap = |date: &str, mode: bool| {
        let mut s = format!("[[event]]\ndate = \"{date}\"\nlever = \"cap.eu_usd\"\nvalue = 44\n");
        if mode {
            s += &format!(
                "[[event]]\ndate = \"{date}\"\nlever = \"cap.eu_mode\"\nvalue = \"dynamic\"\n"
            );
        }
        s
    };
    assert!(review("kept", "2026-12", &cap("2026-09-03", true)).is_none());
    assert!(review("fixed", "2026-12", &cap("2026-06-01", false)).is_none());
    // Switched on again on 2026-04-01: the calendar restarts (D52), 2026-10-01 is missed.
    let w = review("restart", "2026-12", &cap("2026-04-01", true)).unwrap();
    assert!(w.message.contains("on 2026-10-01, before"), "{w}");
    assert!(w.message.contains("reviews again on 2027-04-01"), "{w}");
}
