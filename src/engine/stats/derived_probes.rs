//! The `--prob` list of a run: each text parsed (a monthly threshold, or a period's total or
//! mean, [`super::period_probe`]), repeats dropped, errors collected (see [`super`]).

use super::compound_probe::{joined, split_sides, Join};
use super::derived::{Op, Probe, ProbeError, ProbeErrors};
use super::period_probe::{is_period_expr, PeriodExpr, PeriodProbe};
use crate::policy::calendar::MonthIdx;

/// `LHS OP NUMBER` of a probe, checked: the operator, the number and their order.
pub(super) struct Condition<'a> {
    /// The text before the operator, trimmed (a variable, or `total(…)`).
    pub lhs: &'a str,
    pub sym: &'static str,
    pub op: Op,
    /// The number as written, trimmed.
    pub num: &'a str,
    pub threshold: f64,
}

/// Splits `expr` (the condition part of `full`, which errors quote) at its operator.
pub(super) fn condition<'a>(full: &str, expr: &'a str) -> Result<Condition<'a>, ProbeError> {
    let ops = [("<=", Op::Le), (">=", Op::Ge), ("<", Op::Lt), (">", Op::Gt)];
    let found = expr.char_indices().find_map(|(i, _)| {
        ops.iter()
            .find(|(s, _)| expr[i..].starts_with(s))
            .map(|&(s, op)| (i, s, op))
    });
    let Some((at, sym, op)) = found else {
        return Err(ProbeError::NoOperator { expr: full.into() });
    };
    // `=<`, `=>`, `==`, `<<`: the operator as written runs past the one found.
    let is_op = |c: char| "<>=!".contains(c);
    let before = expr[..at].len() - expr[..at].trim_end_matches(is_op).len();
    let after =
        expr[at + sym.len()..].len() - expr[at + sym.len()..].trim_start_matches(is_op).len();
    if before + after > 0 {
        let written = &expr[at - before..at + sym.len() + after];
        return Err(ProbeError::BadOperator {
            expr: full.into(),
            written: written.into(),
            fix: match written {
                "=<" => " (write `<=`)",
                "=>" => " (write `>=`)",
                _ => "",
            },
        });
    }
    let var = expr[..at].trim();
    let num = expr[at + sym.len()..].trim();
    if var.is_empty() {
        return Err(ProbeError::NoVariable {
            expr: full.into(),
            op: sym,
        });
    }
    if var.parse::<f64>().is_ok() && num.parse::<f64>().is_err() {
        let flipped = [Op::Gt, Op::Ge, Op::Lt, Op::Le][op as usize];
        return Err(ProbeError::Reversed {
            expr: full.into(),
            var: num.into(),
            op: flipped.as_str(),
            num: var.into(),
        });
    }
    let threshold: f64 = num
        .parse()
        .ok()
        .filter(|x: &f64| x.is_finite())
        .ok_or_else(|| ProbeError::NotANumber {
            expr: full.into(),
            var: var.into(),
            op: sym,
            num: num.into(),
            // `x > 5 AND y < 9`: the join is read only in lower case (hostile round 13 F8).
            hint: if num
                .split_whitespace()
                .any(|w| matches!(w.to_ascii_lowercase().as_str(), "and" | "or"))
            {
                "; join conditions with `and` or `or`, in lower case"
            } else {
                ""
            },
        })?;
    // `1e-400` parses as 0: a threshold the user did not write.
    let mantissa = num.split(['e', 'E']).next().unwrap_or("");
    if threshold == 0.0 && mantissa.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        return Err(ProbeError::Underflow {
            expr: full.into(),
            var: var.into(),
            op: sym,
            num: num.into(),
        });
    }
    Ok(Condition {
        lhs: var,
        sym,
        op,
        num,
        threshold,
    })
}

/// The closest variable names to `var`, or where the names are listed.
pub(super) fn variable_hint<S: AsRef<str>>(var: &str, names: &[S]) -> String {
    match crate::suggest::did_you_mean_variable(var, names) {
        h if h.is_empty() => "see docs/outputs.md or a summary.csv for the variable names".into(),
        h => h
            .trim_start()
            .trim_start_matches('(')
            .trim_end_matches(')')
            .to_string(),
    }
}

impl Probe {
    /// Whether the probe holds in month `t` of a path's `monthly` values (`nv` a month):
    /// `None` when a side's value is not finite (the month is left out of the share, and
    /// breaks a streak, as for one condition).
    pub(super) fn holds_at(&self, monthly: &[f64], nv: usize, t: usize) -> Option<bool> {
        // Every side is read, none short-circuited: a non-finite side leaves the month out
        // whatever the others say, so that `paths` is the same set for `and` and `or`.
        let mut acc = self.join.identity();
        for side in std::iter::once(self).chain(&self.also) {
            let x = monthly[t * nv + side.index];
            if !x.is_finite() {
                return None;
            }
            acc = self.join.combine(acc, side.op.holds(x, side.threshold));
        }
        Some(acc)
    }

    /// Parses `name<1`, `name <= 1.5`, `name>90`, `name >= -2`, each optionally followed by
    /// `for N months` (also `for N`, or the canonical `_for_N_months`); `names` is the
    /// variable list. An unknown name gets the closest variable name as a suggestion.
    /// A compound `A and B` (`A or B`, walkthrough #15) of such thresholds takes `for N
    /// months` once, at the end, for the sides holding together.
    pub fn parse<S: AsRef<str>>(expr: &str, names: &[S]) -> Result<Probe, ProbeError> {
        let sides = split_sides(expr)?;
        let Some(join) = sides.join else {
            return Probe::parse_one(expr, names);
        };
        let last = sides.parts.len() - 1;
        let mut parsed = Vec::with_capacity(sides.parts.len());
        let mut run = 1;
        for (i, part) in sides.parts.iter().enumerate() {
            let side_err = |inner| ProbeError::Side {
                expr: expr.into(),
                inner: Box::new(inner),
            };
            let (cond, n) = split_run(part).map_err(side_err)?;
            if i < last && cond.len() < part.len() {
                let others: Vec<&str> = sides
                    .parts
                    .iter()
                    .map(|p| split_run(p).map_or(*p, |c| c.0))
                    .collect();
                let fix = format!(
                    "{} for {n} months",
                    others.join(&format!(" {} ", join.as_str()))
                );
                return Err(ProbeError::ForNotLast {
                    expr: expr.into(),
                    fix,
                });
            }
            if i == last {
                run = n;
            }
            parsed.push(Probe::parse_threshold(part, cond, names).map_err(side_err)?);
        }
        let text = joined(parsed.iter().map(|p| p.text.clone()), join);
        let mut first = parsed.remove(0);
        first.text = match run {
            1 => text,
            n => format!("{text}_for_{n}_months"),
        };
        first.run = run;
        first.also = parsed;
        first.join = join;
        Ok(first)
    }

    /// One threshold, with its streak.
    fn parse_one<S: AsRef<str>>(expr: &str, names: &[S]) -> Result<Probe, ProbeError> {
        let (cond, run) = split_run(expr)?;
        let mut p = Probe::parse_threshold(expr, cond, names)?;
        if run > 1 {
            p.text = format!("{}_for_{run}_months", p.text);
        }
        p.run = run;
        Ok(p)
    }

    /// The cells of `probabilities.csv`'s `variable`, `op` and `threshold`: those of the
    /// threshold; for a compound, the variable when every side has the same one (else
    /// empty), the join as `op`, and no threshold: no cell shows one side as the whole.
    pub fn columns(&self) -> (&str, &'static str, Option<f64>) {
        if self.also.is_empty() {
            return (&self.var, self.op.as_str(), Some(self.threshold));
        }
        let same = self.also.iter().all(|s| s.var == self.var);
        (if same { &self.var } else { "" }, self.join.as_str(), None)
    }

    /// `VARIABLE OP NUMBER` of `expr` (`cond` is that part of it; errors quote `expr`).
    fn parse_threshold<S: AsRef<str>>(
        full: &str,
        expr: &str,
        names: &[S],
    ) -> Result<Probe, ProbeError> {
        let c = condition(full, expr)?;
        let var = c.lhs;
        let Some(index) = names.iter().position(|n| n.as_ref() == var) else {
            return Err(ProbeError::UnknownVariable {
                expr: full.into(),
                var: var.into(),
                hint: variable_hint(var, names),
            });
        };
        Ok(Probe {
            text: format!("{var}{}{}", c.sym, c.num),
            var: var.to_string(),
            index,
            op: c.op,
            threshold: c.threshold,
            run: 1,
            also: Vec::new(),
            join: Join::And,
        })
    }

    /// The same question: same variable, operator and threshold value, however it was
    /// spelled (`x<80`, `x < 80`, `x<80.0`, `x<8e1`); the same streak. A compound is the same question with the same join and the
    /// same sides in any order (walkthrough 11 #3): `B and A` asks what `A and B` asks, since
    /// the join is commutative and every side is read whatever the others say.
    pub fn same_as(&self, other: &Probe) -> bool {
        let side =
            |a: &Probe, b: &Probe| a.var == b.var && a.op == b.op && a.threshold == b.threshold;
        if self.run != other.run || self.also.len() != other.also.len() {
            return false;
        }
        if self.also.is_empty() {
            return side(self, other);
        }
        let mine: Vec<&Probe> = std::iter::once(self).chain(&self.also).collect();
        let theirs: Vec<&Probe> = std::iter::once(other).chain(&other.also).collect();
        self.join == other.join && same_sides_any_order(&mine, &theirs, side)
    }
}

/// The longest streak a probe may ask for: ten years of months.
pub const MAX_RUN: u32 = 1200;

/// Splits `expr` into its threshold part and its streak: `x<1 for 3 months`, `x<1 for 3`,
/// `x<1_for_3_months` (the canonical text) give (`x<1`, 3); no `for` gives (`expr`, 1).
pub(super) fn split_run(expr: &str) -> Result<(&str, u32), ProbeError> {
    // After the operator only: variable names hold "for" too (`cap_eu_in_force_usd_bbl`).
    let op = expr.find(['<', '>']).unwrap_or(expr.len());
    let Some(at) = expr[op..].find("for").map(|i| op + i) else {
        return Ok((expr, 1));
    };
    let cond = expr[..at].trim_end_matches(|c: char| c == '_' || c.is_whitespace());
    let tail = expr[at + 3..].trim_matches(|c: char| c == '_' || c.is_whitespace());
    let count = tail
        .strip_suffix("months")
        .or_else(|| tail.strip_suffix("month"))
        .unwrap_or(tail)
        .trim_matches(|c: char| c == '_' || c.is_whitespace());
    match count.parse::<u32>() {
        Ok(n) if (1..=MAX_RUN).contains(&n) && !cond.is_empty() => Ok((cond, n)),
        _ => Err(ProbeError::BadRun {
            expr: expr.into(),
            cond: if cond.is_empty() {
                "flow_india_mbd<1".into()
            } else {
                cond.into()
            },
            written: tail.into(),
        }),
    }
}

/// Parses every `--prob` text against `names`, keeping the first error of each. A probe that
/// asks the same question as an earlier one ([`Probe::same_as`]) is dropped: the first
/// spelling is kept ([`duplicate_probes`] names the dropped ones). Monthly thresholds only:
/// a period probe (`total(…)`) needs the run's months, [`parse_probe_set`].
pub fn parse_probes<S: AsRef<str>>(
    texts: &[String],
    names: &[S],
) -> Result<Vec<Probe>, ProbeErrors> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for t in texts {
        match Probe::parse(t, names) {
            Ok(p) if out.iter().any(|q: &Probe| q.same_as(&p)) => {}
            Ok(p) => out.push(p),
            Err(e) => errors.push(e),
        }
    }
    if out.len() > super::period_spec::MAX_PROBES {
        errors.push(ProbeError::TooMany {
            count: out.len(),
            most: super::period_spec::MAX_PROBES,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ProbeErrors(errors))
    }
}

/// The probes of a `--prob` list: monthly thresholds and period totals or means.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProbeSet {
    pub monthly: Vec<Probe>,
    pub period: Vec<PeriodProbe>,
}

/// Parses every `--prob` text for a run of `months` months from `start` over variables
/// `(name, unit)`: `total(…)` and `mean(…)` texts as period probes, the others as monthly
/// thresholds. Repeats are dropped and errors collected, as [`parse_probes`] does.
pub fn parse_probe_set(
    texts: &[String],
    vars: &[(String, String)],
    start: MonthIdx,
    months: usize,
) -> Result<ProbeSet, ProbeErrors> {
    let names: Vec<&str> = vars.iter().map(|(n, _)| n.as_str()).collect();
    let mut set = ProbeSet::default();
    let mut errors = Vec::new();
    for t in texts {
        if is_period_expr(t) {
            match PeriodProbe::parse(t, vars, start, months) {
                Ok(p) if set.period.iter().any(|q| q.same_as(&p)) => {}
                Ok(p) => set.period.push(p),
                Err(e) => errors.push(e),
            }
        } else {
            match Probe::parse(t, &names) {
                Ok(p) if set.monthly.iter().any(|q| q.same_as(&p)) => {}
                Ok(p) => set.monthly.push(p),
                Err(e) => errors.push(e),
            }
        }
    }
    let count = set.monthly.len() + set.period.len();
    if count > super::period_spec::MAX_PROBES {
        errors.push(ProbeError::TooMany {
            count,
            most: super::period_spec::MAX_PROBES,
        });
    }
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(ProbeErrors(errors))
    }
}

/// Whether `a` and `b` hold the same sides in any order, each side of `b` matched once
/// (`A and A and B` is not `A and B and B`).
pub(super) fn same_sides_any_order<T: ?Sized>(
    a: &[&T],
    b: &[&T],
    same: impl Fn(&T, &T) -> bool,
) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut used = vec![false; b.len()];
    a.iter().all(
        |x| match (0..b.len()).find(|&i| !used[i] && same(x, b[i])) {
            Some(i) => {
                used[i] = true;
                true
            }
            None => false,
        },
    )
}

/// The `--prob` texts that [`parse_probe_set`] drops as repeats, each with the earlier text it
/// repeats: `(dropped, kept)`. Texts that do not parse are left out.
pub fn duplicate_probes<S: AsRef<str>>(texts: &[String], names: &[S]) -> Vec<(String, String)> {
    let mut kept: Vec<(Probe, &str)> = Vec::new();
    let mut kept_periods: Vec<(Vec<PeriodExpr>, &str)> = Vec::new();
    let mut dropped = Vec::new();
    // A period text repeats an earlier one when their sides match in any order and, for a
    // compound, their joins match too (`A and B` is not `A or B`; walkthrough 11 #3).
    let same_sides = |a: &[PeriodExpr], b: &[PeriodExpr]| {
        let (a, b): (Vec<&PeriodExpr>, Vec<&PeriodExpr>) = (a.iter().collect(), b.iter().collect());
        same_sides_any_order(&a, &b, |x, y| x.same_as(y))
    };
    let join_of = |t: &str| split_sides(t).ok().and_then(|s| s.join);
    for t in texts {
        if is_period_expr(t) {
            let Ok(p) = PeriodExpr::parse_sides(t) else {
                continue;
            };
            let same = |(q, first): &&(Vec<PeriodExpr>, &str)| {
                same_sides(q, &p) && join_of(first) == join_of(t)
            };
            match kept_periods.iter().find(same) {
                Some((_, first)) => dropped.push((t.clone(), first.to_string())),
                None => kept_periods.push((p, t)),
            }
            continue;
        }
        let Ok(p) = Probe::parse(t, names) else {
            continue;
        };
        match kept.iter().find(|(q, _)| q.same_as(&p)) {
            Some((_, first)) => dropped.push((t.clone(), first.to_string())),
            None => kept.push((p, t)),
        }
    }
    dropped
}
