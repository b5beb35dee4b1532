//! `list`: one line per scenario.

use super::{expand_inputs, CliError};
use crate::policy::calendar::iso_month;
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
    crate::outln!(
        "{:<20} {:<8} {:>6} {:>8}  description",
        "name",
        "start",
        "months",
        "paths"
    )?;
    let mut bad = 0;
    for f in &files {
        match crate::scenario::load(f) {
            Ok(sc) => crate::outln!(
                "{:<20} {:<8} {:>6} {:>8}  {}",
                sc.name,
                iso_month(sc.start),
                sc.months,
                sc.paths,
                sc.description
            )?,
            Err(e) => {
                bad += 1;
                crate::errln!("{e}");
            }
        }
    }
    if bad > 0 {
        return Err(CliError::Input(format!(
            "{bad} scenario files could not be loaded"
        )));
    }
    Ok(())
}
