//! sanctions-sim command line. Exit codes (docs/reliability.md): 0 ok, 1 bad input
//! (scenario, flags, output location, or stdout that cannot be written), 2 internal error,
//! 130 interrupted by SIGINT or SIGTERM, 129 by SIGHUP, 131 by SIGQUIT, 141 stdout closed
//! by its reader during a command that writes results. Signal handling: `cli::signals`.

use clap::Parser;

/// mimalloc instead of glibc's malloc: a path's buffers are allocated and freed once per path
/// (millions per run), where glibc's allocator cost ≈ 4% of a run (performance.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use sanctions_sim::cli::run::set_stop_flag;
use sanctions_sim::cli::signals;
use sanctions_sim::cli::{dispatch, Cli, Command, EXIT_BAD_INPUT, EXIT_INTERNAL};
use sanctions_sim::errln;
use std::sync::atomic::Ordering;
use std::sync::Arc;

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
    // SIGPIPE stays ignored (Rust's default): a closed stdout is a write error that every
    // command handles (`cli::out`), so nothing is left half-written.
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version are not errors; a bad flag is bad input.
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let printed = e
                .print()
                .and_then(|()| std::io::Write::flush(&mut std::io::stdout()));
            // Help and version are the command's output: lost to a full stdout they are a
            // failure, as any command's output is (hostile round 12 F5); a reader that closed
            // the pipe had what it wanted. A full stderr leaves the exit code to tell.
            match printed {
                Err(w) if code == 0 && w.kind() != std::io::ErrorKind::BrokenPipe => {
                    errln!("error: cannot write to standard output: {w}");
                    std::process::exit(EXIT_BAD_INPUT);
                }
                _ => std::process::exit(code),
            }
        }
    };
    let stop = signals::install(matches!(cli.command, Command::Run(_)));
    set_stop_flag(Arc::clone(&stop));
    let outcome = std::panic::catch_unwind(|| dispatch(cli));
    // From here on a signal can no longer interleave its "interrupted" message and exit with
    // ours: whichever takes the registry lock first speaks and exits (D175).
    sanctions_sim::output::files::hold_until_exit();
    let code = match outcome {
        Ok(Ok(())) => 0,
        // The command's own error (a backtest target outside its tolerance) or a stop: the
        // message says whether the results were complete (D207).
        Ok(Err(_)) | Err(_) if stop.load(Ordering::SeqCst) => {
            errln!("{}", signals::interrupted_message(false));
            signals::exit_code()
        }
        Ok(Err(e)) => {
            errln!("{}", render_error(e.message()));
            e.code()
        }
        Err(_) => EXIT_INTERNAL,
    };
    if code != 0 {
        // Staging folders are gone (dropped); an `--out` this process created and left
        // empty goes too.
        sanctions_sim::output::files::remove_created_empty_out_roots();
    }
    std::process::exit(code);
}
