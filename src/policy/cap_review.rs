//! The EU dynamic price cap review (EU 18th package, scenarios.md §1.4, errata 16): while
//! `cap.eu_mode` is dynamic, every `cap.eu_review_months` months counted from the day it was
//! switched to dynamic (2025-09-03 in the baseline; D52) the EU cap is reset, from that day of
//! the review month, to `cap.eu_dyn_factor` times the average Urals price of the previous five
//! months. A cap of `none` is never reviewed (`none` wins).
//! An automatic rule of the policy timeline, so it lives with the timeline and is given the
//! market's average price rather than reading the market.
//!
//! A cap the user writes (`cap.eu_usd`, in a file or a tree action) fixes the cap: from its
//! date the mode is `fixed` and no review replaces it, unless `cap.eu_mode = "dynamic"` is
//! written for the same day or later (D50, `PolicyPath::schedule`).
//!
//! A review's cap lasts until the next review, so whether it is due, and the cap it sets, are
//! judged on the levers' values under any pulse (hostile round 10 #2; a pulse is an overlay of
//! its month, scenarios.md §2.1): a pulse of `cap.eu_review_months` or `cap.eu_dyn_factor`
//! changes no review, and a pulse of `cap.eu_mode` changes only its own month.

use super::calendar::{Date, MonthIdx};
use super::events::{Event, PolicyPath};
use super::levers::{LeverIds, LeverKind, LeverRegistry, LeverSet, NONE_CAP};
use crate::dist::Dist;
use rand::SeedableRng;

/// Reviews are counted from 2025-09 (the first review month is `ANCHOR + every`) when no
/// explicit `cap.eu_mode` ever switched the mode (a dynamic mode from the lever's initial value).
pub const ANCHOR: MonthIdx = 2025 * 12 + 8;
/// The reviewed cap then applies from this day of the review month.
pub const DAY: u32 = 3;

/// Queues the review of `month` on `policy` if one is due. `ubar_mean` is the average Urals
/// price of the previous five months ($/bbl).
///
/// The mode is read as of the review day, so a cap the user dated on or before that day of the
/// review month (which fixes the mode, D50) is not replaced by the review.
///
/// The cadence counts from the day an explicit `cap.eu_mode` last switched it (D52): a
/// scenario that writes a new cap (which fixes the mode) and `cap.eu_mode = "dynamic"` on
/// 2026-02-01 has its next review on 2026-08-01, not on the baseline's 2026-03-03; writing
/// `dynamic` again while it is dynamic moves nothing, and neither does a pulse of the mode.
///
/// A review due in a month whose mode is pulsed to `fixed` leaves that month's cap as it is
/// and sets the cap from the 1st of the next month, as the run without the pulse has it; one
/// due in a month pulsed to `dynamic` (the mode under it being `fixed`) sets the cap for the
/// rest of that month only.
pub fn review(
    policy: &mut PolicyPath,
    ids: &LeverIds,
    month: MonthIdx,
    ubar_mean: f64,
) -> Option<Date> {
    // A switch pending in this month moves the anchor to it: no review in a switch's month.
    let anchor = policy
        .last_switch_through(ids.cap_eu_mode, month)
        .unwrap_or(Date {
            month: ANCHOR,
            day: DAY,
        });
    let since = month - anchor.month;
    let every = policy.underlying(ids.cap_eu_review_months).round().max(1.0) as i32;
    let day = anchor.day;
    let on = Date { month, day };
    // Under a pulse, the cap the pulse returns to (D245): "none wins" only if it lasts.
    if since <= 0 || since % every != 0 || policy.underlying(ids.cap_eu_usd) >= NONE_CAP * 0.5 {
        return None;
    }
    let lasting = policy.discrete_under_on(ids.cap_eu_mode, on) > 0.5;
    let this_month = policy.discrete_on(ids.cap_eu_mode, on) > 0.5;
    let v = (policy.underlying(ids.cap_eu_dyn_factor) * ubar_mean).max(0.0);
    match (lasting, this_month) {
        (true, true) => policy.inject_set(month, day, ids.cap_eu_usd, v),
        (true, false) => policy.inject_held_set(month, day, ids.cap_eu_usd, v),
        (false, true) => policy.inject_pulse(month, day, ids.cap_eu_usd, v),
        (false, false) => return None,
    }
    Some(on)
}

/// `events` as if each happened on its written date: `prob` 1 and no lag, for the checks
/// that read a file's calendar without drawing paths.
pub fn certain_events(events: &[Event]) -> Vec<Event> {
    events
        .iter()
        .map(|e| Event {
            prob: Dist::Const(1.0),
            lag_months: None,
            ..e.clone()
        })
        .collect()
}

/// The review dates within `start .. start + months` when every event of the file happens on
/// its written date (`explain`, walkthrough 5): the reviews' cadence and stops follow the
/// events' `cap.eu_mode` and `cap.eu_usd` (D50, D52), not the market, so one pass with a
/// placeholder Urals average finds them. An event with `prob` < 1 or a lag, or a tree, can
/// move them on some paths.
pub fn scheduled_reviews(
    events: &[Event],
    reg: &LeverRegistry,
    initial: &LeverSet,
    start: MonthIdx,
    months: usize,
) -> Vec<Date> {
    review_dates(
        events,
        reg,
        initial,
        start,
        start + months as MonthIdx,
        None,
    )
}

/// The first review after the horizon `start .. start + months`, on the same reading as
/// [`scheduled_reviews`] (walkthrough 9 #7: a cadence restarted late in the horizon puts the
/// next review past it, and `explain` said nothing). `None` when no review comes within the
/// longest cadence `cap.eu_review_months` allows after the horizon: the mode is fixed, or the
/// cap is `none`, for good.
pub fn next_review_after(
    events: &[Event],
    reg: &LeverRegistry,
    initial: &LeverSet,
    start: MonthIdx,
    months: usize,
) -> Option<Date> {
    let end = start + months as MonthIdx;
    let longest = match reg.def(reg.ids.cap_eu_review_months).kind {
        LeverKind::Number { max, .. } if max.is_finite() => max.ceil() as MonthIdx,
        _ => 120,
    };
    review_dates(events, reg, initial, start, end + longest + 1, Some(end))
        .into_iter()
        .find(|d| d.month >= end)
}

/// The review dates from `start` to the month before `until`, stopping at the first one in
/// `stop_at` or later.
fn review_dates(
    events: &[Event],
    reg: &LeverRegistry,
    initial: &LeverSet,
    start: MonthIdx,
    until: MonthIdx,
    stop_at: Option<MonthIdx>,
) -> Vec<Date> {
    let sure = certain_events(events);
    // Values are drawn but never read here: any stream does.
    let mut policy = PolicyPath::new(&sure, reg, initial, start, |i| {
        rand_chacha::ChaCha8Rng::seed_from_u64(i as u64)
    });
    let mut lv = initial.clone();
    let mut fired = Vec::new();
    let mut out = Vec::new();
    for month in start..until {
        if let Some(d) = review(&mut policy, &reg.ids, month, 50.0) {
            out.push(d);
            if stop_at.is_some_and(|s| month >= s) {
                break;
            }
        }
        policy.advance(month, &mut lv, &mut fired);
    }
    out
}
