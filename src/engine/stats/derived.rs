//! Cells derived from each path's whole monthly matrix, accumulated in the same single pass
//! as the monthly bands (issue 14): per-path **totals** (calendar-year and whole-horizon sums
//! of every flow and money variable, then the same over each `--period FROM..TO` window,
//! walkthrough 10 #13), per-path **averages** (day-weighted means of every USD/bbl price or
//! discount over the same periods, walkthrough 8 #4) and **threshold indicators** (`--prob
//! EXPR`: per month, or one per path for a period's total or mean, walkthrough 10 #15).
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

pub use super::compound_probe::Join;
use super::period_spec::HORIZON;
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

    pub(super) fn holds(self, x: f64, thr: f64) -> bool {
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
    /// least this long; of a compound, the streak of months where the sides held together.
    pub run: u32,
    /// The other sides of a compound `A and B` (`A or B`, walkthrough #15), each a plain
    /// threshold; the fields above are then its first side, and `text` the whole. Empty for
    /// one condition.
    pub also: Vec<Probe>,
    pub join: Join,
}

/// A calendar year of the horizon (possibly partial), the whole horizon, or a window of
/// `--period FROM..TO` ([`super::period_spec`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// `2026`, `horizon`, or `2025-11..2026-10`.
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
    /// `--prob 'total(VAR, PERIOD) < X'`: one moment-only cell each, after the monthly
    /// indicators.
    pub period_probes: Vec<PeriodProbe>,
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
            label: HORIZON.into(),
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
            period_probes: Vec::new(),
            days: (0..months)
                .map(|t| days_in_month(start + t as MonthIdx) as f64)
                .collect(),
            year_opens: (0..months)
                .map(|t| t == 0 || year_month(start + t as MonthIdx).1 == 1)
                .collect(),
        }
    }

    /// This layout with the windows of `--period` as periods after `horizon` (each adds a row
    /// per totalled and averaged variable; walkthrough 10 #13).
    pub fn with_periods(mut self, windows: Vec<Period>) -> Layout {
        self.periods.extend(windows);
        self
    }

    /// This layout with the period probes of `--prob` (walkthrough 10 #15).
    pub fn with_period_probes(mut self, probes: Vec<PeriodProbe>) -> Layout {
        self.period_probes = probes;
        self
    }

    /// The layout of [`Layout::new`] with the windows and probes of a parsed `--period` and
    /// `--prob` list.
    pub fn of(
        start: MonthIdx,
        months: usize,
        vars: &[(String, String)],
        probes: ProbeSet,
        windows: Vec<Period>,
    ) -> Layout {
        Layout::new(start, months, vars, probes.monthly)
            .with_periods(windows)
            .with_period_probes(probes.period)
    }

    /// The windows of `--period`: the periods after `horizon`.
    pub fn windows(&self) -> impl Iterator<Item = &Period> {
        self.periods
            .iter()
            .skip_while(|p| p.label != HORIZON)
            .skip(1)
    }

    /// Kept cells (totals, then averages) per path.
    pub fn extra(&self) -> usize {
        self.periods.len() * (self.totals.len() + self.averages.len())
    }

    /// Moment-only cells (indicators) per path: three per probe and month, then one per
    /// period probe.
    pub fn tail(&self) -> usize {
        self.monthly_tail() + self.period_probes.len()
    }

    /// The indicator cells of the monthly probes.
    fn monthly_tail(&self) -> usize {
        INDICATORS * self.probes.len() * self.months
    }

    /// A path's total of variable `index` over `period`: Σ value × days for a flow
    /// (`per_day`), Σ value for money; not finite when a month is not.
    fn period_total(&self, monthly: &[f64], index: usize, per_day: bool, period: &Period) -> f64 {
        let mut s = 0.0;
        for t in period.first..period.first + period.months {
            let x = monthly[t * self.nv + index];
            s += if per_day { x * self.days[t] } else { x };
        }
        s
    }

    /// A path's day-weighted average of variable `index` over `period`.
    fn period_average(&self, monthly: &[f64], index: usize, period: &Period) -> f64 {
        let range = period.first..period.first + period.months;
        let days: f64 = self.days[range.clone()].iter().sum();
        let s: f64 = range
            .map(|t| monthly[t * self.nv + index] * self.days[t])
            .sum();
        s / days
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
                derived[p * nt + j] = self.period_total(monthly, tv.index, tv.per_day, period);
            }
        }
        let (na, at) = (self.averages.len(), self.periods.len() * nt);
        for (p, period) in self.periods.iter().enumerate() {
            for (j, av) in self.averages.iter().enumerate() {
                derived[at + p * na + j] = self.period_average(monthly, av.index, period);
            }
        }
        let (ind, period_ind) = derived[self.extra()..].split_at_mut(self.monthly_tail());
        // The same arithmetic as the totals and averages above, so that a probe's value is
        // the very number whose band totals.csv (averages.csv) shows.
        for (cell, pp) in period_ind.iter_mut().zip(&self.period_probes) {
            *cell = pp.indicator_with(|s| match s.stat {
                PeriodStat::Total => self.period_total(monthly, s.index, s.per_day, &s.period),
                PeriodStat::Mean => self.period_average(monthly, s.index, &s.period),
            });
        }
        for (k, probe) in self.probes.iter().enumerate() {
            let (mut ever, mut year) = (false, false);
            // Months in a row past the threshold, up to this one; a non-finite month breaks it.
            let mut streak = 0u32;
            for t in 0..self.months {
                let cell = INDICATORS * (k * self.months + t);
                year &= !self.year_opens[t];
                if let Some(holds) = probe.holds_at(monthly, self.nv, t) {
                    streak = if holds { streak.saturating_add(1) } else { 0 };
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
        let (ind, period_ind) = ind.split_at(self.monthly_tail());
        let period_probs = period_ind.iter().map(Share::of).collect();
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
            period_probes: self.period_probes.clone(),
            period_probs,
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
    pub fn of(c: &CellStats) -> Share {
        Share::of_ones((c.mean * c.n as f64).round(), c.n)
    }

    /// `k` paths of `n`: the share of an outcome of `--by-outcome` (`outcome_totals.csv`),
    /// with the same binomial standard error as a `--prob` share.
    pub fn of_count(k: u64, n: u64) -> Share {
        Share::of_ones(k as f64, n)
    }

    /// `ones` of `n` and its binomial standard error; NaN for no paths.
    fn of_ones(ones: f64, n: u64) -> Share {
        if n == 0 {
            return Share {
                n: 0,
                p: f64::NAN,
                se: f64::NAN,
            };
        }
        let nf = n as f64;
        let p = ones / nf;
        Share {
            n,
            p,
            se: (p * (1.0 - p) / nf).sqrt(),
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
    /// `--prob 'total(VAR, PERIOD) < X'` (walkthrough 10 #15), and the share of paths past
    /// each one's threshold, same order.
    pub period_probes: Vec<PeriodProbe>,
    pub period_probs: Vec<Share>,
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

pub use super::derived_probes::{
    duplicate_probes, parse_probe_set, parse_probes, ProbeSet, MAX_RUN,
};
pub use super::period_probe::{PeriodProbe, PeriodStat};

#[cfg(test)]
#[path = "derived_tests.rs"]
mod tests;
