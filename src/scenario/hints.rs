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
    Some(match name {
        "normal" => "{ normal = [mu, sd] }",
        "lognormal" => "{ lognormal = [mu, sigma] }",
        "uniform" => "{ uniform = [lo, hi] }",
        "tri" => "{ tri = [lo, mode, hi] }",
        "triangular" => "{ triangular = [lo, mode, hi] }",
        "pert" => "{ pert = [lo, mode, hi] }",
        "beta" => "{ beta = [a, b] }",
        "poisson" => "{ poisson = lambda }",
        _ => return None,
    })
}

/// The fix for a value that should be a number or a distribution but was refused: a "did
/// you mean" for a misspelt distribution name, the right form for a known one.
pub(crate) fn dist_help(v: &Val<'_>) -> String {
    const GENERIC: &str = "write a number, or a distribution such as `{ tri = [lo, mode, hi] }`";
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
