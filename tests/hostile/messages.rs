//! Class 5 of issue 15, messages that neither mislead nor leak: no line is quoted from a
//! file that is not scenario text, a name the filesystem cannot hold is refused by
//! `validate`, a missed `--precision` target is said, runaway lever arithmetic and
//! duplicate correlation pairs are refused at their position (docs/reliability.md).

use super::{baseline, extending, rejected, sim, tiny_run};
use std::fs;

#[cfg(target_os = "linux")]
#[test]
fn environment_and_other_files_are_never_quoted() {
    let d = tempfile::tempdir().unwrap();
    // A secret in the environment of the process that reads its own environ.
    let p = d.path().join("leak.toml");
    fs::write(&p, "extends = \"/proc/self/environ\"\n").unwrap();
    let r = std::process::Command::new(env!("CARGO_BIN_EXE_sanctions-sim"))
        .args(["validate", p.to_str().unwrap()])
        .env("RELY_SECRET_TOKEN", "hunter2-do-not-print")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{err}");
    assert!(err.contains("/proc/self/environ"), "{err}");
    assert!(
        !err.contains("hunter2") && !err.contains("RELY_SECRET"),
        "{err}"
    );
    // Any readable file that is not TOML scenario text: position only, never a line.
    let secret = d.path().join("passwords.txt");
    fs::write(&secret, "root:SECRET-PASSWORD:0:0\n").unwrap();
    let p = extending(d.path(), "ext_txt", "");
    let text = fs::read_to_string(&p).unwrap();
    fs::write(
        &p,
        text.replace(baseline().to_str().unwrap(), secret.to_str().unwrap()),
    )
    .unwrap();
    let err = rejected(
        &p,
        &["passwords.txt:1:", "named by `extends` at", "not a .toml"],
    );
    assert!(!err.contains("SECRET-PASSWORD"), "{err}");
}

#[test]
fn binary_content_is_never_quoted() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("bin.toml");
    fs::write(&p, b"name = 1\nSECRET\x01\x02 = \"x\"\n").unwrap();
    let err = rejected(&p, &["bin.toml:2:"]);
    assert!(!err.contains("SECRET"), "{err}");
}

#[test]
fn names_too_long_for_the_filesystem_are_refused_by_validate() {
    let d = tempfile::tempdir().unwrap();
    let long = "n".repeat(250);
    let p = d.path().join("long.toml");
    let text = format!(
        "extends = {:?}\n[scenario]\nname = \"{long}\"\n",
        baseline().to_str().unwrap()
    );
    fs::write(&p, text).unwrap();
    rejected(
        &p,
        &[
            "scenario.name",
            "250 characters long",
            "at most 128",
            "long.toml:3:8",
        ],
    );
    // 128 is accepted and runs.
    let ok = extending(d.path(), &"m".repeat(128), "");
    let out = d.path().join("out");
    let r = tiny_run(&ok, &out, &["--no-charts"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

#[test]
fn missed_precision_target_is_said_and_can_be_an_error() {
    let d = tempfile::tempdir().unwrap();
    let out = d.path().join("out");
    let b = baseline();
    let args = |extra: &[&'static str]| {
        let mut v = vec![
            "run".to_string(),
            b.to_str().unwrap().to_string(),
            "--precision".into(),
            "1e-300".into(),
            "--max-paths".into(),
            "300".into(),
            "--months".into(),
            "2".into(),
            "--no-charts".into(),
            "--quiet".into(),
            "--force".into(),
            "--out".into(),
            out.to_str().unwrap().to_string(),
        ];
        v.extend(extra.iter().map(|s| s.to_string()));
        v
    };
    let a = args(&[]);
    let r = sim(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("warning: baseline: --precision 1e-300 not reached"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--strict-precision"), "{}", r.stderr);
    // The cap is below the file's paths (the first batch): said, naming both.
    assert!(
        r.stderr.contains(
            "warning: baseline: --max-paths 300 is below the file's paths = 10000 (the first \
             batch of --precision): at most 300 paths run"
        ),
        "{}",
        r.stderr
    );
    let a = args(&["--strict-precision"]);
    let r = sim(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("the target was missed"), "{}", r.stderr);
    assert!(out.join("baseline/manifest.json").is_file());
}

#[test]
fn runaway_lever_arithmetic_is_refused_at_the_event() {
    let d = tempfile::tempdir().unwrap();
    let ev = |action: &str, lever: &str, value: &str| {
        format!(
            "[[event]]\ndate = \"2025-09-01\"\nlever = \"{lever}\"\naction = \"set\"\nvalue = 0.25\n\
             [[event]]\ndate = \"2025-10-01\"\nlever = \"{lever}\"\naction = \"{action}\"\nvalue = {value}"
        )
    };
    let p = extending(d.path(), "scaled", &ev("scale", "tariff.IN.rate", "1e308"));
    rejected(
        &p,
        &[
            "event[2].value",
            "scaling by 1e308",
            "`tariff.IN.rate`",
            "outside its range [0, 5]",
            "scaled.toml:9:1",
        ],
    );
    let p = extending(d.path(), "added", &ev("add", "tariff.IN.rate", "1e308"));
    rejected(&p, &["event[2].value", "adding", "outside its range"]);
    let p = extending(d.path(), "below", &ev("add", "tariff.IN.rate", "-1"));
    rejected(&p, &["event[2].value", "[-0.75, -0.75]"]);
    // Inside the range stays valid; an uncertain event keeps both outcomes.
    let p = extending(d.path(), "fine", &ev("scale", "tariff.IN.rate", "4"));
    let out = d.path().join("out");
    assert_eq!(tiny_run(&p, &out, &["--no-charts"]).code, Some(0));
    // Action levers with a number: the jump is bounded (it enters through exp()).
    let p = extending(
        d.path(),
        "jump",
        "[[event]]\ndate = \"2025-09-01\"\nlever = \"risk_premium.jump\"\nvalue = 1e308",
    );
    rejected(&p, &["event[1].value", "[-50, 50]"]);
}

#[test]
fn duplicate_correlation_pairs_are_an_error_with_both_positions() {
    let d = tempfile::tempdir().unwrap();
    let body = "[params]\neps_d = { tri = [-0.3, -0.1, -0.05] }\neps_s = { tri = [0.02, 0.05, 0.1] }\n\
                [correlations]\npairs = [[\"eps_d\", \"eps_s\", 0.3], [\"eps_s\", \"eps_d\", -0.3]]";
    let p = extending(d.path(), "corr", body);
    rejected(
        &p,
        &[
            "correlations.pairs",
            "given twice, with different values (0.3 and -0.3)",
            "corr.toml:8:35",
            "first given at",
            "corr.toml:8:10",
        ],
    );
}

/// Error messages name what they are about (hostile review, class 5): a market file that is
/// not TOML points back to `scenario.market`; a market type error names its key; a duplicate
/// key names itself and its first line; a non-string `extends` is the one error; names say
/// ASCII; a pattern with two `*` says one.
#[test]
fn messages_name_the_key_and_where_it_was_named() {
    let d = tempfile::tempdir().unwrap();
    fs::write(d.path().join("junk.toml"), "garbage {{{\n").unwrap();
    let p = extending(d.path(), "m1", "market = \"junk.toml\"");
    // `extending` writes `[scenario]` then the body: `market` lands in [scenario].
    let e = rejected(&p, &["in market file", "named by `scenario.market` at"]);
    assert!(e.contains("m1.toml:"), "{e}");

    let market =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/market/default.toml");
    let text =
        fs::read_to_string(market)
            .unwrap()
            .replacen("slate_mbd = ", "slate_mbd = \"x\" #", 1);
    fs::write(d.path().join("typed.toml"), text).unwrap();
    let p = extending(d.path(), "m2", "market = \"typed.toml\"");
    rejected(&p, &["`buyer.slate_mbd`", "named by `scenario.market`"]);

    let p = extending(d.path(), "m3", "seed = 1\nseed = 2");
    rejected(&p, &["duplicate key `seed`", "already written on line 4"]);

    let p = d.path().join("m4.toml");
    fs::write(&p, "extends = 5\n").unwrap();
    let e = rejected(&p, &["`extends` must be a string"]);
    assert!(!e.contains("missing required key"), "{e}");

    let p = d.path().join("m5.toml");
    fs::write(
        &p,
        format!(
            "extends = {:?}\n[scenario]\nname = \"m\u{e9}\"\n",
            baseline().to_str().unwrap()
        ),
    )
    .unwrap();
    rejected(&p, &["ASCII letters"]);

    let p = extending(
        d.path(),
        "m6",
        "[[event]]\ndate = \"2026-01-01\"\nlever = \"*.*.rate\"\nvalue = 0.1",
    );
    rejected(&p, &["has 2 `*`; a pattern may have one"]);
}

/// More messages that say what is wrong: a NUL byte is named as such, a symlink loop on the
/// command line is not "did you mean" itself, every malformed start month gets one message,
/// and one file given twice to `run` is said to be given twice.
#[test]
fn messages_say_the_real_cause() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("nul.toml");
    fs::write(
        &p,
        format!(
            "extends = {:?}\n[scenario]\nname = \"n\0x\"\n",
            baseline().to_str().unwrap()
        ),
    )
    .unwrap();
    let e = rejected(&p, &["control character U+0000"]);
    assert!(!e.contains("close the string"), "{e}");

    #[cfg(unix)]
    {
        let a = d.path().join("loop1.toml");
        let b = d.path().join("loop2.toml");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let v = sim(&["validate", a.to_str().unwrap()]);
        assert_eq!(v.code, Some(1), "{}", v.stderr);
        assert!(
            v.stderr.contains("symbolic link that cannot be followed"),
            "{}",
            v.stderr
        );
        assert!(!v.stderr.contains("did you mean"), "{}", v.stderr);
    }

    for start in ["2025-8", "2025-08-01", "Aug 2025"] {
        let p = extending(d.path(), "st", &format!("start = {start:?}"));
        rejected(&p, &["expected a month `YYYY-MM`"]);
    }

    let base = baseline();
    let twice = base.parent().unwrap().join("../scenarios/baseline.toml");
    let out = d.path().join("out");
    let r = tiny_run(&base, &out, &[twice.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("is given twice"), "{}", r.stderr);
}

/// A market file whose route capacities are far beyond any physical route prices Russian
/// crude above Brent on every path: the run says so instead of exiting 0 in silence.
#[test]
fn a_market_far_outside_the_calibration_is_flagged() {
    let d = tempfile::tempdir().unwrap();
    let market =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/market/default.toml");
    // Every sea route's capacity (not the pipelines') at 1e6 mb/d.
    let mut table = String::new();
    let text: String = fs::read_to_string(market)
        .unwrap()
        .lines()
        .map(|l| {
            if l.starts_with('[') {
                table = l.trim().to_string();
            }
            if table == "[[route]]" && l.trim_start().starts_with("capacity_mbd") {
                "capacity_mbd = 1e6".to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    fs::write(d.path().join("bigcap.toml"), text).unwrap();
    let p = extending(d.path(), "huge", "market = \"bigcap.toml\"");
    let out = d.path().join("out");
    let r = sim(&[
        "run",
        p.to_str().unwrap(),
        "--paths",
        "20",
        "--months",
        "6",
        "--quiet",
        "--no-charts",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("priced more than $5 above Brent"),
        "{}",
        r.stderr
    );
}

/// `run` prints `validate`'s warnings too: a user who runs a file without validating it
/// still hears that an inherited lagged event can replace their cap (D135).
#[test]
fn run_repeats_the_validate_warnings() {
    let d = tempfile::tempdir().unwrap();
    let success = baseline().parent().unwrap().join("summit_success.toml");
    let p = d.path().join("cap30.toml");
    fs::write(
        &p,
        format!(
            "extends = {:?}\n[scenario]\nname = \"cap30\"\n[[event]]\ndate = \"2026-03-01\"\n\
             lever = \"cap.eu_usd\"\nvalue = 30\n",
            success.to_str().unwrap()
        ),
    )
    .unwrap();
    let r = tiny_run(&p, &d.path().join("out"), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("cap30: warning[event[1]]")
            && r.stderr
                .contains("can be replaced by the inherited `cap.eu_usd`"),
        "{}",
        r.stderr
    );
}
