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

/// Hostile round 10 #5: each flag a shard refuses gets its own advice, and only the flags the
/// user passed are named.
#[test]
fn a_shard_is_told_about_the_flags_it_was_given_only() {
    let tmp = tempfile::tempdir().unwrap();
    let sc = root().join("scenarios/summit_uncertain.toml");
    let refused = |extra: &[&str]| {
        let mut c = sim();
        c.arg("run")
            .arg(&sc)
            .args(["--shard", "1/2", "--out"])
            .arg(tmp.path().join("o"))
            .args(extra);
        expect(&mut c, 1)
    };
    let e = refused(&["--sample-paths", "5"]);
    assert!(e.contains("does not take --sample-paths:"), "{e}");
    assert!(
        e.contains("use --sample-paths on a plain run, without --shard"),
        "{e}"
    );
    assert!(!e.contains("--xlsx") && !e.contains("--csv-dialect"), "{e}");
    let e = refused(&["--xlsx"]);
    assert!(
        e.contains("does not take --xlsx: pass --xlsx to `merge` instead"),
        "{e}"
    );
    assert!(!e.contains("--sample-paths"), "{e}");
    let e = refused(&["--csv-dialect", "excel-eu"]);
    assert!(e.contains("pass --csv-dialect to `merge` instead"), "{e}");
    assert!(
        !e.contains("--xlsx") && !e.contains("--sample-paths"),
        "{e}"
    );
    let e = refused(&["--xlsx", "--sample-paths", "5"]);
    assert!(e.contains("--xlsx or --sample-paths"), "{e}");
    assert!(!tmp.path().join("o").exists());
}

/// Hostile round 10 #5, by class: a zero-width space, and every other invisible format
/// character (Unicode Cf) and the line and paragraph separators, in any string of a scenario
/// is refused as U+202E and ESC are, with its key and position, and never echoed raw.
#[test]
fn invisible_format_characters_are_refused_like_control_characters() {
    let tmp = tempfile::tempdir().unwrap();
    let ev = "[[event]]\ndate = \"2026-01-01\"\nlever = \"tariff.IN.rate\"\nvalue = 0.3\n";
    let cases: Vec<(String, &str, &str)> = vec![
        (
            "[scenario]\ndescription = \"Status quo\\u200B\"".into(),
            "scenario.description",
            "U+200B",
        ),
        (
            "[scenario]\ndescription = \"a\\u200Db\"".into(),
            "scenario.description",
            "U+200D",
        ),
        (
            "[scenario]\nname = \"base\\u2060line\"".into(),
            "scenario.name",
            "U+2060",
        ),
        (
            "[scenario]\ndescription = \"x\\uFEFFy\"".into(),
            "scenario.description",
            "U+FEFF",
        ),
        (
            "[scenario]\ndescription = \"soft\\u00ADhyphen\"".into(),
            "scenario.description",
            "U+00AD",
        ),
        (
            "[scenario]\ndescription = \"two\\u2028lines\"".into(),
            "scenario.description",
            "U+2028",
        ),
        (
            format!("{ev}note = \"tariff\\u2064\""),
            "event[1].note",
            "U+2064",
        ),
        (
            "[[tree]]\nid = \"t\\u200C\"\nstart = \"a\"\n[[tree.node]]\nid = \"a\"".into(),
            "tree[1].id",
            "U+200C",
        ),
        (
            format!("{ev}note = \"tag\\U000E0041\""),
            "event[1].note",
            "U+E0041",
        ),
    ];
    for (i, (body, key, code)) in cases.iter().enumerate() {
        let p = write_extending(tmp.path(), &format!("cf{i}"), body);
        let mut c = sim();
        c.arg("validate").arg(&p);
        let err = expect(&mut c, 1);
        for want in [
            &format!("`{key}` holds the invisible format character {code}") as &str,
            "where such a character can rewrite the terminal, reorder what is shown or hide text",
            "names, notes and descriptions are one line of plain text",
        ] {
            assert!(err.contains(want), "case {i}: no `{want}` in\n{err}");
        }
        let raw = [
            '\u{200b}',
            '\u{200d}',
            '\u{2060}',
            '\u{feff}',
            '\u{ad}',
            '\u{2028}',
            '\u{2064}',
            '\u{200c}',
            '\u{e0041}',
        ];
        assert!(!err.contains(raw), "case {i}: raw character in\n{err}");
    }
    // A control character keeps its own word.
    let p = write_extending(
        tmp.path(),
        "esc",
        "[scenario]\ndescription = \"a\\u001b[2J\"",
    );
    let mut c = sim();
    c.arg("validate").arg(&p);
    let err = expect(&mut c, 1);
    assert!(err.contains("holds the control character U+001B"), "{err}");
    // Letters of every script, and emoji without joiners, are plain text.
    let p = write_extending(
        tmp.path(),
        "ok",
        "[scenario]\ndescription = \"Tüpraş, Индия, 中国 ✓ 🛢\"",
    );
    sim().arg("validate").arg(&p).assert().success();
}

/// Every value as `explain` and report.html should show it: `(lever, action, value)`, with a
/// `[[event]]` and a tree node action that write it.
fn every_written_enum_value(sc: &sanctions_sim::scenario::Scenario) -> Vec<(String, String)> {
    use sanctions_sim::policy::events::WaveAuthority;
    use sanctions_sim::policy::levers::{LeverKind, AUTHORITIES};
    let mut out = Vec::new();
    for name in sc.registry.names() {
        let def = sc.registry.def(sc.registry.id(name).unwrap());
        if let LeverKind::Enum(vs) = def.kind {
            for v in vs {
                out.push((name.to_string(), format!("\"{v}\"")));
            }
        }
    }
    for a in WaveAuthority::NAMES {
        out.push((
            "sdn.wave".into(),
            format!("{{ add_share = 0.1, wind_down_months = 2, authority = \"{a}\" }}"),
        ));
    }
    for a in AUTHORITIES {
        out.push((
            "fleet.designation.batch".into(),
            format!("{{ share = 0.02, authority = \"{a}\" }}"),
        ));
    }
    out
}

/// Walkthrough 9 #4, by class: every accepted value of every enum lever, and every authority
/// of an `sdn.wave` and of a `fleet.designation.batch` (a UK batch was shown as "eu"), is shown
/// as the file wrote it by `explain` and in report.html's policy calendar, for an `[[event]]`
/// and for a tree node's action.
#[test]
fn every_enum_value_and_authority_is_displayed_as_written() {
    let tmp = tempfile::tempdir().unwrap();
    let values = every_written_enum_value(&scenario("baseline"));
    assert!(values.len() >= 3 + 3 + 2 + 3 + 3, "{values:?}");
    let mut body = String::from("[scenario]\nname = \"rt\"\nmonths = 2\n");
    let mut actions = Vec::new();
    for (i, (lever, value)) in values.iter().enumerate() {
        body.push_str(&format!(
            "[[event]]\ndate = \"2025-09-{:02}\"\nlever = \"{lever}\"\nvalue = {value}\n",
            i % 28 + 1
        ));
        actions.push(format!("{{ lever = \"{lever}\", value = {value} }}"));
    }
    body.push_str(&format!(
        "[[tree]]\nid = \"t\"\nstart = \"a\"\n[[tree.node]]\nid = \"a\"\nexits = [{{ kind = \"at\", date = \"2025-09-10\", to = \"b\" }}]\n\
         [[tree.node]]\nid = \"b\"\nactions = [{}]\n",
        actions.join(", ")
    ));
    let p = write_extending(tmp.path(), "rt", &body);
    let out = explain(&p);
    let out_dir = tmp.path().join("o");
    let mut c = sim();
    c.arg("run")
        .arg(&p)
        .args([
            "--paths",
            "4",
            "--threads",
            "1",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(&out_dir);
    expect(&mut c, 0);
    let html = std::fs::read_to_string(out_dir.join("rt/report.html")).unwrap();
    let html = html.replace("&quot;", "\"").replace("&#34;", "\"");
    for (lever, value) in &values {
        let action = if lever.contains("wave") || lever.contains("batch") {
            "fire"
        } else {
            "set"
        };
        let event = format!("    {lever} {action} {value}");
        // A bool or enum event dated after day 1 carries when it acts ("acts from …",
        // hostile round 10 #1) after the value as written.
        let shows = |want: &str| {
            out.lines()
                .any(|l| l == want || l.starts_with(&format!("{want} ")))
        };
        assert!(shows(&event), "explain has no line `{event}`");
        let node = format!("      on entry: {lever} {action} {value}");
        assert!(shows(&node), "explain has no line `{node}`");
        // The calendar's cells, and the trees' actions table, hold the value as written.
        let cell = format!("<td>{value}</td>");
        assert!(
            html.matches(&cell).count() >= 2,
            "report.html shows `{value}` ({lever}) fewer than twice"
        );
    }
}

/// Walkthrough 9 #7 (`explain`): the real reset written as scenarios.md §1.7 says (a cap and
/// `cap.eu_mode = "dynamic"` on one day) restarts the review calendar, and the next review
/// falls after a 12-month horizon; `explain` says when, instead of printing nothing.
#[test]
fn explain_names_the_next_review_after_the_horizon() {
    use sanctions_sim::policy::cap_review::next_review_after;
    let tmp = tempfile::tempdir().unwrap();
    let body = "[scenario]\nname = \"autocap\"\nmonths = 12\n\
                [[event]]\ndate = \"2026-02-01\"\nlever = \"cap.eu_usd\"\nvalue = 44.10\n\
                [[event]]\ndate = \"2026-02-01\"\nlever = \"cap.eu_mode\"\nvalue = \"dynamic\"\n";
    let p = write_extending(tmp.path(), "autocap", body);
    let out = explain(&p);
    for want in [
        "automatic EU cap reviews (none inside the horizon;",
        "  next: 2026-08-01, after the horizon's last month 2026-07 (not simulated)",
    ] {
        assert!(out.contains(want), "no `{want}` in\n{out}");
    }
    // The baseline lists its five reviews and the one after them.
    let out = explain(&root().join("scenarios/baseline.toml"));
    assert!(out.contains("automatic EU cap reviews (5;"), "{out}");
    assert!(
        out.contains("  next: 2028-09-03, after the horizon's last month 2028-07"),
        "{out}"
    );
    let sc = scenario("baseline");
    let next = next_review_after(
        &sc.events,
        &sc.registry,
        &sc.registry.defaults(),
        sc.start,
        sc.months,
    );
    assert_eq!(next.map(|d| d.to_string()).as_deref(), Some("2028-09-03"));
    // A cap written later stops the reviews for good: said, with no next date.
    let p = write_extending(
        tmp.path(),
        "fixed",
        "[[event]]\ndate = \"2026-05-01\"\nlever = \"cap.eu_usd\"\nvalue = 44.10\n",
    );
    let out = explain(&p);
    assert!(out.contains("automatic EU cap reviews (1;"), "{out}");
    assert!(
        out.contains("  none after 2026-03-03: from then on the mode is fixed"),
        "{out}"
    );
    assert!(!out.contains("  next: "), "{out}");
}

/// Walkthrough 9 #5: report.html's key results also show, for each variable, the month of its
/// lowest and of its highest median, marked, even when no key month falls there (India's
/// intake bottoms out two months after the last event month).
#[test]
fn the_report_shows_each_variables_extreme_median_months() {
    let d = tempfile::tempdir().unwrap();
    let mut c = sim();
    c.arg("run")
        .arg(root().join("scenarios/summit_failure.toml"))
        .args([
            "--paths",
            "40",
            "--months",
            "14",
            "--threads",
            "1",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(d.path());
    expect(&mut c, 0);
    let dir = d.path().join("summit_failure");
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    let key = &html[html.find("Key results").unwrap()..html.find("Totals per path").unwrap()];
    let summary = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    let mut head = summary.lines().next().unwrap().split(',');
    let col = |n: &str| head.clone().position(|h| h == n).unwrap();
    let (date, var, p50) = (col("date"), col("variable"), col("p50"));
    head.next();
    for v in [
        "arrivals_india_mbd",
        "brent_usd_bbl",
        "cap_eu_in_force_usd_bbl",
    ] {
        let series: Vec<(String, f64)> = summary
            .lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
            .filter(|r| r[var] == v)
            .map(|r| (r[date].to_string(), r[p50].parse().unwrap()))
            .collect();
        let lo = series
            .iter()
            .fold(&series[0], |a, b| if b.1 < a.1 { b } else { a });
        let hi = series
            .iter()
            .fold(&series[0], |a, b| if b.1 > a.1 { b } else { a });
        for (when, mark) in [(lo, "lowest median"), (hi, "highest median")] {
            let cell = format!("<td>{v}</td><td>");
            let row = key
                .split("<tr>")
                .find(|r| r.contains(&cell) && r.contains(&format!("{} ({mark}", when.0)))
                .unwrap_or_else(|| panic!("{v}: no row for {} marked {mark}", when.0));
            assert!(row.contains(&format!("{:.4}", when.1)), "{v}: {row}");
        }
    }
    // India's trough, 2025-12, is no key month of this run: it comes from the new rule.
    assert!(key.contains("2025-12-01 (lowest median)"), "{key}");
}
