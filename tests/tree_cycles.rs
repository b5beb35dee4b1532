//! Event-tree cycles of exits that take no time (D140, D228): refused at load with the
//! ring's nodes and the closing exit's position; a cycle with a lag, a hazard or `at` dates
//! in different months loads.

mod common;
use common::write_extending as write;
use sanctions_sim::scenario::load;

/// Loads `body` (extending the baseline), panicking with the error.
fn load_body(body: &str) {
    let tmp = tempfile::tempdir().unwrap();
    let p = write(tmp.path(), "t", body);
    load(&p).unwrap_or_else(|e| panic!("{e}"));
}

/// D140: a cycle of exits that all take no time is refused with its position and node names;
/// a cycle with a lag, a hazard, or `at` dates in different months is not.
#[test]
fn zero_delay_cycles_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let refused = [
        (
            "self",
            r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = 0, to = "a" }]
actions = [{ lever = "fleet.designation.rate", action = "set", value = 0.7 }]
"#,
            "the exits `a` → `a` of tree `t` form a cycle that takes no time",
            ":7:10",
        ),
        (
            "pair",
            r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "hazard", value = 0.1, to = "c" }, { kind = "after", lag = { const = 0, uniform = [0, 0.4] }, to = ["b", "c"], probs = [0.5, "rest"] }]
[[tree.node]]
id = "b"
exits = [{ kind = "at", date = "2025-10-20", to = "a" }]
[[tree.node]]
id = "c"
"#,
            "the exits `a` → `b` → `a` of tree `t`",
            ":7:54",
        ),
        (
            "same_date",
            r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "at", date = "2025-10-20", to = "b" }]
[[tree.node]]
id = "b"
exits = [{ kind = "at", date = "2025-10-20", to = "a" }]
"#,
            "the exits `a` → `b` → `a`",
            ":7:10",
        ),
    ];
    // Hostile round 7 #5: lags that can reach a month but round to 0 on most draws.
    let mostly: Vec<(String, String)> = [
        ("poisson", "{ poisson = 1e-9 }"),
        ("beta", "{ beta = [1, 1000] }"),
        ("lognormal", "{ lognormal = [-50, 1] }"),
        ("uniform_half", "{ uniform = [0, 0.9] }"),
    ]
    .iter()
    .map(|(n, lag)| {
        (
            n.to_string(),
            format!(
                r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{{ kind = "after", lag = {lag}, to = "b" }}]
actions = [{{ lever = "fleet.designation.rate", action = "set", value = 0.7 }}]
[[tree.node]]
id = "b"
exits = [{{ kind = "after", lag = 0, to = "a" }}]
"#
            ),
        )
    })
    .collect();
    let refused = refused
        .iter()
        .map(|(n, b, m, p)| (n.to_string(), b.to_string(), *m, *p))
        .chain(
            mostly
                .into_iter()
                .map(|(n, b)| (n, b, "the exits `a` → `b` → `a` of tree `t`", ":7:10")),
        );
    for (name, body, msg, pos) in refused {
        let p = write(tmp.path(), &name, &body);
        let e = load(&p).unwrap_err().to_string();
        assert!(e.contains(msg), "{name}: {e}");
        assert!(e.contains(&format!("{}{pos}", p.display())), "{name}: {e}");
        assert!(e.contains("lag = 1"), "{name}: {e}");
    }
    for body in [
        // A lag that can be 1 or more, a hazard, and `at` exits on two dates.
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = { poisson = 1 }, to = "b" }]
[[tree.node]]
id = "b"
exits = [{ kind = "after", lag = 0, to = "a" }]
"#,
        // A lag whose median is a month: most draws take time.
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "after", lag = { uniform = [0, 2] }, to = "b" }]
[[tree.node]]
id = "b"
exits = [{ kind = "after", lag = 0, to = "a" }]
"#,
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "hazard", value = 1, to = "a" }]
"#,
        r#"[[tree]]
id = "t"
start = "a"
[[tree.node]]
id = "a"
exits = [{ kind = "at", date = "2025-10-20", to = "b" }]
[[tree.node]]
id = "b"
exits = [{ kind = "at", date = "2025-10-25", to = "a" }, { kind = "at", date = "2025-11-25", to = "a" }]
"#,
    ] {
        load_body(body);
    }
}
