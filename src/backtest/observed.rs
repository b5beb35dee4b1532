//! The observed points the backtest charts draw over each replay's bands, read from
//! `data/backtest_observed.csv` (`date,variable,value,unit,source`; see `data/README.md`).
//! Pure: the command line reads the file, this module checks it and says which line is wrong.

use super::BacktestError;
use crate::policy::calendar::{month_idx, MonthIdx};
use std::path::Path;

/// The file's name, found beside the Brent series the replays impose.
pub const FILE: &str = "backtest_observed.csv";

/// One observed value of a model output variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// A model output variable, e.g. `urals_discount_usd_bbl`.
    pub variable: String,
    pub month: MonthIdx,
    pub value: f64,
    pub source: String,
}

/// Parses the CSV text of `file` (named in errors, with the 1-based line).
pub fn parse(file: &Path, text: &str) -> Result<Vec<Observation>, BacktestError> {
    let bad = |line: usize, problem: String| BacktestError::Data {
        file: file.to_path_buf(),
        line,
        problem,
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let header = r
        .headers()
        .map_err(|e| bad(1, format!("unreadable header: {e}")))?
        .clone();
    // A repeated column is ambiguous: the first was read, the second silently ignored
    // (hostile round 9 #5, as for an imposed Brent series).
    if let Some((i, j)) = crate::scenario::imposed::repeated_column(header.iter()) {
        let c = &header[j];
        return Err(bad(
            1,
            format!(
                "the header names the column `{c}` twice (columns {} and {}), so it is not \
                 clear which one holds the data; keep one `{c}` column (rename or delete the \
                 other)",
                i + 1,
                j + 1
            ),
        ));
    }
    let col = |name: &str| {
        header.iter().position(|h| h == name).ok_or_else(|| {
            bad(
                1,
                format!("no `{name}` column; the header must be date,variable,value,unit,source"),
            )
        })
    };
    let (d, v, x) = (col("date")?, col("variable")?, col("value")?);
    let s = header.iter().position(|h| h == "source");
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            bad(line, e.to_string())
        })?;
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let field = |i: usize| rec.get(i).unwrap_or("").trim();
        let date = field(d);
        let month = month_idx(date.strip_suffix("-01").unwrap_or(date))
            .map_err(|e| bad(line, format!("date `{date}`: {e}")))?;
        let value: f64 = field(x)
            .parse()
            .ok()
            .filter(|x: &f64| x.is_finite())
            .ok_or_else(|| bad(line, format!("value `{}` is not a finite number", field(x))))?;
        let variable = field(v).to_string();
        if variable.is_empty() {
            return Err(bad(line, "empty variable".into()));
        }
        out.push(Observation {
            variable,
            month,
            value,
            source: s.map_or(String::new(), |i| field(i).to_string()),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_shipped_file() {
        let text = include_str!("../../data/backtest_observed.csv");
        let obs = parse(Path::new(FILE), text).unwrap();
        assert_eq!(obs.len(), 15);
        assert_eq!(obs[0].variable, "urals_discount_usd_bbl");
        assert_eq!(obs[0].month, month_idx("2022-01").unwrap());
        assert_eq!(obs[0].value, 0.87);
    }

    #[test]
    fn errors_name_file_and_line() {
        let f = Path::new("obs.csv");
        let cases = [
            ("date,value\n2022-01-01,1\n", 1, "no `variable` column"),
            (
                "date,variable,value\n2022-01-01,x,1\n2022-13-01,x,2\n",
                3,
                "date `2022-13-01`",
            ),
            ("date,variable,value\n2022-01-01,x,abc\n", 2, "value `abc`"),
            (
                "date,variable,value\n2022-01-01,x,inf\n",
                2,
                "not a finite number",
            ),
            ("date,variable,value\n2022-01-01,,1\n", 2, "empty variable"),
        ];
        for (text, line, what) in cases {
            match parse(f, text) {
                Err(BacktestError::Data {
                    line: l, problem, ..
                }) => {
                    assert_eq!(l, line, "{text}: {problem}");
                    assert!(problem.contains(what), "{text}: {problem}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        let e = parse(f, "date,variable,value\n2022-01-01,x,abc\n").unwrap_err();
        assert!(e.to_string().starts_with("obs.csv:2: "), "{e}");
    }
}
