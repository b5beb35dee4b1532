//! Periods other than the calendar years and the horizon (walkthrough 10 #13): the windows of
//! `--period FROM..TO` (two months `YYYY-MM`, inclusive), which add rows to `totals.csv`,
//! `averages.csv` and their comparisons, and the period of a `total(VAR, PERIOD)` or
//! `mean(VAR, PERIOD)` probe (a calendar year, `horizon` or a window).
//!
//! A window must lie inside the run's horizon: a total over fewer months than the window
//! names would read as the window's total (docs/outputs.md §11), so it is refused, with the
//! horizon and a fix, rather than clipped.

use super::derived::Period;
use crate::policy::calendar::{iso_month, month_idx, year_month, MonthIdx};

/// Most `--period` windows a run takes: each adds a row per totalled and averaged variable.
pub const MAX_PERIODS: usize = 100;

/// Most different `--prob` questions a run takes: what a shard's `partial.bin` may declare, so
/// that `run --shard` never writes a partial that `merge` refuses (hostile round 12 F6).
pub const MAX_PROBES: usize = 1024;

/// The label of the whole-horizon period.
pub const HORIZON: &str = "horizon";

/// Why a `--period` text is not a window of the run: what was given and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("--period `{given}`: {reason}")]
pub struct PeriodError {
    pub given: String,
    pub reason: String,
}

/// Every problem of a list of `--period` texts, one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct PeriodErrors(pub Vec<PeriodError>);

/// The run's months, as messages name them: `2025-08 to 2028-07 (36 months)`.
fn horizon_text(start: MonthIdx, months: usize) -> String {
    format!(
        "{} to {} ({months} month{})",
        iso_month(start),
        iso_month(start + months as MonthIdx - 1),
        if months == 1 { "" } else { "s" }
    )
}

/// The window `FROM..TO` of a run of `months` months from `start`, labelled
/// `YYYY-MM..YYYY-MM`; the error is the reason alone (the caller says which flag).
pub fn window(text: &str, start: MonthIdx, months: usize) -> Result<Period, String> {
    let text = text.trim();
    let example = "e.g. `2025-11..2026-10` for the 12 months from November 2025";
    let Some((a, b)) = text.split_once("..") else {
        let year = text.len() == 4 && text.bytes().all(|c| c.is_ascii_digit());
        return Err(if year {
            format!(
                "a calendar year already has its own row (`{text}`); a window is FROM..TO, two \
                 months YYYY-MM joined by `..`, inclusive, {example}"
            )
        } else {
            format!("expected FROM..TO, two months YYYY-MM joined by `..`, inclusive, {example}")
        });
    };
    let month = |s: &str, side: &str| {
        month_idx(s.trim()).map_err(|e| format!("{side}: {e}; write months as YYYY-MM, {example}"))
    };
    let (from, to) = (month(a, "FROM")?, month(b, "TO")?);
    if from > to {
        return Err(format!(
            "FROM {} is after TO {}; write the earlier month first: `{}..{}`",
            iso_month(from),
            iso_month(to),
            iso_month(to),
            iso_month(from)
        ));
    }
    let last = start + months as MonthIdx - 1;
    if from < start {
        return Err(format!(
            "starts before the run's horizon, {}; totals need every month of the window \
             simulated, so start it at {} or later",
            horizon_text(start, months),
            iso_month(start)
        ));
    }
    if to > last {
        let need = (to - start + 1) as usize;
        return Err(format!(
            "ends after the run's horizon, {}; totals need every month of the window \
             simulated, so end it at {} or earlier, or run longer with --months {need}",
            horizon_text(start, months),
            iso_month(last)
        ));
    }
    Ok(Period {
        label: format!("{}..{}", iso_month(from), iso_month(to)),
        first: (from - start) as usize,
        months: (to - from + 1) as usize,
    })
}

/// The period of a probe: a calendar year the horizon touches (`2026`: its months in the
/// run, as the year's row of `totals.csv`), `horizon`, or a window `FROM..TO`.
pub fn probe_period(text: &str, start: MonthIdx, months: usize) -> Result<Period, String> {
    let text = text.trim();
    if text == HORIZON {
        return Ok(Period {
            label: HORIZON.into(),
            first: 0,
            months,
        });
    }
    if text.len() == 4 && text.bytes().all(|c| c.is_ascii_digit()) {
        let year: i32 = text.parse().expect("four digits");
        let last = start + months as MonthIdx - 1;
        let (y0, y1) = (year_month(start).0, year_month(last).0);
        if year < y0 || year > y1 {
            return Err(format!(
                "the run's horizon, {}, has no month of {year}; name a year from {y0} to {y1}, \
                 `horizon` or a window FROM..TO",
                horizon_text(start, months)
            ));
        }
        let from = (year * 12).max(start);
        let to = (year * 12 + 11).min(last);
        return Ok(Period {
            label: text.to_string(),
            first: (from - start) as usize,
            months: (to - from + 1) as usize,
        });
    }
    if !text.contains("..") {
        return Err(format!(
            "the period `{text}` is not a year (2026), `horizon` or a window FROM..TO \
             (2025-11..2026-10)"
        ));
    }
    window(text, start, months)
}

/// The windows of every `--period` text, in the order given; a repeat (the same months,
/// however written) is dropped. Errors are collected, one per text.
pub fn parse_periods(
    texts: &[String],
    start: MonthIdx,
    months: usize,
) -> Result<Vec<Period>, PeriodErrors> {
    let mut out: Vec<Period> = Vec::new();
    let mut errors = Vec::new();
    for t in texts {
        match window(t, start, months) {
            Ok(p) if out.contains(&p) => {}
            Ok(p) => out.push(p),
            Err(reason) => errors.push(PeriodError {
                given: t.clone(),
                reason,
            }),
        }
    }
    if out.len() > MAX_PERIODS {
        errors.push(PeriodError {
            given: texts.last().cloned().unwrap_or_default(),
            reason: format!(
                "{} windows given, at most {MAX_PERIODS}: run the others separately",
                out.len()
            ),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(PeriodErrors(errors))
    }
}

/// The `--period` texts that [`parse_periods`] drops as repeats, each with the earlier text it
/// repeats. Texts that do not parse are left out.
pub fn duplicate_periods(
    texts: &[String],
    start: MonthIdx,
    months: usize,
) -> Vec<(String, String)> {
    let mut kept: Vec<(Period, &str)> = Vec::new();
    let mut dropped = Vec::new();
    for t in texts {
        let Ok(p) = window(t, start, months) else {
            continue;
        };
        match kept.iter().find(|(q, _)| *q == p) {
            Some((_, first)) => dropped.push((t.clone(), first.to_string())),
            None => kept.push((p, t)),
        }
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;

    const START: MonthIdx = 2025 * 12 + 7; // 2025-08

    #[test]
    fn windows_inside_the_horizon() {
        let p = window("2025-11..2026-10", START, 36).unwrap();
        assert_eq!(
            (p.label.as_str(), p.first, p.months),
            ("2025-11..2026-10", 3, 12)
        );
        let p = window(" 2025-08 .. 2025-08 ", START, 36).unwrap();
        assert_eq!(
            (p.label.as_str(), p.first, p.months),
            ("2025-08..2025-08", 0, 1)
        );
        let p = window("2028-01..2028-07", START, 36).unwrap();
        assert_eq!((p.first, p.months), (29, 7));
    }

    #[test]
    fn bad_windows_say_why_and_how_to_fix() {
        let e = window("2026-10..2025-11", START, 36).unwrap_err();
        assert!(e.contains("FROM 2026-10 is after TO 2025-11"), "{e}");
        assert!(e.contains("`2025-11..2026-10`"), "{e}");
        let e = window("2025-11..2028-10", START, 36).unwrap_err();
        assert!(e.contains("2025-08 to 2028-07 (36 months)"), "{e}");
        assert!(e.contains("--months 39"), "{e}");
        let e = window("2025-01..2025-12", START, 36).unwrap_err();
        assert!(
            e.contains("starts before") && e.contains("2025-08 or later"),
            "{e}"
        );
        let e = window("2026", START, 36).unwrap_err();
        assert!(e.contains("calendar year already has its own row"), "{e}");
        let e = window("2025-11-01..2026-10-31", START, 36).unwrap_err();
        assert!(e.contains("FROM: expected a month `YYYY-MM`"), "{e}");
        let e = window("2025-13..2026-10", START, 36).unwrap_err();
        assert!(e.contains("month must be 01–12"), "{e}");
        let e = window("Nov 2025 to Oct 2026", START, 36).unwrap_err();
        assert!(e.contains("expected FROM..TO"), "{e}");
    }

    #[test]
    fn probe_periods_are_years_the_horizon_or_windows() {
        let y = probe_period("2025", START, 36).unwrap();
        assert_eq!((y.label.as_str(), y.first, y.months), ("2025", 0, 5));
        let y = probe_period("2028", START, 36).unwrap();
        assert_eq!((y.first, y.months), (29, 7));
        let h = probe_period("horizon", START, 36).unwrap();
        assert_eq!((h.first, h.months), (0, 36));
        assert!(probe_period("2030", START, 36)
            .unwrap_err()
            .contains("from 2025 to 2028"));
        assert!(probe_period("cal26", START, 36)
            .unwrap_err()
            .contains("not a year"));
        assert_eq!(
            probe_period("2026-01..2026-03", START, 36).unwrap().months,
            3
        );
    }

    #[test]
    fn repeats_are_dropped_and_named() {
        let texts: Vec<String> = ["2025-11..2026-10", "2025-11 .. 2026-10", "2026-04..2027-03"]
            .map(String::from)
            .to_vec();
        let ps = parse_periods(&texts, START, 36).unwrap();
        assert_eq!(ps.len(), 2);
        assert_eq!(
            duplicate_periods(&texts, START, 36),
            vec![(texts[1].clone(), texts[0].clone())]
        );
        let bad = vec!["2026-10..2025-11".to_string(), "x".to_string()];
        let e = parse_periods(&bad, START, 36).unwrap_err();
        assert_eq!(e.0.len(), 2);
        assert!(e.to_string().starts_with("--period `2026-10..2025-11`: "));
    }
}
