//! The one result-folder builder that `run`, `merge`, `compare` and `sensitivity` use: each
//! command stages its own tables and files in order, and [`ResultFolder::finish`] does what
//! every result folder shares, in one fixed order:
//!
//! 1. the files the command wrote, in the order written (each listed in `manifest.json`);
//! 2. `report.html` listed (unless `--no-report`), then the audit files ([`ResultFolder::audit`],
//!    e.g. `paths.csv`);
//! 3. `results.xlsx` (with `--xlsx`), built from the listed CSV files;
//! 4. `report.html` written (its manifest block already lists everything);
//! 5. `manifest.json`, then the rename into place ([`Staging::commit`]).
//!
//! Charts are skipped under `--no-charts` by [`ResultFolder::charts`]. A file that every result
//! folder gets is added here, once.

use super::charts::ChartFile;
use super::dialect::CsvDialect;
use super::files::{OutputError, Staging};
use super::manifest::{to_json, Manifest};
use super::report::Report;
use super::xlsx_results::{FolderTables, ResultsError};
use std::path::PathBuf;

/// The HTML report of a result folder.
pub const REPORT: &str = "report.html";
/// The manifest, always the last file listed and the last written.
pub const MANIFEST: &str = "manifest.json";

/// What a result folder holds besides its tables (from `--no-charts`, `--xlsx`, `--no-report`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Contents {
    /// Charts; off under `--no-charts`.
    pub charts: bool,
    /// `results.xlsx`; on under `--xlsx`.
    pub xlsx: bool,
    /// `report.html`; off under `--no-report` (and for `sensitivity`, which has none).
    pub report: bool,
}

/// How `results.xlsx` is laid out.
#[derive(Debug, Clone, Default)]
pub enum Workbook {
    /// One sheet per listed table and the manifest.
    #[default]
    Tables,
    /// A comparison: as [`Workbook::Tables`], then each compared scenario's own rows.
    Compare(Vec<String>),
}

/// Builds the report page from the tables kept for it and the manifest's JSON text.
pub type ReportPage<'a> = &'a dyn Fn(&[(&str, &[u8])], &str) -> Report;

/// A result folder being staged: what was written, in order, and the tables kept for
/// `report.html`.
pub struct ResultFolder {
    stage: Staging,
    contents: Contents,
    workbook: Workbook,
    files: Vec<String>,
    audit: Vec<String>,
    report_tables: Vec<(String, Vec<u8>)>,
}

impl ResultFolder {
    pub fn new(stage: Staging, contents: Contents) -> ResultFolder {
        ResultFolder {
            stage,
            contents,
            workbook: Workbook::Tables,
            files: Vec::new(),
            audit: Vec::new(),
            report_tables: Vec::new(),
        }
    }

    /// Lays `results.xlsx` out as `w` (default: [`Workbook::Tables`]).
    pub fn workbook(mut self, w: Workbook) -> ResultFolder {
        self.workbook = w;
        self
    }

    pub fn contents(&self) -> Contents {
        self.contents
    }

    pub fn csv_dialect(&self) -> CsvDialect {
        self.stage.csv_dialect()
    }

    /// Writes and lists `path` (`/`-separated for a sub-folder, e.g.
    /// `by_outcome/<node>=<outcome>/summary.csv`).
    pub fn file(&mut self, path: &str, bytes: &[u8]) -> Result<(), OutputError> {
        match path.rsplit_once('/') {
            Some((sub, name)) => self.stage.write_in(sub, name, bytes)?,
            None => self.stage.write(path, bytes)?,
        }
        self.files.push(path.to_string());
        Ok(())
    }

    /// [`ResultFolder::file`] for a top-level table that `report.html` reads.
    pub fn table(&mut self, name: &str, bytes: Vec<u8>) -> Result<(), OutputError> {
        self.file(name, &bytes)?;
        self.report_tables.push((name.to_string(), bytes));
        Ok(())
    }

    /// Writes and lists `charts` in the sub-folder `dir`, unless charts are off.
    pub fn charts(&mut self, dir: &str, charts: &[ChartFile]) -> Result<(), OutputError> {
        if self.contents.charts {
            for f in charts {
                self.file(&format!("{dir}/{}", f.name), &f.bytes)?;
            }
        }
        Ok(())
    }

    /// Writes and lists an audit file (e.g. `paths.csv`): listed after `report.html`.
    pub fn audit(&mut self, name: &str, bytes: &[u8]) -> Result<(), OutputError> {
        self.stage.write(name, bytes)?;
        self.audit.push(name.to_string());
        Ok(())
    }

    /// Completes the manifest (`files`, `csv_dialect`), writes `results.xlsx`, `report.html`
    /// (from `page`, when the report is on) and `manifest.json`, and renames the folder into
    /// place. With `collect`, the folder's tables are added to it for a combined workbook.
    pub fn finish(
        self,
        mut m: Manifest,
        page: Option<ReportPage>,
        collect: Option<&mut Vec<FolderTables>>,
    ) -> Result<PathBuf, ResultsError> {
        let stage = self.stage;
        let report = self.contents.report && page.is_some();
        m.files = self.files;
        if report {
            m.files.push(REPORT.into());
        }
        m.files.extend(self.audit);
        m.files.push(MANIFEST.into());
        let d = stage.csv_dialect();
        m.csv_dialect = (d != CsvDialect::Default).then(|| d.as_str().to_string());
        if self.contents.xlsx {
            match &self.workbook {
                Workbook::Tables => super::xlsx_results::write(&stage, &mut m)?,
                Workbook::Compare(names) => {
                    let names: Vec<&str> = names.iter().map(String::as_str).collect();
                    super::xlsx_results::write_compare(&stage, &mut m, &names)?
                }
            }
        }
        if let (true, Some(page)) = (report, page) {
            let tables: Vec<(&str, &[u8])> = self
                .report_tables
                .iter()
                .map(|(f, b)| (f.as_str(), b.as_slice()))
                .collect();
            let p = page(&tables, &String::from_utf8_lossy(&to_json(&m)));
            stage.write(REPORT, super::report::render(&p).as_bytes())?;
        }
        if let Some(c) = collect {
            c.push(super::xlsx_results::folder_tables(&stage, &m)?);
        }
        stage.write(MANIFEST, &to_json(&m))?;
        Ok(stage.commit()?)
    }
}

#[cfg(test)]
#[path = "folder_tests.rs"]
mod tests;
