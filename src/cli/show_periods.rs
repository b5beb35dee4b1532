//! `show --period P` (walkthrough 11 #2): one period's totals and averages from a result
//! folder's `totals.csv` and `averages.csv`, a comparison's `compare_totals.csv` and
//! `compare_averages.csv`, or a `--by-outcome` run's `outcome_totals.csv` (each outcome with
//! its probability); the table is built by `output::show::periods`.

use super::show::ShowArgs;
use super::CliError;
use crate::output::show::periods::{self, DEFAULT_STATS};
use crate::output::show::select;
use crate::suggest::ShowPath;
use std::path::{Path, PathBuf};

/// The tables a RESULT names for a period, each with what a table without a `statistic`
/// column holds (`total` or `mean`): `outcome_totals.csv` when the folder has it (it repeats
/// the folder's totals and averages as outcome `(all)`), else the totals and the averages.
fn tables(p: &Path) -> Result<Vec<(PathBuf, &'static str)>, CliError> {
    if !p.is_dir() {
        let name = p.file_name().map(|n| n.to_string_lossy().to_string());
        let what = match name.as_deref() {
            Some(n) if n.contains("averages") => "mean",
            _ => "total",
        };
        // The same messages as the monthly view for a path that does not exist.
        return Ok(vec![(super::show::summary_path(p)?, what)]);
    }
    let outcome = p.join("outcome_totals.csv");
    if outcome.is_file() {
        return Ok(vec![(outcome, "total")]);
    }
    for (t, a) in [
        ("compare_totals.csv", "compare_averages.csv"),
        ("totals.csv", "averages.csv"),
    ] {
        if p.join(t).is_file() {
            let mut v = vec![(p.join(t), "total")];
            if p.join(a).is_file() {
                v.push((p.join(a), "mean"));
            }
            return Ok(v);
        }
    }
    // Not a result: the monthly view's message names what the folder is, or holds.
    super::show::summary_path(p)?;
    Err(CliError::Input(format!(
        "{}: no totals.csv in this folder (nor compare_totals.csv or outcome_totals.csv); \
         give a result or comparison folder",
        p.shown()
    )))
}

pub fn show_period(a: &ShowArgs, period: &str) -> Result<(), CliError> {
    let input = |e: crate::output::show::ShowError| CliError::Input(e.to_string());
    let stat = match a.stat.is_empty() {
        true => vec![DEFAULT_STATS.to_string()],
        false => a.stat.clone(),
    };
    let stats = select::stats(&stat).map_err(input)?;
    let mut files = Vec::new();
    for r in &a.results {
        // A folder's totals and averages are one set of rows.
        let mut rows = Vec::new();
        let mut have: Vec<String> = Vec::new();
        for (path, what) in tables(r)? {
            let bytes = crate::bounded::read(&path, crate::bounded::RESULT_TABLE)
                .map_err(|e| CliError::Input(e.to_string()))?
                .bytes;
            let shown = path.shown().to_string();
            let (mut got, periods) =
                periods::parse(&shown, &bytes, what, &stats, period).map_err(input)?;
            rows.append(&mut got);
            for p in periods {
                if !have.contains(&p) {
                    have.push(p);
                }
            }
        }
        files.push((r.shown().to_string(), rows, have));
    }
    let rows = periods::select(&files, &a.vars, period).map_err(input)?;
    if a.csv {
        out!("{}", String::from_utf8_lossy(&periods::csv(&rows, &stats)))
    } else {
        out!("{}", periods::text(&rows, &stats))
    }
}
