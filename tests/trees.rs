//! Event trees (`[[tree]]`, scenarios.md §5): branch shares, certain and impossible branches,
//! `after` lags, hazard waiting times, thread-count independence, `events.csv` /
//! `outcomes.csv`, and load errors with positions.

mod common;
use assert_cmd::Command;
use common::write_extending as write;
use sanctions_sim::engine::run::{run, RunOptions, RunResult};
use sanctions_sim::scenario::{load, Scenario};
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn load_body(body: &str) -> (tempfile::TempDir, Scenario) {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(tmp.path(), "t", body);
    let sc = load(&p).unwrap_or_else(|e| panic!("{e}"));
    (tmp, sc)
}

fn run_with(sc: &Scenario, paths: u64, months: usize) -> RunResult {
    let mut o = RunOptions::from_scenario(sc);
    o.paths = paths;
    o.months = months;
    run(sc, &o, &|_| {}).unwrap()
}

fn node(sc: &Scenario, id: &str) -> usize {
    sc.trees[0].nodes.iter().position(|n| n.id == id).unwrap()
}

/// Share of paths that ever entered node `id` (tree 0).
fn entered_share(sc: &Scenario, r: &RunResult, id: &str) -> f64 {
    let c: u64 = r.trees.first_entries[0][node(sc, id)].iter().sum();
    c as f64 / r.paths as f64
}

/// Mean and count of the first-entry month of node `id` over the paths that entered it.
fn entry_month_mean(sc: &Scenario, r: &RunResult, id: &str) -> (f64, u64) {
    let counts = &r.trees.first_entries[0][node(sc, id)];
    let n: u64 = counts.iter().sum();
    let s: u64 = counts.iter().enumerate().map(|(t, c)| t as u64 * c).sum();
    (s as f64 / n as f64, n)
}

#[test]
fn branch_shares_match_probabilities_within_four_standard_errors() {
    let (_t, sc) = load_body(
        r#"
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = 0, to = ["b", "c", "d"], probs = [0.2, { uniform = [0.3, 0.5] }, "rest"] }]
[[tree.node]]
id = "b"
[[tree.node]]
id = "c"
[[tree.node]]
id = "d"
"#,
    );
    let paths = 3000;
    let r = run_with(&sc, paths, 2);
    let counts = &r.trees.branches[0][node(&sc, "a")][0];
    assert_eq!(counts.iter().sum::<u64>(), paths);
    for (c, p) in counts.iter().zip([0.2, 0.4, 0.4]) {
        let share = *c as f64 / paths as f64;
        let se = (p * (1.0 - p) / paths as f64).sqrt();
        assert!(
            (share - p).abs() < 4.0 * se,
            "share {share} vs p {p} (se {se})"
        );
    }
    // The entries are the same counts, all in month 0 (lag 0).
    assert_eq!(r.trees.first_entries[0][node(&sc, "b")][0], counts[0]);
}

#[test]
fn probability_one_always_fires_and_zero_never() {
    let (_t, sc) = load_body(
        r#"
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "at", date = "2025-09-10", to = ["yes", "no"], probs = [1, 0] }]
[[tree.node]]
id = "yes"
actions = [{ lever = "tariff.IN.rate", value = 0.5 }]
[[tree.node]]
id = "no"
"#,
    );
    let r = run_with(&sc, 600, 3);
    assert_eq!(entered_share(&sc, &r, "a"), 1.0);
    assert_eq!(entered_share(&sc, &r, "yes"), 1.0);
    assert_eq!(entered_share(&sc, &r, "no"), 0.0);
    // Entered in the month of the `at` date (month index 1 = 2025-09).
    assert_eq!(r.trees.first_entries[0][node(&sc, "yes")][1], 600);
    // The entry action reaches the levers: a tariff from 2025-09-10, pro-rated in September.
    let mut sim = sanctions_sim::engine::path::PathSim::new(&sc, 1, 0);
    let id = sc.registry.id("tariff.IN.rate").unwrap();
    sim.step_month();
    assert_eq!(sim.levers.get(id), 0.0);
    sim.step_month();
    assert!((sim.levers.get(id) - 0.5 * 21.0 / 30.0).abs() < 1e-12);
    sim.step_month();
    assert_eq!(sim.levers.get(id), 0.5);
}

#[test]
fn after_lags_have_the_right_mean() {
    let (_t, sc) = load_body(
        r#"
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = { const = 1, poisson = 1.5 }, to = "b" }]
[[tree.node]]
id = "b"
"#,
    );
    let paths = 3000;
    let r = run_with(&sc, paths, 16);
    let (mean, n) = entry_month_mean(&sc, &r, "b");
    assert_eq!(n, paths, "every path leaves `a` within 16 months");
    let se = (1.5f64 / paths as f64).sqrt();
    assert!(
        (mean - 2.5).abs() < 4.0 * se,
        "mean lag {mean}, expected 2.5 ± {se}"
    );
    assert_eq!(r.trees.first_entries[0][node(&sc, "b")][0], 0, "lag >= 1");
}

#[test]
fn a_hazard_gives_a_geometric_waiting_time() {
    let h = 0.25;
    let (_t, sc) = load_body(&format!(
        r#"
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{{ kind = "hazard", value = {h}, to = "b" }}]
[[tree.node]]
id = "b"
"#
    ));
    let paths = 2000;
    let r = run_with(&sc, paths, 60);
    let (mean, n) = entry_month_mean(&sc, &r, "b");
    assert_eq!(n, paths);
    let se = ((1.0 - h) / (h * h) / paths as f64).sqrt();
    assert!(
        (mean - 1.0 / h).abs() < 4.0 * se,
        "mean wait {mean}, expected {} ± {se}",
        1.0 / h
    );
}

#[test]
fn a_hazard_drawn_per_path_and_cycles_work() {
    // a <-> b with per-path hazards: a deal that can unravel and come back.
    let (_t, sc) = load_body(
        r#"
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "hazard", value = { uniform = [0.2, 0.4] }, to = "b" }]
[[tree.node]]
id = "b"
exits = [{ kind = "hazard", value = 0.5, to = "a" }]
"#,
    );
    let r = run_with(&sc, 500, 24);
    assert!(entered_share(&sc, &r, "b") > 0.9);
}

fn sim() -> Command {
    let mut c = Command::cargo_bin("sanctions-sim").unwrap();
    c.current_dir(root());
    c
}

#[test]
fn summit_uncertain_is_byte_identical_for_one_and_two_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(threads);
        sim()
            .args([
                "run",
                "scenarios/summit_uncertain.toml",
                "--paths",
                "600",
                "--months",
                "12",
            ])
            .args(["--threads", threads, "--quiet", "--no-charts", "--out"])
            .arg(&out)
            .assert()
            .success();
        outs.push(out.join("summit_uncertain"));
    }
    for f in ["summary.csv", "wide.csv", "events.csv", "outcomes.csv"] {
        let a = std::fs::read(outs[0].join(f)).unwrap();
        let b = std::fs::read(outs[1].join(f)).unwrap();
        assert!(a == b, "{f} differs between 1 and 2 threads");
    }
    let ev = std::fs::read_to_string(outs[0].join("events.csv")).unwrap();
    assert!(
        ev.starts_with("date,tree,node,share_entered\n2025-08-01,us_russia,status_quo,1.0000\n")
    );
    assert_eq!(ev.lines().count(), 1 + 12 * 9);
    let oc = std::fs::read_to_string(outs[0].join("outcomes.csv")).unwrap();
    let rows: Vec<&str> = oc.lines().collect();
    assert_eq!(rows[0], "tree,exit_from,outcome,share,mc_se");
    assert!(rows[1].starts_with("us_russia,summit_pending,deal,"));
    assert!(rows[2].starts_with("us_russia,summit_pending,fail,"));
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(outs[0].join("manifest.json")).unwrap()).unwrap();
    assert_eq!(
        m["files"],
        serde_json::json!([
            "summary.csv",
            "wide.csv",
            "events.csv",
            "outcomes.csv",
            "totals.csv",
            "averages.csv",
            "report.html",
            "manifest.json"
        ])
    );
}

#[test]
fn scenarios_without_trees_write_no_tree_files() {
    let tmp = tempfile::tempdir().unwrap();
    sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--paths",
            "8",
            "--months",
            "2",
            "--quiet",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    assert!(!tmp.path().join("baseline/events.csv").exists());
    assert!(!tmp.path().join("baseline/outcomes.csv").exists());
}

#[test]
fn tree_errors_are_reported_with_positions() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "bad",
        r#"[[tree]]
id = "t"
start = "nowhere"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = 1, to = ["b", "dael"], probs = [0.5, 0.4] }]
actions = [{ lever = "tarif.IN.rate", value = 0.1 }]
[[tree.node]]
id = "b"
exits = [{ kind = "hazzard", value = 0.1, to = "a" }]
[[tree.node]]
id = "deal"
exits = [{ kind = "after", lag = 1, to = ["a", "b"], probs = [0.5, 0.4] }]
"#,
    );
    let e = load(&p).unwrap_err().to_string();
    let name = p.display().to_string();
    for want in [
        format!("error[tree[1].start]: unknown node `nowhere`\n --> {name}:4:9"),
        format!("error[tree[1].node[1].exits[1].to]: unknown node `dael`\n --> {name}:7:48"),
        "did you mean `deal`?".to_string(),
        format!("error[tree[1].node[1].actions[1].lever]: unknown lever `tarif.IN.rate`\n --> {name}:8:22"),
        "did you mean `tariff.IN.rate`?".to_string(),
        "unknown exit kind `hazzard`".to_string(),
        format!("error[tree[1].node[3].exits[1].probs]: branch probabilities sum to 0.9, not 1\n  --> {name}:14:62"),
    ] {
        assert!(e.contains(&want), "missing\n{want}\nin\n{e}");
    }
}

/// A node no exit leads to from `start` loads, with a warning at its id in validate.
#[test]
fn a_node_never_entered_is_a_warning() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(
        tmp.path(),
        "unreach",
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
[[tree.node]]
id = "b"
actions = [{ lever = "fleet.designation.rate", action = "set", value = 0.7 }]
"#,
    );
    let out = sim().arg("validate").arg(&p).assert().success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(
        err.contains("warning[tree[1].node[2]]: node `b` of tree `t` is never entered; its actions never apply"),
        "{err}"
    );
    assert!(err.contains(&format!("{}:8:6", p.display())), "{err}");
    let out = sim().arg("explain").arg(&p).assert().success();
    let o = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(o.contains("node `b` of tree `t` is never entered"), "{o}");
    // The shipped tree has none.
    let out = sim()
        .arg("validate")
        .arg(root().join("scenarios/summit_uncertain.toml"))
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(!err.contains("never entered"), "{err}");
}

/// A cycle whose lag is 0 on almost every path is refused at load (D228), so the 64-exit
/// guard is a backstop no valid file reaches; it still counts the tree-months it stops, for
/// `run`'s warning. Built here by changing a loaded tree's lag past the loader's check.
#[test]
fn the_exit_guard_is_counted_and_reported() {
    let (_tmp, mut sc) = load_body(
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = 1, to = "a" }]
"#,
    );
    sc.trees[0].nodes[0].exits[0].kind = sanctions_sim::policy::tree::ExitKind::After {
        constant: 0.0,
        dist: Some(sanctions_sim::dist::Dist::Poisson { lambda: 1e-9 }),
    };
    let r = run_with(&sc, 8, 2);
    assert_eq!(r.diagnostics["tree_exit_limit_hits"], 16);
    // A tree that moves on once does not count.
    let (_tmp, sc) = load_body(
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = 0, to = "b" }]
[[tree.node]]
id = "b"
"#,
    );
    let r = run_with(&sc, 8, 2);
    assert_eq!(r.diagnostics["tree_exit_limit_hits"], 0);
}
