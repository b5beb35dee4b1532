//! `run`: load and check every scenario and output folder first, then simulate each and write
//! its folder atomically.

use super::run_warnings::{
    missed_precision, nonfinite_outputs, reached_precision, warn_cut_events, warn_findings,
    warn_outside_folder, warn_window,
};
pub(crate) use super::run_write::{write, Extras};
use super::{expand_inputs, CliError};
use crate::engine::run::{
    resolve_outcome, run_split, OutcomeSplit, RunError, RunOptions, RunResult,
};
use crate::output::files::{prepare, Staging};
use crate::scenario::Scenario;
use crate::suggest::ShowPath;
use clap::Args;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// `--max-paths` when not given.
const DEFAULT_MAX_PATHS: u64 = 1_000_000;
use std::sync::{Arc, OnceLock};

/// Exit code after SIGINT or SIGTERM (documented in README.md and docs/reliability.md).
pub const EXIT_INTERRUPTED: i32 = 130;

/// The process-wide "stop requested" flag, set by the binary's signal handler.
static STOP: OnceLock<Arc<AtomicBool>> = OnceLock::new();

/// Installs the flag that SIGINT/SIGTERM set; `run` passes it to the engine and to every
/// result folder, so a stop makes the engine return early and no folder is committed.
/// Only the first call has an effect.
pub fn set_stop_flag(flag: Arc<AtomicBool>) {
    let _ = STOP.set(flag);
}

fn stop_flag() -> Option<Arc<AtomicBool>> {
    STOP.get().cloned()
}

fn stop_requested() -> bool {
    STOP.get().is_some_and(|f| f.load(Ordering::SeqCst))
}

pub(super) fn interrupted() -> CliError {
    CliError::Internal("interrupted".into())
}

#[derive(Debug, Args)]
#[command(
    mut_arg("xlsx", |a| a.display_order(12)),
    mut_arg("no_charts", |a| a.display_order(14))
)]
pub struct RunArgs {
    /// Scenario files, or folders whose *.toml files are run.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub sim: super::sim_args::SimArgs,
    #[command(flatten)]
    pub output: super::out_args::OutArgs,
    /// Also write conditional bands for each outcome of a branching exit, named by its source
    /// node (e.g. `summit_pending`, or `tree.node`): by_outcome/<node>=<outcome>/summary.csv;
    /// or, for another node, for the paths that entered it and those that did not
    /// (`escalation_china`: by_outcome/escalation_china=entered/…; `<node>.entered` for a
    /// node whose name selects an exit, `<node>@YYYY-MM` for entered by that month).
    /// Also writes outcome_totals.csv: every outcome's totals and averages with its share of
    /// paths. Repeatable.
    #[arg(long = "by-outcome", value_name = "SELECTOR")]
    pub by_outcome: Vec<String>,
    /// Simulate only shard K of N (1-based) and write a mergeable partial result to
    /// <out>/<scenario>.shard-K-of-N/ (see `merge` and docs/scaling.md).
    #[arg(long, value_name = "K/N")]
    pub shard: Option<crate::engine::partial::ShardSpec>,
    /// Add paths (doubling) until every key variable's median has a relative Monte Carlo
    /// standard error below REL in every month (docs/scaling.md).
    #[arg(long, value_name = "REL", allow_negative_numbers = true, value_parser = super::values::relative_error)]
    pub precision: Option<f64>,
    /// Cap on the paths of --precision (default 1000000).
    #[arg(long = "max-paths", value_name = "M", allow_negative_numbers = true, value_parser = super::values::at_least_1)]
    pub max_paths: Option<u64>,
    /// Also write paths.csv: every month and variable of paths 0..N-1 (at most --paths).
    #[arg(long = "sample-paths", value_name = "N", allow_negative_numbers = true, value_parser = super::values::at_least_1)]
    pub sample_paths: Option<u64>,
    /// With --precision: exit 1 when a scenario stops at --max-paths before reaching the
    /// target (its result is still written). Without it that is a warning on stderr.
    #[arg(long)]
    pub strict_precision: bool,
    /// Also write probabilities.csv: per month, the share of paths past a threshold and the
    /// share past it at any month so far, e.g. --prob 'flow_india_mbd<1'.
    /// OP is <, <=, > or >=. Add 'for N months' to ask for N months in a row. The share of
    /// paths whose total or day-weighted mean over a period is past a threshold goes to
    /// period_probabilities.csv: --prob 'total(russia_export_revenue_usd_bn, 2026) < 80' or
    /// --prob 'mean(brent_usd_bbl, 2025-11..2026-10) > 70' (PERIOD a year, `horizon` or
    /// FROM..TO). Join conditions of one kind with `and` (or `or`): --prob
    /// 'arrivals_india_mbd < 1.2 and urals_discount_usd_bbl > 20' (both in the same month;
    /// 'for N months' once, at the end, for N months in a row together) or --prob
    /// 'total(russia_export_revenue_usd_bn, 2026) < 80 and mean(brent_usd_bbl, 2026) > 70'.
    /// Repeatable.
    #[arg(long = "prob", value_name = "EXPR")]
    pub prob: Vec<String>,
    #[arg(long = "period", value_name = "FROM..TO", help = super::answers::PERIOD_HELP)]
    pub period: Vec<String>,
    /// Do not write report.html (one self-contained page: key results, charts, manifest).
    #[arg(long)]
    pub no_report: bool,
    /// How CSV files are written: `default` (`,`-separated, `.` decimal mark) or `excel-eu`
    /// (`;`-separated, `,` decimal mark, ISO dates) for spreadsheets in decimal-comma locales.
    #[arg(long = "csv-dialect", value_enum, value_name = "DIALECT", default_value_t = crate::output::dialect::CsvDialect::Default)]
    pub csv_dialect: crate::output::dialect::CsvDialect,
}

pub fn run(a: RunArgs) -> Result<(), CliError> {
    let files = expand_inputs(&a.scenarios)?;
    // Everything that can be checked is checked before the first path is simulated.
    let mut loaded: Vec<Scenario> = Vec::new();
    let mut errors = Vec::new();
    for f in &files {
        match crate::scenario::load(f) {
            Ok(sc) => loaded.push(sc),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(CliError::Input(errors.join("\n")));
    }
    let twice = super::scenario_set::duplicates(&loaded, super::scenario_set::RENAME);
    if !twice.is_empty() {
        return Err(CliError::Input(twice.join("\n")));
    }
    // Conditional-band selectors, resolved per scenario (duplicates dropped). With several
    // scenarios (a folder), a selector applies to those it names an exit of and is an error
    // only when it names one in none of them.
    let mut splits: Vec<Vec<OutcomeSplit>> = vec![Vec::new(); loaded.len()];
    for sel in &a.by_outcome {
        let mut failed: Vec<(usize, String)> = Vec::new();
        for (i, sc) in loaded.iter().enumerate() {
            match resolve_outcome(sc, options(sc, &a).months, sel) {
                Ok(s) if !splits[i].contains(&s) => splits[i].push(s),
                Ok(_) => {}
                Err(e) => failed.push((i, e.to_string())),
            }
        }
        if failed.len() == loaded.len() {
            errors.extend(failed.into_iter().map(|(_, e)| e));
        } else {
            for (i, _) in failed {
                errln!(
                    "note: --by-outcome `{sel}` names no exit of `{}`, nor one of its nodes: \
                     its bands are not split",
                    loaded[i].name
                );
            }
        }
    }
    if !errors.is_empty() {
        return Err(CliError::Input(errors.join("\n")));
    }
    super::merge::check_run_flags(&a)?;
    for sc in &loaded {
        let months = options(sc, &a).months;
        super::answers::check(sc, months, &a.prob, &a.period, &mut errors);
    }
    if let Some(sc) = loaded.first() {
        super::answers::warn_repeats(sc, options(sc, &a).months, &a.prob, &a.period);
    }
    let months = |sc: &Scenario| options(sc, &a).months;
    let flag = a.sim.months.is_some(); // hostile round 11 F4: a streak longer than the run
    errors.extend(super::run_warnings::run_long_streaks(
        &loaded, &a.prob, months, flag,
    ));
    for sc in &loaded {
        if let Err(e) = sc.check_months(options(sc, &a).months) {
            errors.push(e);
        }
        if let Some(e) = a
            .shard
            .and_then(|_| crate::engine::partial::unshardable(sc))
        {
            errors.push(e);
        }
        if let Some(n) = a.sample_paths {
            let o = options(sc, &a);
            let vars = crate::engine::vars::variables(&sc.market).len();
            // Under --precision the run has at least its first batch, not --paths (hostile
            // round 9 #5).
            let checked = match a.precision {
                Some(_) => crate::output::paths_csv::check_precise(
                    &sc.name,
                    n,
                    (o.paths, a.max_paths.unwrap_or(DEFAULT_MAX_PATHS)),
                    o.months,
                    vars,
                ),
                None => crate::output::paths_csv::check(&sc.name, n, o.paths, o.months, vars),
            };
            if let Err(e) = checked {
                errors.push(e.to_string());
            }
        }
    }
    if !errors.is_empty() {
        return Err(CliError::Input(errors.join("\n")));
    }
    for sc in &loaded {
        warn_outside_folder(sc);
        warn_findings(sc);
        warn_cut_events(sc, options(sc, &a).months, None);
        warn_window(sc, options(sc, &a).months);
        if let (Some(max), None, Some(_)) = (a.max_paths, a.sim.paths, a.precision) {
            if max < sc.paths {
                errln!(
                    "warning: {}: --max-paths {max} is below the file's paths = {} (the first \
                     batch of --precision): at most {max} path{} run; pass --paths to set \
                     the first batch",
                    sc.name,
                    sc.paths,
                    if max == 1 { "" } else { "s" }
                );
            }
        }
    }
    // `--xlsx` on several scenarios: one workbook of them all in the output folder, checked
    // before anything runs and written under the folder's lock once every result is in.
    // The output folder as `prepare` resolves it (a `..` taken once, hostile round 13 F1).
    let out = crate::output::files::resolve_out_root(&a.output.out);
    let combined = (a.output.xlsx && a.shard.is_none() && loaded.len() > 1)
        .then(|| out.join(crate::output::xlsx_results::FILE));
    let _lock = combined.as_ref().map(|_| {
        let _ = crate::output::files::create_out_root(&out);
        crate::output::lock::lock(&out)
    });
    if let Some(p) = &combined {
        crate::output::files::check_file_target(p, a.output.force)
            .map_err(|e| CliError::Input(e.to_string()))?;
    }
    let mut folders = Vec::new();
    let mut staged: Vec<Staging> = Vec::new();
    for sc in &loaded {
        let folder = a
            .shard
            .map_or_else(|| sc.name.clone(), |s| s.folder(&sc.name));
        let mut stage =
            prepare(&out, &folder, a.output.force).map_err(|e| CliError::Input(e.to_string()))?;
        if let Some(f) = stop_flag() {
            stage = stage.cancel_on(f);
        }
        staged.push(stage.with_csv_dialect(a.csv_dialect));
    }
    let n = loaded.len();
    let mut missed = Vec::new();
    let mut nonfinite = Vec::new();
    for (k, ((sc, stage), splits)) in loaded.iter().zip(staged).zip(&splits).enumerate() {
        if stop_requested() {
            return Err(interrupted()); // `stage` and the rest are dropped: folders removed
        }
        let o = options(sc, &a);
        if let Some(spec) = a.shard {
            super::merge::write_shard(sc, &o, spec, stage, a.output.quiet)?;
            continue;
        }
        let precision = a
            .precision
            .map(|p| (p, a.max_paths.unwrap_or(DEFAULT_MAX_PATHS)));
        let nth = (n > 1).then_some((k + 1, n));
        let result = simulate(sc, &o, splits, a.output.quiet, precision, nth)?;
        let collect = combined.is_some().then_some(&mut folders);
        let dir = write(sc, &o, &result, stage, Extras::of(&a), collect)?;
        super::run_diagnostics::report(&super::run_diagnostics::Diagnosed::of_run(
            &sc.name, &result,
        ));
        if let Some(m) = nonfinite_outputs(sc, &result) {
            nonfinite.push(m);
        }
        if let Some(m) = missed_precision(sc, &result, a.strict_precision) {
            errln!("warning: {m}");
            missed.push(m);
        }
        if !a.output.quiet {
            if let Some(m) = reached_precision(sc, &result) {
                outln!("{m}")?;
            }
            outln!(
                "{}: {} paths x {} months in {:.2} s ({:.0} path-months/s) -> {}",
                sc.name,
                result.paths,
                result.months,
                result.wall_seconds,
                result.path_months_per_second(),
                dir.shown()
            )?;
        }
    }
    if let Some(p) = &combined {
        // A signal while the workbook is built stops it, as one between paths stops a
        // scenario, whatever the workbook's size (D207); once written it is a result.
        let bytes = crate::output::xlsx_results::build_combined(&folders, &stop_requested)
            .map_err(|e| CliError::Input(e.to_string()))?;
        let Some(bytes) = bytes.filter(|_| !stop_requested()) else {
            crate::output::files::note_abandoned();
            return Err(interrupted());
        };
        crate::output::files::write_file(p, &bytes, true, crate::output::write_advice::WITH_OUT)
            .map_err(|e| CliError::Input(e.to_string()))?;
        if !a.output.quiet {
            outln!(
                "{} scenarios in one workbook -> {}",
                folders.len(),
                p.shown()
            )?;
        }
    }
    if !nonfinite.is_empty() {
        return Err(CliError::Internal(nonfinite.join("\n")));
    }
    if a.strict_precision && !missed.is_empty() {
        return Err(CliError::Input(format!(
            "--strict-precision: the target was missed ({} scenario{}); the results were \
             written, see `precision` in their manifest.json",
            missed.len(),
            if missed.len() == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

pub(crate) fn options(sc: &Scenario, a: &RunArgs) -> RunOptions {
    let mut o = RunOptions::from_scenario(sc);
    a.sim
        .apply(&mut o.paths, &mut o.months, &mut o.seed, &mut o.threads);
    o.cancel = stop_flag();
    o.probes = a.prob.clone();
    o.periods = a.period.clone();
    o
}

pub(crate) fn simulate(
    sc: &Scenario,
    o: &RunOptions,
    splits: &[OutcomeSplit],
    quiet: bool,
    precision: Option<(f64, u64)>,
    nth: Option<(usize, usize)>,
) -> Result<RunResult, CliError> {
    let bar = super::progress::bar(&sc.name, nth, o.paths, quiet);
    let r = match precision {
        Some((rel, max)) => {
            crate::engine::precision::run_precise(sc, o, rel, max, &|done| bar.set_position(done))
        }
        None => run_split(sc, o, splits, &|done| bar.set_position(done)),
    };
    let r = r.map_err(|e| match e {
        RunError::Cancelled => {
            bar.finish_and_clear();
            interrupted()
        }
        RunError::Failed(m) => CliError::Internal(m),
        e @ (RunError::Probe(_) | RunError::Period(_)) => {
            bar.finish_and_clear();
            CliError::Input(e.to_string())
        }
    })?;
    bar.finish_and_clear();
    Ok(r)
}

impl Extras {
    fn of(a: &RunArgs) -> Extras {
        Extras {
            charts: !a.output.no_charts,
            xlsx: a.output.xlsx,
            sample_paths: a.sample_paths,
            report: !a.no_report,
        }
    }
}
