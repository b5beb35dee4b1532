//! `--xlsx` (results.xlsx) through the command line; `--sample-paths` is in
//! tests/sample_paths.rs.
//!
//! The workbook is read back from its zip: sheet names from `xl/workbook.xml`, text from the
//! shared strings, number formats from `xl/styles.xml`, and every cell of every table sheet
//! is compared with the CSV file it came from (text as a string, a date as the Excel serial
//! day shown as `yyyy-mm-dd`, a number with the same value, an empty CSV cell as no cell).

mod xlsx_read;

use std::collections::BTreeMap;
use xlsx_read::cli::{check_sheet, files_of, files_of_all, run_baseline, sim, summary_vars};
use xlsx_read::{entry, read_book, XCell};

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
            "averages.csv",
            "report.html",
            "results.xlsx",
            "manifest.json"
        ]
    );
    let book = read_book(&dir.join("results.xlsx"));
    assert_eq!(
        book.names,
        ["summary", "wide", "totals", "averages", "manifest"]
    );
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
        kv["files[4]"],
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
    // index, summary, wide, events, outcomes, totals, averages, outcome_totals, manifest.
    assert_eq!(book.names.len(), 9 + bands.len());
    for f in ["events.csv", "outcomes.csv", "outcome_totals.csv"] {
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
            "compare_averages.csv",
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
            "compare_averages",
            "manifest",
            "summit_failure",
            "summit_failure totals",
            "summit_failure averages"
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
/// scenario has a sheet of its rows of compare.csv, one of compare_totals.csv and one of
/// compare_averages.csv.
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
            "compare_averages",
            "manifest",
            "summit_failure",
            "summit_failure totals",
            "summit_failure averages",
            "china_sanctions",
            "china_sanctions totals",
            "china_sanctions averages"
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
