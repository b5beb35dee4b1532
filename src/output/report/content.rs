//! What `report.html` shows for a run (and a merge) and for a comparison: the key results in
//! one table, totals, the probabilities asked for, the event tree's outcomes, the policy
//! calendar as applied, the charts and the manifest. Every number is read back from the CSV
//! bytes the folder holds, so the page cannot disagree with the files.

use super::calendar::calendar;
use super::lookup::{rows, Lookup};
use super::{Block, Cell, Report, Table};
use crate::output::charts::{ChartFile, KEY_VARIABLES};
use crate::scenario::Scenario;

/// A CSV file of the folder: its name and bytes.
pub type CsvFile<'a> = (&'a str, &'a [u8]);

/// The variables of the key-results table: the charted ones, then the net positions: each
/// buyer's welfare, which counts a deal's carrot as earned (D141; the net gain counts it only
/// as forgone, so it would understate a deal), Russia's revenue change, the buyers' arrivals
/// and the EU cap in force.
fn key_names(have: &[String]) -> Vec<String> {
    let mut v: Vec<String> = KEY_VARIABLES.iter().map(|k| k.name.to_string()).collect();
    v.extend(
        have.iter()
            .filter(|n| n.ends_with("_welfare_usd_bn") || *n == "russia_revenue_change_usd_bn")
            .cloned(),
    );
    // Walkthrough 5: what analysts compare with import data (arrivals, not loadings) and the
    // policy actually in force.
    v.extend(
        have.iter()
            .filter(|n| {
                (n.starts_with("arrivals_") && !n.ends_with("_sea_mbd"))
                    || *n == "cap_eu_in_force_usd_bbl"
            })
            .cloned(),
    );
    v.retain(|n| have.contains(n));
    v
}

/// Month 1, month 12 and the last month, and the `after` months (as dates present in the
/// file), in date order.
fn key_dates(dates: &[String], after: &[String]) -> Vec<String> {
    let mut v = Vec::new();
    for i in [0, 11, dates.len().saturating_sub(1)] {
        if let Some(d) = dates.get(i) {
            if !v.contains(d) {
                v.push(d.clone());
            }
        }
    }
    for d in after {
        if dates.contains(d) && !v.contains(d) {
            v.push(d.clone());
        }
    }
    v.sort();
    v
}

/// The dates of variable `v`'s lowest and highest median (p50) in summary.csv, each with its
/// label (walkthrough 9 #5: the trough of India's intake, in December 2025, was in no row of a
/// replay's report); the first of equal ones; none for a variable whose median never moves.
fn extreme_medians(s: &Lookup, v: &str) -> Vec<(String, &'static str)> {
    let mut lo: Option<(f64, &str)> = None;
    let mut hi: Option<(f64, &str)> = None;
    for (d, p50) in s.pairs("variable", v, "date", "p50") {
        let Some(x) = p50.parse::<f64>().ok().filter(|x| x.is_finite()) else {
            continue;
        };
        if lo.is_none_or(|(l, _)| x < l) {
            lo = Some((x, d));
        }
        if hi.is_none_or(|(h, _)| x > h) {
            hi = Some((x, d));
        }
    }
    match (lo, hi) {
        (Some((l, dl)), Some((h, dh))) if l < h => vec![
            (dl.to_string(), "lowest median"),
            (dh.to_string(), "highest median"),
        ],
        _ => Vec::new(),
    }
}

/// The month after each of the first three months in which the scenarios' events take effect
/// inside the horizon, as `YYYY-MM-01` (walkthrough 5: a replay's event window, Nov–Dec 2025,
/// was in no table of the report, which showed only months 1, 12 and the last).
fn event_window(scenarios: &[&Scenario], months: usize) -> Vec<String> {
    let mut m: Vec<i32> = scenarios
        .iter()
        .flat_map(|sc| {
            let end = sc.start + months as i32;
            sc.events
                .iter()
                .map(|e| e.date.month)
                .filter(move |&x| x >= sc.start && x < end)
        })
        .collect();
    m.sort_unstable();
    m.dedup();
    m.iter()
        .take(3)
        .map(|&x| format!("{}-01", crate::policy::calendar::iso_month(x + 1)))
        .collect()
}

/// A whole CSV file as a table (for short files such as outcomes.csv).
fn csv_table(caption: &str, f: CsvFile) -> Table {
    let (header, rows) = rows(f.1);
    Table {
        caption: format!("{caption} ({})", f.0),
        header,
        rows: rows
            .into_iter()
            .map(|r| r.into_iter().map(Cell::text).collect())
            .collect(),
    }
}

/// The key dates and the last month of each calendar year in the file, in date order: a
/// year's last row is where `share_this_year` answers "at some point in that year" (a
/// mid-year row covers only January to that month).
fn probability_dates(dates: &[String]) -> Vec<String> {
    let mut v = key_dates(dates, &[]);
    for (i, d) in dates.iter().enumerate() {
        let year_ends = dates
            .get(i + 1)
            .is_none_or(|next| next.get(..4) != d.get(..4));
        if year_ends && !v.contains(d) {
            v.push(d.clone());
        }
    }
    v.sort();
    v
}

fn probability_blocks(p: &Lookup, scenarios: &[String], out: &mut Vec<Block>) {
    let dates = p.values("date");
    let mut t = Table {
        caption: "Share of paths past each threshold: this month, at any month so far, and at \
                  any month so far of the same calendar year, January (or the first month) to \
                  the row's month; each year's last row answers \"at some point in that year\" \
                  (probabilities.csv)"
            .into(),
        header: [
            "scenario",
            "probability",
            "date",
            "share_now",
            "mc_se_now",
            "share_so_far",
            "share_this_year",
        ]
        .map(String::from)
        .to_vec(),
        rows: Vec::new(),
    };
    for sc in scenarios {
        for prob in p.values("probability") {
            for d in probability_dates(&dates) {
                let key = [
                    ("scenario", sc.as_str()),
                    ("date", &d),
                    ("probability", &prob),
                ];
                let mut row = vec![
                    Cell::text(sc.clone()),
                    Cell::text(prob.clone()),
                    Cell::text(d.clone()),
                ];
                row.extend(
                    ["share_now", "mc_se_now", "share_so_far", "share_this_year"]
                        .map(|c| p.cell(&key, c)),
                );
                t.rows.push(row);
            }
        }
    }
    out.push(Block::Heading("Probabilities".into()));
    out.push(Block::Table(t));
}

fn charts(files: &[ChartFile], out: &mut Vec<Block>) {
    let svgs: Vec<&ChartFile> = files.iter().filter(|f| f.name.ends_with(".svg")).collect();
    if svgs.is_empty() {
        return;
    }
    out.push(Block::Heading("Charts".into()));
    for f in svgs {
        out.push(Block::Chart {
            name: f.name.clone(),
            svg: String::from_utf8_lossy(&f.bytes).into_owned(),
        });
    }
}

/// The report of a run (or merge) folder. `csv` holds the folder's CSV files by name.
pub fn run_report(
    sc: &Scenario,
    paths: u64,
    months: usize,
    csv: &[CsvFile],
    chart_files: &[ChartFile],
    manifest_json: &str,
) -> Report {
    let get = |n: &str| csv.iter().find(|(f, _)| *f == n).copied();
    let mut blocks = Vec::new();
    if let Some(f) = get("summary.csv") {
        let s = Lookup::new(f);
        let mut t = Table {
            caption: "Key results: mean and 10th / 50th / 90th percentiles across paths, in \
                      the key months and in the months of each variable's lowest and highest \
                      median, marked (summary.csv)"
                .into(),
            header: ["variable", "unit", "date", "mean", "p10", "p50", "p90"]
                .map(String::from)
                .to_vec(),
            rows: Vec::new(),
        };
        let window = event_window(&[sc], months);
        let all_dates = s.values("date");
        for v in key_names(&s.values("variable")) {
            // The key dates, and the months of this variable's extreme medians, marked.
            let extremes = extreme_medians(&s, &v);
            let mut dates = key_dates(&all_dates, &window);
            dates.extend(extremes.iter().map(|(d, _)| d.clone()));
            dates.sort();
            dates.dedup();
            for d in dates {
                let key = [("date", d.as_str()), ("variable", v.as_str())];
                let unit = s.cell(&key, "unit").text;
                let marks: Vec<&str> = extremes
                    .iter()
                    .filter(|(x, _)| *x == d)
                    .map(|(_, m)| *m)
                    .collect();
                let shown = if marks.is_empty() {
                    d.clone()
                } else {
                    format!("{d} ({})", marks.join(", "))
                };
                let mut row = vec![Cell::text(v.clone()), Cell::text(unit), Cell::text(shown)];
                row.extend(["mean", "p10", "p50", "p90"].map(|c| s.cell(&key, c)));
                t.rows.push(row);
            }
        }
        blocks.push(Block::Heading("Key results".into()));
        blocks.push(Block::Table(t));
    }
    if let Some(f) = get("totals.csv") {
        let s = Lookup::new(f);
        let mut t = Table {
            caption: "Totals per path over each calendar year of the run, the whole horizon \
                      and any --period window: bands of totals, not sums of monthly \
                      percentiles (totals.csv)"
                .into(),
            header: [
                "variable", "unit", "period", "months", "mean", "p10", "p50", "p90",
            ]
            .map(String::from)
            .to_vec(),
            rows: Vec::new(),
        };
        // Walkthrough 6: the calendar years too, since "Russia's 2026 revenue" is the question
        // an analyst brings, and a partial first or last year says how many months it holds.
        let periods = s.values("period");
        for v in key_names(&s.values("variable")) {
            for period in &periods {
                let key = [("period", period.as_str()), ("variable", v.as_str())];
                let mut row = vec![
                    Cell::text(v.clone()),
                    Cell::text(s.cell(&key, "unit").text),
                    Cell::text(period.clone()),
                    s.cell(&key, "months"),
                ];
                row.extend(["mean", "p10", "p50", "p90"].map(|c| s.cell(&key, c)));
                t.rows.push(row);
            }
        }
        blocks.push(Block::Heading("Totals".into()));
        blocks.push(Block::Table(t));
    }
    if let Some(f) = get("probabilities.csv") {
        probability_blocks(
            &Lookup::new(f),
            &Lookup::new(f).values("scenario"),
            &mut blocks,
        );
    }
    if let Some(f) = get("outcomes.csv") {
        blocks.push(Block::Heading("Event tree outcomes".into()));
        blocks.push(Block::Table(csv_table(
            "Share of paths taking each branch",
            f,
        )));
    }
    if let Some(f) = get(crate::output::outcome_totals_csv::FILE) {
        super::outcomes::outcome_blocks(f, &mut blocks);
    }
    blocks.push(Block::Heading("Policy calendar".into()));
    calendar(&[sc], &mut blocks);
    charts(chart_files, &mut blocks);
    blocks.push(Block::Heading("Manifest (manifest.json)".into()));
    blocks.push(Block::Pre(manifest_json.to_string()));
    Report {
        title: format!("sanctions-sim: {}", sc.name),
        subtitle: format!("{} — {paths} paths × {months} months", sc.description),
        blocks,
    }
}

/// The report of a comparison folder.
pub fn compare_report(
    name: &str,
    scenarios: &[&Scenario],
    paths: u64,
    months: usize,
    csv: &[CsvFile],
    chart_files: &[ChartFile],
    manifest_json: &str,
) -> Report {
    let get = |n: &str| csv.iter().find(|(f, _)| *f == n).copied();
    let mut blocks = Vec::new();
    let cols = [
        "mean_diff",
        "p10_diff",
        "p50_diff",
        "p90_diff",
        "pct_change",
    ];
    if let Some(f) = get("compare.csv") {
        let s = Lookup::new(f);
        let mut t = Table {
            caption: "Paired differences scenario − baseline on the same paths: mean, 80 % band \
                      (p10–p90) and median, and % change of the mean (compare.csv)"
                .into(),
            header: ["scenario", "variable", "unit", "date", "baseline_mean"]
                .iter()
                .chain(cols.iter())
                .map(|s| s.to_string())
                .collect(),
            rows: Vec::new(),
        };
        let window = event_window(scenarios, months);
        for sc in s.values("scenario") {
            for v in key_names(&s.values("variable")) {
                for d in key_dates(&s.values("date"), &window) {
                    let key = [
                        ("date", d.as_str()),
                        ("variable", v.as_str()),
                        ("scenario", sc.as_str()),
                    ];
                    let mut row = vec![
                        Cell::text(sc.clone()),
                        Cell::text(v.clone()),
                        Cell::text(s.cell(&key, "unit").text),
                        Cell::text(d.clone()),
                        s.cell(&key, "baseline_mean"),
                    ];
                    row.extend(cols.map(|c| s.cell(&key, c)));
                    t.rows.push(row);
                }
            }
        }
        blocks.push(Block::Heading("Key results".into()));
        blocks.push(Block::Table(t));
    }
    if let Some(f) = get("compare_totals.csv") {
        let s = Lookup::new(f);
        let mut t = Table {
            caption: "Whole-horizon totals: paired differences (compare_totals.csv)".into(),
            header: ["scenario", "variable", "unit", "baseline_mean"]
                .iter()
                .chain(cols.iter())
                .map(|s| s.to_string())
                .collect(),
            rows: Vec::new(),
        };
        for sc in s.values("scenario") {
            for v in key_names(&s.values("variable")) {
                let key = [
                    ("period", "horizon"),
                    ("variable", v.as_str()),
                    ("scenario", sc.as_str()),
                ];
                let mut row = vec![
                    Cell::text(sc.clone()),
                    Cell::text(v.clone()),
                    Cell::text(s.cell(&key, "unit").text),
                    s.cell(&key, "baseline_mean"),
                ];
                row.extend(cols.map(|c| s.cell(&key, c)));
                t.rows.push(row);
            }
        }
        blocks.push(Block::Heading("Totals".into()));
        blocks.push(Block::Table(t));
    }
    if let Some(f) = get("probabilities.csv") {
        let l = Lookup::new(f);
        probability_blocks(&l, &l.values("scenario"), &mut blocks);
    }
    blocks.push(Block::Heading("Policy calendar".into()));
    calendar(scenarios, &mut blocks);
    charts(chart_files, &mut blocks);
    blocks.push(Block::Heading("Manifest (manifest.json)".into()));
    blocks.push(Block::Pre(manifest_json.to_string()));
    let names: Vec<&str> = scenarios.iter().map(|s| s.name.as_str()).collect();
    Report {
        title: format!("sanctions-sim: {name}"),
        subtitle: format!(
            "baseline {} compared with {} on common random numbers — {paths} paths × {months} months",
            names.first().copied().unwrap_or(""),
            names.get(1..).map(|n| n.join(", ")).unwrap_or_default()
        ),
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::probability_dates;

    #[test]
    fn probability_rows_include_each_years_last_month() {
        let dates: Vec<String> = (0..20)
            .map(|i| format!("{}-{:02}-01", 2025 + (i + 7) / 12, (i + 7) % 12 + 1))
            .collect();
        assert_eq!(dates[0], "2025-08-01");
        assert_eq!(
            probability_dates(&dates),
            [
                "2025-08-01",
                "2025-12-01",
                "2026-07-01",
                "2026-12-01",
                "2027-03-01"
            ]
        );
    }
}
