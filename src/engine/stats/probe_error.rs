//! Why a `--prob` text is not a probe: the errors of `derived::Probe::parse`, apart from the
//! parsing itself.

/// Why a `--prob` text is not a probe.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProbeError {
    #[error(
        "--prob `{expr}`: expected VARIABLE OP NUMBER with OP one of <, <=, >, >=, \
         e.g. 'flow_india_mbd<1' or 'brent_usd_bbl>90'"
    )]
    NoOperator { expr: String },
    #[error("--prob `{expr}`: `{written}` is not an operator{fix}; OP is one of <, <=, >, >=")]
    BadOperator {
        expr: String,
        written: String,
        fix: &'static str,
    },
    #[error("--prob `{expr}`: no variable before `{op}`, e.g. 'brent_usd_bbl{op}90'")]
    NoVariable { expr: String, op: &'static str },
    /// `hint`: empty, or why the number ran on (a join written in capitals).
    #[error(
        "--prob `{expr}`: `{num}` after `{op}` is not a finite number, e.g. '{var}{op}1.5'{hint}"
    )]
    NotANumber {
        expr: String,
        var: String,
        op: &'static str,
        num: String,
        hint: &'static str,
    },
    /// `1<flow_india_mbd`: the number came first; `var`, `op`, `num` are the probe turned round.
    #[error("--prob `{expr}`: the variable comes first, then the number: write '{var}{op}{num}'")]
    Reversed {
        expr: String,
        var: String,
        op: &'static str,
        num: String,
    },
    #[error(
        "--prob `{expr}`: `{num}` is too small to hold as a number (it would be read as 0); \
         write the threshold in the variable's unit, e.g. '{var}{op}0.001'"
    )]
    Underflow {
        expr: String,
        var: String,
        op: &'static str,
        num: String,
    },
    /// `x<1 for three`: the streak after `for` is not a whole number of months.
    #[error(
        "--prob `{expr}`: `for {written}` must be a whole number of months from 1 to 1200, \
         e.g. '{cond} for 3 months' (past the threshold 3 months in a row)"
    )]
    BadRun {
        expr: String,
        cond: String,
        written: String,
    },
    #[error("--prob `{expr}`: no output variable `{var}`; {hint}")]
    UnknownVariable {
        expr: String,
        var: String,
        hint: String,
    },
    /// `sum(x, 2026) < 1`: a period statistic other than `total` and `mean`.
    #[error(
        "--prob `{expr}`: `{name}(…)` is not a period statistic; write total(VARIABLE, PERIOD) \
         or mean(VARIABLE, PERIOD){fix}, e.g. 'total(russia_export_revenue_usd_bn, 2026) < 80'"
    )]
    UnknownStatistic {
        expr: String,
        name: String,
        fix: &'static str,
    },
    /// `total(x) < 1`, `total x, 2026) < 1`: not `STAT(VARIABLE, PERIOD)`.
    #[error(
        "--prob `{expr}`: expected total(VARIABLE, PERIOD) OP NUMBER or mean(VARIABLE, PERIOD) \
         OP NUMBER, PERIOD a year (2026), `horizon` or a window FROM..TO (2025-11..2026-10), \
         e.g. 'mean(brent_usd_bbl, 2025-11..2026-10) > 70'"
    )]
    PeriodShape { expr: String },
    /// `total(brent_usd_bbl, 2026)`: a price has no total.
    #[error(
        "--prob `{expr}`: `{var}` is in {unit}, which is not totalled (totals are of flows in \
         mb/d and of money in USD bn/month); write 'mean({var}, {period}) …' for its \
         day-weighted average"
    )]
    NoTotal {
        expr: String,
        var: String,
        unit: String,
        period: String,
    },
    /// `total(x, 2026) < 1 for 3 months`: a streak of a value that is one number per path.
    #[error(
        "--prob `{expr}`: `for N months` asks for months in a row of a monthly value; a \
         period's total or mean is one number per path: drop `for …`"
    )]
    PeriodStreak { expr: String },
    /// More different questions than a run takes.
    #[error(
        "--prob: {count} different probabilities asked, at most {most} (what a shard's \
         partial result can hold, so that `merge` takes it): run the others separately"
    )]
    TooMany { count: usize, most: usize },
    /// The period of a period probe is not one of the run.
    #[error("--prob `{expr}`: {reason}")]
    BadPeriod { expr: String, reason: String },
    /// `x<1 && y>2`: a symbol where a compound takes a word (walkthrough #15).
    #[error(
        "--prob `{expr}`: write `{word}` for `{written}`, e.g. \
         'arrivals_india_mbd < 1.2 {word} urals_discount_usd_bbl > 20'"
    )]
    SymbolJoin {
        expr: String,
        written: &'static str,
        word: &'static str,
    },
    /// `and x<1`, `x<1 and and y>2`: a join with no condition before it.
    #[error(
        "--prob `{expr}`: nothing before `{join}`; write a condition on each side, \
         'A {join} B', e.g. 'arrivals_india_mbd < 1.2 {join} urals_discount_usd_bbl > 20'"
    )]
    NothingBefore { expr: String, join: &'static str },
    /// `x<1 and`: a join with no condition after it.
    #[error(
        "--prob `{expr}`: nothing after `{join}`; write the second condition, e.g. \
         '{side} {join} brent_usd_bbl > 90', or drop `{join}`"
    )]
    NothingAfter {
        expr: String,
        join: &'static str,
        side: String,
    },
    /// `x<1 and y>2 or z<3`: which binds first would be a guess.
    #[error(
        "--prob `{expr}`: both `and` and `or` in one condition; use one of them (all sides \
         `and`, or all sides `or`), and give the other question as a --prob of its own"
    )]
    MixedJoin { expr: String },
    /// `x<1 and total(y, 2026) < 80`: a month's value and a period's are not one question.
    #[error(
        "--prob `{expr}`: `{monthly}` is a monthly condition and `{period}` a period \
         one (total or mean); the sides of `{join}` must be of one kind: ask both of the \
         period, e.g. {instead}, or both of the month, or give them as two --prob"
    )]
    MixedKinds {
        expr: String,
        monthly: String,
        period: String,
        join: &'static str,
        instead: String,
    },
    /// `x<1 for 3 months and y>2`: a streak is of the whole compound.
    #[error(
        "--prob `{expr}`: `for N months` applies to the whole condition (all sides together, \
         N months in a row); write it once, at the end: '{fix}'"
    )]
    ForNotLast { expr: String, fix: String },
    /// One side of a compound is not a condition: its own error, then the whole text.
    #[error("{inner} (a side of --prob `{expr}`)")]
    Side {
        expr: String,
        inner: Box<ProbeError>,
    },
}

/// Every problem of a list of `--prob` texts, one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct ProbeErrors(pub Vec<ProbeError>);
