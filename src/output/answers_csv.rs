//! `totals.csv` (bands of per-path calendar-year and horizon totals), `averages.csv` (of
//! per-path period averages of prices) and `probabilities.csv`
//! (shares of paths past a `--prob` threshold, this month and at any month so far), from a
//! run's [`Derived`] results. Same CSV dialect and number format as `summary.csv`.

use super::csv::{band_cells, band_header, fmt_num, into_bytes, writer};
use crate::engine::stats::derived::{Derived, TotalVar, INDICATORS};
use crate::engine::stats::share_diff::ShareDiff;
use crate::engine::stats::CellStats;
use crate::policy::calendar::{iso_first, MonthIdx};

/// Header of `totals.csv`: the period, then the band columns of `summary.csv`.
pub const TOTALS_HEADER: [&str; 18] = band_header([
    "scenario",
    "period",
    "first_month",
    "last_month",
    "months",
    "variable",
    "unit",
]);

/// Header of `probabilities.csv`.
pub const PROBABILITIES_HEADER: [&str; 13] = [
    "scenario",
    "date",
    "probability",
    "variable",
    "op",
    "threshold",
    "paths",
    "share_now",
    "mc_se_now",
    "share_so_far",
    "mc_se_so_far",
    "share_this_year",
    "mc_se_this_year",
];

/// The first and last month of period `p`, `YYYY-MM-01`.
pub fn period_dates(d: &Derived, start: MonthIdx, p: usize) -> (String, String) {
    let per = &d.periods[p];
    (
        iso_first(start + per.first as MonthIdx),
        iso_first(start + (per.first + per.months - 1) as MonthIdx),
    )
}

/// One row per period × totalled variable (periods outer: calendar years, then `horizon`).
pub fn totals_csv(scenario: &str, start: MonthIdx, d: &Derived) -> Vec<u8> {
    period_bands_csv(scenario, start, d, &d.totals, |p, j| d.total(p, j))
}

/// `averages.csv` (walkthrough 8 #4): bands of per-path day-weighted period averages of every
/// USD/bbl variable, one row per period × averaged variable, same columns as `totals.csv`.
pub fn averages_csv(scenario: &str, start: MonthIdx, d: &Derived) -> Vec<u8> {
    period_bands_csv(scenario, start, d, &d.averages, |p, j| d.average(p, j))
}

fn period_bands_csv<'a>(
    scenario: &str,
    start: MonthIdx,
    d: &'a Derived,
    vars: &'a [TotalVar],
    cell: impl Fn(usize, usize) -> &'a CellStats,
) -> Vec<u8> {
    let mut w = writer();
    w.write_record(TOTALS_HEADER).expect("in-memory write");
    for row in period_band_rows(start, d, vars, cell) {
        w.write_record(std::iter::once(scenario).chain(row.iter().map(String::as_str)))
            .expect("in-memory write");
    }
    into_bytes(w)
}

/// The cells of [`TOTALS_HEADER`] after `scenario`, one row per period × variable of `vars`
/// (periods outer): shared with `outcome_totals.csv`, whose rows must read exactly as these.
pub(crate) fn period_band_rows<'a>(
    start: MonthIdx,
    d: &'a Derived,
    vars: &'a [TotalVar],
    cell: impl Fn(usize, usize) -> &'a CellStats,
) -> Vec<Vec<String>> {
    let mut rows = Vec::with_capacity(d.periods.len() * vars.len());
    for (p, per) in d.periods.iter().enumerate() {
        let (first, last) = period_dates(d, start, p);
        let months = per.months.to_string();
        for (j, tv) in vars.iter().enumerate() {
            let lead = [&per.label, &first, &last, &months, &tv.name, &tv.unit];
            let row = lead.into_iter().cloned().chain(band_cells(cell(p, j)));
            rows.push(row.collect());
        }
    }
    rows
}

/// A `--prob` threshold as written in probabilities.csv: the CSV number format (`{:.4}`) when
/// that reads back as the same value, else the shortest decimal that does (`0.00001`,
/// `80.12345`), so that two thresholds never print alike. No exponent, no `-0`, except for
/// magnitudes from 1e15 on, and for a decimal longer than 32 characters: there the project's
/// number format ([`crate::suggest::Num`]) writes the shortest exponent form that reads back
/// exactly (`1e308`, not 309 digits, D182; `1e-200`, not 202, hostile round 13 F8).
pub fn threshold_text(x: f64) -> String {
    if x.is_finite() && x.abs() >= 1e15 {
        return crate::suggest::Num(x).to_string();
    }
    let fixed = fmt_num(x);
    if fixed.parse::<f64>().ok() == Some(x) {
        return fixed;
    }
    // Display of an f64 is the shortest text that parses back to it, never an exponent.
    let s = format!("{x}");
    match s.strip_prefix('-') {
        Some(rest) if rest.bytes().all(|b| b == b'0' || b == b'.') => rest.to_string(),
        _ if s.len() > 32 => crate::suggest::Num(x).to_string(),
        _ => s,
    }
}

/// The columns `compare`'s `probabilities.csv` appends to [`PROBABILITIES_HEADER`]: the
/// paired difference against the baseline (the first scenario) of each share and its Monte
/// Carlo standard error (walkthrough 8 #8), empty on the baseline's own rows.
pub const PROBABILITY_DIFF_COLUMNS: [&str; 6] = [
    "diff_now",
    "mc_se_diff_now",
    "diff_so_far",
    "mc_se_diff_so_far",
    "diff_this_year",
    "mc_se_diff_this_year",
];

/// The cells of [`PROBABILITIES_HEADER`] for probe `k`, month `t` of one scenario.
fn prob_row(scenario: &str, start: MonthIdx, d: &Derived, k: usize, t: usize) -> Vec<String> {
    let probe = &d.probes[k];
    let (now, ever, year) = d.prob(k, t);
    let (var, op, threshold) = probe.columns();
    vec![
        scenario.to_string(),
        iso_first(start + t as MonthIdx),
        probe.text.clone(),
        var.to_string(),
        op.to_string(),
        threshold.map(threshold_text).unwrap_or_default(),
        now.n.to_string(),
        fmt_num(now.p),
        fmt_num(now.se),
        fmt_num(ever.p),
        fmt_num(ever.se),
        fmt_num(year.p),
        fmt_num(year.se),
    ]
}

/// One row per scenario × `--prob` expression × month, in the order given.
pub fn probabilities_csv(start: MonthIdx, runs: &[(&str, &Derived)]) -> Vec<u8> {
    let mut w = writer();
    w.write_record(PROBABILITIES_HEADER)
        .expect("in-memory write");
    for (scenario, d) in runs {
        for k in 0..d.probes.len() {
            for t in 0..d.months {
                w.write_record(prob_row(scenario, start, d, k, t))
                    .expect("in-memory write");
            }
        }
    }
    into_bytes(w)
}

/// `compare`'s `probabilities.csv`: [`probabilities_csv`]'s rows, baseline first, each with
/// the paired differences of `diffs` appended; `diffs[j]` belongs to `runs[j + 1]`, its
/// cells in [`Derived::prob`]'s order, three (now, so far, this year) per probe and month.
pub fn compare_probabilities_csv(
    start: MonthIdx,
    runs: &[(&str, &Derived)],
    diffs: &[&[ShareDiff]],
) -> Vec<u8> {
    let mut w = writer();
    w.write_record(PROBABILITIES_HEADER.iter().chain(&PROBABILITY_DIFF_COLUMNS))
        .expect("in-memory write");
    for (i, (scenario, d)) in runs.iter().enumerate() {
        for k in 0..d.probes.len() {
            for t in 0..d.months {
                let mut row = prob_row(scenario, start, d, k, t);
                let cell = (k * d.months + t) * INDICATORS;
                for j in 0..INDICATORS {
                    let sd = match i.checked_sub(1) {
                        Some(o) => diffs[o][cell + j],
                        None => ShareDiff {
                            n: 0,
                            diff: f64::NAN,
                            se: f64::NAN,
                        },
                    };
                    row.push(fmt_num(sd.diff));
                    row.push(fmt_num(sd.se));
                }
                w.write_record(&row).expect("in-memory write");
            }
        }
    }
    into_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::stats::derived::{Layout, Probe};
    use crate::engine::stats::SummaryMode;

    #[test]
    fn exact_text() {
        let vars: Vec<(String, String)> = [("brent_usd_bbl", "USD/bbl"), ("flow_x_mbd", "mb/d")]
            .iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect();
        let probe = Probe::parse("brent_usd_bbl > 90", &["brent_usd_bbl", "flow_x_mbd"]).unwrap();
        let start = 2025 * 12 + 11; // 2025-12
        let l = Layout::new(start, 2, &vars, vec![probe]);
        let mut st = l.stats(SummaryMode::Exact);
        for (b, f) in [(80.0, 1.0), (95.0, 2.0), (100.0, 3.0), (85.0, 4.0)] {
            let mut path = vec![b, f, 70.0, f];
            path.resize(l.stride(), 0.0);
            l.fill(&mut path);
            st.push_path(&path);
        }
        let mut s = st.finish();
        let d = l.split(&mut s);
        let t = String::from_utf8(totals_csv("x", start, &d)).unwrap();
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], TOTALS_HEADER.join(","));
        // 2025: December only, 31 days × (1, 2, 3, 4) mb/d: mean 77.5 mb.
        assert!(
            lines[1].starts_with("x,2025,2025-12-01,2025-12-01,1,flow_x_mbd,mb,77.5000,"),
            "{}",
            lines[1]
        );
        assert!(lines[3].starts_with("x,horizon,2025-12-01,2026-01-01,2,flow_x_mbd,mb,155.0000,"));
        assert_eq!(lines.len(), 4);
        let p = String::from_utf8(probabilities_csv(start, &[("x", &d)])).unwrap();
        assert_eq!(
            p,
            "scenario,date,probability,variable,op,threshold,paths,share_now,mc_se_now,share_so_far,mc_se_so_far,share_this_year,mc_se_this_year\n\
             x,2025-12-01,brent_usd_bbl>90,brent_usd_bbl,>,90.0000,4,0.5000,0.2500,0.5000,0.2500,0.5000,0.2500\n\
             x,2026-01-01,brent_usd_bbl>90,brent_usd_bbl,>,90.0000,4,0.0000,0.0000,0.5000,0.2500,0.0000,0.0000\n"
        );
    }

    #[test]
    fn thresholds_read_back_exactly() {
        for (x, want) in [
            (90.0, "90.0000"),
            (0.00001, "0.00001"),
            (0.00004, "0.00004"),
            (-0.0, "0.0000"),
            (-2.5, "-2.5000"),
            (80.12345, "80.12345"),
            (1e-20, "0.00000000000000000001"),
            (0.1 + 0.2, "0.30000000000000004"),
        ] {
            let t = threshold_text(x);
            assert_eq!(t, want);
            assert_eq!(t.parse::<f64>().unwrap(), x);
            assert!(!t.contains(['e', 'E', ',']), "{t}");
        }
        // D182: huge thresholds are compact, and still read back exactly.
        for (x, want) in [(1e308, "1e308"), (-2.5e20, "-2.5e20"), (1e15, "1e15")] {
            let t = threshold_text(x);
            assert_eq!(t, want);
            assert_eq!(t.parse::<f64>().unwrap(), x);
        }
        assert_eq!(threshold_text(1e14), "100000000000000.0000");
        // Tiny ones too, once the decimal would be long (hostile round 13 F8).
        for (x, want) in [(1e-200, "1e-200"), (-3e-40, "-3e-40")] {
            let t = threshold_text(x);
            assert_eq!(t, want);
            assert_eq!(t.parse::<f64>().unwrap(), x);
        }
    }
}
