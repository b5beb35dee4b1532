//! The diagnostics collector every loader stage writes through, and its typed readers of
//! spanned TOML values (string, whole number, number, table): a wrong type or an unknown key
//! is reported with its position and the loader walks on, so one run lists every error.

use super::diagnostics::{Diagnostic, Source};
use super::spanned::{de, Val};
use crate::suggest;
use serde_spanned::Spanned;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

/// "did you mean `x`?" or the list of valid keys.
pub(crate) fn key_help(word: &str, valid: &[&str]) -> String {
    match suggest::closest(word, valid) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!("valid keys here are: {}", valid.join(", ")),
    }
}
/// Collects diagnostics for one file while walking it.
pub(crate) struct Walker<'s> {
    pub src: &'s Source,
    pub diags: &'s mut Vec<Diagnostic>,
    pub(super) seen: Seen,
}

/// Keys written and typo suggestions, gathered while walking one file.
#[derive(Default)]
pub(super) struct Seen {
    pub present: Vec<String>,
    pub typos: Vec<String>,
}

impl<'s> Walker<'s> {
    pub fn new(src: &'s Source, diags: &'s mut Vec<Diagnostic>) -> Self {
        Walker {
            src,
            diags,
            seen: Seen::default(),
        }
    }

    pub fn err(
        &mut self,
        span: Range<usize>,
        key: &str,
        msg: impl Into<String>,
        help: Option<String>,
    ) {
        let d = self.src.diag(span, Some(key), msg, help);
        self.diags.push(d);
    }

    pub(super) fn unknown_key(
        &mut self,
        k: &Spanned<std::borrow::Cow<'_, str>>,
        prefix: &str,
        valid: &[&str],
    ) {
        let name = k.get_ref().as_ref();
        let (full, place) = if prefix.is_empty() {
            (name.to_string(), "at the top level".to_string())
        } else if prefix.starts_with("event[") {
            (format!("{prefix}.{name}"), "in this [[event]]".to_string())
        } else if prefix.starts_with("tree[") {
            (format!("{prefix}.{name}"), format!("in `{prefix}`"))
        } else {
            (format!("{prefix}.{name}"), format!("in [{prefix}]"))
        };
        let suggestion = suggest::closest(name, valid);
        if let Some(c) = suggestion {
            self.seen.typos.push(match prefix {
                "" => c.to_string(),
                p => format!("{p}.{c}"),
            });
        }
        // A key of another table (TOML puts every line after a `[table]` header inside that
        // table, so `extends` written below `[scenario]` lands there): say where it goes, and
        // count it as written there, so no "missing required key" error repeats the point.
        let home = match suggestion {
            None if is_file_level(prefix) => super::misplaced::home_of(name, prefix),
            _ => None,
        };
        if let Some(h) = &home {
            if let Some(full) = &h.full_key {
                self.seen.typos.push(full.clone());
            }
        }
        let help = match home {
            Some(h) => h.help,
            None => key_help(name, valid),
        };
        self.err(
            k.span(),
            &full,
            format!("unknown key `{name}` {place}"),
            Some(help),
        );
    }

    pub(super) fn wrong_type(&mut self, v: &Val<'_>, key: &str, expected: &str, example: &str) {
        let mut help = format!("write e.g. `{example}`");
        if matches!(v.get_ref(), DeValue::Datetime(_)) && expected == "a string" {
            let short = key.rsplit('.').next().unwrap_or(key);
            let written = self.src.text.get(v.span()).unwrap_or("2025-08-27");
            // `start` is a month: quoting the whole date would be the next error.
            let written = match short {
                "start" => written.get(..7).unwrap_or(written),
                _ => written,
            };
            help = format!("quote the date: `{short} = \"{written}\"`");
        }
        self.wrong_type_help(v, key, expected, help);
    }

    /// A type error with its own help text.
    pub(super) fn wrong_type_help(&mut self, v: &Val<'_>, key: &str, expected: &str, help: String) {
        let got = v.get_ref().type_str();
        self.err(
            v.span(),
            key,
            format!(
                "`{key}` must be {expected}, got {}",
                super::hints::a_type(got)
            ),
            Some(help),
        );
    }

    pub fn string(&mut self, v: &Val<'_>, key: &str, example: &str) -> Option<Spanned<String>> {
        match v.get_ref() {
            DeValue::String(s) => Some(Spanned::new(v.span(), s.to_string())),
            _ => {
                self.wrong_type(v, key, "a string", example);
                None
            }
        }
    }

    pub fn int(&mut self, v: &Val<'_>, key: &str, example: &str) -> Option<Spanned<i64>> {
        if let DeValue::Integer(_) = v.get_ref() {
            match de::<i64>(v) {
                Ok(i) => return Some(Spanned::new(v.span(), i)),
                // TOML integers are 64-bit: the only failure is one written past i64, whose
                // serde message ("expected i64") names a Rust type, not the rule.
                Err((span, _)) => {
                    let written = self.src.text.get(span.clone()).unwrap_or("the number");
                    self.err(
                        span,
                        key,
                        format!(
                            "`{key}` = {written} is too large: a whole number in a scenario \
                             file is at most {}",
                            i64::MAX
                        ),
                        Some(format!("write e.g. `{example}`")),
                    );
                    return None;
                }
            }
        }
        self.wrong_type(v, key, "a whole number", example);
        None
    }

    pub fn float(&mut self, v: &Val<'_>, key: &str, example: &str) -> Option<Spanned<f64>> {
        if let DeValue::Integer(_) | DeValue::Float(_) = v.get_ref() {
            match de::<f64>(v) {
                Ok(x) => return Some(Spanned::new(v.span(), x)),
                Err((span, m)) => {
                    self.err(span, key, format!("`{key}`: {m}"), None);
                    return None;
                }
            }
        }
        self.wrong_type(v, key, "a number", example);
        None
    }

    pub(super) fn table<'a>(
        &mut self,
        v: &'a Val<'a>,
        key: &str,
        example: &str,
    ) -> Option<&'a DeTable<'a>> {
        match v.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.wrong_type(v, key, "a table", example);
                None
            }
        }
    }

    /// An array of inline tables (`exits = [...]`, `actions = [...]`).
    pub(super) fn table_array<'a>(
        &mut self,
        v: &'a Val<'a>,
        key: &str,
        example: &str,
    ) -> Vec<&'a Val<'a>> {
        match v.get_ref() {
            DeValue::Array(items) => items.iter().collect(),
            _ => {
                self.wrong_type(v, key, "an array of tables", example);
                Vec::new()
            }
        }
    }
}

/// The tables whose misplaced keys [`super::misplaced::home_of`] places: the top level,
/// `[scenario]`, `[brent]` and an `[[event]]` (trees have keys of their own).
fn is_file_level(prefix: &str) -> bool {
    matches!(prefix, "" | "scenario" | "brent") || prefix.starts_with("event[")
}
