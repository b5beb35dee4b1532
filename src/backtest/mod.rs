//! `sanctions-sim backtest` (calibration.md §1): replays of 2022–2025 with the observed Brent
//! imposed, the counterfactual runs it names, and the comparison of every target with history.
//!
//! The runs are scenario files under `scenarios/history/` (replays) and
//! `scenarios/history/counterfactual/` (each extends a replay). All are simulated with the same
//! seed and path count, so path i of every run has the same parameter and shock draws and the
//! counterfactual differences are per-path (common random numbers).

use crate::suggest::ShowPath;
pub mod calibrate;
mod error;
pub mod observed;
pub mod panel;
pub mod svg;
pub mod targets;

pub use error::BacktestError;

use crate::scenario::Scenario;
use panel::Panel;
use std::path::Path;
use targets::{Row, Runs};

/// The replays, in report order (one SVG each).
pub const REPLAYS: &[&str] = &["replay_2022_23", "replay_2024", "replay_2025q1"];

/// The counterfactual runs of calibration.md §1 (B1, B5, B6).
pub const COUNTERFACTUALS: &[&str] = &[
    "cf_2022_23_fixed_freight",
    "cf_2022_23_no_cap",
    "cf_2022_23_e1",
    "cf_2022_23_cap30_e1",
    "cf_2024_e1",
    "cf_2024_cap30_e1",
    "cf_2024_cap55_e1",
    "cf_2024_fleet80",
    "cf_2024_no_cap",
    "b6_free",
    "b6_cut",
];

/// Where the replays are when `--history` is not given (relative to the repository root).
pub const DEFAULT_HISTORY: &str = "scenarios/history";

/// Loads every run of the backtest from `history` (the `scenarios/history` folder).
pub fn load_all(history: &Path) -> Result<Vec<Scenario>, BacktestError> {
    load_from(history, false)
}

/// As [`load_all`]; `named` when `history` came from `--history DIR`, so that a wrong folder
/// is reported as the user's (not as a wrong current folder).
pub fn load_from(history: &Path, named: bool) -> Result<Vec<Scenario>, BacktestError> {
    if !history.is_dir() {
        if history.exists() {
            return Err(BacktestError::NotAFolder {
                dir: history.to_path_buf(),
            });
        }
        let here = std::env::current_dir().map_or_else(
            |_| "the current folder".to_string(),
            |d| format!("current folder {}", d.shown()),
        );
        let dir = history.to_path_buf();
        return Err(if named {
            BacktestError::NamedMissing { dir, here }
        } else {
            BacktestError::NoHistory { dir, here }
        });
    }
    let files: Vec<(String, std::path::PathBuf)> = REPLAYS
        .iter()
        .map(|n| format!("{n}.toml"))
        .chain(
            COUNTERFACTUALS
                .iter()
                .map(|n| format!("counterfactual/{n}.toml")),
        )
        .map(|rel| {
            let f = rel.split('/').fold(history.to_path_buf(), |p, c| p.join(c));
            (rel, f)
        })
        .collect();
    // Every file is there before any is loaded: a wrong folder is one message, not a load
    // error of a file that does not exist.
    if let Some((rel, _)) = files.iter().find(|(_, f)| !f.is_file()) {
        return Err(BacktestError::MissingFile {
            dir: history.to_path_buf(),
            file: rel.clone(),
            named,
        });
    }
    files
        .into_iter()
        .map(|(_, f)| {
            crate::scenario::load(&f).map_err(|mut e| {
                moved_folder_help(history, &mut e);
                BacktestError::Load {
                    file: f,
                    source: Box::new(e),
                }
            })
        })
        .collect()
}

/// The keys whose file a replay names by a path relative to itself.
const RELATIVE_KEYS: &[&str] = &["brent.imposed", "scenario.market", "extends"];

/// Walkthrough 7, finding 6: a replay names its data by paths relative to itself
/// (`../../data/brent_monthly.csv`), so a copy of `scenarios/` without the repository's `data/`
/// beside it cannot read them. Every such file that cannot be read gets the fix as its help,
/// whichever key names it, unless the help already names a file one typo away (an edited
/// replay's typo is likelier then than a moved folder).
fn moved_folder_help(history: &Path, e: &mut crate::scenario::LoadError) {
    for d in &mut e.diagnostics {
        let relative = d.key.as_deref().is_some_and(|k| RELATIVE_KEYS.contains(&k));
        let unreadable =
            d.message.starts_with("cannot read") || d.message.contains("does not exist");
        let typo = d
            .help
            .as_deref()
            .is_some_and(|h| h.contains("did you mean"));
        if relative && unreadable && !typo {
            d.help = Some(moved_folder_fix(history));
        }
    }
}

/// The help of a history-relative file that cannot be read (walkthrough 7, finding 6).
pub fn moved_folder_fix(history: &Path) -> String {
    format!(
        "the files under `{}` name their data and market files by paths relative to \
         themselves (`../../data/brent_monthly.csv`), so the folder must stay inside the \
         repository: run the command from the repository root, or pass \
         `--history <repo>/scenarios/history`",
        history.shown()
    )
}

/// Simulates every run at `paths` paths with `seed`.
pub fn simulate(scenarios: &[Scenario], paths: usize, seed: u64) -> Runs {
    scenarios
        .iter()
        .map(|sc| (sc.name.clone(), Panel::simulate(sc, paths, seed)))
        .collect()
}

/// report.csv: `target,source,date,observed,unit,model_p10,model_p50,model_p90,tolerance,pass`.
pub fn report_csv(rows: &[Row]) -> Result<Vec<u8>, BacktestError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "target",
        "source",
        "date",
        "observed",
        "unit",
        "model_p10",
        "model_p50",
        "model_p90",
        "tolerance",
        "pass",
    ])?;
    for r in rows {
        // The run files' number rule: four decimals, never `-0.0000`, empty if not finite.
        let f = crate::output::csv::fmt_num;
        w.write_record([
            r.target.clone(),
            r.source.clone(),
            format!("{}-01", r.date),
            r.observed.map_or(String::new(), f),
            r.unit.clone(),
            f(r.p10),
            f(r.p50),
            f(r.p90),
            r.check.describe(),
            r.pass.to_string(),
        ])?;
    }
    w.into_inner()
        .map_err(|e| BacktestError::Csv(e.into_error().into()))
}

/// The table printed on stdout.
pub fn table(rows: &[Row]) -> String {
    let mut s = format!(
        "{:<58} {:>9} {:>9} {:>9} {:>9} {:>11} {}\n",
        "target", "observed", "p10", "p50", "p90", "tolerance", "pass"
    );
    for r in rows {
        s.push_str(&format!(
            "{:<58} {:>9} {:>9.3} {:>9.3} {:>9.3} {:>11} {}\n",
            r.target,
            r.observed.map_or("-".into(), |o| format!("{o:.3}")),
            r.p10,
            r.p50,
            r.p90,
            r.check.describe(),
            if r.pass { "PASS" } else { "FAIL" }
        ));
    }
    let n = rows.iter().filter(|r| r.pass).count();
    s.push_str(&format!("{n} of {} targets pass\n", rows.len()));
    s
}
