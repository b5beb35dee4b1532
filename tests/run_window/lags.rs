//! Lags that can carry an event, a tree node or a node's action past the last month (D198),
//! and inherited tree exits past a child's shorter horizon (D199).

use super::{child, expect, finding, loaded, root, sim, window_findings};
use std::time::{Duration, Instant};

/// Walkthrough L2: summit_success over 12 months, where `eu_follows` (lags up to 12.49 months
/// from 2025-08-15) lands after 2026-07 on some paths.
#[test]
fn a_short_run_names_the_lags_that_pass_its_end() {
    let sc = sanctions_sim::scenario::load(&root().join("scenarios/summit_success.toml")).unwrap();
    let found = window_findings(&sc, 12);
    assert_eq!(found.len(), 2, "{found:#?}");
    let eu = finding(&found, "`buyer.EU.capacity_scale` dated 2025-08-15");
    for part in [
        "as late as 2026-08-01",
        "on 8.3% of the paths where it happens (2.1% of all paths: prob 0.25)",
        "the run's last month 2026-07 (12 months)",
    ] {
        assert!(eu.message.contains(part), "{part}: {eu}");
    }
    assert!(eu
        .help
        .as_deref()
        .unwrap()
        .contains("run at least 13 months"));
    let cap = finding(&found, "`cap.eu_usd` dated 2025-08-15");
    assert!(cap.message.contains("on 9.0% of the paths"), "{cap}");
    // The delisting's Poisson(2) lag passes 11 months on about 1 path in 10^6: not named.
    assert!(!found.iter().any(|w| w.message.contains("sdn.share")));
    // Once the lags' longest values fit, nothing.
    assert!(window_findings(&sc, 13).is_empty());
    assert!(window_findings(&sc, sc.months).is_empty());
    let d = tempfile::tempdir().unwrap();
    let err = expect(
        sim()
            .current_dir(root())
            .args(["run", "scenarios/summit_success.toml", "--months", "12"])
            .args([
                "--paths",
                "8",
                "--quiet",
                "--no-charts",
                "--no-report",
                "--out",
            ])
            .arg(d.path()),
        0,
    );
    assert!(
        err.contains("summit_success: warning[event[7]]: `buyer.EU.capacity_scale` dated 2025-08-15 can take effect after the run's last month 2026-07")
            && err.contains("summit_success: warning[event[8]]: `cap.eu_usd`"),
        "{err}"
    );
    let err = expect(
        sim()
            .current_dir(root())
            .args(["run", "scenarios/summit_success.toml", "--months", "13"])
            .args([
                "--paths",
                "8",
                "--quiet",
                "--no-charts",
                "--no-report",
                "--force",
            ])
            .arg("--out")
            .arg(d.path()),
        0,
    );
    assert!(!err.contains("can take effect after"), "{err}");
}

#[test]
fn an_event_whose_lag_always_passes_a_shorter_run_never_takes_effect_in_it() {
    let d = tempfile::tempdir().unwrap();
    let body = "[[event]]\ndate = \"2025-09-01\"\nlever = \"tariff.IN.rate\"\nvalue = 0.1\n\
                lag_months = { uniform = [3, 5] }\n";
    let sc = loaded(&child(d.path(), "lag", "baseline", body));
    let found = window_findings(&sc, 2);
    let w = finding(&found, "`tariff.IN.rate` dated 2025-09-01");
    assert!(w.message.contains("never takes effect in this run"), "{w}");
    assert!(w.message.contains("on 2025-12-01 or later"), "{w}");
    // Inside the file's own horizon, and the support within it: nothing.
    assert!(window_findings(&sc, sc.months).is_empty());
    assert!(window_findings(&sc, 7).is_empty());
    assert_eq!(window_findings(&sc, 6).len(), 1);
}

#[test]
fn tree_nodes_and_actions_a_lag_can_carry_past_the_end_are_named() {
    let sc =
        sanctions_sim::scenario::load(&root().join("scenarios/summit_uncertain.toml")).unwrap();
    let found = window_findings(&sc, 12);
    let node = |id: &str| format!("node `{id}` of tree `us_russia`");
    for id in ["eu_follows", "eu_stays_out"] {
        let w = finding(&found, &node(id));
        assert!(
            w.message.contains("can be entered as late as 2027-03"),
            "{w}"
        );
        assert!(w
            .help
            .as_deref()
            .unwrap()
            .contains("run at least 20 months"));
    }
    let delist = finding(&found, "the action `sdn.share set 0` of node `deal`");
    assert!(
        delist.message.contains("entered by 2026-03 at the latest"),
        "{delist}"
    );
    assert!(delist.message.contains("on 1 path in 10,000"), "{delist}");
    // Nodes a hazard leads to have no latest entry; `fail` is entered by 2026-03.
    for id in ["fail", "unravel", "escalation_us", "escalation_china"] {
        assert!(
            !found.iter().any(|w| w.message.contains(&node(id))),
            "{id}: {found:#?}"
        );
    }
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(window_findings(&sc, sc.months).is_empty());
}

#[test]
fn cycles_and_hazards_have_no_latest_entry() {
    let d = tempfile::tempdir().unwrap();
    let body = "[scenario]\nmonths = 6\n[[tree]]\nid = \"t\"\nstart = \"a\"\n\
                [[tree.node]]\nid = \"a\"\nexits = [{ kind = \"after\", lag = 3, to = \"b\" }]\n\
                [[tree.node]]\nid = \"b\"\nexits = [{ kind = \"after\", lag = 3, to = \"a\" }, \
                { kind = \"hazard\", value = 0.1, to = \"c\" }]\n\
                [[tree.node]]\nid = \"c\"\nexits = [{ kind = \"after\", lag = 9, to = \"d\" }]\n\
                [[tree.node]]\nid = \"d\"\n";
    let sc = loaded(&child(d.path(), "cyc", "baseline", body));
    assert!(window_findings(&sc, 6).is_empty());
    // The same chain without the cycle and the hazard: `c` after 3 months, `d` after 12.
    let body = body
        .replace("{ kind = \"after\", lag = 3, to = \"a\" }, ", "")
        .replace(
            "kind = \"hazard\", value = 0.1",
            "kind = \"after\", lag = 0",
        );
    let sc = loaded(&child(d.path(), "chain", "baseline", &body));
    let found = window_findings(&sc, 6);
    let w = finding(&found, "node `d` of tree `t`");
    assert!(w.message.contains("is never entered by the end of"), "{w}");
    assert!(w.message.contains("no earlier than 2026-08"), "{w}");
    assert_eq!(found.len(), 1, "{found:#?}");
}

#[test]
fn a_long_chain_of_nodes_is_timed_in_linear_time() {
    let d = tempfile::tempdir().unwrap();
    let n = 20_000;
    let mut body = String::from("[[tree]]\nid = \"long\"\nstart = \"n0\"\n");
    for i in 0..n {
        body.push_str(&format!(
            "[[tree.node]]\nid = \"n{i}\"\nexits = [{{ kind = \"after\", lag = {{ poisson = 1 }}, to = \"n{}\" }}]\n",
            (i + 1) % n
        ));
    }
    let sc = loaded(&child(d.path(), "long", "baseline", &body));
    let t0 = Instant::now();
    // One ring of 20,000 nodes: a cycle, so no node has a latest entry.
    assert!(window_findings(&sc, sc.months).is_empty());
    assert!(t0.elapsed() < Duration::from_secs(10), "{:?}", t0.elapsed());
}

/// D199: a tree a child inherits may date an `at` exit past the child's shorter horizon (kept
/// and named, as inherited events are, D171); one dated before a later start is an error that
/// says why.
#[test]
fn inherited_tree_exits_outside_the_window() {
    let d = tempfile::tempdir().unwrap();
    let short = "[scenario]\nmonths = 6\n";
    let p = child(d.path(), "short", "summit_uncertain", short);
    std::fs::write(
        d.path().join("parent.toml"),
        format!(
            "extends = \"{}\"\n[[tree]]\nid = \"t\"\nstart = \"a\"\n[[tree.node]]\nid = \"a\"\n\
             exits = [{{ kind = \"at\", date = \"2026-06-01\", to = \"b\" }}]\n\
             [[tree.node]]\nid = \"b\"\n",
            super::shipped("baseline")
        ),
    )
    .unwrap();
    let late = d.path().join("late.toml");
    std::fs::write(&late, "extends = \"parent.toml\"\n[scenario]\nmonths = 6\n").unwrap();
    let sc = loaded(&late);
    let found = window_findings(&sc, sc.months);
    let w = finding(&found, "node `b` of tree `t`");
    assert!(w.message.contains("no earlier than 2026-06"), "{w}");
    assert!(w.at.file.ends_with("parent.toml"));
    // The leaf's own tree keeps the error.
    let own = d.path().join("own.toml");
    let text = std::fs::read_to_string(d.path().join("parent.toml")).unwrap();
    std::fs::write(
        &own,
        text.replace("[[tree]]", "[scenario]\nmonths = 6\n[[tree]]"),
    )
    .unwrap();
    let e = sanctions_sim::scenario::load(&own).unwrap_err().to_string();
    assert!(
        e.contains("exit date 2026-06-01 is outside the horizon"),
        "{e}"
    );
    // summit_uncertain's 2025-08-15 exit cannot run in a child that starts later.
    assert!(loaded(&p).months == 6);
    let later = child(
        d.path(),
        "later",
        "summit_uncertain",
        "[scenario]\nstart = \"2026-12\"\n",
    );
    let e = sanctions_sim::scenario::load(&later)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("exit date 2025-08-15 is outside the horizon")
            && e.contains("this tree comes from a file this one extends")
            && e.contains("start in 2025-08 or earlier"),
        "{e}"
    );
}
