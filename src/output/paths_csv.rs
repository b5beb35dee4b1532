//! `paths.csv` (`run --sample-paths N`): the first N paths of a run, every month and output
//! variable, long format `path,date,variable,value`, so an analyst can audit single
//! trajectories behind the bands.
//!
//! The run itself keeps no path matrix (its statistics are streamed), so these paths are
//! simulated again. That gives the run's own paths exactly: every random stream of a path is
//! keyed by (seed, path index, quantity) (`engine::rng::keyed`), and a path does not depend on
//! any other path or on the thread that runs it. `tests/xlsx.rs` checks that the mean of
//! paths.csv over all paths of a small run equals summary.csv's mean.

use super::csv::fmt_num;
use super::csv::{into_bytes, writer};
use crate::engine::path::PathSim;
use crate::engine::vars::Var;
use crate::policy::calendar::{iso_first, MonthIdx};
use crate::scenario::Scenario;
use rayon::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};

/// Header of `paths.csv`.
pub const PATHS_HEADER: [&str; 4] = ["path", "date", "variable", "value"];

/// Paths rendered per parallel task; the parts are joined in path order, so the bytes do not
/// depend on the thread count.
const PATHS_PER_TASK: u64 = 16;

/// Most rows `paths.csv` may have (about 40 bytes each): the file is built in memory, and
/// past this size it is no longer a file to audit by eye or in a spreadsheet.
pub const MAX_ROWS: u64 = 10_000_000;

/// Why `paths.csv` was not produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PathsError {
    #[error(
        "--sample-paths {asked} is more than the {paths} paths {of} scenario `{scenario}`; \
         ask for at most {paths} or {fix}"
    )]
    TooMany {
        scenario: String,
        asked: u64,
        paths: u64,
        /// What the run's path count is (`of`, or what `--precision` is sure to run of).
        of: String,
        fix: String,
    },
    #[error(
        "--sample-paths {asked} would write {rows} rows to paths.csv for scenario `{scenario}` \
         ({months} months x {vars} variables per path); at most {MAX_ROWS} are allowed: \
         ask for at most {max_paths} paths or fewer --months"
    )]
    TooLarge {
        scenario: String,
        asked: u64,
        rows: u64,
        months: usize,
        vars: usize,
        max_paths: u64,
    },
    #[error("interrupted")]
    Cancelled,
    #[error("cannot start worker threads for paths.csv: {0}")]
    Threads(String),
}

/// Checks `--sample-paths` against the run's path count and [`MAX_ROWS`] before anything is
/// simulated. N above the path count is an error, not clamped: a silently shorter file would
/// look like a complete one.
pub fn check(
    scenario: &str,
    asked: u64,
    paths: u64,
    months: usize,
    vars: usize,
) -> Result<(), PathsError> {
    if asked > paths {
        return Err(PathsError::TooMany {
            scenario: scenario.to_string(),
            asked,
            paths,
            of: "of".into(),
            fix: "raise --paths".into(),
        });
    }
    check_rows(scenario, asked, months, vars)
}

/// [`check`] for a `--precision` run: its path count is not `--paths` but at least its first
/// batch (`--paths` rounded up to whole chunk groups, capped at `--max-paths`; the run never
/// stops before it), which is what N is checked against (hostile round 9 #5: a run of 300
/// paths was refused against `--paths 10`).
pub fn check_precise(
    scenario: &str,
    asked: u64,
    (paths, max_paths): (u64, u64),
    months: usize,
    vars: usize,
) -> Result<(), PathsError> {
    let first = crate::engine::precision::first_batch(paths, max_paths);
    if asked > first {
        let fix = if first == max_paths {
            format!("raise --max-paths (the first batch is capped at --max-paths {max_paths})")
        } else {
            format!(
                "raise --paths (the first batch is --paths {paths} rounded up to whole groups \
                 of {} paths)",
                crate::engine::run::GROUP_PATHS
            )
        };
        return Err(PathsError::TooMany {
            scenario: scenario.to_string(),
            asked,
            paths: first,
            of: "that --precision is sure to run (its first batch) for".into(),
            fix,
        });
    }
    check_rows(scenario, asked, months, vars)
}

/// The [`MAX_ROWS`] half of [`check`].
fn check_rows(scenario: &str, asked: u64, months: usize, vars: usize) -> Result<(), PathsError> {
    let per_path = (months as u64).saturating_mul(vars as u64).max(1);
    let rows = asked.saturating_mul(per_path);
    if rows > MAX_ROWS {
        return Err(PathsError::TooLarge {
            scenario: scenario.to_string(),
            asked,
            rows,
            months,
            vars,
            max_paths: MAX_ROWS / per_path,
        });
    }
    Ok(())
}

fn render_path(
    sc: &Scenario,
    seed: u64,
    months: usize,
    vars: &[Var],
    path: u64,
    w: &mut ::csv::Writer<Vec<u8>>,
) {
    let nv = vars.len();
    let mut sim = PathSim::new(sc, seed, path);
    let mut buf = vec![0.0; nv];
    let p = path.to_string();
    for t in 0..months {
        // Same calls, in the same order, as the run's chunk loop (engine::run).
        sim.step_month();
        sim.write_vars(vars, &mut buf);
        let date = iso_first(sc.start + t as MonthIdx);
        for (v, x) in vars.iter().zip(&buf) {
            w.write_record([p.as_str(), date.as_str(), v.name.as_str(), &fmt_num(*x)])
                .expect("in-memory CSV");
        }
    }
}

/// `paths.csv` for paths `0..n` of `sc` run with `seed` for `months` months, variables in the
/// run's order (`vars`: `RunResult::vars`), on `threads` worker threads (0: all cores).
/// Returns [`PathsError::Cancelled`] when `cancel` is seen set.
pub fn paths_csv(
    sc: &Scenario,
    seed: u64,
    months: usize,
    vars: &[Var],
    n: u64,
    threads: usize,
    cancel: Option<&AtomicBool>,
) -> Result<Vec<u8>, PathsError> {
    let pool =
        crate::engine::threads::pool(threads).map_err(|e| PathsError::Threads(e.to_string()))?;
    pool.install(|| render(sc, seed, months, vars, n, cancel))
}

fn render(
    sc: &Scenario,
    seed: u64,
    months: usize,
    vars: &[Var],
    n: u64,
    cancel: Option<&AtomicBool>,
) -> Result<Vec<u8>, PathsError> {
    let tasks = n.div_ceil(PATHS_PER_TASK);
    let parts: Vec<Option<Vec<u8>>> = (0..tasks)
        .into_par_iter()
        .map(|k| {
            let mut w = ::csv::WriterBuilder::new()
                .terminator(::csv::Terminator::Any(b'\n'))
                .has_headers(false)
                .from_writer(Vec::new());
            for path in k * PATHS_PER_TASK..((k + 1) * PATHS_PER_TASK).min(n) {
                if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return None;
                }
                render_path(sc, seed, months, vars, path, &mut w);
            }
            Some(into_bytes(w))
        })
        .collect();
    let mut head = writer();
    head.write_record(PATHS_HEADER).expect("in-memory CSV");
    let mut out = into_bytes(head);
    let total: usize = parts.iter().flatten().map(Vec::len).sum();
    out.reserve_exact(total);
    for p in parts {
        out.extend(p.ok_or(PathsError::Cancelled)?);
    }
    Ok(out)
}
