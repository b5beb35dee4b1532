//! The command line: clap definitions and one module per subcommand. No model logic lives
//! here; every subcommand is a thin shell over the library.

use crate::suggest::ShowPath;
// First, so that every command module can use `outln!`, `out!` and `errln!`.
#[macro_use]
pub mod out;
pub mod answers;
pub mod backtest;
pub mod calibrate;
pub mod compare;
pub mod completions;
pub mod explain;
pub mod list;
pub mod merge;
pub mod out_args;
pub mod progress;
pub mod run;
mod run_diagnostics;
mod run_warnings;
mod run_write;
mod scenario_set;
pub mod schema;
pub mod sensitivity;
pub mod show;
pub mod show_periods;
pub mod signals;
pub mod sim_args;
pub mod validate;
pub mod values;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Exit codes (documented in README.md).
pub const EXIT_OK: i32 = 0;
pub const EXIT_BAD_INPUT: i32 = 1;
pub const EXIT_INTERNAL: i32 = 2;
/// The reader of stdout went away while a command with results to write was running (the
/// shell's code for death by SIGPIPE; `list`, `explain`, `schema` and `show` exit 0 instead).
pub const EXIT_STDOUT_CLOSED: i32 = 141;

/// A failure with the exit code it maps to.
#[derive(Debug)]
pub enum CliError {
    /// Bad scenario, flags or output location: exit 1.
    Input(String),
    /// A bug or an environment failure: exit 2.
    Internal(String),
    /// Stdout is a pipe whose reader has gone ([`out`]): exit 141.
    StdoutClosed,
}

impl CliError {
    pub fn code(&self) -> i32 {
        match self {
            CliError::Input(_) => EXIT_BAD_INPUT,
            CliError::Internal(_) => EXIT_INTERNAL,
            CliError::StdoutClosed => EXIT_STDOUT_CLOSED,
        }
    }
    pub fn message(&self) -> &str {
        match self {
            CliError::Input(m) | CliError::Internal(m) => m,
            CliError::StdoutClosed => {
                "standard output was closed by its reader; stopped (unfinished result folders \
                 were removed)"
            }
        }
    }
}

#[derive(Debug, Parser)]
#[command(
    name = "sanctions-sim",
    version,
    about = "Monte Carlo model of Russian crude flows, discounts, revenue and Brent under sanctions"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scenarios and write a result folder per scenario: summary.csv, wide.csv, totals.csv, averages.csv, charts, report.html, manifest.json.
    Run(run::RunArgs),
    /// Check scenario files without running them.
    Validate(validate::ValidateArgs),
    /// List scenarios: name, start, months, paths and description.
    List(list::ListArgs),
    /// Print the resolved scenario after `extends`, with where every value came from.
    Explain(explain::ExplainArgs),
    /// Print the JSON Schema (draft 2020-12) of the scenario file format.
    Schema(schema::SchemaArgs),
    /// Compare scenarios with a baseline on the same random draws; writes compare.csv.
    Compare(compare::CompareArgs),
    /// Replay 2022–2025 against history; writes output/backtest/report.csv and SVG charts.
    Backtest(backtest::BacktestArgs),
    /// Fit the parameters of calibration.md §2 to the in-sample backtest targets.
    Calibrate(calibrate::CalibrateArgs),
    /// Rank a scenario's uncertain inputs by their influence on a target; writes sensitivity.csv.
    Sensitivity(sensitivity::SensitivityArgs),
    /// Merge the partial results of `run --shard K/N` into the outputs of a single run.
    Merge(merge::MergeArgs),
    /// Print a few variables' monthly bands from result folders (their summary.csv), side by side.
    Show(show::ShowArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish) to standard output.
    Completions(completions::CompletionsArgs),
    /// Print the man page in roff (`sanctions-sim man | man -l -`), or a subcommand's page.
    Man(completions::ManArgs),
}

/// The worker threads of a command without `--threads` (`backtest`, `calibrate`, `merge`):
/// one per available core, at most 1024, whatever `RAYON_NUM_THREADS` says (D148). Their
/// parallel work runs inside it, never on rayon's global pool, which would read that variable.
pub fn worker_pool() -> Result<rayon::ThreadPool, CliError> {
    crate::engine::threads::pool(0)
        .map_err(|e| CliError::Internal(format!("cannot start worker threads: {e}")))
}

/// Expands the command line's scenario arguments: a directory means every `*.toml` directly
/// inside it (sub-folders such as `market/` are not scenarios).
pub fn expand_inputs(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut files = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let (found, skipped) =
                crate::scenario::discover_all(p).map_err(|e| CliError::Input(e.to_string()))?;
            for (s, why) in skipped {
                crate::errln!("warning: skipped {}: {why}", s.shown());
            }
            if found.is_empty() {
                return Err(CliError::Input(format!(
                    "{}: no *.toml scenario files in this folder",
                    p.shown()
                )));
            }
            files.extend(found);
        } else if p.exists() {
            files.push(p.clone());
        } else if p.symlink_metadata().is_ok() {
            return Err(CliError::Input(format!(
                "{}: a symbolic link that cannot be followed (it loops, or what it points to \
                 does not exist); name the scenario file itself",
                p.shown()
            )));
        } else {
            let hint = nearby(p)
                .filter(|q| q != p)
                .map_or_else(String::new, |q| format!("; did you mean `{}`?", q.shown()));
            return Err(CliError::Input(format!(
                "{}: no such file or folder{hint}",
                p.shown()
            )));
        }
    }
    Ok(files)
}

/// The scenario a newcomer most likely meant by a path that does not exist: the name without
/// `.toml`, another case or a typo of a `.toml` file in the same folder, or a bare name of
/// one of `scenarios/` (the README's commands run from the repository root).
fn nearby(p: &std::path::Path) -> Option<PathBuf> {
    let with_ext = p.with_extension("toml");
    if p.extension().is_none() && with_ext.is_file() {
        return Some(with_ext);
    }
    let name = p.file_name()?.to_str()?;
    let stem = name.strip_suffix(".toml").unwrap_or(name);
    let parent = p.parent().filter(|d| !d.as_os_str().is_empty());
    let mut dirs = vec![parent.map_or_else(|| PathBuf::from("."), PathBuf::from)];
    if parent.is_none() {
        dirs.push(PathBuf::from("scenarios"));
    }
    for dir in dirs {
        let Ok(rd) = std::fs::read_dir(&dir) else {
            continue;
        };
        let stems: Vec<String> = rd
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".toml").map(str::to_string))
            .collect();
        if let Some(c) = crate::suggest::closest(stem, &stems) {
            let file = format!("{c}.toml");
            return Some(match parent {
                Some(d) => d.join(file),
                None if dir == std::path::Path::new(".") => PathBuf::from(file),
                None => dir.join(file),
            });
        }
    }
    None
}

pub fn dispatch(cli: Cli) -> Result<(), CliError> {
    // Pure output: a reader that closed the pipe had what it wanted (ripgrep's rule).
    let closed_is_success = matches!(
        cli.command,
        Command::List(_)
            | Command::Explain(_)
            | Command::Schema(_)
            | Command::Show(_)
            | Command::Completions(_)
            | Command::Man(_)
    );
    // A command that writes no files says so when a signal stops it, not that "unfinished
    // result folders were removed" (hostile round 13 F5).
    let read_only = match &cli.command {
        Command::Validate(_) => Some("validate"),
        Command::List(_) => Some("list"),
        Command::Explain(_) => Some("explain"),
        Command::Schema(_) => Some("schema"),
        Command::Show(_) => Some("show"),
        Command::Completions(_) => Some("completions"),
        Command::Man(_) => Some("man"),
        _ => None,
    };
    if let Some(name) = read_only {
        signals::set_before_text(format!(
            "interrupted: `{name}` stopped before it was done; it writes no files, so nothing \
             was left behind"
        ));
    }
    let r = dispatch_inner(cli);
    match r {
        Err(CliError::StdoutClosed) if closed_is_success => Ok(()),
        r => r,
    }
}

fn dispatch_inner(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(a) => run::run(a),
        Command::Validate(a) => validate::validate(a),
        Command::List(a) => list::list(a),
        Command::Explain(a) => explain::explain(a),
        Command::Schema(a) => schema::schema(a),
        Command::Compare(a) => compare::compare(a),
        Command::Backtest(a) => backtest::backtest(a),
        Command::Calibrate(a) => calibrate::calibrate(a),
        Command::Sensitivity(a) => sensitivity::run(a),
        Command::Merge(a) => merge::merge(a),
        Command::Show(a) => show::show(a),
        Command::Completions(a) => completions::completions(a),
        Command::Man(a) => completions::man(a),
    }
}
