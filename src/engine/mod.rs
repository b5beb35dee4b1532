//! The Monte Carlo engine: paths in parallel, fixed-size chunks reduced in order.
pub mod partial;
pub mod path;
mod pipeline;
pub mod precision;
pub mod rng;
pub mod run;
pub mod stats;
mod tree_split;
pub mod vars;
