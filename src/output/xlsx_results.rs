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
/// tables `by_outcome/<node>=<outcome>/totals.csv` → `<node>=<outcome> totals`.
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
                    decimals: !(n.is_u64() || n.is_i64()),
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
/// [`NO_SHEET`]), its bytes given by `table(file)`, then the `manifest` sheet.
pub fn build(
    table: impl Fn(&str) -> Option<Vec<u8>>,
    m: &Manifest,
) -> Result<Vec<u8>, ResultsError> {
    let mut book = Workbook::new();
    for f in &m.files {
        if !f.ends_with(".csv") || NO_SHEET.contains(&f.as_str()) {
            continue;
        }
        let bytes = table(f).ok_or_else(|| ResultsError::NotWritten(f.clone()))?;
        book.add_csv(&sheet_name(f), &bytes)?;
    }
    book.add_key_values("manifest", manifest_rows(m))?;
    Ok(book.to_bytes()?)
}

/// Lists [`FILE`] in `m.files` (before `manifest.json`) and writes it into the staging folder.
/// Call it after every CSV file is staged and listed, just before `manifest.json` is written.
pub fn write(stage: &Staging, m: &mut Manifest) -> Result<(), ResultsError> {
    if !m.files.iter().any(|f| f == FILE) {
        let at = m
            .files
            .iter()
            .position(|f| f == "manifest.json")
            .unwrap_or(m.files.len());
        m.files.insert(at, FILE.to_string());
    }
    let bytes = build(|f| stage.table(f), m)?;
    stage.write(FILE, &bytes)?;
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
                decimals: false
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
