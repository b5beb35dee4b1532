//! `--xlsx` (results.xlsx) and `--sample-paths` (paths.csv) through the command line.
//!
//! The workbook is read back from its zip: sheet names from `xl/workbook.xml`, text from the
//! shared strings, number formats from `xl/styles.xml`, and every cell of every table sheet
//! is compared with the CSV file it came from (text as a string, a date as the Excel serial
//! day shown as `yyyy-mm-dd`, a number with the same value, an empty CSV cell as no cell).

mod xlsx_read;

use assert_cmd::Command;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use xlsx_read::{col_letters, entry, excel_serial, read_book, Book, XCell};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sim() -> Command {
    let mut c = Command::cargo_bin("sanctions-sim").expect("binary sanctions-sim is built");
    c.current_dir(root());
    c
}

fn is_iso_date(s: &str) -> bool {
    s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-'
}

/// Compares sheet `name` with `csv` cell by cell; returns (numbers, dates) checked.
fn check_sheet(book: &Book, name: &str, csv: &[u8]) -> (usize, usize) {
    let cells = &book.cells[name];
    let xml = &book.xml[name];
    assert!(
        xml.contains(
            r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
        ),
        "{name}: header row not frozen"
    );
    assert!(xml.contains("<cols>"), "{name}: no column widths");
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv);
    let (mut numbers, mut dates, mut rows) = (0, 0, 0);
    let mut expected = 0;
    for (r, rec) in rdr.records().enumerate() {
        let rec = rec.unwrap();
        rows += 1;
        for (c, want) in rec.iter().enumerate() {
            let at = format!("{}{}", col_letters(c), r + 1);
            let got = cells.get(&at);
            if want.is_empty() {
                assert!(
                    got.is_none(),
                    "{name}!{at}: empty in the CSV, {got:?} in the sheet"
                );
                continue;
            }
            expected += 1;
            let got = got.unwrap_or_else(|| panic!("{name}!{at}: missing ({want})"));
            if r > 0 && is_iso_date(want) {
                assert_eq!(
                    got,
                    &XCell::Number(excel_serial(want), "yyyy-mm-dd".into()),
                    "{name}!{at}: {want}"
                );
                dates += 1;
            } else if let (true, Ok(v)) = (r > 0, want.parse::<f64>()) {
                match got {
                    XCell::Number(x, fmt) => {
                        assert_eq!(*x, v, "{name}!{at}");
                        // A column is formatted as a whole: integers in a decimal column
                        // too, and as many places as its most precise value (at least 4).
                        let places = want
                            .split_once('.')
                            .map(|(_, f)| f.bytes().take_while(u8::is_ascii_digit).count());
                        match places {
                            None => assert!(
                                fmt == "General" || fmt.starts_with("0.0000"),
                                "{name}!{at}: {fmt}"
                            ),
                            Some(p) => assert!(
                                fmt.starts_with("0.0000")
                                    && fmt.len() >= 2 + p.max(4)
                                    && fmt[2..].bytes().all(|b| b == b'0'),
                                "{name}!{at}: {want} shown as {fmt}"
                            ),
                        }
                    }
                    // A column that also holds words (totals.csv's period: `2026`, then
                    // `horizon`) is text as a whole.
                    XCell::Text(t) if t == want => numbers -= 1,
                    other => panic!("{name}!{at}: {want} is not a number: {other:?}"),
                }
                numbers += 1;
            } else {
                assert_eq!(got, &XCell::Text(want.to_string()), "{name}!{at}");
            }
        }
    }
    assert_eq!(cells.len(), expected, "{name}: cells beyond the CSV's");
    assert!(rows > 1, "{name}: no data rows");
    (numbers, dates)
}

fn files_of_all(manifest: &Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
    v["files"].as_array().unwrap().clone()
}

/// The manifest's file list without the charts (tested in tests/charts_cli.rs), which come
/// before `results.xlsx` and `paths.csv` and get no sheet.
fn files_of(manifest: &Path) -> Vec<String> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
    v["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f.as_str().unwrap().to_string())
        .filter(|f| !f.starts_with("charts/"))
        .collect()
}

fn run_baseline(out: &Path, threads: &str, extra: &[&str]) {
    sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--paths",
            "40",
            "--months",
            "4",
        ])
        .args(["--threads", threads, "--quiet", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
}

#[test]
fn run_xlsx_sheets_match_the_csv_files_and_bytes_are_reproducible() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    run_baseline(&a, "1", &["--xlsx"]);
    run_baseline(&b, "2", &["--xlsx"]);
    let dir = a.join("baseline");
    let xa = std::fs::read(dir.join("results.xlsx")).unwrap();
    let xb = std::fs::read(b.join("baseline/results.xlsx")).unwrap();
    assert!(
        xa == xb,
        "results.xlsx differs between two runs (1 and 2 threads)"
    );
    assert_eq!(
        files_of(&dir.join("manifest.json")),
        [
            "summary.csv",
            "wide.csv",
            "totals.csv",
            "report.html",
            "results.xlsx",
            "manifest.json"
        ]
    );
    let book = read_book(&dir.join("results.xlsx"));
    assert_eq!(book.names, ["summary", "wide", "totals", "manifest"]);
    let summary = std::fs::read(dir.join("summary.csv")).unwrap();
    let (n, d) = check_sheet(&book, "summary", &summary);
    // Every variable once per month: count them from the CSV's first month.
    let vars = summary_vars(&summary);
    assert_eq!(d, 4 * vars, "one date per summary row");
    assert!(n > 4 * vars * 8, "{n} numbers");
    let wide = std::fs::read(dir.join("wide.csv")).unwrap();
    let (n, d) = check_sheet(&book, "wide", &wide);
    // p05, p50, p95 of every variable, then the mean of each 0/1 flag ("share of paths").
    let flags = summary_flag_vars(&summary);
    assert!(flags > 0);
    assert_eq!((n, d), (4 * (3 * vars + flags), 4));
    // Header cells of every sheet use a bold style, data cells do not.
    assert!(book.bold.iter().any(|b| *b) && !book.bold[0]);

    let m = &book.cells["manifest"];
    let key_of = |row: usize| m.get(&format!("A{row}")).cloned();
    let mut kv = BTreeMap::new();
    for row in 2..=m.len() {
        if let Some(XCell::Text(k)) = key_of(row) {
            kv.insert(k, m.get(&format!("B{row}")).cloned());
        }
    }
    assert_eq!(m["A1"], XCell::Text("key".into()));
    assert_eq!(
        kv["seed"],
        Some(XCell::Number(42.0, "General".into())),
        "numbers as numbers"
    );
    assert_eq!(kv["scenario"], Some(XCell::Text("baseline".into())));
    assert_eq!(
        kv["files[3]"],
        Some(XCell::Text("charts/brent_usd_bbl.svg".into()))
    );
    let n_files = files_of_all(&dir.join("manifest.json")).len();
    assert_eq!(
        kv[&format!("files[{}]", n_files - 2)],
        Some(XCell::Text("results.xlsx".into()))
    );
    assert!(kv.contains_key("diagnostics.solver_not_converged"));
    for volatile in ["wall_seconds", "path_months_per_second", "threads"] {
        assert!(
            !kv.contains_key(volatile),
            "{volatile} would make the bytes vary"
        );
    }
    // The pinned creation time.
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(dir.join("results.xlsx")).unwrap()).unwrap();
    assert!(entry(&mut zip, "docProps/core.xml")
        .contains(r#"<dcterms:created xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z"#));
}

#[test]
fn trees_and_conditional_bands_get_their_sheets() {
    let tmp = tempfile::tempdir().unwrap();
    sim()
        .args([
            "run",
            "scenarios/summit_uncertain.toml",
            "--paths",
            "60",
            "--months",
            "3",
        ])
        .args([
            "--quiet",
            "--xlsx",
            "--by-outcome",
            "summit_pending",
            "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("summit_uncertain");
    let book = read_book(&dir.join("results.xlsx"));
    // The conditional bands' folders make an `index` first (D218).
    assert_eq!(
        &book.names[..5],
        ["index", "summary", "wide", "events", "outcomes"]
    );
    assert_eq!(book.names.last().unwrap(), "manifest");
    let files = files_of(&dir.join("manifest.json"));
    let bands: Vec<&String> = files
        .iter()
        .filter(|f| f.starts_with("by_outcome/") && f.ends_with(".csv"))
        .collect();
    assert!(!bands.is_empty());
    assert_eq!(book.names.len(), 7 + bands.len());
    for f in ["events.csv", "outcomes.csv"] {
        let name = f.trim_end_matches(".csv");
        check_sheet(&book, name, &std::fs::read(dir.join(f)).unwrap());
    }
    for f in bands {
        let sheet = sanctions_sim::output::xlsx_results::sheet_name(f);
        let sheet = sheet.as_str();
        assert!(book.names.iter().any(|n| n == sheet), "{sheet}");
        check_sheet(&book, sheet, &std::fs::read(dir.join(f)).unwrap());
    }
}

#[test]
fn compare_xlsx_sheets() {
    let tmp = tempfile::tempdir().unwrap();
    sim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            "scenarios/summit_failure.toml",
        ])
        .args([
            "--paths", "30", "--months", "3", "--quiet", "--xlsx", "--out",
        ])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp.path().join("compare_baseline_vs_summit_failure");
    assert_eq!(
        files_of(&dir.join("manifest.json")),
        [
            "compare.csv",
            "compare_wide.csv",
            "compare_totals.csv",
            "report.html",
            "results.xlsx",
            "manifest.json"
        ]
    );
    let book = read_book(&dir.join("results.xlsx"));
    // The comparison's tables and manifest, then each compared scenario's own rows.
    assert_eq!(
        book.names,
        [
            "compare",
            "compare_wide",
            "compare_totals",
            "manifest",
            "summit_failure",
            "summit_failure totals"
        ]
    );
    let (n, d) = check_sheet(
        &book,
        "compare",
        &std::fs::read(dir.join("compare.csv")).unwrap(),
    );
    assert!(n > 0 && d > 0);
    check_sheet(
        &book,
        "compare_wide",
        &std::fs::read(dir.join("compare_wide.csv")).unwrap(),
    );
}

/// `paths.csv` rows as (path, date, variable, value text).
fn paths_rows(bytes: &[u8]) -> Vec<(u64, String, String, String)> {
    let mut rdr = csv::Reader::from_reader(bytes);
    assert_eq!(
        rdr.headers().unwrap(),
        vec!["path", "date", "variable", "value"]
    );
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            (
                r[0].parse().unwrap(),
                r[1].to_string(),
                r[2].to_string(),
                r[3].to_string(),
            )
        })
        .collect()
}

#[test]
fn sample_paths_reproduce_the_runs_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let all = tmp.path().join("all");
    // N = all paths, on 2 threads: the mean over paths.csv must be summary.csv's mean.
    run_baseline(&all, "2", &["--sample-paths", "40"]);
    let dir = all.join("baseline");
    assert_eq!(
        files_of(&dir.join("manifest.json")),
        [
            "summary.csv",
            "wide.csv",
            "totals.csv",
            "report.html",
            "paths.csv",
            "manifest.json"
        ]
    );
    let paths_bytes = std::fs::read(dir.join("paths.csv")).unwrap();
    let text = std::str::from_utf8(&paths_bytes).unwrap();
    assert!(text.starts_with("path,date,variable,value\n") && !text.contains('\r'));
    assert!(!text.contains("-0.0000"));
    let rows = paths_rows(&paths_bytes);
    let vars = summary_vars(&std::fs::read(dir.join("summary.csv")).unwrap());
    assert_eq!(rows.len(), 40 * 4 * vars);
    // Path outer, then month, then variable in summary.csv's order.
    let mut rdr = csv::Reader::from_reader(std::fs::File::open(dir.join("summary.csv")).unwrap());
    let summary: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    for (i, (p, date, var, _)) in rows.iter().enumerate() {
        let s = &summary[i % (4 * vars)];
        assert_eq!(*p, (i / (4 * vars)) as u64);
        assert_eq!(
            (date.as_str(), var.as_str()),
            (&s[1], &s[2]),
            "row {}",
            i + 2
        );
    }
    let mut sums: HashMap<(String, String), (f64, u32)> = HashMap::new();
    for (_, date, var, v) in &rows {
        if !v.is_empty() {
            let e = sums.entry((date.clone(), var.clone())).or_default();
            e.0 += v.parse::<f64>().unwrap();
            e.1 += 1;
        }
    }
    let mut checked = 0;
    for s in &summary {
        let Some(&(sum, n)) = sums.get(&(s[1].to_string(), s[2].to_string())) else {
            assert!(s[4].is_empty(), "{s:?}: no value in paths.csv");
            continue;
        };
        let want: f64 = s[4].parse().unwrap();
        let mean = sum / n as f64;
        // Each paths.csv value and the summary mean are rounded to 4 decimals.
        let tol = 1.0e-4 + 1e-12 * want.abs();
        assert!((mean - want).abs() <= tol, "{s:?}: paths.csv mean {mean}");
        checked += 1;
    }
    assert!(checked > 4 * vars * 9 / 10, "{checked} means checked");

    // The first 3 paths alone, on 1 thread: the same rows as the first 3 paths above.
    let few = tmp.path().join("few");
    run_baseline(&few, "1", &["--sample-paths", "3"]);
    let first = std::fs::read(few.join("baseline/paths.csv")).unwrap();
    let cut = text
        .match_indices('\n')
        .nth(3 * 4 * vars)
        .map(|(i, _)| i + 1)
        .unwrap();
    assert!(
        first == paths_bytes[..cut],
        "paths 0..3 differ from the N=40 file"
    );
}

#[test]
fn sample_paths_beyond_the_run_is_refused_before_running() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let a = sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--paths",
            "5",
            "--months",
            "2",
        ])
        .args(["--quiet", "--sample-paths", "6", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("--sample-paths 6 is more than the 5 paths of scenario `baseline`"),
        "{err}"
    );
    assert!(!out.join("baseline").exists(), "nothing written");
    let a = sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--sample-paths",
            "0",
            "--out",
        ])
        .arg(&out)
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(err.contains("--sample-paths"), "{err}");
    // 3,000 paths x 60 months x (about 100) variables: over the 10,000,000-row cap, refused.
    let a = sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--paths",
            "3000",
            "--months",
            "60",
        ])
        .args(["--quiet", "--sample-paths", "3000", "--out"])
        .arg(&out)
        .assert()
        .code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    let vars: usize = err
        .split(" months x ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no variable count in: {err}"));
    assert!(vars > 60, "{err}");
    let rows = 3000 * 60 * vars;
    let most = 10_000_000 / (60 * vars);
    assert!(
        err.contains(&format!("would write {rows} rows"))
            && err.contains(&format!("ask for at most {most} paths")),
        "{err}"
    );
    assert!(!out.join("baseline").exists(), "nothing written");
}

/// The number of variables in a summary.csv: its rows for the first date.
/// The variables of the first month whose unit is "share of paths".
fn summary_flag_vars(csv_bytes: &[u8]) -> usize {
    let mut rdr = csv::Reader::from_reader(csv_bytes);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let first = rows[0][1].to_string();
    rows.iter()
        .filter(|r| r[1] == first && &r[3] == "share of paths")
        .count()
}

fn summary_vars(csv_bytes: &[u8]) -> usize {
    let mut rdr = csv::Reader::from_reader(csv_bytes);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let first = rows[0][1].to_string();
    rows.iter().filter(|r| r[1] == first).count()
}

/// `run --xlsx` of a folder of scenarios: one `results.xlsx` in the output folder holds every
/// scenario's tables and manifest, names at most 31 characters and unique, an `index` first;
/// each scenario's own folder keeps its own workbook. An existing combined workbook is
/// refused before anything runs, and replaced with `--force`.
#[test]
fn run_of_a_folder_writes_one_workbook_of_all_scenarios() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = |force: bool| {
        let mut c = sim();
        c.args(["run", "scenarios/", "--paths", "20", "--months", "3"])
            .args(["--quiet", "--xlsx", "--no-charts", "--no-report"])
            .args(["--prob", "brent_usd_bbl>90", "--out"])
            .arg(&out);
        if force {
            c.arg("--force");
        }
        c.assert()
    };
    run(false).success();
    let book = read_book(&out.join("results.xlsx"));
    assert_eq!(book.names[0], "index");
    let mut seen = std::collections::HashSet::new();
    for n in &book.names {
        assert!(n.chars().count() <= 31, "{n}");
        assert!(seen.insert(n.to_lowercase()), "{n} twice");
    }
    // The index: sheet, scenario, file; every other sheet once, in workbook order.
    let index = &book.cells["index"];
    let text = |r: &str| match index.get(r) {
        Some(XCell::Text(t)) => t.clone(),
        other => panic!("index!{r}: {other:?}"),
    };
    assert_eq!(
        (text("A1"), text("B1"), text("C1")),
        ("sheet".into(), "scenario".into(), "file".into())
    );
    let mut scenarios: Vec<String> = std::fs::read_dir("scenarios")
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml").then(|| p.file_stem().unwrap().to_string_lossy().into())
        })
        .collect();
    scenarios.sort();
    let mut tables = 0;
    for (i, sheet) in book.names.iter().enumerate().skip(1) {
        let r = i + 1;
        assert_eq!(&text(&format!("A{r}")), sheet);
        let (sc, file) = (text(&format!("B{r}")), text(&format!("C{r}")));
        assert!(scenarios.contains(&sc), "{sc}");
        let dir = out.join(&sc);
        if file == "manifest.json" {
            assert!(sheet.ends_with(" manifest"), "{sheet}");
            let rows = &book.cells[sheet];
            assert_eq!(rows.get("A1"), Some(&XCell::Text("key".into())));
            assert!(
                rows.values().any(|c| *c == XCell::Text(sc.clone())),
                "{sheet}"
            );
            continue;
        }
        let bytes = std::fs::read(dir.join(&file)).unwrap();
        check_sheet(&book, sheet, &bytes);
        tables += 1;
    }
    // summary, wide, totals and probabilities for each; events and outcomes for the tree.
    assert!(tables >= 4 * scenarios.len() + 2, "{tables} tables");
    for sc in &scenarios {
        let own = read_book(&out.join(sc).join("results.xlsx"));
        assert_eq!(own.names.last().unwrap(), "manifest", "{sc}");
    }
    let first = std::fs::read(out.join("results.xlsx")).unwrap();
    let a = run(false).code(1);
    let err = String::from_utf8_lossy(&a.get_output().stderr).to_string();
    assert!(
        err.contains("results.xlsx already exists; pass --force"),
        "{err}"
    );
    run(true).success();
    assert!(
        std::fs::read(out.join("results.xlsx")).unwrap() == first,
        "same scenarios, same bytes"
    );
    // One scenario: its folder's workbook only.
    let one = tmp.path().join("one");
    run_baseline(&one, "1", &["--xlsx"]);
    assert!(!one.join("results.xlsx").exists());
}

/// `compare --xlsx` of three scenarios: after the comparison's own sheets, each compared
/// scenario has a sheet of its rows of compare.csv and one of compare_totals.csv.
#[test]
fn compare_xlsx_has_a_sheet_per_scenario() {
    let tmp = tempfile::tempdir().unwrap();
    sim()
        .args([
            "compare",
            "scenarios/baseline.toml",
            "scenarios/summit_failure.toml",
            "scenarios/china_sanctions.toml",
        ])
        .args(["--paths", "20", "--months", "3", "--quiet", "--xlsx"])
        .args(["--no-charts", "--no-report", "--out"])
        .arg(tmp.path())
        .assert()
        .success();
    let dir = tmp
        .path()
        .join("compare_baseline_vs_summit_failure_china_sanctions");
    let book = read_book(&dir.join("results.xlsx"));
    assert_eq!(
        book.names,
        [
            "compare",
            "compare_wide",
            "compare_totals",
            "manifest",
            "summit_failure",
            "summit_failure totals",
            "china_sanctions",
            "china_sanctions totals"
        ]
    );
    for (sheet, file, sc) in [
        ("summit_failure", "compare.csv", "summit_failure"),
        (
            "china_sanctions totals",
            "compare_totals.csv",
            "china_sanctions",
        ),
    ] {
        let all = std::fs::read(dir.join(file)).unwrap();
        let own = sanctions_sim::output::xlsx_results::rows_of_scenario(&all, sc).unwrap();
        let text = String::from_utf8(own.clone()).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.len() > 2 && lines[1..].iter().all(|l| l.contains(&format!(",{sc},"))));
        // Together the scenarios' rows are the whole table.
        let all_lines = String::from_utf8(all).unwrap().lines().count();
        let other = if sc == "summit_failure" {
            "china_sanctions"
        } else {
            "summit_failure"
        };
        let rest = sanctions_sim::output::xlsx_results::rows_of_scenario(
            &std::fs::read(dir.join(file)).unwrap(),
            other,
        )
        .unwrap();
        let rest_lines = String::from_utf8(rest).unwrap().lines().count();
        assert_eq!(lines.len() - 1 + rest_lines - 1, all_lines - 1, "{file}");
        check_sheet(&book, sheet, &own);
    }
}
