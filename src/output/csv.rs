//! `summary.csv` (tidy, long) and `wide.csv` (one row a month) from a [`Summary`].
//!
//! The files are meant to open as numbers and dates in any spreadsheet and to be byte-identical
//! for identical runs: UTF-8 without BOM, `\n` line ends, a header row, dates `YYYY-MM-01`,
//! numbers with exactly four decimals, `.` as decimal mark, no thousands separators, never
//! `-0.0000`, and an empty cell for a statistic that does not exist (NaN, ±inf, or a cell that
//! had no finite value). `tests/spreadsheet.rs` checks the result with LibreOffice.

use crate::engine::stats::{CellStats, Summary};
use crate::engine::vars::FLAG_UNIT;
use crate::policy::calendar::{iso_first, MonthIdx};

/// Name and unit of one output variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VarMeta {
    /// Column-safe name, e.g. `brent_usd_bbl`.
    pub name: String,
    /// Unit for people, e.g. `USD/bbl`.
    pub unit: String,
}

/// The band columns every summary table ends with: mean, spread, the kept percentiles and the
/// Monte Carlo standard errors (`mc_se_mean`, `mc_se_p50`, see `engine::stats::mcse`).
pub const BAND_COLUMNS: [&str; 11] = [
    "mean",
    "sd",
    "p05",
    "p10",
    "p25",
    "p50",
    "p75",
    "p90",
    "p95",
    "mc_se_mean",
    "mc_se_p50",
];

/// A header: `lead`, then [`BAND_COLUMNS`]. `N` must be `K + 11` (checked at compile time).
pub const fn band_header<const K: usize, const N: usize>(
    lead: [&'static str; K],
) -> [&'static str; N] {
    assert!(K + BAND_COLUMNS.len() == N, "header length");
    let mut out = [""; N];
    let mut i = 0;
    while i < K {
        out[i] = lead[i];
        i += 1;
    }
    let mut j = 0;
    while j < BAND_COLUMNS.len() {
        out[K + j] = BAND_COLUMNS[j];
        j += 1;
    }
    out
}

/// Header of `summary.csv`.
/// `mc_se_mean` and `mc_se_p50` were appended last so that readers of the earlier 13 columns
/// keep working.
pub const SUMMARY_HEADER: [&str; 15] = band_header(["scenario", "date", "variable", "unit"]);

/// A number as written in our CSV files: `{:.4}`, no negative zero, empty when not finite.
pub fn fmt_num(x: f64) -> String {
    fmt_fixed(x, 4)
}

/// [`fmt_num`] with `decimals` places (inputs in sensitivity.csv keep 6).
pub fn fmt_fixed(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let s = format!("{x:.decimals$}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ => s,
    }
}

/// An in-memory CSV writer with `\n` line ends, as every CSV file of a run uses.
pub(crate) fn writer() -> ::csv::Writer<Vec<u8>> {
    ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new())
}

pub(crate) fn into_bytes(w: ::csv::Writer<Vec<u8>>) -> Vec<u8> {
    // Writing into a Vec cannot fail; flush happens in into_inner.
    w.into_inner()
        .expect("flushing CSV into memory cannot fail")
}

fn check_shape(vars: &[VarMeta], s: &Summary) {
    assert_eq!(
        vars.len(),
        s.vars,
        "{} variable names for a summary of {} variables",
        vars.len(),
        s.vars
    );
}

/// A cell's [`BAND_COLUMNS`], formatted as written.
pub(crate) fn band_cells(c: &CellStats) -> [String; 11] {
    [
        c.mean,
        c.sd,
        c.p05,
        c.p10,
        c.p25,
        c.p50,
        c.p75,
        c.p90,
        c.p95,
        c.mc_se_mean,
        c.mc_se_p50,
    ]
    .map(fmt_num)
}

/// Tidy long CSV: one row per month × variable (months outer, variables in `vars` order).
pub fn summary_csv(scenario: &str, start: MonthIdx, vars: &[VarMeta], s: &Summary) -> Vec<u8> {
    check_shape(vars, s);
    let mut w = writer();
    w.write_record(SUMMARY_HEADER).expect("in-memory write");
    for t in 0..s.months {
        let date = iso_first(start + t as MonthIdx);
        for (v, meta) in vars.iter().enumerate() {
            let stats = band_cells(s.cell(t, v));
            let row = [scenario, &date, &meta.name, &meta.unit]
                .into_iter()
                .chain(stats.iter().map(String::as_str));
            w.write_record(row).expect("in-memory write");
        }
    }
    into_bytes(w)
}

/// Header of `wide.csv` for these variables: `date`, then `<name>_p05,<name>_p50,<name>_p95`
/// for every variable, then `<name>_mean` for every flag variable ([`FLAG_UNIT`]: its percentiles are 0 or 1, its mean the share of
/// paths), appended so
/// that no earlier column moves.
pub fn wide_header(vars: &[VarMeta]) -> Vec<String> {
    std::iter::once("date".to_string())
        .chain(
            vars.iter()
                .flat_map(|m| ["p05", "p50", "p95"].map(|p| format!("{}_{p}", m.name))),
        )
        .chain(
            vars.iter()
                .filter(|m| m.unit == FLAG_UNIT)
                .map(|m| format!("{}_mean", m.name)),
        )
        .collect()
}

/// One row per month: the date, then p05, p50 and p95 of every variable in `vars` order, then
/// the mean of every flag variable.
pub fn wide_csv(start: MonthIdx, vars: &[VarMeta], s: &Summary) -> Vec<u8> {
    check_shape(vars, s);
    monthly_table(wide_header(vars), start, s.months, |t, row| {
        for v in 0..s.vars {
            let c = s.cell(t, v);
            row.extend([c.p05, c.p50, c.p95].map(fmt_num));
        }
        for (v, m) in vars.iter().enumerate() {
            if m.unit == FLAG_UNIT {
                row.push(fmt_num(s.cell(t, v).mean));
            }
        }
    })
}

/// A wide table: `header`, then one row per month from `start`: the month's date, then what
/// `cells(t, row)` appends (already formatted).
pub(crate) fn monthly_table(
    header: Vec<String>,
    start: MonthIdx,
    months: usize,
    mut cells: impl FnMut(usize, &mut Vec<String>),
) -> Vec<u8> {
    let mut w = writer();
    w.write_record(header).expect("in-memory write");
    for t in 0..months {
        let mut row = vec![iso_first(start + t as MonthIdx)];
        cells(t, &mut row);
        w.write_record(&row).expect("in-memory write");
    }
    into_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stats::SummaryMode;

    fn cell(base: f64) -> CellStats {
        CellStats {
            n: 10,
            nonfinite: 0,
            mean: base,
            sd: 1.5,
            p05: base - 2.0,
            p10: base - 1.0,
            p25: base - 0.5,
            p50: base,
            p75: base + 0.5,
            p90: base + 1.0,
            p95: base + 2.0,
            mc_se_mean: 0.5,
            mc_se_p50: 0.625,
        }
    }

    fn vars() -> Vec<VarMeta> {
        vec![
            VarMeta {
                name: "brent_usd_bbl".into(),
                unit: "USD/bbl".into(),
            },
            VarMeta {
                name: "urals_discount_usd_bbl".into(),
                unit: "USD/bbl".into(),
            },
        ]
    }

    fn summary() -> Summary {
        let mut c3 = cell(-0.00001);
        c3.sd = f64::NAN;
        c3.p95 = f64::INFINITY;
        Summary {
            months: 2,
            vars: 2,
            cells: vec![cell(80.0), cell(-12.25), cell(1234567.891), c3],
            mode: SummaryMode::Exact,
        }
    }

    #[test]
    fn number_format() {
        assert_eq!(fmt_num(1.0), "1.0000");
        assert_eq!(fmt_num(-0.0), "0.0000");
        assert_eq!(fmt_num(-0.00004), "0.0000");
        assert_eq!(fmt_num(-0.00005), "-0.0001");
        assert_eq!(fmt_num(-12.34567), "-12.3457");
        assert_eq!(fmt_num(1234567.891), "1234567.8910");
        assert_eq!(fmt_num(1e20), "100000000000000000000.0000");
        assert_eq!(fmt_num(f64::NAN), "");
        assert_eq!(fmt_num(f64::INFINITY), "");
        assert_eq!(fmt_num(f64::NEG_INFINITY), "");
    }

    #[test]
    fn summary_exact_text() {
        let start = 2025 * 12 + 11; // 2025-12
        let out = String::from_utf8(summary_csv("base line", start, &vars(), &summary())).unwrap();
        let lines: Vec<&str> = out.split('\n').collect();
        assert_eq!(
            lines[0],
            "scenario,date,variable,unit,mean,sd,p05,p10,p25,p50,p75,p90,p95,mc_se_mean,mc_se_p50"
        );
        assert_eq!(
            lines[1],
            "base line,2025-12-01,brent_usd_bbl,USD/bbl,80.0000,1.5000,78.0000,79.0000,79.5000,\
             80.0000,80.5000,81.0000,82.0000,0.5000,0.6250"
        );
        assert!(
            lines[2].starts_with("base line,2025-12-01,urals_discount_usd_bbl,USD/bbl,-12.2500,")
        );
        assert!(lines[3].starts_with("base line,2026-01-01,brent_usd_bbl,USD/bbl,1234567.8910,"));
        assert_eq!(
            lines[4],
            "base line,2026-01-01,urals_discount_usd_bbl,USD/bbl,0.0000,,-2.0000,-1.0000,-0.5000,\
             0.0000,0.5000,1.0000,,0.5000,0.6250"
        );
        assert_eq!(lines.len(), 6);
        assert_eq!(lines[5], "");
        assert!(!out.contains('\r') && !out.starts_with('\u{feff}'));
        assert!(!out.contains("-0.0000"));
    }

    #[test]
    fn wide_column_order() {
        let out = String::from_utf8(wide_csv(2024 * 12, &vars(), &summary())).unwrap();
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(
            lines[0],
            "date,brent_usd_bbl_p05,brent_usd_bbl_p50,brent_usd_bbl_p95,\
             urals_discount_usd_bbl_p05,urals_discount_usd_bbl_p50,urals_discount_usd_bbl_p95"
        );
        assert_eq!(
            lines[1],
            "2024-01-01,78.0000,80.0000,82.0000,-14.2500,-12.2500,-10.2500"
        );
        assert_eq!(
            lines[2],
            "2024-02-01,1234565.8910,1234567.8910,1234569.8910,-2.0000,0.0000,"
        );
        assert_eq!(lines.len(), 3);
        assert!(out.ends_with('\n') && !out.contains('\r'));
    }

    #[test]
    fn quoting_of_odd_names() {
        let s = Summary {
            months: 1,
            vars: 1,
            cells: vec![cell(1.0)],
            mode: SummaryMode::Exact,
        };
        let v = [VarMeta {
            name: "x".into(),
            unit: "USD, nominal".into(),
        }];
        let out = String::from_utf8(summary_csv("a\"b", 2024 * 12, &v, &s)).unwrap();
        assert!(out
            .lines()
            .nth(1)
            .unwrap()
            .starts_with("\"a\"\"b\",2024-01-01,x,\"USD, nominal\","));
    }
}
