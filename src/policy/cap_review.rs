//! The EU dynamic price cap review (EU 18th package, scenarios.md §1.4, errata 16): while
//! `cap.eu_mode` is dynamic, every `cap.eu_review_months` months counted from 2025-09 the EU
//! cap is reset, from the 3rd of the review month, to `cap.eu_dyn_factor` times the average
//! Urals price of the previous five months. A cap of `none` is never reviewed (`none` wins).
//! An automatic rule of the policy timeline, so it lives with the timeline and is given the
//! market's average price rather than reading the market.
//!
//! A cap the user writes (`cap.eu_usd`, in a file or a tree action) fixes the cap: from its
//! date the mode is `fixed` and no review replaces it, unless `cap.eu_mode = "dynamic"` is
//! written for the same day or later (D50, `PolicyPath::schedule`).

use super::calendar::{Date, MonthIdx};
use super::events::PolicyPath;
use super::levers::{LeverIds, NONE_CAP};

/// Reviews are counted from 2025-09 (the first review month is `ANCHOR + every`).
pub const ANCHOR: MonthIdx = 2025 * 12 + 8;
/// The reviewed cap applies from this day of the review month.
pub const DAY: u32 = 3;

/// Queues the review of `month` on `policy` if one is due. `ubar_mean` is the average Urals
/// price of the previous five months ($/bbl).
///
/// The mode is read as of the review day, so a cap the user dated on or before that day of the
/// review month (which fixes the mode, D50) is not replaced by the review.
pub fn review(policy: &mut PolicyPath, ids: &LeverIds, month: MonthIdx, ubar_mean: f64) {
    let since = month - ANCHOR;
    let every = policy.current(ids.cap_eu_review_months).round().max(1.0) as i32;
    let mode = policy.discrete_on(ids.cap_eu_mode, Date { month, day: DAY });
    if mode > 0.5 && since > 0 && since % every == 0 {
        let cap_now = policy.current(ids.cap_eu_usd);
        if cap_now < NONE_CAP * 0.5 {
            let v = (policy.current(ids.cap_eu_dyn_factor) * ubar_mean).max(0.0);
            policy.inject_set(month, DAY, ids.cap_eu_usd, v);
        }
    }
}
