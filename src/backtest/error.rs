//! Why a backtest or calibration could not be computed. Each variant names the run, variable,
//! month or file (with its line) concerned, so a broken replay or target table is found at once.

use crate::suggest::ShowPath;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum BacktestError {
    /// The replay folder is not there: `--history` defaults to a path relative to the
    /// repository root, and a newcomer may run the binary from anywhere else.
    #[error(
        "the replay folder `{}` is not a folder here ({}); run the command from the \
         repository root (where `scenarios/history/` is), or name the replays' folder with \
         `--history DIR`",
        dir.shown(),
        here
    )]
    NoHistory { dir: PathBuf, here: String },
    /// `--history DIR` names nothing.
    #[error(
        "`--history DIR`: there is no folder `{}` ({}); name the folder of the replays \
         (`scenarios/history` in the repository)",
        dir.shown(),
        here
    )]
    NamedMissing { dir: PathBuf, here: String },
    /// `--history` names a file.
    #[error("`--history` must name a folder, got a file: `{}`", dir.shown())]
    NotAFolder { dir: PathBuf },
    /// The replay folder lacks one of the backtest's scenarios; `named` when it came from
    /// `--history`.
    #[error(
        "{}{} has no `{file}` (the backtest needs {} and their counterfactuals in \
         `counterfactual/` — see docs/calibration.md)",
        if *named { "`--history DIR`: " } else { "the replay folder " },
        dir.shown(),
        super::REPLAYS.join(", ")
    )]
    MissingFile {
        dir: PathBuf,
        file: String,
        named: bool,
    },
    /// A replay or counterfactual scenario did not load (its own error names line and column).
    #[error("{}", load_text(file, source))]
    Load {
        file: PathBuf,
        source: Box<crate::scenario::LoadError>,
    },
    /// A target needs a run the backtest did not simulate.
    #[error("backtest: run `{0}` is missing")]
    MissingRun(String),
    /// A target names a variable the run does not report.
    #[error("{run}: no output variable `{var}`")]
    MissingVariable { run: String, var: String },
    /// A target needs a month the run does not cover.
    #[error("{run}: month {month} is outside the run ({first} … {last})")]
    MonthOutsideRun {
        run: String,
        month: String,
        first: String,
        last: String,
    },
    /// An observed-data file is missing, unreadable or malformed.
    #[error("{}:{line}: {problem}", file.shown())]
    Data {
        file: PathBuf,
        /// 1-based line (0 when the file could not be read at all).
        line: usize,
        problem: String,
    },
    #[error("could not build report.csv: {0}")]
    Csv(#[from] csv::Error),
}

/// A replay's load error: the loader's own text when it already names the file (a rendered
/// diagnostic, `--> file:line:col`), so the message has one `error:` header, not two.
fn load_text(file: &std::path::Path, source: &crate::scenario::LoadError) -> String {
    let text = source.to_string();
    if text.contains(&file.shown().to_string()) {
        text
    } else {
        format!("{}: {text}", file.shown())
    }
}
