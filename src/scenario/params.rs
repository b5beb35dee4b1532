//! `[params]` stage: the market file's `[params]`, then each scenario file's in chain order,
//! each name checked and each value checked against the parameter's valid range; and where
//! each winning override was written (`Scenario::param_origins`).

use super::diagnostics::{Diagnostic, Source};
use super::raw::RawFile;
use super::spanned::{de, Val};
use super::walker::Walker;
use super::Origin;
use crate::dist::Dist;
use crate::market::param_ranges::range_of;
use crate::market::params::ParamSpec;
use crate::suggest;
use serde_spanned::Spanned;
use std::collections::BTreeMap;
use toml::de::{DeTable, DeValue};

/// Applies each scenario file's `[params]`, root first, on top of `params` (the defaults
/// with the market file's `[params]` already applied).
pub(crate) fn resolve_chain(
    raws: &[RawFile<'_>],
    sources: &[Source],
    params: &mut ParamSpec,
    diags: &mut Vec<Diagnostic>,
) {
    for (r, src) in raws.iter().zip(sources) {
        let mut w = Walker::new(src, diags);
        check_params(&mut w, &r.params, params);
    }
}

/// The market file's own `[params]` (the market file parsed as a whole already, so a parse
/// failure here cannot happen; it is skipped rather than reported twice).
pub(crate) fn market_params(msrc: &Source, params: &mut ParamSpec, diags: &mut Vec<Diagnostic>) {
    if let Ok(doc) = DeTable::parse(&msrc.text) {
        if let Some(DeValue::Table(t)) = doc.get_ref().get("params").map(|v| v.get_ref()) {
            let entries: Vec<_> = t
                .iter()
                .map(|(k, v)| (Spanned::new(k.span(), k.get_ref().to_string()), v))
                .collect();
            let mut w = Walker::new(msrc, diags);
            check_params(&mut w, &entries, params);
        }
    }
}

/// Where the market file's `[params]` entries are, in file order.
pub(crate) fn market_origins(msrc: &Source) -> Vec<(String, Origin)> {
    let Ok(doc) = DeTable::parse(&msrc.text) else {
        return Vec::new();
    };
    let Some(DeValue::Table(t)) = doc.get_ref().get("params").map(|v| v.get_ref()) else {
        return Vec::new();
    };
    t.iter()
        .map(|(k, _)| (k.get_ref().to_string(), msrc.origin(k.span().start)))
        .collect()
}

/// Provenance of parameter overrides: market file first, then the chain; later wins.
pub(crate) fn origins(
    msrc: &Source,
    raws: &[RawFile<'_>],
    sources: &[Source],
) -> BTreeMap<String, Origin> {
    let mut out: BTreeMap<String, Origin> = market_origins(msrc).into_iter().collect();
    for (r, src) in raws.iter().zip(sources) {
        for (k, _) in &r.params {
            out.insert(k.get_ref().clone(), src.origin(k.span().start));
        }
    }
    out
}

/// Checks `[params]`: known names, a number or distribution, and every value it can draw
/// inside the parameter's valid range (`market::param_ranges`; fuzzing found `storage_cap < 0`
/// breaking the storage bound and `sigma_xi = -7e18` giving non-finite bands).
fn check_params(w: &mut Walker<'_>, entries: &[(Spanned<String>, &Val<'_>)], spec: &mut ParamSpec) {
    for (k, v) in entries {
        let name = k.get_ref();
        let key = format!("params.{name}");
        if !ParamSpec::NAMES.contains(&name.as_str()) {
            let help = match suggest::closest(name, ParamSpec::NAMES) {
                Some(c) => format!("did you mean `{c}`?"),
                None => "docs/model.md lists the model parameters".into(),
            };
            w.err(
                k.span(),
                &key,
                format!("unknown parameter `{name}`"),
                Some(help),
            );
            continue;
        }
        let r = match v.get_ref() {
            DeValue::Integer(_) | DeValue::Float(_) | DeValue::Table(_) => de::<Dist>(v),
            other => Err((
                v.span(),
                format!(
                    "expected a number or a distribution, got {}",
                    super::hints::a_type(other.type_str())
                ),
            )),
        };
        match r {
            Ok(d) if !range_of(name).admits_dist(&d) => {
                let (lo, hi) = d.support();
                let what = if d.is_const() {
                    format!("{d}")
                } else {
                    format!(
                        "{d} (values in [{}, {}])",
                        suggest::Num(lo),
                        suggest::Num(hi)
                    )
                };
                w.err(
                    v.span(),
                    &key,
                    format!(
                        "`{key}` must lie {}, got {what}: {}",
                        range_of(name).describe(),
                        range_of(name).why
                    ),
                    Some(format!(
                        "{}the default is {}; docs/model.md gives each parameter's unit and prior",
                        match (d, range_of(name).kind) {
                            (Dist::Const(x), crate::market::param_ranges::Kind::Unit) => {
                                super::hints::fraction_help(name, &key, x, 0.0, 1.0)
                                    .map_or(String::new(), |h| format!("{h}; "))
                            }
                            _ => String::new(),
                        },
                        ParamSpec::default()
                            .get(name)
                            .map_or("-".into(), |d| d.to_string())
                    )),
                )
            }
            Ok(d) => {
                spec.set(name, d);
            }
            Err((span, m)) => w.err(
                span,
                &key,
                format!("`{key}`: {m}"),
                Some(super::hints::dist_help(v, &key)),
            ),
        }
    }
}
