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
    #[error("--prob `{expr}`: `{num}` after `{op}` is not a finite number, e.g. '{var}{op}1.5'")]
    NotANumber {
        expr: String,
        var: String,
        op: &'static str,
        num: String,
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
}

/// Every problem of a list of `--prob` texts, one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct ProbeErrors(pub Vec<ProbeError>);
