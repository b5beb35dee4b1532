//! Faults found by a newcomer's walk through README and docs/ and a hostile pass over what
//! the other modules do not cover: text that would reach the terminal, hints that suggest
//! a number nobody typed, integers past 64 bits, and commands run outside the repository
//! root (docs/reliability.md).

use super::{extending, rejected, sim, tiny_run, BIN};
use std::process::Command;

/// Characters that would clear, recolour or reorder the analyst's terminal (or a report)
/// when `list`, `explain` or a message prints the string; each file is refused at the
/// string, and the message shows the character escaped, never raw.
#[test]
fn control_characters_in_scenario_text_are_refused_and_never_echoed() {
    let d = tempfile::tempdir().unwrap();
    let ev = "[[event]]\ndate = \"2025-09-01\"\n";
    let cases = [
        (
            "description = \"a\\u001b[31mred\"".to_string(),
            "scenario.description",
            "U+001B",
        ),
        (
            "description = \"bell\\u0007\"".into(),
            "scenario.description",
            "U+0007",
        ),
        (
            "description = \"nul\\u0000\"".into(),
            "scenario.description",
            "U+0000",
        ),
        (
            "description = \"two\\nlines\"".into(),
            "scenario.description",
            "U+000A",
        ),
        (
            "description = \"C1 \\u009b2J\"".into(),
            "scenario.description",
            "U+009B",
        ),
        (
            "description = \"abc\\u202edcba\"".into(),
            "scenario.description",
            "U+202E",
        ),
        (
            format!("{ev}lever = \"tariff.IN.rate\"\nvalue = 0.3\nnote = \"x\\u001b[2J\""),
            "event[1].note",
            "U+001B",
        ),
        (
            format!("{ev}lever = \"\\u001b[31mtariff.IN.rate\"\nvalue = 0.3"),
            "event[1].lever",
            "unknown lever `\\u{001b}[31mtariff.IN.rate`",
        ),
        (
            format!(
                "{ev}lever = \"sdn.wave\"\nvalue = {{ add_share = 0.2, wind_down_months = 2, \
                 basins = [\"W\\u0008\"] }}"
            ),
            "event[1].value.basins[1]",
            "U+0008",
        ),
    ];
    for (i, (body, key, needle)) in cases.iter().enumerate() {
        let p = extending(d.path(), &format!("ctrl{i}"), body);
        let err = rejected(&p, &[key, needle]);
        let raw = ['\u{1b}', '\u{7}', '\0', '\u{8}', '\u{9b}', '\u{202e}'];
        assert!(
            !err.contains(raw),
            "a raw control character reached stderr:\n{err}"
        );
    }
    // A tab is plain text.
    let p = extending(d.path(), "tab", "description = \"a\\tb\"");
    let out = d.path().join("out");
    let r = tiny_run(&p, &out, &["--no-charts"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// A value that reads as a percentage is answered with the fraction as the user would type
/// it (it used to suggest `value = 0.013000000000000001` for 1.3), in files and on flags.
#[test]
fn percentage_hints_suggest_the_fraction_as_typed() {
    let d = tempfile::tempdir().unwrap();
    let ev = "[[event]]\ndate = \"2026-01-01\"\nlever = \"pledge.IN.cut\"\n";
    for (body, fix) in [
        (format!("{ev}value = 1.3"), "write `value = 0.013`"),
        (format!("{ev}value = \"1.3%\""), "write `value = 0.013`"),
        (
            format!("{ev}value = 0.5\nprob = 33.3"),
            "write `prob = 0.333`",
        ),
    ] {
        let p = extending(d.path(), "pct", &body);
        let err = rejected(&p, &[fix]);
        assert!(!err.contains("00000000"), "{err}");
    }
    let r = sim(&["run", "x.toml", "--precision", "1.3%"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("write the fraction: 0.013\n"),
        "{}",
        r.stderr
    );
}

/// TOML integers are 64-bit; one written past that says the limit in words, not "expected
/// i64".
#[test]
fn integers_past_64_bits_say_the_limit() {
    let d = tempfile::tempdir().unwrap();
    for (body, key, fix) in [
        (
            "seed = 18446744073709551615",
            "scenario.seed",
            "write e.g. `seed = 42`",
        ),
        (
            "paths = 99999999999999999999999",
            "scenario.paths",
            "write e.g. `paths = 10000`",
        ),
    ] {
        let p = extending(d.path(), "big", body);
        let err = rejected(
            &p,
            &[key, "is too large", "at most 9223372036854775807", fix],
        );
        assert!(!err.contains("i64"), "{err}");
    }
}

/// `backtest` and `calibrate` read `scenarios/history` relative to the current folder; run
/// from anywhere else they said only that the first replay file did not exist.
#[test]
fn backtest_outside_the_repository_says_where_to_run_it() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    for args in [
        vec!["backtest", "--paths", "2", "--out", out.to_str().unwrap()],
        vec!["calibrate", "--paths", "2"],
    ] {
        let o = Command::new(BIN)
            .args(&args)
            .current_dir(d.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        for n in ["`scenarios/history`", "repository root", "--history DIR"] {
            assert!(err.contains(n), "{args:?}: no `{n}` in {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        assert!(!out.exists(), "nothing may be written");
    }
}

/// `--history DIR` naming a folder without the replays, a file or nothing: one message about
/// the folder the user named (it used to be two `error:` headers, a `:1:1` position in a file
/// that does not exist and advice about the current folder, or for a file to use
/// `--history DIR`).
#[test]
fn backtest_history_dir_without_the_replays_names_the_folder() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let empty = d.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let file = d.path().join("file.toml");
    std::fs::write(&file, "").unwrap();
    let scenarios = super::baseline().parent().unwrap().to_path_buf();
    let missing = |dir: &std::path::Path| {
        format!(
            "error: `--history DIR`: {} has no `replay_2022_23.toml` (the backtest needs \
             replay_2022_23, replay_2024, replay_2025q1",
            dir.display()
        )
    };
    let cases: [(&std::path::Path, String); 4] = [
        (&empty, missing(&empty)),
        (&scenarios, missing(&scenarios)),
        (
            &file,
            format!(
                "error: `--history` must name a folder, got a file: `{}`",
                file.display()
            ),
        ),
        (
            &d.path().join("nowhere"),
            "error: `--history DIR`: there is no folder".to_string(),
        ),
    ];
    for (dir, want) in cases {
        for cmd in ["backtest", "calibrate"] {
            let mut c = Command::new(BIN);
            c.args([cmd, "--paths", "2", "--history"]).arg(dir);
            if cmd == "backtest" {
                c.arg("--out").arg(&out);
            }
            let o = c.output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            assert_eq!(o.status.code(), Some(1), "{cmd} {dir:?}: {err}");
            assert!(err.contains(&want), "{cmd} {dir:?}: no\n{want}\nin\n{err}");
            assert_eq!(err.matches("error").count(), 1, "{cmd} {dir:?}: {err}");
            for bad in [":1:1", "relative to the current folder", "repository root"] {
                assert!(!err.contains(bad), "{cmd} {dir:?}: `{bad}` in {err}");
            }
            assert!(!out.exists(), "nothing may be written");
        }
    }
}

/// A replay that is there but does not load: one `error` header, the loader's diagnostic
/// (file, line, column), not `error: <file>:` above it.
#[test]
fn backtest_replay_that_fails_to_load_has_one_error_header() {
    let d = tempfile::tempdir().unwrap();
    let history = super::baseline().parent().unwrap().join("history");
    let copy = d.path().join("history");
    let cp = Command::new("cp")
        .arg("-r")
        .arg(&history)
        .arg(&copy)
        .status()
        .unwrap();
    assert!(cp.success());
    let bad = copy.join("replay_2022_23.toml");
    let text = std::fs::read_to_string(&bad).unwrap();
    std::fs::write(&bad, format!("garbage = \n{text}")).unwrap();
    for cmd in ["backtest", "calibrate"] {
        let mut c = Command::new(BIN);
        c.args([cmd, "--paths", "2", "--history"]).arg(&copy);
        if cmd == "backtest" {
            c.arg("--out").arg(d.path().join("out"));
        }
        let o = c.output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {err}");
        let headers = err.lines().filter(|l| l.starts_with("error")).count();
        assert_eq!(headers, 1, "{cmd}: {err}");
        assert!(err.contains("replay_2022_23.toml:1:11"), "{cmd}: {err}");
    }
}

/// `explain` takes one file; given a folder it used to advise checking the file's
/// permissions.
#[test]
fn explain_of_a_folder_says_to_name_a_file() {
    let dir = super::baseline().parent().unwrap().to_path_buf();
    let r = sim(&["explain", dir.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("name a `.toml` file inside"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("permissions"), "{}", r.stderr);
}

/// Every scenario example of docs/scenarios.md runs as written, as a newcomer would use it:
/// a copy next to the shipped `baseline.toml`, with `extends = "baseline.toml"` put in front
/// of the snippets that are only tables to add (`[[event]]`, `[params]`, `[correlations]`).
/// Market-file rows, the replay's header and one-line fragments are not scenarios and are
/// skipped. The tree example used to name nodes it did not define.
#[test]
fn every_scenario_example_in_the_docs_runs_as_written() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let doc = std::fs::read_to_string(root.join("docs/scenarios.md")).unwrap();
    let d = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(root.join("scenarios")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "toml") {
            std::fs::copy(&p, d.path().join(p.file_name().unwrap())).unwrap();
        }
    }
    std::fs::create_dir(d.path().join("market")).unwrap();
    std::fs::copy(
        root.join("scenarios/market/default.toml"),
        d.path().join("market/default.toml"),
    )
    .unwrap();
    let mut ran = 0;
    for (i, block) in doc.split("```toml\n").skip(1).enumerate() {
        let block = block.split("```").next().unwrap();
        let first_table = block
            .lines()
            .map(str::trim)
            .find(|l| l.starts_with('['))
            .unwrap_or("");
        let text = if block.contains("extends = ") {
            block.to_string()
        } else if ["[[event]]", "[params]", "[correlations]", "[[tree]]"]
            .iter()
            .any(|t| first_table.starts_with(t))
        {
            format!("extends = \"baseline.toml\"\n{block}")
        } else {
            continue;
        };
        let p = d.path().join(format!("doc_example_{i}.toml"));
        std::fs::write(&p, &text).unwrap();
        let out = d.path().join("out");
        let r = tiny_run(&p, &out, &["--no-charts", "--no-report", "--force"]);
        assert_eq!(r.code, Some(0), "example {i}:\n{text}\n{}", r.stderr);
        ran += 1;
    }
    assert!(
        ran >= 14,
        "only {ran} examples found: the skip rules need a look"
    );
}

/// A `.toml` link in a scenario folder whose target is gone, or that loops, used to be
/// skipped: `validate scenarios/` said ok and `run` left that scenario out. It is now
/// reported with its target, and stops the run before anything is written.
#[cfg(unix)]
#[test]
fn broken_links_in_a_scenario_folder_are_reported_not_skipped() {
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("scen");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(super::baseline(), dir.join("a.toml")).unwrap();
    let text = std::fs::read_to_string(dir.join("a.toml")).unwrap();
    let market = super::baseline()
        .parent()
        .unwrap()
        .join("market/default.toml");
    std::fs::write(
        dir.join("a.toml"),
        text.replace("market/default.toml", market.to_str().unwrap()),
    )
    .unwrap();
    std::os::unix::fs::symlink("gone.toml", dir.join("b.toml")).unwrap();
    std::os::unix::fs::symlink("c.toml", dir.join("c.toml")).unwrap();
    std::fs::create_dir(dir.join("sub.toml")).unwrap();
    let v = sim(&["validate", dir.to_str().unwrap()]);
    assert_eq!(v.code, Some(1), "{}", v.stderr);
    for n in [
        "b.toml` is a symbolic link to `gone.toml`, which does not exist",
        "c.toml` is a symbolic link to `c.toml`, which cannot be followed",
        "fix the link or remove it",
        "2 of 3 scenario files have errors",
    ] {
        assert!(v.stderr.contains(n), "no `{n}` in:\n{}", v.stderr);
    }
    let out = d.path().join("out");
    let r = tiny_run(&dir, &out, &[]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(!out.exists(), "a refused folder created the output folder");
}

/// A start price, futures price or imposed price of 1e300 $/bbl used to load; the Brent
/// anchor's (or every money variable's) variance overflowed, leaving empty `sd` cells
/// among 270-digit numbers. Prices now lie in [1e-6, 1e6] $/bbl, and the edges give
/// ordinary cells.
#[test]
fn brent_prices_have_a_range_and_its_edges_give_finite_bands() {
    let d = tempfile::tempdir().unwrap();
    for (body, needle) in [
        (
            "[brent]\np0 = 1e300",
            "`brent.p0` must lie in [0.000001, 1000000] $/bbl, got 1e300",
        ),
        (
            "[brent]\nf24 = 1e-300",
            "`brent.f24` must lie in [0.000001, 1000000] $/bbl, got 1e-300",
        ),
    ] {
        let p = extending(d.path(), "price", body);
        rejected(&p, &[needle, "help:"]);
    }
    let mut csv = String::from("date,usd_bbl\n");
    for m in 0..40 {
        csv.push_str(&format!(
            "{}-{:02}-01,1e300\n",
            2025 + (m + 6) / 12,
            (m + 6) % 12 + 1
        ));
    }
    std::fs::write(d.path().join("imposed.csv"), &csv).unwrap();
    let imposed = d.path().join("imposed.csv");
    let body = format!("[brent]\nimposed = {:?}", imposed.to_str().unwrap());
    let p = extending(d.path(), "imposed", &body);
    rejected(
        &p,
        &["imposed.csv:2: `usd_bbl` must lie in [5, 400] $/bbl (the range the model holds Brent to), got 1e300"],
    );
    // The JSON Schema an editor checks against says the same range.
    let schema: serde_json::Value = serde_json::from_str(&sim(&["schema"]).stdout).unwrap();
    for k in ["p0", "f24"] {
        let p = &schema["$defs"]["brent"]["properties"][k];
        assert_eq!(
            (p["minimum"].as_f64(), p["maximum"].as_f64()),
            (Some(1e-6), Some(1e6)),
            "{p}"
        );
    }
    let p = extending(d.path(), "edges", "[brent]\np0 = 1e6\nf24 = 1e-6");
    let out = d.path().join("out");
    let r = tiny_run(&p, &out, &["--no-charts", "--no-report"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let summary = std::fs::read_to_string(out.join("edges/summary.csv")).unwrap();
    for line in summary.lines().skip(1) {
        let cells: Vec<&str> = line.split(',').collect();
        for c in &cells[4..] {
            assert!(!c.is_empty() && c.len() < 20, "`{c}` in {line}");
        }
    }
}

/// `--force` used to replace whatever had the result's name: a file, or a folder of the
/// user's own (recursively deleted: `run --out ~ --force` of a scenario named `Documents`).
/// It now replaces only a result folder (or an empty one), and refuses the rest before
/// anything is simulated, leaving it untouched.
#[test]
fn force_replaces_only_results() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    std::fs::create_dir_all(out.join("baseline")).unwrap();
    std::fs::write(out.join("baseline/thesis.docx"), b"years of work").unwrap();
    let r = tiny_run(&super::baseline(), &out, &["--force"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    for n in [
        "is not a sanctions-sim result",
        "--force replaces only results",
        "--out",
    ] {
        assert!(r.stderr.contains(n), "no `{n}` in:\n{}", r.stderr);
    }
    assert_eq!(
        std::fs::read(out.join("baseline/thesis.docx")).unwrap(),
        b"years of work"
    );
    std::fs::remove_dir_all(out.join("baseline")).unwrap();
    std::fs::write(out.join("baseline"), b"a file").unwrap();
    let r = tiny_run(&super::baseline(), &out, &["--force"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert_eq!(std::fs::read(out.join("baseline")).unwrap(), b"a file");
    // A result is replaced as before.
    std::fs::remove_file(out.join("baseline")).unwrap();
    for _ in 0..2 {
        let r = tiny_run(&super::baseline(), &out, &["--force", "--no-charts"]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
    }
    assert_eq!(super::entries(&out), ["baseline"]);
}

/// A FIFO (or `/dev/stdin` on a pipe or terminal) named by `extends`, `market` or
/// `imposed` used to block the load for ever: opening a FIFO waits for a writer. Files a
/// scenario names must be regular files, checked before they are opened. (The file on the
/// command line may still be a pipe.)
#[cfg(unix)]
#[test]
fn fifos_named_by_a_scenario_are_refused_without_blocking() {
    let d = tempfile::tempdir().unwrap();
    let fifo = d.path().join("pipe.toml");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
    let f = fifo.to_str().unwrap();
    let p = d.path().join("ext.toml");
    std::fs::write(&p, format!("extends = {f:?}\n")).unwrap();
    rejected(&p, &["extends", "is not a regular file", "pipe.toml"]);
    for (name, body) in [
        ("mk", format!("market = {f:?}")),
        ("imp", format!("[brent]\nimposed = {f:?}")),
    ] {
        let p = extending(d.path(), name, &body);
        rejected(&p, &["is not a regular file", "pipe.toml"]);
    }
}

/// A newcomer's missing scenario path gets the file they most likely meant: without
/// `.toml`, in another case, mistyped, or a bare name of `scenarios/` (run from the root).
#[test]
fn a_missing_scenario_path_suggests_the_nearest_file() {
    let root = env!("CARGO_MANIFEST_DIR");
    for (arg, meant) in [
        ("scenarios/baseline", "scenarios/baseline.toml"),
        ("scenarios/Baseline.toml", "scenarios/baseline.toml"),
        ("baseline.toml", "scenarios/baseline.toml"),
        ("summit_falure", "scenarios/summit_failure.toml"),
    ] {
        let o = Command::new(BIN)
            .args(["validate", arg])
            .current_dir(root)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{arg}: {err}");
        assert!(
            err.contains(&format!("did you mean `{meant}`?")),
            "{arg}: {err}"
        );
    }
    let r = sim(&["validate", "/nonexistent/nothing_like_it.toml"]);
    assert_eq!(r.code, Some(1));
    assert!(!r.stderr.contains("did you mean"), "{}", r.stderr);
}
