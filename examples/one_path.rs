//! Follow one simulated path month by month through the library: the policy levers in force,
//! Brent, the Urals discount and where Russian barrels went. Useful to see why a band looks
//! the way it does; every path is reproducible from (seed, path number).
//!
//! ```sh
//! cargo run --release --example one_path -- scenarios/summit_failure.toml 17
//! ```
//!
//! Arguments: the scenario file (default `scenarios/baseline.toml`) and the path number
//! (default 0). The seed and horizon are the scenario's own.

use sanctions_sim::engine::path::PathSim;
use sanctions_sim::policy::calendar::iso_month;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let file = args
        .next()
        .unwrap_or_else(|| "scenarios/baseline.toml".into());
    let Ok(path) = args.next().unwrap_or_else(|| "0".into()).parse::<u64>() else {
        eprintln!("the path number must be a whole number");
        return ExitCode::FAILURE;
    };
    let sc = match sanctions_sim::scenario::load(file.as_ref()) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let ids = &sc.registry.ids;
    let mut sim = PathSim::new(&sc, sc.seed, path);
    println!(
        "{} path {path} (seed {}): cap and designated share in force, Brent, Urals discount, exports, withheld",
        sc.name, sc.seed
    );
    println!(
        "{:<8} {:>7} {:>6} {:>8} {:>8} {:>8} {:>9}",
        "month", "cap", "sdn", "brent", "urals_d", "exports", "withheld"
    );
    for t in 0..sc.months {
        // The month's levers are set before the step; read them from the simulator.
        sim.step_month();
        let o = &sim.work.out;
        let exports = o.sold.iter().sum::<f64>() + o.q.iter().sum::<f64>();
        println!(
            "{:<8} {:>7.1} {:>6.2} {:>8.2} {:>8.2} {:>8.2} {:>9.2}",
            iso_month(sc.start + t as i32),
            o.cap.min(999.0),
            sim.levers.get(ids.sdn_share),
            o.price,
            o.d[sim.model.primary],
            exports,
            o.withheld
        );
    }
    ExitCode::SUCCESS
}
