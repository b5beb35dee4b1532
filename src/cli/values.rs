//! Value parsers for the numeric flags. Their errors say the rule in words ("a whole number
//! of at least 1", "from 1 to 1200"): clap's own range parser prints
//! `1..18446744073709551615`. Negative numbers reach these parsers (the flags allow them), so
//! `--paths -5` is told the rule instead of "unexpected argument '-5'".

/// A whole number in `lo..=hi` (`hi = None`: no upper bound beyond u64).
fn whole(s: &str, lo: u64, hi: Option<u64>) -> Result<u64, String> {
    let rule = match (lo, hi) {
        (0, None) => "must be a whole number, 0 or more".to_string(),
        (lo, None) => format!("must be a whole number of at least {lo}"),
        (lo, Some(hi)) => format!("must be a whole number from {lo} to {hi}"),
    };
    let t = s.trim();
    let v: u64 = match t.parse::<u64>() {
        Ok(v) => v,
        Err(_) => {
            // Say why, for the readings people try: a sign, a decimal point, an exponent.
            let why = match t.parse::<f64>() {
                Ok(x) if x < 0.0 => "it is negative".to_string(),
                Ok(x) if x.is_finite() && x.fract() == 0.0 && x < 1.8e19 => {
                    format!("write it without an exponent or decimal point: {x:.0}")
                }
                Ok(x) if x.is_finite() && x >= 1.8e19 => "it is too large".to_string(),
                Ok(_) => "it is not whole".to_string(),
                Err(_) if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) => {
                    "it is too large".to_string()
                }
                Err(_) => "it is not a number".to_string(),
            };
            return Err(format!("{rule}; {why}"));
        }
    };
    if v < lo || hi.is_some_and(|h| v > h) {
        return Err(rule);
    }
    Ok(v)
}

/// Paths, `--max-paths`, `--sample-paths`, backtest and calibrate paths: at least 1.
pub fn at_least_1(s: &str) -> Result<u64, String> {
    whole(s, 1, None)
}

/// `--months`: 1 to 1200, the scenario file's own limit.
pub fn months(s: &str) -> Result<u64, String> {
    whole(s, 1, Some(1200))
}

/// `--threads`: 1 to 1024.
pub fn threads(s: &str) -> Result<u64, String> {
    whole(s, 1, Some(1024))
}

/// The largest seed: a scenario file's `seed` is a TOML integer, at most `i64::MAX`, so a
/// run of any `--seed` can be written back as a scenario file (D151).
pub const MAX_SEED: u64 = i64::MAX as u64;

/// `--seed` of every command: 0 to [`MAX_SEED`], the range of a scenario file's `seed`.
pub fn seed(s: &str) -> Result<u64, String> {
    whole(s, 0, Some(MAX_SEED)).map_err(|e| {
        // The range's reason after the rule, before why this value breaks it.
        let (rule, why) = e.split_once("; ").map_or((e.as_str(), ""), |(r, w)| (r, w));
        let why = if why.is_empty() { String::new() } else { format!("; {why}") };
        format!("{rule} (the range of `seed` in a scenario file, whose integers are 64-bit signed){why}")
    })
}

/// `--swing-paths`, `--swing-top`: any whole number from 0.
pub fn zero_or_more(s: &str) -> Result<u64, String> {
    whole(s, 0, None)
}

/// `--swing-top` is a count of inputs (a `usize`).
pub fn zero_or_more_usize(s: &str) -> Result<usize, String> {
    whole(s, 0, None).and_then(|v| usize::try_from(v).map_err(|_| "it is too large".into()))
}

/// `sensitivity --year`: a year of the calendar that dates live in, 1900 to 2200. It was
/// the one numeric flag left on Rust's own parser ("invalid digit found in string",
/// hostile round 13 F7).
pub fn year(s: &str) -> Result<i32, String> {
    whole(s, 1900, Some(2200))
        .map(|v| v as i32)
        .map_err(|e| e.replacen("a whole number", "a year", 1))
}

/// `--sweeps`: 1 to 10.
pub fn sweeps(s: &str) -> Result<u64, String> {
    whole(s, 1, Some(10))
}

/// `--precision`: a relative standard error, a number > 0 (0.01 = 1%).
pub fn relative_error(s: &str) -> Result<f64, String> {
    const RULE: &str = "must be a number > 0, a relative standard error such as 0.01 (1%)";
    let t = s.trim();
    if let Some(p) = t.strip_suffix('%') {
        return match p.trim().parse::<f64>() {
            Ok(x) if x.is_finite() && x > 0.0 => Err(format!(
                "{RULE}; write the fraction: {}",
                crate::suggest::Num(crate::suggest::percent_to_fraction(x))
            )),
            _ => Err(RULE.into()),
        };
    }
    match t.parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        _ => Err(RULE.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_in_words() {
        assert_eq!(at_least_1("5"), Ok(5));
        assert_eq!(
            at_least_1("0").unwrap_err(),
            "must be a whole number of at least 1"
        );
        assert!(at_least_1("-3").unwrap_err().contains("negative"));
        assert!(at_least_1("1e4").unwrap_err().contains(": 10000"));
        assert!(at_least_1("2.5").unwrap_err().contains("not whole"));
        assert!(at_least_1("99999999999999999999999")
            .unwrap_err()
            .contains("too large"));
        assert!(months("1201").unwrap_err().contains("from 1 to 1200"));
        assert!(zero_or_more("x").unwrap_err().contains("0 or more"));
        assert_eq!(seed("9223372036854775807"), Ok(MAX_SEED));
        for s in [
            "9223372036854775808",
            "18446744073709551615",
            "99999999999999999999",
        ] {
            assert!(seed(s)
                .unwrap_err()
                .contains("from 0 to 9223372036854775807 (the range of `seed`"));
        }
        assert!(seed("-1").unwrap_err().ends_with("signed); it is negative"));
        assert_eq!(relative_error("0.01"), Ok(0.01));
        assert!(relative_error("1%").unwrap_err().contains("0.01"));
        assert!(relative_error("1.3%")
            .unwrap_err()
            .ends_with("write the fraction: 0.013"));
        assert!(relative_error("0").is_err());
        for s in ["0", "-1", "1e99999", "x", "1200000"] {
            for e in [at_least_1(s).err(), months(s).err(), threads(s).err()]
                .into_iter()
                .flatten()
            {
                assert!(!e.contains("18446744073709551615"), "{e}");
            }
        }
    }
}
