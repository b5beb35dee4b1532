//! What `show` prints: the statistics of `--stat`, the variables of `--var` (names, comma
//! lists and `*` patterns, or the charts' key variables) and the months of `--from`/`--to`.

use super::read::SummaryFile;
use super::ShowError;
use crate::output::charts::key_variable_names;
use crate::output::csv::BAND_COLUMNS;
use crate::policy::calendar::{iso_month, month_idx, MonthIdx};

/// The statistics `show` prints unless told otherwise.
pub const DEFAULT_STATS: &str = "p10,p50,p90";

/// The statistics `show` prints of a comparison (`compare.csv`) unless told otherwise: the mean
/// difference and its 80 % band.
pub const COMPARE_DEFAULT_STATS: &str = "mean,p10,p90";

/// `--stat` values (each a comma list) as indices into [`BAND_COLUMNS`], in the order given,
/// each once.
pub fn stats(lists: &[String]) -> Result<Vec<usize>, ShowError> {
    let mut out = Vec::new();
    for s in lists.iter().flat_map(|l| l.split(',')).map(str::trim) {
        if s.is_empty() {
            continue;
        }
        let k = BAND_COLUMNS
            .iter()
            .position(|c| c.eq_ignore_ascii_case(s))
            .ok_or_else(|| ShowError::UnknownStat {
                stat: s.to_string(),
                hint: stat_hint(s),
            })?;
        if !out.contains(&k) {
            out.push(k);
        }
    }
    if out.is_empty() {
        return Err(ShowError::NoStat);
    }
    Ok(out)
}

/// Statistics by another name, each pointed at the column that *is* it rather than at the
/// nearest spelling (`median` is one letter from `mean`, hostile round 7 #8).
const STAT_SYNONYMS: [(&str, &str); 10] = [
    ("median", "p50"),
    ("med", "p50"),
    ("q50", "p50"),
    ("avg", "mean"),
    ("average", "mean"),
    ("std", "sd"),
    ("stdev", "sd"),
    ("stddev", "sd"),
    ("se", "mc_se_mean"),
    ("mcse", "mc_se_mean"),
];

/// A did-you-mean for a statistic: `p5` means `p05` (the nearest by spelling is `p50`),
/// `median` means `p50`, `q10` means `p10`.
fn stat_hint(s: &str) -> String {
    if let Some((_, to)) = STAT_SYNONYMS
        .iter()
        .find(|(from, _)| from.eq_ignore_ascii_case(s))
    {
        return format!(" (did you mean `{to}`?)");
    }
    if let Some(rest) = s.strip_prefix(['q', 'Q']) {
        let p = format!("p{rest}");
        if BAND_COLUMNS.contains(&p.as_str()) {
            return format!(" (did you mean `{p}`?)");
        }
    }
    let b = s.as_bytes();
    if b.len() == 2 && b[0].eq_ignore_ascii_case(&b'p') && b[1].is_ascii_digit() {
        let padded = format!("p0{}", b[1] as char);
        if BAND_COLUMNS.contains(&padded.as_str()) {
            return format!(" (did you mean `{padded}`?)");
        }
    }
    crate::suggest::did_you_mean(s, &BAND_COLUMNS)
}

/// `--var` values split at commas, trimmed, each once.
pub fn var_words(lists: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in lists.iter().flat_map(|l| l.split(',')).map(str::trim) {
        if !w.is_empty() && !out.iter().any(|o| o == w) {
            out.push(w.to_string());
        }
    }
    out
}

/// Whether `name` matches `pattern`, where `*` stands for any text (also none).
pub fn glob(pattern: &str, name: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if parts.len() == 1 {
        return pattern == name;
    }
    if name.len() < first.len() + last.len() || !name.starts_with(first) || !name.ends_with(last) {
        return false;
    }
    let mut rest = &name[first.len()..name.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// Every variable of the files, in the order of the first file's rows, then the new ones of
/// each later file.
fn all_names(files: &[SummaryFile]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for b in files.iter().flat_map(|f| &f.scenarios) {
        for (n, _) in &b.vars {
            if !out.contains(&n.as_str()) {
                out.push(n);
            }
        }
    }
    out
}

/// The variables to print. A name must be in every file (else an error naming the file
/// and the nearest names); a `*` pattern must match some variable of some file; no word
/// means the key variables of the charts and `report.html` that the files have.
pub fn variables(words: &[String], files: &[SummaryFile]) -> Result<Vec<String>, ShowError> {
    let names = all_names(files);
    let listed = || {
        files
            .iter()
            .map(|f| format!("`{}`", f.file))
            .collect::<Vec<_>>()
            .join(", ")
    };
    if words.is_empty() {
        let keys: Vec<String> = key_variable_names()
            .into_iter()
            .filter(|k| names.contains(&k.as_str()))
            .collect();
        if keys.is_empty() {
            return Err(ShowError::NoKeyVariables { files: listed() });
        }
        return Ok(keys);
    }
    let mut out: Vec<String> = Vec::new();
    let mut push = |n: &str| {
        if !out.iter().any(|o| o == n) {
            out.push(n.to_string());
        }
    };
    for w in words {
        if w.contains('*') {
            let found: Vec<&str> = names.iter().copied().filter(|n| glob(w, n)).collect();
            if found.is_empty() {
                return Err(ShowError::NoMatch {
                    pattern: w.clone(),
                    files: listed(),
                });
            }
            found.into_iter().for_each(&mut push);
            continue;
        }
        for f in files {
            for b in &f.scenarios {
                if b.var(w).is_none() {
                    let have: Vec<&str> = b.vars.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(ShowError::UnknownVariable {
                        var: w.clone(),
                        file: f.file.clone(),
                        hint: crate::suggest::did_you_mean_variable(w, &have),
                    });
                }
            }
        }
        push(w);
    }
    Ok(out)
}

/// Every month of the files from `from` to `to` (inclusive, `YYYY-MM`), ascending. A bound
/// must be a month of some file.
pub fn months(
    files: &[SummaryFile],
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<MonthIdx>, ShowError> {
    let mut all: Vec<MonthIdx> = files
        .iter()
        .flat_map(|f| &f.scenarios)
        .flat_map(|b| b.months.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    let bound = |flag: &'static str, s: Option<&str>| -> Result<Option<MonthIdx>, ShowError> {
        let Some(s) = s else { return Ok(None) };
        let m = month_idx(s).map_err(|e| ShowError::BadMonth { flag, msg: e })?;
        if all.binary_search(&m).is_err() {
            let have = files
                .iter()
                .map(|f| match f.span() {
                    Some((a, b)) => {
                        format!("`{}` has {} to {}", f.file, iso_month(a), iso_month(b))
                    }
                    None => format!("`{}` has no months", f.file),
                })
                .collect::<Vec<_>>()
                .join("; ");
            return Err(ShowError::MonthOutside {
                flag,
                month: s.trim().to_string(),
                have,
            });
        }
        Ok(Some(m))
    };
    let lo = bound("--from", from)?;
    let hi = bound("--to", to)?;
    if let (Some(a), Some(b)) = (lo, hi) {
        if a > b {
            return Err(ShowError::Reversed {
                from: iso_month(a),
                to: iso_month(b),
            });
        }
    }
    all.retain(|m| lo.is_none_or(|a| *m >= a) && hi.is_none_or(|b| *m <= b));
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob("flow_*", "flow_india_mbd"));
        assert!(glob("*_mbd", "flow_india_mbd"));
        assert!(glob("flow_*_mbd", "flow_india_mbd"));
        assert!(glob("*india*", "flow_india_mbd"));
        assert!(glob("*", "x"));
        assert!(!glob("flow_*", "arrivals_india_mbd"));
        assert!(!glob("flow_*_usd", "flow_india_mbd"));
        assert!(!glob("a*a", "a"));
        assert!(glob("a*a", "aa"));
        assert!(!glob("flow_india", "flow_india_mbd"));
    }

    #[test]
    fn stat_lists() {
        let s = |v: &[&str]| stats(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(s(&["p10,p50,p90"]).unwrap(), [3, 5, 7]);
        assert_eq!(s(&["mean", " SD ,mean", "mc_se_p50"]).unwrap(), [0, 1, 10]);
        let e = s(&["p5"]).unwrap_err().to_string();
        assert!(e.contains("did you mean `p05`?"), "{e}");
        assert!(e.contains("mean, sd, p05"), "{e}");
        assert!(matches!(s(&[" , "]), Err(ShowError::NoStat)));
    }

    #[test]
    fn var_words_split_and_dedupe() {
        let w = var_words(&["a,b".into(), " b , c".into(), ",".into()]);
        assert_eq!(w, ["a", "b", "c"]);
    }
}
