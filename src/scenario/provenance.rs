//! Where each `[scenario]` and `[brent]` key of a resolved scenario was written, for
//! `explain`: the last file of the `extends` chain that sets it wins, as in the loader.

use super::diagnostics::Source;
use super::{Origin, Scenario};
use std::collections::BTreeMap;
use toml::de::DeTable;

/// `"scenario.start"`, `"brent.p0"`, … → the position of the winning key. Files that no
/// longer read (changed since loading) are skipped.
pub fn key_origins(sc: &Scenario) -> BTreeMap<String, Origin> {
    let mut out = BTreeMap::new();
    let chain = &sc.files[..sc.files.len().saturating_sub(1)];
    for path in chain {
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
            for (k, _) in t.iter() {
                let key = format!("{section}.{}", k.get_ref());
                out.insert(key, src.origin(k.span().start));
            }
        }
    }
    // `name` is never inherited: a parent's name is not this scenario's.
    if out
        .get("scenario.name")
        .is_some_and(|o| chain.last() != Some(&o.file))
    {
        out.remove("scenario.name");
    }
    out
}
