//! sanctions-sim command line. Exit codes: 0 ok, 1 bad input (scenario, flags or output
//! location), 2 internal error, 130 interrupted by SIGINT or SIGTERM.
//!
//! On SIGINT/SIGTERM a "stop requested" flag is set. `run` checks it between paths, drops its
//! unfinished result folders (hidden `.partial` folders) and returns, and the process exits
//! 130 with `interrupted` on stderr. Commands that do not check the flag (`compare`,
//! `validate`, ...) are ended at once by the signal thread, after it removed every unfinished
//! result folder; so is `run` if it has not stopped within [`GRACE`] or on a second signal.

use clap::Parser;
use sanctions_sim::cli::run::{set_stop_flag, EXIT_INTERRUPTED};
use sanctions_sim::cli::{dispatch, Cli, Command, EXIT_BAD_INPUT, EXIT_INTERNAL};
use sanctions_sim::output::files::exit_removing_staging;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long a cooperative command may take to stop after the first signal.
const GRACE: Duration = Duration::from_secs(3);

const INTERRUPTED_MSG: &str =
    "interrupted: stopped before the results were complete; unfinished result folders were \
     removed (results of scenarios that had already finished are kept)";

/// Sets up SIGINT/SIGTERM handling; returns the stop flag. `cooperative`: the command checks
/// the flag and stops by itself.
fn install_signals(cooperative: bool) -> Arc<AtomicBool> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let stop = Arc::new(AtomicBool::new(false));
    for sig in [SIGINT, SIGTERM] {
        // Set in the handler itself, so the engine sees it without waiting for a thread.
        let _ = signal_hook::flag::register(sig, Arc::clone(&stop));
    }
    match signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
        Ok(mut signals) => {
            std::thread::spawn(move || {
                let mut first = true;
                for _ in signals.forever() {
                    if first && cooperative {
                        first = false;
                        std::thread::spawn(|| {
                            std::thread::sleep(GRACE);
                            eprintln!("{INTERRUPTED_MSG}");
                            exit_removing_staging(EXIT_INTERRUPTED)
                        });
                    } else {
                        eprintln!("{INTERRUPTED_MSG}");
                        exit_removing_staging(EXIT_INTERRUPTED);
                    }
                }
            });
        }
        Err(e) => eprintln!("warning: cannot handle SIGINT/SIGTERM: {e}"),
    }
    stop
}

/// The text printed for a failed command: `error: ` before the message, unless the message
/// is already rendered diagnostics (`error[key]: …` or `error: …` from the scenario loader),
/// which would otherwise read `error: error[…]`.
fn render_error(msg: &str) -> String {
    let msg = msg.trim_end();
    if msg.starts_with("error[") || msg.starts_with("error:") {
        msg.to_string()
    } else {
        format!("error: {msg}")
    }
}

fn main() {
    // Rust ignores SIGPIPE, so `sanctions-sim schema | head` would panic in `println!` once
    // the reader is gone; die of the signal instead, as Unix tools do.
    #[cfg(unix)]
    // SAFETY: called before any other thread exists; SIG_DFL is a valid disposition.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version are not errors; a bad flag is bad input.
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let stop = install_signals(matches!(cli.command, Command::Run(_)));
    set_stop_flag(Arc::clone(&stop));
    let code = match std::panic::catch_unwind(|| dispatch(cli)) {
        Ok(Ok(())) => 0,
        Ok(Err(_)) | Err(_) if stop.load(Ordering::SeqCst) => {
            eprintln!("{INTERRUPTED_MSG}");
            EXIT_INTERRUPTED
        }
        Ok(Err(e)) => {
            eprintln!("{}", render_error(e.message()));
            e.code()
        }
        Err(_) => EXIT_INTERNAL,
    };
    std::process::exit(code);
}
