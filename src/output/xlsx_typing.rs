//! Typing of CSV columns for [`super::xlsx`]: ISO dates, plain decimal numbers, or text,
//! decided per column (see that module's docs).

use super::xlsx::{decimal_places, Cell, XlsxError};
use rust_xlsxwriter::ExcelDateTime;

/// `YYYY-MM-DD` with a month and day that exist (Excel dates start in 1900).
pub fn parse_iso_date(s: &str) -> Option<(u16, u8, u8)> {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' || !digits(0..4) {
        return None;
    }
    if !digits(5..7) || !digits(8..10) {
        return None;
    }
    let year: u16 = s[0..4].parse().ok()?;
    let month: u8 = s[5..7].parse().ok()?;
    let day: u8 = s[8..10].parse().ok()?;
    if year < 1900 {
        return None; // before Excel's first serial date
    }
    ExcelDateTime::from_ymd(year, month, day).ok()?;
    Some((year, month, day))
}

/// A plain decimal number as our CSV writers print it: `-?(0|[1-9][0-9]*)(\.[0-9]+)?`,
/// optionally with an exponent. Rejects what Rust's parser would also take (`inf`, `NaN`,
/// `+1`, `.5`) and leading zeros (`007` is an identifier, not seven).
pub fn parse_plain_number(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_len = i - int_start;
    if int_len == 0 || (int_len > 1 && b[int_start] == b'0') {
        return None;
    }
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == frac_start {
            return None;
        }
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok().filter(|x| x.is_finite())
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ColumnType {
    Date,
    Number,
    Text,
}

fn column_type<'a>(values: impl Iterator<Item = &'a str>) -> ColumnType {
    let (mut dates, mut numbers, mut any) = (true, true, false);
    for v in values.filter(|v| !v.is_empty()) {
        any = true;
        dates = dates && parse_iso_date(v).is_some();
        numbers = numbers && parse_plain_number(v).is_some();
        if !dates && !numbers {
            return ColumnType::Text;
        }
    }
    match (any, dates, numbers) {
        (false, _, _) => ColumnType::Text,
        (true, true, _) => ColumnType::Date,
        (true, false, true) => ColumnType::Number,
        _ => ColumnType::Text,
    }
}

/// Types a CSV table column by column (see the module docs). The first record is the header.
pub fn typed_rows(sheet: &str, csv_bytes: &[u8]) -> Result<Vec<Vec<Cell>>, XlsxError> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_bytes);
    let mut records: Vec<Vec<String>> = Vec::new();
    for r in rdr.records() {
        let r = r.map_err(|e| XlsxError::BadCsv {
            sheet: sheet.to_string(),
            message: e.to_string(),
        })?;
        records.push(r.iter().map(str::to_string).collect());
    }
    let cols = records.iter().map(Vec::len).max().unwrap_or(0);
    let body = records.get(1..).unwrap_or(&[]);
    let types: Vec<ColumnType> = (0..cols)
        .map(|c| column_type(body.iter().filter_map(|r| r.get(c)).map(String::as_str)))
        .collect();
    // A column is formatted as a whole, with the places of its most precise value.
    let decimals: Vec<u8> = (0..cols)
        .map(|c| {
            body.iter()
                .filter_map(|r| r.get(c))
                .map(|v| decimal_places(v))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut rows = Vec::with_capacity(records.len());
    for (i, rec) in records.into_iter().enumerate() {
        let row = rec
            .into_iter()
            .enumerate()
            .map(|(c, v)| {
                if i == 0 {
                    return Cell::Text(v);
                }
                if v.is_empty() {
                    return Cell::Empty;
                }
                match types[c] {
                    ColumnType::Date => {
                        let (year, month, day) = parse_iso_date(&v).expect("typed as a date");
                        Cell::Date { year, month, day }
                    }
                    ColumnType::Number => Cell::Number {
                        value: parse_plain_number(&v).expect("typed as a number"),
                        decimals: decimals[c],
                    },
                    ColumnType::Text => Cell::Text(v),
                }
            })
            .collect();
        rows.push(row);
    }
    Ok(rows)
}
