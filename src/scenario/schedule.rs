//! `schedule = [...]` of a `hazard` exit: a piecewise-constant monthly probability, stepping
//! either at calendar months (`from = "2027-01"`) or after time spent in the node
//! (`after_months = 12`). Every problem is reported with its position.

use super::dates::BadDate;
use super::spanned::{de, Val};
use super::value::dist_in;
use super::walker::Walker;
use crate::policy::calendar::MonthIdx;
use crate::policy::tree::{HazardStep, StepStart};
use toml::de::DeValue;

const STEP_KEYS: &[&str] = &["from", "after_months", "value", "note"];
const HELP: &str = "write e.g. `schedule = [{ from = \"2027-01\", value = 0.05 }]` or \
                    `schedule = [{ after_months = 12, value = 0.01 }]`";

/// Checks a hazard exit's `schedule`; `None` when it had errors (all reported through `w`).
/// `horizon` is `(start, months)` when both are known, for the example of a date error.
pub(crate) fn resolve(
    w: &mut Walker<'_>,
    v: &Val<'_>,
    key: &str,
    horizon: Option<(MonthIdx, usize)>,
) -> Option<Vec<HazardStep>> {
    let DeValue::Array(items) = v.get_ref() else {
        w.err(
            v.span(),
            key,
            "`schedule` must be an array of steps",
            Some(HELP.into()),
        );
        return None;
    };
    let mut steps: Vec<HazardStep> = Vec::new();
    let mut good = true;
    for (i, it) in items.iter().enumerate() {
        let skey = format!("{key}[{}]", i + 1);
        match step(w, it, &skey, horizon) {
            Some(s) => {
                if let Some(prev) = steps.last() {
                    if let Some(msg) = out_of_order(prev.start, s.start) {
                        good = false;
                        w.err(it.span(), &skey, msg, Some(HELP.into()));
                        continue;
                    }
                }
                steps.push(s);
            }
            None => good = false,
        }
    }
    good.then_some(steps)
}

/// Why step `b` may not follow step `a`, if it may not.
fn out_of_order(a: StepStart, b: StepStart) -> Option<String> {
    match (a, b) {
        (StepStart::Month(x), StepStart::Month(y)) if y <= x => {
            Some("schedule steps must have increasing `from` months".into())
        }
        (StepStart::InNode(x), StepStart::InNode(y)) if y <= x => {
            Some("schedule steps must have increasing `after_months`".into())
        }
        (StepStart::Month(_), StepStart::InNode(_))
        | (StepStart::InNode(_), StepStart::Month(_)) => Some(
            "a schedule steps either at calendar months (`from`) or after time in the node \
                 (`after_months`), not both"
                .into(),
        ),
        _ => None,
    }
}

fn step(
    w: &mut Walker<'_>,
    it: &Val<'_>,
    skey: &str,
    horizon: Option<(MonthIdx, usize)>,
) -> Option<HazardStep> {
    let DeValue::Table(t) = it.get_ref() else {
        w.err(
            it.span(),
            skey,
            "each schedule step must be a table",
            Some(HELP.into()),
        );
        return None;
    };
    let mut start = None;
    let mut value = None;
    let mut good = true;
    for (k, x) in t.iter() {
        let name = k.get_ref().as_ref();
        let fkey = format!("{skey}.{name}");
        if matches!(name, "from" | "after_months") && start.is_some() {
            good = false;
            w.err(
                k.span(),
                &fkey,
                "a schedule step takes `from` or `after_months`, not both",
                Some(HELP.into()),
            );
            continue;
        }
        match name {
            "from" => {
                // D157: a month, refused with a day or spaces rather than trimmed.
                let got = de::<String>(x)
                    .map_err(|(_, msg)| BadDate { msg, fix: None })
                    .and_then(|s| super::dates::month(&s, "from"));
                match got {
                    Ok(m) => start = Some(StepStart::Month(m)),
                    Err(b) => {
                        good = false;
                        let fix = b
                            .fix
                            .unwrap_or_else(|| super::dates::example_month(horizon));
                        w.err(
                            x.span(),
                            &fkey,
                            format!("bad date: {}", b.msg),
                            Some(format!(
                                "write `from = \"{fix}\"` (a month `YYYY-MM`; the step starts \
                                 on its 1st)"
                            )),
                        );
                    }
                }
            }
            "after_months" => match de::<i64>(x) {
                Ok(n) if (0..=100_000).contains(&n) => start = Some(StepStart::InNode(n as u32)),
                _ => {
                    good = false;
                    w.err(
                        x.span(),
                        &fkey,
                        "`after_months` must be a whole number of months >= 0",
                        Some(HELP.into()),
                    );
                }
            },
            "value" => match dist_in(x, &fkey, 0.0, 1.0) {
                Ok(d) => value = Some(d),
                Err(b) => {
                    good = false;
                    w.err(b.span, &b.key, b.msg, b.help);
                }
            },
            "note" => {}
            other => {
                good = false;
                let hint = crate::suggest::did_you_mean(other, STEP_KEYS);
                w.err(
                    k.span(),
                    &fkey,
                    format!("unknown key `{other}` in a schedule step{hint}"),
                    Some(format!("a step takes: {}", STEP_KEYS.join(", "))),
                );
            }
        }
    }
    if good && start.is_none() {
        good = false;
        w.err(
            it.span(),
            skey,
            "this schedule step has no `from` or `after_months`",
            Some(HELP.into()),
        );
    }
    if good && value.is_none() {
        good = false;
        w.err(
            it.span(),
            skey,
            "this schedule step has no `value`",
            Some("add `value = 0.05` (a monthly probability)".into()),
        );
    }
    if !good {
        return None;
    }
    Some(HazardStep {
        start: start?,
        value: value?,
    })
}

/// Checks a hazard exit's `price_link` (`γ_G`, scenarios.md §5); 0 when absent. `None` when
/// it had errors.
pub(crate) fn price_link(
    w: &mut Walker<'_>,
    v: Option<&Val<'_>>,
    kind: Option<&str>,
    key: &str,
) -> Option<f64> {
    let Some(v) = v else {
        return Some(0.0);
    };
    match kind {
        Some("hazard") => {}
        Some(k) => {
            w.err(
                v.span(),
                key,
                format!("`price_link` is not used by a `{k}` exit"),
                Some("only a `hazard` exit takes a `price_link`; remove it".into()),
            );
            return None;
        }
        None => return None,
    }
    match de::<f64>(v) {
        Ok(g) if g.is_finite() && (-20.0..=20.0).contains(&g) => Some(g),
        _ => {
            w.err(
                v.span(),
                key,
                "`price_link` must be a number in [-20, 20] (per log unit of Brent)",
                Some(
                    "write e.g. `price_link = 1.0`: the hazard is multiplied by \
                     exp(-1.0 * (ln Brent_{t-1} - ln 70))"
                        .into(),
                ),
            );
            None
        }
    }
}
