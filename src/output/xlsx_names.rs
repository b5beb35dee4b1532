//! Sheet names of the results workbooks and their `index` sheet (D218).
//!
//! A sheet keeps the name it has always had whenever that name fits Excel's 31 characters and
//! is free (sheet names are contracts: formulas and scripts refer to them). A name that would
//! be cut is built instead as `<shortened head>[~k] <table>`: the table's part (`summary`,
//! `totals`, …) stays whole at the end, and the head (the by-outcome folder, or the scenario)
//! is shortened word by word rather than cut at the end, because cutting at the end removes
//! exactly what tells sibling sheets apart (`…=entered` and `…=not_entered`, the month of a
//! `.by_YYYY-MM` selector). The `index` sheet then gives every sheet's full description.

use super::xlsx::{clean_sheet_name, unique_sheet_name, Cell, MAX_SHEET_NAME};
use std::collections::BTreeSet;

/// The name of the index sheet.
pub const INDEX: &str = "index";

/// Columns of the index sheet; `table`, `selector` and `outcome` were appended to the
/// combined workbook's `sheet,scenario,file` (D218).
pub const INDEX_HEADER: [&str; 6] = ["sheet", "scenario", "file", "table", "selector", "outcome"];

/// What a listed file holds: its table (the file's stem, `manifest` for `manifest.json`) and,
/// for a conditional band `by_outcome/<selector>=<outcome>/<table>.csv`, its selector and
/// outcome (empty otherwise).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
    pub table: String,
    pub selector: String,
    pub outcome: String,
}

/// The [`Parts`] of a listed file.
pub fn parts(file: &str) -> Parts {
    let stem = |t: &str| {
        let t = t.strip_suffix(".csv").unwrap_or(t);
        t.strip_suffix(".json").unwrap_or(t).to_string()
    };
    let segs: Vec<&str> = file.split('/').collect();
    match segs.as_slice() {
        ["by_outcome", folder, table] => {
            let (selector, outcome) = folder.rsplit_once('=').unwrap_or((folder, ""));
            Parts {
                table: stem(table),
                selector: selector.to_string(),
                outcome: outcome.to_string(),
            }
        }
        _ => Parts {
            table: stem(segs.last().copied().unwrap_or(file)),
            selector: String::new(),
            outcome: String::new(),
        },
    }
}

/// The by-outcome folder of `file` (`<selector>=<outcome>`), if it is in one.
pub fn outcome_folder(file: &str) -> Option<&str> {
    match file.split('/').collect::<Vec<_>>().as_slice() {
        ["by_outcome", folder, _] => Some(folder),
        _ => None,
    }
}

/// `.by_YYYY-MM` written `@YYYY-MM`, the selector's command-line spelling: three characters
/// shorter and as clear.
fn at_month(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    while let Some(i) = rest.find(".by_") {
        let month = rest[i + 4..].get(..7).unwrap_or("");
        let b = month.as_bytes();
        let is_month = b.len() == 7
            && b[4] == b'-'
            && b.iter()
                .enumerate()
                .all(|(k, c)| k == 4 || c.is_ascii_digit());
        out.push_str(&rest[..i]);
        out.push_str(if is_month { "@" } else { ".by_" });
        rest = &rest[i + 4..];
    }
    out.push_str(rest);
    out
}

/// `prefix` then `head` in at most `room` characters. Runs of letters lose their last letter
/// one at a time, the longest first (the leftmost of equals): first those of `head`, down to
/// three letters, then every run, down to one, so a scenario's prefix is shortened only when
/// the head is already short. Digits (dates) and separators stay whole; only if that is not
/// enough is the end cut.
fn abbreviate(prefix: &str, head: &str, room: usize) -> String {
    let chars: Vec<char> = prefix.chars().chain(head.chars()).collect();
    let head_from = prefix.chars().count();
    // (start, letters kept, letters) of each run of letters.
    let mut words: Vec<(usize, usize, usize)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let start = i;
        while i < chars.len() && chars[i].is_alphabetic() {
            i += 1;
        }
        if i > start {
            words.push((start, i - start, i - start));
        } else {
            i += 1;
        }
    }
    let mut len = chars.len();
    for (from, floor) in [(head_from, 3), (0, 1)] {
        while len > room {
            let longest = (0..words.len())
                .filter(|&w| words[w].0 >= from && words[w].1 > floor)
                .max_by_key(|&w| (words[w].1, std::cmp::Reverse(w)));
            let Some(w) = longest else { break };
            words[w].1 -= 1;
            len -= 1;
        }
    }
    let dropped = |k: usize| words.iter().any(|&(s, keep, n)| k >= s + keep && k < s + n);
    chars
        .iter()
        .enumerate()
        .filter(|&(k, _)| !dropped(k))
        .map(|(_, c)| *c)
        .take(room)
        .collect()
}

/// How a sheet is named when its usual name does not fit: `prefix` (a scenario in a workbook
/// of several) and `head` (a by-outcome folder, or the scenario), shortened, then the table.
#[derive(Debug, Clone, Copy)]
pub struct Short<'a> {
    pub prefix: &'a str,
    pub head: &'a str,
    pub table: &'a str,
}

/// `<prefix head shortened>[~k] <table>` in at most 31 characters (`~k` only for `k > 1`). A
/// table name too long to leave room for a head is cut like any other name.
pub fn fitted_name(s: Short, k: usize) -> String {
    let tag = if k > 1 {
        format!("~{k}")
    } else {
        String::new()
    };
    let tail = format!("{tag} {}", s.table);
    let room = MAX_SHEET_NAME.saturating_sub(tail.chars().count());
    if (s.prefix.is_empty() && s.head.is_empty()) || room < 4 {
        return clean_sheet_name(&format!("{}{tag}", s.table));
    }
    let head = abbreviate(s.prefix, &at_month(s.head), room);
    clean_sheet_name(&format!("{head}{tail}"))
}

/// Names the sheets of one workbook in order and keeps the rows of its `index` sheet.
#[derive(Debug, Clone)]
pub struct Namer {
    taken: Vec<String>,
    rows: Vec<Vec<Cell>>,
    shortened: bool,
    folders: BTreeSet<String>,
}

impl Default for Namer {
    fn default() -> Namer {
        Namer::new()
    }
}

impl Namer {
    /// No sheet named yet; `index` is reserved.
    pub fn new() -> Namer {
        Namer {
            taken: vec![INDEX.to_string()],
            rows: Vec::new(),
            shortened: false,
            folders: BTreeSet::new(),
        }
    }

    /// The name of the next sheet, which holds `file` of `scenario`: `preferred` (its name
    /// before D218) when that fits and is free, else [`fitted_name`]`(short, k)` with the
    /// first `k` that is free. Records the sheet's index row.
    pub fn name(&mut self, scenario: &str, file: &str, preferred: &str, short: Short) -> String {
        let free = |n: &str, taken: &[String]| !taken.iter().any(|t| t.eq_ignore_ascii_case(n));
        let name = if clean_sheet_name(preferred) == preferred && free(preferred, &self.taken) {
            preferred.to_string()
        } else {
            self.shortened = true;
            (1..1000)
                .map(|k| fitted_name(short, k))
                .find(|n| free(n, &self.taken))
                .unwrap_or_else(|| {
                    let taken: Vec<&str> = self.taken.iter().map(String::as_str).collect();
                    unique_sheet_name(&taken, preferred)
                })
        };
        if let Some(f) = outcome_folder(file) {
            self.folders.insert(format!("{scenario}/{f}"));
        }
        let p = parts(file);
        self.rows.push(
            [&name, scenario, file, &p.table, &p.selector, &p.outcome]
                .map(|s| Cell::Text(s.to_string()))
                .to_vec(),
        );
        self.taken.push(name.clone());
        name
    }

    /// Whether the workbook needs its `index`: a name was shortened, or the sheets come from
    /// more than one folder (the result folder and its by-outcome folders).
    pub fn needs_index(&self) -> bool {
        self.shortened || !self.folders.is_empty()
    }

    /// The `index` sheet's rows, header first: one row per named sheet, in order.
    pub fn index_rows(&self) -> Vec<Vec<Cell>> {
        let header = INDEX_HEADER.map(|h| Cell::Text(h.to_string())).to_vec();
        std::iter::once(header).chain(self.rows.clone()).collect()
    }
}

#[cfg(test)]
#[path = "xlsx_names_tests.rs"]
mod tests;
