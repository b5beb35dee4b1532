//! TOML syntax errors and key lookups for diagnostics: what a parse error is about (a control
//! character, a duplicate key and its first line) and which key a byte position belongs to.

use super::diagnostics::{Diagnostic, Source};
use std::ops::Range;

pub(crate) fn syntax(src: &Source, e: &toml::de::Error) -> Diagnostic {
    let m = e.message();
    let span = e.span().unwrap_or(0..0);
    let dup = if m.contains("duplicate") {
        duplicate_of(&src.text, &span)
    } else {
        None
    };
    // A control character (a NUL from a binary paste) is the cause whatever TOML says: at
    // the span, or earlier on its line, where TOML, expecting a key, reports the character
    // after it ("key with no value", hostile round 13 F6). TOML refuses every one of them
    // but the tab (and a carriage return, which gets TOML's own message), so the first one
    // up to the error's line is the one it stopped at.
    let at = span.start.min(src.text.len());
    let line_end = src.text[at..].find('\n').map_or(src.text.len(), |i| at + i);
    let toml_control =
        |c: char| matches!(c, '\0'..='\u{8}' | '\u{b}'..='\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}');
    let earlier = src.text[..line_end]
        .char_indices()
        .find(|&(_, c)| toml_control(c));
    let here = src.text[at..]
        .chars()
        .next()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
        .map(|c| (at, c));
    if let Some((i, c)) = earlier.filter(|&(i, _)| i < at).or(here) {
        let span = i..i + c.len_utf8();
        return src.diag(
            span,
            None,
            format!(
                "TOML syntax error: control character U+{:04X} in the text",
                c as u32
            ),
            Some("remove it: scenario text is plain UTF-8 without control characters".into()),
        );
    }
    let (message, help) = match &dup {
        Some((k, first)) => (
            format!("TOML syntax error: {m} `{k}`"),
            match first {
                Some(l) => format!(
                    "`{k}` is already written on line {l} of this table; each key may appear \
                     once per table: remove or rename one of them"
                ),
                None => format!(
                    "each key may appear once per table (`{k}` is written twice): remove or \
                     rename one of them"
                ),
            },
        ),
        None => (
            format!("TOML syntax error: {m}"),
            if let Some((k, v)) = unquoted_date(&src.text, span.start) {
                format!("dates and months are strings: quote it, `{k} = \"{v}\"`")
            } else if m.contains("string") {
                "close the string with `\"` on the same line (text over several lines goes in \
                 `\"\"\"...\"\"\"`)"
                    .to_string()
            } else if m.contains("duplicate") {
                "each key may appear once per table: remove or rename one of them".to_string()
            } else {
                "keys are written `name = value`, tables `[scenario]`, events `[[event]]` \
                 (https://toml.io)"
                    .to_string()
            },
        ),
    };
    let key = dup.map(|(k, _)| k);
    src.diag(span, key.as_deref(), message, Some(help))
}

/// The key and value of the line holding byte `at` when the value is an unquoted `YYYY-MM`
/// (which TOML cannot read: it starts a date and lacks the day) or `YYYY-MM-DD…`.
fn unquoted_date(text: &str, at: usize) -> Option<(String, String)> {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let (k, v) = text[start..end].split_once('=')?;
    let k = k.trim();
    let v = v.split('#').next()?.trim();
    let b = v.as_bytes();
    let dated = b.len() >= 7
        && b[..4].iter().all(u8::is_ascii_digit)
        && b[4] == b'-'
        && b[5..7].iter().all(u8::is_ascii_digit);
    let key_ok = !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    (dated && key_ok).then(|| (k.to_string(), v.to_string()))
}

/// For a duplicate-key error at `span`: the key written there and the 1-based line of its
/// first occurrence in the same table (searched back to the table's header), if found.
fn duplicate_of(text: &str, span: &Range<usize>) -> Option<(String, Option<usize>)> {
    let key = text.get(span.clone())?.trim().trim_matches('"');
    if key.is_empty() || key.contains(['\n', '=']) {
        return None;
    }
    let line_start = text[..span.start].rfind('\n').map_or(0, |i| i + 1);
    let before: Vec<&str> = text[..line_start].lines().collect();
    for (i, line) in before.iter().enumerate().rev() {
        let t = line.trim_start();
        if t.starts_with('[') {
            break;
        }
        let t = t.strip_prefix('"').unwrap_or(t);
        if let Some(rest) = t.strip_prefix(key) {
            let rest = rest.strip_prefix('"').unwrap_or(rest);
            if rest.trim_start().starts_with('=') {
                return Some((key.to_string(), Some(i + 1)));
            }
        }
    }
    Some((key.to_string(), None))
}

/// The dotted key (`buyer.slate_mbd`, array positions left out as in the market file's other
/// errors) of the value at byte `at`: the key written before `=` on its line, under the
/// nearest table header above it. `None` when the line holds no `key =`.
pub(super) fn key_at(text: &str, at: usize) -> Option<String> {
    let at = at.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let (k, _) = text[start..at].split_once('=')?;
    let k = k.trim().trim_matches('"');
    if k.is_empty() || k.contains(['[', ']', '{', ',']) {
        return None;
    }
    let header = text[..start].lines().rev().find_map(|l| {
        let t = l.trim();
        let t = t
            .strip_prefix("[[")
            .and_then(|t| t.split("]]").next())
            .or_else(|| t.strip_prefix('[').and_then(|t| t.split(']').next()))?;
        Some(t.trim().to_string())
    });
    Some(match header {
        Some(h) if !h.is_empty() => format!("{h}.{k}"),
        _ => k.to_string(),
    })
}
