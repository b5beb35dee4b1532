//! Hostile inputs and faulty output locations: every row of the table in docs/reliability.md
//! has a test here (signals are in tests/signals.rs). Each case must end with exit code 1 and
//! a message that names the file or flag and says what to do, never with a panic.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_sanctions-sim");

fn baseline() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml")
}

struct Res {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn res(o: Output) -> Res {
    let r = Res {
        code: o.status.code(),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
    };
    assert!(!r.stderr.contains("panicked"), "panic:\n{}", r.stderr);
    r
}

fn sim(args: &[&str]) -> Res {
    res(Command::new(BIN).args(args).output().expect("spawn"))
}

/// `validate <file>` and a small `run <file> --out <tmp>`: both must fail with exit 1, name
/// the file, contain every `needle`, and write nothing. Returns the run's stderr.
fn rejected(file: &Path, needles: &[&str]) -> String {
    let f = file.to_str().unwrap();
    let v = sim(&["validate", f]);
    assert_eq!(v.code, Some(1), "validate {f}: {}", v.stderr);
    let out = tempfile::tempdir().unwrap();
    let o = out.path().join("out");
    let r = sim(&[
        "run",
        f,
        "--paths",
        "4",
        "--months",
        "2",
        "--quiet",
        "--out",
        o.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(1), "run {f}: {}", r.stderr);
    for text in [&v.stderr, &r.stderr] {
        assert!(text.contains(f), "message does not name {f}:\n{text}");
        for n in needles {
            assert!(text.contains(n), "no `{n}` in:\n{text}");
        }
    }
    assert!(!o.exists(), "a refused scenario created the output folder");
    r.stderr
}

/// A scenario file in `dir` that extends the shipped baseline and adds `body`.
fn extending(dir: &Path, name: &str, body: &str) -> PathBuf {
    let p = dir.join(format!("{name}.toml"));
    let text = format!(
        "extends = {:?}\n[scenario]\nname = \"{name}\"\n{body}\n",
        baseline().to_str().unwrap()
    );
    fs::write(&p, text).unwrap();
    p
}

fn tiny_run(file: &Path, out: &Path, extra: &[&str]) -> Res {
    let mut args = vec![
        "run",
        file.to_str().unwrap(),
        "--paths",
        "4",
        "--months",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    sim(&args)
}

fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .map(|rd| {
            rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

// ---- hostile scenario files -----------------------------------------------------------------

#[test]
fn empty_file() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("empty.toml");
    fs::write(&p, "").unwrap();
    rejected(&p, &["the file is empty", "help:"]);
}

#[test]
fn binary_garbage() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("garbage.toml");
    // Deterministic pseudo-random bytes, including NULs and invalid UTF-8.
    let mut x: u32 = 12345;
    let bytes: Vec<u8> = (0..4096)
        .map(|_| {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            (x >> 16) as u8
        })
        .collect();
    fs::write(&p, bytes).unwrap();
    rejected(&p, &["is not valid UTF-8", "save the file as UTF-8"]);
}

#[test]
fn non_utf8_text() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("latin1.toml");
    fs::write(&p, b"[scenario]\nname = \"caf\xe9\"\n").unwrap();
    let err = rejected(&p, &["is not valid UTF-8", "save the file as UTF-8"]);
    assert!(err.contains("latin1.toml:2:12"), "{err}");
}

#[test]
fn deeply_nested_arrays() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("nested.toml");
    let n = 10_000;
    fs::write(&p, format!("a = {}{}\n", "[".repeat(n), "]".repeat(n))).unwrap();
    rejected(&p, &["TOML syntax error", "recursion"]);
}

#[test]
fn deeply_nested_inline_tables() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("inline.toml");
    let n = 10_000;
    fs::write(&p, format!("a = {}1{}\n", "{b = ".repeat(n), "}".repeat(n))).unwrap();
    rejected(&p, &["TOML syntax error", "recursion"]);
}

#[test]
fn deeply_nested_dotted_keys_and_headers() {
    let d = tempfile::tempdir().unwrap();
    let n = 100_000;
    let p = d.path().join("dotted.toml");
    fs::write(&p, format!("[params]\na{} = 1\n", ".a".repeat(n))).unwrap();
    rejected(&p, &["TOML syntax error", "recursion"]);
    let p = d.path().join("header.toml");
    fs::write(&p, format!("[{}a]\nx = 1\n", "a.".repeat(n))).unwrap();
    rejected(&p, &["TOML syntax error", "recursion"]);
}

#[test]
fn file_of_100_mb_refused_unread() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("huge.toml");
    let f = fs::File::create(&p).unwrap();
    f.set_len(100 << 20).unwrap(); // sparse: 100 MiB of NUL bytes
    drop(f);
    let t0 = Instant::now();
    rejected(&p, &["is 100.0 MiB", "at most 16 MiB"]);
    assert!(t0.elapsed() < Duration::from_secs(5), "{:?}", t0.elapsed());
}

#[cfg(unix)]
#[test]
fn endless_file_refused() {
    let r = sim(&["validate", "/dev/zero"]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(r.stderr.contains("/dev/zero"), "{}", r.stderr);
    assert!(r.stderr.contains("larger than 16 MiB"), "{}", r.stderr);
}

#[test]
fn number_1e999() {
    let d = tempfile::tempdir().unwrap();
    let ev = "[[event]]\ndate = \"2025-09-01\"\nlever = \"tariff.IN.rate\"\naction = \"set\"\n";
    let p = extending(d.path(), "ev_inf", &format!("{ev}value = 1e999"));
    rejected(&p, &["event[1].value", "overflowed", "ev_inf.toml:8:9"]);
    let p = extending(d.path(), "p0_inf", "[brent]\np0 = 1e999");
    rejected(&p, &["brent.p0", "overflowed"]);
    let p = extending(d.path(), "paths_inf", "paths = 1e999");
    rejected(&p, &["scenario.paths", "must be a whole number"]);
    let p = extending(
        d.path(),
        "sd_inf",
        "[params]\neps_d = { normal = [0, inf] }",
    );
    rejected(&p, &["params.eps_d", "is inf", "sd_inf.toml:5:24"]);
}

#[test]
fn number_nan() {
    let d = tempfile::tempdir().unwrap();
    let ev = "[[event]]\ndate = \"2025-09-01\"\nlever = \"tariff.IN.rate\"\naction = \"set\"\n";
    let p = extending(d.path(), "ev_nan", &format!("{ev}value = nan"));
    rejected(&p, &["event[1].value", "expected a finite number, got NaN"]);
    let p = extending(d.path(), "p0_nan", "[brent]\np0 = nan");
    rejected(&p, &["brent.p0", "finite number > 0", "NaN"]);
    let p = extending(d.path(), "par_nan", "[params]\nstorage_cap = nan");
    rejected(&p, &["params.storage_cap", "finite number"]);
    let p = extending(d.path(), "paths_nan", "paths = -nan");
    rejected(&p, &["scenario.paths", "must be a whole number"]);
}

#[test]
fn huge_integer() {
    let d = tempfile::tempdir().unwrap();
    let p = extending(d.path(), "big", "paths = 99999999999999999999999");
    rejected(&p, &["scenario.paths"]);
}

/// `-0` is accepted as 0 wherever 0 is valid, and refused where the value must be > 0.
#[test]
fn negative_zero() {
    let d = tempfile::tempdir().unwrap();
    let ev = "[[event]]\ndate = \"2025-09-01\"\nlever = \"tariff.IN.rate\"\naction = \"set\"\n";
    let p = extending(d.path(), "negz", &format!("seed = -0\n{ev}value = -0.0"));
    let out = d.path().join("out");
    let r = tiny_run(&p, &out, &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let m = fs::read_to_string(out.join("negz/manifest.json")).unwrap();
    assert!(m.contains("\"seed\": 0"), "{m}");
    let p = extending(d.path(), "p0_negz", "[brent]\np0 = -0.0");
    rejected(&p, &["brent.p0", "finite number > 0"]);
}

#[test]
fn extends_loop() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.toml");
    let b = d.path().join("b.toml");
    fs::write(&a, "extends = \"b.toml\"\n").unwrap();
    fs::write(&b, "extends = \"a.toml\"\n").unwrap();
    let err = rejected(&a, &["`extends` forms a cycle", "remove `extends`"]);
    assert!(err.contains(b.to_str().unwrap()), "{err}");
    // A file that extends itself.
    let s = d.path().join("self.toml");
    fs::write(&s, "extends = \"self.toml\"\n").unwrap();
    rejected(&s, &["`extends` forms a cycle"]);
}

/// Inside a `scenarios/` tree a scenario may read its siblings' folders without a warning, as
/// the shipped replays (`scenarios/history/`) read `scenarios/market/`.
#[test]
fn reading_within_a_scenarios_tree_is_not_warned() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path().join("scenarios");
    fs::create_dir_all(root.join("market")).unwrap();
    fs::create_dir_all(root.join("history")).unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    fs::copy(repo.join("baseline.toml"), root.join("baseline.toml")).unwrap();
    fs::copy(
        repo.join("market/default.toml"),
        root.join("market/default.toml"),
    )
    .unwrap();
    let p = root.join("history/r.toml");
    fs::write(
        &p,
        "extends = \"../baseline.toml\"\n[scenario]\nname = \"r\"\n",
    )
    .unwrap();
    let r = tiny_run(&p, &d.path().join("out"), &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(!r.stderr.contains("outside the scenario"), "{}", r.stderr);
}

/// Climbing out of the scenario folder is allowed (shared bases elsewhere are legitimate) but
/// `run` warns; a target that is not a scenario fails like any bad file.
#[test]
fn extends_climbing_out_of_folder() {
    let d = tempfile::tempdir().unwrap();
    let sub = d.path().join("scen");
    fs::create_dir(&sub).unwrap();
    let ups = "../".repeat(64); // more `..` than the path is deep: stops at `/`
    let base = baseline();
    let rel = format!("{ups}{}", base.to_str().unwrap().trim_start_matches('/'));
    let p = sub.join("climb.toml");
    fs::write(
        &p,
        format!("extends = {rel:?}\n[scenario]\nname = \"climb\"\n"),
    )
    .unwrap();
    let v = sim(&["validate", p.to_str().unwrap()]);
    assert_eq!(v.code, Some(0), "{}", v.stderr);
    let out = d.path().join("out");
    let r = tiny_run(&p, &out, &[]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(
        r.stderr.contains("warning: climb: reads") && r.stderr.contains("outside the scenario"),
        "{}",
        r.stderr
    );
    // The parent and its market file are both outside: one line names both.
    assert_eq!(
        r.stderr.matches("outside the scenario").count(),
        1,
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("baseline.toml, "), "{}", r.stderr);
    assert_eq!(entries(&out), ["climb"]);

    let p = sub.join("passwd.toml");
    fs::write(&p, format!("extends = \"{ups}etc/passwd\"\n")).unwrap();
    if Path::new("/etc/passwd").is_file() {
        let v = sim(&["validate", p.to_str().unwrap()]);
        assert_eq!(v.code, Some(1), "{}", v.stderr);
        assert!(v.stderr.contains("passwd"), "{}", v.stderr);
    }
}

/// A scenario name cannot make the result folder escape `--out`.
#[test]
fn scenario_name_escaping_output_folder() {
    let d = tempfile::tempdir().unwrap();
    let sub = d.path().join("a/b");
    fs::create_dir_all(&sub).unwrap();
    for (i, bad) in ["../../x", "/tmp/x", "..", "a/b", "x\\y", ".hidden", ""]
        .iter()
        .enumerate()
    {
        let p = extending(&sub, &format!("n{i}"), "");
        let text = fs::read_to_string(&p)
            .unwrap()
            .replace(&format!("name = \"n{i}\""), &format!("name = {bad:?}"));
        fs::write(&p, text).unwrap();
        rejected(&p, &["scenario.name", "letters, digits"]);
    }
    // A name from the file name is checked the same way.
    let p = sub.join("a b.toml");
    fs::write(
        &p,
        format!("extends = {:?}\n", baseline().to_str().unwrap()),
    )
    .unwrap();
    rejected(&p, &["not a valid scenario name", "rename the file"]);
    // Nothing was created anywhere but the scenario files themselves.
    assert_eq!(entries(d.path()), ["a"]);
    assert_eq!(entries(&d.path().join("a")), ["b"]);
}

// ---- output location faults --------------------------------------------------------------

/// Refused before simulating: even with 2,000,000 paths the answer is immediate.
fn refused_early(out: &Path, needles: &[&str]) {
    let t0 = Instant::now();
    let r = sim(&[
        "run",
        baseline().to_str().unwrap(),
        "--paths",
        "2000000",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, Some(1), "{}", r.stderr);
    assert!(t0.elapsed() < Duration::from_secs(10), "simulated first?");
    assert!(r.stderr.contains(out.to_str().unwrap()), "{}", r.stderr);
    for n in needles {
        assert!(r.stderr.contains(n), "no `{n}` in:\n{}", r.stderr);
    }
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

#[test]
fn output_parent_is_a_file() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("file");
    fs::write(&f, "x").unwrap();
    refused_early(
        &f.join("out"),
        &[
            "cannot write to output directory",
            "choose another output directory",
        ],
    );
    assert_eq!(fs::read_to_string(&f).unwrap(), "x");
}

#[test]
fn output_is_a_file() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("file");
    fs::write(&f, "x").unwrap();
    refused_early(
        &f,
        &["is not a directory", "choose another output directory"],
    );
    assert_eq!(fs::read_to_string(&f).unwrap(), "x");
}

/// Places where even root cannot create folders.
#[cfg(target_os = "linux")]
#[test]
fn output_on_unwritable_filesystem() {
    for p in ["/proc/self/sanctions-sim-out", "/sys/sanctions-sim-out"] {
        let p = Path::new(p);
        if p.parent().is_some_and(|d| d.is_dir()) && fs::create_dir(p).is_err() {
            refused_early(p, &["cannot write to output directory"]);
        }
    }
}

/// A read-only directory (skipped when running as root, where permissions do not apply).
#[cfg(unix)]
#[test]
fn output_read_only_directory() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let ro = d.path().join("ro");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    if fs::create_dir(ro.join("probe")).is_ok() {
        eprintln!("skipped: permissions do not apply (running as root)");
        return;
    }
    refused_early(&ro, &["cannot write to output directory", "permissions"]);
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).unwrap();
}

// ---- issue 15: the five classes (bounded inputs, linear loading, clean exits, concurrent
// runs, messages that neither mislead nor leak); one module each under tests/hostile/.

#[path = "hostile/concurrent.rs"]
mod concurrent;
#[path = "hostile/exits.rs"]
mod exits;
#[path = "hostile/limits.rs"]
mod limits;
#[path = "hostile/loading.rs"]
mod loading;
#[path = "hostile/messages.rs"]
mod messages;
#[path = "hostile/params.rs"]
mod params;
#[path = "hostile/report_as.rs"]
mod report_as;
#[path = "hostile/runaway.rs"]
mod runaway;
#[path = "hostile/writing.rs"]
mod writing;

// ---- the newcomer's walk-through and the hostile pass after it (docs/reliability.md).

#[path = "hostile/walk.rs"]
mod walk;

#[path = "hostile/round3.rs"]
mod round3;
