//! `validate`: load every file, report every error, run nothing. Also warns where a file's
//! event is replaced by one it inherits (`scenario::overrides`, D50), and what falls outside
//! the run window (`scenario::window_findings`, D195–D199), and checks the files as the set
//! `run` would take (`scenario_set`; hostile round 7, finding 6). A closed stdout does not
//! stop it: the exit code is the verdict.

use super::{expand_inputs, CliError};
use crate::suggest::ShowPath;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Scenario files or folders.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
}

pub fn validate(a: ValidateArgs) -> Result<(), CliError> {
    let files = expand_inputs(&a.scenarios)?;
    let mut bad = 0;
    let mut loaded = Vec::new();
    for f in &files {
        match crate::scenario::load(f) {
            Ok(sc) => {
                // Warnings do not fail validation: the file is valid, it may not mean it. They
                // come before the file's `ok` line, which counts them, so that the last line
                // on a terminal is not a bare "ok" under a warning (walkthrough 11 #7).
                let mut found: Vec<String> = crate::scenario::overrides(&sc)
                    .iter()
                    .map(|w| w.to_string())
                    .collect();
                // D195–D199: what falls before the start or past the horizon's end.
                found.extend(
                    crate::scenario::window_findings(&sc, sc.months)
                        .iter()
                        .map(|w| w.to_string()),
                );
                // D171: inherited events past a shorter `months`, and imposed Brent rows
                // that end before the horizon (then only a shorter --months runs).
                found.extend(super::run_warnings::cut_events(&sc, sc.months, None));
                found.extend(imposed_short(&sc));
                for w in &found {
                    errln!("{w}\n");
                }
                outln!(
                    "ok: {} ({}, {} events{})",
                    f.shown(),
                    sc.name,
                    sc.events.len(),
                    findings_note(&found)
                )
                .or_else(super::out::ignore_closed)?;
                loaded.push(sc);
            }
            Err(e) => {
                bad += 1;
                errln!("{e}");
            }
        }
    }
    // Each file is valid on its own; `run` would still refuse them together.
    let twice = super::scenario_set::duplicates(&loaded, super::scenario_set::RENAME);
    if bad > 0 {
        for t in &twice {
            errln!("error: {t}");
        }
        return Err(CliError::Input(format!(
            "{bad} of {} scenario files have errors",
            files.len()
        )));
    }
    if !twice.is_empty() {
        return Err(CliError::Input(twice.join("\n")));
    }
    Ok(())
}

/// "; 1 warning above", "; 2 notes above", "; 1 warning and 1 note above", or nothing.
fn findings_note(found: &[String]) -> String {
    let notes = found.iter().filter(|w| w.starts_with("note")).count();
    let warnings = found.len() - notes;
    let count = |n: usize, word: &str| match n {
        0 => None,
        1 => Some(format!("1 {word}")),
        n => Some(format!("{n} {word}s")),
    };
    let parts: Vec<String> = [count(warnings, "warning"), count(notes, "note")]
        .into_iter()
        .flatten()
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("; {} above", parts.join(" and "))
    }
}

/// D171: `brent.imposed` rows that end before the file's horizon: the file loads, and `run`,
/// `compare` and `sensitivity` run it only with a `--months` the rows cover.
fn imposed_short(sc: &crate::scenario::Scenario) -> Option<String> {
    let b = sc.brent_imposed.as_ref()?;
    sc.check_months(sc.months).err()?;
    let fits = b.months_from(sc.start);
    Some(format!(
        "warning: {}: `brent.imposed` ({}) covers {fits} of the file's {} months (its rows end \
         in {}): run, compare and sensitivity need --months ≤ {fits}, or add rows to it \
         through {}",
        sc.path.shown(),
        b.path.shown(),
        sc.months,
        crate::policy::calendar::iso_month(b.last()),
        crate::policy::calendar::iso_month(sc.start + sc.months as i32 - 1),
    ))
}
