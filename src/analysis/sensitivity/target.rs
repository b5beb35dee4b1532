//! The target of a sensitivity analysis (one output variable, in one month or summed over the
//! horizon), the options of a run, and the target's value on one path. Shared by the sample
//! ([`super`]) and the swing ([`super::swing`]), so neither imports the other.

use super::SensError;
use crate::engine::vars::{variables, Var};
use crate::policy::calendar::iso_month;
use crate::scenario::Scenario;

/// What the target is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Horizon {
    /// The value in month `t` (0-based from the start).
    Month(usize),
    /// The sum over every simulated month.
    Cumulative,
    /// The sum over the simulated months of one calendar year: months `first..first + months`
    /// (0-based from the start), the year's months the run covers (D146).
    Year {
        year: i32,
        first: usize,
        months: usize,
    },
}

#[derive(Debug, Clone)]
pub struct SensOptions {
    pub paths: u64,
    /// Where `paths` came from, for messages: `--paths N` (false) or the file's `paths` (true).
    pub paths_from_file: bool,
    pub months: usize,
    pub seed: u64,
    /// Worker threads; 0 means all cores.
    pub threads: usize,
    /// Output variable name (`engine::vars`).
    pub target: String,
    pub horizon: Horizon,
    /// Also fit each month's value separately.
    pub by_month: bool,
    /// Paths per swing run (paths 0.. of the same seed).
    pub swing_paths: u64,
    /// Swing the first this many overridable inputs of the ranking.
    pub swing_top: usize,
}

impl SensOptions {
    /// `--paths N` or `the file's paths = N`, as the user set it.
    pub fn paths_text(&self) -> String {
        if self.paths_from_file {
            format!("the file's paths = {}", self.paths)
        } else {
            format!("--paths {}", self.paths)
        }
    }

    /// The scenario's paths, months and seed; cumulative target; 1,000 swing paths at most;
    /// swing of the top 15.
    pub fn new(sc: &Scenario, target: &str) -> SensOptions {
        SensOptions {
            paths: sc.paths,
            paths_from_file: true,
            months: sc.months,
            seed: sc.seed,
            threads: 0,
            target: target.to_string(),
            horizon: Horizon::Cumulative,
            by_month: false,
            swing_paths: sc.paths.min(1000),
            swing_top: 15,
        }
    }
}

/// The target variable by name, or an error with a did-you-mean hint.
pub fn find_target(sc: &Scenario, name: &str) -> Result<(usize, Var), SensError> {
    let vars = variables(&sc.market);
    match vars.iter().position(|v| v.name == name) {
        Some(i) => Ok((i, vars[i].clone())),
        None => {
            let names: Vec<&str> = vars.iter().map(|v| v.name.as_str()).collect();
            Err(SensError::UnknownTarget {
                target: name.to_string(),
                scenario: sc.name.clone(),
                hint: crate::suggest::did_you_mean_variable(name, &names),
            })
        }
    }
}

/// Unit and label of the target.
pub fn target_label(var: &Var, h: Horizon, start: i32, months: usize) -> (String, String) {
    match h {
        Horizon::Month(t) => (
            var.unit.clone(),
            format!("{} in {}", var.name, iso_month(start + t as i32)),
        ),
        Horizon::Cumulative => summed(var, start, months),
        Horizon::Year {
            year,
            first,
            months,
        } => {
            let (unit, label) = summed(var, start + first as i32, months);
            (unit, format!("{label} ({year})"))
        }
    }
}

/// Unit and label of the sum of `var` over `months` months from month index `from`.
fn summed(var: &Var, from: i32, months: usize) -> (String, String) {
    let span = format!(
        "{}..{}",
        iso_month(from),
        iso_month(from + months as i32 - 1)
    );
    let unit = match var.unit.strip_suffix("/month") {
        Some(u) => u.trim().to_string(),
        None => format!("{} summed over {months} months", var.unit),
    };
    (unit, format!("{}, sum {span}", var.name))
}

/// The target of one path from its monthly values.
pub fn target_value(monthly: &[f64], h: Horizon) -> f64 {
    match h {
        Horizon::Month(t) => monthly.get(t).copied().unwrap_or(f64::NAN),
        Horizon::Cumulative => monthly.iter().sum(),
        Horizon::Year { first, months, .. } => monthly
            .get(first..first + months)
            .map_or(f64::NAN, |m| m.iter().sum()),
    }
}

/// The mean of `monthly` over the target's window: the month itself, the whole horizon or
/// the year's months (a path summary on the target's own footing, for the shock inputs).
pub fn window_mean(monthly: &[f64], h: Horizon) -> f64 {
    let n = match h {
        Horizon::Month(_) => 1,
        Horizon::Cumulative => monthly.len(),
        Horizon::Year { months, .. } => months,
    };
    target_value(monthly, h) / n.max(1) as f64
}
