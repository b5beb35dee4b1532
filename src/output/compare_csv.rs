//! `compare.csv` (long) and `compare_wide.csv` (one row a month) of a scenario comparison,
//! `compare_totals.csv` (paired differences of calendar-year and horizon totals) and
//! `compare_averages.csv` (of calendar-year and horizon averages of prices).
//!
//! Pure: data in, bytes out, in the same CSV dialect and number format as `summary.csv`
//! ([`fmt_num`]: four decimals, no `-0.0000`, an empty cell when not finite).

use super::csv::{fmt_num, monthly_table, VarMeta};
use super::csv::{into_bytes, writer};
use crate::engine::stats::Summary;
use crate::policy::calendar::{iso_first, MonthIdx};

/// Header of `compare.csv`. Columns after `prob_greater` were appended (issue 14): the
/// difference's inner quantiles, the baseline's mean level and the % change of the mean;
/// then `mc_se_mean_diff` (D217), so that readers of the earlier columns are unaffected.
pub const COMPARE_HEADER: [&str; 17] = [
    "date",
    "variable",
    "unit",
    "baseline",
    "scenario",
    "mean_diff",
    "p05_diff",
    "p50_diff",
    "p95_diff",
    "prob_greater",
    "p10_diff",
    "p25_diff",
    "p75_diff",
    "p90_diff",
    "baseline_mean",
    "pct_change",
    "mc_se_mean_diff",
];

/// `100 · mean_diff / |baseline_mean|`: the change of the mean level in per cent of the
/// baseline's (its magnitude, so that a rise reads positive even for a negative level);
/// empty when the baseline's mean is 0 or missing.
pub fn pct_change(mean_diff: f64, base_mean: f64) -> f64 {
    if base_mean == 0.0 || !base_mean.is_finite() {
        f64::NAN
    } else {
        100.0 * mean_diff / base_mean.abs()
    }
}

/// Statistics of the per-path difference `scenario − baseline` for one compared scenario.
#[derive(Debug, Clone, Copy)]
pub struct DiffSeries<'a> {
    /// Scenario name.
    pub scenario: &'a str,
    /// The compared variables, in the order of the summary's columns.
    pub vars: &'a [VarMeta],
    /// Cells `[t * vars + v]` of the differences.
    pub summary: &'a Summary,
    /// Share of paths where the scenario is greater, same cell layout as `summary`.
    pub prob_greater: &'a [f64],
    /// The baseline's mean level, same cell layout as `summary`.
    pub base_mean: &'a [f64],
}

fn check_shape(d: &DiffSeries) {
    assert_eq!(d.vars.len(), d.summary.vars, "{}: variables", d.scenario);
    assert_eq!(
        d.prob_greater.len(),
        d.summary.cells.len(),
        "{}: prob_greater cells",
        d.scenario
    );
}

fn months(series: &[DiffSeries]) -> usize {
    let m = series.first().map_or(0, |d| d.summary.months);
    for d in series {
        check_shape(d);
        assert_eq!(d.summary.months, m, "{}: months differ", d.scenario);
    }
    m
}

/// Long CSV: one row per month × compared scenario × variable (months outer, then scenarios
/// in the order given, then variables in the baseline's order).
pub fn compare_csv(baseline: &str, start: MonthIdx, series: &[DiffSeries]) -> Vec<u8> {
    let months = months(series);
    let mut w = writer();
    w.write_record(COMPARE_HEADER).expect("in-memory write");
    for t in 0..months {
        let date = iso_first(start + t as MonthIdx);
        for d in series {
            let nv = d.vars.len();
            for (v, meta) in d.vars.iter().enumerate() {
                let c = d.summary.cell(t, v);
                let bm = d.base_mean[t * nv + v];
                let nums = [
                    c.mean,
                    c.p05,
                    c.p50,
                    c.p95,
                    d.prob_greater[t * nv + v],
                    c.p10,
                    c.p25,
                    c.p75,
                    c.p90,
                    bm,
                    pct_change(c.mean, bm),
                    // sd / √n of the paired differences, n counting the paths where both
                    // values are finite (the summary skips the others): empty below 2.
                    c.mc_se_mean,
                ]
                .map(fmt_num);
                let row = [date.as_str(), &meta.name, &meta.unit, baseline, d.scenario]
                    .into_iter()
                    .chain(nums.iter().map(String::as_str));
                w.write_record(row).expect("in-memory write");
            }
        }
    }
    into_bytes(w)
}

/// Header of `compare_wide.csv`: `date`, then `<scenario>__<variable>_mean_diff`,
/// `_p05_diff`, `_p95_diff` for every compared scenario and variable, then (appended, issue
/// 14) `<scenario>__<variable>_p50_diff` for every compared scenario and variable.
pub fn compare_wide_header(series: &[DiffSeries]) -> Vec<String> {
    let mut h = vec!["date".to_string()];
    for d in series {
        for m in d.vars {
            for s in ["mean_diff", "p05_diff", "p95_diff"] {
                h.push(format!("{}__{}_{s}", d.scenario, m.name));
            }
        }
    }
    for d in series {
        for m in d.vars {
            h.push(format!("{}__{}_p50_diff", d.scenario, m.name));
        }
    }
    h
}

/// One row per month: the date, then mean, p05 and p95 of the difference for every compared
/// scenario and variable, in header order.
pub fn compare_wide_csv(start: MonthIdx, series: &[DiffSeries]) -> Vec<u8> {
    let months = months(series);
    monthly_table(compare_wide_header(series), start, months, |t, row| {
        for d in series {
            for v in 0..d.vars.len() {
                let c = d.summary.cell(t, v);
                row.extend([c.mean, c.p05, c.p95].map(fmt_num));
            }
        }
        for d in series {
            for v in 0..d.vars.len() {
                row.push(fmt_num(d.summary.cell(t, v).p50));
            }
        }
    })
}

/// Header of `compare_totals.csv`; `mc_se_mean_diff` appended last (D217).
pub const COMPARE_TOTALS_HEADER: [&str; 20] = [
    "period",
    "first_month",
    "last_month",
    "months",
    "variable",
    "unit",
    "baseline",
    "scenario",
    "mean_diff",
    "sd_diff",
    "p05_diff",
    "p10_diff",
    "p25_diff",
    "p50_diff",
    "p75_diff",
    "p90_diff",
    "p95_diff",
    "baseline_mean",
    "pct_change",
    "mc_se_mean_diff",
];

/// One compared scenario's paired differences of totals.
#[derive(Debug, Clone, Copy)]
pub struct TotalsDiff<'a> {
    pub scenario: &'a str,
    pub totals: &'a crate::engine::stats::derived::Derived,
    /// The baseline's mean total, `[period * totals + j]`.
    pub base_mean: &'a [f64],
    /// The baseline's mean period average, `[period * averages + j]`.
    pub base_average_mean: &'a [f64],
}

/// One row per period × compared scenario × totalled variable (periods outer).
pub fn compare_totals_csv(baseline: &str, start: MonthIdx, series: &[TotalsDiff]) -> Vec<u8> {
    paired_periods_csv(baseline, start, series, false)
}

/// `compare_averages.csv` (walkthrough 8 #4): as [`compare_totals_csv`], of the period
/// averages of USD/bbl variables; same columns.
pub fn compare_averages_csv(baseline: &str, start: MonthIdx, series: &[TotalsDiff]) -> Vec<u8> {
    paired_periods_csv(baseline, start, series, true)
}

fn paired_periods_csv(
    baseline: &str,
    start: MonthIdx,
    series: &[TotalsDiff],
    averages: bool,
) -> Vec<u8> {
    let mut w = writer();
    w.write_record(COMPARE_TOTALS_HEADER)
        .expect("in-memory write");
    let periods = series.first().map_or(0, |d| d.totals.periods.len());
    for p in 0..periods {
        for d in series {
            let per = &d.totals.periods[p];
            let (first, last) = super::answers_csv::period_dates(d.totals, start, p);
            let (vars, base) = if averages {
                (&d.totals.averages, d.base_average_mean)
            } else {
                (&d.totals.totals, d.base_mean)
            };
            let nt = vars.len();
            for (j, tv) in vars.iter().enumerate() {
                let c = if averages {
                    d.totals.average(p, j)
                } else {
                    d.totals.total(p, j)
                };
                let bm = base[p * nt + j];
                let nums = [
                    c.mean,
                    c.sd,
                    c.p05,
                    c.p10,
                    c.p25,
                    c.p50,
                    c.p75,
                    c.p90,
                    c.p95,
                    bm,
                    pct_change(c.mean, bm),
                    c.mc_se_mean,
                ]
                .map(fmt_num);
                let months = per.months.to_string();
                let row = [
                    per.label.as_str(),
                    &first,
                    &last,
                    &months,
                    &tv.name,
                    &tv.unit,
                    baseline,
                    d.scenario,
                ]
                .into_iter()
                .chain(nums.iter().map(String::as_str));
                w.write_record(row).expect("in-memory write");
            }
        }
    }
    into_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stats::{CellStats, SummaryMode};

    fn cell(x: f64) -> CellStats {
        CellStats {
            n: 4,
            nonfinite: 0,
            mean: x,
            sd: 1.0,
            p05: x - 1.0,
            p10: f64::NAN,
            p25: f64::NAN,
            p50: x + 0.5,
            p75: f64::NAN,
            p90: f64::NAN,
            p95: x + 1.0,
            // sd / √n with n = 4.
            mc_se_mean: 0.5,
            mc_se_p50: f64::NAN,
        }
    }

    #[test]
    fn exact_text() {
        let vars = vec![
            VarMeta {
                name: "brent_usd_bbl".into(),
                unit: "USD/bbl".into(),
            },
            VarMeta {
                name: "russia_export_revenue_usd_bn".into(),
                unit: "USD bn/month".into(),
            },
        ];
        let mut c = cell(-0.00001);
        c.p95 = f64::NAN;
        // One finite paired value: no standard error, an empty cell (never NaN).
        c.mc_se_mean = f64::NAN;
        let s = Summary {
            months: 2,
            vars: 2,
            cells: vec![cell(1.0), cell(-2.5), cell(0.0), c],
            mode: SummaryMode::Exact,
        };
        let pg = [0.25, 1.0, 0.0, f64::NAN];
        let bm = [80.0, -5.0, 0.0, f64::NAN];
        let series = [DiffSeries {
            scenario: "b",
            vars: &vars,
            summary: &s,
            prob_greater: &pg,
            base_mean: &bm,
        }];
        let start = 2025 * 12 + 7; // 2025-08
        let out = String::from_utf8(compare_csv("a", start, &series)).unwrap();
        assert_eq!(
            out,
            "date,variable,unit,baseline,scenario,mean_diff,p05_diff,p50_diff,p95_diff,prob_greater,\
             p10_diff,p25_diff,p75_diff,p90_diff,baseline_mean,pct_change,mc_se_mean_diff\n\
             2025-08-01,brent_usd_bbl,USD/bbl,a,b,1.0000,0.0000,1.5000,2.0000,0.2500,,,,,80.0000,1.2500,0.5000\n\
             2025-08-01,russia_export_revenue_usd_bn,USD bn/month,a,b,-2.5000,-3.5000,-2.0000,-1.5000,1.0000,,,,,-5.0000,-50.0000,0.5000\n\
             2025-09-01,brent_usd_bbl,USD/bbl,a,b,0.0000,-1.0000,0.5000,1.0000,0.0000,,,,,0.0000,,0.5000\n\
             2025-09-01,russia_export_revenue_usd_bn,USD bn/month,a,b,0.0000,-1.0000,0.5000,,,,,,,,,\n"
        );
        let wide = String::from_utf8(compare_wide_csv(start, &series)).unwrap();
        let lines: Vec<&str> = wide.lines().collect();
        assert_eq!(
            lines[0],
            "date,b__brent_usd_bbl_mean_diff,b__brent_usd_bbl_p05_diff,b__brent_usd_bbl_p95_diff,\
             b__russia_export_revenue_usd_bn_mean_diff,b__russia_export_revenue_usd_bn_p05_diff,\
             b__russia_export_revenue_usd_bn_p95_diff,b__brent_usd_bbl_p50_diff,\
             b__russia_export_revenue_usd_bn_p50_diff"
        );
        assert_eq!(
            lines[1],
            "2025-08-01,1.0000,0.0000,2.0000,-2.5000,-3.5000,-1.5000,1.5000,-2.0000"
        );
        assert_eq!(
            lines[2],
            "2025-09-01,0.0000,-1.0000,1.0000,0.0000,-1.0000,,0.5000,0.5000"
        );
        assert_eq!(lines.len(), 3);
    }
}
