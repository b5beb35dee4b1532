//! Wording helpers shared by the loader's messages: articles for TOML type names, the fix
//! for a bad distribution, and "did you mean" candidates for lever wildcards.

use super::spanned::Val;
use crate::dist::DIST_NAMES;
use crate::suggest;
use toml::de::DeValue;

/// "an integer", "a string", ... for a TOML type name.
pub(crate) fn a_type(t: &str) -> String {
    let article = match t.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => "an",
        _ => "a",
    };
    format!("{article} {t}")
}

/// How distribution `name` is written.
pub(crate) fn dist_form(name: &str) -> Option<&'static str> {
    crate::dist::form(name)
}

/// The fix for a value at `key` that should be a number or a distribution but was refused:
/// a "did you mean" for a misspelt distribution name, the right form for a known one, the
/// number itself for a quoted number or percentage (`"50%"` → `0.5`).
pub(crate) fn dist_help(v: &Val<'_>, key: &str) -> String {
    const GENERIC: &str = "write a number, or a distribution such as `{ tri = [lo, mode, hi] }`";
    if let DeValue::String(s) = v.get_ref() {
        return quoted_number_help(s, key).unwrap_or_else(|| GENERIC.into());
    }
    let DeValue::Table(t) = v.get_ref() else {
        return GENERIC.into();
    };
    let Some((k, _)) = t.iter().next() else {
        return GENERIC.into();
    };
    let name = k.get_ref().as_ref();
    if let Some(form) = dist_form(name) {
        let cond = match name {
            "beta" => " with a > 0 and b > 0",
            "uniform" => " with lo <= hi",
            "tri" | "triangular" => " with lo <= mode <= hi",
            "pert" => " with lo <= mode <= hi and lo < hi",
            "normal" | "lognormal" => " with a spread >= 0",
            _ => "",
        };
        return format!("write `{form}`{cond}");
    }
    match suggest::closest(name, DIST_NAMES) {
        Some(c) => format!(
            "did you mean `{c}`? write `{}`",
            dist_form(c).unwrap_or(GENERIC)
        ),
        None => format!("the distributions are: {}", DIST_NAMES.join(", ")),
    }
}

/// `key = x` as a fix to show, or just `x` for an array item (`probs[2]`).
fn assign(key: &str, x: f64) -> String {
    match key.rsplit('.').next() {
        Some(leaf) if !leaf.ends_with(']') && !leaf.is_empty() => {
            format!("`{leaf} = {}`", suggest::Num(x))
        }
        _ => format!("`{}`", suggest::Num(x)),
    }
}

/// The help for a number written as a string: `"0.5"` (drop the quotes) or `"50%"` (write the
/// fraction). `None` when the string is not a number.
pub(crate) fn quoted_number_help(s: &str, key: &str) -> Option<String> {
    let t = s.trim();
    if let Some(p) = t.strip_suffix('%') {
        let x: f64 = p.trim().parse().ok().filter(|x: &f64| x.is_finite())?;
        return Some(format!(
            "percentages are written as fractions (1.0 = 100%), without quotes: write {}",
            assign(key, suggest::percent_to_fraction(x))
        ));
    }
    let x: f64 = t.parse().ok().filter(|x: &f64| x.is_finite())?;
    Some(format!(
        "write the number without quotes: {}",
        assign(key, x)
    ))
}

/// What the values of `name` (a key or a lever name) are called in a hint about fractions.
fn noun(name: &str) -> &'static str {
    let leaf = name.rsplit('.').next().unwrap_or(name);
    if leaf.starts_with("prob") {
        "probabilities"
    } else if leaf.contains("rate") {
        "rates"
    } else if leaf.contains("share") {
        "shares"
    } else {
        "these values"
    }
}

/// A value past a bound of `hi` by less than this factor (of `max(hi, 1)`) is a slip past the
/// bound, not a percentage: `prob = 1.0000000001` or `1.02` is no `1.02%`; `1.3` may be.
const PERCENT_MARGIN: f64 = 1.05;

/// The fix for a value above a small upper bound: one that reads as a percentage (a tariff
/// rate of 100, a `prob` of 50 or 1.3: clearly past the bound, see [`PERCENT_MARGIN`], and
/// `x / 100` would be accepted) gets the fraction to write; one just past the bound
/// (`prob = 1.0000000001`) is told the bound.
pub(crate) fn fraction_help(name: &str, key: &str, x: f64, lo: f64, hi: f64) -> Option<String> {
    if !(hi <= 5.0 && x > hi) {
        return None;
    }
    let f = suggest::percent_to_fraction(x);
    let percent_like = x >= PERCENT_MARGIN * hi.max(1.0);
    if percent_like && f >= lo && f <= hi {
        return Some(format!(
            "{} are fractions (1.0 = 100%): for {}% write {}",
            noun(name),
            suggest::Num(x),
            assign(key, f)
        ));
    }
    (!percent_like).then(|| format!("{} are at most {}", noun(name), suggest::Num(hi)))
}

/// The help for a lever name with no close match: the levers that differ from it in one
/// dotted part (`tariff.india.rate` lists every `tariff.<buyer>.rate`), else where the
/// levers are listed.
pub(crate) fn lever_fallback(name: &str, candidates: &[&str]) -> String {
    let sib = suggest::siblings(name, candidates);
    if sib.is_empty() || sib.len() > 12 {
        return "docs/model.md lists the levers (buyer, basin and pipeline ids come from the \
                market file)"
            .into();
    }
    let list: Vec<String> = sib.iter().map(|s| format!("`{s}`")).collect();
    format!(
        "no lever has that name; the levers of that form are {} (buyer, basin and pipeline \
         ids come from the market file)",
        list.join(", ")
    )
}

/// Every wildcard that matches at least one lever (`tariff.*.rate`, `buyer.*.capacity_scale`),
/// in first-seen order: the candidates for a wildcard that matches nothing.
pub(crate) fn wildcard_candidates(names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        let segs: Vec<&str> = n.split('.').collect();
        for i in 0..segs.len() {
            let mut s = segs.clone();
            s[i] = "*";
            let w = s.join(".");
            if !out.contains(&w) {
                out.push(w);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_and_wildcards() {
        assert_eq!(a_type("integer"), "an integer");
        assert_eq!(a_type("string"), "a string");
        let w = wildcard_candidates(&["tariff.IN.rate", "tariff.CN.rate"]);
        assert!(w.contains(&"tariff.*.rate".to_string()), "{w:?}");
        assert_eq!(suggest::closest("tariff.*.rat", &w), Some("tariff.*.rate"));
    }
}
