//! What falls outside the run window (docs/scenarios.md §1.4 and scenarios.md §1.8;
//! D195–D199): what a scenario says that a run from `start` over `months` months cannot
//! honour, named by `validate`, `explain`, `run`, `compare` and `sensitivity` instead of
//! being dropped in silence.
//!
//! - Before the start (`pre_start.rs`, `start_state.rs`): one-off actions, which do not fire
//!   (D23); the EU dynamic cap reviews, which are not computed; the age of the last designation
//!   wave, which the explicit init takes from `wave_age_months`; and what else the explicit
//!   init, a state of 2025-08, does not carry.
//! - After the end (`late_lags.rs`): events and tree nodes whose random lag can carry them past
//!   the last month on some paths.
//!
//! Everything is found from the written dates and the distributions' supports and quantiles:
//! nothing is simulated, and the checks stay linear in the events.

use super::overrides::Warning;
use super::{Origin, Scenario};
use crate::dist::Dist;
use crate::policy::calendar::{days_in_month, iso_month, Date, MonthIdx};

/// A lag drawn with a smaller chance than this is taken never to carry an event that far: one
/// path in 10,000, the shipped scenarios' path count (D198).
pub(super) const RARE: f64 = 1e-4;

/// The month the explicit init describes (model.md §3, errata N2): the shipped scenarios'
/// start, seven months after the 2025-01-10 wave and tanker batch.
pub(super) const INIT_MONTH: MonthIdx = 2025 * 12 + 7;

/// Every finding of the run window for a run of `months` months (the file's own `months` for
/// `validate` and `explain`; the run's, `--months` included, for the commands that simulate).
pub fn window_findings(sc: &Scenario, months: usize) -> Vec<Warning> {
    let mut out = super::pre_start::findings(sc);
    out.extend(super::late_lags::findings(sc, months));
    out
}

/// P(X ≥ x), from the quantile function by bisection (no distribution here needs its CDF
/// written out): the largest `u` with `Q(u) < x` is `F(x−)`.
pub(super) fn tail(d: &Dist, x: f64) -> f64 {
    let (lo, hi) = d.support();
    if x <= lo {
        return 1.0;
    }
    if x > hi || d.quantile(1.0 - 1e-15) < x {
        return 0.0;
    }
    let (mut a, mut b) = (0.0_f64, 1.0_f64);
    for _ in 0..64 {
        let m = 0.5 * (a + b);
        if d.quantile(m) < x {
            a = m;
        } else {
            b = m;
        }
    }
    (1.0 - a).clamp(0.0, 1.0)
}

/// The longest lag `d` draws with a chance of at least [`RARE`] (its upper end when bounded).
pub(super) fn longest(d: &Dist) -> f64 {
    match d {
        Dist::Const(v) => *v,
        _ => d.quantile(1.0 - RARE).min(d.support().1),
    }
}

/// A lag in months as the timeline rounds it: whole months, at least 0 (at most 1200).
pub(super) fn whole(x: f64) -> MonthIdx {
    if x.is_nan() {
        return 0;
    }
    x.round().clamp(0.0, 1200.0) as MonthIdx
}

/// Months from `date` to the first day of `month`, with the days of `date`'s own month.
pub(super) fn months_between(date: Date, month: MonthIdx) -> f64 {
    (month - date.month) as f64 - (date.day as f64 - 1.0) / days_in_month(date.month) as f64
}

/// A chance as a percentage with two significant digits (`8.3%`, `0.021%`).
pub(super) fn pct(p: f64) -> String {
    let x = p * 100.0;
    if x >= 10.0 {
        format!("{x:.0}%")
    } else if x >= 1.0 {
        format!("{x:.1}%")
    } else {
        let digits = (1.0 - x.log10().floor()).clamp(1.0, 12.0) as usize;
        format!("{x:.digits$}%")
    }
}

/// Where a finding about the whole run points: the `start` key of the file that sets it.
pub(super) fn start_origin(sc: &Scenario) -> Origin {
    super::key_origins(sc)
        .remove("scenario.start")
        .unwrap_or_else(|| Origin {
            file: sc.path.clone(),
            line: 1,
            col: 1,
        })
}

/// `the run's last month 2026-07`, with what set it.
pub(super) fn last_month(sc: &Scenario, months: usize) -> String {
    let end = iso_month(sc.start + months as MonthIdx - 1);
    if months == sc.months {
        format!("the horizon's last month {end} (`months = {months}`)")
    } else {
        format!("the run's last month {end} ({months} months)")
    }
}

/// The help for something that can land in month `last`, after the run: run long enough
/// `goal` ("to see it on every path"), or `shorten` ("shorten its `lag_months`"). Past the
/// longest run there can be from `start` (1200 months, and not past 2200-12) only the
/// shortening is offered: a help must not ask for a `--months` that is refused (hostile
/// round 12 F3).
pub(super) fn run_through(sc: &Scenario, last: MonthIdx, goal: &str, shorten: &str) -> String {
    let need = last - sc.start + 1;
    let most = longest_run(sc);
    if need > most {
        return format!(
            "{shorten}: no run reaches {} (the longest run from {} is {most} months, to {})",
            iso_month(last),
            iso_month(sc.start),
            iso_month(sc.start + most - 1)
        );
    }
    format!(
        "run at least {need} months (`months = {need}` in the file, or `--months {need}`) \
         {goal}, or {shorten}"
    )
}

/// The most months a run from the scenario's start may have: 1200, and not past 2200-12.
pub(super) fn longest_run(sc: &Scenario) -> MonthIdx {
    (super::dates::LAST_MONTH - sc.start + 1).clamp(1, MAX_RUN_MONTHS)
}

/// The most months a run may have (`scenario.months`, `--months`).
const MAX_RUN_MONTHS: MonthIdx = 1200;

/// How the file can drop inherited event `i`: by its id, or as `<lever>@<date>`; or, when the
/// file wrote it itself, by deleting it.
pub(super) fn drop_hint(sc: &Scenario, i: usize) -> String {
    let o = &sc.event_origins[i];
    if o.at.file == sc.path {
        return "delete it from this file".into();
    }
    let name = match &o.id {
        Some(id) => id.clone(),
        None => format!("{}@{}", o.lever_written, sc.events[i].date),
    };
    format!("drop it with `remove_events = [\"{name}\"]` at the top of this file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tails_follow_the_rounding_of_lags() {
        // uniform(0.5, 12.49) rounds to 12 on [11.5, 12.49]: 0.99 / 11.99 of the paths.
        let u = Dist::uniform(0.5, 12.49);
        assert!((tail(&u, 11.5) - 0.99 / 11.99).abs() < 1e-9);
        assert_eq!(tail(&u, 13.0), 0.0);
        assert_eq!(tail(&u, 0.2), 1.0);
        // Poisson(2) ≥ 3: 1 − e^-2 (1 + 2 + 2).
        let p = Dist::Poisson { lambda: 2.0 };
        let want = 1.0 - (-2.0_f64).exp() * 5.0;
        assert!((tail(&p, 2.5) - want).abs() < 1e-9, "{}", tail(&p, 2.5));
        assert_eq!(tail(&Dist::Const(3.0), 2.5), 1.0);
        assert_eq!(tail(&Dist::Const(3.0), 3.5), 0.0);
        assert_eq!(whole(longest(&u)), 12);
        assert_eq!(whole(longest(&p)), 9);
    }

    #[test]
    fn ages_and_percentages_read_as_written() {
        let d = Date::parse("2025-10-22").unwrap();
        let m = crate::policy::calendar::month_idx("2026-12").unwrap();
        assert!((months_between(d, m) - (14.0 - 21.0 / 31.0)).abs() < 1e-12);
        assert_eq!(pct(0.0826), "8.3%");
        assert_eq!(pct(0.5), "50%");
        assert_eq!(pct(0.00021), "0.021%");
    }
}
