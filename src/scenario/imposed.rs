//! `[brent] imposed = "<csv>"`: an observed monthly Brent path (model.md §4.8) that replaces the
//! simulated one. The file has the columns `date,usd_bbl[,source]` of `data/brent_monthly.csv`,
//! one row per consecutive month; every simulated month (and the month before the start, used
//! by the pre-step) must be covered, so a replay never silently falls back to a free Brent.

use crate::policy::calendar::{iso_month, month_idx, MonthIdx};
use crate::suggest::ShowPath;
use std::path::{Path, PathBuf};

/// An observed monthly Brent path, consecutive months from `first`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImposedBrent {
    pub path: PathBuf,
    pub first: MonthIdx,
    /// $/bbl, one per month from `first`.
    pub prices: Vec<f64>,
    /// The file's text as read: it is part of the scenario's fingerprint
    /// (`Scenario::resolved_text`, hostile round 9 #1).
    pub text: String,
}

/// A field quoted in a message, cut to 40 characters (a field may be megabytes long).
fn short(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// The first column name of a CSV header that repeats an earlier one, as the 0-based
/// positions of the two: a reader that looks columns up by name would take the first and
/// ignore the other. Empty names (trailing commas) are not looked up, so they may repeat.
pub fn repeated_column<'a>(head: impl Iterator<Item = &'a str>) -> Option<(usize, usize)> {
    let names: Vec<&str> = head.collect();
    (1..names.len()).find_map(|j| {
        let n = names[j];
        (!n.is_empty())
            .then(|| names[..j].iter().position(|h| *h == n))
            .flatten()
            .map(|i| (i, j))
    })
}

impl ImposedBrent {
    /// Reads and checks the CSV: header with `date` and `usd_bbl`, dates `YYYY-MM-01` (or
    /// `YYYY-MM`) in consecutive months, prices finite and > 0. The file is read under
    /// [`crate::bounded::IMPOSED`] (4 MiB), so `/dev/zero` or a huge file is refused.
    pub fn read(path: &Path) -> Result<ImposedBrent, String> {
        let read = crate::bounded::read(path, crate::bounded::IMPOSED).map_err(|e| {
            if e.is_limit() {
                format!("imposed Brent file: {e}")
            } else {
                format!("cannot read imposed Brent file {}: {e}", path.shown())
            }
        })?;
        Self::parse(path, &read.bytes)
    }

    /// [`ImposedBrent::read`] on bytes already read (`path` names them in messages).
    pub fn parse(path: &Path, bytes: &[u8]) -> Result<ImposedBrent, String> {
        let mut rd = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let head = rd
            .headers()
            .map_err(|e| format!("{}: bad CSV header: {e}", path.shown()))?
            .clone();
        // A repeated column is ambiguous: the first used to be read and the second silently
        // ignored (hostile round 9 #5).
        if let Some((i, j)) = repeated_column(head.iter()) {
            return Err(format!(
                "{}:1: the header names the column `{}` twice (columns {} and {}), so it is \
                 not clear which one holds the series; keep one `{}` column (rename or delete \
                 the other)",
                path.shown(),
                short(&head[j]),
                i + 1,
                j + 1,
                short(&head[j])
            ));
        }
        let col = |name: &str| {
            head.iter().position(|h| h == name).ok_or_else(|| {
                format!(
                    "{}: no `{name}` column (expected `date,usd_bbl,source`)",
                    path.shown()
                )
            })
        };
        let (dc, pc) = (col("date")?, col("usd_bbl")?);
        let mut first = None;
        let mut prices = Vec::new();
        for (i, rec) in rd.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| format!("{}:{line}: {e}", path.shown()))?;
            let d = rec.get(dc).unwrap_or("");
            let ym = d.strip_suffix("-01").filter(|s| s.len() == 7).unwrap_or(d);
            let m = month_idx(ym).map_err(|_| {
                format!(
                    "{}:{line}: bad date `{}`: expected `YYYY-MM-01` (or `YYYY-MM`)",
                    path.shown(),
                    short(d)
                )
            })?;
            let raw = rec.get(pc).unwrap_or("");
            let p: f64 = raw.parse().map_err(|_| {
                format!(
                    "{}:{line}: `usd_bbl` is not a number: `{}`",
                    path.shown(),
                    short(raw)
                )
            })?;
            if !(p.is_finite() && p > 0.0) {
                return Err(format!(
                    "{}:{line}: `usd_bbl` must be a finite price > 0, got {}",
                    path.shown(),
                    crate::suggest::Num(p)
                ));
            }
            // D227: the range the model clamps a free Brent to. An imposed price skips the
            // clamp, so a row of 1e6 gave revenue of $133,547 bn a month (hostile round 7);
            // an imposed 1e300 overflowed every money variable's moments.
            let (lo, hi) = (
                crate::market::brent::LN_P_MIN.exp(),
                crate::market::brent::LN_P_MAX.exp(),
            );
            if !(lo - 1e-9..=hi + 1e-9).contains(&p) {
                return Err(format!(
                    "{}:{line}: `usd_bbl` must lie in [{}, {}] $/bbl (the range the model \
                     holds Brent to), got {}; check the row's unit and decimal point",
                    path.shown(),
                    crate::suggest::Num(lo.round()),
                    crate::suggest::Num(hi.round()),
                    crate::suggest::Num(p)
                ));
            }
            let f = *first.get_or_insert(m);
            if m != f + prices.len() as i32 {
                return Err(format!(
                    "{}:{line}: month {} out of sequence (expected {}); the file must list \
                     consecutive months in order",
                    path.shown(),
                    iso_month(m),
                    iso_month(f + prices.len() as i32)
                ));
            }
            prices.push(p);
        }
        let Some(first) = first else {
            return Err(format!("{}: no data rows", path.shown()));
        };
        Ok(ImposedBrent {
            path: path.to_path_buf(),
            first,
            prices,
            // Every record parsed as UTF-8, so nothing is replaced.
            text: String::from_utf8_lossy(bytes).into_owned(),
        })
    }

    /// Price of `month`, if the file covers it.
    pub fn price(&self, month: MonthIdx) -> Option<f64> {
        let k = month - self.first;
        (k >= 0)
            .then(|| self.prices.get(k as usize).copied())
            .flatten()
    }

    pub fn last(&self) -> MonthIdx {
        self.first + self.prices.len() as i32 - 1
    }

    /// How many months from `start` on the file covers (with the month before `start`; 0
    /// when it does not cover that month or `start`).
    pub fn months_from(&self, start: MonthIdx) -> usize {
        if start - 1 < self.first {
            return 0;
        }
        usize::try_from(self.last() - start + 1).unwrap_or(0)
    }

    /// Checks that the months `start − 1 .. start + months − 1` are all covered.
    pub fn covers(&self, start: MonthIdx, months: usize) -> Result<(), String> {
        let (lo, hi) = (start - 1, start + months as i32 - 1);
        if lo < self.first || hi > self.last() {
            return Err(format!(
                "imposed Brent file {} covers {} … {}, but the scenario needs {} … {} \
                 (the month before the start, then every simulated month)",
                self.path.shown(),
                iso_month(self.first),
                iso_month(self.last()),
                iso_month(lo),
                iso_month(hi)
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(body: &str) -> (tempfile::TempDir, PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("b.csv");
        std::fs::write(&p, body).unwrap();
        (d, p)
    }

    #[test]
    fn reads_and_checks_coverage() {
        let (_d, p) =
            write("date,usd_bbl,source\n2024-01-01,80.1,x\n2024-02-01,83.5,x\n2024-03-01,85,x\n");
        let b = ImposedBrent::read(&p).unwrap();
        assert_eq!(b.price(month_idx("2024-02").unwrap()), Some(83.5));
        assert_eq!(b.price(month_idx("2024-04").unwrap()), None);
        assert!(b.covers(month_idx("2024-02").unwrap(), 2).is_ok());
        let e = b.covers(month_idx("2024-01").unwrap(), 2).unwrap_err();
        assert!(e.contains("2023-12"), "{e}");
    }

    #[test]
    fn rejects_gaps_and_bad_values() {
        let (_d, p) = write("date,usd_bbl\n2024-01-01,80\n2024-03-01,81\n");
        assert!(ImposedBrent::read(&p)
            .unwrap_err()
            .contains("out of sequence"));
        let (_d, p) = write("date,usd_bbl\n2024-01-01,-3\n");
        assert!(ImposedBrent::read(&p).unwrap_err().contains("> 0"));
        let (_d, p) = write("day,price\n2024-01-01,80\n");
        assert!(ImposedBrent::read(&p).unwrap_err().contains("`date`"));
        let long = "9".repeat(100_000);
        let (_d, p) = write(&format!("date,usd_bbl\n2024-01-01,{long}x\n{long}\n"));
        let e = ImposedBrent::read(&p).unwrap_err();
        assert!(e.len() < 300, "{e}");
    }

    #[test]
    fn large_and_endless_files_are_refused_unread() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("huge.csv");
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(5 << 20).unwrap();
        let e = ImposedBrent::read(&p).unwrap_err();
        assert!(
            e.contains("is 5.0 MiB") && e.contains("at most 4 MiB"),
            "{e}"
        );
        #[cfg(target_os = "linux")]
        {
            let e = ImposedBrent::read(Path::new("/dev/zero")).unwrap_err();
            assert!(e.contains("is not a regular file"), "{e}");
        }
    }
}
