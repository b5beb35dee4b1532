//! Time-varying hazards (`schedule` on a `hazard` exit): calendar steps, steps by time in the
//! node, the waiting-time distribution against its closed form, and load errors.

mod common;
use common::load_body;
use sanctions_sim::engine::run::{run, RunOptions, RunResult};
use sanctions_sim::scenario::Scenario;

fn run_with(sc: &Scenario, paths: u64, months: usize) -> RunResult {
    let mut o = RunOptions::from_scenario(sc);
    o.paths = paths;
    o.months = months;
    run(sc, &o, &|_| {}).unwrap()
}

fn first_entries<'r>(sc: &Scenario, r: &'r RunResult, id: &str) -> &'r [u64] {
    let n = sc.trees[0].nodes.iter().position(|n| n.id == id).unwrap();
    &r.trees.first_entries[0][n]
}

const TWO_NODES: &str = r#"
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "hazard", value = HAZARD, schedule = SCHEDULE, to = "b" }]
[[tree.node]]
id = "b"
"#;

fn two_nodes(hazard: &str, schedule: &str) -> String {
    TWO_NODES
        .replace("HAZARD", hazard)
        .replace("SCHEDULE", schedule)
}

#[test]
fn calendar_step_from_zero_to_one_fires_in_that_month() {
    // The baseline starts in 2025-08, so 2026-01 is month index 5.
    let sc = load_body(&two_nodes("0", r#"[{ from = "2026-01", value = 1 }]"#)).unwrap();
    let r = run_with(&sc, 200, 12);
    let b = first_entries(&sc, &r, "b");
    assert_eq!(b[5], 200, "{b:?}");
    assert_eq!(b.iter().sum::<u64>(), 200);
}

#[test]
fn step_back_to_zero_stops_the_exit() {
    // Certain exit in 2025-09 only: a later step to 0 must switch it off again.
    let sc = load_body(&two_nodes(
        "0",
        r#"[{ from = "2025-09", value = 0.5 }, { from = "2025-10", value = 0 }]"#,
    ))
    .unwrap();
    let r = run_with(&sc, 2000, 12);
    let b = first_entries(&sc, &r, "b");
    assert_eq!(b.iter().sum::<u64>(), b[1], "only 2025-09 may fire: {b:?}");
    let share = b[1] as f64 / 2000.0;
    let se = (0.25f64 / 2000.0).sqrt();
    assert!((share - 0.5).abs() < 4.0 * se, "share {share}");
}

#[test]
fn steps_by_time_in_node_count_from_entry() {
    let sc = load_body(
        r#"
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = 2, to = "b" }]
[[tree.node]]
id = "b"
exits = [{ kind = "hazard", value = 0, schedule = [{ after_months = 3, value = 1 }], to = "c" }]
[[tree.node]]
id = "c"
"#,
    )
    .unwrap();
    let r = run_with(&sc, 100, 12);
    assert_eq!(first_entries(&sc, &r, "b")[2], 100);
    assert_eq!(first_entries(&sc, &r, "c")[5], 100);
}

#[test]
fn waiting_time_matches_piecewise_geometric_within_four_standard_errors() {
    // h = 0.05 a month, 0.30 from 2026-02 (month 6); checked from month 1 (after entry).
    let sc = load_body(&two_nodes(
        "0.05",
        r#"[{ from = "2026-02", value = { uniform = [0.25, 0.35] } }]"#,
    ))
    .unwrap();
    let paths = 4000u64;
    let r = run_with(&sc, paths, 12);
    let b = first_entries(&sc, &r, "b");
    let mut survive = 1.0;
    let mut fired = 0u64;
    for (t, c) in b.iter().enumerate().take(12) {
        if t >= 1 {
            // A per-path draw U(0.25, 0.35) has mean 0.30, but survival is an average of
            // (1 − h)^k over h; compute it exactly by averaging over the uniform.
            survive = if t < 6 {
                0.95f64.powi(t as i32)
            } else {
                let k = (t - 5) as i32;
                let avg = ((1.0 - 0.25f64).powi(k + 1) - (1.0 - 0.35f64).powi(k + 1))
                    / (0.10 * (k + 1) as f64);
                0.95f64.powi(5) * avg
            };
        }
        fired += c;
        let p = 1.0 - survive;
        let share = fired as f64 / paths as f64;
        let se = (p * (1.0 - p) / paths as f64).sqrt().max(1e-9);
        assert!(
            (share - p).abs() <= 4.0 * se + 1e-12,
            "month {t}: fired share {share}, expected {p} (se {se})"
        );
    }
}

#[test]
fn scenarios_without_schedules_keep_their_draws() {
    // A schedule that never starts inside the horizon changes nothing, path by path.
    let plain = load_body(&two_nodes("0.1", "[]")).unwrap();
    let late = load_body(&two_nodes("0.1", r#"[{ from = "2040-01", value = 0.9 }]"#)).unwrap();
    let a = run_with(&plain, 300, 12);
    let b = run_with(&late, 300, 12);
    assert_eq!(a.trees, b.trees);
    assert_eq!(a.p50("brent_usd_bbl", 11), b.p50("brent_usd_bbl", 11));
}

fn err_of(hazard_kind: &str, schedule: &str) -> String {
    let body = TWO_NODES
        .replace("\"hazard\", value = HAZARD", hazard_kind)
        .replace("SCHEDULE", schedule);
    load_body(&body).expect_err("must not load")
}

#[test]
fn bad_schedules_are_explained_with_their_position() {
    let cases = [
        (
            r#""hazard", value = 0.1"#,
            r#"[{ from = "2026-05", value = 0.2 }, { from = "2026-01", value = 0.3 }]"#,
            "increasing `from` months",
        ),
        (
            r#""hazard", value = 0.1"#,
            r#"[{ from = "2026-05", value = 0.2 }, { after_months = 3, value = 0.3 }]"#,
            "not both",
        ),
        (
            r#""hazard", value = 0.1"#,
            r#"[{ from = "2026-05" }]"#,
            "has no `value`",
        ),
        (
            r#""hazard", value = 0.1"#,
            r#"[{ form = "2026-05", value = 0.2 }]"#,
            "did you mean `from`",
        ),
        (
            r#""hazard", value = 0.1"#,
            r#"[{ from = "2026-05", value = 1.5 }]"#,
            "must lie in [0, 1]",
        ),
        (
            r#""hazard", value = 0.1"#,
            r#"[{ after_months = -2, value = 0.2 }]"#,
            "whole number of months",
        ),
        (
            r#""hazard", value = 0.1"#,
            r#"{ from = "2026-05" }"#,
            "must be an array",
        ),
        (
            r#""after", lag = 1"#,
            r#"[{ from = "2026-05", value = 0.2 }]"#,
            "only a `hazard` exit takes a `schedule`",
        ),
    ];
    for (kind, sched, want) in cases {
        let e = err_of(&format!("\"{}", &kind[1..]), sched);
        assert!(e.contains(want), "want `{want}` in:\n{e}");
        // The exit is on line 8 of the file (after the `extends` line).
        assert!(e.contains(":8:"), "no position on line 8:\n{e}");
    }
}

#[test]
fn price_link_lowers_the_hazard_when_brent_is_above_70_and_raises_it_below() {
    let body = |g: &str| {
        format!(
            r#"
[brent]
p0 = P0
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{{ kind = "hazard", value = 0.2, price_link = {g}, to = "b" }}]
[[tree.node]]
id = "b"
"#
        )
    };
    let fired = |p0: &str, g: &str| {
        let sc = load_body(&body(g).replace("P0", p0)).unwrap();
        let r = run_with(&sc, 2000, 3);
        first_entries(&sc, &r, "b").iter().sum::<u64>()
    };
    // Brent near $100: a positive link damps the hazard, a negative one raises it.
    let (lo, zero, hi) = (fired("100", "3"), fired("100", "0"), fired("100", "-3"));
    assert!(lo < zero && zero < hi, "{lo} {zero} {hi}");
    // Near $45 the signs flip.
    let (lo, zero, hi) = (fired("45", "3"), fired("45", "0"), fired("45", "-3"));
    assert!(lo > zero && zero > hi, "{lo} {zero} {hi}");
    let e = load_body(&body("99").replace("P0", "70")).unwrap_err();
    assert!(e.contains("[-20, 20]"), "{e}");
}

#[test]
fn price_link_belongs_to_hazard_exits_only() {
    let e = err_of(r#""after", lag = 1, price_link = 1.0"#, "[]");
    assert!(
        e.contains("only a `hazard` exit takes a `price_link`"),
        "{e}"
    );
}

fn cut_tree(cancel: &str) -> String {
    format!(
        r#"
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
actions = [{{ lever = "supply.russia_exports_adj", value = -1.0, after_months = 3{cancel} }}]
exits = [{{ kind = "after", lag = 1, to = "b" }}]
[[tree.node]]
id = "b"
"#
    )
}

#[test]
fn cancel_on_exit_drops_an_action_not_yet_in_force_when_the_node_is_left() {
    let exports = |body: &str| {
        let sc = load_body(body).unwrap();
        let r = run_with(&sc, 200, 6);
        r.p50("russia_crude_exports_mbd", 5)
    };
    let none = exports("");
    let kept = exports(&cut_tree(""));
    let cancelled = exports(&cut_tree(", cancel_on_exit = true"));
    // Left after 1 month, the 3-month-delayed cut still happens by default...
    assert!(kept < none - 0.5, "kept {kept} vs none {none}");
    // ...and never happens with cancel_on_exit.
    assert_eq!(cancelled, none);
    let e = load_body(&cut_tree(", cancel_on_exit = 1")).unwrap_err();
    assert!(e.contains("cancel_on_exit"), "{e}");
}

#[test]
fn cancelled_by_drops_a_pending_action_when_a_named_node_is_entered_later() {
    // a (queues the cut in 4 months) -> b after 1 -> c after 1 more: entering c cancels it,
    // entering b does not.
    let body = |by: &str| {
        format!(
            r#"
[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
actions = [{{ lever = "supply.russia_exports_adj", value = -1.0, after_months = 4, cancelled_by = [{by}] }}]
exits = [{{ kind = "after", lag = 1, to = "b" }}]
[[tree.node]]
id = "b"
exits = [{{ kind = "after", lag = 1, to = "c" }}]
[[tree.node]]
id = "c"
"#
        )
    };
    let exports = |body: &str| {
        let sc = load_body(body).unwrap();
        run_with(&sc, 200, 6).p50("russia_crude_exports_mbd", 5)
    };
    let none = exports("");
    assert_eq!(exports(&body("\"c\"")), none);
    assert!(exports(&body("\"b\"")) == none);
    assert!(exports(&body("")) < none - 0.5);
    let e = load_body(&body("\"cc\"")).unwrap_err();
    assert!(
        e.contains("unknown node `cc`") && e.contains("did you mean `c`"),
        "{e}"
    );
}
