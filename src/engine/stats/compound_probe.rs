//! Compound `--prob` conditions (walkthrough #15): `A and B`, `A or B`, each side a condition
//! of one kind, both monthly (`arrivals_india_mbd < 1.2 and urals_discount_usd_bbl > 20`) or
//! both about a period (`total(…, 2026) < 80 and mean(brent_usd_bbl, 2026) > 70`). The text is
//! cut at its joins here, before each side is parsed as a probe of its kind
//! ([`super::derived::Probe`], [`super::period_probe::PeriodProbe`]); the path's indicator is
//! then the sides' indicators combined, so the share is still an exact count of paths.
//!
//! A join is the word `and` or `or` after a side's operator: variable names hold those letters
//! (`cap_eu_in_force_usd_bbl`, `india_carrot_earned_usd_bn`) only before it. The canonical
//! text joins the sides with `_and_` (`_or_`), which cuts the same way, so that a shard's
//! probe list reads back at the merge.

use super::derived::ProbeError;
use super::period_probe::{is_period_expr, PeriodExpr};

/// How the sides of a compound condition combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Join {
    And,
    Or,
}

impl Join {
    pub fn as_str(self) -> &'static str {
        match self {
            Join::And => "and",
            Join::Or => "or",
        }
    }

    /// The verdict before any side: what `combine` leaves unchanged.
    pub fn identity(self) -> bool {
        self == Join::And
    }

    /// Two verdicts combined.
    pub fn combine(self, a: bool, b: bool) -> bool {
        match self {
            Join::And => a && b,
            Join::Or => a || b,
        }
    }
}

/// A `--prob` text cut at its joins: one part and no join for a plain condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sides<'a> {
    /// The sides as written, trimmed, in order.
    pub parts: Vec<&'a str>,
    pub join: Option<Join>,
}

const JOINS: [(&str, Join); 2] = [("and", Join::And), ("or", Join::Or)];

fn is_gap(c: char) -> bool {
    c == '_' || c.is_whitespace()
}

/// The join word that starts at byte `i` of `s` as a word of its own: after a gap (space or
/// `_`) and followed by a gap or the end.
fn join_at(s: &str, i: usize) -> Option<(&'static str, Join)> {
    let before = s[..i].chars().next_back();
    if !before.is_some_and(is_gap) {
        return None;
    }
    JOINS
        .into_iter()
        .find(|(w, _)| s[i..].starts_with(w) && s[i + w.len()..].chars().next().is_none_or(is_gap))
}

/// A join word at the very start of `s` (after gaps): a side with nothing before its join.
fn leading_join(s: &str) -> Option<&'static str> {
    let t = s.trim_start_matches(is_gap);
    JOINS
        .into_iter()
        .find(|(w, _)| t.starts_with(w) && t[w.len()..].chars().next().is_none_or(is_gap))
        .map(|(w, _)| w)
}

/// Cuts `expr` at its joins. Refuses `&&`/`||` (with the word to write), a join with nothing
/// before or after it, `and` and `or` mixed in one text, and sides of different kinds.
pub fn split_sides(expr: &str) -> Result<Sides<'_>, ProbeError> {
    for (sym, word) in [("&&", "and"), ("||", "or"), ("&", "and"), ("|", "or")] {
        if expr.contains(sym) {
            return Err(ProbeError::SymbolJoin {
                expr: expr.into(),
                written: sym,
                word,
            });
        }
    }
    if let Some(w) = leading_join(expr) {
        return Err(ProbeError::NothingBefore {
            expr: expr.into(),
            join: w,
        });
    }
    let mut parts = Vec::new();
    let mut join: Option<Join> = None;
    let mut start = 0;
    loop {
        let seg = &expr[start..];
        let op = seg.find(['<', '>']).unwrap_or(seg.len());
        let found = seg
            .char_indices()
            .skip_while(|&(i, _)| i <= op)
            .find_map(|(i, _)| join_at(seg, i).map(|(w, j)| (i, w, j)));
        let Some((i, w, j)) = found else {
            parts.push(seg.trim());
            break;
        };
        if join.is_some_and(|k| k != j) {
            return Err(ProbeError::MixedJoin { expr: expr.into() });
        }
        join = Some(j);
        let side = seg[..i].trim_end_matches(is_gap).trim();
        parts.push(side);
        let rest = &seg[i + w.len()..];
        if rest.trim_matches(is_gap).is_empty() {
            return Err(ProbeError::NothingAfter {
                expr: expr.into(),
                join: w,
                side: side.into(),
            });
        }
        if let Some(w2) = leading_join(rest) {
            return Err(ProbeError::NothingBefore {
                expr: expr.into(),
                join: w2,
            });
        }
        start += i + w.len() + (rest.len() - rest.trim_start_matches(is_gap).len());
    }
    if let Some(j) = join {
        check_kinds(expr, &parts, j)?;
    }
    Ok(Sides { parts, join })
}

/// Every side of one kind; otherwise the error names a monthly side and a period side, and
/// what to write instead.
fn check_kinds(expr: &str, parts: &[&str], join: Join) -> Result<(), ProbeError> {
    let period = parts.iter().find(|p| is_period_expr(p));
    let monthly = parts.iter().find(|p| !is_period_expr(p));
    let (Some(period), Some(monthly)) = (period, monthly) else {
        return Ok(());
    };
    // The monthly side asked of the period side's period, as a day-weighted mean.
    let as_mean = PeriodExpr::parse(period)
        .ok()
        .and_then(|p| {
            let (lhs, rest) = monthly.split_once(['<', '>'])?;
            let eq = usize::from(rest.starts_with('='));
            let op = &monthly[lhs.len()..lhs.len() + 1 + eq];
            let rest = &rest[eq..];
            let rest = rest.split(" for").next().unwrap_or(rest);
            let rest = rest.split("_for_").next().unwrap_or(rest).trim();
            Some(format!(
                "'mean({}, {}) {op} {rest} {} {period}'",
                lhs.trim(),
                p.period,
                join.as_str()
            ))
        })
        .unwrap_or_else(|| "'total(VARIABLE, PERIOD) < X and mean(VARIABLE, PERIOD) > Y'".into());
    Err(ProbeError::MixedKinds {
        expr: expr.into(),
        monthly: (*monthly).into(),
        period: (*period).into(),
        join: join.as_str(),
        instead: as_mean,
    })
}

/// The canonical text of a compound: the sides' canonical texts joined by `_and_` (`_or_`).
pub fn joined(texts: impl Iterator<Item = String>, join: Join) -> String {
    texts
        .collect::<Vec<_>>()
        .join(&format!("_{}_", join.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(s: &str) -> (Vec<&str>, Option<Join>) {
        let s = split_sides(s).unwrap();
        (s.parts, s.join)
    }

    #[test]
    fn cuts_at_joins_after_the_operator_only() {
        assert_eq!(parts("brent_usd_bbl>90"), (vec!["brent_usd_bbl>90"], None));
        assert_eq!(
            parts("arrivals_india_mbd < 1.2 and urals_discount_usd_bbl > 20"),
            (
                vec!["arrivals_india_mbd < 1.2", "urals_discount_usd_bbl > 20"],
                Some(Join::And)
            )
        );
        // Canonical text, a streak on the last side, and names holding `and`/`or`/`for`.
        assert_eq!(
            parts("cap_eu_in_force_usd_bbl<1_or_india_carrot_earned_usd_bn>2_for_3_months"),
            (
                vec![
                    "cap_eu_in_force_usd_bbl<1",
                    "india_carrot_earned_usd_bn>2_for_3_months"
                ],
                Some(Join::Or)
            )
        );
        assert_eq!(
            parts("x<1 for 2 months and y>2 and z<=3").0,
            vec!["x<1 for 2 months", "y>2", "z<=3"]
        );
        assert_eq!(
            parts("total(a, 2026) < 80 and mean(b, 2025-11..2026-10) > 70").0,
            vec!["total(a, 2026) < 80", "mean(b, 2025-11..2026-10) > 70"]
        );
    }

    #[test]
    fn malformed_joins_are_named_with_the_fix() {
        let msg = |s: &str| split_sides(s).unwrap_err().to_string();
        let m = msg("x<1 and");
        assert!(
            m.contains("nothing after `and`") && m.contains("'x<1 and "),
            "{m}"
        );
        let m = msg("and x<1");
        assert!(m.contains("nothing before `and`"), "{m}");
        let m = msg("x<1 and and y>2");
        assert!(m.contains("nothing before `and`"), "{m}");
        let m = msg("x<1 && y>2");
        assert!(m.contains("write `and`"), "{m}");
        let m = msg("x<1 and y>2 or z<3");
        assert!(m.contains("both `and` and `or`"), "{m}");
        let m = msg("arrivals_india_mbd < 1.2 and total(r, 2026) < 80");
        assert!(
            m.contains("monthly")
                && m.contains("'mean(arrivals_india_mbd, 2026) < 1.2 and total(r, 2026) < 80'"),
            "{m}"
        );
    }
}
