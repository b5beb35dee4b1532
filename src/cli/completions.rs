//! `completions SHELL` and `man [COMMAND]`: shell completion scripts (clap_complete) and roff
//! man pages (clap_mangen), generated from the same clap definition that parses the command
//! line, so they cannot drift from the flags. Both print to standard output, as ripgrep's
//! `--generate` and hyperfine's build do; README.md shows where to put them.

use super::{Cli, CliError};
use clap::{Args, CommandFactory};
use std::io::Write;

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Print the page of this subcommand (sanctions-sim-COMMAND(1)) instead of the main page.
    pub command: Option<String>,
}

fn print(bytes: &[u8]) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    // A full stdout is exit 1 and a closed one a reader that had enough, as for every
    // command that prints (`cli::out`), not an internal error (hostile round 12 F5).
    out.write_all(bytes)
        .and_then(|_| out.flush())
        .map_err(super::out::stdout_error)
}

pub fn completions(a: CompletionsArgs) -> Result<(), CliError> {
    let mut cmd = Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "sanctions-sim", &mut out);
    print(&out)
}

/// The roff text of the main page, or of subcommand `name`'s page.
pub fn man_page(name: Option<&str>) -> Result<Vec<u8>, CliError> {
    let cmd = Cli::command();
    let page = match name {
        None => cmd,
        Some(n) => {
            let names: Vec<String> = cmd
                .get_subcommands()
                .map(|s| s.get_name().to_string())
                .collect();
            let Some(sub) = cmd.find_subcommand(n) else {
                return Err(CliError::Input(format!(
                    "`{n}` is not a subcommand{}; the subcommands are {}",
                    crate::suggest::did_you_mean(n, &names),
                    names.join(", ")
                )));
            };
            // The page is named sanctions-sim-<command>, as git's and cargo's are. clap takes
            // a static name without its `string` feature; one page per process, so leaking
            // the few bytes is the simpler choice.
            let title: &'static str = Box::leak(format!("sanctions-sim-{n}").into_boxed_str());
            sub.clone().name(title).version(env!("CARGO_PKG_VERSION"))
        }
    };
    let mut out = Vec::new();
    clap_mangen::Man::new(page)
        .render(&mut out)
        .map_err(|e| CliError::Internal(format!("cannot render the man page: {e}")))?;
    Ok(out)
}

pub fn man(a: ManArgs) -> Result<(), CliError> {
    print(&man_page(a.command.as_deref())?)
}
