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
}

/// Every problem of a list of `--prob` texts, one per line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
pub struct ProbeErrors(pub Vec<ProbeError>);
