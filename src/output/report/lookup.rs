//! Reading a result folder's CSV bytes back for `report.html`: rows by column name, and one
//! row's cell by key columns, with the source the page links each number to.

use super::content::CsvFile;
use super::{Cell, Source};

/// Rows of a CSV file as `column → value` maps, in file order.
pub(super) fn rows(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = ::csv::ReaderBuilder::new().from_reader(bytes);
    let header: Vec<String> = r
        .headers()
        .map(|h| h.iter().map(str::to_string).collect())
        .unwrap_or_default();
    let rows = r
        .records()
        .filter_map(Result::ok)
        .map(|rec| rec.iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

/// Looks up rows of one CSV file by key columns.
pub(super) struct Lookup<'a> {
    file: &'a str,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl<'a> Lookup<'a> {
    pub(super) fn new(f: CsvFile<'a>) -> Lookup<'a> {
        let (header, rows) = rows(f.1);
        Lookup {
            file: f.0,
            header,
            rows,
        }
    }

    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    fn find(&self, key: &[(&str, &str)]) -> Option<&Vec<String>> {
        let idx: Vec<(usize, &str)> = key
            .iter()
            .map(|(k, v)| self.col(k).map(|i| (i, *v)))
            .collect::<Option<_>>()?;
        self.rows.iter().find(|r| {
            idx.iter()
                .all(|(i, v)| r.get(*i).map(String::as_str) == Some(*v))
        })
    }

    /// The cell `col` of the row matching `key`, with its source.
    pub(super) fn cell(&self, key: &[(&str, &str)], col: &str) -> Cell {
        let text = self
            .find(key)
            .and_then(|r| self.col(col).and_then(|c| r.get(c)).cloned())
            .unwrap_or_default();
        Cell {
            text,
            source: Some(Source {
                file: self.file.to_string(),
                key: key
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                col: col.to_string(),
            }),
        }
    }

    /// `(by, of)` of every row whose `key` column is `value`, in file order: one pass.
    pub(super) fn pairs(&self, key: &str, value: &str, by: &str, of: &str) -> Vec<(&str, &str)> {
        let (Some(k), Some(b), Some(o)) = (self.col(key), self.col(by), self.col(of)) else {
            return Vec::new();
        };
        self.rows
            .iter()
            .filter(|r| r.get(k).map(String::as_str) == Some(value))
            .filter_map(|r| Some((r.get(b)?.as_str(), r.get(o)?.as_str())))
            .collect()
    }

    pub(super) fn values(&self, col: &str) -> Vec<String> {
        let Some(c) = self.col(col) else {
            return Vec::new();
        };
        let mut v: Vec<String> = Vec::new();
        for r in &self.rows {
            if let Some(x) = r.get(c) {
                if !v.contains(x) {
                    v.push(x.clone());
                }
            }
        }
        v
    }
}
