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
mod tree_path;
mod tree_split;
pub mod vars;
