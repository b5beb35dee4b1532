//! The Monte Carlo engine: paths in parallel, fixed-size chunks reduced in order.
pub mod arrivals;
mod init;
pub mod month_draws;
pub mod partial;
pub mod path;
mod path_rng;
pub mod philox;
mod pipeline;
pub mod precision;
pub mod rng;
pub mod run;
pub mod stats;
pub mod threads;
mod tree_path;
mod tree_split;
mod tree_split_error;
/// The output variables, read from a month's market state (moved to `market::vars`, which the market
/// file's name check also needs; kept here under its old path).
pub use crate::market::vars;
