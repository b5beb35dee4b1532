//! `sanctions-sim backtest`: runs every replay and counterfactual of `scenarios/history/`,
//! writes `<out>/backtest/report.csv` and one SVG per replay, prints the table, and exits 1 when
//! a target fails (docs/calibration.md).

use super::CliError;
use crate::backtest::{self, svg, targets};
use crate::output::files::prepare;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Monte Carlo paths per run (every replay and counterfactual).
    #[arg(long, default_value_t = 2000, allow_negative_numbers = true, value_parser = super::values::at_least_1)]
    pub paths: u64,
    /// Random seed, shared by every run (common random numbers).
    #[arg(long, default_value_t = 42, allow_negative_numbers = true, value_parser = super::values::zero_or_more)]
    pub seed: u64,
    /// Output root: results go to <out>/backtest/.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Replace an existing <out>/backtest/.
    #[arg(long)]
    pub force: bool,
    /// Folder of the replay scenarios (with `counterfactual/` inside).
    #[arg(long, default_value = "scenarios/history")]
    pub history: PathBuf,
}

pub fn backtest(a: BacktestArgs) -> Result<(), CliError> {
    let scenarios = backtest::load_all(&a.history).map_err(|e| CliError::Input(e.to_string()))?;
    let stage = prepare(&a.out, "backtest", a.force).map_err(|e| CliError::Input(e.to_string()))?;
    let t0 = std::time::Instant::now();
    let runs = backtest::simulate(&scenarios, a.paths as usize, a.seed);
    let rows = targets::evaluate(&runs).map_err(|e| CliError::Internal(e.to_string()))?;
    let csv = backtest::report_csv(&rows).map_err(|e| CliError::Internal(e.to_string()))?;
    let io = |e: crate::output::files::OutputError| CliError::Internal(e.to_string());
    stage.write("report.csv", &csv).map_err(io)?;
    for name in backtest::REPLAYS {
        let chart = svg::chart(&runs[*name]).map_err(|e| CliError::Internal(e.to_string()))?;
        stage
            .write(&format!("{name}.svg"), chart.as_bytes())
            .map_err(io)?;
    }
    let dir = stage.commit().map_err(io)?;
    crate::out!("{}", backtest::table(&rows))?;
    crate::errln!(
        "backtest: {} runs x {} paths in {:.1} s -> {}",
        runs.len(),
        a.paths,
        t0.elapsed().as_secs_f64(),
        dir.display()
    );
    let failed = rows.iter().filter(|r| !r.pass).count();
    if failed > 0 {
        return Err(CliError::Input(format!(
            "backtest: {failed} of {} targets fail (see {}/report.csv)",
            rows.len(),
            dir.display()
        )));
    }
    Ok(())
}
