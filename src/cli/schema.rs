//! `schema`: print the JSON Schema (draft 2020-12) of the scenario file format.
//!
//! Lever names come from a market file: by default the shipped
//! `scenarios/market/default.toml` (built into the binary), or `--market FILE`; with
//! `--any-lever` the schema accepts any well-formed lever name or wildcard instead.

use super::CliError;
use crate::market::data::{Market, MarketFile};
use crate::policy::levers::LeverRegistry;
use crate::suggest::ShowPath;
use clap::Args;
use std::path::PathBuf;

/// The shipped default market, used for lever names when no `--market` is given.
pub const DEFAULT_MARKET: &str = include_str!("../../scenarios/market/default.toml");

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Market file whose buyers, pipelines and basins name the levers (default: the shipped
    /// scenarios/market/default.toml).
    #[arg(long, conflicts_with = "any_lever")]
    pub market: Option<PathBuf>,
    /// Accept any lever name pattern instead of the market's lever names.
    #[arg(long)]
    pub any_lever: bool,
}

/// The lever registry of a market file's text.
pub fn registry_of(text: &str, what: &str) -> Result<LeverRegistry, CliError> {
    let mf: MarketFile =
        toml::from_str(text).map_err(|e| CliError::Input(format!("{what}: {}", e.message())))?;
    let m = Market::from_file(mf).map_err(|errs| {
        let all: Vec<String> = errs.into_iter().map(|e| e.message).collect();
        CliError::Input(format!("{what}: {}", all.join("; ")))
    })?;
    Ok(LeverRegistry::new(&m.registry_rows()))
}

/// The schema as pretty JSON, for the given arguments.
pub fn schema_text(a: &SchemaArgs) -> Result<String, CliError> {
    let reg = if a.any_lever {
        None
    } else if let Some(p) = &a.market {
        let read = crate::bounded::read(p, crate::bounded::SCENARIO)
            .map_err(|e| CliError::Input(e.to_string()))?;
        let text = String::from_utf8(read.bytes)
            .map_err(|_| CliError::Input(format!("`{}` is not valid UTF-8 text", p.shown())))?;
        Some(registry_of(&text, &p.shown().to_string())?)
    } else {
        Some(
            registry_of(DEFAULT_MARKET, "built-in scenarios/market/default.toml")
                .map_err(|e| CliError::Internal(e.message().to_string()))?,
        )
    };
    let v = crate::scenario::scenario_schema(reg.as_ref());
    serde_json::to_string_pretty(&v).map_err(|e| CliError::Internal(e.to_string()))
}

pub fn schema(a: SchemaArgs) -> Result<(), CliError> {
    outln!("{}", schema_text(&a)?)?;
    Ok(())
}
