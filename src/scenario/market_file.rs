//! The market file named by `scenario.market`: read, parsed, checked (`Market::from_file`),
//! and every problem reported at its line or at the `market` key that named it.

use super::diagnostics::{Diagnostic, Source};
use super::files::{read_source, ReadFail, LIMIT_HELP};
use super::syntax::{key_at, syntax};
use crate::market::data::{Market, MarketFile};
use crate::suggest::ShowPath;
use std::ops::Range;
use std::path::Path;
use toml::de::{DeTable, DeValue};

/// Why the market file named by `scenario.market` could not be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum MarketError {
    #[error("{0}")]
    Unreadable(Box<Diagnostic>),
    #[error("{0}")]
    Invalid(Box<Diagnostic>),
    /// Not a market file (serde's message at its position).
    #[error("{0}")]
    Format(Box<Diagnostic>),
    /// `Market::from_file` refused it: one diagnostic per problem.
    #[error("{} problems in the market file", .0.len())]
    Rejected(Vec<Diagnostic>),
}

impl MarketError {
    pub(crate) fn into_diagnostics(self) -> Vec<Diagnostic> {
        match self {
            MarketError::Unreadable(d) | MarketError::Invalid(d) | MarketError::Format(d) => {
                vec![*d]
            }
            MarketError::Rejected(ds) => ds,
        }
    }
}

/// Where a relative `market` path is looked for. A scenario read from a pipe
/// (`cat s.toml | sanctions-sim run /dev/stdin`) has no folder of its own: the path was
/// looked for beside the pipe's name, under `/dev`, which the old hint did not explain
/// (hostile round 7 finding 7).
fn relative_help(declared_in: &Path) -> String {
    let plain = std::fs::metadata(declared_in).is_ok_and(|m| m.is_file())
        && !declared_in.starts_with("/dev")
        && !declared_in.starts_with("/proc");
    if plain {
        return "the path is relative to the file that declares `market`".into();
    }
    let dir = declared_in.parent().unwrap_or(Path::new(""));
    format!(
        "the path is relative to the file that declares `market`, but `{}` is a pipe or a \
         device, not a file in a folder, so a relative path was looked for in `{}`: give \
         `market` as an absolute path, or save the scenario to a file first",
        declared_in.shown(),
        dir.shown()
    )
}

/// Loads the market file named by `scenario.market` at `decl` in `by` (its `[params]` are
/// the params stage's job).
pub(crate) fn load_market(
    path: &Path,
    by: &Source,
    decl: Range<usize>,
) -> Result<(Market, Source), MarketError> {
    let msrc = match read_source(path, crate::bounded::NAMED) {
        Ok(s) => s,
        Err(ReadFail::Io(e)) => {
            return Err(MarketError::Unreadable(Box::new(by.diag(
                decl,
                Some("scenario.market"),
                format!("cannot read market file `{}`: {e}", path.shown()),
                Some(relative_help(&by.path)),
            ))));
        }
        Err(ReadFail::Invalid(d)) => return Err(MarketError::Invalid(d)),
        Err(ReadFail::Limit(m)) => {
            let d = by.diag(decl, Some("scenario.market"), m, Some(LIMIT_HELP.into()));
            return Err(MarketError::Invalid(Box::new(d)));
        }
    };
    let mf = match toml::from_str::<MarketFile>(&msrc.text) {
        Ok(mf) => mf,
        Err(e) => {
            let at = by.diag(decl.clone(), None, "", None);
            let pointer = format!(
                "the market file is named by `scenario.market` at {}:{}:{}",
                by.path.shown(),
                at.line,
                at.col
            );
            let d = match DeTable::parse(&msrc.text) {
                // Not TOML at all (or a syntax slip): say so, and where it was named.
                Err(_) => {
                    let mut d = syntax(&msrc, &e);
                    d.message = format!("in market file: {}", d.message);
                    d.help = Some(match d.help {
                        Some(h) => format!("{h}; {pointer}"),
                        None => pointer,
                    });
                    d
                }
                // A scenario file named by `market`: one error at `scenario.market`.
                Ok(doc)
                    if ["scenario", "event", "tree"]
                        .iter()
                        .any(|k| doc.get_ref().contains_key(*k))
                        && !doc.get_ref().contains_key("basin") =>
                {
                    by.diag(
                        decl.clone(),
                        Some("scenario.market"),
                        format!(
                            "`{}` is a scenario file (it has `[scenario]` or `[[event]]`), not a \
                             market file",
                            path.shown()
                        ),
                        Some(
                            "`market` names the market file (basins, buyers, routes), e.g. \
                             `market = \"market/default.toml\"`; a parent scenario is named \
                             by `extends` at the top of the file"
                                .into(),
                        ),
                    )
                }
                Ok(_) => {
                    let span = e.span().unwrap_or(0..0);
                    let key = key_at(&msrc.text, span.start);
                    let msg = match &key {
                        Some(k) => format!("in market file: `{k}`: {}", e.message()),
                        None => format!("in market file: {}", e.message()),
                    };
                    let help = super::misplaced::unknown_field_help(e.message()).unwrap_or(pointer);
                    msrc.diag(span, key.as_deref(), msg, Some(help))
                }
            };
            return Err(MarketError::Format(Box::new(d)));
        }
    };
    match Market::from_file(mf) {
        Ok(m) => Ok((m, msrc)),
        Err(errs) => {
            let at = by.diag(decl, None, "", None);
            let help = format!(
                "the market file is named by `scenario.market` at {}:{}:{}",
                by.path.shown(),
                at.line,
                at.col
            );
            // The text parsed above, so this parse succeeds; without it the problems are
            // reported at the file level.
            let doc = DeTable::parse(&msrc.text).ok();
            let ds = errs
                .into_iter()
                .map(|p| {
                    let key = p.table.map(|t| match &p.key {
                        Some(k) => format!("{t}.{k}"),
                        None => t.to_string(),
                    });
                    let span = doc
                        .as_ref()
                        .and_then(|d| problem_span(d.get_ref(), p.table, p.row, p.key.as_deref()));
                    match span {
                        Some(sp) => msrc.diag(sp, key.as_deref(), p.message, Some(help.clone())),
                        None => Diagnostic::file_level(
                            &msrc.path,
                            key.as_deref(),
                            p.message,
                            Some(help.clone()),
                        ),
                    }
                })
                .collect();
            Err(MarketError::Rejected(ds))
        }
    }
}

/// Byte span of a market-file problem: the value at the dotted `key` in row `row` of the array
/// `table`, or the deepest table on that path that exists (the row itself when the key is
/// absent, i.e. a default, or not named).
fn problem_span(
    doc: &DeTable<'_>,
    table: Option<&str>,
    row: usize,
    key: Option<&str>,
) -> Option<Range<usize>> {
    let arr = doc.get(table?)?;
    let DeValue::Array(items) = arr.get_ref() else {
        return Some(arr.span());
    };
    let mut at = items.get(row)?;
    for k in key.into_iter().flat_map(|k| k.split('.')) {
        match at.get_ref() {
            DeValue::Table(t) => match t.get(k) {
                Some(v) => at = v,
                None => break,
            },
            _ => break,
        }
    }
    Some(at.span())
}
