//! Wording helpers for messages: "did you mean …" hints for misspelt keys, lever names,
//! codes and distribution names, numbers printed in a readable form, and paths printed as
//! one line ([`ShowPath`]).
//!
//! A hint must name the right thing or nothing. The rules, in order (decision D75):
//! 1. a candidate equal to the word ignoring case wins (`tariff.in.rate` → `tariff.IN.rate`);
//! 2. otherwise a candidate is close when its edit distance (Damerau, ignoring case and
//!    treating `-` as `_`) is within a budget that grows with the longer word's length: none
//!    for 1–2 characters, 1 up to 5, 2 up to 10, 3 beyond; a swapped pair or a doubled key is
//!    allowed in the shortest words too;
//! 3. a dotted name is compared segment by segment: same number of segments, and each
//!    segment equal ignoring case or close by rule 2 on its own, so a buyer code is never
//!    "corrected" to a different buyer (`tariff.XX.rate` suggests nothing, not `tariff.EU.rate`);
//!    besides, one slip that only moves a dot (dropped, doubled, swapped with a letter) is close;
//! 4. failing those, the one candidate whose `_`-separated words start with all of the word's
//!    (`wind_down` → `wind_down_months`) or the other way round, if exactly one does;
//! 5. failing that, the one candidate with as many `_`-separated words, each word of one a
//!    prefix of the other's (`storage_capacity` → `storage_cap`, `eps_demand` → `eps_d`), if
//!    exactly one has.
//!
//! Ties go to the fewest edits, then the higher Jaro–Winkler similarity, then the first
//! candidate. Callers pass only the candidates of the namespace the word is in.

/// Returns `" (did you mean `x`?)"` for the closest candidate, or an empty string when
/// nothing is close enough to be a plausible typo.
pub fn did_you_mean<S: AsRef<str>>(word: &str, candidates: &[S]) -> String {
    closest(word, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

/// The candidate the word most plausibly misspells, by the rules of the module doc.
pub fn closest<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Option<&'a str> {
    let w = fold(word);
    if let Some(c) = candidates.iter().find(|c| fold(c.as_ref()) == w) {
        return Some(c.as_ref());
    }
    let near = candidates
        .iter()
        .filter_map(|c| distance(&w, &fold(c.as_ref())).map(|d| (d, c.as_ref())))
        .min_by(|(da, a), (db, b)| {
            da.cmp(db).then_with(|| {
                let ja = strsim::jaro_winkler(word, a);
                let jb = strsim::jaro_winkler(word, b);
                jb.total_cmp(&ja)
            })
        })
        .map(|(_, c)| c);
    near.or_else(|| truncation(&w, candidates))
        .or_else(|| abbreviation(&w, candidates))
}

/// Rule 5: the single candidate that abbreviates the word, or that the word abbreviates, word
/// by word (`_`-separated, the same number of words, at least one differing).
fn abbreviation<'a, S: AsRef<str>>(w: &str, candidates: &'a [S]) -> Option<&'a str> {
    if w.chars().count() < 3 || w.contains('.') || !w.contains('_') {
        return None;
    }
    let wp: Vec<&str> = w.split('_').collect();
    if wp.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut found = candidates.iter().map(AsRef::as_ref).filter(|c| {
        let f = fold(c);
        let cp: Vec<&str> = f.split('_').collect();
        cp.len() == wp.len()
            && cp
                .iter()
                .zip(&wp)
                .all(|(a, b)| !a.is_empty() && (a.starts_with(b) || b.starts_with(a)))
    });
    match (found.next(), found.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// Rule 4: the single candidate that the word shortens or lengthens by whole `_` words.
fn truncation<'a, S: AsRef<str>>(w: &str, candidates: &'a [S]) -> Option<&'a str> {
    if w.chars().count() < 3 || w.contains('.') {
        return None;
    }
    let wp: Vec<&str> = w.split('_').collect();
    let mut found = candidates.iter().map(AsRef::as_ref).filter(|c| {
        let f = fold(c);
        let cp: Vec<&str> = f.split('_').collect();
        let n = wp.len().min(cp.len());
        wp.len() != cp.len() && wp[..n] == cp[..n]
    });
    match (found.next(), found.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// A hint for a misspelt or shortened output-variable name: the closest candidate as
/// `" (did you mean `x`?)"`; failing that, when the word is the first `_`-words of several
/// candidates (`brent` of `brent_usd_bbl` and `brent_clamped_share`), up to six of them as
/// `" (variables starting with `brent`: `brent_usd_bbl`, `brent_clamped_share`)"`; else empty.
pub fn did_you_mean_variable<S: AsRef<str>>(word: &str, candidates: &[S]) -> String {
    if let Some(c) = closest(word, candidates) {
        return format!(" (did you mean `{c}`?)");
    }
    let w = fold(word);
    let wp: Vec<&str> = w.split('_').collect();
    if w.chars().count() < 2 || wp.iter().any(|p| p.is_empty()) {
        return String::new();
    }
    let found: Vec<&str> = candidates
        .iter()
        .map(AsRef::as_ref)
        .filter(|c| {
            let f = fold(c);
            let cp: Vec<&str> = f.split('_').collect();
            cp.len() > wp.len() && cp[..wp.len()] == wp[..]
        })
        .collect();
    if found.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = found.iter().take(6).map(|c| format!("`{c}`")).collect();
    let more = if found.len() > 6 {
        format!(" and {} more", found.len() - 6)
    } else {
        String::new()
    };
    format!(
        " (variables starting with `{word}`: {}{more})",
        shown.join(", ")
    )
}

/// Candidates that differ from a dotted `word` in exactly one segment, ignoring case (for
/// `tariff.india.rate`: every `tariff.<buyer>.rate`), in candidate order: what to list when
/// no single candidate is close.
pub fn siblings<'a, S: AsRef<str>>(word: &str, candidates: &'a [S]) -> Vec<&'a str> {
    let w = fold(word);
    let ws: Vec<&str> = w.split('.').collect();
    if ws.len() < 2 {
        return Vec::new();
    }
    candidates
        .iter()
        .map(AsRef::as_ref)
        .filter(|c| {
            let f = fold(c);
            let cs: Vec<&str> = f.split('.').collect();
            cs.len() == ws.len() && cs.iter().zip(&ws).filter(|(a, b)| a != b).count() == 1
        })
        .collect()
}

/// Lower case, with `-` read as `_` (a common slip in TOML keys).
fn fold(s: &str) -> String {
    s.to_lowercase().replace('-', "_")
}

/// Edits allowed for a word (or segment) of `n` characters.
fn budget(n: usize) -> usize {
    match n {
        0..=2 => 0,
        3..=5 => 1,
        6..=10 => 2,
        _ => 3,
    }
}

/// The edits between two folded strings if they are close (rules 2 and 3), else `None`.
fn distance(w: &str, c: &str) -> Option<usize> {
    if w.contains('.') || c.contains('.') {
        let ws: Vec<&str> = w.split('.').collect();
        let cs: Vec<&str> = c.split('.').collect();
        // A dot dropped, doubled or swapped with a neighbour (`reliefactive`,
        // `relief..active`, `sdn.Ws.hare`): the letters agree and one slip moved a dot.
        let dot_slip = || {
            (w.replace('.', "") == c.replace('.', "") && strsim::osa_distance(w, c) == 1)
                .then_some(1)
        };
        if ws.len() != cs.len() {
            return dot_slip();
        }
        let mut total = 0;
        for (a, b) in ws.iter().zip(&cs) {
            match word_distance(a, b) {
                Some(d) => total += d,
                None => return dot_slip(),
            }
        }
        return Some(total);
    }
    word_distance(w, c)
}

fn word_distance(w: &str, c: &str) -> Option<usize> {
    if w == c {
        return Some(0);
    }
    let d = strsim::osa_distance(w, c);
    let ok = d <= budget(w.chars().count().max(c.chars().count())) || (d == 1 && slip(w, c));
    ok.then_some(d)
}

/// A slip that stays plausible in the shortest words: two neighbours swapped (`ni` for `in`)
/// or a key pressed twice (`cc` for `c`). A changed character is not: `p1` is not `p0`.
fn slip(w: &str, c: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (w.chars().collect(), c.chars().collect());
    if a.len() == b.len() {
        let diff: Vec<usize> = (0..a.len()).filter(|&i| a[i] != b[i]).collect();
        return diff.len() == 2 && diff[1] == diff[0] + 1 && a[diff[0]] == b[diff[1]];
    }
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    if long.len() != short.len() + 1 {
        return false;
    }
    let i = (0..short.len())
        .find(|&i| long[i] != short[i])
        .unwrap_or(short.len());
    long[i + 1..] == short[i..]
        && ((i > 0 && long[i - 1] == long[i]) || long.get(i + 1) == Some(&long[i]))
}

/// A number as a message shows it: the shortest form that reads back to the same value,
/// in scientific notation when it is very large or very small (`1e308`, not 309 digits).
pub fn num(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    let a = x.abs();
    if a != 0.0 && !(1e-6..1e15).contains(&a) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// `x` per cent as a fraction, as the user would type it: `1.3` gives `0.013`, not the
/// binary quotient `0.013000000000000001` that `x / 100.0` displays as. Hints suggest this
/// value to be copied into a file or a flag.
pub fn percent_to_fraction(x: f64) -> f64 {
    let q = x / 100.0;
    if !x.is_finite() {
        return q;
    }
    // Rust prints the shortest decimal that reads back to `x`; two more decimals are exact
    // for the quotient, and reading them back rounds away the division's error.
    let shown = format!("{x}");
    let decimals = shown.split_once('.').map_or(0, |(_, d)| d.len());
    format!("{q:.*}", decimals + 2).parse().unwrap_or(q)
}

/// A number that displays as [`num`] writes it, for `format!` arguments.
#[derive(Debug, Clone, Copy)]
pub struct Num(pub f64);

impl std::fmt::Display for Num {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&num(self.0))
    }
}

/// A character that is never shown as is: C0 and C1 controls and DEL (a tab excepted: it
/// moves the cursor, nothing more), and every Unicode format character (general category Cf:
/// the bidirectional controls, but also zero-width spaces and joiners, the word joiner and
/// invisible operators, a byte-order mark inside text, soft hyphens, tags), and the line and
/// paragraph separators. A format character shows nothing, or changes how its neighbours
/// show, so two names or notes that look the same can differ (hostile round 10 #5).
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && c != '\t') || is_format(c)
}

/// Unicode general category Cf (as of Unicode 16.0), and U+2028 and U+2029 (Zl, Zp).
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{0600}'..='\u{0605}'
            | '\u{061C}'
            | '\u{06DD}'
            | '\u{070F}'
            | '\u{0890}'..='\u{0891}'
            | '\u{08E2}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF9}'..='\u{FFFB}'
            | '\u{110BD}'
            | '\u{110CD}'
            | '\u{13430}'..='\u{1343F}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0001}'
            | '\u{E0020}'..='\u{E007F}'
    )
}

/// A path as messages print it: [`ShowPath::shown`].
pub struct Shown<'a>(&'a std::path::Path);

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in self.0.to_string_lossy().chars() {
            if is_hidden(c) || c == '\t' {
                write!(f, "\\u{{{:04x}}}", c as u32)?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// `path.shown()`, where messages would print `path.shown()`. A file name may hold any
/// character but `/` and NUL: a line break in one split the `-->` line of a diagnostic so
/// that its second half read as a line of its own (hostile round 7 finding 7), and an
/// escape sequence rewrites the terminal. Every control character, the line break and the
/// tab included, and every bidirectional control is written `\u{..}`; messages that span
/// several lines keep their own line breaks, since only the path is escaped.
pub trait ShowPath {
    fn shown(&self) -> Shown<'_>;
}

impl ShowPath for std::path::Path {
    fn shown(&self) -> Shown<'_> {
        Shown(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile round 10 #5, by class: every format character of the Unicode tables, and the
    /// line and paragraph separators, is hidden, as every control character but the tab is;
    /// and nothing else is.
    #[test]
    fn every_format_and_control_character_is_hidden_and_nothing_else() {
        use unicode_general_category::{get_general_category, GeneralCategory as G};
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let class = matches!(
                get_general_category(c),
                G::Format | G::Control | G::LineSeparator | G::ParagraphSeparator
            ) && c != '\t';
            assert_eq!(is_hidden(c), class, "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn percentages_become_the_fraction_typed() {
        for (pct, frac) in [
            (1.3, "0.013"),
            (50.0, "0.5"),
            (0.7, "0.007"),
            (33.3, "0.333"),
        ] {
            assert_eq!(num(percent_to_fraction(pct)), frac);
        }
        assert_eq!(num(percent_to_fraction(1e-5)), "1e-7");
    }

    #[test]
    fn abbreviated_or_spelt_out_words_find_their_key_when_only_one_fits() {
        let params = [
            "storage_cap",
            "storage_margin_share",
            "eps_d",
            "eps_s",
            "eps_d_lr",
        ];
        assert_eq!(closest("storage_capacity", &params), Some("storage_cap"));
        assert_eq!(closest("eps_demand", &params), Some("eps_d"));
        assert_eq!(closest("eps_supply", &params), Some("eps_s"));
        // Two candidates fit `eps_x`-style abbreviations of the same length: no hint.
        assert_eq!(closest("e_d", &["eps_d", "elasticity_d"]), None);
        // A different word is not an abbreviation.
        assert_eq!(closest("storage_limit", &params), None);
        assert_eq!(closest("capacity", &params), None);
    }

    #[test]
    fn variable_hints_list_the_names_a_prefix_starts() {
        let v = [
            "brent_usd_bbl",
            "brent_clamped_share",
            "urals_discount_usd_bbl",
        ];
        assert_eq!(
            did_you_mean_variable("brent", &v),
            " (variables starting with `brent`: `brent_usd_bbl`, `brent_clamped_share`)"
        );
        assert_eq!(
            did_you_mean_variable("brent_usd", &v),
            " (did you mean `brent_usd_bbl`?)"
        );
        assert_eq!(did_you_mean_variable("zzz", &v), "");
        assert_eq!(did_you_mean_variable("b", &v), "");
        let many: Vec<String> = (0..9).map(|i| format!("flow_x{i}_mbd")).collect();
        assert!(did_you_mean_variable("flow", &many).ends_with("`flow_x5_mbd` and 3 more)"));
    }

    #[test]
    fn suggests_near_misses_only() {
        assert_eq!(
            closest("tarif.IN.rate", &["tariff.IN.rate", "cap.eu_usd"]),
            Some("tariff.IN.rate")
        );
        assert_eq!(closest("zzz", &["tariff.IN.rate"]), None);
    }

    #[test]
    fn case_first_then_segments() {
        let c = ["tariff.EU.rate", "tariff.IN.rate", "tariff.CN.rate"];
        assert_eq!(closest("tariff.in.rate", &c), Some("tariff.IN.rate"));
        assert_eq!(closest("tariff.in.rat", &c), Some("tariff.IN.rate"));
        assert_eq!(closest("tariff.XX.rate", &c), None);
        assert_eq!(siblings("tariff.india.rate", &c), c.to_vec());
        assert_eq!(closest("f24", &["p0", "f24", "imposed"]), Some("f24"));
        assert_eq!(closest("f42", &["p0", "f24", "imposed"]), Some("f24"));
        assert_eq!(closest("p1", &["p0", "f24", "imposed"]), None);
        assert_eq!(closest("cc", &["a", "b", "c"]), Some("c"));
        assert_eq!(closest("ni", &["IN", "CN"]), Some("IN"));
        assert_eq!(closest("ce", &["IN", "CN", "CEE"]), Some("CEE"));
        assert_eq!(closest("EU", &["W", "E"]), None);
        assert_eq!(
            closest("storage-cap", &["storage_cap"]),
            Some("storage_cap")
        );
        let k = ["add_share", "wind_down_months", "basins"];
        assert_eq!(closest("wind_down", &k), Some("wind_down_months"));
        assert_eq!(closest("eps", &["eps_d", "eps_s"]), None);
        assert_eq!(closest("basins_list", &k), Some("basins"));
    }

    #[test]
    fn readable_numbers() {
        assert_eq!(num(1e308), "1e308");
        assert_eq!(num(-2.5e20), "-2.5e20");
        assert_eq!(num(1e-300), "1e-300");
        assert_eq!(num(100.0), "100");
        assert_eq!(num(0.25), "0.25");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(f64::INFINITY), "inf");
        assert_eq!(num(123456789012.5), "123456789012.5");
    }

    #[test]
    fn a_path_is_shown_on_one_line() {
        let p = std::path::Path::new("evil\u{1b}[31mRED\nfake: ok\t\u{202e}.toml");
        assert_eq!(
            p.shown().to_string(),
            "evil\\u{001b}[31mRED\\u{000a}fake: ok\\u{0009}\\u{202e}.toml"
        );
        let plain = std::path::Path::new("scenarios/Tüpraş ✓.toml");
        assert_eq!(plain.shown().to_string(), plain.display().to_string());
    }
}
