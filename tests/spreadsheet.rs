//! Does a real spreadsheet read our CSV files as numbers and dates?
//!
//! Writes a small `summary.csv` and `wide.csv` with the exporters, has LibreOffice (headless)
//! convert them to flat XML spreadsheets (`.fods`), and checks every cell's type: dates as
//! `office:value-type="date"` with the right day, numbers as `float` with our value, names and
//! units as strings, and missing statistics as empty cells.
//!
//! The import is pinned to English (US) number conventions (`--infilter=CSV:44,34,76,1,,1033`):
//! under a comma-decimal locale such as German a spreadsheet reads `80.1234` as text, as it
//! would for any `.`-decimal CSV. Skipped (with a message) when `soffice` is not installed;
//! CI installs it with `apt-get install -y libreoffice-calc-nogui`.
//!
//! The second test does the same for `results.xlsx` (every sheet of the workbook, converted
//! without an import filter: the cells are typed in the file) and for `paths.csv`.

use sanctions_sim::engine::stats::{CellStats, Summary, SummaryMode};
use sanctions_sim::output::xlsx::{Cell, Workbook};
use sanctions_sim::output::{summary_csv, wide_csv, VarMeta};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_secs(180);

fn find_on_path(exe: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(exe))
        .find(|p| p.is_file())
}

fn cell(mean: f64, spread: f64) -> CellStats {
    CellStats {
        n: 100,
        nonfinite: 0,
        mean,
        sd: spread,
        p05: mean - 2.0 * spread,
        p10: mean - 1.5 * spread,
        p25: mean - 0.5 * spread,
        p50: mean,
        p75: mean + 0.5 * spread,
        p90: mean + 1.5 * spread,
        p95: mean + 2.0 * spread,
        mc_se_mean: spread / 10.0,
        mc_se_p50: spread / 8.0,
    }
}

fn sample() -> (Vec<VarMeta>, Summary) {
    let vars = vec![
        VarMeta {
            name: "brent_usd_bbl".into(),
            unit: "USD/bbl".into(),
        },
        VarMeta {
            name: "urals_discount_usd_bbl".into(),
            unit: "USD/bbl".into(),
        },
        VarMeta {
            name: "seaborne_exports_mbd".into(),
            unit: "mb/d".into(),
        },
        VarMeta {
            name: "revenue_usd".into(),
            unit: "USD/month".into(),
        },
    ];
    let mut empty = cell(f64::NAN, f64::NAN);
    empty.n = 0;
    let mut tiny = cell(-0.00001, 0.00001); // prints as 0.0000, never -0.0000
    tiny.p95 = f64::INFINITY;
    let cells = vec![
        cell(81.2345, 7.5),
        cell(-12.5, 3.25),
        cell(3.4567, 0.25),
        cell(15_234_567_890.123_4, 1_000_000.5),
        cell(79.0, 8.0),
        tiny,
        cell(3.3, 0.3),
        empty,
        cell(77.7777, 8.8888),
        cell(-0.5, 0.125),
        cell(0.0, 0.0),
        cell(1.0e9, 2.0e8),
    ];
    let s = Summary {
        months: 3,
        vars: 4,
        cells,
        mode: SummaryMode::Exact,
    };
    (vars, s)
}

/// One cell as LibreOffice saw it.
#[derive(Debug, Clone, Default)]
struct Seen {
    kind: Option<String>,
    value: Option<String>,
    text: String,
}

const OFFICE: &str = "urn:oasis:names:tc:opendocument:xmlns:office:1.0";
const TABLE: &str = "urn:oasis:names:tc:opendocument:xmlns:table:1.0";

/// The first sheet of a `.fods` file as rows of cells (repeats expanded).
fn read_fods(path: &Path) -> Vec<Vec<Seen>> {
    read_fods_sheet(path, None)
}

/// Sheet `name` (the first when `None`) of a `.fods` file as rows of cells.
fn read_fods_sheet(path: &Path, name: Option<&str>) -> Vec<Vec<Seen>> {
    let xml = std::fs::read_to_string(path).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let table = doc
        .descendants()
        .filter(|n| n.has_tag_name((TABLE, "table")))
        .find(|n| name.is_none() || n.attribute((TABLE, "name")) == name)
        .unwrap_or_else(|| panic!("sheet {name:?} in the converted file"));
    let mut rows = Vec::new();
    for row in table
        .children()
        .filter(|n| n.has_tag_name((TABLE, "table-row")))
    {
        let mut cells = Vec::new();
        for c in row.children().filter(|n| n.is_element()) {
            let (ns, name) = (c.tag_name().namespace(), c.tag_name().name());
            if ns != Some(TABLE) || !(name == "table-cell" || name == "covered-table-cell") {
                continue;
            }
            let repeat: usize = c
                .attribute((TABLE, "number-columns-repeated"))
                .map_or(1, |r| r.parse().unwrap());
            let seen = Seen {
                kind: c.attribute((OFFICE, "value-type")).map(str::to_string),
                value: c
                    .attribute((OFFICE, "value"))
                    .or(c.attribute((OFFICE, "date-value")))
                    .map(str::to_string),
                text: c
                    .descendants()
                    .filter(|n| n.is_text())
                    .filter_map(|n| n.text())
                    .map(str::trim)
                    .collect(),
            };
            // Trailing empty cells may be repeated up to the sheet's width: keep a few.
            cells.extend(std::iter::repeat_n(seen, repeat.min(64)));
        }
        if cells.iter().any(|c| c.kind.is_some()) {
            rows.push(cells);
        }
    }
    rows
}

/// Columns holding text; every other column but `date` holds numbers.
const TEXT_COLUMNS: [&str; 3] = ["scenario", "variable", "unit"];

fn check_against_csv(name: &str, csv_bytes: &[u8], sheet: &[Vec<Seen>]) -> usize {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv_bytes);
    let records: Vec<csv::StringRecord> = rdr.records().map(|r| r.unwrap()).collect();
    assert_eq!(records.len(), sheet.len(), "{name}: row count");
    let header: Vec<String> = records[0].iter().map(str::to_string).collect();
    let mut numbers = 0;
    for (r, (rec, row)) in records.iter().zip(sheet).enumerate() {
        for (c, want) in rec.iter().enumerate() {
            let got = row.get(c).cloned().unwrap_or_default();
            let at = format!("{name} row {} column `{}`", r + 1, header[c]);
            if r == 0 || TEXT_COLUMNS.contains(&header[c].as_str()) {
                assert_eq!(got.kind.as_deref(), Some("string"), "{at}: {got:?}");
                assert_eq!(got.text, want, "{at}");
            } else if header[c] == "date" {
                assert_eq!(got.kind.as_deref(), Some("date"), "{at}: {got:?}");
                assert_eq!(got.value.as_deref(), Some(want), "{at}: {got:?}");
            } else if want.is_empty() {
                assert_eq!(
                    got.kind, None,
                    "{at}: a missing statistic must be an empty cell"
                );
            } else {
                assert_eq!(
                    got.kind.as_deref(),
                    Some("float"),
                    "{at}: {want} not a number: {got:?}"
                );
                let v: f64 = got.value.as_deref().unwrap().parse().unwrap();
                assert_eq!(v, want.parse::<f64>().unwrap(), "{at}");
                numbers += 1;
            }
        }
    }
    numbers
}

/// Converts `inputs` to `.fods` files in `out` with LibreOffice headless, with the import
/// filter `infilter` (none: detected from the file). Panics with soffice's output on failure.
fn convert(soffice: &Path, infilter: Option<&str>, inputs: &[PathBuf], out: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let profile = std::env::temp_dir().join(format!(
        "lo_profile_{}_{}",
        std::process::id(),
        out.file_name().unwrap().to_string_lossy()
    ));
    let log = dir.path().join("soffice.log");
    let err = dir.path().join("soffice.err");
    let started = Instant::now();
    let mut cmd = Command::new(soffice);
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.display()
    ))
    .args(["--headless", "--norestore", "--nologo", "--nolockcheck"]);
    if let Some(f) = infilter {
        cmd.arg(format!("--infilter={f}"));
    }
    let mut child = cmd
        .args(["--convert-to", "fods", "--outdir"])
        .arg(out)
        .args(inputs)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .spawn()
        .expect("start soffice");
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_dir_all(&profile);
            panic!("soffice did not finish within {TIMEOUT:?}");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = std::fs::remove_dir_all(&profile);
    let logs = format!(
        "{}{}",
        std::fs::read_to_string(&log).unwrap_or_default(),
        std::fs::read_to_string(&err).unwrap_or_default()
    );
    assert!(status.success(), "soffice failed ({status}):\n{logs}");
}

#[test]
fn libreoffice_reads_numbers_and_dates() {
    let Some(soffice) = find_on_path("soffice") else {
        println!("skipped: soffice not installed (apt-get install -y libreoffice-calc-nogui)");
        return;
    };
    let (vars, s) = sample();
    let start = 2025 * 12 + 10; // 2025-11: the run crosses a year
    let summary = summary_csv("baseline", start, &vars, &s);
    let wide = wide_csv(start, &vars, &s);
    assert!(!String::from_utf8_lossy(&summary).contains("-0.0000"));

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::write(dir.path().join("summary.csv"), &summary).unwrap();
    std::fs::write(dir.path().join("wide.csv"), &wide).unwrap();
    let started = Instant::now();
    convert(
        &soffice,
        Some("CSV:44,34,76,1,,1033"),
        &[dir.path().join("summary.csv"), dir.path().join("wide.csv")],
        &out,
    );
    println!("soffice converted both files in {:.1?}", started.elapsed());

    let sheet = read_fods(&out.join("summary.fods"));
    let n = check_against_csv("summary.csv", &summary, &sheet);
    assert_eq!(sheet.len(), 1 + 3 * 4);
    assert!(n > 80, "{n} numbers checked");
    let sheet = read_fods(&out.join("wide.fods"));
    let n = check_against_csv("wide.csv", &wide, &sheet);
    assert_eq!(sheet.len(), 1 + 3);
    assert_eq!(sheet[1][0].value.as_deref(), Some("2025-11-01"));
    assert_eq!(sheet[3][0].value.as_deref(), Some("2026-01-01"));
    assert!(n > 25, "{n} numbers checked");
}

#[test]
fn libreoffice_reads_results_xlsx_and_paths_csv() {
    let Some(soffice) = find_on_path("soffice") else {
        println!("skipped: soffice not installed (apt-get install -y libreoffice-calc-nogui)");
        return;
    };
    let (vars, s) = sample();
    let start = 2025 * 12 + 10;
    let summary = summary_csv("baseline", start, &vars, &s);
    let wide = wide_csv(start, &vars, &s);
    let mut book = Workbook::new();
    book.add_csv("summary", &summary).unwrap();
    book.add_csv("wide", &wide).unwrap();
    book.add_key_values(
        "manifest",
        vec![
            (
                "seed".into(),
                Cell::Number {
                    value: 42.0,
                    decimals: 0,
                },
            ),
            ("start".into(), Cell::Text("2025-11".into())),
        ],
    )
    .unwrap();
    let xlsx = book.to_bytes().unwrap();

    // paths.csv of a real scenario: 2 paths x 3 months, as `run --sample-paths 2` writes it.
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let sc = sanctions_sim::scenario::load(&root.join("scenarios/baseline.toml")).unwrap();
    let run_vars = sanctions_sim::engine::vars::variables(&sc.market);
    let paths =
        sanctions_sim::output::paths_csv::paths_csv(&sc, 7, 3, &run_vars, 2, 1, None).unwrap();

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("results.xlsx"), &xlsx).unwrap();
    std::fs::write(dir.path().join("paths.csv"), &paths).unwrap();
    let started = Instant::now();
    let out_x = dir.path().join("out_xlsx");
    convert(&soffice, None, &[dir.path().join("results.xlsx")], &out_x);
    let out_p = dir.path().join("out_paths");
    convert(
        &soffice,
        Some("CSV:44,34,76,1,,1033"),
        &[dir.path().join("paths.csv")],
        &out_p,
    );
    println!(
        "soffice converted results.xlsx and paths.csv in {:.1?}",
        started.elapsed()
    );

    let fods = out_x.join("results.fods");
    let sheet = read_fods_sheet(&fods, Some("summary"));
    let n = check_against_csv("results.xlsx summary", &summary, &sheet);
    assert_eq!(sheet.len(), 1 + 3 * 4);
    assert!(n > 80, "{n} numbers checked");
    let sheet = read_fods_sheet(&fods, Some("wide"));
    let n = check_against_csv("results.xlsx wide", &wide, &sheet);
    assert_eq!(sheet[1][0].value.as_deref(), Some("2025-11-01"));
    assert_eq!(sheet[3][0].value.as_deref(), Some("2026-01-01"));
    assert!(n > 25, "{n} numbers checked");
    let sheet = read_fods_sheet(&fods, Some("manifest"));
    assert_eq!(sheet[1][0].text, "seed");
    assert_eq!(sheet[1][1].kind.as_deref(), Some("float"));
    assert_eq!(sheet[1][1].value.as_deref(), Some("42"));
    assert_eq!(
        sheet[2][1].kind.as_deref(),
        Some("string"),
        "2025-11 is not a date"
    );

    let sheet = read_fods(&out_p.join("paths.fods"));
    let n = check_against_csv("paths.csv", &paths, &sheet);
    assert_eq!(sheet.len(), 1 + 2 * 3 * run_vars.len());
    assert!(
        n > 2 * 2 * 3 * run_vars.len() * 9 / 10,
        "{n} numbers checked"
    );
}

fn sim() -> assert_cmd::Command {
    let mut c = assert_cmd::Command::cargo_bin("sanctions-sim").expect("binary is built");
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

/// Runs the baseline for 14 months (crossing a year) into `out` with `extra` flags.
fn run_baseline(out: &Path, extra: &[&str]) -> PathBuf {
    sim()
        .args([
            "run",
            "scenarios/baseline.toml",
            "--paths",
            "40",
            "--months",
            "14",
        ])
        .args(["--quiet", "--no-charts", "--no-report", "--out"])
        .arg(out)
        .args(extra)
        .assert()
        .success();
    out.join("baseline")
}

/// `--csv-dialect excel-eu`: every CSV file is the default file with `;` and decimal commas,
/// the other files and the file list are the same, and the manifest says which dialect.
#[test]
fn excel_eu_dialect_is_the_default_files_converted() {
    use sanctions_sim::output::dialect::CsvDialect;
    let tmp = tempfile::tempdir().unwrap();
    let std_dir = run_baseline(&tmp.path().join("std"), &["--prob", "flow_india_mbd<1"]);
    let eu_dir = run_baseline(
        &tmp.path().join("eu"),
        &["--prob", "flow_india_mbd<1", "--csv-dialect", "excel-eu"],
    );
    let manifest = |d: &Path| -> serde_json::Value {
        serde_json::from_slice(&std::fs::read(d.join("manifest.json")).unwrap()).unwrap()
    };
    let (ms, me) = (manifest(&std_dir), manifest(&eu_dir));
    assert_eq!(ms["files"], me["files"]);
    assert!(
        ms.get("csv_dialect").is_none(),
        "the default is not recorded"
    );
    assert_eq!(me["csv_dialect"], "excel-eu");
    let mut csvs = 0;
    for f in ms["files"].as_array().unwrap() {
        let f = f.as_str().unwrap();
        let (s, e) = (
            std::fs::read(std_dir.join(f)).unwrap(),
            std::fs::read(eu_dir.join(f)).unwrap(),
        );
        if f.ends_with(".csv") {
            assert_eq!(e, CsvDialect::ExcelEu.convert(&s), "{f}");
            let text = String::from_utf8(e).unwrap();
            assert!(text.lines().next().unwrap().contains(';'), "{f}");
            assert!(text.contains("2026-01-01"), "{f}: dates stay ISO");
            csvs += 1;
        } else if f != "manifest.json" {
            assert_eq!(s, e, "{f}");
        }
    }
    assert_eq!(csvs, 5, "summary, wide, totals, probabilities and averages");
    let summary = std::fs::read_to_string(eu_dir.join("summary.csv")).unwrap();
    let row = summary.lines().nth(1).unwrap();
    assert!(
        row.starts_with("baseline;2025-") && row.contains(",") && !row.contains('.'),
        "{row}"
    );
    // A shard has no CSV file: the dialect belongs on the merge.
    sim()
        .args(["run", "scenarios/baseline.toml", "--shard", "1/2"])
        .args(["--csv-dialect", "excel-eu", "--out"])
        .arg(tmp.path().join("shard"))
        .assert()
        .code(1);
}

/// LibreOffice under German number conventions (import language 1031, `;` separator) reads
/// the excel-eu files of a real run as numbers and dates, with the default files' values.
#[test]
fn libreoffice_in_german_reads_the_excel_eu_dialect() {
    let Some(soffice) = find_on_path("soffice") else {
        println!("skipped: soffice not installed (apt-get install -y libreoffice-calc-nogui)");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let std_dir = run_baseline(&tmp.path().join("std"), &[]);
    let eu_dir = run_baseline(&tmp.path().join("eu"), &["--csv-dialect", "excel-eu"]);
    let out = tmp.path().join("fods");
    convert(
        &soffice,
        Some("CSV:59,34,76,1,,1031"),
        &[eu_dir.join("summary.csv"), eu_dir.join("wide.csv")],
        &out,
    );
    let summary = std::fs::read(std_dir.join("summary.csv")).unwrap();
    let sheet = read_fods(&out.join("summary.fods"));
    let n = check_against_csv("excel-eu summary.csv", &summary, &sheet);
    assert!(n > 14 * 40 * 5, "{n} numbers checked");
    let wide = std::fs::read(std_dir.join("wide.csv")).unwrap();
    let sheet = read_fods(&out.join("wide.fods"));
    let n = check_against_csv("excel-eu wide.csv", &wide, &sheet);
    assert_eq!(sheet.len(), 1 + 14);
    assert_eq!(sheet[1][0].value.as_deref(), Some("2025-08-01"));
    assert_eq!(sheet[6][0].value.as_deref(), Some("2026-01-01"));
    assert!(n > 14 * 20, "{n} numbers checked");
}
