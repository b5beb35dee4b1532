//! `period_probabilities.csv` (walkthrough 10 #15): for each `--prob 'total(VAR, PERIOD) OP X'`
//! or `mean(…)`, the share of paths whose period total (or day-weighted mean) is past the
//! threshold, with its Monte Carlo standard error; in a comparison, each scenario's share and
//! its paired difference against the baseline. A file of its own: a period's share is one
//! number per path and period, which the monthly columns of `probabilities.csv` (now, so far,
//! this year) cannot hold (docs/outputs.md §12).

use super::answers_csv::threshold_text;
use super::csv::{fmt_num, into_bytes, writer};
use crate::engine::stats::derived::{Derived, PeriodProbe, INDICATORS};
use crate::engine::stats::share_diff::ShareDiff;
use crate::policy::calendar::{iso_first, MonthIdx};

/// The file's name, in a run, merge or comparison folder under `--prob 'total(…)…'`.
pub const FILE: &str = "period_probabilities.csv";

/// Header of `period_probabilities.csv`.
pub const PERIOD_PROBABILITIES_HEADER: [&str; 14] = [
    "scenario",
    "probability",
    "statistic",
    "variable",
    "unit",
    "period",
    "first_month",
    "last_month",
    "months",
    "op",
    "threshold",
    "paths",
    "share",
    "mc_se",
];

/// The columns a comparison appends: the paired difference against the baseline and its
/// standard error, empty on the baseline's own rows.
pub const PERIOD_DIFF_COLUMNS: [&str; 2] = ["diff", "mc_se_diff"];

/// The cells of [`PERIOD_PROBABILITIES_HEADER`] for period probe `k` of one scenario. For a
/// compound (`A and B`), a column is filled when every side has the same value in it (one
/// period, one variable) and empty otherwise; `op` is the join and `threshold` empty.
fn row(scenario: &str, start: MonthIdx, d: &Derived, k: usize) -> Vec<String> {
    let p = &d.period_probes[k];
    let s = d.period_probs[k];
    let common = |cell: &dyn Fn(&PeriodProbe) -> String| {
        let v = cell(p);
        if p.also.iter().all(|side| cell(side) == v) {
            v
        } else {
            String::new()
        }
    };
    let first = |q: &PeriodProbe| start + q.period.first as MonthIdx;
    let (op, threshold) = match p.also.is_empty() {
        true => (p.op.as_str(), threshold_text(p.threshold)),
        false => (p.join.as_str(), String::new()),
    };
    vec![
        scenario.to_string(),
        p.text.clone(),
        common(&|q| q.stat.as_str().to_string()),
        common(&|q| q.var.clone()),
        common(&|q| q.unit.clone()),
        common(&|q| q.period.label.clone()),
        common(&|q| iso_first(first(q))),
        common(&|q| iso_first(first(q) + q.period.months as MonthIdx - 1)),
        common(&|q| q.period.months.to_string()),
        op.to_string(),
        threshold,
        s.n.to_string(),
        fmt_num(s.p),
        fmt_num(s.se),
    ]
}

/// One row per scenario × period probe, in the order given (the monthly probes are in
/// `probabilities.csv`).
pub fn period_probabilities_csv(start: MonthIdx, runs: &[(&str, &Derived)]) -> Vec<u8> {
    let mut w = writer();
    w.write_record(PERIOD_PROBABILITIES_HEADER)
        .expect("in-memory write");
    for (scenario, d) in runs {
        for k in 0..d.period_probes.len() {
            w.write_record(row(scenario, start, d, k))
                .expect("in-memory write");
        }
    }
    into_bytes(w)
}

/// A comparison's `period_probabilities.csv`: [`period_probabilities_csv`]'s rows, baseline
/// first, each with the paired difference of `diffs` appended; `diffs[j]` belongs to
/// `runs[j + 1]`, in the order of the probe cells ([`Derived::prob`]'s, then one per period
/// probe).
pub fn compare_period_probabilities_csv(
    start: MonthIdx,
    runs: &[(&str, &Derived)],
    diffs: &[&[ShareDiff]],
) -> Vec<u8> {
    let mut w = writer();
    w.write_record(
        PERIOD_PROBABILITIES_HEADER
            .iter()
            .chain(&PERIOD_DIFF_COLUMNS),
    )
    .expect("in-memory write");
    for (i, (scenario, d)) in runs.iter().enumerate() {
        let offset = INDICATORS * d.probes.len() * d.months;
        for k in 0..d.period_probes.len() {
            let mut cells = row(scenario, start, d, k);
            let (diff, se) = match i.checked_sub(1) {
                Some(o) => (diffs[o][offset + k].diff, diffs[o][offset + k].se),
                None => (f64::NAN, f64::NAN),
            };
            cells.push(fmt_num(diff));
            cells.push(fmt_num(se));
            w.write_record(&cells).expect("in-memory write");
        }
    }
    into_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stats::derived::{parse_probe_set, Layout};
    use crate::engine::stats::SummaryMode;

    #[test]
    fn exact_text() {
        let vars: Vec<(String, String)> = [("brent_usd_bbl", "USD/bbl"), ("flow_x_mbd", "mb/d")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let start = 2025 * 12 + 11; // 2025-12
        let texts = vec![
            "total(flow_x_mbd, 2025-12..2026-01) > 100".to_string(),
            "mean(brent_usd_bbl, horizon) >= 90".to_string(),
        ];
        let probes = parse_probe_set(&texts, &vars, start, 2).unwrap();
        let l = Layout::of(start, 2, &vars, probes, Vec::new());
        let mut st = l.stats(SummaryMode::Exact);
        // Totals 31 f + 31 f = 62 f: 62, 124, 186, 248 mb; Brent means 80, 95, 100, 85.
        for (b, f) in [(80.0, 1.0), (95.0, 2.0), (100.0, 3.0), (85.0, 4.0)] {
            let mut path = vec![b, f, b, f];
            path.resize(l.stride(), 0.0);
            l.fill(&mut path);
            st.push_path(&path);
        }
        let mut s = st.finish();
        let d = l.split(&mut s);
        let t = String::from_utf8(period_probabilities_csv(start, &[("x", &d)])).unwrap();
        assert_eq!(
            t,
            "scenario,probability,statistic,variable,unit,period,first_month,last_month,months,op,threshold,paths,share,mc_se\n\
             x,\"total(flow_x_mbd,2025-12..2026-01)>100\",total,flow_x_mbd,mb,2025-12..2026-01,2025-12-01,2026-01-01,2,>,100.0000,4,0.7500,0.2165\n\
             x,\"mean(brent_usd_bbl,horizon)>=90\",mean,brent_usd_bbl,USD/bbl,horizon,2025-12-01,2026-01-01,2,>=,90.0000,4,0.5000,0.2500\n"
        );
    }
}
