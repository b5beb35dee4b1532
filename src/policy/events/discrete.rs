//! What a boolean or enum lever holds on a day of the month about to be advanced, for the EU
//! cap review (`cap_review.rs`, D50, D52): the value the month sees (`discrete_on`), the value
//! under any pulse (`discrete_under_on`), and the day an explicit `set` last switched it
//! (`last_switch_through`). A child of `events` so it shares the private timeline types.
//!
//! A bool or enum takes one value a month (docs/scenarios.md §2.2): a `set` dated after day 1
//! acts from the next month, and a `pulse` holds the whole month it is dated in (hostile round
//! 10 #1). A pulse is an overlay of its month, so what lasts beyond it (whether a review runs,
//! from which day the reviews count) is judged on the value under it (hostile round 10 #2).

use super::{Due, Op, PolicyPath};
use crate::policy::calendar::{Date, MonthIdx};
use crate::policy::levers::LeverId;

impl PolicyPath {
    /// The pending entries of `lever` dated up to `date` (of the month about to be advanced),
    /// with the day each takes effect, in the order `advance` applies them: entries dated in
    /// an earlier month count from day 1.
    fn due_by(&self, lever: LeverId, date: Date) -> Vec<(u32, &Due)> {
        let mut due: Vec<(u32, &Due)> = self
            .pending
            .iter()
            .filter(|e| {
                e.lever == lever
                    && (e.date.month < date.month
                        || (e.date.month == date.month && e.date.day <= date.day))
            })
            .map(|e| {
                (
                    if e.date.month < date.month {
                        1
                    } else {
                        e.date.day
                    },
                    e,
                )
            })
            .collect();
        due.sort_by_key(|&(day, e)| (day, e.order().1, e.seq));
        due
    }

    /// The value a boolean or enum lever holds on `date` of the month about to be advanced, as
    /// the month sees it: [`PolicyPath::current`] with the pending `set`s dated up to that day
    /// applied, and every pulse dated in the month, whatever its day (a pulse holds its whole
    /// month), in the order `advance` applies them. Lets an automatic rule see what the user
    /// set earlier the same month (D50).
    pub fn discrete_on(&self, lever: LeverId, date: Date) -> f64 {
        let month_end = Date {
            month: date.month,
            day: u32::MAX,
        };
        self.due_by(lever, month_end)
            .iter()
            .filter(|(day, e)| *day <= date.day || matches!(e.op, Op::Pulse(_)))
            .fold(self.current[lever], |v, (_, e)| match e.op {
                Op::Set(x) | Op::Pulse(x) | Op::Restore(x) => x,
                _ => v,
            })
    }

    /// The value a boolean or enum lever holds on `date` of the month about to be advanced
    /// without any pulse: [`PolicyPath::underlying`] with the pending `set`s dated up to that
    /// day applied. What a decision that outlasts the month is judged on (hostile round 10 #2).
    pub fn discrete_under_on(&self, lever: LeverId, date: Date) -> f64 {
        self.due_by(lever, date)
            .iter()
            .fold(self.underlying(lever), |v, (_, e)| match e.op {
                Op::Set(x) => x,
                _ => v,
            })
    }

    /// The day an explicit `set` (not one implied by another event) last changed discrete
    /// lever `lever`, as of the end of `month` (the month about to be advanced): what
    /// `advance` has recorded, then the pending entries up to that month, applied in the
    /// order `advance` applies them (D52). A pulse and its return are an overlay of the
    /// pulse's month, not a switch: the change is judged on the value under any pulse, so a
    /// one-month pulse of `cap.eu_mode` never moves the review calendar (hostile round 10 #2).
    pub fn last_switch_through(&self, lever: LeverId, month: MonthIdx) -> Option<Date> {
        let end = Date {
            month,
            day: u32::MAX,
        };
        let (mut val, mut at) = (self.underlying(lever), self.last_switch[lever]);
        for (day, e) in self.due_by(lever, end) {
            if let Op::Set(x) = e.op {
                if !e.implied && x != val {
                    at = Some(Date { month, day });
                }
                val = x;
            }
        }
        at
    }
}
