//! Where each `[scenario]` and `[brent]` key of a resolved scenario was written, for
//! `explain`: the last file of the `extends` chain that sets it wins, as in the loader.

use super::diagnostics::Source;
use super::{Origin, Scenario};
use std::collections::BTreeMap;
use toml::de::DeTable;

/// One `[scenario]` or `[brent]` key as one file of the chain writes it.
pub(super) struct Written {
    /// The file's place in the chain, root first.
    pub file: usize,
    /// `"scenario.start"`, `"brent.p0"`, …
    pub key: String,
    pub at: Origin,
    /// The value when it is a string (`start = "2025-08"`).
    pub text: Option<String>,
}

/// Every `[scenario]` and `[brent]` key each file of the chain writes, root first. Files that
/// no longer read (changed since loading) are skipped.
pub(super) fn writes(sc: &Scenario) -> Vec<Written> {
    let mut out = Vec::new();
    let chain = &sc.files[..sc.files.len().saturating_sub(1)];
    for (i, path) in chain.iter().enumerate() {
        let Some(text) = crate::bounded::read(path, crate::bounded::SCENARIO)
            .ok()
            .and_then(|b| String::from_utf8(b.bytes).ok())
        else {
            continue;
        };
        let src = Source::new(path.clone(), text, false);
        let Ok(doc) = DeTable::parse(&src.text) else {
            continue;
        };
        for section in ["scenario", "brent"] {
            let Some(t) = doc.get_ref().get(section) else {
                continue;
            };
            let toml::de::DeValue::Table(t) = t.get_ref() else {
                continue;
            };
            for (k, v) in t.iter() {
                out.push(Written {
                    file: i,
                    key: format!("{section}.{}", k.get_ref()),
                    at: src.origin(k.span().start),
                    text: match v.get_ref() {
                        toml::de::DeValue::String(s) => Some(s.to_string()),
                        _ => None,
                    },
                });
            }
        }
    }
    out
}

/// `"scenario.start"`, `"brent.p0"`, … → the position of the winning key. Files that no
/// longer read (changed since loading) are skipped.
pub fn key_origins(sc: &Scenario) -> BTreeMap<String, Origin> {
    let chain = &sc.files[..sc.files.len().saturating_sub(1)];
    let mut out: BTreeMap<String, Origin> = writes(sc).into_iter().map(|w| (w.key, w.at)).collect();
    // `name` is never inherited: a parent's name is not this scenario's.
    if out
        .get("scenario.name")
        .is_some_and(|o| chain.last() != Some(&o.file))
    {
        out.remove("scenario.name");
    }
    out
}
