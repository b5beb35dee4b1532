//! [`LeverSet`]: one path's lever values for one month, split from `levers.rs`.

use super::levers::LeverId;

/// The month's lever values for one path.
#[derive(Debug, Clone, PartialEq)]
pub struct LeverSet {
    /// Day-weighted value for continuous levers; for booleans and enums the month's one
    /// value: the value in force on day 1, or that of a pulse dated in the month
    /// (scenarios.md §2.2).
    pub values: Vec<f64>,
    /// Share of the month's days on which the lever was > 0 (errata 12: the indicator
    /// `1[T_j > 0]` uses this, not the indicator of the pro-rated value).
    pub on_share: Vec<f64>,
    /// The value in force at the end of the month (D165: what a rise of a buyer's tariff or
    /// secondary measures is judged on, so a change late in a month counts once, not again
    /// when the next month's day-weighted value completes it).
    pub end: Vec<f64>,
}

impl LeverSet {
    #[inline]
    pub fn get(&self, id: LeverId) -> f64 {
        self.values[id]
    }
    #[inline]
    pub fn on(&self, id: LeverId) -> f64 {
        self.on_share[id]
    }
    #[inline]
    pub fn flag(&self, id: LeverId) -> bool {
        self.values[id] > 0.5
    }
    pub fn set(&mut self, id: LeverId, v: f64) {
        self.values[id] = v;
        self.on_share[id] = if v > 0.0 { 1.0 } else { 0.0 };
        self.end[id] = v;
    }
    #[inline]
    pub fn end(&self, id: LeverId) -> f64 {
        self.end[id]
    }
}
