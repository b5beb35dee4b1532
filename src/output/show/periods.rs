//! `show --period P` (walkthrough 11 #2): the bands of one period's totals and day-weighted
//! averages, read from the tables a run already writes, `totals.csv` and `averages.csv` (a
//! comparison's `compare_totals.csv` and `compare_averages.csv`: the bands of the difference),
//! or, under `--by-outcome`, `outcome_totals.csv`, whose rows carry each outcome's share of
//! paths. One line per scenario (outcome) × variable, one column per statistic; every number
//! is the text of its file's cell (a decimal comma read back as a point), never recomputed.

use super::read::detect;
use super::select::{glob, var_words};
use super::ShowError;
use crate::output::csv::BAND_COLUMNS;
use crate::output::dialect::CsvDialect;

/// The headline question of walkthrough 10 #2 (Russia's revenue, what India and China pay and
/// save, Brent): the rows per outcome of `report.html`'s Outcomes table, and the variables
/// `show --period` prints when `--var` is not given.
pub const HEADLINE: [&str; 6] = [
    "russia_export_revenue_usd_bn",
    "india_import_bill_usd_bn",
    "india_discount_savings_usd_bn",
    "china_import_bill_usd_bn",
    "china_discount_savings_usd_bn",
    "brent_usd_bbl",
];

/// The statistics shown when `--stat` is not given: the mean (the outcomes' means add up to
/// the `(all)` row's, weighted by their shares) and the 80% band around the median.
pub const DEFAULT_STATS: &str = "mean,p10,p50,p90";

/// One row of a period table, as shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeriodRow {
    /// The scenario, or `<scenario> - <baseline>` for a comparison's difference.
    pub group: String,
    /// `<selector>=<outcome>`, its share of paths and the share's standard error, for a row
    /// of `outcome_totals.csv`.
    pub outcome: Option<[String; 3]>,
    pub period: String,
    /// `first_month..last_month (N months)`, as `YYYY-MM`.
    pub window: String,
    /// `total` or `mean`.
    pub statistic: String,
    pub variable: String,
    pub unit: String,
    /// The statistics asked for, as the file writes them (empty: an empty cell).
    pub cells: Vec<String>,
}

/// The column of a table that holds statistic `stat`: `p10`, or in a comparison `p10_diff`.
fn stat_column(header: &[String], stat: &str) -> Option<usize> {
    let diff = format!("{stat}_diff");
    header
        .iter()
        .position(|h| *h == stat)
        .or_else(|| header.iter().position(|h| *h == diff))
}

/// Reads the rows of `period` from a totals or averages table (`statistic` names what a
/// table without a `statistic` column holds: `total` for totals, `mean` for averages),
/// keeping the statistics `stats` (indices into [`BAND_COLUMNS`]). Also returns every period
/// the file has, in order, for the message when `period` is not among them.
pub fn parse(
    file: &str,
    bytes: &[u8],
    statistic: &str,
    stats: &[usize],
    period: &str,
) -> Result<(Vec<PeriodRow>, Vec<String>), ShowError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let bad = |line: u64, what: String| ShowError::Malformed {
        file: file.to_string(),
        line,
        what,
    };
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or(&[]);
    let first = std::str::from_utf8(first).map_err(|_| bad(1, "the header is not UTF-8".into()))?;
    let eu = detect(first) == CsvDialect::ExcelEu;
    let mut rdr = ::csv::ReaderBuilder::new()
        .delimiter(if eu { b';' } else { b',' })
        .has_headers(false)
        .from_reader(bytes);
    let mut records = rdr.records();
    let header: Vec<String> = match records.next() {
        Some(Ok(h)) => h.iter().map(|f| f.trim().to_string()).collect(),
        Some(Err(e)) => return Err(bad(1, e.to_string())),
        None => return Err(bad(1, "the file is empty".into())),
    };
    let col = |name: &str| header.iter().position(|h| h == name);
    let (Some(pc), Some(vc), Some(uc)) = (col("period"), col("variable"), col("unit")) else {
        return Err(ShowError::NotPeriodTable {
            file: file.to_string(),
            header: header.iter().take(6).cloned().collect::<Vec<_>>().join(","),
        });
    };
    let mut stat_cols = Vec::with_capacity(stats.len());
    for &k in stats {
        match stat_column(&header, BAND_COLUMNS[k]) {
            Some(c) => stat_cols.push(c),
            None => {
                return Err(ShowError::MissingStat {
                    file: file.to_string(),
                    stat: BAND_COLUMNS[k],
                    have: BAND_COLUMNS
                        .iter()
                        .filter(|s| stat_column(&header, s).is_some())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", "),
                })
            }
        }
    }
    let (sc, bc, oc) = (col("scenario"), col("baseline"), col("outcome"));
    let diff = bc.is_some() && header.iter().any(|h| h == "mean_diff");
    let (from, to, months) = (col("first_month"), col("last_month"), col("months"));
    let mut rows = Vec::new();
    let mut periods: Vec<String> = Vec::new();
    for (i, rec) in records.enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| bad(line, e.to_string()))?;
        let get = |c: Option<usize>| c.and_then(|c| rec.get(c)).unwrap_or("").trim();
        let p = get(Some(pc));
        if !periods.iter().any(|q| q == p) {
            periods.push(p.to_string());
        }
        if p != period {
            continue;
        }
        // A comparison's rows: the difference of `scenario` against `baseline`.
        let group = match (diff, bc) {
            (true, Some(b)) => format!("{} - {}", get(sc), get(Some(b))),
            _ => get(sc).to_string(),
        };
        let number = |s: &str| {
            if eu {
                s.replace(',', ".")
            } else {
                s.to_string()
            }
        };
        let outcome = oc.map(|o| {
            [
                format!("{}={}", get(col("selector")), get(Some(o))),
                number(get(col("share"))),
                number(get(col("mc_se_share"))),
            ]
        });
        let month = |c: Option<usize>| get(c).get(..7).unwrap_or("").to_string();
        rows.push(PeriodRow {
            group,
            outcome,
            period: p.to_string(),
            window: format!("{}..{} ({} months)", month(from), month(to), get(months)),
            statistic: col("statistic").map_or(statistic.to_string(), |c| get(Some(c)).into()),
            variable: get(Some(vc)).to_string(),
            unit: get(Some(uc)).to_string(),
            cells: stat_cols.iter().map(|&c| number(get(Some(c)))).collect(),
        });
    }
    Ok((rows, periods))
}

/// The rows of the files' `period` for the `--var` words (none: [`HEADLINE`]), in the order
/// of the files, then of each file's scenarios and outcomes, then of the words.
pub fn select(
    files: &[(String, Vec<PeriodRow>, Vec<String>)],
    var_args: &[String],
    period: &str,
) -> Result<Vec<PeriodRow>, ShowError> {
    for (file, rows, periods) in files {
        if rows.is_empty() {
            return Err(ShowError::NoPeriod {
                period: period.to_string(),
                file: file.clone(),
                have: periods.join(", "),
            });
        }
    }
    let words = var_words(var_args);
    if words.is_empty() && !var_args.is_empty() {
        return Err(ShowError::NoVar);
    }
    let names: Vec<&str> = {
        let mut v: Vec<&str> = Vec::new();
        for r in files.iter().flat_map(|f| &f.1) {
            if !v.contains(&r.variable.as_str()) {
                v.push(&r.variable);
            }
        }
        v
    };
    let mut vars: Vec<String> = Vec::new();
    if words.is_empty() {
        vars = HEADLINE
            .iter()
            .filter(|h| names.contains(h))
            .map(|h| h.to_string())
            .collect();
    }
    for w in &words {
        let found: Vec<&str> = names.iter().copied().filter(|n| glob(w, n)).collect();
        if found.is_empty() {
            let listed = files
                .iter()
                .map(|f| format!("`{}`", f.0))
                .collect::<Vec<_>>();
            return Err(if w.contains('*') {
                ShowError::NoMatch {
                    pattern: w.clone(),
                    files: listed.join(", "),
                }
            } else {
                ShowError::UnknownVariable {
                    var: w.clone(),
                    // The message quotes the file itself.
                    file: files
                        .iter()
                        .map(|f| f.0.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                    hint: crate::suggest::did_you_mean_variable(w, &names),
                }
            });
        }
        for n in found {
            if !vars.iter().any(|v| v == n) {
                vars.push(n.to_string());
            }
        }
    }
    let mut out = Vec::new();
    for (_, rows, _) in files {
        let mut keys: Vec<(&str, Option<&str>)> = Vec::new();
        for r in rows {
            let k = (r.group.as_str(), r.outcome.as_ref().map(|o| o[0].as_str()));
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        for k in keys {
            for v in &vars {
                out.extend(
                    rows.iter()
                        .filter(|r| {
                            r.group == k.0 && r.outcome.as_ref().map(|o| o[0].as_str()) == k.1
                        })
                        .filter(|r| r.variable == *v)
                        .cloned(),
                );
            }
        }
    }
    Ok(out)
}

/// The header and the cells of each row, as shown (the outcome columns only when some row
/// has an outcome, the window only when the rows' windows differ).
fn grid(rows: &[PeriodRow], stats: &[usize]) -> (Vec<String>, Vec<Vec<String>>) {
    let outcomes = rows.iter().any(|r| r.outcome.is_some());
    let windows = rows.iter().any(|r| r.window != rows[0].window);
    let mut head: Vec<String> = vec!["scenario".into()];
    if outcomes {
        head.extend(["outcome", "share", "mc_se_share"].map(String::from));
    }
    if windows {
        head.push("window".into());
    }
    head.extend(["variable", "statistic", "unit"].map(String::from));
    head.extend(stats.iter().map(|&k| BAND_COLUMNS[k].to_string()));
    let body = rows
        .iter()
        .map(|r| {
            let mut c = vec![r.group.clone()];
            if outcomes {
                c.extend(r.outcome.clone().unwrap_or_default());
            }
            if windows {
                c.push(r.window.clone());
            }
            c.extend([r.variable.clone(), r.statistic.clone(), r.unit.clone()]);
            c.extend(r.cells.iter().cloned());
            c
        })
        .collect();
    (head, body)
}

/// The aligned text table, under a line naming the period and its window.
pub fn text(rows: &[PeriodRow], stats: &[usize]) -> String {
    let (head, body) = grid(rows, stats);
    let n = head.len();
    let numeric = n - stats.len();
    let width: Vec<usize> = (0..n)
        .map(|i| {
            body.iter()
                .map(|r| r[i].chars().count())
                .chain([head[i].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(i, c)| match i >= numeric {
                true => format!("{c:>w$}", w = width[i]),
                false => format!("{c:<w$}", w = width[i]),
            })
            .collect();
        parts.join("  ").trim_end().to_string()
    };
    let mut out = match rows.first() {
        Some(r) if !head.iter().any(|h| h == "window") => {
            format!("period {}: {}\n", r.period, r.window)
        }
        Some(r) => format!("period {}\n", r.period),
        None => String::new(),
    };
    out += &line(&head);
    out.push('\n');
    for r in &body {
        out += &line(r);
        out.push('\n');
    }
    out
}

/// The same table as CSV (`,`, `.` decimal mark), with a `period` column first.
pub fn csv(rows: &[PeriodRow], stats: &[usize]) -> Vec<u8> {
    let (head, body) = grid(rows, stats);
    let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
    let mut h = vec!["period".to_string()];
    h.extend(head);
    let _ = w.write_record(&h);
    for (r, cells) in rows.iter().zip(body) {
        let mut c = vec![r.period.clone()];
        c.extend(cells);
        let _ = w.write_record(&c);
    }
    w.into_inner().unwrap_or_default()
}
