//! The `--prob` list of a run: repeats dropped, errors collected (see [`super`]).

use super::{Probe, ProbeError, ProbeErrors};

impl Probe {
    /// The same question: same variable, operator and threshold value, however it was
    /// spelled (`x<80`, `x < 80`, `x<80.0`, `x<8e1`).
    pub fn same_as(&self, other: &Probe) -> bool {
        self.var == other.var
            && self.op == other.op
            && self.threshold == other.threshold
            && self.run == other.run
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
/// spelling is kept ([`duplicate_probes`] names the dropped ones).
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
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(ProbeErrors(errors))
    }
}

/// The `--prob` texts that [`parse_probes`] drops as repeats, each with the earlier text it
/// repeats: `(dropped, kept)`. Texts that do not parse are left out.
pub fn duplicate_probes<S: AsRef<str>>(texts: &[String], names: &[S]) -> Vec<(String, String)> {
    let mut kept: Vec<(Probe, &str)> = Vec::new();
    let mut dropped = Vec::new();
    for t in texts {
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
