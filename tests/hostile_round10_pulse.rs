//! Hostile round 10 (notes/hostile10.md), findings 1 and 2 (findings 3 to 5: `hostile_round10.rs` and `hostile_round10_trees.rs`).
//!
//! 1: a bool or enum lever takes one value a month, so a `pulse` of one dated after day 1
//! holds the month it is dated in (it used to hold the whole next month, against the docs,
//! with the written date shown everywhere); the same rule in tree nodes; `validate` warns and
//! `explain` and `report.html` show when it acts.
//! 2: a pulse is an overlay of its month: a wave announced during a pulse of its share keeps
//! its size, and `validate` no longer reports the pulse as "waves on every basin" past 1.

mod common;

use common::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::scenario::{load, overrides, Scenario, Severity};
use std::path::Path;

/// The month values (the first `months`) of lever `lever` on path 0, seed 7.
fn lever_months(sc: &Scenario, lever: &str, months: usize) -> Vec<f64> {
    let id = sc.registry.id(lever).unwrap();
    let mut sim = PathSim::new(sc, 7, 0);
    (0..months)
        .map(|_| {
            sim.step_month();
            sim.levers.get(id)
        })
        .collect()
}

/// A child of the shipped baseline, 6 months from 2025-08, with `body` after its header.
fn child(dir: &Path, name: &str, body: &str) -> Scenario {
    let p = write_extending(
        dir,
        name,
        &format!("[scenario]\nname = \"{name}\"\nmonths = 6\n{body}"),
    );
    load(&p).unwrap_or_else(|e| panic!("{e}"))
}

fn pulse_event(date: &str, lever: &str, value: &str) -> String {
    format!(
        "[[event]]\ndate = \"{date}\"\nlever = \"{lever}\"\naction = \"pulse\"\nvalue = {value}\n"
    )
}

/// The same pulse as a tree node's action, the node entered by an `at` exit on `date`.
fn pulse_node(date: &str, lever: &str, value: &str) -> String {
    format!(
        "[[tree]]\nid = \"t\"\nstart = \"a\"\n[[tree.node]]\nid = \"a\"\n\
         exits = [{{ kind = \"at\", date = \"{date}\", to = \"b\" }}]\n[[tree.node]]\n\
         id = \"b\"\nactions = [{{ lever = \"{lever}\", action = \"pulse\", value = {value} }}]\n"
    )
}

/// #1, the class: for a bool and an enum lever, as an event and as a tree action, a pulse
/// dated on any day of October acts in October and in no other month, exactly as the same
/// pulse dated on the 1st (the whole run, every variable, is the same).
#[test]
fn a_mid_month_bool_or_enum_pulse_acts_in_its_own_month() {
    let tmp = tempfile::tempdir().unwrap();
    let vars = sanctions_sim::engine::vars::variables(&scenario("baseline").market);
    for (lever, value, number) in [
        ("stance.IN.force", "\"halt\"", 2.0),
        ("cap.services_ban", "true", 1.0),
    ] {
        let first = child(tmp.path(), "p1", &pulse_event("2025-10-01", lever, value));
        let reference = lever_months(&first, lever, 6);
        // August 2025 is month 0: October is month 2.
        assert_eq!(reference[2], number, "{lever}: {reference:?}");
        assert!(
            reference
                .iter()
                .enumerate()
                .all(|(m, v)| m == 2 || *v == 0.0),
            "{lever}: {reference:?}"
        );
        let run_all = |sc: &Scenario| {
            let mut sim = PathSim::new(sc, 7, 0);
            let mut buf = vec![0.0; vars.len()];
            (0..6)
                .map(|_| {
                    sim.step_month();
                    sim.write_vars(&vars, &mut buf);
                    buf.clone()
                })
                .collect::<Vec<_>>()
        };
        let expected = run_all(&first);
        for day in ["02", "15", "20", "31"] {
            let date = format!("2025-10-{day}");
            for (how, body) in [
                ("event", pulse_event(&date, lever, value)),
                ("tree", pulse_node(&date, lever, value)),
            ] {
                let sc = child(tmp.path(), "p", &body);
                assert_eq!(
                    lever_months(&sc, lever, 6),
                    reference,
                    "{lever} {how} {date}"
                );
                let got = run_all(&sc);
                for (m, (a, b)) in expected.iter().zip(&got).enumerate() {
                    for (k, v) in vars.iter().enumerate() {
                        assert!(
                            a[k] == b[k] || (a[k].is_nan() && b[k].is_nan()),
                            "{lever} {how} {date}: {} in month {m}: {} against {}",
                            v.name,
                            b[k],
                            a[k]
                        );
                    }
                }
            }
        }
    }
}

/// #1: `validate` warns at the event and at the tree node, with the month the pulse holds and
/// the fix; `explain` and `report.html` show when it acts; a pulse on the 1st is not warned
/// about, and a mid-month `set` is annotated (it acts from the next month) but not warned.
#[test]
fn validate_explain_and_the_report_say_when_a_mid_month_pulse_acts() {
    let tmp = tempfile::tempdir().unwrap();
    let body = |b: &str| format!("[scenario]\nname = \"ps\"\nmonths = 6\n{b}");
    let ps = write_extending(
        tmp.path(),
        "ps",
        &body(&pulse_event("2025-10-20", "stance.IN.force", "\"halt\"")),
    );
    let err = expect(sim().arg("validate").arg(&ps), 0);
    for part in [
        "warning[event[1]]: this `pulse` of `stance.IN.force` is dated 2025-10-20",
        "a bool or enum lever takes one value a month",
        "holds all of 2025-10, 2025-10-01 to 2025-10-31, not only from day 20",
        "ps.toml:5:1",
        "date it 2025-10-01",
    ] {
        assert!(err.contains(part), "missing {part:?} in\n{err}");
    }
    let out = text(&sim().arg("explain").arg(&ps).output().unwrap().stdout);
    assert!(
        out.contains("stance.IN.force pulse \"halt\"  (holds all of 2025-10, 2025-10-01 to"),
        "{out}"
    );
    expect(
        sim()
            .arg("run")
            .arg(&ps)
            .args(["--paths", "4", "--months", "2", "--threads", "1", "--quiet"])
            .args(["--no-charts", "--out"])
            .arg(tmp.path().join("o")),
        0,
    );
    let html = std::fs::read_to_string(tmp.path().join("o/ps/report.html")).unwrap();
    assert!(
        html.contains("pulse (holds all of 2025-10, 2025-10-01 to"),
        "report"
    );

    let tpb = write_extending(
        tmp.path(),
        "tpb",
        &body(&pulse_node("2025-10-20", "stance.IN.force", "\"halt\"")),
    );
    let err = expect(sim().arg("validate").arg(&tpb), 0);
    for part in [
        "warning[tree[1].node[2].actions[1]]: node `b` of tree `t` is entered on 2025-10-20 \
         by an `at` exit and pulses `stance.IN.force`",
        "holds all of 2025-10",
        "tpb.toml:",
    ] {
        assert!(err.contains(part), "missing {part:?} in\n{err}");
    }
    let out = text(&sim().arg("explain").arg(&tpb).output().unwrap().stdout);
    assert!(
        out.contains("(entered 2025-10-20: holds all of 2025-10, 2025-10-01 to 2025-10-31)"),
        "{out}"
    );

    // On the 1st: no warning. A mid-month set: annotated, not warned.
    let quiet = body(&format!(
        "{}[[event]]\ndate = \"2025-10-20\"\nlever = \"relief.active\"\nvalue = true\n",
        pulse_event("2025-10-01", "stance.IN.force", "\"halt\"")
    ));
    let sc = load(&write_extending(tmp.path(), "q", &quiet)).unwrap();
    let w: Vec<String> = overrides(&sc)
        .iter()
        .filter(|w| w.severity == Severity::Warning)
        .map(|w| w.to_string())
        .collect();
    assert!(w.is_empty(), "{w:?}");
    let out = text(
        &sim()
            .arg("explain")
            .arg(tmp.path().join("q.toml"))
            .output()
            .unwrap()
            .stdout,
    );
    assert!(
        out.contains("relief.active set true  (acts from 2025-11-01: a bool or enum"),
        "{out}"
    );
}

/// #2: a one-month pulse of `sdn.share` (to 0.7, 0.9 or 1) in the month a +0.4 wave is
/// announced leaves every later month as without the pulse (the share ends at 0.6, not at
/// 0.5, 0.3 or 0.2); the pulse's month stays within 1.
#[test]
fn a_share_pulse_in_a_wave_month_leaves_the_wave_whole() {
    let tmp = tempfile::tempdir().unwrap();
    let wave = "[[event]]\ndate = \"2025-11-20\"\nlever = \"sdn.wave\"\n\
                value = { add_share = 0.4, wind_down_months = 4 }\n";
    let without = child(tmp.path(), "np", wave);
    let reference = lever_months(&without, "sdn.share", 10);
    assert!((reference[9] - 0.6).abs() < 1e-12, "{reference:?}");
    for to in ["0.7", "0.9", "1.0"] {
        let body = format!("{wave}{}", pulse_event("2025-11-01", "sdn.share", to));
        let p = write_extending(
            tmp.path(),
            "pw",
            &format!("[scenario]\nname = \"pw\"\nmonths = 10\n{body}"),
        );
        let sc = load(&p).unwrap();
        let got = lever_months(&sc, "sdn.share", 10);
        for (m, (a, b)) in reference.iter().zip(&got).enumerate() {
            if m == 3 {
                assert!(*b > *a && *b <= 1.0, "{to}: {got:?}");
            } else {
                assert!((a - b).abs() < 1e-12, "{to} month {m}: {got:?}");
            }
        }
        // The old warning ("the waves on every basin can designate up to 1.10 … a second
        // authority") is gone; a pulse that the wave's step can carry past 1 is named.
        let w: Vec<String> = overrides(&sc).iter().map(|w| w.to_string()).collect();
        assert!(!w.iter().any(|w| w.contains("can reach")), "{to}: {w:?}");
        let passes = w.iter().any(|w| {
            w.contains("this `pulse` of `sdn.share`")
                && w.contains("`sdn.share` is held at 1 in that month only")
        });
        assert_eq!(passes, to == "1.0", "{to}: {w:?}");
    }
}

/// #2: a share a plain `set` gives, with a wave past 1, is still warned about; the message
/// names the set and the wave, not "every basin" or "a second authority".
#[test]
fn the_ceiling_warning_names_what_adds_up() {
    let tmp = tempfile::tempdir().unwrap();
    let body = "[scenario]\nname = \"ov\"\nmonths = 10\n[[event]]\ndate = \"2025-11-20\"\n\
                lever = \"sdn.wave\"\nvalue = { add_share = 0.4, wind_down_months = 4 }\n\
                [[event]]\ndate = \"2025-11-01\"\nlever = \"sdn.share\"\nvalue = 0.7\n";
    let sc = load(&write_extending(tmp.path(), "ov", body)).unwrap();
    let w: Vec<String> = overrides(&sc).iter().map(|w| w.to_string()).collect();
    let w = w
        .iter()
        .find(|w| w.contains("can reach"))
        .unwrap_or_else(|| panic!("{w:?}"));
    for part in [
        "the designated share (`sdn.share`) can reach up to 1.10 of exports",
        "0.70 set at ",
        "ov.toml:9:1",
        "plus this wave adding up to 0.40",
    ] {
        assert!(w.contains(part), "missing {part:?} in\n{w}");
    }
    assert!(
        !w.contains("every basin") && !w.contains("second authority"),
        "{w}"
    );
}

/// #2: the static check of a cap replaced by an inherited review ignores a pulse of the mode,
/// which changes only its month: an inherited `pulse "dynamic"` after the child's cap does not
/// keep the review running (the run has no review there), so the child is told that its cap
/// stops the baseline's review, not that a review replaces it.
#[test]
fn an_inherited_pulse_of_the_mode_does_not_keep_the_review_running() {
    let tmp = tempfile::tempdir().unwrap();
    let parent = write_extending(
        tmp.path(),
        "pm",
        &format!(
            "[scenario]\nname = \"pm\"\n{}",
            pulse_event("2026-04-01", "cap.eu_mode", "\"dynamic\"")
        ),
    );
    let child = tmp.path().join("cm.toml");
    std::fs::write(
        &child,
        format!(
            "extends = \"{}\"\n[scenario]\nname = \"cm\"\n[[event]]\ndate = \"2026-03-01\"\n\
             lever = \"cap.eu_usd\"\nvalue = 30\n",
            parent.file_name().unwrap().to_str().unwrap()
        ),
    )
    .unwrap();
    let sc = load(&child).unwrap();
    let found: Vec<String> = overrides(&sc)
        .iter()
        .filter(|w| w.message.contains("cap review") || w.message.contains("fixes the EU cap"))
        .map(|w| w.to_string())
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].starts_with("note[event[1]]"), "{found:?}");
    assert!(found[0].contains("fixes the EU cap"), "{found:?}");
}
