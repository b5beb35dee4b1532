//! The names a market file gives output variables (D143), split from `check.rs`: each
//! `report_as` follows the rules of `[[output]] variable`, and no two variables share a name.

use super::check::MarketProblem;
use super::{Market, MarketFile};

/// The longest `report_as` accepted: it prefixes column names and chart file names.
const REPORT_AS_MAX: usize = 32;

/// D143: a buyer's or basin's `report_as` becomes the stem of output variable names
/// (`<x>_import_bill_usd_bn`, `<x>_discount_usd_bbl`), so it follows the rules of
/// `[[output]] variable`: lower-case letters, digits and `_`, starting with a letter, and
/// unique, so that no two series share a column (hostile report, finding 3: two buyers with
/// `report_as = "india"` wrote two series under one name; `"../../evil"` and `"=cmd|calc"`
/// reached file names and spreadsheet cells). A row without `report_as` is named by its
/// lower-case id, which must not be taken either.
pub(super) fn check_report_as(f: &MarketFile, errs: &mut Vec<MarketProblem>) {
    let buyers: Vec<(Option<&str>, &str)> = f
        .buyer
        .iter()
        .map(|b| (b.report_as.as_deref(), b.id.as_str()))
        .collect();
    let basins: Vec<(Option<&str>, &str)> = f
        .basin
        .iter()
        .map(|b| (b.report_as.as_deref(), b.id.as_str()))
        .collect();
    for (table, rows, other, other_table) in [
        ("buyer", &buyers, &basins, "basin"),
        ("basin", &basins, &buyers, "buyer"),
    ] {
        let name =
            |r: &(Option<&str>, &str)| r.0.map_or_else(|| r.1.to_lowercase(), str::to_string);
        for (i, row) in rows.iter().enumerate() {
            let Some(x) = row.0 else { continue };
            let shown: String = x.escape_default().take(40).collect();
            let charset_ok = x.len() <= REPORT_AS_MAX
                && x.starts_with(|c: char| c.is_ascii_lowercase())
                && x.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            let problem = if !charset_ok {
                Some(format!(
                    "{table} `{}` report_as \"{shown}\" is not a usable variable name: it \
                     starts the output variables (e.g. `{{report_as}}{}`), so it must be \
                     1-{REPORT_AS_MAX} lower-case letters, digits or `_`, starting with a \
                     letter (e.g. `report_as = \"{}\"`)",
                    row.1,
                    if table == "buyer" {
                        "_import_bill_usd_bn"
                    } else {
                        "_discount_usd_bbl"
                    },
                    suggested_report_as(x, row.1)
                ))
            } else if let Some(j) = rows[..i].iter().position(|r| name(r) == x) {
                Some(format!(
                    "{table} `{}` report_as \"{x}\" is already the name of {table} `{}`: two \
                     {table}s would write their series under one variable name; give each \
                     {table} its own `report_as`",
                    row.1, rows[j].1
                ))
            } else if let Some(j) = rows[i + 1..]
                .iter()
                .position(|r| r.0.is_none() && r.1.to_lowercase() == x)
            {
                Some(format!(
                    "{table} `{}` report_as \"{x}\" is the name of {table} `{}` (which has no \
                     `report_as` and is named by its lower-case id): give each {table} its own \
                     name",
                    row.1,
                    rows[i + 1 + j].1
                ))
            } else {
                other.iter().find(|r| name(r) == x).map(|o| {
                    format!(
                        "{table} `{}` report_as \"{x}\" is also the name of {other_table} \
                         `{}`: a buyer and a basin sharing a name make the output ambiguous; \
                         rename one",
                        row.1, o.1
                    )
                })
            };
            if let Some(msg) = problem {
                errs.push(MarketProblem::at(table, i, "report_as", msg));
            }
        }
    }
}

/// A `report_as` to suggest in place of `x` for the row with id `id`: the lower-case letters,
/// digits and `_` of `x`, or of the id when `x` has none.
fn suggested_report_as(x: &str, id: &str) -> String {
    let keep = |t: &str| -> String {
        t.to_lowercase()
            .chars()
            .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_')
            .collect()
    };
    let k = keep(x);
    let s = if k.is_empty() { keep(id) } else { k };
    let s: String = s.chars().take(REPORT_AS_MAX).collect();
    if s.starts_with(|c: char| c.is_ascii_lowercase()) {
        s
    } else {
        format!("x{s}").chars().take(REPORT_AS_MAX).collect()
    }
}

/// The last guard of D143: no two output variables share a name (a `report_as` stem plus a
/// suffix can spell another row's variable or a built-in one, e.g. a basin `brent`). The
/// clash is blamed on the `report_as` (or `[[output]] variable`) that starts the later name.
pub(super) fn clashing_variables(m: &Market) -> Result<(), Vec<MarketProblem>> {
    let vars = crate::market::vars::variables(m);
    let mut seen = std::collections::HashSet::new();
    for v in &vars {
        if seen.insert(v.name.as_str()) {
            continue;
        }
        let name = v.name.as_str();
        let mut at = None;
        for (i, o) in m.outputs.iter().enumerate() {
            if o.0 == name {
                at = Some(("output", i, "variable"));
            }
        }
        for (table, rows) in [
            (
                "buyer",
                m.buyers
                    .iter()
                    .map(|b| b.report_as.as_deref())
                    .collect::<Vec<_>>(),
            ),
            (
                "basin",
                m.basins.iter().map(|b| b.report_as.as_deref()).collect(),
            ),
        ] {
            for (i, x) in rows.iter().enumerate() {
                if x.is_some_and(|x| name.starts_with(&format!("{x}_"))) {
                    at = at.or(Some((table, i, "report_as")));
                }
            }
        }
        // Blame a `report_as` or `[[output]]` only when one starts the name (hostile round 9
        // #5: two ids equal but for case were blamed on them, at 1:1).
        return Err(vec![match at {
            Some((t, i, k)) => MarketProblem::at(
                t,
                i,
                k,
                format!(
                    "output variable `{name}` would be written twice: a `report_as` or \
                     `[[output]] variable` spells the name of another series; rename it"
                ),
            ),
            None => MarketProblem::whole(format!(
                "output variable `{name}` would be written twice: two rows of the market \
                 file give a series this name (ids are written in lower case in variable \
                 names); give the basins, buyers and pipelines ids that differ beyond case"
            )),
        }]);
    }
    Ok(())
}
