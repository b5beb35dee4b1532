//! `list`: one line per scenario.

use super::{expand_inputs, CliError};
use crate::policy::calendar::iso_month;
use crate::suggest::ShowPath;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Scenario files or folders.
    #[arg(required = true)]
    pub scenarios: Vec<PathBuf>,
}

pub fn list(a: ListArgs) -> Result<(), CliError> {
    let files = expand_inputs(&a.scenarios)?;
    outln!(
        "{:<20} {:<8} {:>6} {:>8}  description",
        "name",
        "start",
        "months",
        "paths"
    )?;
    let mut bad = 0;
    for f in &files {
        match crate::scenario::load(f) {
            Ok(sc) => outln!(
                "{:<20} {:<8} {:>6} {:>8}  {}",
                sc.name,
                iso_month(sc.start),
                sc.months,
                sc.paths,
                described(&sc)
            )?,
            Err(e) => {
                bad += 1;
                errln!("{e}");
            }
        }
    }
    if bad > 0 {
        let files = if bad == 1 { "file" } else { "files" };
        return Err(CliError::Input(format!(
            "{bad} scenario {files} could not be loaded"
        )));
    }
    Ok(())
}

/// The scenario's description, marked with the file it comes from when a child inherits it
/// (`[from baseline] Status quo …`): two lines with one text are otherwise indistinguishable.
fn described(sc: &crate::scenario::Scenario) -> String {
    let canon = |p: &std::path::Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let from = crate::scenario::key_origins(sc)
        .remove("scenario.description")
        .filter(|o| canon(&o.file) != canon(&sc.path));
    match from {
        Some(o) => {
            let stem = o.file.file_stem().map_or_else(
                || o.file.shown().to_string(),
                |s| std::path::Path::new(s).shown().to_string(),
            );
            format!("[from {stem}] {}", sc.description)
        }
        None => sc.description.clone(),
    }
}
