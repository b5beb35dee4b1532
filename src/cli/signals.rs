//! Signals that end the process: SIGINT, SIGTERM, SIGHUP (the terminal closed) and SIGQUIT
//! all stop a command the same way (docs/reliability.md, "Signals").
//!
//! Each sets the "stop requested" flag from the handler itself, so the engine sees it
//! without waiting for a thread, and records which signal came. `run` checks the flag
//! between paths, drops its unfinished result folders (hidden `.partial` folders) and
//! returns; the process then exits with [`exit_code`]. Commands that do not check the flag
//! (`compare`, `validate`, ...) are ended at once by the signal thread, after it removed
//! every unfinished result folder; so is `run` if it has not stopped within [`GRACE`] or on
//! a second signal.
//!
//! SIGPIPE keeps Rust's disposition (ignored): a closed stdout shows up as a write error,
//! handled in [`super::out`], so the command still cleans up before it exits.

use crate::output::files::{abandoned, committed_list, exit_removing_staging};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// How long a cooperative command may take to stop after the first signal.
pub const GRACE: Duration = Duration::from_secs(3);

/// Printed on stderr when a signal stopped the process.
pub const INTERRUPTED_MSG: &str =
    "interrupted: stopped before the results were complete; unfinished result folders were \
     removed (results of scenarios that had already finished are kept)";

/// What the command says when a signal stopped it before its results were complete, when
/// that is not [`INTERRUPTED_MSG`] (a command that writes no result folders: `calibrate`).
static BEFORE: OnceLock<String> = OnceLock::new();

/// Sets the command's own "stopped before the results were complete" text (once).
pub fn set_before_text(text: String) {
    let _ = BEFORE.set(text);
}

/// The message for a signal that ends the process. `unfinished`: a result folder was still
/// being written (it is removed). When nothing was (and nothing was given up on:
/// [`abandoned`]), and results were committed, the signal came after they were complete (a
/// `merge`, `backtest` or `calibrate --write` between its commit and its exit): saying
/// "stopped before the results were complete" would be false, and a `--force` user would
/// think the old result was kept (D175, D207). Used by the signal thread and by `main` alike.
pub fn interrupted_message(unfinished: bool) -> String {
    match committed_list() {
        Some((list, was, it)) if !unfinished && !abandoned() => format!(
            "interrupted after the results were written: {list} {was} written before the \
             signal, and {it} complete; nothing unfinished was left"
        ),
        _ => BEFORE
            .get()
            .map_or(INTERRUPTED_MSG, String::as_str)
            .to_string(),
    }
}

/// Ends the process for a signal: message and exit under the registry lock
/// ([`exit_removing_staging`]), so `main` cannot exit 0 meanwhile.
fn end_now() -> ! {
    exit_removing_staging(exit_code(), |unfinished| {
        errln!("{}", interrupted_message(unfinished))
    })
}

/// The handled signals.
#[cfg(unix)]
const SIGNALS: [i32; 4] = [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];
#[cfg(not(unix))]
const SIGNALS: [i32; 2] = [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM];

/// The last signal received (0: none).
static LAST: OnceLock<Arc<AtomicUsize>> = OnceLock::new();

/// Exit code after signal `sig`: 130 for SIGINT and SIGTERM (as before SIGHUP and SIGQUIT
/// were handled; scripts test for it), 128 + the signal number for the others (129 SIGHUP,
/// 131 SIGQUIT), as shells report them.
pub fn code_for(sig: i32) -> i32 {
    #[cfg(unix)]
    if sig == libc::SIGHUP || sig == libc::SIGQUIT {
        return 128 + sig;
    }
    let _ = sig;
    super::run::EXIT_INTERRUPTED
}

/// The exit code for the signal that stopped the process (130 if none was recorded).
pub fn exit_code() -> i32 {
    let sig = LAST.get().map_or(0, |l| l.load(Ordering::SeqCst));
    code_for(sig as i32)
}

/// Installs the handlers; returns the stop flag. `cooperative`: the command checks the flag
/// and stops by itself.
pub fn install(cooperative: bool) -> Arc<AtomicBool> {
    let stop = Arc::new(AtomicBool::new(false));
    let last = Arc::clone(LAST.get_or_init(|| Arc::new(AtomicUsize::new(0))));
    for sig in SIGNALS {
        let _ = signal_hook::flag::register_usize(sig, Arc::clone(&last), sig as usize);
        let _ = signal_hook::flag::register(sig, Arc::clone(&stop));
    }
    match signal_hook::iterator::Signals::new(SIGNALS) {
        Ok(mut signals) => {
            std::thread::spawn(move || {
                let mut first = true;
                for _ in signals.forever() {
                    if first && cooperative {
                        first = false;
                        std::thread::spawn(|| {
                            std::thread::sleep(GRACE);
                            end_now()
                        });
                    } else {
                        end_now();
                    }
                }
            });
        }
        Err(e) => errln!("warning: cannot handle signals: {e}"),
    }
    stop
}

#[cfg(all(test, unix))]
mod tests {
    #[test]
    fn codes() {
        assert_eq!(super::code_for(libc::SIGINT), 130);
        assert_eq!(super::code_for(libc::SIGTERM), 130);
        assert_eq!(super::code_for(libc::SIGHUP), 129);
        assert_eq!(super::code_for(libc::SIGQUIT), 131);
        assert_eq!(super::code_for(0), 130);
    }

    /// D175: with nothing committed, or something still being written, the message is the
    /// "stopped before" one; never once a result is committed and nothing is unfinished.
    #[test]
    fn message_after_commit_says_the_result_is_complete() {
        assert_eq!(super::interrupted_message(true), super::INTERRUPTED_MSG);
    }
}
