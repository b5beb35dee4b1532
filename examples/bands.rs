//! Run a scenario through the library and print the median and 5–95% band of a few variables
//! by month: what `sanctions-sim run` writes to `summary.csv`, without writing files.
//!
//! ```sh
//! cargo run --release --example bands -- scenarios/summit_failure.toml 2000
//! ```
//!
//! Arguments: the scenario file (default `scenarios/baseline.toml`) and the number of paths
//! (default 1,000). The seed and horizon are the scenario's own.

use sanctions_sim::engine::run::{run, RunOptions};
use sanctions_sim::policy::calendar::iso_month;
use std::process::ExitCode;

const SHOWN: [&str; 4] = [
    "brent_usd_bbl",
    "urals_discount_usd_bbl",
    "russia_crude_exports_mbd",
    "russia_export_revenue_usd_bn",
];

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .unwrap_or_else(|| "scenarios/baseline.toml".into());
    let paths: u64 = match args.next().map(|s| s.parse()) {
        None => 1000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("the number of paths must be a whole number above 0");
            return ExitCode::FAILURE;
        }
    };
    // Scenario errors name file, line, column and key; print them as the CLI does.
    let sc = match sanctions_sim::scenario::load(file.as_ref()) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut o = RunOptions::from_scenario(&sc);
    o.paths = paths;
    let r = match run(&sc, &o, &|_| {}) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    println!("{}: {} paths, seed {}", sc.name, r.paths, o.seed);
    for name in SHOWN {
        // A custom market may not report every variable.
        let Some(v) = r.vars.iter().position(|v| v.name == name) else {
            continue;
        };
        println!("\n{name} ({})", r.vars[v].unit);
        println!("{:<8} {:>10} {:>10} {:>10}", "month", "p05", "p50", "p95");
        for t in 0..r.months {
            let c = r.summary.cell(t, v);
            println!(
                "{:<8} {:>10.2} {:>10.2} {:>10.2}",
                iso_month(sc.start + t as i32),
                c.p05,
                c.p50,
                c.p95
            );
        }
    }
    ExitCode::SUCCESS
}
