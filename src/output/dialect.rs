//! `--csv-dialect`: the CSV files as written for a spreadsheet under a decimal-comma locale.
//!
//! [`CsvDialect::Default`] is what every exporter produces (`,`-separated, `.` decimal mark)
//! and is written untouched. [`CsvDialect::ExcelEu`] rewrites those bytes when they go to
//! disk: fields separated by `;`, and a field that is a plain decimal number (`-12.5000`) gets
//! `,` as its decimal mark (`-12,5000`). Dates (`2026-01-01`), integers, names, units and empty
//! cells are unchanged; a text field holding `;` or `"` is quoted. Excel and LibreOffice
//! under a German, French, Italian or Spanish locale open such a file with numbers as numbers
//! and dates as dates (`tests/spreadsheet.rs` checks LibreOffice under German).
//!
//! The conversion is a pure function of the default bytes, so the two dialects hold the same
//! values, and the tables a result folder keeps in memory (for `results.xlsx` and
//! `report.html`) stay in the default dialect.

/// How CSV files are written (`--csv-dialect`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
// The variants carry no doc comments: clap would list them with their help under the flag,
// which switches the whole `--help` page to its long layout. The flag's own help says what
// each value means.
pub enum CsvDialect {
    // `,`-separated, `.` as decimal mark (RFC 4180; the default).
    #[default]
    Default,
    // `;`-separated, `,` as decimal mark, dates ISO: for Excel or LibreOffice under a
    // decimal-comma locale (German, French, ...).
    #[value(name = "excel-eu")]
    ExcelEu,
}

impl CsvDialect {
    /// The name given on the command line and recorded in `manifest.json`.
    pub fn as_str(self) -> &'static str {
        match self {
            CsvDialect::Default => "default",
            CsvDialect::ExcelEu => "excel-eu",
        }
    }

    /// `bytes` (a CSV file in the default dialect) in this dialect.
    pub fn convert(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            CsvDialect::Default => bytes.to_vec(),
            CsvDialect::ExcelEu => excel_eu(bytes),
        }
    }
}

/// `-?[0-9]+\.[0-9]+`: a number as our exporters write it, with a decimal mark to swap.
fn is_decimal(field: &str) -> bool {
    let digits = field.strip_prefix('-').unwrap_or(field);
    let Some((int, frac)) = digits.split_once('.') else {
        return false;
    };
    let all = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    all(int) && all(frac)
}

fn excel_eu(bytes: &[u8]) -> Vec<u8> {
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(bytes);
    let mut w = ::csv::WriterBuilder::new()
        .delimiter(b';')
        .terminator(::csv::Terminator::Any(b'\n'))
        .flexible(true)
        .from_writer(Vec::new());
    for rec in rdr.records() {
        // Our own exporters' bytes always parse; keep a file that does not as it was.
        let Ok(rec) = rec else {
            return bytes.to_vec();
        };
        let fields: Vec<String> = rec
            .iter()
            .map(|f| {
                if is_decimal(f) {
                    f.replacen('.', ",", 1)
                } else {
                    f.to_string()
                }
            })
            .collect();
        if w.write_record(&fields).is_err() {
            return bytes.to_vec();
        }
    }
    w.into_inner().unwrap_or_else(|_| bytes.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_eu_swaps_separator_and_decimal_mark_only() {
        let src = b"scenario,date,variable,unit,mean,n\n\
                    baseline,2026-01-01,brent_usd_bbl,USD/bbl,-81.2345,100\n\
                    a;b,2026-02-01,x.y,1.2.3,,0.0000\n";
        let out = CsvDialect::ExcelEu.convert(src);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "scenario;date;variable;unit;mean;n\n\
             baseline;2026-01-01;brent_usd_bbl;USD/bbl;-81,2345;100\n\
             \"a;b\";2026-02-01;x.y;1.2.3;;0,0000\n"
        );
        assert_eq!(CsvDialect::Default.convert(src), src.to_vec());
    }

    #[test]
    fn decimals_recognised() {
        for yes in ["1.5", "-0.0001", "15234567890.1234"] {
            assert!(is_decimal(yes), "{yes}");
        }
        for no in [
            "",
            "1",
            ".5",
            "1.",
            "1.2.3",
            "2026-01-01",
            "1e5",
            "-",
            "a.b",
            "+1.5",
        ] {
            assert!(!is_decimal(no), "{no}");
        }
    }
}
