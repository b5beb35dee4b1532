//! Policy: the lever registry, dated events and their per-path timeline. Imports nothing of
//! the model, the scenario files or the engine.
pub mod calendar;
pub mod cap_review;
pub mod describe;
pub mod events;
mod lever_query;
mod lever_set;
pub mod levers;
pub mod tree;
