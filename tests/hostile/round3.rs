//! The third hostile pass (2026-12-06, docs/reliability.md): a scenario reached through a
//! symbolic link resolves its relative paths where the file really is; a long `extends`
//! chain loads in linear time.

use super::{baseline, sim};
use std::fs;
use std::time::{Duration, Instant};

/// A link to `summit_failure.toml` inherits the shipped `baseline.toml` beside its target,
/// not an unrelated `baseline.toml` beside the link (it used to, silently: Brent at 150).
#[test]
fn a_linked_scenario_resolves_extends_beside_its_target() {
    let d = tempfile::tempdir().unwrap();
    let decoy = fs::read_to_string(baseline())
        .unwrap()
        .replace("p0 = 71.04", "p0 = 150.0");
    assert!(decoy.contains("p0 = 150.0"), "the baseline's p0 line moved");
    fs::write(d.path().join("baseline.toml"), decoy).unwrap();
    let target = baseline().with_file_name("summit_failure.toml");
    let link = d.path().join("link.toml");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let r = sim(&["explain", link.to_str().unwrap()]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("p0 = 71.04"), "{}", r.stdout);
    assert!(!r.stdout.contains("150"), "{}", r.stdout);
    // The same through a link to a folder of scenarios, with `..` in `market`.
    let dirlink = d.path().join("scen");
    std::os::unix::fs::symlink(baseline().parent().unwrap(), &dirlink).unwrap();
    let r = sim(&[
        "validate",
        dirlink.join("summit_failure.toml").to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
}

/// A chain of 20,000 files, each extending the one before: the cycle check was a scan of the
/// chain per link (20,000 files took 11 s, 50,000 took 72 s). It guards against the quadratic
/// return, not the timing: a quadratic load takes 16 times as long for 4 times the files, a
/// linear one 4 times, so the bound is on the ratio, which a loaded machine slows alike (an
/// absolute 5 s bound failed at load 8 on 2 cores).
#[test]
fn a_long_extends_chain_loads_in_linear_time() {
    let time = |n: usize| {
        let d = tempfile::tempdir().unwrap();
        fs::write(
            d.path().join("f0.toml"),
            format!(
                "extends = {:?}\n[scenario]\nname = \"f0\"\n",
                baseline().to_str().unwrap()
            ),
        )
        .unwrap();
        for i in 1..n {
            fs::write(
                d.path().join(format!("f{i}.toml")),
                format!("extends = \"f{}.toml\"\n", i - 1),
            )
            .unwrap();
        }
        let leaf = d.path().join(format!("f{}.toml", n - 1));
        let t = Instant::now();
        let r = sim(&["validate", leaf.to_str().unwrap()]);
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        t.elapsed()
    };
    let small = time(5_000);
    let big = time(20_000);
    assert!(
        big < (small * 9).max(Duration::from_secs(3)),
        "5,000 files {small:?}, 20,000 files {big:?}"
    );
}

/// Command-line values and file names are echoed with control characters escaped, as
/// scenario text is: an ESC or OSC sequence in `--prob`, a file name or `--out` used to reach
/// the terminal raw (it can recolour it or set the window title).
#[test]
fn command_line_text_is_echoed_escaped() {
    let d = tempfile::tempdir().unwrap();
    let e = "\u{1b}[31mred\u{1b}]0;title\u{7}";
    let base = baseline();
    let b = base.to_str().unwrap();
    let odd = d.path().join(format!("x{e}.toml"));
    fs::copy(&base, &odd).unwrap();
    let market = base.with_file_name("market");
    std::os::unix::fs::symlink(&market, d.path().join("market")).unwrap();
    let out = d.path().join(format!("o{e}"));
    let prob = format!("flow_india_mbd<1{e}");
    let missing = d.path().join(format!("y{e}.toml"));
    let cases: Vec<Vec<&str>> = vec![
        vec!["run", b, "--months", "2", "--paths", "4", "--prob", &prob],
        vec!["validate", missing.to_str().unwrap()],
        vec!["validate", odd.to_str().unwrap()],
        vec![
            "run",
            odd.to_str().unwrap(),
            "--months",
            "2",
            "--paths",
            "4",
            "--no-charts",
            "--out",
            out.to_str().unwrap(),
        ],
    ];
    for args in cases {
        let r = sim(&args);
        for text in [&r.stdout, &r.stderr] {
            assert!(
                !text.contains('\u{1b}') && !text.contains('\u{7}'),
                "{args:?}: {text:?}"
            );
        }
        assert!(
            r.stdout.contains("\\u{001b}") || r.stderr.contains("\\u{001b}"),
            "{args:?}: the value is not shown: {} {}",
            r.stdout,
            r.stderr
        );
    }
}

/// A market file where a scenario belongs, or a scenario where a market file belongs: one
/// error at the key that named it (it used to be 13 errors blamed on the shipped market file,
/// advising edits to it).
#[test]
fn a_file_of_the_wrong_kind_is_named_at_the_key() {
    let d = tempfile::tempdir().unwrap();
    let market = baseline().with_file_name("market").join("default.toml");
    let failure = baseline().with_file_name("summit_failure.toml");
    let a = d.path().join("a.toml");
    fs::write(
        &a,
        format!(
            "extends = {:?}\n[scenario]\nname = \"a\"\n",
            market.to_str().unwrap()
        ),
    )
    .unwrap();
    let b = d.path().join("b.toml");
    fs::write(
        &b,
        format!(
            "extends = {:?}\n[scenario]\nname = \"b\"\nmarket = {:?}\n",
            baseline().to_str().unwrap(),
            failure.to_str().unwrap()
        ),
    )
    .unwrap();
    for (file, want, at) in [
        (
            &a,
            "is a market file (it has `[[basin]]` tables), not a scenario",
            "a.toml:1:11",
        ),
        (
            &b,
            "is a scenario file (it has `[scenario]` or `[[event]]`), not a market file",
            "b.toml:4:10",
        ),
        (&market, "is a market file", "default.toml:1:1"),
    ] {
        let r = sim(&["validate", file.to_str().unwrap()]);
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert!(r.stderr.contains(want), "{}", r.stderr);
        assert!(r.stderr.contains(at), "{}", r.stderr);
        let errors = r
            .stderr
            .lines()
            .filter(|l| l.starts_with("error[") || l.starts_with("error: `"))
            .count();
        assert_eq!(errors, 1, "{}", r.stderr);
    }
}

/// A disk that fills up on the second scenario: the message names the first one's result as
/// written, complete and kept (it used to say "no result was written").
#[test]
fn a_full_disk_names_the_results_written_before_it() {
    use std::os::unix::process::CommandExt;
    let d = tempfile::tempdir().unwrap();
    let small = super::extending(d.path(), "small", "months = 3");
    let large = super::extending(d.path(), "large", "months = 36");
    let out = d.path().join("out");
    let mut cmd = std::process::Command::new(super::BIN);
    cmd.arg("run")
        .arg(&small)
        .arg(&large)
        .args([
            "--paths",
            "16",
            "--quiet",
            "--no-charts",
            "--no-report",
            "--out",
        ])
        .arg(&out);
    unsafe {
        cmd.pre_exec(|| {
            // Files past 256 KiB fail with EFBIG (SIGXFSZ ignored), like a full disk: one
            // 3 months' summary.csv fits, 36 months' does not.
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            let lim = libc::rlimit {
                rlim_cur: 256 << 10,
                rlim_max: 256 << 10,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let r = super::res(cmd.output().unwrap());
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("this result was not written"),
        "{}",
        r.stderr
    );
    let kept = format!(
        "{} was written before it, and it is complete and kept",
        out.join("small").display()
    );
    assert!(r.stderr.contains(&kept), "{}", r.stderr);
    assert!(!r.stderr.contains("no result was written"), "{}", r.stderr);
    assert!(out.join("small/manifest.json").is_file());
    assert!(!out.join("large").exists());
}

/// Correlations that are consistent but numerically singular are said to be so, not called
/// inconsistent; a contradictory set still is.
#[test]
fn nearly_singular_correlations_are_not_called_inconsistent() {
    let d = tempfile::tempdir().unwrap();
    let near = super::extending(
        d.path(),
        "near",
        "[correlations]\npairs = [[\"eps_d\", \"eps_s\", 0.9999999999999999], [\"eps_s\", \"kappa\", 0.9999999999999999], [\"eps_d\", \"kappa\", 0.9999999999999999]]",
    );
    let r = sim(&["validate", near.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr.contains("too close to a perfect relationship"),
        "{}",
        r.stderr
    );
    let bad = super::extending(
        d.path(),
        "bad",
        "[correlations]\npairs = [[\"eps_d\", \"eps_s\", 0.9], [\"eps_s\", \"kappa\", 0.9], [\"eps_d\", \"kappa\", -0.9]]",
    );
    let r = sim(&["validate", bad.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("inconsistent (the matrix is not positive definite)"),
        "{}",
        r.stderr
    );
}

/// `start` hints that work when followed: a bare date is told to quote the month, a bare
/// month to quote it, and a month out of range says the range (they suggested an invalid
/// value, a generic TOML help, and "expected YYYY-MM" for `9999-12`).
#[test]
fn start_month_hints_can_be_followed() {
    let d = tempfile::tempdir().unwrap();
    for (value, want) in [
        ("2025-08-01", "quote the date: `start = \"2025-08\"`"),
        (
            "2025-08",
            "dates and months are strings: quote it, `start = \"2025-08\"`",
        ),
        ("\"9999-12\"", "month must be 01–12 and year 1900–2200"),
    ] {
        let f = super::extending(d.path(), "s", &format!("start = {value}"));
        let r = sim(&["validate", f.to_str().unwrap()]);
        assert_eq!(r.code, Some(1), "{}", r.stderr);
        assert!(r.stderr.contains(want), "{value}: {}", r.stderr);
    }
}

/// A huge value is quoted in exponent form, not as 309 digits.
#[test]
fn huge_values_are_quoted_short() {
    let d = tempfile::tempdir().unwrap();
    let market = baseline().with_file_name("market").join("default.toml");
    let text = fs::read_to_string(&market).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("port_cap_mbd"))
        .expect("a port_cap_mbd line");
    fs::write(
        d.path().join("m.toml"),
        text.replacen(line, "port_cap_mbd = 1e308", 1),
    )
    .unwrap();
    let f = d.path().join("s.toml");
    fs::write(
        &f,
        format!(
            "extends = {:?}\n[scenario]\nname = \"s\"\nmarket = \"m.toml\"\n",
            baseline().to_str().unwrap()
        ),
    )
    .unwrap();
    let r = sim(&["validate", f.to_str().unwrap()]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("got 1e308"), "{}", r.stderr);
    assert!(!r.stderr.contains("0000000000"), "{}", r.stderr);
}
