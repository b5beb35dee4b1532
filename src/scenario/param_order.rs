//! `[params]` that must keep an order across parameters (hostile round 11 F5):
//! `market::param_ranges::ORDERED`, checked once the market file's and the chain's `[params]`
//! are merged, on every value each distribution can draw. Each range is checked one name at a
//! time (`params.rs`); this names the pair, at the key written last, with both values.

use super::diagnostics::{Diagnostic, Source};
use super::raw::RawFile;
use crate::dist::Dist;
use crate::market::param_ranges::{disorders, reach};
use crate::market::params::ParamSpec;
use crate::suggest::Num;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// Where `name` was last set: (rank along market file then chain, its file, the key's span).
fn written<'s>(
    name: &str,
    msrc: &'s Source,
    raws: &[RawFile<'_>],
    sources: &'s [Source],
) -> Option<(usize, &'s Source, Range<usize>)> {
    for (i, (r, src)) in raws.iter().zip(sources).enumerate().rev() {
        if let Some((k, _)) = r.params.iter().rev().find(|(k, _)| k.get_ref() == name) {
            return Some((i + 1, src, k.span()));
        }
    }
    let doc = DeTable::parse(&msrc.text).ok()?;
    let Some(DeValue::Table(t)) = doc.get_ref().get("params").map(|v| v.get_ref()) else {
        return None;
    };
    t.iter()
        .find(|(k, _)| k.get_ref() == name)
        .map(|(k, _)| (0, msrc, k.span()))
}

/// `= 3` for a constant, `= uniform(…) (values up to 3)` for a distribution.
fn shown(d: &Dist, upper_end: bool) -> String {
    if d.is_const() {
        return format!("= {d}");
    }
    let (lo, hi) = reach(d);
    if upper_end {
        format!("= {d} (values up to {})", Num(hi))
    } else {
        format!("= {d} (values down to {})", Num(lo))
    }
}

/// One error per ordered pair the merged `params` break, at the later-written of its keys.
pub(crate) fn check(
    msrc: &Source,
    raws: &[RawFile<'_>],
    sources: &[Source],
    params: &ParamSpec,
    diags: &mut Vec<Diagnostic>,
) {
    for (lower, upper, why) in disorders(params) {
        let (Some(l), Some(u)) = (params.get(lower), params.get(upper)) else {
            continue;
        };
        let wl = written(lower, msrc, raws, sources);
        let wu = written(upper, msrc, raws, sources);
        let later =
            |w: &Option<(usize, &Source, Range<usize>)>| w.as_ref().map(|(r, _, s)| (*r, s.start));
        let (at, here, other, other_at) = if later(&wl) >= later(&wu) {
            (&wl, lower, upper, &wu)
        } else {
            (&wu, upper, lower, &wl)
        };
        let Some((_, src, span)) = at else {
            continue;
        };
        let other_where = match other_at {
            Some((_, s, sp)) => format!("written at {}", s.origin(sp.start)),
            None => "its default".to_string(),
        };
        let message = format!(
            "`params.{lower}` {} is not below `params.{upper}` {}: {why}; `params.{other}` is \
             {other_where}. With the order broken the inventory buffer is a 0/1 step",
            shown(&l, true),
            shown(&u, false),
        );
        let default = ParamSpec::default();
        let def = |n: &str| default.get(n).map_or("-".into(), |d| d.to_string());
        let help = format!(
            "keep every value of `{lower}` below every value of `{upper}`: lower `{lower}` \
             under {} or raise `{upper}` above {} (the defaults are inv_min {}, inv_target {}, \
             inv_max {})",
            Num(reach(&u).0),
            Num(reach(&l).1),
            def("inv_min"),
            def("inv_target"),
            def("inv_max"),
        );
        diags.push(src.diag(
            span.clone(),
            Some(&format!("params.{here}")),
            message,
            Some(help),
        ));
    }
}
