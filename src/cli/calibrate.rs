//! `sanctions-sim calibrate`: the coarse fit of calibration.md §2. Prints the fitted
//! values and, with `--write`, stores them with the fit date in
//! `scenarios/history/market/fitted.toml`, the `[params]` parent that every replay extends.

use super::CliError;
use crate::backtest::{self, calibrate};
use crate::dist::Dist;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Paths per run and evaluation.
    #[arg(long, default_value_t = 300, value_parser = clap::value_parser!(u64).range(1..))]
    pub paths: u64,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Passes of the coordinate search.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=10))]
    pub sweeps: u64,
    /// Folder of the replay scenarios.
    #[arg(long, default_value = "scenarios/history")]
    pub history: PathBuf,
    /// Write the fit to <history>/market/fitted.toml.
    #[arg(long)]
    pub write: bool,
}

pub fn calibrate(a: CalibrateArgs) -> Result<(), CliError> {
    let fitted = a.history.join("market").join("fitted.toml");
    // Fit from the priors: the current fitted.toml is ignored by clearing its overrides.
    let mut scenarios = backtest::load_all(&a.history).map_err(CliError::Input)?;
    for sc in &mut scenarios {
        for (name, _) in calibrate::GRID {
            if let Some(d) = crate::market::params::ParamSpec::default().get(name) {
                sc.params.set(name, d);
            }
        }
    }
    let mut log = |s: &str| eprintln!("calibrate: {s}");
    let fit = calibrate::fit(
        &mut scenarios,
        a.paths as usize,
        a.seed,
        a.sweeps as usize,
        &mut log,
    )
    .map_err(CliError::Internal)?;
    let date = today();
    let mut toml = format!(
        "# Fitted by `sanctions-sim calibrate --paths {} --seed {} --sweeps {}` on {date}\n\
         # (docs/calibration.md): coordinate search over the grids of src/backtest/calibrate.rs,\n\
         # targets B1-B4 (data up to 2025-07). Objective {:.3} at the priors -> {:.3},\n\
         # {} evaluations. Each value is tri(grid neighbours); others keep their priors. Every replay extends this file.\n\
         fit_date = \"{date}\"\n\n[params]\n",
        a.paths, a.seed, a.sweeps, fit.start, fit.best, fit.evaluations
    );
    toml = toml.replace("fit_date = ", "# fit_date = ");
    for (k, d) in &fit.values {
        match d {
            Dist::Triangular { lo, mode, hi } => {
                toml.push_str(&format!("{k} = {{ tri = [{lo}, {mode}, {hi}] }}\n"))
            }
            d => toml.push_str(&format!("{k} = {d}\n")),
        }
    }
    print!("{toml}");
    if a.write {
        std::fs::write(&fitted, &toml)
            .map_err(|e| CliError::Internal(format!("{}: {e}", fitted.display())))?;
        eprintln!("calibrate: wrote {}", fitted.display());
    }
    Ok(())
}

/// UTC date `YYYY-MM-DD` from the system clock (days-from-civil inverse, no extra crate).
fn today() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs()) as i64;
    let z = secs.div_euclid(86_400) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
