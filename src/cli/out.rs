//! Writing to standard output and standard error without panicking (`println!` panics when
//! the reader has gone, and `eprintln!` when stderr is full).
//!
//! A write error on stdout becomes a [`CliError`]: [`CliError::StdoutClosed`] when the reader
//! closed the pipe (`sanctions-sim list | head -1`), else [`CliError::Input`] naming the
//! failure (`> /dev/full`) and the results committed before it (complete, and kept: only the
//! console output is missing). The command then returns through its normal error path, so a
//! `run` stops like on SIGINT and its unfinished result folders are dropped (removed).
//! `list`, `explain`, `schema`, `show`, `completions` and `man` treat a closed pipe as
//! success, as `head` wanted no more (ripgrep's rule); see [`super::dispatch`]. Exit codes:
//! docs/reliability.md.
//!
//! Writes to stderr ignore errors: stderr is where a failure would be reported, and a run
//! is not thrown away because a warning could not be printed; the exit code still tells.

use super::CliError;
use std::fmt;
use std::io::{self, Write};

/// Maps a failed write to stdout to the error the command returns.
pub fn stdout_error(e: io::Error) -> CliError {
    if e.kind() == io::ErrorKind::BrokenPipe {
        CliError::StdoutClosed
    } else {
        CliError::Input(format!(
            "cannot write to standard output: {e}{}",
            written_before()
        ))
    }
}

/// What a failed stdout leaves: the results committed before it are complete and kept
/// (only the console output is missing), and nothing after it ran. Empty when nothing was
/// written.
fn written_before() -> String {
    crate::output::files::committed_list().map_or_else(String::new, |(list, was, it)| {
        format!(
            ". Only the console output failed: {list} {was} written before it and {it} \
             complete (kept); the command stopped there, so anything after it did not run. \
             Redirect standard output elsewhere to get the summary lines, or pass --quiet to \
             print none"
        )
    })
}

/// For commands whose verdict is the exit code (`validate`): a closed stdout is not an error.
pub fn ignore_closed(e: CliError) -> Result<(), CliError> {
    match e {
        CliError::StdoutClosed => Ok(()),
        e => Err(e),
    }
}

/// The text of `args` with control characters and bidirectional overrides escaped
/// (`\u{001b}`): messages echo command-line values and file names, which can hold an escape
/// sequence that would rewrite the terminal. Scenario text is refused at load; this covers
/// everything else that reaches the console (D144).
fn shown(args: fmt::Arguments) -> String {
    let text = args.to_string();
    match crate::scenario::text::visible(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(v) => v,
    }
}

/// Writes `args` to stdout and flushes.
pub fn stdout_fmt(args: fmt::Arguments) -> Result<(), CliError> {
    let mut o = io::stdout().lock();
    o.write_all(shown(args).as_bytes())
        .and_then(|()| o.flush())
        .map_err(stdout_error)
}

/// Writes `args` and a line break to stdout and flushes.
pub fn stdout_line(args: fmt::Arguments) -> Result<(), CliError> {
    let mut o = io::stdout().lock();
    o.write_all(shown(args).as_bytes())
        .and_then(|()| o.write_all(b"\n"))
        .and_then(|()| o.flush())
        .map_err(stdout_error)
}

/// Writes `args` and a line break to stderr, ignoring errors.
pub fn stderr_line(args: fmt::Arguments) {
    let _ = writeln!(io::stderr().lock(), "{}", shown(args));
}

/// `println!` that returns `Result<(), CliError>` instead of panicking.
#[macro_export]
macro_rules! outln {
    ($($t:tt)*) => { $crate::cli::out::stdout_line(format_args!($($t)*)) };
}

/// `print!` that returns `Result<(), CliError>` instead of panicking.
#[macro_export]
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::out::stdout_fmt(format_args!($($t)*)) };
}

/// `eprintln!` that never panics.
#[macro_export]
macro_rules! errln {
    ($($t:tt)*) => { $crate::cli::out::stderr_line(format_args!($($t)*)) };
}
