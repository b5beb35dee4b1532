//! sanctions-sim: a monthly Monte Carlo model of Russian crude flows, discounts and revenue
//! under sanctions, and of Brent. See `docs/model.md` for the model and `README.md` for use.
pub mod dist;
pub mod market;
pub mod policy;
pub mod suggest;
