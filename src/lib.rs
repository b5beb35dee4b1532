//! sanctions-sim: a monthly Monte Carlo model of Russian crude flows, discounts and revenue
//! under sanctions, and of Brent. See `docs/model.md` for the model and `README.md` for use.
pub mod analysis;
pub mod backtest;
pub mod cli;
pub mod dist;
pub mod engine;
pub mod market;
pub mod output;
pub mod policy;
pub mod scenario;
pub mod suggest;
