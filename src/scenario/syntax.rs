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
    // A control character (a NUL from a binary paste) is the cause whatever TOML says.
    let control = src.text[span.start.min(src.text.len())..]
        .chars()
        .next()
        .filter(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'));
    if let Some(c) = control {
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
            if m.contains("string") {
                "close the string with `\"` on the same line (text over several lines goes in \
                 `\"\"\"...\"\"\"`)"
            } else if m.contains("duplicate") {
                "each key may appear once per table: remove or rename one of them"
            } else {
                "keys are written `name = value`, tables `[scenario]`, events `[[event]]` \
                 (https://toml.io)"
            }
            .to_string(),
        ),
    };
    let key = dup.map(|(k, _)| k);
    src.diag(span, key.as_deref(), message, Some(help))
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
