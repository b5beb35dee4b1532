//! `compare`: run a baseline and one or more scenarios on common random numbers and write the
//! per-path differences (`compare.csv`, `compare_wide.csv`, `manifest.json`) into one folder,
//! `<out>/compare_<baseline>_vs_<others joined by _>`.

use super::CliError;
use crate::analysis::compare::{compare_with_levels, CompareOptions, CompareResult};
use crate::output::compare_csv::{compare_csv, compare_wide_csv, DiffSeries};
use crate::output::csv::VarMeta;
use crate::output::files::{prepare, Staging};
use crate::output::folder::{Contents, ResultFolder, Workbook};
use crate::output::manifest::{sha256_hex, Manifest};
use crate::policy::calendar::iso_month;
use crate::scenario::Scenario;
use crate::suggest::ShowPath;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
#[command(
    mut_arg("paths", |a| a.help("Monte Carlo paths of every scenario (default: the baseline file's)")),
    mut_arg("months", |a| a.help("Months to simulate (default: the shortest horizon of the files)")),
    mut_arg("seed", |a| a.help("Random seed, 0 to 9223372036854775807 as in a scenario file, shared by every scenario (default: the baseline file's)")),
    mut_arg("out", |a| a.help("Output folder; the comparison writes a sub-folder `compare_<baseline>_vs_<others>`")),
    mut_arg("force", |a| a.help("Replace an existing result folder (only once the new results are complete)")),
    mut_arg("quiet", |a| a.help("No progress bar and no summary line")),
    mut_arg("xlsx", |a| a.help("Also write results.xlsx: sheets compare, compare_wide, compare_totals, compare_averages and manifest, then each compared scenario's own rows")),
    mut_arg("no_charts", |a| a.help("Do not write charts/<variable>.svg and .png (each scenario's median and 5–95% band)"))
)]
pub struct CompareArgs {
    /// Scenario files: the first is the baseline, every other one is compared with it.
    #[arg(required = true, num_args = 2..)]
    pub scenarios: Vec<PathBuf>,
    #[command(flatten)]
    pub sim: super::sim_args::SimArgs,
    #[command(flatten)]
    pub output: super::out_args::OutArgs,
    /// Also write probabilities.csv: each scenario's share of paths past a threshold per
    /// month, and past it at any month so far, e.g. --prob 'flow_india_mbd<1'; add
    /// 'for N months' for N months in a row. A period's total or mean goes to
    /// period_probabilities.csv with the paired difference: --prob
    /// 'total(russia_export_revenue_usd_bn, 2026) < 80'. Join conditions of one kind with
    /// `and` (or `or`): 'arrivals_india_mbd < 1.2 and urals_discount_usd_bbl > 20'.
    /// Repeatable.
    #[arg(long = "prob", value_name = "EXPR")]
    pub prob: Vec<String>,
    /// Also difference totals and averages over the months FROM..TO (YYYY-MM, inclusive),
    /// e.g. --period 2025-11..2026-10: rows of compare_totals.csv and compare_averages.csv
    /// after the calendar years and the horizon. Must lie inside the horizon. Repeatable.
    #[arg(long = "period", value_name = "FROM..TO")]
    pub period: Vec<String>,
    /// Do not write report.html (one self-contained page: key results, charts, manifest).
    #[arg(long)]
    pub no_report: bool,
    /// How CSV files are written: `default` (`,`-separated, `.` decimal mark) or `excel-eu`
    /// (`;`-separated, `,` decimal mark, ISO dates) for spreadsheets in decimal-comma locales.
    #[arg(long = "csv-dialect", value_enum, value_name = "DIALECT", default_value_t = crate::output::dialect::CsvDialect::Default)]
    pub csv_dialect: crate::output::dialect::CsvDialect,
}

/// `compare_<baseline>_vs_<others joined by _>`.
pub fn folder_name(baseline: &str, others: &[&str]) -> String {
    format!("compare_{baseline}_vs_{}", others.join("_"))
}

pub fn compare(a: CompareArgs) -> Result<(), CliError> {
    let mut loaded: Vec<Scenario> = Vec::new();
    let mut errors = Vec::new();
    for f in &a.scenarios {
        if f.is_dir() {
            errors.push(format!(
                "{}: compare takes scenario files, not folders (the first file is the baseline)",
                f.shown()
            ));
            continue;
        }
        if !f.exists() {
            errors.push(format!("{}: no such file", f.shown()));
            continue;
        }
        match crate::scenario::load(f) {
            Ok(sc) => loaded.push(sc),
            Err(e) => errors.push(e.to_string()),
        }
    }
    if !errors.is_empty() {
        return Err(CliError::Input(errors.join("\n")));
    }
    let (baseline, others) = loaded.split_first().expect("clap requires two files");
    // The baseline may be given again (it warns below: every difference is 0).
    let twice = super::scenario_set::duplicates(others, "compare each scenario once");
    if !twice.is_empty() {
        return Err(CliError::Input(twice.join("\n")));
    }
    for sc in others {
        if sc.start != baseline.start {
            return Err(CliError::Input(format!(
                "{} starts in {} but the baseline {} starts in {}; \
                 compared scenarios must start in the same month",
                sc.path.shown(),
                iso_month(sc.start),
                baseline.path.shown(),
                iso_month(baseline.start)
            )));
        }
    }
    // One name of two market files can mean two things (hostile round 8 finding 3): refuse
    // before anything is simulated, and say later which names have no partner.
    let pairings: Vec<_> = others
        .iter()
        .map(|sc| crate::analysis::compare::pairing(baseline, sc))
        .collect();
    for (sc, p) in others.iter().zip(&pairings) {
        errors.extend(crate::analysis::compare::redefined_error(baseline, sc, p));
    }
    if !errors.is_empty() {
        return Err(CliError::Input(errors.join("\n")));
    }
    let other_refs: Vec<&Scenario> = others.iter().collect();
    let o = options(baseline, &other_refs, &a);
    for sc in &loaded {
        super::answers::check(sc, o.months, &a.prob, &a.period, &mut errors);
    }
    super::answers::warn_repeats(baseline, o.months, &a.prob, &a.period);
    if !errors.is_empty() {
        return Err(CliError::Input(errors.join("\n")));
    }
    for sc in &loaded {
        if let Err(e) = sc.check_months(o.months) {
            errors.push(e);
        }
    }
    let flag = a.sim.months.is_some(); // hostile round 11 F4: a streak longer than the run
    errors.extend(super::run_warnings::compare_long_streaks(
        &loaded, &a.prob, o.months, flag,
    ));
    if !errors.is_empty() {
        return Err(CliError::Input(errors.join("\n")));
    }
    let names: Vec<&str> = others.iter().map(|s| s.name.as_str()).collect();
    let name = folder_name(&baseline.name, &names);
    let stage = prepare(&a.output.out, &name, a.output.force)
        .map_err(|e| CliError::Input(e.to_string()))?
        .with_csv_dialect(a.csv_dialect);
    // Each file once, by its canonical path: one given twice (as baseline and as another)
    // warns once, and one that is the baseline itself is said to be.
    let canon: Vec<std::path::PathBuf> = loaded
        .iter()
        .map(|sc| std::fs::canonicalize(&sc.path).unwrap_or_else(|_| sc.path.clone()))
        .collect();
    // Without --months the horizon is the shortest file's: name it, not a flag.
    let from = match a.sim.months {
        Some(_) => None,
        None => loaded.iter().find(|f| f.months == o.months),
    };
    for (i, sc) in loaded.iter().enumerate() {
        if canon[..i].contains(&canon[i]) {
            continue;
        }
        super::run_warnings::warn_outside_folder(sc);
        super::run_warnings::warn_findings(sc);
        super::run_warnings::warn_cut_events(sc, o.months, from);
        super::run_warnings::warn_window(sc, o.months);
    }
    for (sc, p) in others.iter().zip(&pairings) {
        if let Some(w) = crate::analysis::compare::left_out_warning(baseline, sc, p) {
            errln!("{w}");
        }
    }
    // compare runs every scenario on the baseline's seed and paths (common random numbers):
    // a compared file's own `seed` or `paths` is not used.
    for sc in others {
        let mut ignored = Vec::new();
        if a.sim.seed.is_none() && sc.seed != baseline.seed {
            ignored.push(format!(
                "seed = {} (the baseline's: {})",
                sc.seed, baseline.seed
            ));
        }
        if a.sim.paths.is_none() && sc.paths != baseline.paths {
            ignored.push(format!(
                "paths = {} (the baseline's: {})",
                sc.paths, baseline.paths
            ));
        }
        if !ignored.is_empty() {
            errln!(
                "warning: {}: sets {}; compare runs every scenario on the baseline's seed and \
                 paths, so that path i sees the same draws in each (pass --seed or --paths to \
                 choose them)",
                sc.name,
                ignored.join(" and ")
            );
        }
    }
    for (sc, _) in others
        .iter()
        .zip(&canon[1..])
        .filter(|(_, c)| **c == canon[0])
    {
        errln!(
            "warning: {} is the baseline file itself: on common random numbers every \
             difference is 0; name another scenario to compare with",
            sc.path.shown()
        );
    }
    let levels = if a.output.no_charts && a.no_report {
        Vec::new()
    } else {
        crate::output::charts::key_variable_names()
    };
    let r = simulate(baseline, &other_refs, &o, &levels, &name, a.output.quiet)?;
    let dir = write(baseline, &other_refs, &name, &r, stage, &a)?;
    // The same warnings as `run`, each scenario's under its name; a file given twice once.
    let counts =
        std::iter::once(&r.baseline_diagnostics).chain(r.diffs.iter().map(|d| &d.diagnostics));
    for (i, (sc, counts)) in loaded.iter().zip(counts).enumerate() {
        if canon[..i].contains(&canon[i]) {
            continue;
        }
        let key_prefix = format!("{}.", sc.name);
        super::run_diagnostics::report(&super::run_diagnostics::Diagnosed {
            name: &sc.name,
            counts,
            paths: r.paths,
            months: r.months,
            key_prefix: &key_prefix,
        });
    }
    if !a.output.quiet {
        outln!(
            "{name}: {} scenarios x {} paths x {} months in {:.2} s ({:.0} path-months/s) -> {}",
            1 + r.diffs.len(),
            r.paths,
            r.months,
            r.wall_seconds,
            r.path_months_per_second(),
            dir.shown()
        )?;
    }
    // D131: non-finite outputs are an error here too (exit 2, after the result is written).
    let bad: Vec<String> = std::iter::once((&r.baseline, &r.baseline_diagnostics))
        .chain(r.diffs.iter().map(|d| (&d.scenario, &d.diagnostics)))
        .filter_map(|(sc, d)| super::run_warnings::nonfinite_count(sc, d))
        .collect();
    if !bad.is_empty() {
        return Err(CliError::Internal(bad.join("\n")));
    }
    Ok(())
}

fn options(baseline: &Scenario, others: &[&Scenario], a: &CompareArgs) -> CompareOptions {
    let mut o = CompareOptions::from_scenarios(baseline, others);
    a.sim
        .apply(&mut o.paths, &mut o.months, &mut o.seed, &mut o.threads);
    o.probes = a.prob.clone();
    o.periods = a.period.clone();
    o
}

fn simulate(
    baseline: &Scenario,
    others: &[&Scenario],
    o: &CompareOptions,
    levels: &[String],
    name: &str,
    quiet: bool,
) -> Result<CompareResult, CliError> {
    let bar = super::progress::bar(name, None, o.paths, quiet);
    let r = compare_with_levels(baseline, others, o, levels, &|done| bar.set_position(done))
        .map_err(|e| {
            if e.is_bad_input() {
                CliError::Input(e.to_string())
            } else {
                CliError::Internal(e.to_string())
            }
        })?;
    bar.finish_and_clear();
    Ok(r)
}

/// Bytes of `compare.csv` and `compare_wide.csv` for a result.
pub fn render(start: crate::policy::calendar::MonthIdx, r: &CompareResult) -> (Vec<u8>, Vec<u8>) {
    let metas: Vec<Vec<VarMeta>> = r
        .diffs
        .iter()
        .map(|d| {
            d.vars
                .iter()
                .map(|v| VarMeta {
                    name: v.name.clone(),
                    unit: v.unit.clone(),
                })
                .collect()
        })
        .collect();
    let probs: Vec<Vec<f64>> = r.diffs.iter().map(|d| d.prob_greater()).collect();
    let series: Vec<DiffSeries> = r
        .diffs
        .iter()
        .zip(&metas)
        .zip(&probs)
        .map(|((d, vars), pg)| DiffSeries {
            scenario: &d.scenario,
            vars,
            summary: &d.summary,
            prob_greater: pg,
            base_mean: &d.base_mean,
        })
        .collect();
    (
        compare_csv(&r.baseline, start, &series),
        compare_wide_csv(start, &series),
    )
}

/// `compare_totals.csv`, `probabilities.csv` when a monthly `--prob` was given,
/// `compare_averages.csv`, and `period_probabilities.csv` when a period `--prob` was given.
pub fn answer_files(
    start: crate::policy::calendar::MonthIdx,
    r: &CompareResult,
) -> Vec<(&'static str, Vec<u8>)> {
    use crate::output::compare_csv::{compare_averages_csv, compare_totals_csv, TotalsDiff};
    let series: Vec<TotalsDiff> = r
        .diffs
        .iter()
        .map(|d| TotalsDiff {
            scenario: &d.scenario,
            totals: &d.totals,
            base_mean: &d.base_total_mean,
            base_average_mean: &d.base_average_mean,
        })
        .collect();
    let mut v = vec![(
        "compare_totals.csv",
        compare_totals_csv(&r.baseline, start, &series),
    )];
    let runs: Vec<(&str, &crate::engine::stats::derived::Derived)> = r
        .probabilities
        .iter()
        .map(|(n, d)| (n.as_str(), d))
        .collect();
    let diffs: Vec<&[crate::analysis::compare::ShareDiff]> =
        r.prob_diffs.iter().map(Vec::as_slice).collect();
    let has = |f: fn(&crate::engine::stats::derived::Derived) -> bool| {
        runs.first().is_some_and(|(_, d)| f(d))
    };
    if has(|d| !d.probes.is_empty()) {
        v.push((
            "probabilities.csv",
            crate::output::answers_csv::compare_probabilities_csv(start, &runs, &diffs),
        ));
    }
    // After the files that were there before it (walkthrough 8 #4, walkthrough 10 #15).
    v.push((
        "compare_averages.csv",
        compare_averages_csv(&r.baseline, start, &series),
    ));
    if has(|d| !d.period_probes.is_empty()) {
        use crate::output::period_probs_csv::{compare_period_probabilities_csv, FILE};
        v.push((FILE, compare_period_probabilities_csv(start, &runs, &diffs)));
    }
    v
}

/// SHA-256 over the resolved texts of every compared file, baseline first, each preceded by
/// `## compared scenario <k> of <n>`.
fn combined_text(all: &[&Scenario]) -> String {
    let mut s = String::from("## sanctions-sim compare v1\n");
    for (k, sc) in all.iter().enumerate() {
        s.push_str(&format!(
            "## compared scenario {} of {}\n",
            k + 1,
            all.len()
        ));
        s.push_str(&sc.resolved_text);
        if !sc.resolved_text.ends_with('\n') {
            s.push('\n');
        }
    }
    s
}

fn write(
    baseline: &Scenario,
    others: &[&Scenario],
    name: &str,
    r: &CompareResult,
    stage: Staging,
    a: &CompareArgs,
) -> Result<PathBuf, CliError> {
    let io = |e: crate::output::files::OutputError| CliError::Input(e.to_string());
    let contents = Contents {
        charts: !a.output.no_charts,
        xlsx: a.output.xlsx,
        report: !a.no_report,
    };
    let compared = r.diffs.iter().map(|d| d.scenario.clone()).collect();
    let mut f = ResultFolder::new(stage, contents).workbook(Workbook::Compare(compared));
    let (long, wide) = render(baseline.start, r);
    f.table("compare.csv", long).map_err(io)?;
    f.file("compare_wide.csv", &wide).map_err(io)?;
    for (file, bytes) in answer_files(baseline.start, r) {
        f.table(file, bytes).map_err(io)?;
    }
    let all: Vec<&Scenario> = std::iter::once(baseline)
        .chain(others.iter().copied())
        .collect();
    let mut m = Manifest::new();
    m.scenario = name.to_string();
    m.scenario_path = all
        .iter()
        .map(|s| s.path.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    m.scenario_sha256 = sha256_hex(combined_text(&all).as_bytes());
    m.set_seed(r.seed);
    m.paths = r.paths;
    m.months = r.months;
    m.start = iso_month(baseline.start);
    m.threads = r.threads;
    m.wall_seconds = r.wall_seconds;
    m.path_months_per_second = r.path_months_per_second();
    m.summary_mode = r.mode().as_str().into();
    m.market_paths = all
        .iter()
        .map(|s| s.market_path.display().to_string())
        .collect();
    // Every file of every compared scenario, each once (a shared parent is read by both).
    for e in all
        .iter()
        .flat_map(|s| crate::output::manifest::InputEntry::of(s))
    {
        if !m.inputs.contains(&e) {
            m.inputs.push(e);
        }
    }
    let per_scenario = std::iter::once((&r.baseline, &r.baseline_diagnostics))
        .chain(r.diffs.iter().map(|d| (&d.scenario, &d.diagnostics)));
    for (sc, diag) in per_scenario {
        // A scenario compared with itself has the same diagnostics: keep the first copy.
        for (k, v) in diag {
            m.diagnostics.entry(format!("{sc}.{k}")).or_insert(*v);
        }
    }
    let charts = chart_files(baseline.start, r);
    f.charts("charts", &charts).map_err(io)?;
    let page = |files: &[(&str, &[u8])], manifest: &str| {
        crate::output::report::content::compare_report(
            name, &all, r.paths, r.months, files, &charts, manifest,
        )
    };
    f.finish(m, Some(&page), None)
        .map_err(|e| CliError::Input(e.to_string()))
}

/// Overlay charts from the level bands kept for them, and fan charts of the paired
/// differences (none when no level bands were kept: `--no-charts --no-report`).
fn chart_files(
    start: crate::policy::calendar::MonthIdx,
    r: &CompareResult,
) -> Vec<crate::output::charts::ChartFile> {
    let levels: Vec<crate::output::charts::Levels> = r
        .levels
        .iter()
        .map(|l| crate::output::charts::Levels {
            scenario: &l.scenario,
            vars: &l.vars,
            summary: &l.summary,
        })
        .collect();
    if r.levels.is_empty() {
        return Vec::new();
    }
    let names: Vec<Vec<(String, String)>> = r
        .diffs
        .iter()
        .map(|d| {
            d.vars
                .iter()
                .map(|v| (v.name.clone(), v.unit.clone()))
                .collect()
        })
        .collect();
    let diffs: Vec<crate::output::charts::diff_fan::DiffBands> = r
        .diffs
        .iter()
        .zip(&names)
        .map(|(d, vars)| crate::output::charts::diff_fan::DiffBands {
            scenario: &d.scenario,
            vars,
            summary: &d.summary,
        })
        .collect();
    let diff_files =
        crate::output::charts::diff_fan::diff_charts(&r.baseline, start, &diffs, r.paths, r.seed);
    crate::output::charts::compare_charts(start, &levels, r.paths, r.seed)
        .into_iter()
        .chain(diff_files)
        .collect()
}
