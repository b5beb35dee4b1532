//! The fourth hostile pass over scenario files (docs/reliability.md, D152–D158): each finding
//! has a regression test here. A refused file must name the file, `line:col`, the key, what
//! was expected and a fix; a suspicious one must load with a warning.

mod common;
use common::write_extending as write;
use sanctions_sim::scenario::{load, overrides, Diagnostic, LoadError, Scenario};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Loads `body`, which must be refused; returns the error and its rendering.
fn refused(name: &str, body: &str) -> (tempfile::TempDir, PathBuf, LoadError, String) {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(tmp.path(), name, body);
    match load(&p) {
        Ok(_) => panic!("{name} loaded, but it must be refused"),
        Err(e) => {
            let text = e.to_string();
            (tmp, p, e, text)
        }
    }
}

/// The one diagnostic of `e` with `key`, checked to sit at `line:col` of `file` and to
/// contain every `also` (in its message or help).
fn at<'a>(
    e: &'a LoadError,
    file: &Path,
    key: &str,
    line_col: &str,
    also: &[&str],
) -> &'a Diagnostic {
    let text = e.to_string();
    let d = e
        .diagnostics
        .iter()
        .find(|d| d.key.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no diagnostic with key `{key}` in\n{text}"));
    assert_eq!(format!("{}:{}", d.line, d.col), line_col, "{text}");
    assert_eq!(d.file, file, "{text}");
    assert!(
        text.contains(&format!("{}:{line_col}", file.display())),
        "no `file:{line_col}` in\n{text}"
    );
    let all = format!("{}\n{}", d.message, d.help.clone().unwrap_or_default());
    for a in also {
        assert!(all.contains(a), "no `{a}` in\n{all}");
    }
    d
}

fn loads(name: &str, body: &str) -> (tempfile::TempDir, Scenario) {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(tmp.path(), name, body);
    let sc = load(&p).unwrap_or_else(|e| panic!("{name}: {e}"));
    (tmp, sc)
}

/// A tree of `n` nodes, each leaving for the next with `lag = 0`; the last one back to the
/// first when `ring`.
fn chain(n: usize, ring: bool) -> String {
    let mut s = String::from("[[tree]]\nid = \"t\"\nstart = \"n0\"\n");
    for i in 0..n {
        write!(s, "[[tree.node]]\nid = \"n{i}\"\n").unwrap();
        if i + 1 < n || ring {
            let to = (i + 1) % n;
            writeln!(
                s,
                "exits = [{{ kind = \"after\", lag = 0, to = \"n{to}\" }}]"
            )
            .unwrap();
        }
    }
    s
}

// ---- D152: the zero-time cycle check is linear ----------------------------------------------

/// A chain of 20,000 nodes joined by lag-0 exits: the cycle check searched from every exit
/// (6,000 nodes took 68 s, 20,000 would take tens of minutes); now one pass over the
/// strongly connected components. The same chain closed into a ring is refused, at the exit
/// that closes it, with the ring shortened in the message.
#[test]
fn a_long_chain_of_lag_zero_exits_loads() {
    let n = 20_000;
    let (_t, sc) = loads("chain", &chain(n, false));
    assert_eq!(sc.trees[0].nodes.len(), n);
    let (_t, p, e, text) = refused("ring", &chain(n, true));
    at(
        &e,
        &p,
        "tree[1].node[1].exits[1]",
        "7:10",
        &[
            "`n0` → `n1`",
            "(20000 exits in all)",
            "`n19999` → `n0`",
            "lag = 1",
        ],
    );
    assert_eq!(e.diagnostics.len(), 1, "{text}");
}

/// A ring that needs an `at` exit of one month to close, through a long lag-0 chain, is still
/// found; `at` exits on other months and dates are not.
#[test]
fn a_long_ring_closed_by_an_at_exit_is_refused() {
    let n = 5_000;
    let mut body = chain(n, false);
    body.push_str(
        "exits = [{ kind = \"at\", date = \"2025-10-20\", to = \"n0\" }, \
         { kind = \"at\", date = \"2025-11-20\", to = \"n1\" }]\n",
    );
    let (_t, p, e, _) = refused("at_ring", &body);
    let d = at(
        &e,
        &p,
        "tree[1].node[1].exits[1]",
        "7:10",
        &["`n4999` → `n0`"],
    );
    assert!(d.message.contains("(5000 exits in all)"), "{}", d.message);
    assert_eq!(e.diagnostics.len(), 1);
}

// ---- D153: an exit that names one target twice ----------------------------------------------

/// `to = ["x", "x"]` used to load; `run --by-outcome` then wrote two rows for `x` in
/// outcomes.csv, listed its files twice in the manifest and lost paths from the counts.
#[test]
fn an_exit_naming_a_target_twice_is_refused() {
    let (_t, p, e, text) = refused(
        "twice",
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = 1, to = ["x", "y", "x"], probs = [0.5, 0.2, "rest"] }]
[[tree.node]]
id = "x"
[[tree.node]]
id = "y"
"#,
    );
    at(
        &e,
        &p,
        "tree[1].node[1].exits[1].to",
        "7:42",
        &[
            "node `x` is listed twice in `to` (targets 1 and 3)",
            "list `x` once and give it the sum of its probabilities (entries 1 and 3 of `probs`)",
        ],
    );
    assert_eq!(e.diagnostics.len(), 1, "{text}");
}

// ---- D154: a tree without nodes -------------------------------------------------------------

/// The help used to read "the nodes of this tree are: " and nothing after it.
#[test]
fn a_tree_without_nodes_says_how_to_add_one() {
    let (_t, p, e, text) = refused("bare", "[[tree]]\nid = \"t\"\nstart = \"a\"\n");
    at(
        &e,
        &p,
        "tree[1].node",
        "2:1",
        &["tree `t` has no nodes", "`[[tree.node]]`", "`id = \"a\"`"],
    );
    assert_eq!(e.diagnostics.len(), 1, "{text}");
    assert!(!text.contains("the nodes of this tree are"), "{text}");
}

// ---- D155: an inherited event named twice ---------------------------------------------------

/// The second mention used to say "no inherited event is named ..." with a did-you-mean of
/// another event; it now says the name is listed twice, at the second mention.
#[test]
fn an_inherited_event_named_twice_is_said_to_be_listed_twice() {
    let (_t, p, e, text) = refused(
        "rm_twice",
        "remove_events = [\"cap.eu_mode@2025-09-03\", \"cap.eu_mode@2025-09-03\"]\n",
    );
    let d = at(
        &e,
        &p,
        "remove_events[2]",
        "2:44",
        &[
            "`cap.eu_mode@2025-09-03` is listed twice",
            "remove the entry `remove_events[2]`",
        ],
    );
    assert!(
        d.message.contains(&format!("{}:2:18", p.display())),
        "{text}"
    );
    assert!(
        !text.contains("no inherited event") && !text.contains("did you mean"),
        "{text}"
    );
    assert_eq!(e.diagnostics.len(), 1, "{text}");
    // Removed by `remove_events`, then replaced by an event of the same file.
    let (_t, p, e, text) = refused(
        "rm_replace",
        "remove_events = [\"cap.eu_mode@2025-09-03\"]\n[[event]]\nreplaces = \
         \"cap.eu_mode@2025-09-03\"\ndate = \"2025-09-03\"\nlever = \"cap.eu_mode\"\n\
         action = \"set\"\nvalue = \"fixed\"\n",
    );
    at(
        &e,
        &p,
        "event[1].replaces",
        "4:12",
        &["is listed twice", "already removed"],
    );
    assert_eq!(e.diagnostics.len(), 1, "{text}");
}

// ---- D156: the horizon and dates share one calendar -----------------------------------------

/// `start = "2200-12"` with `months = 1200` loaded, though no event could be dated after
/// 2200; it is refused at `months`, with the last month it would reach and the most that fits.
#[test]
fn a_horizon_past_2200_is_refused() {
    let (_t, p, e, text) = refused("far", "[scenario]\nstart = \"2200-12\"\nmonths = 1200\n");
    at(
        &e,
        &p,
        "scenario.months",
        "4:10",
        &[
            "the horizon runs past 2200-12",
            "would reach 2300-11",
            "years 1900–2200",
            "lower `months` to at most 1",
        ],
    );
    assert_eq!(e.diagnostics.len(), 1, "{text}");
    // `--months` is held to the same limit.
    let (_t, sc) = loads("late", "[scenario]\nstart = \"2150-01\"\nmonths = 12\n");
    let err = sc.check_months(700).unwrap_err();
    assert!(
        err.contains("runs to 2208-04") && err.contains("--months ≤ 612"),
        "{err}"
    );
    sc.check_months(612).unwrap();
}

/// A bad date's help suggested 2025 whatever the horizon; it now suggests a date inside it.
#[test]
fn a_date_help_suggests_a_date_in_the_horizon() {
    let (_t, p, e, _) = refused(
        "late_date",
        "[scenario]\nstart = \"2150-01\"\nmonths = 700\n[[event]]\ndate = \"2300-01-01\"\n\
         lever = \"tariff.IN.rate\"\nvalue = 0.1\n",
    );
    at(&e, &p, "scenario.months", "4:10", &["at most 612"]);
    at(
        &e,
        &p,
        "event[1].date",
        "6:8",
        &["year 1900–2200", "`date = \"2150-01-27\"`"],
    );
}

// ---- D157: no silent normalisation of dates and lags ----------------------------------------

/// A day in a schedule's `from` (a month) was dropped; spaces around `start` were trimmed.
#[test]
fn a_day_in_a_month_and_spaces_around_a_date_are_refused() {
    let (_t, p, e, _) = refused(
        "from_day",
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "hazard", value = 0.1, to = "b", schedule = [{ from = "2026-01-15", value = 0.5 }] }]
[[tree.node]]
id = "b"
"#,
    );
    at(
        &e,
        &p,
        "tree[1].node[1].exits[1].schedule[1].from",
        "7:73",
        &[
            "expected a month `YYYY-MM`, got `2026-01-15`: `from` takes no day",
            "write `from = \"2026-01\"`",
        ],
    );
    let (_t, p, e, text) = refused("spaced", "[scenario]\nstart = \" 2025-08\"\n");
    at(
        &e,
        &p,
        "scenario.start",
        "3:9",
        &[
            "has a space before or after the date",
            "write `start = \"2025-08\"`",
        ],
    );
    assert_eq!(e.diagnostics.len(), 1, "{text}");
}

/// A lag distribution whose 1e-12 quantile is past the horizon gets the warning a constant
/// lag past it gets; one that can land does not.
#[test]
fn a_lag_distribution_past_the_horizon_is_warned() {
    let warned = |lag: &str| {
        let (_t, sc) = loads(
            "lag",
            &format!(
                "[[event]]\ndate = \"2025-09-01\"\nlever = \"tariff.IN.rate\"\nvalue = 0.1\n\
                 lag_months = {lag}\n"
            ),
        );
        overrides(&sc)
            .iter()
            .map(|w| w.to_string())
            .filter(|w| w.contains("never takes effect"))
            .collect::<Vec<_>>()
    };
    for lag in [
        "{ lognormal = [700, 1] }",
        "{ poisson = 1e300 }",
        "{ poisson = 200 }",
    ] {
        let w = warned(lag);
        assert_eq!(w.len(), 1, "{lag}: {w:?}");
        assert!(
            w[0].contains("on all but one path in 10^12"),
            "{lag}: {w:?}"
        );
    }
    assert_eq!(warned("1e300").len(), 1);
    for lag in [
        "{ lognormal = [3, 1] }",
        "{ poisson = 20 }",
        "{ lognormal = [4.2, 0.1] }",
    ] {
        assert!(warned(lag).is_empty(), "{lag}");
    }
}

// ---- D158: a seller group is its companies --------------------------------------------------

/// The UK and the US list Rosneft and Lukoil a week apart, one writing the name in capitals:
/// counted as two groups, the designated share reached 1.0 instead of the US listing's 0.65
/// (0.45 on top of the baseline's 0.20). A company repeated in one name is listed once, and
/// the double-count warning of D44 no longer fires for one group written two ways.
#[test]
fn seller_names_group_whatever_their_case() {
    use sanctions_sim::engine::path::PathSim;
    use sanctions_sim::engine::vars::variables;
    use sanctions_sim::policy::events::seller_group;
    let g = seller_group("rosneft_lukoil");
    for same in [
        "Rosneft_Lukoil",
        "ROSNEFT-lukoil",
        "rosneft_lukoil_rosneft",
        "lukoil.rosneft",
    ] {
        assert_eq!(seller_group(same), g, "{same}");
    }
    assert_ne!(seller_group("rosneft"), g);
    let wave = |date: &str, authority: &str, sellers: &str| {
        format!(
            "[[event]]\ndate = \"{date}\"\nlever = \"sdn.wave\"\nvalue = {{ add_share = 0.45, \
             wind_down_months = 1, authority = \"{authority}\", sellers = \"{sellers}\" }}\n"
        )
    };
    let body = format!(
        "{}{}",
        wave("2025-10-15", "uk", "Rosneft_Lukoil"),
        wave("2025-10-22", "us", "rosneft_lukoil_rosneft")
    );
    let (_t, sc) = loads("groups", &body);
    assert!(
        !overrides(&sc)
            .iter()
            .chain(sanctions_sim::scenario::wave_findings(&sc).iter())
            .any(|w| w.message.contains("counted twice") || w.message.contains("up to 1.")),
        "{:?}",
        sanctions_sim::scenario::wave_findings(&sc)
    );
    let vars = variables(&sc.market);
    let k = vars.iter().position(|v| v.name == "sdn_share").unwrap();
    let mut buf = vec![0.0; vars.len()];
    for p in 0..4 {
        let mut sim = PathSim::new(&sc, 42, p);
        for _ in 0..8 {
            sim.step_month();
        }
        sim.write_vars(&vars, &mut buf);
        assert!(
            (buf[k] - 0.65).abs() < 1e-9,
            "path {p}: sdn_share {}",
            buf[k]
        );
    }
}
