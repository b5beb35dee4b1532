//! `sanctions-sim calibrate`: the coarse fit of calibration.md §2. Prints the fitted
//! values and, with `--write`, stores them with the fit date in
//! `scenarios/history/market/fitted.toml`, the `[params]` parent that every replay extends.
//! The file is serialised with `toml` (so every value reads back as written) and written
//! atomically through `output::files`, never over an existing file without `--force`.

use super::CliError;
use crate::backtest::{self, calibrate};
use crate::dist::Dist;
use crate::suggest::ShowPath;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct CalibrateArgs {
    /// Paths per run and evaluation.
    #[arg(long, default_value_t = 300, allow_negative_numbers = true, value_parser = super::values::at_least_1)]
    pub paths: u64,
    /// Random seed, 0 to 9223372036854775807 as in a scenario file, shared by every run
    /// (common random numbers).
    #[arg(long, default_value_t = 42, allow_negative_numbers = true, value_parser = super::values::seed)]
    pub seed: u64,
    /// Passes of the coordinate search.
    #[arg(long, default_value_t = 2, allow_negative_numbers = true, value_parser = super::values::sweeps)]
    pub sweeps: u64,
    /// Folder of the replay scenarios [default: scenarios/history].
    #[arg(long, value_name = "DIR")]
    pub history: Option<PathBuf>,
    /// Write the fit to <history>/market/fitted.toml.
    #[arg(long)]
    pub write: bool,
    /// With --write, replace an existing fitted.toml.
    #[arg(long, requires = "write")]
    pub force: bool,
}

/// The text of `fitted.toml`: `header` as comment lines, then `[params]` with one line per
/// fitted parameter, in fit order, its value serialised by `toml` in the scenario-file form
/// (`{ tri = [lo, mode, hi] }`), so that the file reads back as the fit.
pub fn fitted_toml(header: &str, values: &[(String, Dist)]) -> String {
    let mut out: String = header.lines().map(|l| format!("# {l}\n")).collect();
    out.push_str("\n[params]\n");
    for (k, d) in values {
        let bare = !k.is_empty()
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        let key = if bare {
            k.clone()
        } else {
            toml::Value::String(k.clone()).to_string()
        };
        out.push_str(&format!("{key} = {}\n", d.to_toml()));
    }
    out
}

pub fn calibrate(a: CalibrateArgs) -> Result<(), CliError> {
    let history = a
        .history
        .clone()
        .unwrap_or_else(|| PathBuf::from(backtest::DEFAULT_HISTORY));
    let fitted = history.join("market").join("fitted.toml");
    // calibrate writes no result folder: its interrupt text speaks of the fit (D207).
    super::signals::set_before_text(if a.write {
        format!(
            "interrupted: stopped before the fit was complete; {} was not changed",
            fitted.shown()
        )
    } else {
        "interrupted: stopped before the fit was complete; nothing was written".to_string()
    });
    // Refuse before the fit, not after it (the write checks again): an existing file or a
    // link, and a folder that cannot be written (it used to fail after the whole fit, D174).
    if a.write {
        crate::output::files::check_file_target(&fitted, a.force)
            .map_err(|e| CliError::Input(e.to_string()))?;
    }
    // Fit from the priors: the current fitted.toml is ignored by clearing its overrides.
    let mut scenarios = backtest::load_from(&history, a.history.is_some())
        .map_err(|e| CliError::Input(e.to_string()))?;
    if a.write {
        preflight_dir(&fitted)?; // after the load, whose errors name a wrong --history better
    }
    for sc in &mut scenarios {
        for (name, _) in calibrate::GRID {
            if let Some(d) = crate::market::params::ParamSpec::default().get(name) {
                sc.params.set(name, d);
            }
        }
    }
    few_paths_caution(
        "calibrate",
        a.paths,
        "each evaluation of the objective then moves with \
         the draws as much as with the parameters, and the fit follows the noise",
    );
    let mut log = |s: &str| errln!("calibrate: {s}");
    let fit = super::worker_pool()?
        .install(|| {
            calibrate::fit(
                &mut scenarios,
                a.paths as usize,
                a.seed,
                a.sweeps as usize,
                &mut log,
            )
        })
        .map_err(|e| CliError::Internal(e.to_string()))?;
    let date = today();
    let header = format!(
        "Fitted by `sanctions-sim calibrate --paths {} --seed {} --sweeps {}` on {date}\n\
         (docs/calibration.md): coordinate search over the grids of src/backtest/calibrate.rs,\n\
         targets B1-B4 (data up to 2025-07). Objective {:.3} at the priors -> {:.3},\n\
         {} evaluations. Each value is tri(grid neighbours); others keep their priors. \
         Every replay extends this file.\n\
         fit_date = \"{date}\"",
        a.paths, a.seed, a.sweeps, fit.start, fit.best, fit.evaluations
    );
    let text = fitted_toml(&header, &fit.values);
    out!("{text}")?;
    if a.write {
        crate::output::files::write_file(&fitted, text.as_bytes(), a.force, ELSEWHERE)
            .map_err(|e| CliError::Input(e.to_string()))?;
        errln!("calibrate: wrote {}", fitted.shown());
    }
    Ok(())
}

/// Fewer paths than this give target bands and objective values dominated by Monte Carlo
/// noise: calibration.md's fit uses 300, its backtest 2,000.
pub(super) const FEW_PATHS: u64 = 100;

/// A caution on stderr when `paths` is below [`FEW_PATHS`] (hostile round 7 #8: `calibrate
/// --paths 1` printed a complete fit, fitted on one path per evaluation, without a word).
pub(super) fn few_paths_caution(cmd: &str, paths: u64, why: &str) {
    if paths < FEW_PATHS {
        errln!(
            "warning: {cmd}: --paths {paths} is few: {why}; use at least {FEW_PATHS} \
             (calibration.md uses 300 for the fit and 2000 for the backtest)"
        );
    }
}

/// How `calibrate` writes elsewhere: it has no `--out`, the fit is also printed on stdout.
const ELSEWHERE: &str =
    "run without --write and copy the fit printed on standard output where it belongs";

/// Whether the folder of `fitted` takes a new file: a probe file is created in it and
/// removed, as `run` and `backtest` test their output folder before simulating.
fn preflight_dir(fitted: &std::path::Path) -> Result<(), CliError> {
    let dir = match fitted.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let probe = dir.join(format!(".tmp-calibrate-probe-{}", std::process::id()));
    match std::fs::File::create_new(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            Ok(())
        }
        Err(e) => Err(CliError::Input(format!(
            "cannot write {} (--write): {e}; nothing was fitted: {}",
            fitted.shown(),
            crate::output::write_advice::advice(&e, ELSEWHERE)
        ))),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_file_reads_back_as_written() {
        let values = vec![
            ("dh_sdn".to_string(), Dist::tri(5.0, 8.0, 8.0)),
            ("mu_int".to_string(), Dist::uniform(12.0, 20.0)),
            ("alpha_f".to_string(), Dist::Const(3.0)),
        ];
        let text = fitted_toml("line one\nfit_date = \"2026-12-02\"", &values);
        assert_eq!(
            text,
            "# line one\n# fit_date = \"2026-12-02\"\n\n[params]\n\
             dh_sdn = { tri = [5.0, 8.0, 8.0] }\nmu_int = { uniform = [12.0, 20.0] }\n\
             alpha_f = 3.0\n"
        );
        #[derive(serde::Deserialize)]
        struct Back {
            params: std::collections::BTreeMap<String, Dist>,
        }
        let back: Back = toml::from_str(&text).unwrap_or_else(|e| panic!("{text}\n{e}"));
        assert_eq!(back.params.len(), 3);
        for (k, d) in &values {
            assert_eq!(back.params[k], *d, "{k}");
        }
    }
}
