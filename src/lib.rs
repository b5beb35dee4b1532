//! sanctions-sim: a monthly Monte Carlo model of Russian crude flows, discounts and revenue
//! under sanctions, and of Brent. See `docs/model.md` for the model, `docs/architecture.md`
//! for how the code is laid out, and `README.md` for the command line.
//!
//! The library does what the command line does, without writing files: load a scenario, run
//! paths, read the bands.
//!
//! ```
//! use sanctions_sim::engine::run::{run, RunOptions};
//!
//! let sc = sanctions_sim::scenario::load("scenarios/baseline.toml".as_ref())?;
//! let mut o = RunOptions::from_scenario(&sc);
//! o.paths = 100;
//! o.months = 6;
//! let r = run(&sc, &o, &|_paths_done| {})?;
//!
//! // The 5–95% band of Brent in the sixth month (rows are months, columns variables).
//! let brent = r.vars.iter().position(|v| v.name == "brent_usd_bbl").unwrap();
//! let c = r.summary.cell(5, brent);
//! assert!(c.p05 <= c.p50 && c.p50 <= c.p95);
//! assert!(c.p50 > 20.0 && c.p50 < 200.0, "a plausible Brent: {}", c.p50);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
pub mod analysis;
pub mod backtest;
pub mod bounded;
pub mod cli;
pub mod dist;
pub mod engine;
pub mod market;
pub mod output;
pub mod policy;
pub mod scenario;
pub mod suggest;
pub mod vmath;
