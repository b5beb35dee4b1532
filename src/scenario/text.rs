//! Characters a scenario's text must not carry to a terminal or a report. Descriptions,
//! notes, ids and lever names are printed by `list` and `explain`, quoted in error messages,
//! written into report.html and become folder names and CSV cells; an escape sequence in
//! one can clear or recolour the analyst's terminal, and a bidirectional override can make
//! a note read differently from what the model sees (Trojan Source), and a zero-width or other
//! format character makes two names or notes that look the same differ (hostile round 10
//! #5). TOML lets any of them
//! in through `\u001b` escapes, so the loader refuses them with their position, and
//! messages that quote what the user wrote show them escaped.

use super::diagnostics::{Diagnostic, Source};
use std::borrow::Cow;
use toml::de::{DeTable, DeValue};

pub(crate) use crate::suggest::is_hidden;

/// `s` with every hidden character written as `\u{..}`; line breaks are kept for text the
/// tool wrote itself over several lines, so this is for one-line quotes of user text.
pub(crate) fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_hidden(c) && c != '\n') {
        return s.into();
    }
    s.chars()
        .map(|c| {
            if is_hidden(c) && c != '\n' {
                format!("\\u{{{:04x}}}", c as u32)
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}

/// One diagnostic for every string value of `doc` that holds a hidden character, keyed by
/// its dotted path (`event[2].note`, arrays counting from 1 like every other message).
pub(crate) fn check(src: &Source, doc: &DeTable<'_>, diags: &mut Vec<Diagnostic>) {
    for (k, v) in doc {
        walk(src, k.get_ref(), v, diags);
    }
}

fn walk(
    src: &Source,
    key: &str,
    v: &serde_spanned::Spanned<DeValue<'_>>,
    diags: &mut Vec<Diagnostic>,
) {
    match v.get_ref() {
        DeValue::String(s) => {
            if let Some(c) = s.chars().find(|&c| is_hidden(c)) {
                diags.push(
                    src.diag(
                        v.span(),
                        Some(key),
                        format!(
                            "`{key}` holds the {} U+{:04X}; scenario text is printed by `list`, \
                             `explain`, messages and report.html, where such a character can \
                             rewrite the terminal, reorder what is shown or hide text",
                            if c.is_control() {
                                "control character"
                            } else {
                                "invisible format character"
                            },
                            c as u32
                        ),
                        Some(
                            "remove it: names, notes and descriptions are one line of plain text"
                                .into(),
                        ),
                    ),
                );
            }
        }
        DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(src, &format!("{key}[{}]", i + 1), item, diags);
            }
        }
        DeValue::Table(t) => {
            for (k, item) in t {
                walk(src, &format!("{key}.{}", k.get_ref()), item, diags);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_characters_are_escaped_and_the_rest_kept() {
        assert_eq!(visible("tariff.IN.rate"), "tariff.IN.rate");
        assert_eq!(visible("a\u{1b}[31mb\u{7}"), "a\\u{001b}[31mb\\u{0007}");
        assert_eq!(visible("x\u{202e}y\u{0}z"), "x\\u{202e}y\\u{0000}z");
        assert_eq!(
            visible("two\nlines\tand Tüpraş ✓"),
            "two\nlines\tand Tüpraş ✓"
        );
        assert!(is_hidden('\u{85}') && is_hidden('\u{7f}') && !is_hidden('é'));
        assert_eq!(visible("a\u{200b}b\u{feff}"), "a\\u{200b}b\\u{feff}");
    }
}
