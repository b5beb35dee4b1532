//! `run --shard K/N` (writing a partial) and `merge DIR...` (combining partials into the
//! outputs of a single run). Design and file format: docs/scaling.md.

use super::run::{write, RunArgs};
use super::CliError;
use crate::engine::partial::{self, Partial, ShardSpec};
use crate::engine::run::{RunError, RunOptions};
use crate::output::files::{prepare, Staging};
use crate::output::manifest::sha256_hex;
use crate::scenario::Scenario;
use crate::suggest::ShowPath;
use clap::Args;
use std::path::{Path, PathBuf};

/// The partial result's file name inside `<scenario>.shard-K-of-N/`.
pub const PARTIAL_FILE: &str = "partial.bin";

#[derive(Debug, Args)]
#[command(
    mut_arg("out", |a| a.help("Output folder; the merged result goes to <out>/<scenario>/")),
    mut_arg("force", |a| a.help("Replace an existing result folder (only once the merged result is complete)")),
    mut_arg("quiet", |a| a.help("No summary line")),
    mut_arg("xlsx", |a| a.help("Also write results.xlsx: one sheet per table and the manifest (docs/outputs.md)"))
)]
pub struct MergeArgs {
    /// Shard folders (`<scenario>.shard-K-of-N`), or folders containing them.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub output: super::out_args::OutArgs,
    /// Do not write report.html (one self-contained page: key results, charts, manifest).
    #[arg(long)]
    pub no_report: bool,
    /// How CSV files are written: `default` (`,`-separated, `.` decimal mark) or `excel-eu`
    /// (`;`-separated, `,` decimal mark, ISO dates) for spreadsheets in decimal-comma locales.
    #[arg(long = "csv-dialect", value_enum, value_name = "DIALECT", default_value_t = crate::output::dialect::CsvDialect::Default)]
    pub csv_dialect: crate::output::dialect::CsvDialect,
}

/// Flag combinations `run` refuses before simulating anything.
pub fn check_run_flags(a: &RunArgs) -> Result<(), CliError> {
    let bad = |m: &str| Err(CliError::Input(m.to_string()));
    if a.shard.is_some() && !a.by_outcome.is_empty() {
        return bad(
            "--shard cannot be combined with --by-outcome: conditional bands are not \
                    part of the partial result; run --by-outcome without --shard",
        );
    }
    if a.shard.is_some() && a.precision.is_some() {
        return bad(
            "--shard cannot be combined with --precision: every shard must know the \
                    total path count in advance; run --precision once, then shard with --paths",
        );
    }
    if a.precision.is_some() && !a.by_outcome.is_empty() {
        return bad("--precision cannot be combined with --by-outcome");
    }
    if a.shard.is_some() {
        if let Some(m) = shard_only_partial(a) {
            return Err(CliError::Input(m));
        }
    }
    if a.shard.is_some() {
        // `merge` reloads the scenario from the path each shard records: a pipe
        // (`run <(...) --shard`) or a device would be gone, or hang, by then.
        for f in &a.scenarios {
            let regular = std::fs::metadata(f).is_ok_and(|m| m.is_file() || m.is_dir());
            if f.exists() && !regular {
                return Err(CliError::Input(format!(
                    "{}: --shard needs a scenario file that `merge` can read again later, \
                     not a pipe or a device (`run <(...)`); save it to a file and run the \
                     shards from that",
                    f.shown()
                )));
            }
        }
    }
    if a.strict_precision && a.precision.is_none() {
        return bad("--strict-precision only applies with --precision");
    }
    if a.max_paths.is_some() && a.precision.is_none() {
        return bad("--max-paths only applies with --precision; use --paths for a fixed count");
    }
    if let (Some(max), Some(paths), Some(_)) = (a.max_paths, a.sim.paths, a.precision) {
        if max < paths {
            return Err(CliError::Input(format!(
                "--max-paths {max} is below --paths {paths}: with --precision, --paths is the \
                 first batch and --max-paths the most paths run, so at most {max} would run; \
                 pass --max-paths {paths} or more, or --paths {max} or fewer"
            )));
        }
    }
    if let Some(p) = a.precision {
        if !(p > 0.0 && p.is_finite()) {
            return Err(CliError::Input(format!(
                "--precision {p}: give a positive relative standard error, e.g. 0.01"
            )));
        }
    }
    Ok(())
}

/// The flags a shard cannot take, since it writes only `partial.bin`: each one the user
/// passed, with where it goes instead, and nothing about the others (hostile round 10 #5: a
/// run with `--sample-paths` alone was told to pass `--xlsx` to `merge`).
fn shard_only_partial(a: &RunArgs) -> Option<String> {
    let mut flags: Vec<(&str, &str)> = Vec::new();
    if a.output.xlsx {
        flags.push(("--xlsx", "pass --xlsx to `merge` instead"));
    }
    if a.csv_dialect != crate::output::dialect::CsvDialect::Default {
        flags.push(("--csv-dialect", "pass --csv-dialect to `merge` instead"));
    }
    if a.sample_paths.is_some() {
        flags.push((
            "--sample-paths",
            "`merge` cannot write sample paths: use --sample-paths on a plain run, without \
             --shard",
        ));
    }
    if flags.is_empty() {
        return None;
    }
    let names: Vec<&str> = flags.iter().map(|f| f.0).collect();
    let what: Vec<&str> = flags.iter().map(|f| f.1).collect();
    Some(format!(
        "--shard writes only a partial result (partial.bin), with no CSV file, workbook or \
         sample paths, so it does not take {}: {}",
        names.join(" or "),
        what.join("; ")
    ))
}

/// Simulates shard `spec` of `sc` and commits `<out>/<scenario>.shard-K-of-N/partial.bin`.
pub fn write_shard(
    sc: &Scenario,
    o: &RunOptions,
    spec: ShardSpec,
    stage: Staging,
    quiet: bool,
) -> Result<PathBuf, CliError> {
    let sha = sha256_hex(sc.resolved_text.as_bytes());
    let p = partial::run_shard(sc, o, spec, &sha, &|_| {}).map_err(|e| match e {
        RunError::Cancelled => CliError::Internal("interrupted".into()),
        RunError::Failed(m) => CliError::Internal(m),
        // The caller checked the probes and periods; a bad one here is still the user's input.
        e @ (RunError::Probe(_) | RunError::Period(_)) => CliError::Input(e.to_string()),
    })?;
    let io = |e: crate::output::files::OutputError| CliError::Input(e.to_string());
    stage
        .write(PARTIAL_FILE, &partial::encode(&p))
        .map_err(io)?;
    let dir = stage.commit().map_err(io)?;
    if !quiet {
        let h = &p.header;
        outln!(
            "{}: shard {}/{}: paths {}..{} of {} in {:.2} s -> {}",
            sc.name,
            spec.k,
            spec.n,
            h.first_path,
            h.end_path,
            o.paths,
            h.wall_seconds,
            dir.shown()
        )?;
        if h.first_path == h.end_path {
            outln!(
                "{}: shard {}/{} is empty: shards take whole groups of {} paths and {} \
                 paths make fewer groups than shards (docs/scaling.md §1); its partial is \
                 still needed by `merge`",
                sc.name,
                spec.k,
                spec.n,
                crate::engine::run::GROUP_PATHS,
                o.paths
            )?;
        }
    }
    Ok(dir)
}

/// The `partial.bin` files named by `dirs`: a shard folder, or every `*.shard-*-of-*`
/// folder directly inside a folder (sorted by name).
fn find_partials(dirs: &[PathBuf]) -> Result<Vec<PathBuf>, CliError> {
    let mut out = Vec::new();
    for d in dirs {
        let own = d.join(PARTIAL_FILE);
        if own.is_file() {
            out.push(own);
            continue;
        }
        if d.is_file() {
            // A `partial.bin` (or another file) named instead of its folder: it exists, so
            // "no such folder" sent users looking for a missing path (D181).
            let folder = d.parent().filter(|p| !p.as_os_str().is_empty());
            let hint = match folder {
                Some(p) if d.file_name() == Some(PARTIAL_FILE.as_ref()) => {
                    format!("name its folder `{}`", p.shown())
                }
                _ => "name the shard folders (or the folder holding them)".to_string(),
            };
            return Err(CliError::Input(format!(
                "{}: is a file, and merge takes folders: {hint}",
                d.shown()
            )));
        }
        if !d.is_dir() {
            return Err(CliError::Input(format!("{}: no such folder", d.shown())));
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(d)
            .map_err(|e| CliError::Input(format!("{}: cannot list: {e}", d.shown())))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.contains(".shard-") && !n.starts_with('.'))
                    && p.join(PARTIAL_FILE).is_file()
            })
            .map(|p| p.join(PARTIAL_FILE))
            .collect();
        if found.is_empty() {
            return Err(CliError::Input(format!(
                "{}: neither a shard folder (with {PARTIAL_FILE}) nor a folder containing \
                 <scenario>.shard-K-of-N folders",
                d.shown()
            )));
        }
        found.sort();
        out.extend(found);
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn read_partial(f: &Path) -> Result<Partial, CliError> {
    let read = crate::bounded::read(f, crate::bounded::PARTIAL)
        .map_err(|e| CliError::Input(e.to_string()))?;
    partial::decode(&read.bytes).map_err(|e| CliError::Input(format!("{}: {e}", f.shown())))
}

pub fn merge(a: MergeArgs) -> Result<(), CliError> {
    let files = find_partials(&a.dirs)?;
    // `run FOLDER --shard K/N` puts the shards of every scenario of the folder side by side:
    // each scenario's shards are merged on their own, in name order, as `run FOLDER` would
    // write them.
    let mut groups: std::collections::BTreeMap<String, Vec<(String, Partial)>> =
        std::collections::BTreeMap::new();
    for f in &files {
        let p = read_partial(f)?;
        groups
            .entry(p.header.fingerprint.scenario.clone())
            .or_default()
            .push((f.shown().to_string(), p));
    }
    for parts in groups.values_mut() {
        partial::check_set(parts).map_err(|e| CliError::Input(e.to_string()))?;
    }
    let mut result = Ok(());
    for parts in groups.into_values() {
        if let Err(e) = merge_one(&a, parts) {
            match e {
                // A merged result with non-finite values is written; the others still are.
                CliError::Internal(_) if result.is_ok() => result = Err(e),
                CliError::Internal(_) => {}
                e => return Err(e),
            }
        }
    }
    result
}

/// The scenario the shards ran, for names, units and event trees: the path each shard
/// recorded is tried in turn (shards run on machines that mount the scenario at different
/// places record different paths), and the first that loads with the shards' SHA-256 is
/// used (D214). When none does, the error lists every path tried and why it failed.
fn reload_scenario(parts: &[(String, Partial)]) -> Result<Scenario, CliError> {
    let fp = &parts[0].1.header.fingerprint;
    let mut tried: Vec<(String, PathBuf)> = Vec::new();
    for (f, p) in parts {
        let path = PathBuf::from(&p.header.scenario_path);
        if tried.iter().any(|(_, t)| *t == path) {
            continue;
        }
        tried.push((f.clone(), path));
    }
    let mut failures = Vec::new();
    for (f, path) in &tried {
        if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) {
            failures.push(format!(
                "{} (recorded by {f}) is not a regular file (a pipe such as `run <(...)`, \
                 or a device); run the shards from a scenario file",
                path.shown()
            ));
            continue;
        }
        let sc = match crate::scenario::load(path) {
            Ok(sc) => sc,
            Err(e) => {
                failures.push(format!(
                    "{} (recorded by {f}) does not load:\n{e}",
                    path.shown()
                ));
                continue;
            }
        };
        let sha = sha256_hex(sc.resolved_text.as_bytes());
        if sha == fp.scenario_sha256 && sc.name == fp.scenario {
            return Ok(sc);
        }
        failures.push(format!(
            "{} (recorded by {f}): the scenario (or a file it extends, its market file or its \
             `brent.imposed` series) changed since the shards ran: `scenario_sha256` is {} in \
             the shards but {sha} now; rerun the shards",
            path.shown(),
            fp.scenario_sha256
        ));
    }
    let n = tried.len();
    Err(CliError::Input(format!(
        "merge reloads the scenario for names, units and event trees from the path{} the \
         shards recorded, and {}:\n{}",
        if n == 1 { "" } else { "s" },
        if n == 1 {
            "it does not serve".to_string()
        } else {
            format!("none of the {n} serves")
        },
        failures.join("\n")
    )))
}

/// Merges the shards of one scenario (checked as a set) into `<out>/<scenario>`.
fn merge_one(a: &MergeArgs, parts: Vec<(String, Partial)>) -> Result<(), CliError> {
    let sc = reload_scenario(&parts)?;
    let fp = parts[0].1.header.fingerprint.clone();
    let stage = prepare(&a.output.out, &sc.name, a.output.force)
        .map_err(|e| CliError::Input(e.to_string()))?
        .with_csv_dialect(a.csv_dialect);
    // On a pool of this tool's size: rayon's global pool would read RAYON_NUM_THREADS (D148).
    let r = super::worker_pool()?
        .install(|| partial::merge(&sc, parts.into_iter().map(|(_, p)| p).collect()))
        .map_err(|e| CliError::Input(e.to_string()))?;
    let mut o = RunOptions::from_scenario(&sc);
    (o.seed, o.paths, o.months) = (fp.seed, fp.paths, fp.months);
    let extras = super::run::Extras {
        charts: !a.output.no_charts,
        xlsx: a.output.xlsx,
        sample_paths: None,
        report: !a.no_report,
    };
    let dir = write(&sc, &o, &r, stage, extras, None)?;
    super::run_diagnostics::report(&super::run_diagnostics::Diagnosed::of_run(&sc.name, &r));
    if !a.output.quiet {
        outln!(
            "{}: merged {} shards ({} paths x {} months) -> {}",
            sc.name,
            fp.shards,
            r.paths,
            r.months,
            dir.shown()
        )?;
    }
    match super::run_warnings::nonfinite_outputs(&sc, &r) {
        Some(m) => Err(CliError::Internal(m)),
        None => Ok(()),
    }
}
