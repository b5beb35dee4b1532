//! Writing one run's result folder: the tables, the manifest, the conditional bands of
//! `--by-outcome`, the charts and the audit files, committed atomically by `ResultFolder`.

use super::run::interrupted;
use super::CliError;
use crate::engine::run::{RunOptions, RunResult};
use crate::output::csv::{summary_csv, wide_csv, VarMeta};
use crate::output::files::Staging;
use crate::output::folder::{Contents, ResultFolder};
use crate::output::manifest::Manifest;
use crate::scenario::Scenario;
use std::path::PathBuf;

/// Optional audit files of a result folder (`--xlsx`, `--sample-paths`).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Extras {
    /// Fan charts (`charts/`); off under `--no-charts`.
    pub charts: bool,
    pub xlsx: bool,
    pub sample_paths: Option<u64>,
    /// `report.html`; off under `--no-report`.
    pub report: bool,
}

/// Writes the run's folder through `stage`; `collect` gathers its tables for `--xlsx` across
/// scenarios.
pub(crate) fn write(
    sc: &Scenario,
    o: &RunOptions,
    r: &RunResult,
    stage: Staging,
    a: Extras,
    collect: Option<&mut Vec<crate::output::xlsx_results::FolderTables>>,
) -> Result<PathBuf, CliError> {
    let io = |e: crate::output::files::OutputError| CliError::Input(e.to_string());
    let vars: Vec<VarMeta> = r
        .vars
        .iter()
        .map(|v| VarMeta {
            name: v.name.clone(),
            unit: v.unit.clone(),
        })
        .collect();
    let contents = Contents {
        charts: a.charts,
        xlsx: a.xlsx,
        report: a.report,
    };
    let mut f = ResultFolder::new(stage, contents);
    let summary = summary_csv(&sc.name, sc.start, &vars, &r.summary);
    f.table("summary.csv", summary).map_err(io)?;
    f.table("wide.csv", wide_csv(sc.start, &vars, &r.summary))
        .map_err(io)?;
    let mut m = Manifest::for_scenario(sc);
    m.set_seed(o.seed);
    m.paths = r.paths;
    m.months = r.months;
    m.threads = r.threads;
    m.wall_seconds = r.wall_seconds;
    m.path_months_per_second = r.path_months_per_second();
    m.summary_mode = r.summary.mode.as_str().into();
    m.diagnostics = r.diagnostics.clone();
    m.merged_from_shards = r.merged_from_shards;
    m.precision = r.precision.clone();
    if !sc.trees.is_empty() {
        use crate::output::tree_csv::{branch_shares_csv, events_csv};
        let ev = events_csv(sc.start, r.months, r.paths, &sc.trees, &r.trees);
        f.file("events.csv", &ev).map_err(io)?;
        let oc = branch_shares_csv(&sc.trees, &r.trees);
        f.table("outcomes.csv", oc).map_err(io)?;
    }
    for (file, bytes) in super::answers::run_files(&sc.name, sc.start, &r.derived) {
        f.table(file, bytes).map_err(io)?;
    }
    if !r.by_outcome.is_empty() {
        use crate::output::outcome_totals_csv::{outcome_totals_csv, FILE};
        let t = outcome_totals_csv(&sc.name, sc.start, &r.derived, r.paths, &r.by_outcome);
        f.table(FILE, t).map_err(io)?;
    }
    // Conditional bands, before the top-level charts in the file list.
    for b in &r.by_outcome {
        let mut counts = std::collections::BTreeMap::new();
        for (((outcome, summary), derived), n) in b
            .split
            .outcomes
            .iter()
            .zip(&b.summaries)
            .zip(&b.derived)
            .zip(&b.paths)
        {
            let folder = format!("{}={outcome}", b.split.key);
            let label = format!("{}|{folder}", sc.name);
            let sub = format!("by_outcome/{folder}");
            let bands = summary_csv(&label, sc.start, &vars, summary);
            f.file(&format!("{sub}/summary.csv"), &bands).map_err(io)?;
            for (file, bytes) in super::answers::run_files(&label, sc.start, derived) {
                f.file(&format!("{sub}/{file}"), &bytes).map_err(io)?;
            }
            // The outcome's own fan charts, titled `<scenario>|<node>=<outcome>` (D92).
            if a.charts && *n > 0 {
                let charts = crate::output::charts::run_charts(
                    &label, sc.start, &r.vars, summary, *n, o.seed,
                );
                f.charts(&format!("{sub}/charts"), &charts).map_err(io)?;
            }
            counts.insert(outcome.clone(), *n);
        }
        m.by_outcome.insert(b.split.key.clone(), counts);
    }
    let charts = if a.charts || a.report {
        crate::output::charts::run_charts(&sc.name, sc.start, &r.vars, &r.summary, r.paths, o.seed)
    } else {
        Vec::new()
    };
    if a.charts {
        // Fan charts, then the distribution charts (D93), which report.html does not embed.
        let dists = crate::output::charts::dist_charts(
            &sc.name, sc.start, &r.vars, &r.summary, &r.derived, r.paths, o.seed,
        );
        f.charts("charts", &charts).map_err(io)?;
        f.charts("charts", &dists).map_err(io)?;
    }
    if let Some(n) = a.sample_paths {
        use crate::output::paths_csv::{paths_csv, PathsError};
        let cancel = o.cancel.as_deref();
        let bytes = paths_csv(sc, o.seed, r.months, &r.vars, n, o.threads, cancel).map_err(
            |e| match e {
                PathsError::Cancelled => interrupted(),
                e => CliError::Internal(e.to_string()),
            },
        )?;
        f.audit("paths.csv", &bytes).map_err(io)?;
    }
    let page = |files: &[(&str, &[u8])], manifest: &str| {
        crate::output::report::content::run_report(sc, r.paths, r.months, files, &charts, manifest)
    };
    f.finish(m, Some(&page), collect)
        .map_err(|e| CliError::Input(e.to_string()))
}
