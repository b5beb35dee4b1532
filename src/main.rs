//! sanctions-sim command line. Exit codes: 0 ok, 1 bad input (scenario, flags or output
//! location), 2 internal error.

use clap::Parser;
use sanctions_sim::cli::{dispatch, Cli, EXIT_BAD_INPUT, EXIT_INTERNAL};

fn main() {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            // Help and version are not errors; a bad flag is bad input.
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let _ = e.print();
            std::process::exit(code);
        }
    };
    let code = match std::panic::catch_unwind(|| dispatch(cli)) {
        Ok(Ok(())) => 0,
        Ok(Err(e)) => {
            eprintln!("error: {}", e.message());
            e.code()
        }
        Err(_) => EXIT_INTERNAL,
    };
    std::process::exit(code);
}
