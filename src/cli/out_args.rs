//! The result-folder flags that `run`, `compare`, `merge` and `sensitivity` share
//! (`--out`, `--force`, `--quiet`, `--xlsx`, `--no-charts`), flattened into each command so
//! that every command spells and checks them the same way. Their help is worded for `run`;
//! the other commands reword it for their own folder (`mut_arg`), and give each flag the
//! place in `--help` it had before the flags were shared (`display_order`), so that each
//! command's `--help` describes only that command and reads as it did.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct OutArgs {
    /// Output folder; each scenario writes a sub-folder named after it.
    #[arg(long, default_value = "output")]
    pub out: PathBuf,
    /// Replace existing result folders (only once the new results are complete).
    #[arg(long)]
    pub force: bool,
    /// No progress bar and no summary lines.
    #[arg(long)]
    pub quiet: bool,
    /// Also write results.xlsx: one sheet per table and the manifest; with several scenarios
    /// also <out>/results.xlsx holding them all (docs/outputs.md).
    #[arg(long)]
    pub xlsx: bool,
    /// Do not write charts/<variable>.svg and .png (fan charts of the key variables).
    #[arg(long)]
    pub no_charts: bool,
}
