//! Analyses built on the engine that need more than one scenario at a time.
pub mod compare;
pub mod sensitivity;
pub mod sensitivity_csv;
pub mod sensitivity_inputs;
pub mod sensitivity_market;
pub mod sensitivity_rank;
pub mod sensitivity_swing;
