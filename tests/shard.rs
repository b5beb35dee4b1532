//! `run --shard K/N` and `merge`: merged results equal a single run byte for byte (exact
//! mode, and sketch mode since the sketch merges exactly), and incompatible, incomplete or
//! damaged sets of partials are refused with messages that say what is wrong.

use assert_cmd::Command;
use sanctions_sim::engine::partial::{self, ShardSpec};
use sanctions_sim::engine::run::{run, RunOptions};
use sanctions_sim::engine::stats::{SummaryMode, SKETCH_RELATIVE_ERROR};
use std::fs;
use std::path::{Path, PathBuf};

const TREES: &str = "scenarios/summit_uncertain.toml";
const PLAIN: &str = "scenarios/summit_failure.toml";
/// 9,000 paths are three chunk groups of 4,096: shards of 4 get 0, 1, 1 and 1 groups.
const SHAPE: [&str; 4] = ["--paths", "9000", "--months", "3"];

fn bin() -> Command {
    Command::cargo_bin("sanctions-sim").unwrap()
}

fn run_cli(scenario: &str, out: &Path, extra: &[&str]) {
    bin()
        .args(["run", scenario, "--quiet", "--out"])
        .arg(out)
        .args(SHAPE)
        .args(extra)
        .assert()
        .success();
}

fn merge_cli(dirs: &[PathBuf], out: &Path) -> assert_cmd::assert::Assert {
    bin().arg("merge").args(dirs).arg("--out").arg(out).assert()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn same_files(a: &Path, b: &Path, files: &[&str]) {
    for f in files {
        let (x, y) = (fs::read(a.join(f)).unwrap(), fs::read(b.join(f)).unwrap());
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn four_shards_merge_to_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    run_cli(TREES, &tmp.path().join("single"), &["--threads", "2"]);
    for k in 1..=4 {
        // Thread count differs from the single run's: results must not depend on it.
        run_cli(
            TREES,
            &tmp.path().join("shards"),
            &["--shard", &format!("{k}/4"), "--threads", "1"],
        );
    }
    let out = tmp.path().join("merged");
    merge_cli(&[tmp.path().join("shards")], &out).success();
    let (s, m) = (
        tmp.path().join("single/summit_uncertain"),
        out.join("summit_uncertain"),
    );
    same_files(
        &s,
        &m,
        &["summary.csv", "wide.csv", "events.csv", "outcomes.csv"],
    );
    let man: serde_json::Value =
        serde_json::from_slice(&fs::read(m.join("manifest.json")).unwrap()).unwrap();
    let one: serde_json::Value =
        serde_json::from_slice(&fs::read(s.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(man["merged_from_shards"], 4);
    for k in [
        "scenario",
        "scenario_sha256",
        "seed",
        "paths",
        "months",
        "summary_mode",
        "diagnostics",
        "files",
    ] {
        assert_eq!(man[k], one[k], "manifest field {k}");
    }
    // Merging the shard folders named one by one gives the same result; --force replaces.
    let dirs: Vec<PathBuf> = (1..=4)
        .map(|k| {
            tmp.path()
                .join(format!("shards/summit_uncertain.shard-{k}-of-4"))
        })
        .collect();
    bin()
        .arg("merge")
        .args(&dirs)
        .arg("--out")
        .arg(&out)
        .assert()
        .failure()
        .code(1);
    bin()
        .arg("merge")
        .args(&dirs)
        .arg("--out")
        .arg(&out)
        .arg("--force")
        .assert()
        .success();
    same_files(&s, &m, &["summary.csv", "wide.csv"]);
}

#[test]
fn one_of_one_is_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    run_cli(PLAIN, &tmp.path().join("single"), &[]);
    run_cli(PLAIN, &tmp.path().join("sh"), &["--shard", "1/1"]);
    assert!(tmp
        .path()
        .join("sh/summit_failure.shard-1-of-1/partial.bin")
        .is_file());
    merge_cli(
        &[tmp.path().join("sh/summit_failure.shard-1-of-1")],
        &tmp.path().join("m"),
    )
    .success();
    same_files(
        &tmp.path().join("single/summit_failure"),
        &tmp.path().join("m/summit_failure"),
        &["summary.csv", "wide.csv"],
    );
}

#[test]
fn incomplete_incompatible_and_damaged_sets_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    for k in [1, 3] {
        run_cli(PLAIN, &t.join("a"), &["--shard", &format!("{k}/3")]);
    }
    let a = merge_cli(&[t.join("a")], &t.join("o"));
    let e = stderr(&a.failure().code(1));
    assert!(e.contains("missing shard 2/3"), "{e}");
    // Shard 2 with another seed: the message names the field and both values.
    run_cli(PLAIN, &t.join("b"), &["--shard", "2/3", "--seed", "7"]);
    let e = stderr(
        &merge_cli(&[t.join("a"), t.join("b")], &t.join("o"))
            .failure()
            .code(1),
    );
    assert!(e.contains("`seed`") && e.contains(" 7 "), "{e}");
    // Another shard count.
    run_cli(PLAIN, &t.join("c"), &["--shard", "2/4"]);
    let e = stderr(
        &merge_cli(&[t.join("a"), t.join("c")], &t.join("o"))
            .failure()
            .code(1),
    );
    assert!(e.contains("`shards`"), "{e}");
    // Another path count.
    bin()
        .args([
            "run", PLAIN, "--quiet", "--months", "3", "--paths", "5000", "--shard", "2/3", "--out",
        ])
        .arg(t.join("d"))
        .assert()
        .success();
    let e = stderr(
        &merge_cli(&[t.join("a"), t.join("d")], &t.join("o"))
            .failure()
            .code(1),
    );
    assert!(e.contains("`paths`"), "{e}");
    // The same shard twice (a copy in another folder).
    fs::create_dir_all(t.join("e/summit_failure.shard-1-of-3")).unwrap();
    fs::copy(
        t.join("a/summit_failure.shard-1-of-3/partial.bin"),
        t.join("e/summit_failure.shard-1-of-3/partial.bin"),
    )
    .unwrap();
    let e = stderr(
        &merge_cli(&[t.join("a"), t.join("e")], &t.join("o"))
            .failure()
            .code(1),
    );
    assert!(e.contains("shard 1/3 given twice"), "{e}");
    // A damaged file.
    let f = t.join("e/summit_failure.shard-1-of-3/partial.bin");
    let mut bytes = fs::read(&f).unwrap();
    let n = bytes.len();
    bytes[n / 2] ^= 1;
    fs::write(&f, &bytes).unwrap();
    let e = stderr(&merge_cli(&[t.join("e")], &t.join("o")).failure().code(1));
    assert!(e.contains("checksum mismatch"), "{e}");
    fs::write(&f, b"hello").unwrap();
    let e = stderr(&merge_cli(&[t.join("e")], &t.join("o")).failure().code(1));
    assert!(e.contains("not a sanctions-sim partial"), "{e}");
    // Nothing to merge.
    let e = stderr(
        &merge_cli(&[t.join("o-missing")], &t.join("o"))
            .failure()
            .code(1),
    );
    assert!(e.contains("no such folder"), "{e}");
    assert!(!t.join("o").join("summit_failure").exists());
}

#[test]
fn bad_shard_flags_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for spec in ["0/3", "4/3", "x/3", "3"] {
        let a = bin()
            .args(["run", PLAIN, "--quiet", "--shard", spec, "--out"])
            .arg(tmp.path())
            .assert()
            .failure();
        assert!(
            stderr(&a).contains("expected K/N"),
            "{spec}: {}",
            stderr(&a)
        );
    }
    let a = bin()
        .args([
            "run",
            TREES,
            "--quiet",
            "--shard",
            "1/2",
            "--by-outcome",
            "summit_pending",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .failure()
        .code(1);
    assert!(stderr(&a).contains("--by-outcome"));
}

/// Sketch mode (forced by a tiny budget): shards chose the mode from the total path count,
/// and the merge equals the single sketch run bit for bit; the sketch quantiles are within
/// the documented relative bound of the exact ones.
#[test]
fn sketch_mode_merges_exactly_and_within_bound_of_exact() {
    let sc = sanctions_sim::scenario::load(Path::new(PLAIN)).unwrap();
    let mut o = RunOptions::from_scenario(&sc);
    (o.paths, o.months, o.threads) = (9000, 3, 2);
    let exact = run(&sc, &o, &|_| {}).unwrap();
    assert_eq!(exact.summary.mode, SummaryMode::Exact);
    o.budget_bytes = 1;
    let single = run(&sc, &o, &|_| {}).unwrap();
    assert_eq!(single.summary.mode, SummaryMode::Sketch);
    let parts: Vec<_> = (1..=3)
        .map(|k| {
            let p = partial::run_shard(&sc, &o, ShardSpec { k, n: 3 }, "sha", &|_| {}).unwrap();
            // Through the file format, as merge reads it.
            partial::decode(&partial::encode(&p)).unwrap()
        })
        .collect();
    let merged = partial::merge(&sc, parts).unwrap();
    assert_eq!(merged.summary, single.summary);
    let a = SKETCH_RELATIVE_ERROR;
    for (e, s) in exact.summary.cells.iter().zip(&merged.summary.cells) {
        for (x, y) in [
            (e.p05, s.p05),
            (e.p50, s.p50),
            (e.p95, s.p95),
            (e.p25, s.p25),
        ] {
            // Type-7 interpolation between two order statistics: bound a·max(|x|) of the
            // neighbours, here taken as the larger of the band's ends.
            let scale = x.abs().max(e.p05.abs().min(e.p95.abs()));
            assert!((x - y).abs() <= a * scale + 1e-12, "{x} vs {y}");
        }
        assert_eq!(e.mean.to_bits(), s.mean.to_bits());
    }
}

/// The text of shipped scenario `name` with its market file named by an absolute path, so
/// that it loads from any folder (or from standard input).
fn shipped_movable(name: &str) -> String {
    let market = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/market/default.toml");
    fs::read_to_string(format!("scenarios/{name}.toml"))
        .unwrap()
        .replace("\"market/default.toml\"", &format!("{market:?}"))
}

/// `run FOLDER --shard K/N` puts the shards of every scenario side by side; `merge` of that
/// folder merges each scenario's shards on its own (it used to refuse them as "not the same
/// run" and advise re-running every shard), into the same bytes as single runs.
#[test]
fn a_folder_of_several_scenarios_shards_merges_per_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    let two = tmp.path().join("two");
    fs::create_dir(&two).unwrap();
    for name in ["baseline", "summit_failure"] {
        let text = shipped_movable(name);
        fs::write(two.join(format!("{name}.toml")), text).unwrap();
    }
    let parts = tmp.path().join("parts");
    let single = tmp.path().join("single");
    let shape = ["--paths", "300", "--months", "3", "--quiet", "--no-charts"];
    for k in ["1/2", "2/2"] {
        bin()
            .arg("run")
            .arg(&two)
            .args(shape)
            .args(["--shard", k, "--out"])
            .arg(&parts)
            .assert()
            .success();
    }
    bin()
        .arg("run")
        .arg(&two)
        .args(shape)
        .arg("--out")
        .arg(&single)
        .assert()
        .success();
    let merged = tmp.path().join("merged");
    bin()
        .args(["merge", "--quiet", "--no-charts", "--out"])
        .arg(&merged)
        .arg(&parts)
        .assert()
        .success();
    for name in ["baseline", "summit_failure"] {
        same_files(
            &merged.join(name),
            &single.join(name),
            &["summary.csv", "totals.csv", "wide.csv"],
        );
    }
}

/// A shard run from a pipe (`run <(...) --shard`) could never be merged: `merge` reloads the
/// scenario from its path. It is refused before simulating.
#[test]
fn a_shard_of_a_pipe_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("o");
    let a = bin()
        .args(["run", "/dev/stdin", "--shard", "1/2", "--out"])
        .arg(&out)
        .write_stdin(shipped_movable("baseline"))
        .assert()
        .code(1);
    let err = stderr(&a);
    assert!(err.contains("not a pipe or a device"), "{err}");
    assert!(!out.exists());
}

type Tamper = Box<dyn Fn(&mut partial::Partial)>;

/// Header fields a tampered (re-checksummed) partial could carry past the count checks: a
/// diagnostics counter far beyond its shard's path-months, a wall time whose merged sum
/// overflows to `null` in manifest.json, zero or absurd threads. Each is refused at decode.
#[test]
fn tampered_header_fields_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    run_cli(PLAIN, tmp.path(), &["--shard", "1/2"]);
    let bytes = fs::read(tmp.path().join("summit_failure.shard-1-of-2/partial.bin")).unwrap();
    let good = partial::decode(&bytes).unwrap();
    assert!(partial::decode(&partial::encode(&good)).is_ok());
    let cases: Vec<(&str, Tamper)> = vec![
        (
            "nonfinite_values",
            Box::new(|p| {
                p.header
                    .diagnostics
                    .insert("nonfinite_values".into(), 1 << 63);
            }),
        ),
        (
            "bound_hits",
            Box::new(|p| {
                p.header.diagnostics.insert("bound_hits".into(), u64::MAX);
            }),
        ),
        ("wall_seconds", Box::new(|p| p.header.wall_seconds = 1e308)),
        ("threads", Box::new(|p| p.header.threads = 0)),
        ("threads", Box::new(|p| p.header.threads = usize::MAX)),
    ];
    for (field, tamper) in cases {
        let mut p = good.clone();
        tamper(&mut p);
        let e = partial::decode(&partial::encode(&p))
            .err()
            .unwrap_or_else(|| panic!("{field}: accepted"))
            .to_string();
        assert!(e.contains(field), "{field}: {e}");
    }
}
