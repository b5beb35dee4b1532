//! Dates and months as a scenario file writes them (`start`, an event's or an `at` exit's
//! `date`, a schedule step's `from`): the calendar's parsers, minus their leniency. A value
//! with spaces around it, or a day where only a month is read, is refused rather than quietly
//! trimmed or dropped (D157); and helps suggest a date inside the file's horizon (D156).

use crate::policy::calendar::{iso_month, month_idx, Date, MonthIdx};

/// The last month a date may name (the calendar reads years 1900–2200), so the last month a
/// horizon may reach (D156).
pub(crate) const LAST_MONTH: MonthIdx = 2200 * 12 + 11;

/// Why a written date was refused, and the value to write instead when the fix is plain.
pub(crate) struct BadDate {
    pub msg: String,
    pub fix: Option<String>,
}

/// Refuses spaces around a date: the calendar would trim them, so `" 2025-08"` loaded as
/// `"2025-08"` while `explain` and the provenance showed what was written.
fn no_spaces(s: &str) -> Result<(), BadDate> {
    if s.trim() == s {
        return Ok(());
    }
    Err(BadDate {
        msg: format!("{s:?} has a space before or after the date"),
        fix: Some(s.trim().to_string()),
    })
}

/// A date `YYYY-MM-DD` or `YYYY-MM` (the 1st).
pub(crate) fn date(s: &str) -> Result<Date, BadDate> {
    no_spaces(s)?;
    Date::parse(s).map_err(|msg| BadDate { msg, fix: None })
}

/// A month `YYYY-MM`; a day after it is refused with the month to write (`key` names the key
/// in the message).
pub(crate) fn month(s: &str, key: &str) -> Result<MonthIdx, BadDate> {
    no_spaces(s)?;
    if s.len() > 7 {
        if let Ok(d) = Date::parse(s) {
            let m = iso_month(d.month);
            return Err(BadDate {
                msg: format!(
                    "expected a month `YYYY-MM`, got `{s}`: `{key}` takes no day (the month \
                     counts from its 1st)"
                ),
                fix: Some(m),
            });
        }
    }
    month_idx(s).map_err(|msg| BadDate { msg, fix: None })
}

/// A month inside the horizon `(start, months)` to show in a help: its first month, `2025-08`
/// when the horizon is not known (the shipped scenarios' start).
pub(crate) fn example_month(horizon: Option<(MonthIdx, usize)>) -> String {
    match horizon {
        Some((start, _)) => iso_month(start),
        None => "2025-08".into(),
    }
}

/// A day of [`example_month`] to show in a help (`day` is at most 28).
pub(crate) fn example_date(horizon: Option<(MonthIdx, usize)>, day: u32) -> String {
    format!("{}-{day:02}", example_month(horizon))
}
