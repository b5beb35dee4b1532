//! The command line's own words (decision D77): each subcommand's `--help` describes that
//! command only, flag errors state their rule in words with exit 1, errors never read
//! `error: error[`, a missing scenario file is called missing, and the completion scripts
//! and man pages are generated for every shell and subcommand.

use assert_cmd::Command;
use std::path::Path;

const SUBCOMMANDS: &[&str] = &[
    "run",
    "validate",
    "list",
    "explain",
    "schema",
    "compare",
    "backtest",
    "calibrate",
    "sensitivity",
    "merge",
    "show",
    "completions",
    "man",
];

/// Cross-references that belong in a command's help: sharding is `run --shard` + `merge`.
const ALLOWED: &[(&str, &str)] = &[("run", "see `merge`"), ("merge", "`run --shard K/N`")];

fn bin() -> Command {
    Command::cargo_bin("sanctions-sim").expect("binary sanctions-sim is built")
}

fn out(args: &[&str]) -> (i32, String, String) {
    let o = bin().args(args).output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn each_help_describes_only_its_command() {
    for cmd in SUBCOMMANDS {
        let (code, help, _) = out(&[cmd, "--help"]);
        assert_eq!(code, 0, "{cmd}");
        let mut text = help.clone();
        for (c, phrase) in ALLOWED {
            if c == cmd {
                text = text.replace(phrase, "");
            }
        }
        for other in SUBCOMMANDS.iter().filter(|o| *o != cmd) {
            for form in [
                format!("`{other}`"),
                format!("`{other} "),
                format!("for {other}"),
            ] {
                assert!(
                    !text.contains(&form),
                    "`{cmd} --help` speaks of `{other}` ({form}):\n{help}"
                );
            }
        }
        // Every option says what it does.
        for line in help.lines().filter(|l| l.trim_start().starts_with("--")) {
            assert!(
                line.split_whitespace().count() > 2,
                "`{cmd} --help`: undocumented option: {line}"
            );
        }
    }
}

#[test]
fn flag_errors_state_the_rule_in_words() {
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let base = base.to_str().unwrap();
    for (args, want) in [
        (vec!["run", "--paths", "0", base], "at least 1"),
        (vec!["run", "--paths", "-5", base], "negative"),
        (vec!["run", "--months", "5000", base], "from 1 to 1200"),
        (vec!["run", "--threads", "0", base], "from 1 to 1024"),
        (
            vec!["run", "--seed", "-1", base],
            "from 0 to 9223372036854775807",
        ),
        (vec!["run", "--max-paths", "0", base], "at least 1"),
        (vec!["run", "--sample-paths", "1e3", base], "1000"),
        (vec!["run", "--precision", "5%", base], "0.05"),
        (vec!["compare", "--paths", "0", base, base], "at least 1"),
        (
            vec!["sensitivity", "--target", "x", "--swing-top", "-1", base],
            "0 or more",
        ),
        (vec!["backtest", "--paths", "0"], "at least 1"),
        (vec!["calibrate", "--sweeps", "11"], "from 1 to 10"),
    ] {
        let (code, _, err) = out(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(!err.contains("18446744073709551615"), "{args:?}: {err}");
    }
}

/// Flags whose values contradict each other, or a size a command cannot hold: exit 1 before
/// simulating, naming both flags (or the flag and its bound) and the value that works
/// (docs/reliability.md "Flags and their bounds").
#[test]
fn contradicting_flags_name_both_and_the_fix() {
    let tmp = tempfile::tempdir().unwrap();
    let o = tmp.path().join("o");
    let o = o.to_str().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let base = base.to_str().unwrap();
    let sens = [
        "sensitivity",
        base,
        "--target",
        "brent_usd_bbl",
        "--months",
        "2",
    ];
    for (args, wants) in [
        (
            vec![
                "run",
                base,
                "--precision",
                "0.01",
                "--paths",
                "1000",
                "--max-paths",
                "100",
            ],
            vec![
                "--max-paths 100 is below --paths 1000",
                "at most 100 would run",
                "pass --max-paths 1000 or more, or --paths 100 or fewer",
            ],
        ),
        (
            [&sens[..], &["--paths", "100", "--swing-paths", "200"]].concat(),
            vec![
                "--swing-paths 200 is more than --paths 100",
                "pass --swing-paths 100 or fewer (0 skips the swing), or raise --paths",
            ],
        ),
        (
            [&sens[..], &["--swing-paths", "20000"]].concat(),
            vec!["--swing-paths 20000 is more than the file's paths = 10000"],
        ),
        (
            // It used to panic (capacity overflow, exit 2); 10^10 grew memory until killed.
            [&sens[..], &["--paths", "18446744073709551615"]].concat(),
            vec![
                "--paths 18446744073709551615 is too many for sensitivity",
                "above the 1 GiB budget; pass --paths",
                "or fewer",
            ],
        ),
        (
            [&sens[..], &["--paths", "10000000000"]].concat(),
            vec!["--paths 10000000000 is too many for sensitivity"],
        ),
    ] {
        let mut args = args.clone();
        args.extend(["--out", o, "--quiet"]);
        let (code, _, err) = out(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        for w in wants {
            assert!(err.contains(w), "{args:?}: no `{w}` in {err}");
        }
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    assert!(!Path::new(o).exists() || std::fs::read_dir(o).unwrap().next().is_none());
}

/// A bound set by the file's `paths`, not by `--paths`, is named as the file's: the user
/// passed no `--paths` to change.
#[test]
fn sensitivity_names_the_files_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let big = tmp.path().join("big.toml");
    std::fs::write(
        &big,
        format!(
            "extends = \"{}\"\n[scenario]\npaths = 10000000000\n",
            base.to_str().unwrap().replace('\\', "\\\\")
        ),
    )
    .unwrap();
    let o = tmp.path().join("o");
    let args = [
        "sensitivity",
        big.to_str().unwrap(),
        "--target",
        "brent_usd_bbl",
        "--months",
        "2",
        "--swing-paths",
        "0",
        "--quiet",
        "--out",
        o.to_str().unwrap(),
    ];
    let (code, _, err) = out(&args);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("the file's paths = 10000000000 is too many for sensitivity"),
        "{err}"
    );
    assert!(err.contains("6.5 TiB, above the 1 GiB budget"), "{err}");
    assert!(!err.contains("--paths 10000000000"), "{err}");
}

#[test]
fn errors_are_never_error_error() {
    let tmp = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let bad = tmp.path().join("bad.toml");
    std::fs::write(
        &bad,
        format!(
            "extends = \"{}\"\n[[event]]\ndate = \"2025-09\"\nlever = \"tariff.in.rate\"\nvalue = 0.1\n",
            base.to_str().unwrap().replace('\\', "\\\\")
        ),
    )
    .unwrap();
    let bad = bad.to_str().unwrap();
    let o = tmp.path().join("o");
    let o = o.to_str().unwrap();
    let base = base.to_str().unwrap();
    for args in [
        vec!["run", "--out", o, bad],
        vec!["compare", "--out", o, base, bad],
        vec!["sensitivity", "--out", o, "--target", "brent_usd_bbl", bad],
        vec!["explain", bad],
        vec!["validate", bad],
        vec!["list", bad],
    ] {
        let (code, _, err) = out(&args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(!err.contains("error: error"), "{args:?}: {err}");
        assert!(
            err.contains("did you mean `tariff.IN.rate`?"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_missing_file_is_called_missing() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = out(&["explain", tmp.path().join("nope.toml").to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does not exist"), "{err}");
    assert!(!err.contains("extends"), "{err}");
}

#[test]
fn completions_for_every_shell_and_man_pages_for_every_command() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, script, err) = out(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        for word in ["sanctions-sim", "paths", "by-outcome", "sensitivity"] {
            assert!(script.contains(word), "{shell}: no `{word}`");
        }
    }
    let (code, _, err) = out(&["completions", "tcsh"]);
    assert_eq!(code, 1, "{err}");
    let (code, page, _) = out(&["man"]);
    assert_eq!(code, 0);
    assert!(
        page.starts_with(".ie") || page.contains(".TH sanctions-sim 1"),
        "{page}"
    );
    for cmd in SUBCOMMANDS {
        let (code, page, err) = out(&["man", cmd]);
        assert_eq!(code, 0, "{cmd}: {err}");
        assert!(
            page.contains(&format!(".TH sanctions-sim-{cmd} 1")),
            "{cmd}: {}",
            &page[..page.len().min(300)]
        );
    }
    let (code, _, err) = out(&["man", "rn"]);
    assert_eq!(code, 1);
    assert!(err.contains("did you mean `run`?"), "{err}");
}
