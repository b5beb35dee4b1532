//! `results.xlsx` of a result folder (`run --xlsx`, `compare --xlsx`): every CSV table the
//! folder lists, one sheet each, and the manifest as a `key,value` sheet.
//!
//! The sheets are built from the bytes of the CSV files as they were written into the folder
//! (kept in memory by [`Staging`], never read back from disk), so the workbook holds exactly
//! what the CSV files hold, and a CSV file that another part of the program adds to the
//! manifest's file list gets its sheet without touching this module.

use super::files::{OutputError, Staging, NOT_KEPT};
use super::manifest::Manifest;
use super::xlsx::{Cell, Workbook, XlsxError};
use super::xlsx_names::{self, parts, Namer, Short};

/// The workbook's file name.
pub const FILE: &str = "results.xlsx";

/// CSV files that get no sheet: `paths.csv` can be far longer than a sheet may be and is an
/// audit file for tools, not a table to read. The folder does not keep them in memory.
const NO_SHEET: [&str; 1] = NOT_KEPT;

/// Manifest keys left out of the sheet: they describe how long this run took on this machine,
/// so keeping them would make two runs of the same scenario give different workbooks. They
/// stay in `manifest.json`.
pub const VOLATILE_KEYS: [&str; 3] = ["threads", "wall_seconds", "path_months_per_second"];

/// Why `results.xlsx` could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error(transparent)]
    Xlsx(#[from] XlsxError),
    #[error(transparent)]
    Output(#[from] OutputError),
    #[error(
        "results.xlsx lists {0}, which was not written into the result folder; \
         this is a bug, please report it"
    )]
    NotWritten(String),
}

/// Sheet name of a listed CSV file: its stem (`summary.csv` → `summary`); for conditional
/// bands `by_outcome/<node>=<outcome>/summary.csv` → `<node>=<outcome>`, and their other
/// tables `by_outcome/<node>=<outcome>/totals.csv` → `<node>=<outcome> totals`. This is the
/// name a sheet keeps when it fits in 31 characters; [`Namer`] shortens the others.
pub fn sheet_name(file: &str) -> String {
    let parts: Vec<&str> = file.split('/').collect();
    match parts.as_slice() {
        ["by_outcome", folder, "summary.csv"] => folder.to_string(),
        ["by_outcome", folder, table] => {
            format!("{folder} {}", table.strip_suffix(".csv").unwrap_or(table))
        }
        _ => {
            let last = parts.last().copied().unwrap_or(file);
            last.strip_suffix(".csv").unwrap_or(last).to_string()
        }
    }
}

/// Flattens a JSON value into `key,value` rows: objects by `parent.child`, arrays by
/// `parent[i]`; numbers as numbers, strings as text, `null` as an empty cell.
pub fn flatten_json(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, Cell)>) {
    use serde_json::Value;
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten_json(&key, child, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                flatten_json(&format!("{prefix}[{i}]"), child, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), Cell::Empty)),
        Value::Bool(b) => out.push((prefix.to_string(), Cell::Text(b.to_string()))),
        Value::Number(n) => {
            // Seeds above 2^53 do not survive as a spreadsheet number: keep them as text.
            let exact = n.as_u64().is_some_and(|u| u > (1u64 << 53))
                || n.as_i64().is_some_and(|i| i.unsigned_abs() > (1u64 << 53));
            let cell = match n.as_f64() {
                Some(x) if x.is_finite() && !exact => Cell::Number {
                    value: x,
                    decimals: if n.is_u64() || n.is_i64() {
                        0
                    } else {
                        crate::output::xlsx::decimal_places(&n.to_string())
                    },
                },
                _ => Cell::Text(n.to_string()),
            };
            out.push((prefix.to_string(), cell));
        }
        Value::String(s) => out.push((prefix.to_string(), Cell::Text(s.clone()))),
    }
}

/// The manifest sheet's rows, without [`VOLATILE_KEYS`].
pub fn manifest_rows(m: &Manifest) -> Vec<(String, Cell)> {
    let mut v = serde_json::to_value(m).expect("a Manifest always serializes");
    if let Some(map) = v.as_object_mut() {
        for k in VOLATILE_KEYS {
            map.remove(k);
        }
    }
    let mut out = Vec::new();
    flatten_json("", &v, &mut out);
    out
}

/// The workbook of a folder: one sheet per CSV file of `m.files` (in that order, except
/// [`NO_SHEET`]), its bytes given by `table(file)`, then the `manifest` sheet; first an
/// `index` sheet when [`Namer::needs_index`] (by-outcome folders, or a shortened name).
pub fn build(
    table: impl Fn(&str) -> Option<Vec<u8>>,
    m: &Manifest,
) -> Result<Vec<u8>, ResultsError> {
    Ok(book_of(table, m, Vec::new())?.to_bytes()?)
}

/// A planned sheet: its name and CSV bytes, or `None` for the manifest.
type Planned = (String, Option<Vec<u8>>);

/// A sheet after the manifest: a compared scenario's rows of a comparison's table.
struct Extra {
    scenario: String,
    file: &'static str,
    /// Its name before D218, kept when it fits.
    preferred: String,
    /// The table's part of a shortened name.
    table: &'static str,
    rows: Vec<u8>,
}

/// The [`Workbook`] that [`build`] writes, with the `extra` sheets after the manifest.
fn book_of(
    table: impl Fn(&str) -> Option<Vec<u8>>,
    m: &Manifest,
    extra: Vec<Extra>,
) -> Result<Workbook, ResultsError> {
    let mut namer = Namer::new();
    let mut planned: Vec<Planned> = Vec::new();
    for f in &m.files {
        if !f.ends_with(".csv") || NO_SHEET.contains(&f.as_str()) {
            continue;
        }
        let bytes = table(f).ok_or_else(|| ResultsError::NotWritten(f.clone()))?;
        let p = parts(f);
        let short = Short {
            prefix: "",
            head: xlsx_names::outcome_folder(f).unwrap_or(""),
            table: &p.table,
        };
        let name = namer.name(&m.scenario, f, &sheet_name(f), short);
        planned.push((name, Some(bytes)));
    }
    let short = Short {
        prefix: "",
        head: "",
        table: "manifest",
    };
    let name = namer.name(&m.scenario, "manifest.json", "manifest", short);
    planned.push((name, None));
    for e in extra {
        let short = Short {
            prefix: "",
            head: &e.scenario,
            table: e.table,
        };
        let name = namer.name(&e.scenario, e.file, &e.preferred, short);
        planned.push((name, Some(e.rows)));
    }
    let mut book = Workbook::new();
    if namer.needs_index() {
        book.add_rows(xlsx_names::INDEX, namer.index_rows())?;
    }
    for (name, bytes) in planned {
        match bytes {
            Some(b) => book.add_csv(&name, &b)?,
            None => book.add_key_values(&name, manifest_rows(m))?,
        };
    }
    Ok(book)
}

/// Lists [`FILE`] in `m.files`, before `manifest.json`, unless listed.
fn list_file(m: &mut Manifest) {
    if !m.files.iter().any(|f| f == FILE) {
        let at = m
            .files
            .iter()
            .position(|f| f == "manifest.json")
            .unwrap_or(m.files.len());
        m.files.insert(at, FILE.to_string());
    }
}

/// Lists [`FILE`] in `m.files` (before `manifest.json`) and writes it into the staging folder.
/// Call it after every CSV file is staged and listed, just before `manifest.json` is written.
pub fn write(stage: &Staging, m: &mut Manifest) -> Result<(), ResultsError> {
    list_file(m);
    let bytes = build(|f| stage.table(f), m)?;
    stage.write(FILE, &bytes)?;
    Ok(())
}

/// The tables and manifest of one result folder, for a workbook that holds several folders.
#[derive(Debug, Clone)]
pub struct FolderTables {
    /// The scenario (or folder) name the sheets are named after.
    pub scenario: String,
    /// Listed CSV files with a sheet ([`NO_SHEET`] left out), in manifest order, and their bytes.
    pub tables: Vec<(String, Vec<u8>)>,
    pub manifest: Manifest,
}

/// The tables of the folder being staged, as [`build`] would put them in its workbook. Call it
/// once every CSV file is staged and `m.files` is final.
pub fn folder_tables(stage: &Staging, m: &Manifest) -> Result<FolderTables, ResultsError> {
    let mut tables = Vec::new();
    for f in &m.files {
        if !f.ends_with(".csv") || NO_SHEET.contains(&f.as_str()) {
            continue;
        }
        let bytes = stage
            .table(f)
            .ok_or_else(|| ResultsError::NotWritten(f.clone()))?;
        tables.push((f.clone(), bytes));
    }
    Ok(FolderTables {
        scenario: m.scenario.clone(),
        tables,
        manifest: m.clone(),
    })
}

/// The sheet of table `file` of `scenario` in a combined workbook, before uniqueness:
/// `<scenario> <table>` ([`sheet_name`] of the file), the scenario cut so that the table's
/// part stays whole within Excel's 31 characters whenever the table's part is short enough.
pub fn combined_sheet_name(scenario: &str, table: &str) -> String {
    use super::xlsx::MAX_SHEET_NAME;
    let room = MAX_SHEET_NAME.saturating_sub(table.chars().count() + 1);
    let cut = room.max(8).min(scenario.chars().count());
    let head: String = scenario.chars().take(cut).collect();
    format!("{head} {table}")
}

/// One workbook for several result folders (`run --xlsx` of more than one scenario): first an
/// `index` sheet (`sheet,scenario,file,table,selector,outcome`: where each sheet came from),
/// then per folder, in the order given, one sheet per table (`<scenario> <table>`) and its
/// manifest (`<scenario> manifest`, without [`VOLATILE_KEYS`]). Names are at most 31
/// characters and unique; one that does not fit is shortened with its table kept at the end
/// ([`Namer`]). `stop` is asked before each sheet and before the workbook is packed: `None`
/// when it said stop (a signal: `run` honours it here as between paths, D207).
pub fn build_combined(
    folders: &[FolderTables],
    stop: &dyn Fn() -> bool,
) -> Result<Option<Vec<u8>>, ResultsError> {
    let mut namer = Namer::new();
    let mut planned: Vec<(String, Option<&[u8]>, &FolderTables)> = Vec::new();
    for f in folders {
        let entries = f
            .tables
            .iter()
            .map(|(file, bytes)| (file.as_str(), Some(bytes.as_slice())))
            .chain(std::iter::once(("manifest.json", None)));
        for (file, bytes) in entries {
            let table = match bytes {
                Some(_) => sheet_name(file),
                None => "manifest".to_string(),
            };
            // Shortened, the scenario keeps the 8 characters it always kept before a
            // by-outcome folder, and is abbreviated further only when the folder is short.
            let scenario: String = f.scenario.chars().take(8).collect();
            let (prefix, head) = match xlsx_names::outcome_folder(file) {
                Some(folder) => (format!("{scenario} "), folder),
                None => (String::new(), f.scenario.as_str()),
            };
            let p = parts(file);
            let short = Short {
                prefix: &prefix,
                head,
                table: &p.table,
            };
            let preferred = combined_sheet_name(&f.scenario, &table);
            let name = namer.name(&f.scenario, file, &preferred, short);
            planned.push((name, bytes, f));
        }
    }
    let mut book = Workbook::new();
    book.add_rows(xlsx_names::INDEX, namer.index_rows())?;
    for (name, bytes, f) in planned {
        if stop() {
            return Ok(None);
        }
        match bytes {
            Some(b) => book.add_csv(&name, b)?,
            None => book.add_key_values(&name, manifest_rows(&f.manifest))?,
        };
    }
    if stop() {
        return Ok(None);
    }
    Ok(Some(book.to_bytes()?))
}

/// The rows of `csv` (with a `scenario` column) whose scenario is `scenario`, header first;
/// `None` when the table has no `scenario` column.
pub fn rows_of_scenario(csv: &[u8], scenario: &str) -> Option<Vec<u8>> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv);
    let mut records = rdr.records().map_while(Result::ok);
    let header = records.next()?;
    let col = header.iter().position(|h| h == "scenario")?;
    let mut w = super::csv::writer();
    w.write_record(&header).ok()?;
    for r in records.filter(|r| r.get(col) == Some(scenario)) {
        w.write_record(&r).ok()?;
    }
    w.into_inner().ok()
}

/// [`write`] for a comparison: the folder's sheets and manifest, then one sheet per compared
/// scenario (`<scenario>`: its rows of `compare.csv`), its totals (`<scenario> totals`: its
/// rows of `compare_totals.csv`) and its averages (`<scenario> averages`, of
/// `compare_averages.csv`), so that every scenario of the comparison has its own sheets.
pub fn write_compare(
    stage: &Staging,
    m: &mut Manifest,
    scenarios: &[&str],
) -> Result<(), ResultsError> {
    list_file(m);
    let mut extra = Vec::new();
    for sc in scenarios {
        for (file, table) in [
            ("compare.csv", "compare"),
            ("compare_totals.csv", "totals"),
            ("compare_averages.csv", "averages"),
        ] {
            let Some(bytes) = stage.table(file) else {
                continue;
            };
            if let Some(rows) = rows_of_scenario(&bytes, sc) {
                let preferred = if file == "compare.csv" {
                    sc.to_string()
                } else {
                    combined_sheet_name(sc, table)
                };
                extra.push(Extra {
                    scenario: sc.to_string(),
                    file,
                    preferred,
                    table,
                    rows,
                });
            }
        }
    }
    let book = book_of(|f| stage.table(f), m, extra)?;
    stage.write(FILE, &book.to_bytes()?)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_come_from_the_tables_given_in_manifest_order() {
        let mut m = Manifest::new();
        m.files = vec![
            "wide.csv".into(),
            "summary.csv".into(),
            "paths.csv".into(),
            "manifest.json".into(),
        ];
        let tables = |f: &str| match f {
            "summary.csv" => Some(b"a,b\n1,2\n".to_vec()),
            "wide.csv" => Some(b"c\n3\n".to_vec()),
            _ => None,
        };
        let bytes = build(tables, &m).unwrap();
        assert!(bytes.starts_with(b"PK"), "an xlsx is a zip");
        // A listed table that was never written is a bug, not an empty sheet.
        m.files.insert(0, "events.csv".into());
        let e = build(tables, &m).unwrap_err();
        assert!(e.to_string().contains("events.csv"), "{e}");
    }

    #[test]
    fn combined_names_keep_the_table_and_fit() {
        assert_eq!(
            combined_sheet_name("baseline", "summary"),
            "baseline summary"
        );
        let long = "a_scenario_name_of_forty_characters_long";
        let n = combined_sheet_name(long, "summary");
        assert!(n.chars().count() <= 31 && n.ends_with(" summary"), "{n}");
        let n = combined_sheet_name(long, "summit_pending=deal totals");
        assert!(n.starts_with("a_scenar"), "{n}");
    }

    #[test]
    fn sheet_names_of_files() {
        assert_eq!(sheet_name("summary.csv"), "summary");
        assert_eq!(sheet_name("compare_wide.csv"), "compare_wide");
        assert_eq!(
            sheet_name("by_outcome/summit_pending=deal/summary.csv"),
            "summit_pending=deal"
        );
    }

    #[test]
    fn manifest_flattened_without_timings() {
        let mut m = Manifest::new();
        m.seed = 42;
        m.wall_seconds = 1.5;
        m.threads = 8;
        m.files = vec!["summary.csv".into(), "manifest.json".into()];
        m.diagnostics.insert("solver_not_converged".into(), 0);
        m.by_outcome
            .entry("summit".into())
            .or_default()
            .insert("deal".into(), 7);
        let rows = manifest_rows(&m);
        let get = |k: &str| {
            rows.iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(
            get("seed"),
            Some(Cell::Number {
                value: 42.0,
                decimals: 0
            })
        );
        assert_eq!(get("files[1]"), Some(Cell::Text("manifest.json".into())));
        assert!(get("diagnostics.solver_not_converged").is_some());
        assert!(get("by_outcome.summit.deal").is_some());
        assert_eq!(get("tool"), Some(Cell::Text("sanctions-sim".into())));
        for k in VOLATILE_KEYS {
            assert_eq!(get(k), None, "{k}");
        }
        let mut big = Vec::new();
        flatten_json("seed", &serde_json::json!(u64::MAX), &mut big);
        assert_eq!(big[0].1, Cell::Text(u64::MAX.to_string()));
    }
}
