//! `sanctions-sim backtest`: runs every replay and counterfactual of `scenarios/history/`,
//! writes `<out>/backtest/report.csv` and one SVG per replay, prints the table, and exits 1 when
//! a target fails (docs/calibration.md).

use super::CliError;
use crate::backtest::{self, svg, targets};
use crate::output::files::prepare;
use crate::suggest::ShowPath;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Monte Carlo paths per run (every replay and counterfactual).
    #[arg(long, default_value_t = 2000, allow_negative_numbers = true, value_parser = super::values::at_least_1)]
    pub paths: u64,
    /// Random seed, 0 to 9223372036854775807 as in a scenario file, shared by every run
    /// (common random numbers).
    #[arg(long, default_value_t = 42, allow_negative_numbers = true, value_parser = super::values::seed)]
    pub seed: u64,
    /// Output root: results go to <out>/backtest/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Replace an existing <out>/backtest/.
    #[arg(long)]
    pub force: bool,
    /// Folder of the replay scenarios (with `counterfactual/` inside) [default: scenarios/history].
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// How CSV files are written: `default` (`,`-separated, `.` decimal mark) or `excel-eu`
    /// (`;`-separated, `,` decimal mark, ISO dates) for spreadsheets in decimal-comma locales.
    #[arg(long = "csv-dialect", value_enum, value_name = "DIALECT", default_value_t = crate::output::dialect::CsvDialect::Default)]
    pub csv_dialect: crate::output::dialect::CsvDialect,
}

pub fn backtest(a: BacktestArgs) -> Result<(), CliError> {
    let history = a
        .history
        .clone()
        .unwrap_or_else(|| PathBuf::from(backtest::DEFAULT_HISTORY));
    let scenarios = backtest::load_from(&history, a.history.is_some())
        .map_err(|e| CliError::Input(e.to_string()))?;
    // The charts' observed points are an input like the replays: read (and checked) before
    // anything is simulated, not after (hostile round 13 F3).
    let observed = read_observed(&history, &scenarios)?;
    let stage = prepare(&a.out, "backtest", a.force)
        .map_err(|e| CliError::Input(e.to_string()))?
        .with_csv_dialect(a.csv_dialect);
    super::calibrate::few_paths_caution(
        "backtest",
        a.paths,
        "each target's band then shows the draws of a few paths, and a pass or a miss can \
         turn on the seed",
    );
    let t0 = std::time::Instant::now();
    let runs =
        super::worker_pool()?.install(|| backtest::simulate(&scenarios, a.paths as usize, a.seed));
    let rows = targets::evaluate(&runs).map_err(|e| CliError::Internal(e.to_string()))?;
    let csv = backtest::report_csv(&rows).map_err(|e| CliError::Internal(e.to_string()))?;
    // A failed write is bad input (exit 1, a full disk or a read-only folder), as in every
    // other command; it used to be exit 2, "a bug" (D176).
    let io = |e: crate::output::files::OutputError| CliError::Input(e.to_string());
    stage.write("report.csv", &csv).map_err(io)?;
    for name in backtest::REPLAYS {
        let chart =
            svg::chart(&runs[*name], &observed).map_err(|e| CliError::Internal(e.to_string()))?;
        stage
            .write(&format!("{name}.svg"), chart.as_bytes())
            .map_err(io)?;
    }
    let dir = stage.commit().map_err(io)?;
    out!("{}", backtest::table(&rows))?;
    errln!(
        "backtest: {} runs x {} paths in {:.1} s -> {}",
        runs.len(),
        a.paths,
        t0.elapsed().as_secs_f64(),
        dir.shown()
    );
    let failed = rows.iter().filter(|r| !r.pass).count();
    if failed > 0 {
        return Err(CliError::Input(format!(
            "backtest: {failed} of {} targets fail (see {}/report.csv)",
            rows.len(),
            dir.shown()
        )));
    }
    Ok(())
}

/// The observed points of the charts: `backtest_observed.csv` in the folder of the Brent series
/// the replays impose (the repository's `data/`), else `<history>/../../data/`.
fn read_observed(
    history: &std::path::Path,
    scenarios: &[crate::scenario::Scenario],
) -> Result<Vec<backtest::observed::Observation>, CliError> {
    use backtest::observed::{parse, FILE};
    let dir = scenarios
        .iter()
        .find_map(|s| s.brent_imposed.as_ref())
        .and_then(|b| b.path.parent().map(|d| d.to_path_buf()))
        .unwrap_or_else(|| history.join("..").join("..").join("data"));
    let file = dir.join(FILE);
    let fail = |problem: String| {
        CliError::Input(
            backtest::BacktestError::Data {
                file: file.clone(),
                line: 0,
                problem,
            }
            .to_string(),
        )
    };
    // Under a limit, regular files only, as every input (crate::bounded): a FIFO or
    // `/dev/zero` in its place is refused, not read for ever.
    let read = crate::bounded::read(&file, crate::bounded::OBSERVED).map_err(|e| {
        if e.is_limit() {
            // It names the file and the rule.
            CliError::Input(e.to_string())
        } else {
            fail(format!(
                "cannot read the backtest's observed points: {e}; {}",
                backtest::moved_folder_fix(history)
            ))
        }
    })?;
    let text = String::from_utf8(read.bytes)
        .map_err(|_| fail("is not UTF-8 text; save it as UTF-8".to_string()))?;
    parse(&file, &text).map_err(|e| CliError::Input(e.to_string()))
}
