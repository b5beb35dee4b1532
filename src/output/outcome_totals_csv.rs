//! `outcome_totals.csv` (walkthrough #2): one table that answers "under each outcome of a
//! `run --by-outcome` split, what are the totals and period averages, and how likely is that
//! outcome?". Each outcome's rows are the rows of its folder's `totals.csv` and `averages.csv`
//! (the same cells, accumulated in the run's single pass), led by the outcome's share of paths
//! and its standard error; a last row set, outcome [`ALL`], repeats the unconditional
//! `totals.csv` and `averages.csv`, so that the shares can be seen to weigh the outcomes' means
//! back to it. Pure: results in, bytes out.

use super::answers_csv::period_band_rows;
use super::csv::{band_header, fmt_num, into_bytes, writer};
use crate::engine::run::OutcomeBands;
use crate::engine::stats::derived::{Derived, Share};
use crate::policy::calendar::MonthIdx;

/// The file's name, in a `run --by-outcome` folder.
pub const FILE: &str = "outcome_totals.csv";

/// The outcome of the rows over every path. Tree and node ids are `[A-Za-z0-9_-]+`, so no
/// outcome of a split can be written like this (a node may well be called `all`).
pub const ALL: &str = "(all)";

/// Header: which split and outcome, how likely it is, then the columns of `totals.csv` after
/// its `scenario`, with `statistic` (`total` or `mean`) saying which file's row it is.
pub const OUTCOME_TOTALS_HEADER: [&str; 24] = band_header([
    "scenario",
    "selector",
    "outcome",
    "paths",
    "share",
    "mc_se_share",
    "statistic",
    "period",
    "first_month",
    "last_month",
    "months",
    "variable",
    "unit",
]);

/// One row set per split of `bands` × outcome (in the split's order, then [`ALL`]) ×
/// statistic (totals, then averages) × period × variable. `all` and `paths` are the
/// unconditional run's.
pub fn outcome_totals_csv(
    scenario: &str,
    start: MonthIdx,
    all: &Derived,
    paths: u64,
    bands: &[OutcomeBands],
) -> Vec<u8> {
    let mut w = writer();
    w.write_record(OUTCOME_TOTALS_HEADER)
        .expect("in-memory write");
    for b in bands {
        let outcomes = b.split.outcomes.iter().map(String::as_str);
        let sets = outcomes
            .zip(b.derived.iter().zip(b.paths.iter().copied()))
            .chain(std::iter::once((ALL, (all, paths))));
        for (outcome, (d, n)) in sets {
            let share = Share::of_count(n, paths);
            let lead = [
                scenario.to_string(),
                b.split.key.clone(),
                outcome.to_string(),
                n.to_string(),
                fmt_num(share.p),
                fmt_num(share.se),
            ];
            let totals = period_band_rows(start, d, &d.totals, |p, j| d.total(p, j));
            let means = period_band_rows(start, d, &d.averages, |p, j| d.average(p, j));
            let stats = totals
                .into_iter()
                .map(|r| ("total", r))
                .chain(means.into_iter().map(|r| ("mean", r)));
            for (stat, row) in stats {
                let cells = lead.iter().map(String::as_str).chain([stat]);
                w.write_record(cells.chain(row.iter().map(String::as_str)))
                    .expect("in-memory write");
            }
        }
    }
    into_bytes(w)
}
