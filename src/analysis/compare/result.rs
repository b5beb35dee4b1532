//! What a comparison returns (level bands, paired differences) and why it can fail; the
//! simulation that fills them is in the parent module.

use super::ComparedVar;
use crate::engine::stats::derived::Derived;
pub use crate::engine::stats::share_diff::ShareDiff;
use crate::engine::stats::{Summary, SummaryMode};
use crate::engine::vars::Var;
use std::collections::BTreeMap;

/// Why a comparison could not run.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("paths and months must be at least 1")]
    NoPaths,
    #[error("nothing to compare: give at least one scenario besides the baseline")]
    NothingToCompare,
    #[error(
        "scenario `{scenario}` starts in {start} but the baseline `{baseline}` starts in \
         {baseline_start}; compared scenarios must start in the same month"
    )]
    StartMismatch {
        scenario: String,
        start: String,
        baseline: String,
        baseline_start: String,
    },
    /// A horizon past a scenario's imposed Brent rows ([`Scenario::check_months`]).
    ///
    /// [`Scenario::check_months`]: crate::scenario::Scenario::check_months
    #[error("{0}")]
    Horizon(String),
    /// A variable name that the two market files give different meanings
    /// ([`super::redefined_error`]).
    #[error("{0}")]
    Redefined(String),
    #[error("cannot start worker threads: {0}")]
    Threads(rayon::ThreadPoolBuildError),
    /// A `--prob` expression that a scenario's variables cannot answer.
    #[error("{scenario}: {message}")]
    Probe {
        scenario: String,
        message: crate::engine::stats::derived::ProbeErrors,
    },
    /// A `--period` window outside the comparison's horizon.
    #[error("{0}")]
    Period(crate::engine::stats::period_spec::PeriodErrors),
}

impl CompareError {
    /// Whether the caller asked for something impossible (exit code 1), rather than the
    /// environment failing (exit code 2).
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, CompareError::Threads(_))
    }
}

/// One scenario's own bands of the `level_vars` given to [`compare_with_levels`] that it
/// reports.
#[derive(Debug, Clone)]
pub struct LevelBands {
    pub scenario: String,
    /// Each kept variable, in the order of `level_vars`.
    pub vars: Vec<Var>,
    pub summary: Summary,
}

/// The comparison of one scenario with the baseline.
#[derive(Debug, Clone)]
pub struct ScenarioDiff {
    /// Scenario name.
    pub scenario: String,
    pub vars: Vec<ComparedVar>,
    /// Statistics of the per-path difference `scenario − baseline`, cells `[t * vars + v]`.
    /// A path where either value is not finite is skipped (counted in `nonfinite`).
    pub summary: Summary,
    /// Paths where the scenario is strictly greater than the baseline, per cell.
    pub greater: Vec<u64>,
    /// Bands of the per-path differences of calendar-year and horizon totals (and averages).
    pub totals: Derived,
    /// The baseline's mean level of each cell of `summary` (for % change), same layout.
    pub base_mean: Vec<f64>,
    /// The baseline's mean total of each cell of `totals`, `[period * totals + j]`.
    pub base_total_mean: Vec<f64>,
    /// The baseline's mean period average of each of `totals.averages`, `[period * averages + j]`.
    pub base_average_mean: Vec<f64>,
    /// Diagnostics of this scenario's paths, as in `RunResult::diagnostics`.
    pub diagnostics: BTreeMap<String, u64>,
}

impl ScenarioDiff {
    /// Share of paths (with a finite difference) where the scenario is greater; NaN if none.
    pub fn prob_greater(&self) -> Vec<f64> {
        self.summary
            .cells
            .iter()
            .zip(&self.greater)
            .map(|(c, &g)| {
                if c.n == 0 {
                    f64::NAN
                } else {
                    g as f64 / c.n as f64
                }
            })
            .collect()
    }

    pub fn var_index(&self, name: &str) -> Option<usize> {
        self.vars.iter().position(|v| v.name == name)
    }
}

#[derive(Debug, Clone)]
pub struct CompareResult {
    pub baseline: String,
    /// One per compared scenario, in the order given.
    pub diffs: Vec<ScenarioDiff>,
    /// Diagnostics of the baseline's paths.
    pub baseline_diagnostics: BTreeMap<String, u64>,
    /// Own bands of `level_vars`, baseline first (empty when none were asked for).
    pub levels: Vec<LevelBands>,
    /// Each scenario's threshold probabilities, baseline first (empty without `--prob`).
    pub probabilities: Vec<(String, Derived)>,
    /// Per compared scenario (not the baseline), the paired difference of each threshold
    /// indicator, scenario − baseline, in the order of [`Derived::prob`]'s cells:
    /// `[(probe · months + t) · 3 + k]`, k = now, so far, this year (walkthrough 8 #8).
    pub prob_diffs: Vec<Vec<ShareDiff>>,
    pub paths: u64,
    pub months: usize,
    pub seed: u64,
    pub threads: usize,
    pub wall_seconds: f64,
}

impl CompareResult {
    /// Path-months simulated per second, over all scenarios (baseline included).
    pub fn path_months_per_second(&self) -> f64 {
        (self.paths as f64 * self.months as f64 * (1 + self.diffs.len()) as f64)
            / self.wall_seconds.max(1e-9)
    }

    pub fn mode(&self) -> SummaryMode {
        self.diffs
            .first()
            .map_or(SummaryMode::Exact, |d| d.summary.mode)
    }
}

/// The baseline's mean of each (period, variable) of `names`, in period-major order, from
/// `table_means`, the baseline's means of its own table `table` (period-major too); NaN for a
/// variable the baseline's table lacks.
pub(super) fn period_means(
    periods: usize,
    names: &[String],
    table: &[String],
    table_means: &[f64],
) -> Vec<f64> {
    (0..periods)
        .flat_map(|p| names.iter().map(move |n| (p, n)))
        .map(|(p, n)| {
            table
                .iter()
                .position(|b| b == n)
                .map_or(f64::NAN, |k| table_means[p * table.len() + k])
        })
        .collect()
}
