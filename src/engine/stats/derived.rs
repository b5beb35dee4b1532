//! Cells derived from each path's whole monthly matrix, accumulated in the same single pass
//! as the monthly bands (issue 14): per-path **totals** (calendar-year and whole-horizon sums
//! of every flow and money variable), per-path **averages** (calendar-year and horizon
//! day-weighted means of every USD/bbl price or discount, walkthrough 8 #4) and **threshold
//! indicators** (`--prob EXPR`).
//!
//! A path's derived values are appended after its `months × vars` monthly values and pushed
//! into the same [`MonthlyStats`]: totals and averages as *kept* cells (their bands are bands of totals,
//! with quantiles exact or sketched like every monthly cell), indicators as *moment-only*
//! cells (the mean of a 0/1 indicator is the share of paths; no values are kept, so memory
//! does not grow with paths). Because they ride in the same accumulator they inherit its
//! guarantees unchanged: the ordered chunk/group reduction (identical bits for any
//! `--threads`), the partial format and merge of `--shard` (identical bytes), and the
//! per-outcome accumulators of `--by-outcome`.
//!
//! Per probe and month three indicators are written: *now* (the value is past the threshold
//! this month), *ever* (it has been past at some month so far: first passage) and *this year*
//! (past at some month so far of the same calendar year, from January or the run's first
//! month: "at any point in 2026" is its December value). A month whose value is not finite
//! gives a non-finite *now* (left out of that month's share, as bands leave it out) and an
//! *ever* (a *this year*) of 1 if the path was past before (this year), otherwise non-finite.

pub use super::probe_error::{ProbeError, ProbeErrors};
use super::{CellStats, MonthlyStats, Summary, SummaryMode};
use crate::policy::calendar::{days_in_month, year_month, MonthIdx};

/// The unit of the variables averaged per period (`averages.csv`): prices and discounts.
pub const AVERAGED_UNIT: &str = "USD/bbl";

/// Indicator cells per probe and month: now, ever, this year.
pub const INDICATORS: usize = 3;

/// A comparison of `--prob`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
        }
    }

    fn holds(self, x: f64, thr: f64) -> bool {
        match self {
            Op::Lt => x < thr,
            Op::Le => x <= thr,
            Op::Gt => x > thr,
            Op::Ge => x >= thr,
        }
    }
}

/// One `--prob EXPR`: `variable OP number`.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    /// Canonical text, `flow_india_mbd<1` (no spaces), as written in probabilities.csv.
    pub text: String,
    pub var: String,
    /// Index of `var` in the variable list it was parsed against.
    pub index: usize,
    pub op: Op,
    pub threshold: f64,
    /// Consecutive months the value must stay past the threshold (`… for 3 months`); 1 for a
    /// plain threshold. The *now* indicator holds when the streak ending this month is at
    /// least this long.
    pub run: u32,
}

impl Probe {
    /// Parses `name<1`, `name <= 1.5`, `name>90`, `name >= -2`, each optionally followed by
    /// `for N months` (also `for N`, or the canonical `_for_N_months`); `names` is the
    /// variable list. An unknown name gets the closest variable name as a suggestion.
    pub fn parse<S: AsRef<str>>(expr: &str, names: &[S]) -> Result<Probe, ProbeError> {
        let (cond, run) = probes::split_run(expr)?;
        let mut p = Probe::parse_threshold(expr, cond, names)?;
        if run > 1 {
            p.text = format!("{}_for_{run}_months", p.text);
        }
        p.run = run;
        Ok(p)
    }

    /// `VARIABLE OP NUMBER` of `expr` (`cond` is that part of it; errors quote `expr`).
    fn parse_threshold<S: AsRef<str>>(
        full: &str,
        expr: &str,
        names: &[S],
    ) -> Result<Probe, ProbeError> {
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
        let Some(index) = names.iter().position(|n| n.as_ref() == var) else {
            let hint = match crate::suggest::did_you_mean_variable(var, names) {
                h if h.is_empty() => {
                    "see docs/outputs.md or a summary.csv for the variable names".into()
                }
                h => h
                    .trim_start()
                    .trim_start_matches('(')
                    .trim_end_matches(')')
                    .to_string(),
            };
            return Err(ProbeError::UnknownVariable {
                expr: full.into(),
                var: var.into(),
                hint,
            });
        };
        Ok(Probe {
            text: format!("{var}{sym}{num}"),
            var: var.to_string(),
            index,
            op,
            threshold,
            run: 1,
        })
    }
}

/// A calendar year of the horizon (possibly partial), or the whole horizon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `2026`, or `horizon`.
    pub label: String,
    /// First month (0-based from the run's start) and number of months.
    pub first: usize,
    pub months: usize,
}

/// A variable that is totalled: flows (mb/d, totalled over the days of each month into mb)
/// and money (USD bn/month, summed into USD bn); or, in [`Layout::averages`], averaged: a
/// USD/bbl price or discount, day-weighted over the period (Σ value × days / Σ days).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TotalVar {
    pub name: String,
    /// The total's unit: `mb` or `USD bn`.
    pub unit: String,
    /// Index in the variable list.
    pub index: usize,
    per_day: bool,
}

/// Which derived cells a run appends to every path, and where.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub months: usize,
    /// Variables per month (the width of the monthly matrix).
    pub nv: usize,
    pub periods: Vec<Period>,
    pub totals: Vec<TotalVar>,
    /// Averaged variables (USD/bbl), kept after every period's totals.
    pub averages: Vec<TotalVar>,
    pub probes: Vec<Probe>,
    days: Vec<f64>,
    /// Month `t` opens a calendar year of the run (January, or the first month).
    year_opens: Vec<bool>,
}

impl Layout {
    /// The layout of a run of `months` months from `start` over variables `(name, unit)`,
    /// with `probes` already parsed against the same list.
    pub fn new(
        start: MonthIdx,
        months: usize,
        vars: &[(String, String)],
        probes: Vec<Probe>,
    ) -> Layout {
        let mut periods: Vec<Period> = Vec::new();
        for t in 0..months {
            let (y, _) = year_month(start + t as MonthIdx);
            match periods.last_mut() {
                Some(p) if p.label == y.to_string() => p.months += 1,
                _ => periods.push(Period {
                    label: y.to_string(),
                    first: t,
                    months: 1,
                }),
            }
        }
        periods.push(Period {
            label: "horizon".into(),
            first: 0,
            months,
        });
        let totals = vars
            .iter()
            .enumerate()
            .filter_map(|(index, (name, unit))| {
                let (unit, per_day) = match unit.as_str() {
                    "mb/d" => ("mb", true),
                    "USD bn/month" => ("USD bn", false),
                    _ => return None,
                };
                Some(TotalVar {
                    name: name.clone(),
                    unit: unit.into(),
                    index,
                    per_day,
                })
            })
            .collect();
        let averages = vars
            .iter()
            .enumerate()
            .filter(|(_, (_, unit))| unit == AVERAGED_UNIT)
            .map(|(index, (name, unit))| TotalVar {
                name: name.clone(),
                unit: unit.clone(),
                index,
                per_day: true,
            })
            .collect();
        Layout {
            months,
            nv: vars.len(),
            periods,
            totals,
            averages,
            probes,
            days: (0..months)
                .map(|t| days_in_month(start + t as MonthIdx) as f64)
                .collect(),
            year_opens: (0..months)
                .map(|t| t == 0 || year_month(start + t as MonthIdx).1 == 1)
                .collect(),
        }
    }

    /// Kept cells (totals, then averages) per path.
    pub fn extra(&self) -> usize {
        self.periods.len() * (self.totals.len() + self.averages.len())
    }

    /// Moment-only cells (indicators) per path: three per probe and month.
    pub fn tail(&self) -> usize {
        INDICATORS * self.probes.len() * self.months
    }

    /// Values per path: the monthly matrix and the derived cells.
    pub fn stride(&self) -> usize {
        self.months * self.nv + self.extra() + self.tail()
    }

    /// An empty accumulator for paths of this layout.
    pub fn stats(&self, mode: SummaryMode) -> MonthlyStats {
        MonthlyStats::with_cells(self.months, self.nv, self.extra(), self.tail(), mode)
    }

    /// Fills `path[months*nv..]` from `path[..months*nv]`.
    pub fn fill(&self, path: &mut [f64]) {
        let (monthly, derived) = path.split_at_mut(self.months * self.nv);
        let nt = self.totals.len();
        for (p, period) in self.periods.iter().enumerate() {
            for (j, tv) in self.totals.iter().enumerate() {
                let mut s = 0.0;
                for t in period.first..period.first + period.months {
                    let x = monthly[t * self.nv + tv.index];
                    s += if tv.per_day { x * self.days[t] } else { x };
                }
                derived[p * nt + j] = s;
            }
        }
        let (na, at) = (self.averages.len(), self.periods.len() * nt);
        for (p, period) in self.periods.iter().enumerate() {
            let range = period.first..period.first + period.months;
            let days: f64 = self.days[range.clone()].iter().sum();
            for (j, av) in self.averages.iter().enumerate() {
                let s: f64 = range
                    .clone()
                    .map(|t| monthly[t * self.nv + av.index] * self.days[t])
                    .sum();
                derived[at + p * na + j] = s / days;
            }
        }
        let ind = &mut derived[self.extra()..];
        for (k, probe) in self.probes.iter().enumerate() {
            let (mut ever, mut year) = (false, false);
            // Months in a row past the threshold, up to this one; a non-finite month breaks it.
            let mut streak = 0u32;
            for t in 0..self.months {
                let x = monthly[t * self.nv + probe.index];
                let cell = INDICATORS * (k * self.months + t);
                year &= !self.year_opens[t];
                if x.is_finite() {
                    streak = if probe.op.holds(x, probe.threshold) {
                        streak.saturating_add(1)
                    } else {
                        0
                    };
                    let now = streak >= probe.run;
                    ever |= now;
                    year |= now;
                    ind[cell] = f64::from(u8::from(now));
                    ind[cell + 1] = f64::from(u8::from(ever));
                    ind[cell + 2] = f64::from(u8::from(year));
                } else {
                    streak = 0;
                    ind[cell] = f64::NAN;
                    ind[cell + 1] = if ever { 1.0 } else { f64::NAN };
                    ind[cell + 2] = if year { 1.0 } else { f64::NAN };
                }
            }
        }
    }

    /// Takes the derived cells out of a finished summary (which keeps its monthly cells).
    pub fn split(&self, summary: &mut Summary) -> Derived {
        let monthly = summary.months * summary.vars;
        assert_eq!(
            summary.cells.len(),
            monthly + self.extra() + self.tail(),
            "summary does not have this layout's cells"
        );
        let mut rest = summary.cells.split_off(monthly);
        let ind = rest.split_off(self.extra());
        let mut d = self.split_tail(ind);
        d.average_cells = rest.split_off(self.periods.len() * self.totals.len());
        d.total_cells = rest;
        d
    }

    /// The probabilities of this layout's indicator cells alone (an accumulator of the
    /// `tail` cells only, as `compare` keeps per scenario); no totals or averages.
    pub fn split_tail(&self, ind: Vec<CellStats>) -> Derived {
        assert_eq!(ind.len(), self.tail(), "indicator cells of this layout");
        let probs = ind
            .chunks_exact(INDICATORS)
            .map(|c| (Share::of(&c[0]), Share::of(&c[1]), Share::of(&c[2])))
            .collect();
        Derived {
            periods: self.periods.clone(),
            totals: self.totals.clone(),
            total_cells: Vec::new(),
            averages: self.averages.clone(),
            average_cells: Vec::new(),
            probes: self.probes.clone(),
            months: self.months,
            probs,
        }
    }
}

/// A share of paths with its Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// Paths with a finite indicator.
    pub n: u64,
    /// Of those, the share where the indicator is 1; NaN when `n = 0`.
    pub p: f64,
    /// Binomial standard error `√(p(1−p)/n)`; NaN when `n = 0`.
    pub se: f64,
}

impl Share {
    /// From the moments of a 0/1 cell: the count of ones is `mean · n`, which Welford's and
    /// Chan's updates keep within a few ulps of an integer, so it is rounded back exactly.
    fn of(c: &CellStats) -> Share {
        if c.n == 0 {
            return Share {
                n: 0,
                p: f64::NAN,
                se: f64::NAN,
            };
        }
        let n = c.n as f64;
        let p = (c.mean * n).round() / n;
        Share {
            n: c.n,
            p,
            se: (p * (1.0 - p) / n).sqrt(),
        }
    }
}

/// The derived results of one accumulator.
#[derive(Debug, Clone, PartialEq)]
pub struct Derived {
    pub periods: Vec<Period>,
    pub totals: Vec<TotalVar>,
    /// `[period * totals + j]`.
    pub total_cells: Vec<CellStats>,
    pub averages: Vec<TotalVar>,
    /// `[period * averages + j]`.
    pub average_cells: Vec<CellStats>,
    pub probes: Vec<Probe>,
    pub months: usize,
    /// `[probe * months + t]`: (this month, at any month so far, at any month so far of this
    /// calendar year).
    pub probs: Vec<(Share, Share, Share)>,
}

impl Derived {
    pub fn total(&self, period: usize, j: usize) -> &CellStats {
        &self.total_cells[period * self.totals.len() + j]
    }

    pub fn average(&self, period: usize, j: usize) -> &CellStats {
        &self.average_cells[period * self.averages.len() + j]
    }

    pub fn prob(&self, probe: usize, t: usize) -> &(Share, Share, Share) {
        &self.probs[probe * self.months + t]
    }

    /// Index of the total of variable `name` in [`Derived::totals`].
    pub fn total_index(&self, name: &str) -> Option<usize> {
        self.totals.iter().position(|t| t.name == name)
    }
}

#[path = "derived_probes.rs"]
mod probes;
pub use probes::{duplicate_probes, parse_probes};

#[cfg(test)]
#[path = "derived_tests.rs"]
mod tests;
