//! Fan charts of a comparison's paired difference `scenario − baseline` (issue 14): what the
//! overlay of two level bands hides. Two wide level bands can overlap almost entirely while
//! every single path is lower in the scenario; the band of the per-path difference shows it.

use super::fan::{fan_png, fan_svg, FanSpec};
use super::{ChartFile, KEY_VARIABLES};
use crate::engine::stats::{CellStats, Summary};
use crate::policy::calendar::{iso_month, MonthIdx};

/// One compared scenario's differences: its name, the compared variables' `(name, unit)` in
/// the order of the summary's columns, and the summary of the per-path differences.
#[derive(Debug, Clone, Copy)]
pub struct DiffBands<'a> {
    pub scenario: &'a str,
    pub vars: &'a [(String, String)],
    pub summary: &'a Summary,
}

fn column(s: &Summary, v: usize, f: fn(&CellStats) -> f64) -> Vec<f64> {
    (0..s.months).map(|t| f(s.cell(t, v))).collect()
}

/// `diff_<scenario>_<variable>.svg` and `.png` for every key variable of every compared
/// scenario.
pub fn diff_charts(
    baseline: &str,
    start: MonthIdx,
    diffs: &[DiffBands],
    paths: u64,
    seed: u64,
) -> Vec<ChartFile> {
    let mut out = Vec::new();
    for d in diffs {
        for key in &KEY_VARIABLES {
            let Some(v) = d.vars.iter().position(|(n, _)| n == key.name) else {
                continue;
            };
            let end = start + d.summary.months.max(1) as MonthIdx - 1;
            let spec = FanSpec {
                title: format!("{}: {} minus {}", key.label, d.scenario, baseline),
                subtitle: format!(
                    "paired difference on the same {paths} paths, seed {seed} · {} to {} · \
                     median, 25–75% and 5–95% bands of the per-path difference",
                    iso_month(start),
                    iso_month(end)
                ),
                note: format!(
                    "sanctions-sim · {} in compare.csv · below 0: lower in {} than in {}",
                    key.name, d.scenario, baseline
                ),
                unit: d.vars[v].1.clone(),
                start,
                p05: column(d.summary, v, |c| c.p05),
                p25: column(d.summary, v, |c| c.p25),
                p50: column(d.summary, v, |c| c.p50),
                p75: column(d.summary, v, |c| c.p75),
                p95: column(d.summary, v, |c| c.p95),
            };
            let stem = format!("diff_{}_{}", d.scenario, key.name);
            out.push(ChartFile {
                name: format!("{stem}.svg"),
                bytes: fan_svg(&spec).into_bytes(),
            });
            out.push(ChartFile {
                name: format!("{stem}.png"),
                bytes: fan_png(&spec),
            });
        }
    }
    out
}
