//! Bytes of `sensitivity.csv` and `sensitivity_by_month.csv`, and the data of the tornado
//! chart. Pure: result in, bytes out. Same conventions as `summary.csv` (UTF-8, `\n`, header
//! row, `.` decimal mark, empty cell for a value that does not exist); measures have four
//! decimals, input values six (several inputs are rates near 0.01).

use super::inputs::{EventPart, Source};
use super::rank::VIF_WARN;
use super::SensResult;
use crate::output::csv::fmt_num;
use crate::output::csv::{fmt_fixed, into_bytes, writer};
use crate::policy::calendar::iso_first;

/// Header of `sensitivity.csv` (documented column by column in `docs/sensitivity.md`).
pub const SENSITIVITY_HEADER: [&str; 23] = [
    "rank",
    "input",
    "kind",
    "input_unit",
    "spearman",
    "prcc",
    "prcc_ci_low",
    "prcc_ci_high",
    "srrc",
    "srrc_se",
    "vif",
    "input_median",
    "swing_low_input",
    "swing_high_input",
    "target_at_low",
    "target_at_high",
    "swing_abs",
    "target_base",
    "target",
    "target_unit",
    "rank_r2",
    "paths",
    "note",
];

/// Header of `sensitivity_by_month.csv`.
pub const BY_MONTH_HEADER: [&str; 4] = ["date", "input", "prcc", "srrc"];

fn fmt_input(x: f64) -> String {
    fmt_fixed(x, 6)
}

fn note(r: &SensResult, i: usize) -> String {
    let mut notes = Vec::new();
    if let Some(e) = r.excluded[i] {
        notes.push(e.note().to_string());
    }
    let vif = r.fit.inputs[i].vif;
    if vif > VIF_WARN {
        notes.push(format!(
            "VIF {vif:.1}: strongly related to other inputs, the SRRC is unstable (read PRCC and spearman)"
        ));
    }
    if r.swings[i].is_none() {
        let inp = &r.inputs[i];
        if matches!(inp.source, Source::Shock(_)) {
            notes.push(
                "no swing: a summary of the path's monthly draws, not a drawn input; read its \
                 rank measures"
                    .into(),
            );
        } else if inp.dist.is_none() {
            notes.push("no swing: tree draws share one stream and cannot be set alone".into());
        } else {
            notes.push("no swing: outside the swung top inputs (see --swing-top)".into());
        }
    }
    notes.join("; ")
}

/// `sensitivity.csv`: one row per input, in ranking order.
pub fn sensitivity_csv(r: &SensResult) -> Vec<u8> {
    let mut w = writer();
    w.write_record(SENSITIVITY_HEADER)
        .expect("writing CSV into memory cannot fail");
    let used = r.paths - r.dropped;
    for (rank, &i) in r.order.iter().enumerate() {
        let inp = &r.inputs[i];
        let m = &r.fit.inputs[i];
        let s = r.swings[i];
        let median = super::inputs::median_value(inp);
        let row: Vec<String> = vec![
            (rank + 1).to_string(),
            inp.name.clone(),
            inp.kind.to_string(),
            inp.unit.clone(),
            fmt_num(m.spearman),
            fmt_num(m.prcc),
            fmt_num(m.prcc_ci_low),
            fmt_num(m.prcc_ci_high),
            fmt_num(m.srrc),
            fmt_num(m.srrc_se),
            fmt_num(m.vif),
            median.map_or(String::new(), fmt_input),
            s.map_or(String::new(), |s| fmt_input(s.low_input)),
            s.map_or(String::new(), |s| fmt_input(s.high_input)),
            s.map_or(String::new(), |s| fmt_num(s.at_low)),
            s.map_or(String::new(), |s| fmt_num(s.at_high)),
            s.map_or(String::new(), |s| fmt_num(s.abs())),
            fmt_num(r.base),
            r.target_label.clone(),
            r.target_unit.clone(),
            fmt_num(r.fit.r2),
            used.to_string(),
            note(r, i),
        ];
        w.write_record(&row)
            .expect("writing CSV into memory cannot fail");
    }
    into_bytes(w)
}

/// `sensitivity_by_month.csv`: months outer, inputs in ranking order; `None` without by-month
/// fits.
pub fn by_month_csv(r: &SensResult) -> Option<Vec<u8>> {
    let fits = r.by_month.as_ref()?;
    let mut w = writer();
    w.write_record(BY_MONTH_HEADER)
        .expect("writing CSV into memory cannot fail");
    for (t, fit) in fits.iter().enumerate() {
        let date = iso_first(r.start + t as i32);
        for &i in &r.order {
            let (prcc, srrc) = fit.as_ref().map_or((f64::NAN, f64::NAN), |f| {
                (f.inputs[i].prcc, f.inputs[i].srrc)
            });
            w.write_record([
                date.clone(),
                r.inputs[i].name.clone(),
                fmt_num(prcc),
                fmt_num(srrc),
            ])
            .expect("writing CSV into memory cannot fail");
        }
    }
    Some(into_bytes(w))
}

/// One bar of the tornado chart (the fields of `charts::TornadoBar`).
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoBarData {
    pub input: String,
    pub low_label: String,
    pub high_label: String,
    pub at_low: f64,
    pub at_high: f64,
}

/// The tornado chart's data (the fields of `charts::TornadoSpec`): swung inputs by
/// |at_high − at_low| descending (ties in ranking order).
#[derive(Debug, Clone, PartialEq)]
pub struct TornadoData {
    pub title: String,
    pub target_label: String,
    pub base: f64,
    pub bars: Vec<TornadoBarData>,
}

fn label(v: f64, happens: bool, which: &str) -> String {
    if happens {
        if v > 0.5 {
            "happens"
        } else {
            "does not happen"
        }
        .to_string()
    } else {
        format!("{which} {}", trim_num(v))
    }
}

/// Up to 4 significant decimals without trailing zeros, for chart labels.
fn trim_num(v: f64) -> String {
    let s = if v.abs() >= 100.0 {
        format!("{v:.1}")
    } else if v.abs() >= 1.0 {
        format!("{v:.2}")
    } else {
        format!("{v:.4}")
    };
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    };
    if s == "-0" {
        "0".into()
    } else {
        s
    }
}

pub fn tornado_data(r: &SensResult) -> TornadoData {
    let mut bars: Vec<(usize, TornadoBarData, f64)> = r
        .order
        .iter()
        .enumerate()
        .filter_map(|(k, &i)| {
            let s = r.swings[i]?;
            let happens = matches!(r.inputs[i].source, Source::Event(_, EventPart::Happens));
            Some((
                k,
                TornadoBarData {
                    input: r.inputs[i].name.clone(),
                    low_label: label(s.low_input, happens, "p10"),
                    high_label: label(s.high_input, happens, "p90"),
                    at_low: s.at_low,
                    at_high: s.at_high,
                },
                s.abs(),
            ))
        })
        .collect();
    bars.sort_by(|a, b| b.2.total_cmp(&a.2).then(a.0.cmp(&b.0)));
    TornadoData {
        title: format!("{}: what drives {}", r.scenario, r.target),
        target_label: format!("{} ({})", r.target_label, r.target_unit),
        base: r.base,
        bars: bars.into_iter().map(|(_, b, _)| b).collect(),
    }
}
