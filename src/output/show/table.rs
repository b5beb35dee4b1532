//! The table `show` prints: one row a month, one column per (scenario ×) variable ×
//! statistic, as aligned text or as CSV.

use super::read::SummaryFile;
use crate::output::csv::{fmt_fixed, fmt_num, into_bytes, writer, BAND_COLUMNS};
use crate::policy::calendar::{iso_first, iso_month, MonthIdx};

/// One column: which scenario group, variable (with its unit) and statistic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Index into [`Table::groups`].
    pub group: usize,
    pub var: String,
    pub unit: String,
    /// Index into [`BAND_COLUMNS`].
    pub stat: usize,
}

/// Rows of months, columns grouped by scenario, then variable, then statistic.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    /// The scenario of each column group, as printed.
    pub groups: Vec<String>,
    pub columns: Vec<Column>,
    /// A month and its cells, one per column (`None`: an empty cell in the file, or a
    /// month or variable that scenario does not have).
    pub rows: Vec<(MonthIdx, Vec<Option<f64>>)>,
    /// Whether the groups are named in the header: with several, or when one is a
    /// comparison's difference (`summit_failure - baseline`), which must never read as a level.
    pub titled: bool,
}

/// Significant digits of the text table: a column's largest value keeps this many.
const SIGNIFICANT: i32 = 5;

/// The labels of the scenario groups: their `scenario` column, or, when two groups would
/// read alike (the same scenario run into two folders), the scenario and its file.
fn labels(files: &[SummaryFile]) -> Vec<String> {
    let plain: Vec<&str> = files
        .iter()
        .flat_map(|f| f.scenarios.iter().map(|b| b.scenario.as_str()))
        .collect();
    files
        .iter()
        .flat_map(|f| f.scenarios.iter().map(move |b| (f, b)))
        .map(|(f, b)| {
            if plain.iter().filter(|p| **p == b.scenario).count() > 1 {
                format!("{} ({})", b.scenario, f.file)
            } else {
                b.scenario.clone()
            }
        })
        .collect()
}

/// The table of `vars` × the statistics the first file was read with, over `months`.
pub fn build(files: &[SummaryFile], vars: &[String], months: &[MonthIdx]) -> Table {
    let groups = labels(files);
    let stats: &[usize] = files.first().map_or(&[], |f| &f.stats);
    // Each scenario's bands, and the place of each shown statistic among its file's.
    let bands: Vec<_> = files
        .iter()
        .flat_map(|f| {
            let place: Vec<Option<usize>> = stats
                .iter()
                .map(|s| f.stats.iter().position(|t| t == s))
                .collect();
            f.scenarios.iter().map(move |b| (b, place.clone()))
        })
        .collect();
    let unit_of = |var: &str| {
        bands
            .iter()
            .find_map(|(b, _)| b.var(var).map(|v| b.vars[v].1.clone()))
            .unwrap_or_default()
    };
    // (group, variable index in its bands, statistic's place in its file's)
    let mut at = Vec::new();
    let mut columns = Vec::new();
    for (g, (b, place)) in bands.iter().enumerate() {
        for var in vars {
            let v = b.var(var);
            let unit = v.map_or_else(|| unit_of(var), |v| b.vars[v].1.clone());
            for (k, &stat) in stats.iter().enumerate() {
                at.push((g, v, place[k]));
                columns.push(Column {
                    group: g,
                    var: var.clone(),
                    unit: unit.clone(),
                    stat,
                });
            }
        }
    }
    let rows = months
        .iter()
        .map(|&m| {
            let cells = at
                .iter()
                .map(|&(g, v, k)| bands[g].0.value(v?, m, k?))
                .collect();
            (m, cells)
        })
        .collect();
    Table {
        titled: groups.len() > 1 || files.iter().any(|f| f.difference),
        groups,
        columns,
        rows,
    }
}

/// Decimals that give the largest magnitude [`SIGNIFICANT`] digits, at most the file's 4.
fn decimals(max_abs: f64) -> usize {
    let int_digits = if max_abs < 1.0 {
        1
    } else {
        max_abs.log10().floor() as i32 + 1
    };
    (SIGNIFICANT - int_digits).clamp(0, 4) as usize
}

/// The magnitude a column's decimals are chosen for: the largest of its cells' magnitudes
/// that lie within a factor [`OUTLIER`] of their median, so that one absurd cell (a
/// hand-edited 1e308) does not strip the decimals of every other cell of its variable
/// (hostile round 7 #8), while an ordinary column keeps its largest value's digits.
fn typical(mags: &mut [f64]) -> f64 {
    if mags.is_empty() {
        return 0.0;
    }
    mags.sort_by(f64::total_cmp);
    let median = mags[mags.len() / 2];
    mags.iter()
        .copied()
        .filter(|&m| m <= OUTLIER * median)
        .fold(median, f64::max)
}

/// How far above a column's median magnitude a cell may lie and still set its decimals.
const OUTLIER: f64 = 1000.0;

/// Above this magnitude a text cell is written in scientific notation: no reader counts 16
/// digits, and a value that large is an error to be seen, not read (the CSV form keeps the
/// file's fixed decimals).
const SCIENTIFIC_FROM: f64 = 1e15;

fn cell(x: f64, decimals: usize) -> String {
    if x.is_finite() && x.abs() >= SCIENTIFIC_FROM {
        format!("{x:.3e}")
    } else {
        fmt_fixed(x, decimals)
    }
}

fn width(s: &str) -> usize {
    s.chars().count()
}

/// Writes `text` into `line` from column `at`.
fn put(line: &mut Vec<char>, at: usize, text: &str) {
    let need = at + width(text);
    if line.len() < need {
        line.resize(need, ' ');
    }
    for (i, c) in text.chars().enumerate() {
        line[at + i] = c;
    }
}

/// Runs of consecutive columns with the same key, as `(first, last)`.
fn spans<K: PartialEq>(cols: &[Column], key: impl Fn(&Column) -> K) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, c) in cols.iter().enumerate() {
        match out.last_mut() {
            Some((s, e)) if key(&cols[*s]) == key(c) => *e = i,
            _ => out.push((i, i)),
        }
    }
    out
}

impl Table {
    /// The aligned text table: a header of (scenario,) variable, unit and statistic lines,
    /// then one line a month (`YYYY-MM`). Numbers are right-aligned with the same decimals
    /// down a column, chosen per variable and statistic across scenarios so that scenarios
    /// line up; an empty cell stays empty.
    pub fn text(&self) -> String {
        let multi = self.titled;
        let cols = &self.columns;
        // The mean and percentiles of a variable share their decimals (across scenarios
        // too); `sd` and the standard errors, on smaller scales, each get their own.
        let level = |stat: usize| stat == 0 || (2..=8).contains(&stat);
        let scale = |c: &Column| {
            (
                c.var.clone(),
                if level(c.stat) { None } else { Some(c.stat) },
            )
        };
        let mut digits = vec![4; cols.len()];
        for (i, c) in cols.iter().enumerate() {
            let mut mags: Vec<f64> = (0..cols.len())
                .filter(|&j| scale(&cols[j]) == scale(c))
                .flat_map(|j| self.rows.iter().filter_map(move |(_, r)| r[j]))
                .map(f64::abs)
                .collect();
            digits[i] = decimals(typical(&mut mags));
        }
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|(_, r)| {
                r.iter()
                    .zip(&digits)
                    .map(|(x, &d)| x.map_or_else(String::new, |x| cell(x, d)))
                    .collect()
            })
            .collect();
        let mut widths: Vec<usize> = cols
            .iter()
            .enumerate()
            .map(|(i, c)| {
                cells
                    .iter()
                    .map(|r| width(&r[i]))
                    .fold(width(BAND_COLUMNS[c.stat]), usize::max)
            })
            .collect();
        // The separator before each column: wider between variables, a bar between scenarios.
        let seps: Vec<&str> = (0..cols.len())
            .map(|i| match i.checked_sub(1).map(|p| &cols[p]) {
                None => "  ",
                Some(p) if p.group != cols[i].group => "  |  ",
                Some(p) if p.var != cols[i].var => "    ",
                Some(_) => "  ",
            })
            .collect();
        let var_spans = spans(cols, |c| (c.group, c.var.clone()));
        let group_spans = spans(cols, |c| c.group);
        let span_width = |widths: &[usize], (s, e): (usize, usize)| {
            (s..=e).map(|i| widths[i]).sum::<usize>()
                + (s + 1..=e).map(|i| seps[i].len()).sum::<usize>()
        };
        // A label wider than its columns widens them all alike (the last ones by one more).
        let widen = |widths: &mut Vec<usize>, (s, e): (usize, usize), label: usize| {
            let extra = label.saturating_sub(span_width(widths, (s, e)));
            let n = e - s + 1;
            for (k, w) in widths[s..=e].iter_mut().enumerate() {
                *w += extra / n + usize::from(k >= n - extra % n);
            }
        };
        for &(s, e) in &var_spans {
            let label = width(&cols[s].var).max(width(&cols[s].unit));
            widen(&mut widths, (s, e), label);
        }
        if multi {
            for (g, &span) in group_spans.iter().enumerate() {
                widen(&mut widths, span, width(&self.groups[g]));
            }
        }
        let date_w = 7;
        let mut pos = Vec::with_capacity(cols.len());
        let mut x = date_w;
        for i in 0..cols.len() {
            x += seps[i].len();
            pos.push(x);
            x += widths[i];
        }
        let bars = |line: &mut Vec<char>| {
            for i in 1..cols.len() {
                if cols[i].group != cols[i - 1].group {
                    put(line, pos[i] - 3, "|");
                }
            }
        };
        let mut lines: Vec<Vec<char>> = Vec::new();
        if multi {
            let mut l = Vec::new();
            for (g, &(s, _)) in group_spans.iter().enumerate() {
                put(&mut l, pos[s], &self.groups[g]);
            }
            lines.push(l);
        }
        let labels: [fn(&Column) -> &str; 2] = [|c| &c.var, |c| &c.unit];
        for label in labels {
            let mut l = Vec::new();
            for &(s, _) in &var_spans {
                put(&mut l, pos[s], label(&cols[s]));
            }
            lines.push(l);
        }
        let mut l = Vec::new();
        put(&mut l, 0, "date");
        for (i, c) in cols.iter().enumerate() {
            let name = BAND_COLUMNS[c.stat];
            put(&mut l, pos[i] + widths[i] - width(name), name);
        }
        lines.push(l);
        for ((m, _), r) in self.rows.iter().zip(&cells) {
            let mut l = Vec::new();
            put(&mut l, 0, &iso_month(*m));
            for (i, s) in r.iter().enumerate() {
                put(&mut l, pos[i] + widths[i] - width(s), s);
            }
            lines.push(l);
        }
        let mut out = String::new();
        for mut l in lines {
            if multi {
                bars(&mut l);
            }
            let s: String = l.into_iter().collect();
            out.push_str(s.trim_end());
            out.push('\n');
        }
        out
    }

    /// The table as CSV, in the format of every CSV file of a run (docs/outputs.md §3):
    /// `,`-separated, `.` as decimal mark, 4 decimals, dates `YYYY-MM-01`, an empty cell for
    /// an empty one. The header is `date`, then `<variable>_<stat> (<unit>)`, after
    /// `<scenario>: ` when several scenarios are shown.
    pub fn csv(&self) -> Vec<u8> {
        let multi = self.titled;
        let mut w = writer();
        let header = std::iter::once("date".to_string()).chain(self.columns.iter().map(|c| {
            let mut name = format!("{}_{}", c.var, BAND_COLUMNS[c.stat]);
            if !c.unit.is_empty() {
                name = format!("{name} ({})", c.unit);
            }
            if multi {
                format!("{}: {name}", self.groups[c.group])
            } else {
                name
            }
        }));
        w.write_record(header).expect("in-memory write");
        for (m, r) in &self.rows {
            let row = std::iter::once(iso_first(*m))
                .chain(r.iter().map(|x| x.map_or_else(String::new, fmt_num)));
            w.write_record(row).expect("in-memory write");
        }
        into_bytes(w)
    }
}
