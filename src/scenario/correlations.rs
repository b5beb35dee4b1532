//! `[correlations]`: Spearman rank correlations among uncertain `[params]`, applied per path
//! with a Gaussian copula ([`Copula`]).
//!
//! ```toml
//! [correlations]
//! pairs = [ ["eps_d", "eps_s", -0.3], ["sigma_chi_calm", "sigma_xi", 0.5] ]
//! ```
//!
//! Pairs are inherited through `extends` and merged by (unordered) pair, child wins. Both
//! names must be model parameters that are uncertain in the resolved scenario; ρ must lie
//! in (-1, 1); the implied matrix (unit diagonal, symmetric, zero for unlisted pairs) must
//! be positive definite after the Spearman → Pearson conversion 2 sin(π ρ_s / 6).

use super::diagnostics::{Diagnostic, Source};
use super::spanned::Val;
use super::walker::{key_help, Walker};
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

/// Merges the chain's pairs (child wins), validates them against the resolved parameters
/// and builds the copula. Errors are pushed to `diags`.
pub(crate) fn resolve(
    chain: &[(&[RawPair], &Source)],
    spec: &ParamSpec,
    diags: &mut Vec<Diagnostic>,
) -> Copula {
    // (low name, high name) -> (source, pair)
    let mut merged: BTreeMap<(String, String), (&Source, &RawPair)> = BTreeMap::new();
    let mut ok = true;
    for (pairs, src) in chain {
        // A pair written twice in one file (in either order) is an error: which one should
        // win is not for the loader to guess (issue 15). A child file still overrides a
        // parent's pair.
        let mut seen: BTreeMap<(String, String), &RawPair> = BTreeMap::new();
        for p in pairs.iter() {
            let key = "correlations.pairs";
            let mut bad = false;
            for n in [&p.a, &p.b] {
                let name = n.get_ref();
                match spec.get(name) {
                    None => {
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
                    Some(d) if d.is_const() => {
                        diags.push(src.diag(
                            n.span(),
                            Some(key),
                            format!(
                                "parameter `{name}` is constant ({d}) and cannot be correlated"
                            ),
                            Some(format!(
                                "give it a distribution in [params], e.g. `{name} = {{ tri = [lo, mode, hi] }}`, or remove the pair"
                            )),
                        ));
                        bad = true;
                    }
                    _ => {}
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
            merged.insert(k, (*src, p));
        }
    }
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
    for ((a, b), (_, p)) in &merged {
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
            let (src, p) = merged
                .get(&(k.0.to_string(), k.1.to_string()))
                .or_else(|| merged.values().next())
                .expect("at least one pair");
            let involved: Vec<String> = merged
                .iter()
                .filter(|((x, y), _)| {
                    let (xi, yi) = (idx(x), idx(y));
                    xi <= e.row && yi <= e.row && (xi == e.row || yi == e.row)
                })
                .map(|((x, y), (_, p))| format!("{x}~{y} = {}", p.rho.get_ref()))
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
