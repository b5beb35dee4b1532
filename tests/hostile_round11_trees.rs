//! Hostile round 11 F2 and F3: tree keys that can never take effect are warned about at the
//! key, and neither `explain` nor the never-fires rule counts them. A hazard's `value` that a
//! schedule step replaces from the first month the hazard is checked (F2); `cancel_on_exit` and
//! `cancelled_by` on an action applied on entry in a node that cannot be left that month (F3).

mod common;
use common::*;
use sanctions_sim::scenario::{load, overrides, Scenario};
use std::path::PathBuf;

/// t_hz1.toml of the finding, with the hazard's schedule `schedule`.
fn hazard(schedule: &str) -> String {
    format!(
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [ {{ kind = "hazard", value = 0.3, schedule = [{schedule}], to = "b" }} ]
[[tree.node]]
id = "b"
actions = [ {{ lever = "tariff.IN.rate", value = 0.5 }} ]
"#
    )
}

fn written(d: &tempfile::TempDir, body: &str) -> (PathBuf, Scenario) {
    let p = write_extending(d.path(), "t", body);
    let sc = load(&p).unwrap_or_else(|e| panic!("{e}"));
    (p, sc)
}

fn warnings(sc: &Scenario) -> Vec<String> {
    overrides(sc).iter().map(|w| w.to_string()).collect()
}

#[test]
fn f2_a_hazard_value_replaced_from_the_first_checked_month_is_warned_and_not_counted() {
    let d = tempfile::tempdir().unwrap();
    for step in [
        "{ from = \"2025-09\", value = 0.0 }",
        "{ after_months = 1, value = 0.0 }",
        "{ after_months = 0, value = 0.0 }",
    ] {
        let (p, sc) = written(&d, &hazard(step));
        let w = warnings(&sc);
        let value = w
            .iter()
            .find(|w| w.contains("never applies"))
            .unwrap_or_else(|| panic!("{step}: {w:#?}"));
        // `value = 0.3` on line 7 (after the `extends` line), column 38.
        assert!(value.contains("t.toml:7:38"), "{value}");
        assert!(value.contains("exits[1].value"), "{value}");
        assert!(value.contains("start the step later"), "{value}");
        // D270's rule now reads only the values in force: the exit never fires, b is never
        // entered.
        assert!(
            w.iter().any(|w| w.contains("never fires")),
            "{step}: {w:#?}"
        );
        assert!(
            w.iter()
                .any(|w| w.contains("node `b` of tree `t` is never entered")),
            "{step}: {w:#?}"
        );
        let err = expect(sim().arg("validate").arg(&p), 0);
        assert!(err.contains("never applies"), "{err}");
    }
    // A step from the third month leaves `value` in force for a month: no warning.
    for step in [
        "{ after_months = 2, value = 0.0 }",
        "{ from = \"2025-10\", value = 0.0 }",
    ] {
        let (_, sc) = written(&d, &hazard(step));
        let w = warnings(&sc);
        assert!(
            !w.iter()
                .any(|w| w.contains("never applies") || w.contains("never fires")),
            "{step}: {w:#?}"
        );
    }
}

#[test]
fn f2_a_from_step_is_judged_from_the_nodes_earliest_entry() {
    // Node `a` is entered no earlier than 2025-11 (after 3 months): a step from 2025-12 is in
    // force from its first checked month.
    let body = r#"[[tree]]
id = "t"
start = "s"
[[tree.node]]
id = "s"
exits = [ { kind = "after", lag = 3, to = "a" } ]
[[tree.node]]
id = "a"
exits = [ { kind = "hazard", value = 0.3, schedule = [{ from = "2025-12", value = 0.0 }], to = "b" } ]
[[tree.node]]
id = "b"
actions = [ { lever = "tariff.IN.rate", value = 0.5 } ]
"#;
    let d = tempfile::tempdir().unwrap();
    let (_, sc) = written(&d, body);
    let w = warnings(&sc);
    assert!(w.iter().any(|w| w.contains("never applies")), "{w:#?}");
    assert!(w.iter().any(|w| w.contains("never fires")), "{w:#?}");
    let (_, sc) = written(&d, &body.replace("2025-12", "2026-01"));
    let w = warnings(&sc);
    assert!(!w.iter().any(|w| w.contains("never applies")), "{w:#?}");
}

/// t_cx.toml of the finding, with the actions' `after_months` `lag` and exits `exits`.
fn cancels(lag: &str, exits: &str) -> String {
    format!(
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [ {exits} ]
actions = [ {{ lever = "sdn.share", value = 0.6{lag}, cancel_on_exit = true }}, {{ lever = "tariff.IN.rate", value = 0.3{lag}, cancelled_by = ["b"] }} ]
[[tree.node]]
id = "b"
actions = [ {{ lever = "tariff.IN.rate", value = 0.5 }} ]
"#
    )
}

const HAZARD: &str = r#"{ kind = "hazard", value = 0.2, to = "b" }"#;

#[test]
fn f3_cancel_keys_on_an_action_applied_on_entry_are_warned_and_not_explained() {
    let d = tempfile::tempdir().unwrap();
    for lag in [
        "",
        ", after_months = 0",
        ", after_months = { uniform = [0, 0.4] }",
    ] {
        let (p, sc) = written(&d, &cancels(lag, HAZARD));
        let w = warnings(&sc);
        let dead: Vec<&String> = w.iter().filter(|w| w.contains("has no effect")).collect();
        assert_eq!(dead.len(), 2, "{lag}: {w:#?}");
        assert!(dead[0].contains("`cancel_on_exit`"), "{}", dead[0]);
        assert!(dead[0].contains("t.toml:8:"), "{}", dead[0]);
        assert!(dead[1].contains("`cancelled_by`"), "{}", dead[1]);
        assert!(dead[1].contains("after_months = 1"), "{}", dead[1]);
        let o = sim().arg("explain").arg(&p).output().unwrap();
        let out = text(&o.stdout);
        assert!(!out.contains("withdrawn if the node"), "{lag}: {out}");
        assert!(!out.contains("withdrawn on entering"), "{lag}: {out}");
    }
    // With a delay the keys act, and explain says so.
    let (p, sc) = written(&d, &cancels(", after_months = 2", HAZARD));
    assert!(!warnings(&sc).iter().any(|w| w.contains("has no effect")));
    let out = text(&sim().arg("explain").arg(&p).output().unwrap().stdout);
    assert!(out.contains("withdrawn if the node is left first"), "{out}");
    assert!(out.contains("withdrawn on entering b first"), "{out}");
    // A node that can be left in its entry month (an `after` exit of lag 0) can withdraw an
    // action of lag 0: no warning.
    let (_, sc) = written(&d, &cancels("", r#"{ kind = "after", lag = 0, to = "b" }"#));
    assert!(!warnings(&sc).iter().any(|w| w.contains("has no effect")));
}
