//! Command-line helpers shared by the workbook and sample-path tests: the binary run from the
//! repository root, the manifest's file lists, a small baseline run, and the cell-by-cell
//! comparison of a sheet with its CSV file.

use super::{col_letters, excel_serial, Book, XCell};
use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn sim() -> Command {
    let mut c = Command::cargo_bin("sanctions-sim").expect("binary sanctions-sim is built");
    c.current_dir(root());
    c
}

pub fn is_iso_date(s: &str) -> bool {
    s.len() == 10 && s.as_bytes()[4] == b'-' && s.as_bytes()[7] == b'-'
}

/// Compares sheet `name` with `csv` cell by cell; returns (numbers, dates) checked.
pub fn check_sheet(book: &Book, name: &str, csv: &[u8]) -> (usize, usize) {
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

pub fn files_of_all(manifest: &Path) -> Vec<serde_json::Value> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(manifest).unwrap()).unwrap();
    v["files"].as_array().unwrap().clone()
}

/// The manifest's file list without the charts (tested in tests/charts_cli.rs), which come
/// before `results.xlsx` and `paths.csv` and get no sheet.
pub fn files_of(manifest: &Path) -> Vec<String> {
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

pub fn run_baseline(out: &Path, threads: &str, extra: &[&str]) {
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

pub fn summary_vars(csv_bytes: &[u8]) -> usize {
    let mut rdr = csv::Reader::from_reader(csv_bytes);
    let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    let first = rows[0][1].to_string();
    rows.iter().filter(|r| r[1] == first).count()
}
