//! "Did you mean …" hints for misspelt keys, lever names and distribution names.

/// Returns `" (did you mean `x`?)"` for the closest candidate, or an empty string when
/// nothing is close enough to be a plausible typo.
pub fn did_you_mean<S: AsRef<str>>(word: &str, candidates: &[S]) -> String {
    closest(word, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// The closest candidate by Jaro–Winkler similarity, if it is similar enough.
pub fn closest<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(word, c.as_ref()), c.as_ref()))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(
            closest("tarif.IN.rate", &["tariff.IN.rate", "cap.eu_usd"]),
            Some("tariff.IN.rate")
        );
        assert_eq!(closest("zzz", &["tariff.IN.rate"]), None);
    }
}
