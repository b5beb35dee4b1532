//! Load errors with positions, rendered rustc-style.
//!
//! Every [`Diagnostic`] names a file, a 1-based line and column (columns count characters),
//! the key it is about (`scenario.months`, `event[2].lever`: events count from 1 in file
//! order), what was expected and, where one exists, a fix. A [`LoadError`] holds every
//! diagnostic found, sorted by file then position.

use crate::suggest::ShowPath;
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
    /// The offending line, without its line break, cut to a window of [`SOURCE_WINDOW`]
    /// characters around the column (with `…` at the cut ends). `None` for files whose
    /// text must not be echoed (see [`Source::quote`]).
    pub source_line: Option<String>,
    /// 0-based character position of the column within `source_line`.
    pub caret: usize,
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
            caret: 0,
            span_len: 0,
        }
    }
}

/// Every problem found while loading a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    pub diagnostics: Vec<Diagnostic>,
    /// The file that was being loaded, when no diagnostic names it (every problem is in a
    /// file it extends or its market file): `list`, `validate` and `run` over many files
    /// would otherwise never say which of them failed.
    pub loading: Option<PathBuf>,
}

impl LoadError {
    pub fn one(d: Diagnostic) -> Self {
        LoadError::new(vec![d])
    }

    pub fn new(diagnostics: Vec<Diagnostic>) -> Self {
        LoadError {
            diagnostics,
            loading: None,
        }
    }

    /// Records `path` as the file being loaded unless a diagnostic already names it.
    pub(crate) fn loading(mut self, path: &Path) -> Self {
        let canon = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
        let target = canon(path);
        if !self.diagnostics.iter().any(|d| canon(&d.file) == target) {
            self.loading = Some(path.to_path_buf());
        }
        self
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
#[cfg(test)]
fn window(line: &str, col0: usize) -> (String, usize) {
    let at = line.char_indices().nth(col0).map_or(line.len(), |(i, _)| i);
    excerpt(line, at)
}

/// The part of `line` to print around byte `at` (a char boundary) and the 0-based character
/// column of `at` within it: at most [`SOURCE_WINDOW`] characters, a third of them before
/// the column unless the line ends sooner, with `…` at the cut ends. Looks at no more than
/// `SOURCE_WINDOW + 1` characters either side, so a 16 MiB line costs as little as a short
/// one.
fn excerpt(line: &str, at: usize) -> (String, usize) {
    const W: usize = SOURCE_WINDOW;
    let before: Vec<char> = line[..at].chars().rev().take(W + 1).collect();
    let after: Vec<char> = line[at..].chars().take(W + 1).collect();
    let (nb, na) = (before.len(), after.len());
    if nb + na <= W {
        let mut out: String = before.iter().rev().collect();
        out.extend(&after);
        return (out, nb);
    }
    // Characters shown before the column: a third of the window, more when the line ends
    // within the window after the column (`na <= W` means `na` is the true count).
    let mut k = nb.min(W / 3);
    if na <= W && na < W - k {
        k = nb.min(W - na);
    }
    let shown_after = (W - k).min(na);
    let mut out = String::new();
    let mut col = k;
    if nb > k {
        out.push('…');
        col += 1;
    }
    out.extend(before[..k].iter().rev());
    out.extend(&after[..shown_after]);
    if na > shown_after {
        out.push('…');
    }
    (out, col)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Messages quote what the user wrote (a lever name, a value, a file name), which
        // may hold escape sequences for the terminal this is printed on.
        use super::text::visible;
        let message = elide(&self.message, MAX_QUOTED);
        match &self.key {
            Some(k) => writeln!(
                f,
                "error[{}]: {}",
                visible(&elide(k, MAX_QUOTED)),
                visible(&message)
            )?,
            None => writeln!(f, "error: {}", visible(&message))?,
        }
        let num = self.line.to_string();
        let pad = " ".repeat(num.len());
        write!(
            f,
            "{pad}--> {}:{}:{}",
            visible(&self.file.shown().to_string()),
            self.line,
            self.col
        )?;
        if let Some(src) = &self.source_line {
            let col0 = self.caret;
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
            write!(f, "\n{pad} = help: {}", visible(&elide(h, MAX_QUOTED)))?;
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
        if let Some(p) = &self.loading {
            let n = if self.diagnostics.len() > 1 {
                "files"
            } else {
                "file"
            };
            write!(
                f,
                "\n  = note: found while loading {}, which extends or names the {n} above",
                p.shown()
            )?;
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
    /// Whether diagnostics may quote this file's lines. Off for files that are not scenario
    /// or market text (`/proc` files, devices, binary data, a file named by a stray
    /// `extends`): their lines may hold secrets, and position alone locates the problem.
    pub quote: bool,
    /// Whether the `extends` that named this file wrote an absolute path (walkthrough 10
    /// #16: such a parent outside the scenario's folder is taken as intended, not warned).
    pub named_absolute: bool,
    /// Built on first use, once per file: a diagnostic then costs O(log n), not O(n)
    /// (a file of 100,000 events used to take minutes to report on, issue 15).
    index: std::sync::OnceLock<LineIndex>,
}

/// Bytes between the character-count checkpoints of [`LineIndex`].
const CHECKPOINT: usize = 1024;

/// Where each line starts, and how many characters precede every [`CHECKPOINT`]-th byte
/// (columns count characters, and one line may be the whole file).
#[derive(Debug, Clone)]
struct LineIndex {
    starts: Vec<usize>,
    chars: Vec<usize>,
}

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut chars = Vec::with_capacity(bytes.len() / CHECKPOINT + 1);
        let mut n = 0usize;
        for (i, &b) in bytes.iter().enumerate() {
            if i.is_multiple_of(CHECKPOINT) {
                chars.push(n);
            }
            if b == b'\n' {
                starts.push(i + 1);
            }
            n += usize::from(!is_continuation(b));
        }
        if bytes.len().is_multiple_of(CHECKPOINT) {
            chars.push(n);
        }
        LineIndex { starts, chars }
    }

    /// Characters in `text[..at]`.
    fn chars_before(&self, text: &str, at: usize) -> usize {
        let k = at / CHECKPOINT;
        let from = k * CHECKPOINT;
        self.chars[k]
            + text.as_bytes()[from..at]
                .iter()
                .filter(|&&b| !is_continuation(b))
                .count()
    }

    /// 0-based line of byte `at` and the byte where that line starts.
    fn line_of(&self, at: usize) -> (usize, usize) {
        let i = self.starts.partition_point(|&s| s <= at) - 1;
        (i, self.starts[i])
    }
}

fn is_continuation(b: u8) -> bool {
    b & 0xC0 == 0x80
}

impl Source {
    pub fn new(path: PathBuf, text: String, quote: bool) -> Source {
        Source {
            path,
            text,
            quote,
            named_absolute: false,
            index: std::sync::OnceLock::new(),
        }
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::new(&self.text))
    }

    /// 1-based line and column (in characters) of byte `start` (a char boundary), and the
    /// byte where its line starts.
    fn position(&self, start: usize) -> (usize, usize, usize) {
        let ix = self.index();
        let (line, line_start) = ix.line_of(start);
        let col = ix.chars_before(&self.text, start) - ix.chars_before(&self.text, line_start);
        (line + 1, col + 1, line_start)
    }

    /// The position of byte `at`, for provenance.
    pub fn origin(&self, at: usize) -> super::Origin {
        let start = floor_char(&self.text, at.min(self.text.len()));
        let (line, col, _) = self.position(start);
        super::Origin {
            file: self.path.clone(),
            line,
            col,
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
        let (line, col, line_start) = self.position(start);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let (src_line, caret) = if self.quote {
            let l = &text[line_start..line_end];
            let l = l.strip_suffix('\r').unwrap_or(l);
            let (w, c) = excerpt(l, start.min(line_start + l.len()) - line_start);
            (Some(w), c)
        } else {
            (None, 0)
        };
        // Only the underlined part that can be shown is counted.
        let shown_end = end.min(line_end).max(start);
        let span_len = text[start..shown_end]
            .chars()
            .take(SOURCE_WINDOW + 1)
            .count();
        Diagnostic {
            file: self.path.clone(),
            line,
            col,
            key: key.map(str::to_string),
            message: message.into(),
            help,
            source_line: src_line,
            caret,
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
#[path = "diagnostics_tests.rs"]
mod tests;
