//! The warnings on a run's diagnostics (solver, clamps, levers held at an edge, a premium
//! outside the calibration): one step that every command that simulates calls after its run
//! (`run`, `merge`, `compare` for each scenario, `sensitivity` for its main and swing runs),
//! so that a scenario pinned at a clamp is said whichever command ran it (hostile round 7,
//! finding 2). They go to stderr whatever `--quiet`, as `run`'s always have: `--quiet` drops
//! progress and summary lines, never a warning.

use crate::engine::run::RunResult;
use std::collections::BTreeMap;

/// One scenario's counters as a command recorded them.
pub(super) struct Diagnosed<'a> {
    /// Who the lines are about: the scenario's name, or e.g. `<name> (swing runs)`.
    pub name: &'a str,
    pub counts: &'a BTreeMap<String, u64>,
    /// Paths and months behind the counts (for the share-based warnings).
    pub paths: u64,
    pub months: usize,
    /// What precedes a counter's key under `diagnostics` in manifest.json: empty for `run`,
    /// `<scenario>.` for `compare`, which keeps every scenario's counters in one manifest;
    /// the lines name the key the user will find.
    pub key_prefix: &'a str,
}

impl<'a> Diagnosed<'a> {
    /// A run's counters, kept under their own keys (`run`, `merge`).
    pub fn of_run(name: &'a str, r: &'a RunResult) -> Diagnosed<'a> {
        Diagnosed {
            name,
            counts: &r.diagnostics,
            paths: r.paths,
            months: r.months,
            key_prefix: "",
        }
    }
}

/// One warning: the counter it is about, and its line.
#[derive(Debug, PartialEq)]
pub(super) struct Warning {
    pub key: &'static str,
    pub line: String,
}

/// Numerical trouble is never silent: counts that should be zero are reported on stderr (and
/// recorded in manifest.json).
pub(super) fn report(d: &Diagnosed) {
    for w in warnings(d) {
        errln!("{}", w.line);
    }
}

/// The lines of [`report`], in its order.
pub(super) fn warnings(d: &Diagnosed) -> Vec<Warning> {
    // `nonfinite_values` is an error of its own: [`super::run_warnings::nonfinite_outputs`].
    const MUST_BE_ZERO: [(&str, &str); 3] = [
        (
            "solver_not_converged",
            "root searches ended without converging",
        ),
        (
            "fleet_bound_violations",
            "path-months broke the tanker-fleet bound after re-clearing",
        ),
        (
            "tree_exit_limit_hits",
            "tree-months took the 64 tree exits a month allows and stopped there (exits that \
             often take no time, scenarios.md §5)",
        ),
    ];
    let (name, pre) = (d.name, d.key_prefix);
    let count = |key: &str| d.counts.get(key).copied().unwrap_or(0);
    let mut out = Vec::new();
    for (key, what) in MUST_BE_ZERO {
        let n = count(key);
        if n > 0 {
            out.push(Warning {
                key,
                line: format!(
                    "warning: {name}: {n} {what} (see diagnostics.{pre}{key} in manifest.json)"
                ),
            });
        }
    }
    let clamps = count("brent_clamp_hits");
    if clamps > 0 {
        out.push(Warning {
            key: "brent_clamp_hits",
            line: format!(
                "warning: {name}: Brent hit its [5, 400] $/bbl clamp in {clamps} path-months"
            ),
        });
    }
    let bound = count("bound_hits");
    if bound > 0 {
        out.push(Warning {
            key: "bound_hits",
            line: format!(
                "warning: {name}: in {bound} path-months an event pushed a lever or the risk \
                 premium to the edge of its range, where it was held (D131; \
                 diagnostics.{pre}bound_hits in manifest.json): check designation waves whose \
                 shares add up past the whole basin (`validate` names them; the share is then \
                 held at 1 and the waves scaled down), a share's `pulse` in a month a wave \
                 steps (held at 1 that month only), events that repeat (tree nodes \
                 re-entered every month) or jumps larger than ±1 log point"
            ),
        });
    }
    // A premium past the limit happens in the shipped scenarios' tails (0.1–0.3% of
    // path-months); in more than 1%, on at least 5 paths, the market file has left the
    // calibrated range.
    let premium = count("premium_basin_months");
    let total = (d.paths as f64 * d.months as f64).max(1.0);
    if share_warrants_warning(premium, d.months, total) {
        out.push(Warning {
            key: "premium_basin_months",
            line: format!(
                "warning: {name}: Russian crude was priced more than ${} above Brent (FOB) in \
                 {premium} of {total} path-months ({:.1}%), far outside the calibration: check \
                 the market file's route capacities and costs (see \
                 diagnostics.{pre}premium_basin_months in manifest.json)",
                crate::engine::path::PREMIUM_LIMIT_USD,
                100.0 * premium as f64 / total
            ),
        });
    }
    out
}

/// Fewest paths a share-based warning needs behind it (D211): a path contributes at most
/// one count a month, so `count` path-months involve at least `count / months` paths.
pub(super) const MIN_PATHS_FOR_SHARE: u64 = 5;

/// Whether `count` of `total` path-months (over runs of `months` months) is more than 1% and
/// involves at least [`MIN_PATHS_FOR_SHARE`] paths: one tail path of a 40-path run is 2.5% of
/// its path-months, a sample-size effect, not a market file off its calibration (D211).
pub(super) fn share_warrants_warning(count: u64, months: usize, total: f64) -> bool {
    let months = months.max(1) as u64;
    let least_paths = count.div_ceil(months);
    count as f64 > 0.01 * total && least_paths >= MIN_PATHS_FOR_SHARE
}

#[cfg(test)]
mod tests {
    use super::*;

    /// D211: 16 path-months of one path in 40 × 24 (1.7%) do not warn; the same share spread
    /// over 5 or more paths does, and below 1% nothing does however many paths.
    #[test]
    fn share_warnings_need_enough_paths() {
        use super::share_warrants_warning as warn;
        assert!(!warn(16, 24, 960.0));
        assert!(!warn(96, 24, 960.0)); // at least 4 paths
        assert!(warn(97, 24, 960.0)); // at least 5 paths
        assert!(warn(960, 24, 960.0));
        assert!(!warn(99, 1, 10_000.0)); // 0.99%, 99 paths
        assert!(warn(101, 1, 10_000.0));
    }

    /// `run`'s lines are unchanged (tests and users match them), and a prefix names the key
    /// where compare's manifest keeps it.
    #[test]
    fn lines_name_the_manifest_key() {
        let counts: BTreeMap<String, u64> = [
            ("solver_not_converged", 2),
            ("brent_clamp_hits", 7),
            ("bound_hits", 3),
            ("premium_basin_months", 60),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let mut d = Diagnosed {
            name: "s",
            counts: &counts,
            paths: 10,
            months: 6,
            key_prefix: "",
        };
        let lines: Vec<String> = warnings(&d).into_iter().map(|w| w.line).collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!(
            lines[0],
            "warning: s: 2 root searches ended without converging (see \
             diagnostics.solver_not_converged in manifest.json)"
        );
        assert_eq!(
            lines[1],
            "warning: s: Brent hit its [5, 400] $/bbl clamp in 7 path-months"
        );
        assert!(lines[2].contains("(D131; diagnostics.bound_hits in manifest.json)"));
        assert!(lines[3].contains("in 60 of 60 path-months (100.0%)"));
        d.key_prefix = "s.";
        let lines: Vec<String> = warnings(&d).into_iter().map(|w| w.line).collect();
        assert!(lines[0].contains("diagnostics.s.solver_not_converged"));
        assert!(lines[2].contains("diagnostics.s.bound_hits"));
        assert!(lines[3].contains("diagnostics.s.premium_basin_months"));
        let none = BTreeMap::new();
        d.counts = &none;
        assert!(warnings(&d).is_empty());
    }
}
