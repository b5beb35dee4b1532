//! `run --by-outcome <node>`: conditional bands by whether the paths entered a tree node, within
//! the horizon or by a month (`<node>@YYYY-MM`), beside the branching-exit selectors, which keep
//! their meaning (outputs.md §8). Shares against events.csv, the direction of the bands, thread
//! invariance, the old selectors, and the messages for names that select nothing.

mod common;

use common::{expect, load_body, scenario, sim};
use sanctions_sim::engine::run::{resolve_outcome, run_split, RunOptions, SplitOn};
use std::path::{Path, PathBuf};

const PATHS: &str = "1500";
/// 2025-08 to 2027-03.
const MONTHS: usize = 20;

fn summit() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_uncertain.toml")
}

/// Runs summit_uncertain with the selectors into `out`; returns its result folder.
fn run(out: &Path, threads: &str, selectors: &[&str]) -> PathBuf {
    let mut c = sim();
    c.args([
        "run",
        "--quiet",
        "--no-charts",
        "--no-report",
        "--paths",
        PATHS,
    ])
    .args(["--months", &MONTHS.to_string(), "--threads", threads]);
    for s in selectors {
        c.args(["--by-outcome", s]);
    }
    expect(c.arg("--out").arg(out).arg(summit()), 0);
    out.join("summit_uncertain")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Column `col` of the row of `var` on `date` in a summary.csv, and its scenario column.
fn cell(csv: &Path, date: &str, var: &str, col: &str) -> (String, f64) {
    let text = read(csv);
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|h| *h == col).unwrap();
    for l in lines {
        let f: Vec<&str> = l.split(',').collect();
        if f[1] == date && f[2] == var {
            return (f[0].to_string(), f[at].parse().unwrap());
        }
    }
    panic!("no row {date} {var} in {}", csv.display())
}

/// `share_entered` of `node` on `date` in events.csv, as written.
fn events_share(dir: &Path, date: &str, node: &str) -> String {
    let text = read(&dir.join("events.csv"));
    let row = text
        .lines()
        .find(|l| l.starts_with(&format!("{date},us_russia,{node},")))
        .unwrap_or_else(|| panic!("no events.csv row {date} {node}"));
    row.rsplit(',').next().unwrap().to_string()
}

#[test]
fn entered_bands_add_up_match_events_csv_and_move_the_right_way() {
    let tmp = tempfile::tempdir().unwrap();
    let sels = [
        "escalation_china",
        "escalation_china@2026-12",
        "summit_pending",
    ];
    let one = run(&tmp.path().join("t1"), "1", &sels);
    let two = run(&tmp.path().join("t2"), "2", &sels);

    let mut names: Vec<String> = std::fs::read_dir(one.join("by_outcome"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "escalation_china.by_2026-12=entered",
            "escalation_china.by_2026-12=not_entered",
            "escalation_china=entered",
            "escalation_china=not_entered",
            "summit_pending=deal",
            "summit_pending=fail",
            "summit_pending=none",
        ]
    );

    // The two shares add to 1 and the entered one is events.csv's share: at the last month
    // for the horizon, at 2026-12 for `@2026-12`.
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(one.join("manifest.json")).unwrap()).unwrap();
    let paths: u64 = PATHS.parse().unwrap();
    for (key, date) in [
        ("escalation_china", "2027-03-01"),
        ("escalation_china.by_2026-12", "2026-12-01"),
    ] {
        let counts = m["by_outcome"][key].as_object().unwrap();
        let keys: Vec<&str> = counts.keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["entered", "not_entered"], "{key}");
        let entered = counts["entered"].as_u64().unwrap();
        assert_eq!(entered + counts["not_entered"].as_u64().unwrap(), paths);
        let share = format!("{:.4}", entered as f64 / paths as f64);
        assert_eq!(share, events_share(&one, date, "escalation_china"), "{key}");
        assert!(entered > 150 && entered < paths - 150, "{key}: {entered}");
    }

    // Sanctions on China cut its intake and widen the Urals discount, December 2026.
    let sub = |o: &str| {
        one.join(format!(
            "by_outcome/escalation_china.by_2026-12={o}/summary.csv"
        ))
    };
    let (label, flow_in) = cell(&sub("entered"), "2026-12-01", "flow_china_mbd", "p50");
    assert_eq!(
        label,
        "summit_uncertain|escalation_china.by_2026-12=entered"
    );
    let (_, flow_out) = cell(&sub("not_entered"), "2026-12-01", "flow_china_mbd", "p50");
    assert!(
        flow_in < flow_out - 0.2,
        "flow to China {flow_in} vs {flow_out}"
    );
    let (_, disc_in) = cell(
        &sub("entered"),
        "2026-12-01",
        "urals_discount_usd_bbl",
        "p50",
    );
    let (_, disc_out) = cell(
        &sub("not_entered"),
        "2026-12-01",
        "urals_discount_usd_bbl",
        "p50",
    );
    assert!(
        disc_in > disc_out + 2.0,
        "Urals discount {disc_in} vs {disc_out}"
    );
    let horizon = one.join("by_outcome/escalation_china=entered/summary.csv");
    let (label, _) = cell(&horizon, "2025-08-01", "brent_usd_bbl", "p50");
    assert_eq!(label, "summit_uncertain|escalation_china=entered");

    // Byte-identical for 1 and 2 threads.
    let files: Vec<String> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .collect();
    for f in files.iter().filter(|f| f.ends_with(".csv")) {
        assert_eq!(
            read(&one.join(f)),
            read(&two.join(f)),
            "{f}: 1 vs 2 threads"
        );
    }

    // The exit's bands are those of a run that asks for it alone.
    let alone = run(&tmp.path().join("alone"), "2", &["summit_pending"]);
    for o in ["deal", "fail", "none"] {
        let f = format!("by_outcome/summit_pending={o}/summary.csv");
        assert_eq!(read(&one.join(&f)), read(&alone.join(&f)), "{f}");
    }
    assert_eq!(
        read(&one.join("summary.csv")),
        read(&alone.join("summary.csv"))
    );
}

/// Every node's entry count, by the horizon and by a month, is the count events.csv
/// cumulates; each split's key, given back as a selector, selects the same split.
#[test]
fn every_node_entry_count_is_the_events_count() {
    let sc = scenario("summit_uncertain");
    let mut o = RunOptions::from_scenario(&sc);
    (o.paths, o.months, o.threads) = (600, MONTHS, 2);
    let tree = &sc.trees[0];
    let mut splits = Vec::new();
    for (n, node) in tree
        .nodes
        .iter()
        .enumerate()
        .filter(|(n, _)| *n != tree.start)
    {
        for sel in [
            format!("us_russia.{}.entered", node.id),
            format!("{}@2026-01", node.id),
        ] {
            let s = resolve_outcome(&sc, o.months, &sel).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!((s.tree, s.node), (0, n), "{sel}");
            assert_eq!(
                resolve_outcome(&sc, o.months, &s.key),
                Ok(s.clone()),
                "{sel}"
            );
            splits.push(s);
        }
    }
    let r = run_split(&sc, &o, &splits, &|_| {}).unwrap();
    for b in &r.by_outcome {
        let SplitOn::Entry { by } = b.split.on else {
            panic!("{}: not a node entry", b.split.key);
        };
        let months = &r.trees.first_entries[0][b.split.node];
        let want: u64 = months[..=by.unwrap_or(o.months - 1)].iter().sum();
        assert_eq!(b.paths, [want, o.paths - want], "{}", b.split.key);
    }
}

#[test]
fn exit_selectors_keep_their_meaning_and_nodes_select_their_entry() {
    let sc = scenario("summit_uncertain");
    let get = |s: &str| resolve_outcome(&sc, MONTHS, s).unwrap_or_else(|e| panic!("{e}"));
    let p = get("summit_pending");
    assert_eq!((p.on, p.key.as_str()), (SplitOn::Exit(0), "summit_pending"));
    assert_eq!(p.outcomes, ["deal", "fail", "none"]);
    assert_eq!(get("fail"), p);
    assert_eq!(get("us_russia.summit_pending"), p);
    let deal = get("deal");
    assert_eq!((deal.on, deal.key.as_str()), (SplitOn::Exit(1), "deal"));
    assert_eq!(get("eu_follows"), deal);

    let china = get("escalation_china");
    assert_eq!(china.on, SplitOn::Entry { by: None });
    assert_eq!(china.key, "escalation_china");
    assert_eq!(china.outcomes, ["entered", "not_entered"]);
    assert_eq!(get("escalation_china.entered"), china);
    assert_eq!(get("us_russia.escalation_china"), china);
    // A name that selects an exit gets its entry with `.entered` (or a month).
    let d = get("deal.entered");
    assert_eq!(
        (d.on, d.key.as_str()),
        (SplitOn::Entry { by: None }, "deal.entered")
    );
    assert_eq!(get("fail.entered").key, "fail.entered");
    let f = get("fail@2026-01");
    assert_eq!(
        (f.on, f.key.as_str()),
        (SplitOn::Entry { by: Some(5) }, "fail.by_2026-01")
    );
    assert_eq!(get("fail.by_2026-01"), f);
}

fn error(sc: &sanctions_sim::scenario::Scenario, sel: &str) -> String {
    match resolve_outcome(sc, MONTHS, sel) {
        Ok(s) => panic!("`{sel}` resolved to {s:?}"),
        Err(e) => e.to_string(),
    }
}

fn has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "missing {p:?} in:\n{msg}");
    }
}

const ENTRIES: &str = "`summit_pending.entered`, `deal.entered`, `eu_follows.entered`, \
    `eu_stays_out.entered`, `unravel`, `fail.entered`, `escalation_us`, `escalation_china`";

#[test]
fn names_that_select_nothing_say_why_and_what_exists() {
    let sc = scenario("summit_uncertain");
    has(
        &error(&sc, "deal.1"),
        &[
            "exit 1 of node `deal` (hazard 0.02 a month, to unravel) has one target, so it does \
             not branch",
            "the one branching exit of `deal` is exit 2 (",
            "selected as `deal`",
            "No node of scenario `summit_uncertain` has several branching exits, so it has no \
             `<node>.<k>` selector",
            ENTRIES,
        ],
    );
    has(
        &error(&sc, "deal[2]"),
        &["is the only branching exit of node `deal`", "write `deal`"],
    );
    has(&error(&sc, "deal.3"), &["node `deal` has 2 exits"]);
    has(
        &error(&sc, "escalaton_china"),
        &[
            "has no branching exit and no node of that name (did you mean `escalation_china`?)",
            "branching exits (by source node): `summit_pending`, `deal`",
            ENTRIES,
        ],
    );
    has(
        &error(&sc, "escalaton_china@2026-12"),
        &["(did you mean `escalation_china@2026-12`?)"],
    );
    has(
        &error(&sc, "status_quo"),
        &[
            "`status_quo` is the start node of tree `us_russia`",
            ENTRIES,
        ],
    );
    for bad in ["escalation_china@2027-04", "escalation_china@2025-07"] {
        has(
            &error(&sc, bad),
            &["is not a month of the run", "2025-08 to 2027-03"],
        );
    }
    has(
        &error(&sc, "escalation_china@2026-12-01"),
        &["expected a month `YYYY-MM`, got `2026-12-01`"],
    );
}

/// A node with several branching exits (`m.1`, `m.3`) and a node id in two trees.
#[test]
fn numbered_exits_and_node_ids_in_two_trees() {
    let sc = load_body(
        "[scenario]\nname = \"t\"\nmonths = 12\n\
         [[tree]]\nid = \"a\"\nstart = \"s\"\n\
         [[tree.node]]\nid = \"s\"\nexits = [{ kind = \"at\", date = \"2025-09-01\", to = \"m\" }]\n\
         [[tree.node]]\nid = \"m\"\nexits = [\n\
           { kind = \"at\", date = \"2025-10-01\", to = [\"x\", \"y\"], probs = [0.5, \"rest\"] },\n\
           { kind = \"hazard\", value = 0.1, to = \"y\" },\n\
           { kind = \"after\", lag = 3, to = [\"x\", \"y\"], probs = [0.5, \"rest\"] },\n]\n\
         [[tree.node]]\nid = \"x\"\n[[tree.node]]\nid = \"y\"\n\
         [[tree]]\nid = \"b\"\nstart = \"s2\"\n\
         [[tree.node]]\nid = \"s2\"\nexits = [{ kind = \"hazard\", value = 0.1, to = \"y\" }]\n\
         [[tree.node]]\nid = \"y\"\n",
    )
    .unwrap();
    let get = |s: &str| resolve_outcome(&sc, 12, s).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(get("m.1").on, SplitOn::Exit(0));
    assert_eq!(get("m[3]").key, "m.3");
    let m = get("m.entered");
    assert_eq!((m.node, m.key.as_str()), (1, "m.entered"));
    assert_eq!(get("x").key, "x");
    let ay = get("a.y");
    assert_eq!((ay.tree, ay.key.as_str()), (0, "a.y"));
    assert_eq!(get("b.y@2026-01").key, "b.y.by_2026-01");
    has(
        &error(&sc, "m"),
        &["has several branching exits; name one of `m.1`, `m.3` (or `m.entered`"],
    );
    has(
        &error(&sc, "m.2"),
        &[
            "exit 2 of node `m` (hazard 0.1 a month, to y) has one target",
            "the branching exits of `m` are selected as `m.1`, `m.3`",
            "The `<node>.<k>` selectors of scenario `t`",
            "are `m.1`, `m.3`",
            "`m.entered`, `x`, `a.y`, `b.y`",
        ],
    );
    has(&error(&sc, "y"), &["is ambiguous", "`a.y`, `b.y`"]);
}

/// The command line: a bad selector exits 1 before anything is written; `--shard` refuses node
/// entries as it refuses exits; on several scenarios a node selector notes the others.
#[test]
fn command_line_errors_and_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let base = || {
        let mut c = sim();
        c.args([
            "run",
            "--quiet",
            "--no-charts",
            "--paths",
            "10",
            "--months",
            "4",
        ])
        .arg("--out")
        .arg(tmp.path());
        c
    };
    let err = expect(base().args(["--by-outcome", "deal.1"]).arg(summit()), 1);
    has(&err, &["exit 1 of node `deal`", "`escalation_china`"]);
    assert!(!tmp.path().join("summit_uncertain").exists());
    let err = expect(
        base()
            .args(["--by-outcome", "escalation_china", "--shard", "1/2"])
            .arg(summit()),
        1,
    );
    has(&err, &["--shard cannot be combined with --by-outcome"]);
    let baseline = summit().with_file_name("baseline.toml");
    let err = expect(
        base()
            .args(["--by-outcome", "escalation_china"])
            .arg(&baseline)
            .arg(summit()),
        0,
    );
    has(&err, &["names no exit of `baseline`, nor one of its nodes"]);
    assert!(tmp
        .path()
        .join("summit_uncertain/by_outcome/escalation_china=entered/summary.csv")
        .is_file());
}
