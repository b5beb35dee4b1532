//! The Monte Carlo engine: paths in parallel, fixed-size chunks reduced in order.
pub mod partial;
pub mod path;
pub mod precision;
pub mod rng;
pub mod run;
pub mod stats;
pub mod vars;
