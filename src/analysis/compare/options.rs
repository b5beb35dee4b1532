//! The run shape of a comparison (`compare`'s options).

use crate::engine::stats::DEFAULT_BUDGET_BYTES;
use crate::scenario::Scenario;

/// Run shape of a comparison: one seed, path count and horizon for every scenario.
#[derive(Debug, Clone)]
pub struct CompareOptions {
    pub paths: u64,
    pub months: usize,
    pub seed: u64,
    /// Worker threads; 0 means all cores.
    pub threads: usize,
    /// Memory budget of the exact quantiles, over all compared scenarios together.
    pub budget_bytes: u64,
    /// `--prob` expressions: each scenario's threshold probabilities (levels, not differences).
    pub probes: Vec<String>,
    /// `--period FROM..TO` windows: rows of `compare_totals.csv` and `compare_averages.csv`
    /// after the calendar years and the horizon (walkthrough 10 #13).
    pub periods: Vec<String>,
}

impl CompareOptions {
    /// The baseline's paths and seed, and the shortest horizon of all scenarios.
    pub fn from_scenarios(baseline: &Scenario, others: &[&Scenario]) -> CompareOptions {
        CompareOptions {
            paths: baseline.paths,
            months: others
                .iter()
                .map(|s| s.months)
                .fold(baseline.months, usize::min),
            seed: baseline.seed,
            threads: 0,
            budget_bytes: DEFAULT_BUDGET_BYTES,
            probes: Vec::new(),
            periods: Vec::new(),
        }
    }
}
