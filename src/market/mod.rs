//! The market model: one month's clearing as a pure function of (state, parameters, levers,
//! shocks). Knows nothing of files, threads or output formats.
pub mod accounting;
pub mod basins;
pub mod brent;
pub mod clearing;
pub mod compliance;
pub mod data;
pub mod deadline;
pub mod exogenous;
pub mod fleet;
pub mod invariants;
pub mod lane_roots;
pub mod model;
mod padded_root;
pub mod param_ranges;
pub mod params;
pub mod slate;
pub mod split_clearing;
pub mod stance;
pub mod state;
pub mod step;
pub mod tanker_ban;
pub mod term_ties;
pub mod vars;
pub mod work;

#[cfg(test)]
mod tests;
