//! Hostile round 13, messages: a control character where TOML expects a key (F6), the one
//! numeric flag left on Rust's own parser (F7), and texts that grew without bound (F8). The
//! output folders and inputs of F1–F5 are in tests/hostile_round13.rs.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn baseline() -> PathBuf {
    root().join("scenarios/baseline.toml")
}

/// `body` after an `extends` of the shipped baseline, written to `dir/name`.
fn extending(dir: &Path, name: &str, body: &[u8]) -> PathBuf {
    let p = dir.join(name);
    let mut text = format!("extends = {:?}\n", baseline().to_str().unwrap()).into_bytes();
    text.extend_from_slice(body);
    fs::write(&p, text).unwrap();
    p
}

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

// ---- F6: a control character where a key is expected ----------------------------------------

/// A NUL or an ESC at the start of a line, where TOML expects a key, is named as the control
/// character at its own column, as one inside a value is; TOML's own text there was "key
/// with no value, expected `=`" at the column after it.
#[test]
fn a_control_character_before_a_key_is_named_at_its_column() {
    let d = tempfile::tempdir().unwrap();
    // Alone on its line (a binary paste's NUL), before `[` (a terminal escape), indented.
    for (body, code, at) in [
        (&b"\0\n"[..], "U+0000", "3:1"),
        (b"\x1b[2Jname = \"x\"\n", "U+001B", "3:1"),
        (b"\x7f\n", "U+007F", "3:1"),
        (b" \x01\n", "U+0001", "3:2"),
    ] {
        let mut text = b"[scenario]\n".to_vec();
        text.extend_from_slice(body);
        let p = extending(d.path(), "c.toml", &text);
        let o = run(&["validate".as_ref(), p.as_os_str()]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(
            err.contains(&format!("control character {code} in the text")),
            "{err}"
        );
        assert!(err.contains(&format!("c.toml:{at}\n")), "{err}");
        assert!(!err.contains("key with no value"), "{err}");
    }
    // One inside a value keeps its place, and a lone carriage return keeps TOML's message.
    let p = extending(d.path(), "v.toml", b"[scenario]\nname = \"x\0y\"\n");
    let err = stderr(&run(&["validate".as_ref(), p.as_os_str()]));
    assert!(
        err.contains("control character U+0000") && err.contains("v.toml:3:10"),
        "{err}"
    );
    let p = extending(d.path(), "r.toml", b"[scenario]\rname = \"x\"\n");
    let err = stderr(&run(&["validate".as_ref(), p.as_os_str()]));
    assert!(err.contains("carriage return"), "{err}");
}

// ---- F7: every numeric flag says its rule in words -------------------------------------------

/// Rust's own parse errors ("invalid digit found in string", "is not in
/// -2147483648..=2147483647") are never shown: every numeric flag of every command gives the
/// rule in words, for junk, a huge number and a negative one.
#[test]
fn no_numeric_flag_shows_rusts_own_parse_error() {
    let sc = baseline();
    let sc = sc.to_str().unwrap();
    let flags: [(&[&str], &str); 16] = [
        (&["run", sc], "--paths"),
        (&["run", sc], "--months"),
        (&["run", sc], "--seed"),
        (&["run", sc], "--threads"),
        (&["run", sc, "--precision", "0.1"], "--max-paths"),
        (&["run", sc], "--sample-paths"),
        (&["compare", sc, sc], "--paths"),
        (&["sensitivity", sc, "--target", "brent_usd_bbl"], "--year"),
        (
            &["sensitivity", sc, "--target", "brent_usd_bbl"],
            "--swing-paths",
        ),
        (
            &["sensitivity", sc, "--target", "brent_usd_bbl"],
            "--swing-top",
        ),
        (
            &["sensitivity", sc, "--target", "brent_usd_bbl"],
            "--months",
        ),
        (&["backtest"], "--paths"),
        (&["backtest"], "--seed"),
        (&["calibrate"], "--paths"),
        (&["calibrate"], "--sweeps"),
        (&["calibrate"], "--seed"),
    ];
    for (lead, flag) in flags {
        for bad in ["x", "99999999999999999999999", "-7", "1.5"] {
            let mut args: Vec<String> = lead.iter().map(|s| s.to_string()).collect();
            args.push(format!("{flag}={bad}"));
            args.extend(["--out".into(), "/nonexistent/never".into()]);
            let o = Command::new(BIN).args(&args).output().unwrap();
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
            assert!(err.contains("must be"), "{args:?}: {err}");
            for rust in [
                "invalid digit",
                "is not in ",
                "invalid float",
                "too large to fit",
            ] {
                assert!(!err.contains(rust), "{args:?}: {err}");
            }
        }
    }
}

/// `--year` in particular: the calendar's years, in words, and spaces around it as for the
/// other numbers.
#[test]
fn sensitivity_year_is_a_year_from_1900_to_2200() {
    for bad in ["x", "1800", "-1", "99999999999"] {
        let o = run(&[
            "sensitivity".as_ref(),
            baseline().as_os_str(),
            "--target".as_ref(),
            "brent_usd_bbl".as_ref(),
            format!("--year={bad}").as_ref(),
        ]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{err}");
        assert!(err.contains("must be a year from 1900 to 2200"), "{err}");
    }
    // A year outside the run is the run's error, not the parser's: ` 2024` was refused as
    // "invalid digit found in string".
    let o = run(&[
        "sensitivity".as_ref(),
        baseline().as_os_str(),
        "--target".as_ref(),
        "brent_usd_bbl".as_ref(),
        "--year= 2024".as_ref(),
    ]);
    let err = stderr(&o);
    assert!(
        err.contains("--year 2024 is outside the simulated months"),
        "{err}"
    );
}

// ---- F8: texts that grew without bound -------------------------------------------------------

/// A start centuries after the EU's dynamic cap was switched on misses hundreds of reviews:
/// the warning names the first few, the last and their number, on a line of reasonable length.
#[test]
fn missed_cap_reviews_are_counted_not_listed() {
    let d = tempfile::tempdir().unwrap();
    let p = extending(
        d.path(),
        "late.toml",
        b"[scenario]\nname = \"late\"\nstart = \"2200-01\"\nmonths = 2\npaths = 8\n",
    );
    let o = run(&["validate".as_ref(), p.as_os_str()]);
    let err = stderr(&o);
    assert!(err.contains("would have reset the EU cap on 2026-03-03, 2026-09-03, 2027-03-03, … and 2199-09-03 (348 reviews)"), "{err}");
    let longest = err.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 1200, "a line of {longest} characters:\n{err}");
}

/// A tiny `--prob` threshold is written in exponent form, not as a 200-digit decimal, and
/// still reads back as the value asked for.
#[test]
fn a_tiny_threshold_is_written_compactly() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("o");
    let o = Command::new(BIN)
        .arg("run")
        .arg(baseline())
        .args(["--paths", "8", "--months", "2", "--threads", "1", "--quiet"])
        .args([
            "--no-charts",
            "--no-report",
            "--prob",
            "brent_usd_bbl>1e-200",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let csv = fs::read_to_string(out.join("baseline/probabilities.csv")).unwrap();
    let row = csv.lines().nth(1).unwrap();
    let cells: Vec<&str> = row.split(',').collect();
    assert_eq!(cells[5], "1e-200", "{row}");
    assert_eq!(cells[5].parse::<f64>().unwrap(), 1e-200);
    assert!(row.len() < 200, "{row}");
}

/// `AND` in capitals is not a join: the error says joins are written in lower case.
#[test]
fn a_join_in_capitals_is_explained() {
    let o = run(&[
        "run".as_ref(),
        baseline().as_os_str(),
        "--prob".as_ref(),
        "brent_usd_bbl > 5 AND urals_discount_usd_bbl < 9".as_ref(),
        "--out".as_ref(),
        "/nonexistent/never".as_ref(),
    ]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("join conditions with `and` or `or`, in lower case"),
        "{err}"
    );
}
