//! `validate`: load every file, report every error, run nothing. Also warns where a file's
//! event is replaced by one it inherits (`scenario::overrides`, D50). A closed stdout does not
//! stop it: the exit code is the verdict.

use super::{expand_inputs, CliError};
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
    for f in &files {
        match crate::scenario::load(f) {
            Ok(sc) => {
                crate::outln!(
                    "ok: {} ({}, {} events)",
                    f.display(),
                    sc.name,
                    sc.events.len()
                )
                .or_else(super::out::ignore_closed)?;
                // Warnings do not fail validation: the file is valid, it may not mean it.
                for w in crate::scenario::overrides(&sc) {
                    crate::errln!("{w}\n");
                }
            }
            Err(e) => {
                bad += 1;
                crate::errln!("{e}");
            }
        }
    }
    if bad > 0 {
        return Err(CliError::Input(format!(
            "{bad} of {} scenario files have errors",
            files.len()
        )));
    }
    Ok(())
}
