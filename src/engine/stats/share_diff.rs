//! The paired difference of two scenarios' shares of paths past a `--prob` threshold, from
//! the per-path differences of their 0/1 indicators (`compare --prob`, walkthrough 8 #8).

use super::CellStats;

/// The paired difference of two shares of paths: the mean over paths of (the scenario's 0/1
/// indicator − the baseline's), with its Monte Carlo standard error `sd/√n` of those per-path
/// differences, as `mc_se_mean_diff` of compare.csv (D217). On common random numbers this is
/// usually well below the independent `√(se_a² + se_b²)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ShareDiff {
    /// Paths where both indicators are finite.
    pub n: u64,
    /// Difference of shares (−1…1); NaN when `n = 0`.
    pub diff: f64,
    /// Its Monte Carlo standard error; NaN when `n < 2`.
    pub se: f64,
}

impl ShareDiff {
    /// From the moments of a cell of per-path differences in {−1, 0, 1}: their sum is an
    /// integer, so the mean is rounded back to a count over `n`, as [`Share`]'s is.
    ///
    /// [`Share`]: crate::engine::stats::derived::Share
    pub fn of(c: &CellStats) -> ShareDiff {
        if c.n == 0 {
            return ShareDiff {
                n: 0,
                diff: f64::NAN,
                se: f64::NAN,
            };
        }
        let n = c.n as f64;
        ShareDiff {
            n: c.n,
            diff: (c.mean * n).round() / n,
            se: c.mc_se_mean,
        }
    }
}
