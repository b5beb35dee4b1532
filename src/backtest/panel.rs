//! Per-path monthly values of one run: what the backtest targets need, since a target is a
//! statistic of a per-path quantity (a change between months, a ratio between two runs on
//! common random numbers), not of the monthly bands.

use super::BacktestError;
use crate::engine::path::PathSim;
use crate::engine::vars::variables;
use crate::policy::calendar::{iso_month, MonthIdx};
use crate::scenario::Scenario;
use rayon::prelude::*;

/// Every output variable of every path and month of one run.
pub struct Panel {
    pub name: String,
    pub start: MonthIdx,
    pub months: usize,
    pub paths: usize,
    names: Vec<String>,
    /// `[path][month][var]`, flattened.
    data: Vec<f64>,
}

impl Panel {
    /// Runs `paths` paths of `sc` with `seed`. Paths are keyed by index (engine::rng), so
    /// two scenarios run with the same seed see the same draws (common random numbers), and
    /// the collection order is the path order whatever the thread count.
    pub fn simulate(sc: &Scenario, paths: usize, seed: u64) -> Panel {
        let vars = variables(&sc.market);
        let nv = vars.len();
        let months = sc.months;
        let rows: Vec<Vec<f64>> = (0..paths as u64)
            .into_par_iter()
            .map(|p| {
                let mut sim = PathSim::new(sc, seed, p);
                let mut buf = vec![0.0; months * nv];
                for t in 0..months {
                    sim.step_month();
                    sim.write_vars(&vars, &mut buf[t * nv..(t + 1) * nv]);
                }
                buf
            })
            .collect();
        Panel {
            name: sc.name.clone(),
            start: sc.start,
            months,
            paths,
            names: vars.into_iter().map(|v| v.name).collect(),
            data: rows.concat(),
        }
    }

    /// Column of `var`; an unknown name is a bug in the target table, reported as an error.
    /// The run's variable names, in output order.
    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn var(&self, var: &str) -> Result<usize, BacktestError> {
        self.names
            .iter()
            .position(|n| n == var)
            .ok_or_else(|| BacktestError::MissingVariable {
                run: self.name.clone(),
                var: var.to_string(),
            })
    }

    /// Month offset of `month`, or an error if the run does not cover it.
    pub fn offset(&self, month: MonthIdx) -> Result<usize, BacktestError> {
        let k = month - self.start;
        if k < 0 || k as usize >= self.months {
            return Err(BacktestError::MonthOutsideRun {
                run: self.name.clone(),
                month: iso_month(month),
                first: iso_month(self.start),
                last: iso_month(self.start + self.months as i32 - 1),
            });
        }
        Ok(k as usize)
    }

    pub fn get(&self, path: usize, var: usize, t: usize) -> f64 {
        let nv = self.names.len();
        self.data[(path * self.months + t) * nv + var]
    }

    /// Per-path values of `var` in months `from ..= to`, averaged.
    pub fn mean(&self, var: &str, from: MonthIdx, to: MonthIdx) -> Result<Vec<f64>, BacktestError> {
        let v = self.var(var)?;
        let (a, b) = (self.offset(from)?, self.offset(to)?);
        Ok((0..self.paths)
            .map(|p| (a..=b).map(|t| self.get(p, v, t)).sum::<f64>() / (b - a + 1) as f64)
            .collect())
    }

    /// Per-path series of `var` over the whole run.
    pub fn series(&self, var: &str, path: usize) -> Result<Vec<f64>, BacktestError> {
        let v = self.var(var)?;
        Ok((0..self.months).map(|t| self.get(path, v, t)).collect())
    }
}

/// Linear-interpolation quantile (Hyndman–Fan type 7, as the run summaries) of finite values.
pub fn quantile(xs: &[f64], q: f64) -> f64 {
    let mut v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(|a, b| a.total_cmp(b));
    let h = (v.len() - 1) as f64 * q;
    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
}
