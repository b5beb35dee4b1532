//! `sensitivity`: rank the uncertain inputs of one scenario by their influence on a target
//! variable and write `sensitivity.csv` (and `sensitivity_by_month.csv` with `--by-month`) with
//! a manifest into `<out>/sensitivity_<scenario>_<target>_<cumulative|YYYY-MM|YYYY>`.

use super::CliError;
use crate::analysis::sensitivity::csv::{by_month_csv, sensitivity_csv};
use crate::analysis::sensitivity::{
    find_target, sensitivity, Horizon, SensError, SensOptions, SensResult,
};
use crate::output::files::{prepare, Staging};
use crate::output::folder::{Contents, ResultFolder};
use crate::output::manifest::Manifest;
use crate::policy::calendar::{iso_month, month_idx, year_month};
use crate::scenario::Scenario;
use crate::suggest::ShowPath;
use clap::Args;
use indicatif::ProgressBar;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    mut_arg("out", |a| a.help("Output folder; the analysis writes a sub-folder `sensitivity_<scenario>_<target>_<cumulative|YYYY-MM|YYYY>`")),
    mut_arg("force", |a| a.help("Replace an existing result folder (only once the new results are complete)")),
    mut_arg("quiet", |a| a.help("No progress bar and no summary line")),
    mut_arg("xlsx", |a| a.help("Also write results.xlsx (sheets sensitivity, sensitivity_by_month, manifest)").display_order(14)),
    mut_arg("no_charts", |a| a.help("Do not write tornado.svg and tornado.png"))
)]
pub struct SensitivityArgs {
    /// Scenario file.
    pub scenario: PathBuf,
    /// Output variable to explain, e.g. russia_export_revenue_usd_bn (see docs/outputs.md).
    #[arg(long)]
    pub target: String,
    /// The target is the variable's value in this month (YYYY-MM, within the horizon).
    #[arg(long, value_name = "YYYY-MM", conflicts_with = "cumulative")]
    pub month: Option<String>,
    /// The target is the variable summed over the simulated months of this calendar year
    /// (e.g. 2026: "Russia's 2026 revenue").
    #[arg(long, value_name = "YYYY", conflicts_with_all = ["cumulative", "month"], allow_negative_numbers = true, value_parser = super::values::year)]
    pub year: Option<i32>,
    /// The target is the variable summed over the horizon (the default).
    #[arg(long)]
    pub cumulative: bool,
    /// Also write sensitivity_by_month.csv: PRCC and SRRC of each input for each month's value.
    #[arg(long = "by-month")]
    pub by_month: bool,
    #[command(flatten)]
    pub sim: super::sim_args::SimArgs,
    /// Paths of each one-at-a-time swing run (default: min(paths, 1000)); 0 skips the swing.
    #[arg(long = "swing-paths", allow_negative_numbers = true, value_parser = super::values::zero_or_more)]
    pub swing_paths: Option<u64>,
    /// Swing the top N inputs of the ranking.
    #[arg(long = "swing-top", default_value_t = 15, allow_negative_numbers = true, value_parser = super::values::zero_or_more_usize)]
    pub swing_top: usize,
    #[command(flatten)]
    pub output: super::out_args::OutArgs,
    /// How CSV files are written: `default` (`,`-separated, `.` decimal mark) or `excel-eu`
    /// (`;`-separated, `,` decimal mark, ISO dates) for spreadsheets in decimal-comma locales.
    #[arg(long = "csv-dialect", value_enum, value_name = "DIALECT", default_value_t = crate::output::dialect::CsvDialect::Default)]
    pub csv_dialect: crate::output::dialect::CsvDialect,
}

/// `sensitivity_<scenario>_<target>_<cumulative|YYYY-MM|YYYY>`.
pub fn folder_name(scenario: &str, target: &str, h: Horizon, start: i32) -> String {
    let when = match h {
        Horizon::Cumulative => "cumulative".to_string(),
        Horizon::Month(t) => iso_month(start + t as i32),
        Horizon::Year { year, .. } => year.to_string(),
    };
    format!("sensitivity_{scenario}_{target}_{when}")
}

fn options(sc: &Scenario, a: &SensitivityArgs) -> Result<SensOptions, CliError> {
    let mut o = SensOptions::new(sc, &a.target);
    a.sim
        .apply(&mut o.paths, &mut o.months, &mut o.seed, &mut o.threads);
    o.paths_from_file = a.sim.paths.is_none();
    o.swing_paths = a.swing_paths.unwrap_or(o.paths.min(1000));
    if o.swing_paths > o.paths {
        let paths = o.paths_text();
        return Err(CliError::Input(format!(
            "--swing-paths {} is more than {paths}: each one-at-a-time swing run is a \
             smaller run beside the main one; pass --swing-paths {} or fewer (0 skips the \
             swing), or raise --paths",
            o.swing_paths, o.paths
        )));
    }
    o.swing_top = a.swing_top;
    o.by_month = a.by_month;
    if let Some(m) = &a.month {
        let idx = month_idx(m).map_err(|e| CliError::Input(format!("--month: {e}")))?;
        let last = sc.start + o.months as i32 - 1;
        if idx < sc.start || idx > last {
            return Err(CliError::Input(format!(
                "--month {m} is outside the simulated months {}..{} of scenario `{}`",
                iso_month(sc.start),
                iso_month(last),
                sc.name
            )));
        }
        o.horizon = Horizon::Month((idx - sc.start) as usize);
    }
    if let Some(y) = a.year {
        let covered: Vec<usize> = (0..o.months)
            .filter(|&t| year_month(sc.start + t as i32).0 == y)
            .collect();
        let Some(&first) = covered.first() else {
            let last = sc.start + o.months as i32 - 1;
            return Err(CliError::Input(format!(
                "--year {y} is outside the simulated months {}..{} of scenario `{}`: pass a \
                 year from {} to {}",
                iso_month(sc.start),
                iso_month(last),
                sc.name,
                year_month(sc.start).0,
                year_month(last).0
            )));
        };
        o.horizon = Horizon::Year {
            year: y,
            first,
            months: covered.len(),
        };
    }
    Ok(o)
}

pub fn run(a: SensitivityArgs) -> Result<(), CliError> {
    if a.scenario.is_dir() {
        return Err(CliError::Input(format!(
            "{}: sensitivity takes one scenario file, not a folder",
            a.scenario.shown()
        )));
    }
    if !a.scenario.exists() {
        return Err(CliError::Input(format!(
            "{}: no such file",
            a.scenario.shown()
        )));
    }
    let sc = crate::scenario::load(&a.scenario).map_err(|e| CliError::Input(e.to_string()))?;
    find_target(&sc, &a.target).map_err(|e| CliError::Input(e.to_string()))?;
    let o = options(&sc, &a)?;
    sc.check_months(o.months).map_err(CliError::Input)?;
    super::run_warnings::warn_outside_folder(&sc);
    super::run_warnings::warn_findings(&sc);
    super::run_warnings::warn_cut_events(&sc, o.months, None);
    super::run_warnings::warn_window(&sc, o.months);
    let name = folder_name(&sc.name, &a.target, o.horizon, sc.start);
    let stage = prepare(&a.output.out, &name, a.output.force)
        .map_err(|e| CliError::Input(e.to_string()))?
        .with_csv_dialect(a.csv_dialect);
    let bar = progress_bar(&name, a.output.quiet);
    let r = sensitivity(&sc, &o, &|done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .map_err(|e| match e {
        SensError::Threads(_) => CliError::Internal(e.to_string()),
        e => CliError::Input(e.to_string()),
    })?;
    bar.finish_and_clear();
    let dir = write(&sc, &r, stage, !a.output.no_charts, a.output.xlsx)?;
    report_diagnostics(&sc.name, &r);
    if !a.output.quiet {
        outln!(
            "{name}: {} inputs, {} paths (+{} swing runs x {} paths), rank R2 {:.3}, in {:.2} s -> {}",
            r.inputs.len(),
            r.paths,
            swing_runs(&r),
            r.swing_paths,
            r.fit.r2,
            r.wall_seconds,
            dir.shown()
        )?;
        for line in top_inputs(&r, TOP_SHOWN) {
            outln!("{line}")?;
        }
    }
    Ok(())
}

/// Inputs listed on the terminal after the summary line (walkthrough 11 #4).
const TOP_SHOWN: usize = 5;

/// The first `k` inputs of the ranking, one line each: rank, input, SRRC (Spearman for an
/// input outside the regression) and the swing where one was run; every figure is the
/// text of its `sensitivity.csv` cell, so the terminal never disagrees with the file.
fn top_inputs(r: &SensResult, k: usize) -> Vec<String> {
    use crate::output::csv::fmt_num;
    let rows: Vec<(String, String, String)> = r
        .order
        .iter()
        .take(k)
        .map(|&i| {
            let m = &r.fit.inputs[i];
            let measure = if m.srrc.is_finite() {
                format!("srrc {}", fmt_num(m.srrc))
            } else {
                format!("spearman {}", fmt_num(m.spearman))
            };
            let swing = r.swings[i].as_ref().map_or(String::new(), |s| {
                format!("swing {} {}", fmt_num(s.abs()), r.target_unit)
            });
            (r.inputs[i].name.clone(), measure, swing)
        })
        .collect();
    if rows.is_empty() {
        return Vec::new();
    }
    let w = rows
        .iter()
        .map(|(n, _, _)| n.chars().count())
        .max()
        .unwrap_or(0);
    let m = rows.iter().map(|(_, x, _)| x.len()).max().unwrap_or(0);
    let mut out = vec![format!(
        "  top {} of {} inputs for {} (all of them in sensitivity.csv; docs/sensitivity.md):",
        rows.len(),
        r.inputs.len(),
        r.target_label
    )];
    for (j, (name, measure, swing)) in rows.iter().enumerate() {
        let line = format!("  {:>2}  {name:<w$}  {measure:<m$}  {swing}", j + 1);
        out.push(line.trim_end().to_string());
    }
    out
}

/// `run`'s warnings on the main run's counters, then on the swing runs' taken together
/// (hostile round 7, finding 2): a swing run holds inputs at their p10 or p90 and can reach
/// an edge the main run does not. Its 1 + 2 × --swing-top runs (31 by default) would repeat
/// the main run's warnings, so one line covers them all, and only for a counter the main
/// run did not warn about.
fn report_diagnostics(name: &str, r: &SensResult) {
    use super::run_diagnostics::{warnings, Diagnosed};
    let main = r.diag.to_map();
    let main = warnings(&Diagnosed {
        name,
        counts: &main,
        paths: r.paths,
        months: r.months,
        key_prefix: "",
    });
    for w in &main {
        errln!("{}", w.line);
    }
    if swing_runs(r) == 0 {
        return;
    }
    let said: Vec<&str> = main.iter().map(|w| w.key).collect();
    let counts = r.swing_diag.to_map();
    let label = format!("{name} (swing runs)");
    let swing = Diagnosed {
        name: &label,
        counts: &counts,
        paths: r.swing_paths * swing_runs(r),
        months: r.months,
        key_prefix: SWING_PREFIX,
    };
    for w in warnings(&swing)
        .into_iter()
        .filter(|w| !said.contains(&w.key))
    {
        errln!("{}", w.line);
    }
}

/// Where manifest.json keeps the swing runs' counters under `diagnostics`.
const SWING_PREFIX: &str = "swing_runs.";

fn swing_runs(r: &SensResult) -> u64 {
    let swung = r.swings.iter().filter(|s| s.is_some()).count() as u64;
    if r.swing_paths == 0 {
        0
    } else {
        1 + 2 * swung
    }
}

fn progress_bar(name: &str, quiet: bool) -> ProgressBar {
    // The total is set once the run size is known; lay the line out for 11-digit counts.
    super::progress::bar(name, None, 99_999_999_999, quiet)
}

fn write(
    sc: &Scenario,
    r: &SensResult,
    stage: Staging,
    charts: bool,
    xlsx: bool,
) -> Result<PathBuf, CliError> {
    let io = |e: crate::output::files::OutputError| CliError::Input(e.to_string());
    let contents = Contents {
        charts,
        xlsx,
        report: false,
    };
    let mut f = ResultFolder::new(stage, contents);
    f.file("sensitivity.csv", &sensitivity_csv(r)).map_err(io)?;
    if let Some(b) = by_month_csv(r) {
        f.file("sensitivity_by_month.csv", &b).map_err(io)?;
    }
    let t = crate::analysis::sensitivity::csv::tornado_data(r);
    if charts && !t.bars.is_empty() {
        let spec = crate::output::charts::TornadoSpec {
            title: t.title,
            target_label: t.target_label,
            base: t.base,
            bars: t
                .bars
                .into_iter()
                .map(|b| crate::output::charts::TornadoBar {
                    input: crate::output::labels::plain(&b.input),
                    low_label: b.low_label,
                    high_label: b.high_label,
                    at_low: b.at_low,
                    at_high: b.at_high,
                    code: Some(b.input),
                })
                .collect(),
            rank_r2: Some(r.fit.r2),
        };
        let svg = crate::output::charts::tornado_svg(&spec);
        f.file("tornado.svg", svg.as_bytes()).map_err(io)?;
        let png = crate::output::charts::tornado_png(&spec);
        f.file("tornado.png", &png).map_err(io)?;
    }
    let mut m = Manifest::for_scenario(sc);
    m.set_seed(r.seed);
    m.paths = r.paths;
    m.months = r.months;
    m.threads = r.threads;
    m.wall_seconds = r.wall_seconds;
    let path_months = (r.paths + swing_runs(r) * r.swing_paths) as f64 * r.months as f64;
    m.path_months_per_second = path_months / r.wall_seconds.max(1e-9);
    // Ranks are computed on the whole sample: nothing is sketched.
    m.summary_mode = "exact".into();
    m.diagnostics = r.diag.to_map();
    for (k, v) in [
        ("sensitivity_inputs", r.inputs.len() as u64),
        ("sensitivity_inputs_in_regression", r.fit.p as u64),
        ("sensitivity_paths_dropped_nonfinite", r.dropped),
        ("sensitivity_swing_paths", r.swing_paths),
        ("sensitivity_swing_runs", swing_runs(r)),
    ] {
        m.diagnostics.insert(k.to_string(), v);
    }
    if swing_runs(r) > 0 {
        for (k, v) in r.swing_diag.to_map() {
            m.diagnostics.insert(format!("{SWING_PREFIX}{k}"), v);
        }
    }
    f.finish(m, None, None)
        .map_err(|e| CliError::Input(e.to_string()))
}
