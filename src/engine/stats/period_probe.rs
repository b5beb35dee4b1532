//! Probabilities on a period's total or average (walkthrough 10 #15): `--prob
//! 'total(russia_export_revenue_usd_bn, 2026) < 80'` or `--prob 'mean(brent_usd_bbl,
//! 2025-11..2026-10) > 70'`. Each path's total (or day-weighted mean) over the period is
//! computed in the pass, exactly as `totals.csv` (`averages.csv`) computes it, and compared
//! with the threshold; the share of paths is the mean of that 0/1 indicator, a moment-only
//! cell after the monthly indicators ([`super::derived::Layout::tail`]).

use super::compound_probe::{joined, split_sides, Join};
use super::derived::ProbeError;
use super::derived::{Op, Period};
use super::derived_probes::{condition, split_run, variable_hint};
use super::period_spec::probe_period;
use crate::policy::calendar::MonthIdx;

/// What a period probe takes of each path's monthly values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodStat {
    /// The total of `totals.csv`: mb/d over the days into mb, USD bn/month summed into USD bn.
    Total,
    /// The day-weighted mean of `averages.csv`: Σ value × days / Σ days.
    Mean,
}

impl PeriodStat {
    pub fn as_str(self) -> &'static str {
        match self {
            PeriodStat::Total => "total",
            PeriodStat::Mean => "mean",
        }
    }
}

/// Whether a `--prob` text asks about a period (`total(…)`, `mean(…)`, or another name
/// followed by `(`, which [`PeriodExpr::parse`] refuses by name) rather than a month.
pub fn is_period_expr(expr: &str) -> bool {
    let head = expr.split(['<', '>', '=']).next().unwrap_or("");
    head.contains('(')
}

/// A period probe as written, checked for its shape but not yet against a run.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodExpr {
    pub stat: PeriodStat,
    pub var: String,
    /// The period as written, without spaces.
    pub period: String,
    pub op: Op,
    sym: &'static str,
    num: String,
    pub threshold: f64,
}

impl PeriodExpr {
    /// Parses `STAT(VARIABLE, PERIOD) OP NUMBER`, STAT `total` or `mean`.
    pub fn parse(expr: &str) -> Result<PeriodExpr, ProbeError> {
        let (cond, run) = split_run(expr)?;
        if run > 1 || cond.len() < expr.len() {
            return Err(ProbeError::PeriodStreak { expr: expr.into() });
        }
        let c = condition(expr, cond)?;
        let shape = || ProbeError::PeriodShape { expr: expr.into() };
        let (name, rest) = c.lhs.split_once('(').ok_or_else(shape)?;
        let inner = rest.trim_end().strip_suffix(')').ok_or_else(shape)?;
        let (var, period) = inner.split_once(',').ok_or_else(shape)?;
        let (var, period) = (var.trim(), period.replace(char::is_whitespace, ""));
        if var.is_empty() || period.is_empty() || var.contains(['(', ')', ',']) {
            return Err(shape());
        }
        let stat = match name.trim() {
            "total" => PeriodStat::Total,
            "mean" => PeriodStat::Mean,
            other => {
                return Err(ProbeError::UnknownStatistic {
                    expr: expr.into(),
                    name: other.into(),
                    fix: match other.to_ascii_lowercase().as_str() {
                        "sum" | "cumulative" | "cum" | "total" => " (a sum is `total`)",
                        "avg" | "average" | "mean" => " (an average is `mean`, day-weighted)",
                        _ => "",
                    },
                })
            }
        };
        Ok(PeriodExpr {
            stat,
            var: var.to_string(),
            period,
            op: c.op,
            sym: c.sym,
            num: c.num.to_string(),
            threshold: c.threshold,
        })
    }

    /// The sides of a `--prob` text as written, one for a plain condition.
    pub fn parse_sides(expr: &str) -> Result<Vec<PeriodExpr>, ProbeError> {
        let sides = split_sides(expr)?;
        sides.parts.iter().map(|p| PeriodExpr::parse(p)).collect()
    }

    /// The same question as written (same statistic, variable, period text, operator and
    /// value), before the period is resolved: for the warning about repeats.
    pub fn same_as(&self, o: &PeriodExpr) -> bool {
        (self.stat, &self.var, &self.period, self.op) == (o.stat, &o.var, &o.period, o.op)
            && self.threshold == o.threshold
    }
}

/// One period probe of a run: the share of paths whose period total (or mean) of a variable
/// is past a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodProbe {
    /// Canonical text, `total(russia_export_revenue_usd_bn,2026)<80` (no spaces; the period
    /// as its row of `totals.csv` labels it).
    pub text: String,
    pub stat: PeriodStat,
    pub var: String,
    /// Index of `var` in the variable list.
    pub index: usize,
    /// The unit of the total or mean, and so of the threshold: `mb`, `USD bn`, or the
    /// variable's own unit for a mean.
    pub unit: String,
    /// Whether the total weighs each month by its days (flows in mb/d).
    pub per_day: bool,
    pub period: Period,
    pub op: Op,
    pub threshold: f64,
    /// The other sides of a compound `A and B` (`A or B`, walkthrough #15); the fields above
    /// are then its first side, and `text` the whole. Empty for one condition.
    pub also: Vec<PeriodProbe>,
    pub join: Join,
}

impl PeriodProbe {
    /// Parses `expr` for a run of `months` months from `start` over variables `(name, unit)`:
    /// one condition, or a compound of them (each side's error names the side).
    pub fn parse(
        expr: &str,
        vars: &[(String, String)],
        start: MonthIdx,
        months: usize,
    ) -> Result<PeriodProbe, ProbeError> {
        let sides = split_sides(expr)?;
        let Some(join) = sides.join else {
            return PeriodProbe::parse_one(expr, vars, start, months);
        };
        let mut parsed = Vec::with_capacity(sides.parts.len());
        for part in &sides.parts {
            let p = PeriodProbe::parse_one(part, vars, start, months).map_err(|inner| {
                ProbeError::Side {
                    expr: expr.into(),
                    inner: Box::new(inner),
                }
            })?;
            parsed.push(p);
        }
        let text = joined(parsed.iter().map(|p| p.text.clone()), join);
        let mut first = parsed.remove(0);
        (first.text, first.also, first.join) = (text, parsed, join);
        Ok(first)
    }

    /// The sides of the probe: itself, then [`PeriodProbe::also`].
    pub fn sides(&self) -> impl Iterator<Item = &PeriodProbe> {
        std::iter::once(self).chain(&self.also)
    }

    /// One `STAT(VARIABLE, PERIOD) OP NUMBER`.
    fn parse_one(
        expr: &str,
        vars: &[(String, String)],
        start: MonthIdx,
        months: usize,
    ) -> Result<PeriodProbe, ProbeError> {
        let e = PeriodExpr::parse(expr)?;
        let Some(index) = vars.iter().position(|(n, _)| *n == e.var) else {
            let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
            return Err(ProbeError::UnknownVariable {
                expr: expr.into(),
                hint: variable_hint(&e.var, &names),
                var: e.var,
            });
        };
        // The period before the unit: the unit's error suggests `mean(VAR, PERIOD)`, which
        // must not carry a period that is wrong in turn (hostile round 12 F4).
        let period =
            probe_period(&e.period, start, months).map_err(|reason| ProbeError::BadPeriod {
                expr: expr.into(),
                reason,
            })?;
        let var_unit = vars[index].1.as_str();
        let (unit, per_day) = match (e.stat, var_unit) {
            (PeriodStat::Total, "mb/d") => ("mb", true),
            (PeriodStat::Total, "USD bn/month") => ("USD bn", false),
            (PeriodStat::Total, other) => {
                return Err(ProbeError::NoTotal {
                    expr: expr.into(),
                    var: e.var,
                    unit: other.into(),
                    period: e.period,
                })
            }
            (PeriodStat::Mean, own) => (own, true),
        };
        Ok(PeriodProbe {
            text: format!(
                "{}({},{}){}{}",
                e.stat.as_str(),
                e.var,
                period.label,
                e.sym,
                e.num
            ),
            stat: e.stat,
            var: e.var,
            index,
            unit: unit.into(),
            per_day,
            period,
            op: e.op,
            threshold: e.threshold,
            also: Vec::new(),
            join: Join::And,
        })
    }

    /// The same question: same statistic, variable, months, operator and threshold value; for
    /// a compound, the same sides in any order and the same join (walkthrough 11 #3).
    pub fn same_as(&self, o: &PeriodProbe) -> bool {
        let side = |a: &PeriodProbe, b: &PeriodProbe| {
            (a.stat, a.index, a.op) == (b.stat, b.index, b.op)
                && (a.period.first, a.period.months) == (b.period.first, b.period.months)
                && a.threshold == b.threshold
        };
        if self.also.len() != o.also.len() {
            return false;
        }
        if self.also.is_empty() {
            return side(self, o);
        }
        let mine: Vec<&PeriodProbe> = self.sides().collect();
        let theirs: Vec<&PeriodProbe> = o.sides().collect();
        self.join == o.join && super::derived_probes::same_sides_any_order(&mine, &theirs, side)
    }

    /// The path's indicator from `value`, each side's period total or mean: the sides'
    /// verdicts joined, NaN when any side's value is not finite (as for one side).
    pub fn indicator_with(&self, value: impl Fn(&PeriodProbe) -> f64) -> f64 {
        let mut acc = self.join.identity();
        for side in self.sides() {
            let x = value(side);
            if !x.is_finite() {
                return f64::NAN;
            }
            acc = self.join.combine(acc, side.op.holds(x, side.threshold));
        }
        f64::from(u8::from(acc))
    }

    /// Whether a path's period value `x` is past the threshold: 1 or 0, NaN when `x` is not
    /// finite (left out of the share, as a band leaves it out).
    pub fn indicator(&self, x: f64) -> f64 {
        if x.is_finite() {
            f64::from(u8::from(self.op.holds(x, self.threshold)))
        } else {
            f64::NAN
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vec<(String, String)> {
        [
            ("brent_usd_bbl", "USD/bbl"),
            ("flow_india_mbd", "mb/d"),
            ("russia_export_revenue_usd_bn", "USD bn/month"),
            ("cap_binding_share", "share"),
        ]
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .to_vec()
    }

    const START: MonthIdx = 2025 * 12 + 7; // 2025-08

    fn parse(s: &str) -> Result<PeriodProbe, ProbeError> {
        PeriodProbe::parse(s, &vars(), START, 36)
    }

    #[test]
    fn totals_and_means_of_years_windows_and_the_horizon() {
        let p = parse("total(russia_export_revenue_usd_bn, 2026) < 80").unwrap();
        assert_eq!(p.text, "total(russia_export_revenue_usd_bn,2026)<80");
        assert_eq!((p.unit.as_str(), p.per_day, p.index), ("USD bn", false, 2));
        assert_eq!((p.period.first, p.period.months), (5, 12));
        let p = parse("mean( brent_usd_bbl , 2025-11 .. 2026-10 )>70").unwrap();
        assert_eq!(p.text, "mean(brent_usd_bbl,2025-11..2026-10)>70");
        assert_eq!((p.unit.as_str(), p.period.first), ("USD/bbl", 3));
        let p = parse("total(flow_india_mbd,horizon)>=500").unwrap();
        assert_eq!(
            (p.unit.as_str(), p.per_day, p.period.months),
            ("mb", true, 36)
        );
        assert_eq!(p.op, Op::Ge);
        let p = parse("mean(cap_binding_share, 2027) > 0.5").unwrap();
        assert_eq!(p.unit, "share");
        assert!(parse("total(flow_india_mbd, 2026) < 1")
            .unwrap()
            .same_as(&parse("total(flow_india_mbd,2026-01..2026-12)<1.0").unwrap()));
        assert_eq!(p.indicator(0.6), 1.0);
        assert_eq!(p.indicator(0.5), 0.0);
        assert!(p.indicator(f64::NAN).is_nan());
    }

    #[test]
    fn errors_name_the_text_and_the_fix() {
        let msg = |s: &str| parse(s).unwrap_err().to_string();
        let m = msg("total(brent_usd_bbl, 2026) > 80");
        assert!(
            m.contains("USD/bbl") && m.contains("'mean(brent_usd_bbl, 2026) …'"),
            "{m}"
        );
        let m = msg("sum(flow_india_mbd, 2026) > 80");
        assert!(
            m.contains("`sum(…)` is not a period statistic") && m.contains("`total`"),
            "{m}"
        );
        let m = msg("average(brent_usd_bbl, 2026) > 80");
        assert!(m.contains("an average is `mean`"), "{m}");
        let m = msg("total(flow_india_mbd) > 80");
        assert!(
            m.contains("expected total(VARIABLE, PERIOD) OP NUMBER"),
            "{m}"
        );
        let m = msg("total(flow_indai_mbd, 2026) > 80");
        assert!(m.contains("no output variable `flow_indai_mbd`"), "{m}");
        assert!(m.contains("flow_india_mbd"), "{m}");
        let m = msg("total(flow_india_mbd, 2031) > 80");
        assert!(m.contains("has no month of 2031"), "{m}");
        let m = msg("total(flow_india_mbd, 2026-10..2025-11) > 80");
        assert!(m.contains("FROM 2026-10 is after TO 2025-11"), "{m}");
        let m = msg("total(flow_india_mbd, 2026) > 80 for 3 months");
        assert!(m.contains("drop `for …`"), "{m}");
        let m = msg("total(flow_india_mbd, 2026) > lots");
        assert!(m.contains("`lots` after `>` is not a finite number"), "{m}");
        let m = msg("80 < total(flow_india_mbd, 2026)");
        assert!(m.contains("write 'total(flow_india_mbd, 2026)>80'"), "{m}");
    }

    #[test]
    fn only_texts_with_a_parenthesis_before_the_operator_are_period_probes() {
        assert!(is_period_expr("total(x, 2026) < 1"));
        assert!(is_period_expr("sum(x,2026)<1"));
        assert!(!is_period_expr("flow_india_mbd<1 for 3 months"));
        assert!(!is_period_expr("brent_usd_bbl>90"));
    }
}
