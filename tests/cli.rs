//! End-to-end tests of the `sanctions-sim` binary: output format and contract variables,
//! reproducibility across thread counts, folder handling (`--force`, no partial folders), exit
//! codes for bad input, `validate`, `list`, and what goes to stdout/stderr.
//!
//! Every run writes into its own temporary `--out` folder; the shipped `output/` is never
//! touched. Runs are kept small (`--paths 64 --months 6` unless a test needs more).

use assert_cmd::Command;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// The shipped scenarios, in the order `run scenarios/` runs them.
const SCENARIOS: [&str; 5] = [
    "baseline",
    "china_sanctions",
    "summit_failure",
    "summit_success",
    "summit_uncertain",
];

/// Scenarios with event trees, which also write `events.csv` and `outcomes.csv`.
const WITH_TREES: [&str; 1] = ["summit_uncertain"];

const SUMMARY_HEADER: &str =
    "scenario,date,variable,unit,mean,sd,p05,p10,p25,p50,p75,p90,p95,mc_se_mean,mc_se_p50";
const WIDE_HEADER_START: &str = "date,brent_usd_bbl_p05,brent_usd_bbl_p50,brent_usd_bbl_p95";

/// Variables downstream users rely on: present in every summary.csv, never with empty cells.
const CONTRACT_VARS: [&str; 23] = [
    "brent_usd_bbl",
    "urals_price_usd_bbl",
    "urals_discount_usd_bbl",
    "espo_discount_usd_bbl",
    "russia_crude_exports_mbd",
    "russia_withheld_mbd",
    "russia_storage_mb",
    "russia_shutin_mbd",
    "flow_india_mbd",
    "flow_china_sea_mbd",
    "flow_china_pipeline_mbd",
    "flow_turkey_mbd",
    "flow_other_mbd",
    "shadow_fleet_share",
    "russia_export_revenue_usd_bn",
    "india_import_bill_usd_bn",
    "india_discount_savings_usd_bn",
    "india_tariff_cost_usd_bn",
    "india_tariff_duty_usd_bn",
    "china_import_bill_usd_bn",
    "china_discount_savings_usd_bn",
    "india_halted_share",
    "china_halted_share",
];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The binary, run from the repository root (so `scenarios/` resolves).
fn sim() -> Command {
    let mut c = Command::cargo_bin("sanctions-sim").expect("binary sanctions-sim is built");
    c.current_dir(root());
    c
}

fn scenario_file(name: &str) -> PathBuf {
    root().join("scenarios").join(format!("{name}.toml"))
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().expect("create a temporary folder")
}

/// Sorted names of the entries of `dir` (including hidden ones).
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read_dir {}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn read(p: &Path) -> Vec<u8> {
    fs::read(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

fn read_text(p: &Path) -> String {
    String::from_utf8(read(p)).unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", p.display()))
}

/// `months` consecutive `YYYY-MM-01` dates from 2025-08-01.
fn expected_dates(months: usize) -> Vec<String> {
    (0..months)
        .map(|t| {
            let m0 = 2025 * 12 + 7 + t; // 0-based month index of 2025-08
            format!("{:04}-{:02}-01", m0 / 12, m0 % 12 + 1)
        })
        .collect()
}

/// A CSV file as a header and rows of fields.
fn parse_csv(p: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(p)
        .unwrap_or_else(|e| panic!("open {}: {e}", p.display()));
    let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    let rows = r
        .records()
        .map(|rec| {
            rec.unwrap_or_else(|e| panic!("{}: {e}", p.display()))
                .iter()
                .map(String::from)
                .collect()
        })
        .collect();
    (header, rows)
}

fn parse_finite(cell: &str, what: &str) -> f64 {
    let v: f64 = cell
        .parse()
        .unwrap_or_else(|e| panic!("{what}: `{cell}` is not a number: {e}"));
    assert!(v.is_finite(), "{what}: `{cell}` is not finite");
    v
}

/// Checks the three files of one scenario's result folder.
fn check_result(dir: &Path, scenario: &str, paths: u64, months: usize) {
    let want: &[&str] = if WITH_TREES.contains(&scenario) {
        &[
            "averages.csv",
            "charts",
            "events.csv",
            "manifest.json",
            "outcomes.csv",
            "report.html",
            "summary.csv",
            "totals.csv",
            "wide.csv",
        ]
    } else {
        &[
            "averages.csv",
            "charts",
            "manifest.json",
            "report.html",
            "summary.csv",
            "totals.csv",
            "wide.csv",
        ]
    };
    assert_eq!(entries(dir), want, "{}", dir.display());
    let dates = expected_dates(months);

    // summary.csv: long format, one row per month and variable.
    let summary = dir.join("summary.csv");
    let text = read_text(&summary);
    assert_eq!(
        text.lines().next(),
        Some(SUMMARY_HEADER),
        "{scenario}: summary.csv header"
    );
    let (header, rows) = parse_csv(&summary);
    assert_eq!(header.len(), 15);
    let mut vars_by_date: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (i, row) in rows.iter().enumerate() {
        let at = format!("{scenario} summary.csv row {}", i + 2);
        assert_eq!(row.len(), 15, "{at}: field count");
        assert_eq!(row[0], scenario, "{at}: scenario column");
        assert!(dates.contains(&row[1]), "{at}: date `{}`", row[1]);
        assert!(!row[2].is_empty(), "{at}: empty variable name");
        assert!(!row[3].is_empty(), "{at}: empty unit");
        let contract = CONTRACT_VARS.contains(&row[2].as_str());
        for (j, cell) in row[4..].iter().enumerate() {
            let what = format!("{at} ({}, {})", row[2], header[4 + j]);
            if cell.is_empty() {
                assert!(!contract, "{what}: empty cell for a contract variable");
            } else {
                parse_finite(cell, &what);
            }
        }
        let fresh = vars_by_date
            .entry(row[1].clone())
            .or_default()
            .insert(row[2].clone());
        assert!(fresh, "{at}: duplicate ({}, {})", row[1], row[2]);
    }
    assert_eq!(
        vars_by_date.keys().cloned().collect::<Vec<_>>(),
        dates,
        "{scenario}: months in summary.csv"
    );
    let vars = vars_by_date[&dates[0]].clone();
    for (d, v) in &vars_by_date {
        assert_eq!(
            v, &vars,
            "{scenario}: variables of {d} differ from {}",
            dates[0]
        );
    }
    assert_eq!(rows.len(), months * vars.len(), "{scenario}: rows");
    for c in CONTRACT_VARS {
        assert!(
            vars.contains(c),
            "{scenario}: contract variable {c} missing"
        );
    }
    // Dates are in order in the file.
    let mut seen: Vec<&str> = rows.iter().map(|r| r[1].as_str()).collect();
    seen.dedup();
    assert_eq!(seen, dates, "{scenario}: summary.csv dates out of order");

    // wide.csv: one row per month.
    let wide = dir.join("wide.csv");
    let text = read_text(&wide);
    let first = text.lines().next().unwrap_or("");
    assert!(
        first.starts_with(WIDE_HEADER_START),
        "{scenario}: wide.csv header `{first}`"
    );
    let (header, rows) = parse_csv(&wide);
    assert_eq!(rows.len(), months, "{scenario}: wide.csv rows");
    for (row, date) in rows.iter().zip(&dates) {
        assert_eq!(row.len(), header.len());
        assert_eq!(&row[0], date, "{scenario}: wide.csv date");
        for (cell, col) in row[1..].iter().zip(&header[1..]) {
            if !cell.is_empty() {
                parse_finite(cell, &format!("{scenario} wide.csv {date} {col}"));
            }
        }
    }

    // manifest.json
    let m: serde_json::Value =
        serde_json::from_slice(&read(&dir.join("manifest.json"))).expect("manifest.json parses");
    assert!(m["seed"].is_u64(), "{scenario}: manifest seed: {m}");
    assert_eq!(
        m["paths"].as_u64(),
        Some(paths),
        "{scenario}: manifest paths"
    );
    assert_eq!(
        m["months"].as_u64(),
        Some(months as u64),
        "{scenario}: manifest months"
    );
    assert!(
        m["threads"].as_u64().is_some_and(|t| t >= 1),
        "{scenario}: manifest threads: {m}"
    );
    let sha = m["scenario_sha256"].as_str().unwrap_or("");
    assert!(
        sha.len() == 64
            && sha
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)),
        "{scenario}: scenario_sha256 `{sha}`"
    );
}

fn stdout_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// `stderr` without the warnings of lags that a 6-month run cuts short (D198: summit_success's
/// `eu_follows` and delisting, summit_uncertain's later nodes), which are right to be there:
/// anything else on stderr is not.
fn besides_cut_lags(stderr: &str) -> String {
    let mut out = String::new();
    let mut skipping = false;
    for line in stderr.lines() {
        let cut = line.contains(": warning[")
            && ["can take effect after", "can be entered as late as"]
                .iter()
                .any(|t| line.contains(t));
        if cut || (skipping && (line.starts_with("  --> ") || line.starts_with("  = help: "))) {
            skipping = true;
            continue;
        }
        skipping = false;
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[test]
fn every_shipped_scenario_runs_and_writes_valid_files() {
    for name in SCENARIOS {
        let tmp = tempdir();
        let out = sim()
            .arg("run")
            .arg(scenario_file(name))
            .args(["--paths", "64", "--months", "6", "--out"])
            .arg(tmp.path())
            .assert()
            .success()
            .get_output()
            .clone();
        let err = stderr_of(&out);
        assert_eq!(
            besides_cut_lags(&err),
            "",
            "{name}: stderr of a successful run"
        );
        // Only the scenarios with lags longer than 6 months get those warnings.
        let lagged = ["summit_success", "summit_uncertain"].contains(&name);
        assert_eq!(err.is_empty(), !lagged, "{name}: {err}");
        assert_eq!(entries(tmp.path()), [name], "{name}: one result folder");
        check_result(&tmp.path().join(name), name, 64, 6);
    }
}

#[test]
fn run_directory_runs_exactly_the_top_level_scenarios() {
    let tmp = tempdir();
    let out = sim()
        .args([
            "run",
            "scenarios/",
            "--paths",
            "64",
            "--months",
            "6",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .get_output()
        .clone();
    // Not scenarios/market/default.toml, and no staging folders left over.
    assert_eq!(entries(tmp.path()), SCENARIOS);
    for name in SCENARIOS {
        check_result(&tmp.path().join(name), name, 64, 6);
    }
    // With stderr piped there is no progress bar; stdout has one summary line per scenario.
    assert_eq!(besides_cut_lags(&stderr_of(&out)), "");
    let stdout = stdout_of(&out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), SCENARIOS.len(), "stdout:\n{stdout}");
    for (line, name) in lines.iter().zip(SCENARIOS) {
        assert!(
            line.starts_with(&format!("{name}:")),
            "`{line}` should start with `{name}:`"
        );
        assert!(line.contains("path-months/s"), "`{line}`");
    }
}

#[test]
fn quiet_prints_nothing() {
    let tmp = tempdir();
    let out = sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--paths",
            "64",
            "--months",
            "6",
            "--quiet",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(stdout_of(&out), "", "stdout with --quiet");
    assert_eq!(stderr_of(&out), "", "stderr with --quiet");
    check_result(&tmp.path().join("baseline"), "baseline", 64, 6);
}

/// Runs every shipped scenario at 600 paths (three 256-path chunks) and returns
/// `(scenario, summary.csv, wide.csv)` bytes.
fn run_all(seed: &str, threads: &str) -> Vec<(String, Vec<u8>, Vec<u8>)> {
    let tmp = tempdir();
    sim()
        .args(["run", "scenarios/", "--paths", "600", "--months", "12"])
        .args(["--seed", seed, "--threads", threads, "--quiet", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    SCENARIOS
        .iter()
        .map(|name| {
            let d = tmp.path().join(name);
            let m: serde_json::Value = serde_json::from_slice(&read(&d.join("manifest.json")))
                .expect("manifest.json parses");
            assert_eq!(m["seed"].as_u64(), Some(seed.parse().unwrap()));
            assert_eq!(m["threads"].as_u64(), Some(threads.parse().unwrap()));
            (
                name.to_string(),
                read(&d.join("summary.csv")),
                read(&d.join("wide.csv")),
            )
        })
        .collect()
}

#[test]
fn results_do_not_depend_on_threads_but_on_seed() {
    let one = run_all("7", "1");
    let two = run_all("7", "2");
    let three = run_all("7", "3");
    for ((a, b), c) in one.iter().zip(&two).zip(&three) {
        assert!(
            a.1 == b.1,
            "{}: summary.csv differs between 1 and 2 threads",
            a.0
        );
        assert!(
            a.2 == b.2,
            "{}: wide.csv differs between 1 and 2 threads",
            a.0
        );
        assert!(
            a.1 == c.1,
            "{}: summary.csv differs between 1 and 3 threads",
            a.0
        );
        assert!(
            a.2 == c.2,
            "{}: wide.csv differs between 1 and 3 threads",
            a.0
        );
    }
    let other = run_all("8", "2");
    for (a, b) in one.iter().zip(&other) {
        assert!(
            a.1 != b.1,
            "{}: seeds 7 and 8 give the same summary.csv",
            a.0
        );
    }
}

#[test]
fn refuses_to_overwrite_without_force() {
    let tmp = tempdir();
    let run = |extra: &[&str]| {
        let mut c = sim();
        c.args([
            "run",
            "scenarios/baseline.toml",
            "--paths",
            "64",
            "--months",
            "6",
        ])
        .args(extra)
        .arg("--out")
        .arg(tmp.path());
        c
    };
    run(&["--seed", "1"]).assert().success();
    let dir = tmp.path().join("baseline");
    let files = ["summary.csv", "wide.csv", "manifest.json"];
    let before: Vec<Vec<u8>> = files.iter().map(|f| read(&dir.join(f))).collect();

    let out = run(&["--seed", "2"]).assert().code(1).get_output().clone();
    let err = stderr_of(&out);
    assert!(
        err.contains("--force"),
        "stderr should mention --force:\n{err}"
    );
    assert!(
        err.contains("baseline"),
        "stderr should name the folder:\n{err}"
    );
    let after: Vec<Vec<u8>> = files.iter().map(|f| read(&dir.join(f))).collect();
    assert!(
        before == after,
        "a refused run changed the previous results"
    );
    assert_eq!(entries(tmp.path()), ["baseline"], "nothing else in --out");

    run(&["--seed", "2", "--force"]).assert().success();
    let forced: Vec<Vec<u8>> = files.iter().map(|f| read(&dir.join(f))).collect();
    assert!(
        forced[0] != before[0],
        "--force with another seed should replace summary.csv"
    );
    let m: serde_json::Value = serde_json::from_slice(&forced[2]).unwrap();
    assert_eq!(m["seed"].as_u64(), Some(2), "manifest replaced too");
    check_result(&dir, "baseline", 64, 6);
    // No `.baseline.partial-*`, `.baseline.aside-*` or `.baseline.trash-*` left behind.
    assert_eq!(entries(tmp.path()), ["baseline"]);
}

#[test]
fn one_existing_folder_stops_the_whole_run_before_writing() {
    // summit_success comes after three scenarios; none of the others may be written either.
    let tmp = tempdir();
    let keep = tmp.path().join("summit_success");
    fs::create_dir(&keep).unwrap();
    fs::write(keep.join("note.txt"), b"mine").unwrap();
    let out = sim()
        .args([
            "run",
            "scenarios/",
            "--paths",
            "64",
            "--months",
            "6",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(stderr_of(&out).contains("--force"), "{}", stderr_of(&out));
    assert_eq!(entries(tmp.path()), ["summit_success"]);
    assert_eq!(entries(&keep), ["note.txt"]);
}

/// A scenario that extends the shipped baseline and adds an unknown key at line 3, col 1.
fn write_bad_scenario(dir: &Path) -> PathBuf {
    let base = scenario_file("baseline")
        .canonicalize()
        .expect("scenarios/baseline.toml exists");
    let p = dir.join("bad.toml");
    let base = base.to_str().expect("UTF-8 path").replace('\\', "\\\\");
    fs::write(&p, format!("extends = \"{base}\"\n[scenario]\nbogus = 1\n")).unwrap();
    p
}

#[test]
fn bad_input_exits_1_and_writes_nothing() {
    let tmp = tempdir();
    let bad = write_bad_scenario(tmp.path());
    let out_dir = tmp.path().join("out");
    let cases: Vec<(&str, Vec<std::ffi::OsString>)> = vec![
        (
            "nonexistent file",
            vec!["scenarios/no_such_scenario.toml".into()],
        ),
        ("unknown key", vec![bad.clone().into()]),
        (
            "--paths 0",
            vec![
                "scenarios/baseline.toml".into(),
                "--paths".into(),
                "0".into(),
            ],
        ),
        (
            "--months 0",
            vec![
                "scenarios/baseline.toml".into(),
                "--months".into(),
                "0".into(),
            ],
        ),
        (
            "--paths not a number",
            vec![
                "scenarios/baseline.toml".into(),
                "--paths".into(),
                "ten".into(),
            ],
        ),
        (
            "unknown flag",
            vec!["scenarios/baseline.toml".into(), "--no-such-flag".into()],
        ),
        ("no scenario", vec![]),
    ];
    for (what, args) in cases {
        let out = sim()
            .arg("run")
            .args(&args)
            .arg("--out")
            .arg(&out_dir)
            .assert()
            .code(1)
            .get_output()
            .clone();
        assert!(
            !stderr_of(&out).trim().is_empty(),
            "{what}: exit 1 without a message"
        );
        assert!(!out_dir.exists(), "{what}: --out was created");
    }
    // An unknown subcommand is bad input too.
    sim().arg("simulate").assert().code(1);
}

#[test]
fn validate_reports_file_and_position() {
    sim()
        .args([
            "validate",
            "scenarios/baseline.toml",
            "scenarios/china_sanctions.toml",
            "scenarios/summit_failure.toml",
            "scenarios/summit_success.toml",
            "scenarios/summit_uncertain.toml",
        ])
        .assert()
        .success();
    sim().args(["validate", "scenarios/"]).assert().success();

    let tmp = tempdir();
    let bad = write_bad_scenario(tmp.path());
    let out = sim()
        .arg("validate")
        .arg(&bad)
        .assert()
        .code(1)
        .get_output()
        .clone();
    let err = stderr_of(&out);
    assert!(err.contains("bad.toml:3:1"), "no `bad.toml:3:1` in:\n{err}");
    assert!(err.contains("bogus"), "no key name in:\n{err}");

    // One bad file among good ones still fails, and the good ones are still reported.
    let out = sim()
        .args(["validate", "scenarios/baseline.toml"])
        .arg(&bad)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert!(stdout_of(&out).contains("baseline.toml"));
}

#[test]
fn list_prints_the_five_scenarios() {
    let out = sim()
        .args(["list", "scenarios/"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = stdout_of(&out);
    let names: Vec<&str> = stdout
        .lines()
        .skip(1) // header
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(names, SCENARIOS, "list output:\n{stdout}");
    // Each shipped scenario has its own description.
    assert!(!stdout.contains("[from "), "{stdout}");
}

/// A child that inherits its description says from where, so that two lines are not the same.
#[test]
fn list_marks_an_inherited_description() {
    let d = tempdir();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let child = d.path().join("child.toml");
    fs::write(
        &child,
        format!(
            "extends = {:?}\n[scenario]\nname = \"child\"\n",
            base.to_str().unwrap()
        ),
    )
    .unwrap();
    let out = sim()
        .arg("list")
        .arg(&child)
        .assert()
        .success()
        .get_output()
        .clone();
    let line = stdout_of(&out).lines().nth(1).unwrap().to_string();
    assert!(line.starts_with("child "), "{line}");
    assert!(line.contains("[from baseline] Status quo"), "{line}");
}

/// `wide.csv` ends with the mean of each 0/1 flag variable: its p50 is 0 or 1, the mean is the
/// share of paths, and it equals `summary.csv`'s mean cell for cell.
#[test]
fn wide_csv_carries_the_mean_of_each_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let st = std::process::Command::new(env!("CARGO_BIN_EXE_sanctions-sim"))
        .args([
            "run",
            "scenarios/summit_failure.toml",
            "--paths",
            "200",
            "--months",
            "6",
        ])
        .args(["--quiet", "--no-charts", "--no-report", "--out"])
        .arg(&out)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .status()
        .unwrap();
    assert!(st.success());
    let dir = out.join("summit_failure");
    let mut wide = csv::Reader::from_path(dir.join("wide.csv")).unwrap();
    let header = wide.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (mean_at, p50_at) = (col("cap_binding_share_mean"), col("cap_binding_share_p50"));
    assert!(mean_at > col("brent_usd_bbl_p95") && mean_at > p50_at);
    assert!(header.iter().any(|h| h == "india_halted_share_mean"));
    assert!(!header.iter().any(|h| h == "brent_usd_bbl_mean"));
    let rows: Vec<csv::StringRecord> = wide.records().map(|r| r.unwrap()).collect();
    let mut summary = csv::Reader::from_path(dir.join("summary.csv")).unwrap();
    let means: Vec<String> = summary
        .records()
        .map(|r| r.unwrap())
        .filter(|r| &r[2] == "cap_binding_share")
        .map(|r| r[4].to_string())
        .collect();
    assert_eq!(rows.len(), means.len());
    for (row, mean) in rows.iter().zip(&means) {
        assert_eq!(&row[mean_at], mean);
        assert!(["0.0000", "1.0000"].contains(&&row[p50_at]));
    }
}
