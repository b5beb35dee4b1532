//! `show`: a few variables' monthly bands from one or more `summary.csv` files, side by side,
//! as an aligned text table or as CSV (docs/outputs.md §15).
//!
//! Pure, like every exporter: the command line finds and reads the files (under
//! [`crate::bounded::RESULT_TABLE`]) and hands their bytes here; [`read`] parses them in
//! either CSV dialect, [`select`] turns `--var`, `--stat`, `--from` and `--to` into the
//! variables, statistics and months to print, and [`table`] builds and formats the table.

pub mod periods;
pub mod read;
pub mod select;
pub mod table;

pub use read::{parse, Bands, SummaryFile};
pub use table::{Column, Table};

use crate::output::csv::BAND_COLUMNS;

/// Why a table cannot be shown. Every one is the user's input (exit 1).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ShowError {
    #[error("`{file}` line {line}: {what}")]
    Malformed {
        file: String,
        line: u64,
        what: String,
    },
    #[error(
        "`{file}` is not a summary.csv: its header `{header}` lacks the columns \
         scenario,date,variable,unit (a result folder's summary.csv starts \
         `scenario,date,variable,unit,mean,…`; wide.csv and the other tables are not read)"
    )]
    NotSummary { file: String, header: String },
    #[error("`{file}` has no `{stat}` column (its statistics: {have}); choose --stat from those")]
    MissingStat {
        file: String,
        stat: &'static str,
        have: String,
    },
    #[error(
        "--stat: `{stat}` is not a statistic of summary.csv{hint}; choose from {}",
        BAND_COLUMNS.join(", ")
    )]
    UnknownStat { stat: String, hint: String },
    #[error("--stat: name at least one statistic, from {}", BAND_COLUMNS.join(", "))]
    NoStat,
    #[error(
        "--var: name at least one variable (a name, a comma list or a pattern such as \
         'flow_*'), or leave --var out for the key variables"
    )]
    NoVar,
    #[error("--var {var}: `{file}` has no variable `{var}`{}", hint_or_docs(.hint))]
    UnknownVariable {
        var: String,
        file: String,
        hint: String,
    },
    #[error(
        "--var {pattern}: matches no variable of {files} (`*` stands for any text: \
         `flow_*`, `*_discount_usd_bbl`; the variables are listed in docs/outputs.md §5)"
    )]
    NoMatch { pattern: String, files: String },
    #[error(
        "none of the key variables ({}) is in {files}: name the variables with --var",
        crate::output::charts::key_variable_names().join(", ")
    )]
    NoKeyVariables { files: String },
    #[error("{flag}: {msg}")]
    BadMonth { flag: &'static str, msg: String },
    #[error("{flag} {month} is outside the months of the results: {have}")]
    MonthOutside {
        flag: &'static str,
        month: String,
        have: String,
    },
    #[error(
        "`{file}` is not a table of period totals or averages: its header `{header}` lacks \
         the columns period, variable and unit (--period reads totals.csv and averages.csv, \
         a comparison's compare_totals.csv and compare_averages.csv, or outcome_totals.csv)"
    )]
    NotPeriodTable { file: String, header: String },
    #[error(
        "--period {period}: `{file}` has no rows of that period; its periods: {have} (a \
         window of months needs `--period FROM..TO` on the run that wrote the folder)"
    )]
    NoPeriod {
        period: String,
        file: String,
        have: String,
    },
    #[error("--from {from} is after --to {to}: give the earlier month to --from")]
    Reversed { from: String, to: String },
}

/// A did-you-mean hint, or where the names are when none is close.
fn hint_or_docs(hint: &str) -> String {
    if hint.is_empty() {
        " (no variable of that file has a close name; the variables are listed in \
         docs/outputs.md §5, and `--var '*'` matches them all)"
            .to_string()
    } else {
        hint.to_string()
    }
}

/// The table of the files (read with the statistics to show, [`read::parse`]) for the
/// `--var` values (names, comma lists, `*` patterns; none: the key variables) and
/// `--from`/`--to`.
pub fn show(
    files: &[SummaryFile],
    var_args: &[String],
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Table, ShowError> {
    let words = select::var_words(var_args);
    // `--var ''` is a request with nothing in it, not a request for the defaults.
    if words.is_empty() && !var_args.is_empty() {
        return Err(ShowError::NoVar);
    }
    let vars = select::variables(&words, files)?;
    let months = select::months(files, from, to)?;
    Ok(table::build(files, &vars, &months))
}

#[cfg(test)]
mod tests;
