//! Reading a `summary.csv` back (docs/outputs.md §3): either dialect, detected from the
//! header, and only the statistics asked for, so that a large file costs little memory.

use super::ShowError;
use crate::output::csv::BAND_COLUMNS;
use crate::output::dialect::CsvDialect;
use crate::output::xlsx_typing::parse_plain_number;
use crate::policy::calendar::{Date, MonthIdx};
use std::collections::BTreeMap;

/// The columns every `summary.csv` starts with.
const LEAD: [&str; 4] = ["scenario", "date", "variable", "unit"];

/// The columns that make a table a comparison's `compare.csv` (walkthrough 10 #14): its rows
/// are the bands of the per-path difference `scenario − baseline`.
const COMPARE_MARKS: [&str; 2] = ["baseline", "mean_diff"];

/// The column of `compare.csv` that holds statistic `stat` of [`BAND_COLUMNS`] for the
/// difference (`p10` → `p10_diff`), or `None` for one it does not keep (`sd`, `mc_se_p50`).
fn compare_column(stat: &str) -> Option<String> {
    match stat {
        "sd" | "mc_se_p50" => None,
        s => Some(format!("{s}_diff")),
    }
}

/// Whether a table's header line is that of a comparison's `compare.csv`.
pub fn is_compare(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let first = String::from_utf8_lossy(first);
    let cols: Vec<&str> = first.split([',', ';']).map(str::trim).collect();
    COMPARE_MARKS.iter().all(|m| cols.contains(m))
}

/// One scenario's rows of a `summary.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct Bands {
    /// The `scenario` column.
    pub scenario: String,
    /// The months of its rows, ascending, each once.
    pub months: Vec<MonthIdx>,
    /// Variable names and units, in the order of the file's rows.
    pub vars: Vec<(String, String)>,
    /// Variable name → its index in `vars`.
    index: BTreeMap<String, usize>,
    /// `(variable index, month)` → the row's values of the statistics read, in their order.
    cells: BTreeMap<(usize, MonthIdx), Vec<Option<f64>>>,
}

impl Bands {
    /// The index of variable `name`.
    pub fn var(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    /// Statistic `k` (its place in the list read) of variable `v` in `month`; `None` for an
    /// empty cell or a month the file does not have.
    pub fn value(&self, v: usize, month: MonthIdx, k: usize) -> Option<f64> {
        self.cells.get(&(v, month)).and_then(|row| row[k])
    }
}

/// A `summary.csv` as read: which file (for messages), its dialect and its scenarios.
#[derive(Debug, Clone, PartialEq)]
pub struct SummaryFile {
    /// The file as named in messages.
    pub file: String,
    pub dialect: CsvDialect,
    /// The statistics read (indices into [`BAND_COLUMNS`]), in the order of
    /// [`Bands::value`]'s `k`.
    pub stats: Vec<usize>,
    /// The scenarios of its rows, in the order they first appear (one for a run's file).
    /// In a comparison's `compare.csv`, one per compared scenario, named
    /// `<scenario> - <baseline>`, whose bands are those of the difference.
    pub scenarios: Vec<Bands>,
    /// Whether the file is a comparison's `compare.csv` (bands of differences).
    pub difference: bool,
}

impl SummaryFile {
    /// The first and last month of the file.
    pub fn span(&self) -> Option<(MonthIdx, MonthIdx)> {
        let all = self.scenarios.iter().flat_map(|b| b.months.iter().copied());
        let (lo, hi) = all.fold((MonthIdx::MAX, MonthIdx::MIN), |(lo, hi), m| {
            (lo.min(m), hi.max(m))
        });
        (lo <= hi).then_some((lo, hi))
    }
}

/// The dialect of a `summary.csv` from its header line: `;`-separated is `excel-eu`.
pub fn detect(header: &str) -> CsvDialect {
    if header.contains(';') && !header.contains(',') {
        CsvDialect::ExcelEu
    } else {
        CsvDialect::Default
    }
}

/// Reads the bytes of the `summary.csv` named `file`, keeping the statistics `stats`
/// (indices into [`BAND_COLUMNS`]) of every row.
pub fn parse(file: &str, bytes: &[u8], stats: &[usize]) -> Result<SummaryFile, ShowError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bad = |line: u64, what: String| ShowError::Malformed {
        file: file.to_string(),
        line,
        what,
    };
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let Ok(first) = std::str::from_utf8(first) else {
        return Err(bad(1, "the header is not UTF-8 text".into()));
    };
    let dialect = detect(first);
    let sep = if dialect == CsvDialect::ExcelEu {
        b';'
    } else {
        b','
    };
    let mut rdr = ::csv::ReaderBuilder::new()
        .delimiter(sep)
        .has_headers(false)
        .from_reader(bytes);
    let mut records = rdr.byte_records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => return Err(bad(1, e.to_string())),
        None => return Err(bad(1, "the file is empty".into())),
    };
    let header: Vec<String> = header
        .iter()
        .map(|f| String::from_utf8_lossy(f).trim().to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name);
    let difference = COMPARE_MARKS.iter().all(|m| col(m).is_some());
    let baseline_col = col("baseline");
    let lead: Vec<usize> = LEAD.iter().filter_map(|n| col(n)).collect();
    if lead.len() < LEAD.len() {
        return Err(ShowError::NotSummary {
            file: file.to_string(),
            header: header.iter().take(6).cloned().collect::<Vec<_>>().join(","),
        });
    }
    let mut stat_cols = Vec::with_capacity(stats.len());
    for &k in stats {
        let found = match difference {
            true => compare_column(BAND_COLUMNS[k]).and_then(|c| col(&c)),
            false => col(BAND_COLUMNS[k]),
        };
        match found {
            Some(c) => stat_cols.push(c),
            None if difference => {
                let have: Vec<&str> = BAND_COLUMNS
                    .iter()
                    .filter(|s| compare_column(s).is_some_and(|c| col(&c).is_some()))
                    .copied()
                    .collect();
                return Err(ShowError::MissingStat {
                    file: file.to_string(),
                    stat: BAND_COLUMNS[k],
                    have: format!(
                        "{} (of the difference scenario − baseline)",
                        have.join(", ")
                    ),
                });
            }
            None => {
                return Err(ShowError::MissingStat {
                    file: file.to_string(),
                    stat: BAND_COLUMNS[k],
                    have: header[4..].join(", "),
                })
            }
        }
    }
    let mut scenarios: Vec<Bands> = Vec::new();
    let mut line = 1;
    for rec in records {
        let rec = rec.map_err(|e| {
            let at = e.position().map_or(line + 1, |p| p.line());
            bad(at, e.to_string())
        })?;
        line = rec.position().map_or(line + 1, |p| p.line());
        let field = |c: usize| -> Result<&str, ShowError> {
            std::str::from_utf8(&rec[c])
                .map(str::trim)
                .map_err(|_| bad(line, format!("column `{}` is not UTF-8 text", header[c])))
        };
        let own = field(lead[0])?;
        // A comparison's rows: the difference of the scenario against its baseline.
        let shown;
        let scenario = match baseline_col.filter(|_| difference) {
            Some(c) => {
                shown = format!("{own} - {}", field(c)?);
                shown.as_str()
            }
            None => own,
        };
        let date = field(lead[1])?;
        let month = Date::parse(date)
            .map_err(|e| bad(line, format!("column `date`: {e}")))?
            .month;
        let (name, unit) = (field(lead[2])?, field(lead[3])?);
        let mut values = Vec::with_capacity(stat_cols.len());
        for &c in &stat_cols {
            values.push(number(field(c)?, dialect).map_err(|()| {
                bad(
                    line,
                    format!(
                        "column `{}`: `{}` is not a number",
                        header[c],
                        field(c).unwrap_or("")
                    ),
                )
            })?);
        }
        let b = match scenarios.iter().position(|b| b.scenario == scenario) {
            Some(i) => &mut scenarios[i],
            None => {
                scenarios.push(Bands {
                    scenario: scenario.to_string(),
                    months: Vec::new(),
                    vars: Vec::new(),
                    index: BTreeMap::new(),
                    cells: BTreeMap::new(),
                });
                scenarios.last_mut().expect("just pushed")
            }
        };
        let v = match b.var(name) {
            Some(v) => v,
            None => {
                b.vars.push((name.to_string(), unit.to_string()));
                b.index.insert(name.to_string(), b.vars.len() - 1);
                b.vars.len() - 1
            }
        };
        if b.cells.insert((v, month), values).is_some() {
            return Err(bad(
                line,
                format!("a second row for `{name}` in {date} of scenario `{scenario}`"),
            ));
        }
        if let Err(i) = b.months.binary_search(&month) {
            b.months.insert(i, month);
        }
    }
    if scenarios.is_empty() {
        return Err(bad(line, "the file has a header but no rows".into()));
    }
    Ok(SummaryFile {
        file: file.to_string(),
        dialect,
        stats: stats.to_vec(),
        scenarios,
        difference,
    })
}

/// A cell: empty is `None`; `excel-eu` writes `,` as the decimal mark. Only plain decimal
/// numbers are read (`NaN`, `inf` are refused, never shown as numbers).
fn number(s: &str, dialect: CsvDialect) -> Result<Option<f64>, ()> {
    if s.is_empty() {
        return Ok(None);
    }
    let x = match dialect {
        CsvDialect::ExcelEu => parse_plain_number(&s.replacen(',', ".", 1)),
        CsvDialect::Default => parse_plain_number(s),
    };
    x.filter(|x| x.is_finite()).map(Some).ok_or(())
}
