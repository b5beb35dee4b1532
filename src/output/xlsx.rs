//! A reusable Excel workbook builder: one sheet per table, from the bytes our CSV writers
//! already produce, so the workbook can never disagree with the CSV files next to it.
//!
//! Each CSV column is typed as a whole (never cell by cell, so a text column such as a node id
//! never turns into a mix of numbers and text): a column whose non-empty cells are all ISO
//! dates `YYYY-MM-DD` becomes real Excel dates shown as `yyyy-mm-dd`; one whose non-empty
//! cells are all plain decimal numbers (`-12.5`, `80.0000`, `3`, no leading zeros, no `inf`)
//! becomes numbers; anything else stays text. Empty cells stay empty. Numbers keep their exact
//! value; columns with decimals show four, like the CSV files. Every sheet gets a bold, frozen
//! header row and column widths from the longest entry.
//!
//! The bytes are reproducible: the document creation time is pinned to [`CREATION_TIME`]
//! (rust_xlsxwriter already writes every zip entry with the fixed 1980-01-01 timestamp), so
//! the same tables give the same file.
//!
//! Adding a sheet from another command is one call:
//! `book.add_csv("sensitivity", &sensitivity_csv_bytes)?`.

use rust_xlsxwriter::{DocProperties, ExcelDateTime, Format, Workbook as XlsxBook};

pub use super::xlsx_typing::{parse_iso_date, parse_plain_number, typed_rows};

/// Creation time written into every workbook, `(year, month, day)` at 00:00:00 UTC: the start
/// of the zip epoch, so that no part of the file depends on when it was written.
pub const CREATION_TIME: (u16, u8, u8) = (1980, 1, 1);

/// Excel's limits (rows including the header, columns, characters in a cell, sheet name).
pub const MAX_ROWS: usize = 1_048_576;
pub const MAX_COLS: usize = 16_384;
pub const MAX_CELL_CHARS: usize = 32_767;
pub const MAX_SHEET_NAME: usize = 31;

/// Column widths in characters: never narrower than a date, never wider than this.
const MIN_WIDTH: usize = 10;
const MAX_WIDTH: usize = 60;

/// Most decimal places a number format shows (Excel keeps 15 significant digits).
pub const MAX_DECIMALS: u8 = 15;

/// Places to show for numbers written like `text` (a plain decimal or JSON number): 0 for an
/// integer (General format), else at least 4 and as many as its fraction has, at most
/// [`MAX_DECIMALS`].
pub fn decimal_places(text: &str) -> u8 {
    let Some(dot) = text.find('.') else {
        return 0;
    };
    let frac = text[dot + 1..]
        .bytes()
        .take_while(u8::is_ascii_digit)
        .count();
    (frac.min(usize::from(MAX_DECIMALS)) as u8).max(4)
}

/// One typed cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    /// A number shown with `decimals` places (`0.0000` for 4), or `General` for 0. Columns
    /// typed from CSV get at least 4 when any value has a decimal point, and as many as the
    /// most precise value has ([`decimal_places`]), so a `0.00001` threshold does not read
    /// `0.0000`.
    Number {
        value: f64,
        decimals: u8,
    },
    /// A calendar date.
    Date {
        year: u16,
        month: u8,
        day: u8,
    },
    Text(String),
}

impl Cell {
    /// Characters the cell shows, for the column width.
    fn shown_len(&self) -> usize {
        match self {
            Cell::Empty => 0,
            Cell::Number { value, decimals } => {
                if *decimals > 0 {
                    format!("{value:.p$}", p = usize::from(*decimals)).len()
                } else {
                    format!("{value}").len()
                }
            }
            Cell::Date { .. } => 10,
            Cell::Text(s) => s.chars().count(),
        }
    }
}

/// Why a workbook could not be built.
#[derive(Debug, thiserror::Error)]
pub enum XlsxError {
    #[error("sheet `{sheet}`: the table is not valid CSV: {message}")]
    BadCsv { sheet: String, message: String },
    #[error(
        "sheet `{sheet}` would have {rows} rows (header included); Excel allows at most \
         {MAX_ROWS}: use the CSV file instead"
    )]
    TooManyRows { sheet: String, rows: usize },
    #[error(
        "sheet `{sheet}` would have {cols} columns; Excel allows at most {MAX_COLS}: \
         use the CSV file instead"
    )]
    TooManyColumns { sheet: String, cols: usize },
    #[error(
        "sheet `{sheet}`: a cell has {chars} characters; Excel allows at most {MAX_CELL_CHARS}"
    )]
    CellTooLong { sheet: String, chars: usize },
    #[error("could not build the workbook: {0}")]
    Writer(String),
}

fn writer_err(e: rust_xlsxwriter::XlsxError) -> XlsxError {
    XlsxError::Writer(e.to_string())
}

/// One sheet: its name and rows, the first row being the header.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<Vec<Cell>>,
}

/// The workbook under construction; see the module docs.
#[derive(Debug, Clone, Default)]
pub struct Workbook {
    sheets: Vec<Sheet>,
}

/// Replaces what Excel forbids in a sheet name (`[]:*?/\`, a leading or trailing `'`) and
/// shortens it to [`MAX_SHEET_NAME`] characters; an empty name becomes `sheet`.
pub fn clean_sheet_name(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(MAX_SHEET_NAME)
        .collect();
    if s.starts_with('\'') {
        s.replace_range(0..1, "_");
    }
    if s.ends_with('\'') {
        s.pop();
        s.push('_');
    }
    if s.is_empty() {
        s = "sheet".into();
    }
    s
}

/// The name [`Workbook`] gives a sheet called `name` when the sheets `taken` exist: `name`
/// cleaned ([`clean_sheet_name`]), else with `~2`, `~3`, … at the end (Excel compares sheet
/// names case-insensitively). Lets a caller know every name before adding the sheets.
pub fn unique_sheet_name(taken: &[&str], name: &str) -> String {
    let base = clean_sheet_name(name);
    let is_taken = |n: &str| taken.iter().any(|t| t.eq_ignore_ascii_case(n));
    if !is_taken(&base) {
        return base;
    }
    (2..)
        .map(|k| {
            let suffix = format!("~{k}");
            let keep = MAX_SHEET_NAME - suffix.len();
            format!("{}{suffix}", base.chars().take(keep).collect::<String>())
        })
        .find(|n| !is_taken(n))
        .expect("an unused suffix exists")
}

impl Workbook {
    pub fn new() -> Workbook {
        Workbook::default()
    }

    /// The sheets added so far, in order.
    pub fn sheets(&self) -> &[Sheet] {
        &self.sheets
    }

    /// A name not yet taken (Excel compares sheet names case-insensitively): `name` cleaned,
    /// else with `~2`, `~3`, … at the end.
    fn unique_name(&self, name: &str) -> String {
        let taken: Vec<&str> = self.sheets.iter().map(|s| s.name.as_str()).collect();
        unique_sheet_name(&taken, name)
    }

    /// Adds a sheet of typed rows (first row: header) and returns the name it got.
    pub fn add_rows(&mut self, name: &str, rows: Vec<Vec<Cell>>) -> Result<String, XlsxError> {
        let name = self.unique_name(name);
        if rows.len() > MAX_ROWS {
            return Err(XlsxError::TooManyRows {
                sheet: name,
                rows: rows.len(),
            });
        }
        let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols > MAX_COLS {
            return Err(XlsxError::TooManyColumns { sheet: name, cols });
        }
        for c in rows.iter().flatten() {
            if let Cell::Text(s) = c {
                let chars = s.chars().count();
                if chars > MAX_CELL_CHARS {
                    return Err(XlsxError::CellTooLong { sheet: name, chars });
                }
            }
        }
        self.sheets.push(Sheet {
            name: name.clone(),
            rows,
        });
        Ok(name)
    }

    /// Adds a sheet from CSV bytes (header first), typing each column; returns its name.
    pub fn add_csv(&mut self, name: &str, csv_bytes: &[u8]) -> Result<String, XlsxError> {
        let rows = typed_rows(name, csv_bytes)?;
        self.add_rows(name, rows)
    }

    /// Adds a two-column `key,value` sheet; returns its name.
    pub fn add_key_values(
        &mut self,
        name: &str,
        pairs: Vec<(String, Cell)>,
    ) -> Result<String, XlsxError> {
        let mut rows = vec![vec![Cell::Text("key".into()), Cell::Text("value".into())]];
        rows.extend(pairs.into_iter().map(|(k, v)| vec![Cell::Text(k), v]));
        self.add_rows(name, rows)
    }

    /// The `.xlsx` file. Same sheets in, same bytes out.
    pub fn to_bytes(&self) -> Result<Vec<u8>, XlsxError> {
        let mut book = XlsxBook::new();
        let (y, m, d) = CREATION_TIME;
        let created = ExcelDateTime::from_ymd(y, m, d).map_err(writer_err)?;
        book.set_properties(&DocProperties::new().set_creation_datetime(&created));
        let header = Format::new().set_bold();
        let date = Format::new().set_num_format("yyyy-mm-dd");
        // `fixed[p]`: p decimal places; `fixed[0]` is General.
        let fixed: Vec<Format> = (0..=MAX_DECIMALS)
            .map(|p| match p {
                0 => Format::new(),
                p => Format::new().set_num_format(format!("0.{}", "0".repeat(usize::from(p)))),
            })
            .collect();
        for sheet in &self.sheets {
            let ws = book.add_worksheet();
            ws.set_name(&sheet.name).map_err(writer_err)?;
            let mut widths: Vec<usize> = Vec::new();
            for (r, row) in sheet.rows.iter().enumerate() {
                let r32 = r as u32; // < MAX_ROWS, checked in add_rows
                for (c, cell) in row.iter().enumerate() {
                    let c16 = c as u16; // < MAX_COLS, checked in add_rows
                    if widths.len() <= c {
                        widths.resize(c + 1, 0);
                    }
                    widths[c] = widths[c].max(cell.shown_len());
                    match cell {
                        Cell::Empty => {}
                        Cell::Text(s) if r == 0 => {
                            ws.write_string_with_format(r32, c16, s, &header)
                                .map_err(writer_err)?;
                        }
                        Cell::Text(s) => {
                            ws.write_string(r32, c16, s).map_err(writer_err)?;
                        }
                        Cell::Number { value, decimals } => {
                            let f = &fixed[usize::from((*decimals).min(MAX_DECIMALS))];
                            ws.write_number_with_format(r32, c16, *value, f)
                                .map_err(writer_err)?;
                        }
                        Cell::Date { year, month, day } => {
                            let dt =
                                ExcelDateTime::from_ymd(*year, *month, *day).map_err(writer_err)?;
                            ws.write_datetime_with_format(r32, c16, &dt, &date)
                                .map_err(writer_err)?;
                        }
                    }
                }
            }
            for (c, w) in widths.iter().enumerate() {
                // +2: bold header text is wider than the same text in plain cells.
                let w = (w + 2).clamp(MIN_WIDTH, MAX_WIDTH);
                ws.set_column_width(c as u16, w as f64)
                    .map_err(writer_err)?;
            }
            ws.set_freeze_panes(1, 0).map_err(writer_err)?;
        }
        if self.sheets.is_empty() {
            // A workbook needs a sheet; an empty one says so rather than failing.
            book.add_worksheet();
        }
        book.save_to_buffer().map_err(writer_err)
    }
}

#[cfg(test)]
#[path = "xlsx_tests.rs"]
mod tests;
