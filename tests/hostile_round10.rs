//! Hostile round 10 #4 and #5, walkthrough 9 #4 and #7: what `explain` lists and how it shows
//! what the file wrote, and the messages of refused flags and characters.

mod common;
use common::*;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn explain(p: &Path) -> String {
    text(
        &sim()
            .arg("explain")
            .arg(p)
            .assert()
            .success()
            .get_output()
            .stdout,
    )
}

/// The `levers touched` section of an explanation.
fn levers_section(out: &str) -> &str {
    let at = out.find("\nlevers touched (").expect("a levers section");
    &out[at..]
}

/// Hostile round 10 #4: a lever only a tree touches is listed, marked with its tree and
/// nodes; a lever both touch says so.
#[test]
fn explain_lists_the_levers_the_trees_touch() {
    let out = explain(&root().join("scenarios/summit_uncertain.toml"));
    let s = levers_section(&out);
    for want in [
        "levers touched (24: 7 by events, 17 only by trees)",
        "  relief.active ",
        "by tree `us_russia`, nodes `deal`, `unravel`",
        "  compliance.CN.share ",
        "  secondary.CN.pipeline_block_prob ",
        "  fleet.designation.rate ",
        "  tariff.CN.rate ",
        "also by tree `us_russia`, nodes `deal`, `escalation_us`",
    ] {
        assert!(s.contains(want), "no `{want}` in\n{s}");
    }
    // Each tree line follows its lever's line.
    let lines: Vec<&str> = s.lines().collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with("  relief.active "))
        .unwrap();
    assert!(
        lines[i + 1].trim_start().starts_with("by tree `us_russia`"),
        "{s}"
    );

    // tat2.toml of the finding: the one lever the user added is a tree's.
    let tmp = tempfile::tempdir().unwrap();
    let p = write_extending(
        tmp.path(),
        "tat2",
        "[scenario]\nname = \"tat2\"\n[[tree]]\nid = \"talks\"\nstart = \"pending\"\n\
         [[tree.node]]\nid = \"pending\"\nexits = [{ kind = \"after\", lag = 1, to = \"tariff\" }]\n\
         [[tree.node]]\nid = \"tariff\"\nactions = [{ lever = \"tariff.IN.rate\", value = 0.5 }]\n",
    );
    let out = explain(&p);
    let s = levers_section(&out);
    assert!(s.contains("  tariff.IN.rate "), "{s}");
    assert!(s.contains("by tree `talks`, node `tariff`"), "{s}");
    // A scenario without trees keeps its list.
    let out = explain(&root().join("scenarios/baseline.toml"));
    let s = levers_section(&out);
    assert!(
        s.starts_with("\nlevers touched (6)\n") && !s.contains("by tree"),
        "{s}"
    );
}
