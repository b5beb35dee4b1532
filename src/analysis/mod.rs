//! Analyses built on the engine that need more than one scenario at a time.
pub mod compare;
pub mod sensitivity;
