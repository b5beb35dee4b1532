//! The answer flags `run` and `compare` share: `--prob` (monthly thresholds, and a period's
//! total or mean) and `--period FROM..TO` (windows of totals and averages), checked against
//! each scenario before anything is simulated, and the files their answers go to.

use crate::engine::stats::derived::{duplicate_probes, parse_probe_set, Derived};
use crate::engine::stats::period_spec::{duplicate_periods, parse_periods};
use crate::policy::calendar::MonthIdx;
use crate::scenario::Scenario;
use crate::suggest::ShowPath;

/// The help of `--period`, worded for `run`; `compare` says which files it adds to.
pub const PERIOD_HELP: &str = "Also total and average over the months FROM..TO (YYYY-MM, \
     inclusive), e.g. --period 2025-11..2026-10: rows of totals.csv and averages.csv after the \
     calendar years and the horizon, labelled `2025-11..2026-10`. Must lie inside the \
     horizon. Repeatable";

/// Every problem of `probs` and `periods` for a run of `months` months of `sc`, each line
/// after the scenario file, into `errors`.
pub(super) fn check(
    sc: &Scenario,
    months: usize,
    probs: &[String],
    periods: &[String],
    errors: &mut Vec<String>,
) {
    let vars: Vec<(String, String)> = crate::engine::vars::variables(&sc.market)
        .iter()
        .map(|v| (v.name.clone(), v.unit.clone()))
        .collect();
    if let Err(e) = parse_probe_set(probs, &vars, sc.start, months) {
        errors.push(format!("{}: {e}", sc.path.shown()));
    }
    if let Err(e) = parse_periods(periods, sc.start, months) {
        errors.push(format!("{}: {e}", sc.path.shown()));
    }
}

/// A `warning:` line for each `--prob` or `--period` text dropped as a repeat of an earlier
/// one (checked against `sc`, the first scenario).
pub(super) fn warn_repeats(sc: &Scenario, months: usize, probs: &[String], periods: &[String]) {
    let vars = crate::engine::vars::variables(&sc.market);
    let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
    for (dropped, kept) in duplicate_probes(probs, &names) {
        errln!("warning: --prob `{dropped}` repeats `{kept}`; dropped (one row per question)");
    }
    for (dropped, kept) in duplicate_periods(periods, sc.start, months) {
        errln!("warning: --period `{dropped}` repeats `{kept}`; dropped (one row per window)");
    }
}

/// A run's `totals.csv`, `probabilities.csv` when a monthly `--prob` was given, `averages.csv`,
/// and `period_probabilities.csv` when a period `--prob` was given (each new file after the
/// ones before it, so that they keep their places: walkthrough 8 #4, walkthrough 10 #15).
pub(super) fn run_files(label: &str, start: MonthIdx, d: &Derived) -> Vec<(&'static str, Vec<u8>)> {
    use crate::output::answers_csv::{averages_csv, probabilities_csv, totals_csv};
    use crate::output::period_probs_csv::{period_probabilities_csv, FILE};
    let mut v = vec![("totals.csv", totals_csv(label, start, d))];
    if !d.probes.is_empty() {
        v.push(("probabilities.csv", probabilities_csv(start, &[(label, d)])));
    }
    v.push(("averages.csv", averages_csv(label, start, d)));
    if !d.period_probes.is_empty() {
        v.push((FILE, period_probabilities_csv(start, &[(label, d)])));
    }
    v
}
