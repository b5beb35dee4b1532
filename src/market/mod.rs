//! The market model: one month's clearing as a pure function of (state, parameters, levers,
//! shocks). Knows nothing of files, threads or output formats.
pub mod data;
pub mod params;
