//! `[correlations]`: Spearman rank correlations among uncertain `[params]`, applied per path
//! with a Gaussian copula ([`Copula`]).
//!
//! ```toml
//! [correlations]
//! pairs = [ ["eps_d", "eps_s", -0.3], ["sigma_chi_calm", "sigma_xi", 0.5] ]
//! ```
//!
//! Pairs are inherited through `extends` and merged by (unordered) pair, child wins; a
//! child's ρ = 0 removes the pair. Both names must be model parameters that are uncertain in
//! the resolved scenario, except that a pair whose parameter a later file pins is dropped
//! with a note (a child cannot edit the parent that wrote the pair); ρ must lie
//! in (-1, 1); the implied matrix (unit diagonal, symmetric, zero for unlisted pairs) must
//! be positive definite after the Spearman → Pearson conversion 2 sin(π ρ_s / 6).

use super::diagnostics::{Diagnostic, Source};
use super::overrides::{Severity, Warning};
use super::raw::RawFile;
use super::spanned::Val;
use super::walker::{key_help, Walker};
use super::Origin;
use crate::market::params::{Copula, ParamSpec};
use crate::suggest::ShowPath;
use serde_spanned::Spanned;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::de::DeValue;

pub(crate) const CORRELATION_KEYS: &[&str] = &["pairs"];

/// One `[name, name, rho]` entry as written.
#[derive(Debug, Clone)]
pub(crate) struct RawPair {
    pub a: Spanned<String>,
    pub b: Spanned<String>,
    pub rho: Spanned<f64>,
    pub span: Range<usize>,
}

const EXAMPLE: &str = "pairs = [[\"eps_d\", \"eps_s\", -0.3]]";

/// Walks a `[correlations]` value; type errors go to the walker.
pub(crate) fn walk(w: &mut Walker<'_>, v: &Val<'_>) -> Vec<RawPair> {
    let mut out = Vec::new();
    let DeValue::Table(t) = v.get_ref() else {
        w.err(
            v.span(),
            "correlations",
            "`correlations` must be a table",
            Some(format!("write `[correlations]` then `{EXAMPLE}`")),
        );
        return out;
    };
    for (k, pv) in t.iter() {
        let name = k.get_ref().as_ref();
        if name != "pairs" {
            w.err(
                k.span(),
                &format!("correlations.{name}"),
                format!("unknown key `{name}` in [correlations]"),
                Some(key_help(name, CORRELATION_KEYS)),
            );
            continue;
        }
        let DeValue::Array(items) = pv.get_ref() else {
            w.err(
                pv.span(),
                "correlations.pairs",
                "`correlations.pairs` must be an array of [name, name, rho] triples",
                Some(format!("write e.g. `{EXAMPLE}`")),
            );
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let key = format!("correlations.pairs[{}]", i + 1);
            let triple = match item.get_ref() {
                DeValue::Array(x) if x.len() == 3 => x,
                _ => {
                    w.err(
                        item.span(),
                        &key,
                        format!("`{key}` must be a triple [name, name, rho]"),
                        Some("write e.g. `[\"eps_d\", \"eps_s\", -0.3]`".into()),
                    );
                    continue;
                }
            };
            let a = w.string(&triple[0], &key, "\"eps_d\"");
            let b = w.string(&triple[1], &key, "\"eps_s\"");
            let rho = w.float(&triple[2], &key, "-0.3");
            if let (Some(a), Some(b), Some(rho)) = (a, b, rho) {
                out.push(RawPair {
                    a,
                    b,
                    rho,
                    span: item.span(),
                });
            }
        }
    }
    out
}

/// Where a parameter's winning `[params]` entry was written: the index of its file in the
/// chain (root first), `None` for the market file.
pub(crate) type Pin = (Option<usize>, Origin);

/// The winning `[params]` entry of each parameter: the market file's, then each file's of the
/// chain, a later file's replacing an earlier one's.
pub(crate) fn pins(
    market: Option<&Source>,
    raws: &[RawFile<'_>],
    sources: &[Source],
) -> BTreeMap<String, Pin> {
    let mut out = BTreeMap::new();
    if let Some(m) = market {
        for (name, at) in super::params::market_origins(m) {
            out.insert(name, (None, at));
        }
    }
    for (k, (r, src)) in raws.iter().zip(sources).enumerate() {
        for (name, _) in &r.params {
            out.insert(
                name.get_ref().clone(),
                (Some(k), src.origin(name.span().start)),
            );
        }
    }
    out
}

/// Merges the chain's pairs (child wins; a child's `rho = 0` removes the pair), validates them
/// against the resolved parameters and builds the copula. Errors are pushed to `diags`; a pair
/// dropped because a later file made one of its parameters constant is a note in `notes`.
pub(crate) fn resolve(
    chain: &[(&[RawPair], &Source)],
    spec: &ParamSpec,
    pins: &BTreeMap<String, Pin>,
    diags: &mut Vec<Diagnostic>,
    notes: &mut Vec<Warning>,
) -> Copula {
    // (low name, high name) -> (file index, source, pair)
    let mut merged: BTreeMap<(String, String), (usize, &Source, &RawPair)> = BTreeMap::new();
    let mut ok = true;
    for (f, (pairs, src)) in chain.iter().enumerate() {
        // A pair written twice in one file (in either order) is an error: which one should
        // win is not for the loader to guess (issue 15). A child file still overrides a
        // parent's pair.
        let mut seen: BTreeMap<(String, String), &RawPair> = BTreeMap::new();
        for p in pairs.iter() {
            let key = "correlations.pairs";
            let mut bad = false;
            for n in [&p.a, &p.b] {
                let name = n.get_ref();
                if spec.get(name).is_none() {
                    let help = match crate::suggest::closest(name, ParamSpec::NAMES) {
                        Some(c) => format!("did you mean `{c}`?"),
                        None => "docs/model.md lists the model parameters".into(),
                    };
                    diags.push(src.diag(
                        n.span(),
                        Some(key),
                        format!("unknown parameter `{name}` in [correlations]"),
                        Some(help),
                    ));
                    bad = true;
                }
            }
            if !bad && p.a.get_ref() == p.b.get_ref() {
                diags.push(src.diag(
                    p.span.clone(),
                    Some(key),
                    format!(
                        "`{}` is correlated with itself; the diagonal is always 1",
                        p.a.get_ref()
                    ),
                    Some("name two different parameters".into()),
                ));
                bad = true;
            }
            let r = *p.rho.get_ref();
            if !(r.is_finite() && r.abs() < 1.0) {
                diags.push(src.diag(
                    p.rho.span(),
                    Some(key),
                    format!(
                        "rank correlation of `{}` and `{}` must lie strictly between -1 and 1, got {}",
                        p.a.get_ref(),
                        p.b.get_ref(),
                        crate::suggest::Num(r)
                    ),
                    Some("use e.g. 0.95 for a very strong dependence".into()),
                ));
                bad = true;
            }
            if bad {
                ok = false;
                continue;
            }
            let (x, y) = (p.a.get_ref().clone(), p.b.get_ref().clone());
            let k = if x < y { (x, y) } else { (y, x) };
            if let Some(first) = seen.get(&k) {
                let at = src.origin(first.span.start);
                let (r0, r1) = (*first.rho.get_ref(), *p.rho.get_ref());
                let how = if r0 == r1 {
                    "twice".to_string()
                } else {
                    format!("twice, with different values ({r0} and {r1})")
                };
                diags.push(src.diag(
                    p.span.clone(),
                    Some(key),
                    format!("the pair `{}`, `{}` is given {how}", k.0, k.1),
                    Some(format!(
                        "first given at {}:{}:{}; a pair (in either order) may appear once per \
                         file: remove one",
                        at.file.shown(),
                        at.line,
                        at.col
                    )),
                ));
                ok = false;
                continue;
            }
            seen.insert(k.clone(), p);
            // rho = 0 is no correlation: written in a child, it removes an inherited pair
            // (hostile round 8 finding 5), and a constant may appear in it.
            if r == 0.0 {
                merged.remove(&k);
            } else {
                merged.insert(k, (f, *src, p));
            }
        }
    }
    let leaf = chain.last().map(|(_, s)| s.path.clone());
    merged.retain(
        |_, (f, src, p)| match constants(spec, pins, *f, src, p, leaf.as_deref()) {
            Constants::None => true,
            Constants::Dropped(n) => {
                notes.push(n);
                false
            }
            Constants::Refused(d) => {
                diags.extend(d);
                ok = false;
                false
            }
        },
    );
    if !ok || merged.is_empty() {
        return Copula::default();
    }
    let names: Vec<&'static str> = ParamSpec::NAMES
        .iter()
        .copied()
        .filter(|n| merged.keys().any(|(a, b)| a == n || b == n))
        .collect();
    let idx = |s: &str| names.iter().position(|n| *n == s).expect("a listed name");
    let n = names.len();
    let mut m = vec![vec![0.0; n]; n];
    for (i, row) in m.iter_mut().enumerate() {
        row[i] = 1.0;
    }
    for ((a, b), (_, _, p)) in &merged {
        let (i, j) = (idx(a), idx(b));
        m[i][j] = *p.rho.get_ref();
        m[j][i] = *p.rho.get_ref();
    }
    match Copula::new(names.clone(), &m) {
        Ok(c) => c,
        Err(e) => {
            let (i, j) = e.pair;
            let (a, b) = (names[i], names[j]);
            let k = if a < b { (a, b) } else { (b, a) };
            let (_, src, p) = merged
                .get(&(k.0.to_string(), k.1.to_string()))
                .or_else(|| merged.values().next())
                .expect("at least one pair");
            let involved: Vec<String> = merged
                .iter()
                .filter(|((x, y), _)| {
                    let (xi, yi) = (idx(x), idx(y));
                    xi <= e.row && yi <= e.row && (xi == e.row || yi == e.row)
                })
                .map(|((x, y), (_, _, p))| format!("{x}~{y} = {}", p.rho.get_ref()))
                .collect();
            diags.push(src.diag(
                p.span.clone(),
                Some("correlations.pairs"),
                if e.nearly_singular() {
                    format!(
                        "the rank correlations are too close to a perfect relationship to \
                         factor (the matrix is singular or nearly so, though not \
                         contradictory); it shows at `{}` ~ `{}` = {}",
                        p.a.get_ref(),
                        p.b.get_ref(),
                        p.rho.get_ref()
                    )
                } else {
                    format!(
                        "the rank correlations are inconsistent (the matrix is not positive \
                         definite); the conflict shows at `{}` ~ `{}` = {}",
                        p.a.get_ref(),
                        p.b.get_ref(),
                        p.rho.get_ref()
                    )
                },
                Some(format!(
                    "pairs involving `{}`: {}; use smaller |rho| values (at most 0.999, say) \
                     or change a sign",
                    names[e.row],
                    involved.join(", ")
                )),
            ));
            Copula::default()
        }
    }
}

/// What the constant parameters of one merged pair do to it.
enum Constants {
    /// Both parameters are uncertain.
    None,
    /// A later file than the pair's made a parameter constant: the pair goes, with a note.
    Dropped(Warning),
    /// The pair's own file, an earlier one, the market file or the defaults made a parameter
    /// constant: the pair's file can fix it, so it is an error.
    Refused(Vec<Diagnostic>),
}

/// Sorts a merged pair written in chain file `f` by its constant parameters: a constant has
/// nothing to correlate, and a child that pins a parameter (the commonest child edit) cannot
/// edit the parent that correlates it (hostile round 8 finding 5).
fn constants(
    spec: &ParamSpec,
    pins: &BTreeMap<String, Pin>,
    f: usize,
    src: &Source,
    p: &RawPair,
    leaf: Option<&std::path::Path>,
) -> Constants {
    let mut refused = Vec::new();
    let mut dropped = None;
    for n in [&p.a, &p.b] {
        let name = n.get_ref();
        let Some(d) = spec.get(name).filter(|d| d.is_const()) else {
            continue;
        };
        let pin = pins.get(name);
        if let Some((_, at)) = pin.filter(|(j, _)| j.is_some_and(|j| j > f)) {
            dropped.get_or_insert((name, d.to_string(), at.clone()));
            continue;
        }
        let here = match pin {
            Some((Some(j), at)) if *j == f => format!(
                "it is pinned at {at}, in the same file as the pair: give it a distribution \
                 there, e.g. `{name} = {{ tri = [lo, mode, hi] }}`, or remove the pair"
            ),
            Some((Some(_), at)) => format!(
                "it is pinned at {at}, in a file this one extends: give it a distribution in \
                 this file's [params], e.g. `{name} = {{ tri = [lo, mode, hi] }}`, or remove \
                 the pair"
            ),
            Some((None, at)) => format!(
                "it is pinned at {at}, in the market file: give it a distribution in [params], \
                 e.g. `{name} = {{ tri = [lo, mode, hi] }}`, or remove the pair"
            ),
            None => format!(
                "give it a distribution in [params], e.g. `{name} = {{ tri = [lo, mode, hi] }}`, \
                 or remove the pair"
            ),
        };
        let loading = match leaf {
            Some(l) if l != src.path => format!(" (loading {})", l.display()),
            _ => String::new(),
        };
        refused.push(src.diag(
            n.span(),
            Some("correlations.pairs"),
            format!("parameter `{name}` is constant ({d}) and cannot be correlated{loading}"),
            Some(here),
        ));
    }
    if !refused.is_empty() {
        return Constants::Refused(refused);
    }
    let Some((name, value, at)) = dropped else {
        return Constants::None;
    };
    let pair = src.origin(p.span.start);
    let (a, b, rho) = (p.a.get_ref(), p.b.get_ref(), p.rho.get_ref());
    Constants::Dropped(Warning {
        severity: Severity::Note,
        at,
        key: format!("params.{name}"),
        message: format!(
            "`{name}` is constant here ({value}), so the inherited rank correlation `{a}` ~ \
             `{b}` = {rho} written at {pair} is dropped: a constant has nothing to correlate"
        ),
        help: Some(format!(
            "to keep the correlation, give `{name}` a distribution; to drop it without this \
             note, write `pairs = [[\"{a}\", \"{b}\", 0]]` under [correlations] (rho = 0 \
             removes an inherited pair; docs/scenarios.md §6)"
        )),
    })
}
