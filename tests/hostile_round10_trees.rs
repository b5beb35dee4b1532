//! Hostile round 10 #3: tree exits that can never fire (an `at` exit dated before its node
//! can be entered, a `hazard` of 0, an exit an earlier one always pre-empts, a branch of
//! probability 0) and the nodes only they lead to are warned about by `validate`, `explain` and
//! `run`, at the exit's `file:line:col`; and a simulation never takes what is warned about.

mod common;
use common::*;
use proptest::prelude::*;
use sanctions_sim::engine::run::{run, RunOptions, RunResult};
use sanctions_sim::scenario::{load, overrides, Scenario};

/// tat2.toml of the finding: `failed` is entered no earlier than 2025-11-01, after its exit's
/// date, so `tariff` and its 50% India tariff never happen.
const TAT2: &str = r#"[scenario]
name = "tat2"
months = 12
[[tree]]
id = "talks"
start = "pending"
[[tree.node]]
id = "pending"
exits = [{ kind = "after", lag = 3, to = "failed" }]
[[tree.node]]
id = "failed"
note = "penalty tariff announced for 2025-10-15"
exits = [{ kind = "at", date = "2025-10-15", to = "tariff" }]
[[tree.node]]
id = "tariff"
actions = [{ lever = "tariff.IN.rate", value = 0.5 }]
"#;

/// tz.toml of the finding: a `hazard` of 0 and a branch of probability 0.
const TZ: &str = r#"[scenario]
name = "tz"
months = 12
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "hazard", value = 0, to = "b" }, { kind = "after", lag = 2, to = ["c", "d"], probs = [0, "rest"] }]
[[tree.node]]
id = "b"
actions = [{ lever = "tariff.IN.rate", value = 0.5 }]
[[tree.node]]
id = "c"
actions = [{ lever = "tariff.IN.rate", value = 0.7 }]
[[tree.node]]
id = "d"
actions = [{ lever = "tariff.IN.rate", value = 0.1, prob = 0 }]
"#;

/// Exits pre-empted by an earlier one of the same node.
const SHADOW: &str = r#"[scenario]
name = "shadow"
months = 12
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = 0, to = "b" }, { kind = "hazard", value = 0.1, to = "c" }]
[[tree.node]]
id = "b"
exits = [{ kind = "at", date = "2025-11-20", to = "d" }, { kind = "at", date = "2025-11-10", to = "c" }, { kind = "hazard", value = 1, to = "d" }, { kind = "after", lag = { uniform = [1, 3] }, to = "c" }]
[[tree.node]]
id = "c"
actions = [{ lever = "tariff.IN.rate", value = 0.7 }]
[[tree.node]]
id = "d"
"#;

fn run_with(sc: &Scenario, paths: u64) -> RunResult {
    let mut o = RunOptions::from_scenario(sc);
    o.paths = paths;
    o.threads = 1;
    run(sc, &o, &|_| {}).unwrap()
}

fn warnings(sc: &Scenario) -> Vec<String> {
    overrides(sc).iter().map(|w| w.to_string()).collect()
}

fn has(ws: &[String], parts: &[&str]) {
    assert!(
        ws.iter().any(|w| parts.iter().all(|p| w.contains(p))),
        "no warning with {parts:?} in\n{}",
        ws.join("\n\n")
    );
}

#[test]
fn an_at_exit_dated_before_its_node_can_be_entered_is_warned_at_the_exit() {
    let tmp = tempfile::tempdir().unwrap();
    let p = write_extending(tmp.path(), "tat2", TAT2);
    let shown = p.display().to_string();
    let sc = load(&p).unwrap();
    let ws = warnings(&sc);
    has(
        &ws,
        &[
            "warning[tree[1].node[2].exits[1]]",
            "exit 1 of node `failed` of tree `talks` (`at 2025-10-15 -> tariff`) never fires",
            "entered no earlier than 2025-11-01",
            &format!("{shown}:14:10"),
            "date the exit on or after 2025-11-01",
        ],
    );
    has(
        &ws,
        &[
            "warning[tree[1].node[3]]",
            "node `tariff` of tree `talks` is never entered",
            &format!("{shown}:16:6"),
            &format!("exit 1 of node `failed` at {shown}:14:10 never fires"),
        ],
    );
    // The warning is true: no path enters `tariff`.
    let r = run_with(&sc, 200);
    assert_eq!(r.trees.first_entries[0][2].iter().sum::<u64>(), 0);
    // validate, explain and run say it.
    let err = text(
        &sim()
            .arg("validate")
            .arg(&p)
            .assert()
            .success()
            .get_output()
            .stderr,
    );
    assert!(
        err.contains("`failed` of tree `talks`")
            && err.contains("`tariff` of tree `talks` is never entered"),
        "{err}"
    );
    let out = text(
        &sim()
            .arg("explain")
            .arg(&p)
            .assert()
            .success()
            .get_output()
            .stdout,
    );
    assert!(
        out.contains("`failed` of tree `talks`")
            && out.contains("`tariff` of tree `talks` is never entered"),
        "{out}"
    );
    let err = run_small(&p, &tmp.path().join("o"), &[], 0);
    assert!(
        err.contains("`failed` of tree `talks`")
            && err.contains("`tariff` of tree `talks` is never entered"),
        "{err}"
    );
}

#[test]
fn two_at_exits_in_the_wrong_order_are_warned() {
    let sc = load_body(
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "at", date = "2025-10-01", to = "b" }]
[[tree.node]]
id = "b"
exits = [{ kind = "at", date = "2025-09-15", to = "c" }, { kind = "at", date = "2025-10-01", to = "d" }]
[[tree.node]]
id = "c"
[[tree.node]]
id = "d"
"#,
    )
    .unwrap();
    let ws = warnings(&sc);
    has(
        &ws,
        &[
            "exit 1 of node `b`",
            "never fires",
            "no earlier than 2025-10-01",
        ],
    );
    has(&ws, &["node `c` of tree `t` is never entered"]);
    // Entered on its date, an `at` exit of the same day still fires: `d` is not named.
    assert!(!ws.iter().any(|w| w.contains("`d`")), "{ws:?}");
    let r = run_with(&sc, 50);
    assert_eq!(r.trees.first_entries[0][2].iter().sum::<u64>(), 0);
    assert_eq!(r.trees.first_entries[0][3].iter().sum::<u64>(), 50);
}

#[test]
fn zero_hazards_and_zero_branches_are_warned() {
    let sc = load_body(TZ).unwrap();
    let ws = warnings(&sc);
    has(
        &ws,
        &[
            "warning[tree[1].node[1].exits[1]]",
            "(`hazard 0 a month -> b`) never fires",
            "monthly probability is 0 in every month",
            "t.toml:10:10",
        ],
    );
    has(
        &ws,
        &[
            "warning[tree[1].node[1].exits[2]]",
            "the branch to `c` of exit 2 of node `a`",
            "is never taken",
        ],
    );
    has(&ws, &["node `b` of tree `t` is never entered"]);
    has(
        &ws,
        &[
            "node `c` of tree `t` is never entered",
            "gives it probability 0",
        ],
    );
    // A node action of probability 0 is a common switch-off, as an event's: not named.
    assert!(!ws.iter().any(|w| w.contains("`d`")), "{ws:?}");
    let r = run_with(&sc, 100);
    assert_eq!(r.trees.first_entries[0][1].iter().sum::<u64>(), 0);
    assert_eq!(r.trees.first_entries[0][2].iter().sum::<u64>(), 0);
    assert_eq!(r.trees.first_entries[0][3].iter().sum::<u64>(), 100);
}

#[test]
fn an_exit_an_earlier_one_always_pre_empts_is_warned() {
    let sc = load_body(SHADOW).unwrap();
    let ws = warnings(&sc);
    has(
        &ws,
        &[
            "exit 2 of node `a` of tree `t` (`hazard 0.1 a month -> c`) never fires",
            "exit 1 of node `a` (`after 0 + 0 months -> b`) always fires first",
            "put this exit before exit 1",
        ],
    );
    has(
        &ws,
        &[
            "exit 2 of node `b`",
            "(`at 2025-11-10 -> c`) never fires",
            "exit 1 of node `b` (`at 2025-11-20 -> d`)",
        ],
    );
    has(
        &ws,
        &[
            "exit 4 of node `b`",
            "exit 3 of node `b` (`hazard 1 a month -> d`)",
        ],
    );
    has(&ws, &["node `c` of tree `t` is never entered"]);
    // Exit 3 of `b` itself can fire: not named.
    assert!(!ws.iter().any(|w| w.contains("exits[3]")), "{ws:?}");
    let r = run_with(&sc, 200);
    assert_eq!(r.trees.first_entries[0][2].iter().sum::<u64>(), 0);
    assert_eq!(r.trees.first_entries[0][3].iter().sum::<u64>(), 200);
}

#[test]
fn shipped_scenarios_have_no_exit_that_never_fires() {
    for name in [
        "baseline",
        "summit_uncertain",
        "summit_failure",
        "summit_success",
        "china_sanctions",
    ] {
        let sc = scenario(name);
        let ws = warnings(&sc);
        assert!(
            !ws.iter().any(|w| w.contains("never fires")
                || w.contains("never taken")
                || w.contains("never entered")),
            "{name}: {ws:?}"
        );
    }
}

/// One random exit as TOML: kind, timing and targets among `n` nodes.
fn exit_strategy(n: usize) -> impl Strategy<Value = String> {
    let when = prop_oneof![
        (8u32..=12, 1u32..=28)
            .prop_map(|(m, d)| format!("kind = \"at\", date = \"2025-{m:02}-{d:02}\"")),
        prop_oneof![Just("0"), Just("0.3"), Just("1")]
            .prop_map(|h| format!("kind = \"hazard\", value = {h}")),
        prop_oneof![
            Just("1"),
            Just("2"),
            Just("{ uniform = [1, 3] }"),
            Just("{ const = 1, poisson = 1 }")
        ]
        .prop_map(|l| format!("kind = \"after\", lag = {l}")),
    ];
    let to = prop_oneof![
        (0..n).prop_map(|a| format!("to = \"n{a}\"")),
        (0..n, 0..n, prop_oneof![Just("0"), Just("0.5"), Just("1")])
            .prop_filter("two targets", |(a, b, _)| a != b)
            .prop_map(|(a, b, p)| format!("to = [\"n{a}\", \"n{b}\"], probs = [{p}, \"rest\"]")),
    ];
    (when, to).prop_map(|(w, t)| format!("{{ {w}, {t} }}"))
}

fn tree_strategy() -> impl Strategy<Value = String> {
    (2usize..=5).prop_flat_map(|n| {
        prop::collection::vec(prop::collection::vec(exit_strategy(n), 0..=3), n).prop_map(
            move |nodes| {
                let mut s =
                    "[scenario]\nname = \"p\"\nmonths = 6\n[[tree]]\nid = \"t\"\nstart = \"n0\"\n"
                        .to_string();
                for (i, exits) in nodes.iter().enumerate() {
                    s.push_str(&format!(
                        "[[tree.node]]\nid = \"n{i}\"\nexits = [{}]\n",
                        exits.join(", ")
                    ));
                }
                s
            },
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Soundness: an exit, branch or node warned about is never taken on any simulated path.
    #[test]
    fn what_is_warned_never_happens(body in tree_strategy()) {
        // Some random trees are refused (a cycle that takes no time): nothing to check.
        let Ok(sc) = load_body(&body) else { return Ok(()); };
        let r = run_with(&sc, 60);
        let t = &r.trees;
        for w in overrides(&sc) {
            let Some(rest) = w.key.strip_prefix("tree[1].node[") else { continue };
            let n: usize = rest[..rest.find(']').unwrap()].parse::<usize>().unwrap() - 1;
            if w.message.contains("is never entered") {
                prop_assert_eq!(t.first_entries[0][n].iter().sum::<u64>(), 0, "{}\n{}", w, body);
            } else if let Some(e) = rest.split(".exits[").nth(1) {
                let k: usize = e.trim_end_matches(']').parse::<usize>().unwrap() - 1;
                let taken = &t.branches[0][n][k];
                if w.message.contains("never fires") {
                    prop_assert_eq!(taken.iter().sum::<u64>(), 0, "{}\n{}", w, body);
                } else if w.message.contains("is never taken") {
                    let to = &sc.trees[0].nodes[n].exits[k].to;
                    for (b, &v) in to.iter().enumerate() {
                        let id = format!("the branch to `{}`", sc.trees[0].nodes[v].id);
                        if w.message.contains(&id) {
                            prop_assert_eq!(taken[b], 0, "{}\n{}", w, body);
                        }
                    }
                }
            }
        }
    }
}
