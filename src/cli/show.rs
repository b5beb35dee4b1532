//! `show`: print a few variables' monthly bands from result folders, without a script. Finds
//! and reads each `summary.csv` (or a comparison folder's `compare.csv`, whose bands are of
//! the difference, walkthrough 10 #14); the table is built by `output::show`.

use super::CliError;
use crate::output::show::select::{self, COMPARE_DEFAULT_STATS, DEFAULT_STATS};
use crate::output::show::{self as lib, SummaryFile};
use crate::suggest::ShowPath;
use clap::Args;
use std::path::{Path, PathBuf};

/// The table file every result folder holds.
const SUMMARY: &str = "summary.csv";
/// The table of a comparison folder: the bands of each scenario's difference from the baseline.
const COMPARE: &str = "compare.csv";

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Result folders (each holds summary.csv; also by_outcome/<node>=<outcome>), comparison
    /// folders (compare.csv: the bands of each scenario's difference from the baseline), or
    /// those files; several are printed side by side.
    #[arg(required = true, value_name = "RESULT")]
    pub results: Vec<PathBuf>,
    /// Variables to print: a name, a comma-separated list or a pattern with `*` (quote it:
    /// 'flow_*'); repeatable. Default: the key variables of the charts.
    #[arg(long = "var", value_name = "NAME")]
    pub vars: Vec<String>,
    /// Statistics to print, comma-separated: mean, sd, p05, p10, p25, p50, p75, p90, p95,
    /// mc_se_mean, mc_se_p50 (a comparison has no sd and mc_se_p50). Default: p10,p50,p90;
    /// mean,p10,p90 when every RESULT is a comparison (the mean difference and its 80% band).
    #[arg(long, value_name = "LIST")]
    pub stat: Vec<String>,
    /// First month to print (YYYY-MM, inclusive; default: the first month of the results).
    #[arg(long, value_name = "YYYY-MM")]
    pub from: Option<String>,
    /// Last month to print (YYYY-MM, inclusive; default: the last month of the results).
    #[arg(long, value_name = "YYYY-MM")]
    pub to: Option<String>,
    /// Print CSV instead of a table: `,`-separated, `.` decimal mark, dates YYYY-MM-01,
    /// units in the header.
    #[arg(long)]
    pub csv: bool,
    /// Print one period's totals and averages instead of monthly bands: a year (2026),
    /// `horizon`, or a `--period` window of the run (2025-11..2026-10); from totals.csv and
    /// averages.csv, a comparison's compare_totals.csv and compare_averages.csv, or, under
    /// --by-outcome, outcome_totals.csv (each outcome with its share of paths). Default
    /// --var: revenue, India's and China's bills and savings, Brent; default --stat:
    /// mean,p10,p50,p90.
    #[arg(long, value_name = "PERIOD", conflicts_with_all = ["from", "to"])]
    pub period: Option<String>,
}

pub fn show(a: ShowArgs) -> Result<(), CliError> {
    if let Some(period) = &a.period {
        return super::show_periods::show_period(&a, period);
    }
    let input = |e: lib::ShowError| CliError::Input(e.to_string());
    let mut read = Vec::with_capacity(a.results.len());
    for r in &a.results {
        let path = summary_path(r)?;
        let bytes = crate::bounded::read(&path, crate::bounded::RESULT_TABLE)
            .map_err(|e| CliError::Input(e.to_string()))?
            .bytes;
        read.push((path, bytes));
    }
    let stat = match a.stat.is_empty() {
        false => a.stat.clone(),
        true if read.iter().all(|(_, b)| lib::read::is_compare(b)) => {
            vec![COMPARE_DEFAULT_STATS.to_string()]
        }
        true => vec![DEFAULT_STATS.to_string()],
    };
    let stats = select::stats(&stat).map_err(input)?;
    let mut files: Vec<SummaryFile> = Vec::with_capacity(read.len());
    for (path, bytes) in &read {
        files.push(lib::parse(&path.shown().to_string(), bytes, &stats).map_err(input)?);
    }
    let table = lib::show(&files, &a.vars, a.from.as_deref(), a.to.as_deref()).map_err(input)?;
    if a.csv {
        out!("{}", String::from_utf8_lossy(&table.csv()))
    } else {
        out!("{}", table.text())
    }
}

/// The table a RESULT names: the file itself, or the folder's `summary.csv`, or a comparison
/// folder's `compare.csv`.
pub(super) fn summary_path(p: &Path) -> Result<PathBuf, CliError> {
    if p.is_dir() {
        for name in [SUMMARY, COMPARE] {
            let f = p.join(name);
            if f.exists() {
                return Ok(f);
            }
        }
        return Err(CliError::Input(no_summary(p)));
    }
    if p.exists() {
        return Ok(p.to_path_buf());
    }
    let hint = crate::scenario::near_path(p)
        .map_or_else(String::new, |q| format!("; did you mean `{}`?", q.shown()));
    Err(CliError::Input(format!(
        "{}: no such file or folder{hint}",
        p.shown()
    )))
}

/// Folders directly inside `dir` that hold a summary.csv or a compare.csv, by name (hidden
/// staging folders left out).
fn result_folders(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = rd
        .filter_map(|e| e.ok())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| dir.join(e.file_name()))
        .filter(|p| p.join(SUMMARY).is_file() || p.join(COMPARE).is_file())
        .collect();
    out.sort();
    out
}

/// Why a folder is not a result, and what to name instead.
fn no_summary(dir: &Path) -> String {
    let mut msg = format!(
        "{}: no {SUMMARY} in this folder (nor {COMPARE}); give a result folder (the folder \
         holding {SUMMARY}), a comparison folder (holding {COMPARE}) or one of those files",
        dir.shown()
    );
    let subs = result_folders(dir);
    if !subs.is_empty() {
        let shown: Vec<String> = subs
            .iter()
            .take(8)
            .map(|p| format!("`{}`", p.shown()))
            .collect();
        let more = match subs.len() {
            n if n > 8 => format!(" and {} more", n - 8),
            _ => String::new(),
        };
        msg += &format!(
            "; this folder holds result folders: {}{more} (name one or more of them)",
            shown.join(", ")
        );
    } else if dir.join("sensitivity.csv").is_file() {
        // Walkthrough 11 #4: say what the folder is, and where its answer is.
        msg += "; this is a sensitivity result: its ranking of the inputs is sensitivity.csv \
                (one row per input, docs/sensitivity.md), and `sensitivity` prints the top \
                inputs when it runs";
    } else if dir.join("report.csv").is_file() {
        msg += "; this is a backtest result: its table is report.csv (docs/calibration.md)";
    } else if dir.join(super::merge::PARTIAL_FILE).is_file() {
        msg += "; this is one shard's partial result: merge the shards, then give the merged \
                result folder";
    }
    msg
}
