//! Load errors with positions, rendered rustc-style.
//!
//! Every [`Diagnostic`] names a file, a 1-based line and column (columns count characters),
//! the key it is about (`scenario.months`, `event[2].lever`: events count from 1 in file
//! order), what was expected and, where one exists, a fix. A [`LoadError`] holds every
//! diagnostic found, sorted by file then position.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// One problem in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    /// Dotted key the problem is about, e.g. `event[3].value` or `scenario.start`.
    pub key: Option<String>,
    pub message: String,
    pub help: Option<String>,
    /// The offending line, without its line break.
    pub source_line: Option<String>,
    /// Characters to underline from `col` (at least 1 when `source_line` is set).
    pub span_len: usize,
}

impl Diagnostic {
    /// A problem with a whole file (unreadable, not UTF-8, ...): line 1, column 1, no snippet.
    pub fn file_level(
        file: &Path,
        key: Option<&str>,
        message: String,
        help: Option<String>,
    ) -> Self {
        Diagnostic {
            file: file.to_path_buf(),
            line: 1,
            col: 1,
            key: key.map(str::to_string),
            message,
            help,
            source_line: None,
            span_len: 0,
        }
    }
}

/// Every problem found while loading a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
}

impl LoadError {
    pub fn one(d: Diagnostic) -> Self {
        LoadError {
            diagnostics: vec![d],
        }
    }
}

/// Characters of a source line shown around the column; longer lines (a minified or
/// corrupted file can be one 16 MiB line) are cut to a window with `…` at the cut ends.
pub const SOURCE_WINDOW: usize = 120;

/// Longest message, key or help shown in full: they quote what the user wrote (a key, a
/// lever name), which may be a megabyte long. Large enough for the longest hint the loader
/// writes itself (a list of every valid key or parameter name).
pub const MAX_QUOTED: usize = 1000;

/// `s` if it has at most `max` characters, else its head and tail around `…`.
fn elide(s: &str, max: usize) -> std::borrow::Cow<'_, str> {
    let n = s.chars().count();
    if n <= max {
        return s.into();
    }
    let head = max * 2 / 3;
    let tail = max - head - 1;
    let h: String = s.chars().take(head).collect();
    let t: String = s.chars().skip(n - tail).collect();
    format!("{h}…{t}").into()
}

/// The part of `line` to print and the 0-based character column of `col0` within it.
fn window(line: &str, col0: usize) -> (String, usize) {
    let n = line.chars().count();
    if n <= SOURCE_WINDOW {
        return (line.to_string(), col0);
    }
    // Keep a third of the window before the column so the context reads left to right.
    let from = col0
        .saturating_sub(SOURCE_WINDOW / 3)
        .min(n - SOURCE_WINDOW);
    let to = from + SOURCE_WINDOW;
    let mut out = String::new();
    let mut col = col0 - from;
    if from > 0 {
        out.push('…');
        col += 1;
    }
    out.extend(line.chars().skip(from).take(to - from));
    if to < n {
        out.push('…');
    }
    (out, col)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = elide(&self.message, MAX_QUOTED);
        match &self.key {
            Some(k) => writeln!(f, "error[{}]: {message}", elide(k, MAX_QUOTED))?,
            None => writeln!(f, "error: {message}")?,
        }
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        write!(
            f,
            "{pad}--> {}:{}:{}",
            self.file.display(),
            self.line,
            self.col
        )?;
        if let Some(line) = &self.source_line {
            let (src, col0) = window(line, self.col.saturating_sub(1));
            let lead: String = src
                .chars()
                .take(col0)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let room = src.chars().count().saturating_sub(col0).max(1);
            write!(
                f,
                "\n{pad} |\n{num} | {src}\n{pad} | {lead}{}",
                "^".repeat(self.span_len.clamp(1, room))
            )?;
        }
        if let Some(h) = &self.help {
            write!(f, "\n{pad} = help: {}", elide(h, MAX_QUOTED))?;
        }
        Ok(())
    }
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        if self.diagnostics.len() > 1 {
            write!(f, "\n\n{} errors", self.diagnostics.len())?;
        }
        Ok(())
    }
}

impl std::error::Error for LoadError {}

/// A file's text, kept to turn byte spans into lines and columns.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub path: PathBuf,
    pub text: String,
}

impl Source {
    /// The position of byte `at`, for provenance.
    pub fn origin(&self, at: usize) -> super::Origin {
        let d = self.diag(at..at, None, "", None);
        super::Origin {
            file: self.path.clone(),
            line: d.line,
            col: d.col,
        }
    }

    /// A diagnostic at byte span `span` of this file.
    pub fn diag(
        &self,
        span: Range<usize>,
        key: Option<&str>,
        message: impl Into<String>,
        help: Option<String>,
    ) -> Diagnostic {
        let text = &self.text;
        let start = floor_char(text, span.start.min(text.len()));
        let end = floor_char(text, span.end.clamp(start, text.len()));
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[..start].matches('\n').count() + 1;
        let col = text[line_start..start].chars().count() + 1;
        let src_line = text[line_start..line_end]
            .trim_end_matches('\r')
            .to_string();
        let span_len = text[start..end.min(line_end).max(start)].chars().count();
        Diagnostic {
            file: self.path.clone(),
            line,
            col,
            key: key.map(str::to_string),
            message: message.into(),
            help,
            source_line: Some(src_line),
            span_len: span_len.max(1),
        }
    }
}

fn floor_char(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let src = Source {
            path: "scenarios/x.toml".into(),
            text: "a = 1\n\nlever = \"tarif.IN.rate\"\n".into(),
        };
        let d = src.diag(
            15..30,
            Some("event[1].lever"),
            "unknown lever `tarif.IN.rate`",
            Some("did you mean `tariff.IN.rate`?".into()),
        );
        assert_eq!((d.line, d.col, d.span_len), (3, 9, 15));
        let want = "error[event[1].lever]: unknown lever `tarif.IN.rate`\n \
                    --> scenarios/x.toml:3:9\n  |\n3 | lever = \"tarif.IN.rate\"\n  |         \
                    ^^^^^^^^^^^^^^^\n  = help: did you mean `tariff.IN.rate`?";
        assert_eq!(d.to_string(), want);
    }

    #[test]
    fn long_line_is_cut_to_a_window_around_the_column() {
        let mut text = "x".repeat(500_000);
        text.push_str("= oops");
        text.push_str(&"y".repeat(500_000));
        let src = Source {
            path: "big.toml".into(),
            text,
        };
        let d = src.diag(500_002..500_006, Some("k"), "bad", None);
        let shown = d.to_string();
        assert!(shown.len() < 1000, "{} bytes", shown.len());
        let lines: Vec<&str> = shown.lines().collect();
        let code = lines[3].strip_prefix("1 | ").unwrap();
        let caret = lines[4].strip_prefix("  | ").unwrap();
        assert!(code.starts_with('…') && code.ends_with('…'), "{code}");
        assert_eq!(code.chars().count(), SOURCE_WINDOW + 2);
        // The caret still sits under `oops`.
        let at = caret.find('^').unwrap();
        let under: String = code.chars().skip(at).take(4).collect();
        assert_eq!(under, "oops");
        assert_eq!(caret.trim_start(), "^^^^");
    }

    #[test]
    fn window_at_line_ends_has_one_ellipsis() {
        let line = "a".repeat(1000);
        let (w, c) = window(&line, 0);
        assert_eq!((w.chars().count(), c), (SOURCE_WINDOW + 1, 0));
        assert!(w.ends_with('…') && !w.starts_with('…'));
        let (w, c) = window(&line, 999);
        assert!(w.starts_with('…') && !w.ends_with('…'));
        assert_eq!(w.chars().nth(c), Some('a'));
        assert_eq!(c, SOURCE_WINDOW);
        let short = "a = 1";
        assert_eq!(window(short, 4), (short.to_string(), 4));
    }

    #[test]
    fn long_messages_and_keys_are_elided() {
        let key = "k".repeat(100_000);
        let d = Diagnostic::file_level(
            Path::new("x.toml"),
            Some(&key),
            format!("unknown key `{key}`"),
            Some(format!("did you mean `{key}`?")),
        );
        let shown = d.to_string();
        assert!(shown.len() < 4 * MAX_QUOTED, "{} bytes", shown.len());
        assert!(shown.contains("unknown key `kkk"));
        assert!(shown.contains("kkk`?"));
        assert_eq!(shown.matches('…').count(), 3);
        assert_eq!(elide("short", 10), "short");
        assert_eq!(elide("abcdefghij", 7).chars().count(), 7);
    }

    #[test]
    fn columns_count_characters() {
        let src = Source {
            path: "x.toml".into(),
            text: "note = \"ü\" x".into(),
        };
        let d = src.diag(11..12, None, "m", None);
        assert_eq!((d.line, d.col), (1, 11));
    }
}
