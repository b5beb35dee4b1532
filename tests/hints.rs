//! Every hint names the right key (decisions D75–D77), checked over generated misspellings
//! rather than a few examples: case changes, dropped, doubled and swapped letters and `-` for
//! `_` of every key, parameter, lever, action and basin must suggest the intended name (or,
//! when another name is just as close, a name that close); unrelated words suggest nothing;
//! fixed examples in help texts name the key being reported; numbers are readable.

use sanctions_sim::market::params::ParamSpec;
use sanctions_sim::scenario::{load, Diagnostic, LoadError};
use std::path::Path;

const SCENARIO_KEYS: &[&str] = &[
    "name",
    "description",
    "start",
    "months",
    "paths",
    "seed",
    "market",
    "init",
];
const BRENT_KEYS: &[&str] = &["p0", "f24", "imposed"];
const EVENT_KEYS: &[&str] = &[
    "date",
    "lever",
    "action",
    "value",
    "months",
    "prob",
    "lag_months",
    "note",
];
const ACTIONS: &[&str] = &["set", "add", "scale", "ramp", "pulse", "fire"];

/// Loads `body` as a file extending the shipped baseline; the load error, if any.
fn load_err(body: &str) -> Option<LoadError> {
    let tmp = tempfile::tempdir().unwrap();
    let base = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let base = base.to_str().unwrap().replace('\\', "\\\\");
    let p = tmp.path().join("t.toml");
    std::fs::write(&p, format!("extends = \"{base}\"\n{body}")).unwrap();
    load(&p).err()
}

fn diag_for<'a>(e: &'a LoadError, key: &str) -> &'a Diagnostic {
    e.diagnostics
        .iter()
        .find(|d| d.key.as_deref() == Some(key))
        .unwrap_or_else(|| panic!("no diagnostic for `{key}` in\n{e}"))
}

/// The name a help suggests, if it says "did you mean `x`".
fn suggested(d: &Diagnostic) -> Option<String> {
    let h = d.help.as_deref()?;
    let i = h.find("did you mean ")? + "did you mean ".len();
    let rest = &h[i..];
    let q = rest.chars().next()?;
    let end = rest[1..].find(q)? + 1;
    Some(rest[1..end].to_string())
}

/// Optimal-string-alignment distance on lower-cased text (the test's own, independent of the
/// crate's), to judge whether a different suggestion is as close as the intended one.
fn osa(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().replace('-', "_").chars().collect();
    let b: Vec<char> = b.to_lowercase().replace('-', "_").chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, x) in d[0].iter_mut().enumerate() {
        *x = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

/// Misspellings of `name`: case changes for every name; for names of 4+ characters a dropped,
/// doubled or swapped letter at a few places and `-` for `_`.
fn misspellings(name: &str) -> Vec<String> {
    let mut out = vec![name.to_uppercase(), name.to_lowercase()];
    let mut t: Vec<char> = name.chars().collect();
    t[0] = t[0].to_ascii_uppercase();
    out.push(t.into_iter().collect());
    let c: Vec<char> = name.chars().collect();
    let n = c.len();
    if n >= 4 {
        for i in [1, n / 2, n - 1] {
            let mut d = c.clone();
            d.remove(i);
            out.push(d.into_iter().collect());
            let mut dup = c.clone();
            dup.insert(i, c[i]);
            out.push(dup.into_iter().collect());
            if i + 1 < n && c[i] != c[i + 1] {
                let mut s = c.clone();
                s.swap(i, i + 1);
                out.push(s.into_iter().collect());
            }
        }
        if name.contains('_') {
            out.push(name.replace('_', "-"));
        }
    }
    out.sort();
    out.dedup();
    out.retain(|m| m != name);
    out
}

/// For every misspelling of every name in `names`, loads `body(misspelt)` and checks the
/// diagnostic at `key(misspelt)`: it suggests the name, or one at most as far from the
/// misspelling, and never a name further away.
fn check_namespace(
    names: &[&str],
    body: impl Fn(&str) -> String,
    key: impl Fn(&str) -> String,
) -> usize {
    let mut checked = 0;
    let mut failures = Vec::new();
    for name in names {
        for m in misspellings(name) {
            // A misspelling that is itself another valid name is not an error.
            if names
                .iter()
                .any(|o| o.eq_ignore_ascii_case(&m) && o != name)
            {
                continue;
            }
            let Some(e) = load_err(&body(&m)) else {
                failures.push(format!("`{m}` loaded"));
                continue;
            };
            let d = diag_for(&e, &key(&m));
            checked += 1;
            match suggested(d) {
                Some(s) if s == *name => {}
                Some(s) if names.contains(&s.as_str()) && osa(&m, &s) <= osa(&m, name) => {}
                // Ambiguous (`tariff.N.rate`: IN or CN?): listing the name is right too.
                None if d
                    .help
                    .as_deref()
                    .is_some_and(|h| h.contains(&format!("`{name}`"))) => {}
                other => failures.push(format!(
                    "`{m}` (for `{name}`): suggested {other:?}; help: {:?}",
                    d.help
                )),
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} misspellings:\n{}",
        failures.len(),
        failures.join("\n")
    );
    checked
}

#[test]
fn misspelt_table_keys_suggest_the_key_of_that_table() {
    let n = check_namespace(
        SCENARIO_KEYS,
        |m| format!("[scenario]\n{m} = 1\n"),
        |m| format!("scenario.{m}"),
    ) + check_namespace(
        BRENT_KEYS,
        |m| format!("[brent]\n{m} = 70.0\n"),
        |m| format!("brent.{m}"),
    ) + check_namespace(
        EVENT_KEYS,
        |m| {
            format!(
                "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 0.1\n{m} = 1\n"
            )
        },
        |m| format!("event[1].{m}"),
    );
    assert!(n > 100, "{n}");
}

#[test]
fn misspelt_parameters_suggest_a_parameter() {
    let n = check_namespace(
        ParamSpec::NAMES,
        |m| format!("[params]\n{m} = 1\n"),
        |m| format!("params.{m}"),
    );
    assert!(n > 300, "{n}");
}

#[test]
fn misspelt_levers_and_codes_suggest_the_lever() {
    let sc = sanctions_sim::scenario::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml"),
    )
    .unwrap();
    let names = sc.registry.names();
    let levers: Vec<&str> = names.iter().copied().filter(|n| n.contains('.')).collect();
    let body = |m: &str| format!("[[event]]\ndate = \"2025-09\"\nlever = \"{m}\"\nvalue = 0.1\n");
    let n = check_namespace(&levers, body, |_| "event[1].lever".into());
    assert!(n > 200, "{n}");
    // Buyer and basin codes in any case, and the case-insensitive match wins over a
    // same-case neighbour.
    for (typed, want) in [
        ("tariff.in.rate", "tariff.IN.rate"),
        ("tariff.cn.rate", "tariff.CN.rate"),
        ("tariff.eu.rate", "tariff.EU.rate"),
        ("tariff.cee.rate", "tariff.CEE.rate"),
        ("tariff.In.rat", "tariff.IN.rate"),
        ("buyer.in.capacity_scale", "buyer.IN.capacity_scale"),
        ("tariff.IN.Rate", "tariff.IN.rate"),
    ] {
        let e = load_err(&body(typed)).unwrap();
        let d = diag_for(&e, "event[1].lever");
        assert_eq!(suggested(d).as_deref(), Some(want), "{typed}: {e}");
    }
}

#[test]
fn actions_and_basins_in_any_case() {
    let body = |a: &str| {
        format!(
            "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\naction = \"{a}\"\nvalue = 0.1\n"
        )
    };
    check_namespace(ACTIONS, body, |_| "event[1].action".into());
    for (typed, want) in [("w", "W"), ("e", "E")] {
        let e = load_err(&format!(
            "[[event]]\ndate = \"2025-09\"\nlever = \"sdn.wave\"\nvalue = {{ add_share = 0.1, wind_down_months = 2, basins = [\"{typed}\"] }}\n"
        ))
        .unwrap();
        let d = &e.diagnostics[0];
        assert_eq!(suggested(d).as_deref(), Some(want), "{e}");
    }
}

#[test]
fn unrelated_words_and_other_codes_suggest_nothing() {
    for (body, key) in [
        ("[scenario]\nbanana = 1\n", "scenario.banana"),
        ("[brent]\nzz = 1\n", "brent.zz"),
        ("[brent]\np1 = 1\n", "brent.p1"),
        ("[params]\nxyzzy_qq = 1\n", "params.xyzzy_qq"),
        (
            "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.XX.rate\"\nvalue = 0.1\n",
            "event[1].lever",
        ),
        (
            "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.india.rate\"\nvalue = 0.1\n",
            "event[1].lever",
        ),
        (
            "[[event]]\ndate = \"2025-09\"\nlever = \"completely.different\"\nvalue = 0.1\n",
            "event[1].lever",
        ),
    ] {
        let e = load_err(body).unwrap();
        let d = diag_for(&e, key);
        assert_eq!(suggested(d), None, "{body}: {e}");
        assert!(d.help.is_some(), "{e}");
    }
    // With no close lever, the levers of the same form are listed.
    let e = load_err("[[event]]\ndate = \"2025-09\"\nlever = \"tariff.india.rate\"\nvalue = 0.1\n")
        .unwrap();
    let h = diag_for(&e, "event[1].lever").help.clone().unwrap();
    assert!(
        h.contains("`tariff.IN.rate`") && h.contains("`tariff.CN.rate`"),
        "{h}"
    );
    // A key with no close match lists the table's keys.
    let e = load_err("[brent]\nzz = 1\n").unwrap();
    let h = diag_for(&e, "brent.zz").help.clone().unwrap();
    assert!(h.contains("p0, f24, imposed"), "{h}");
}

/// Bad values for many keys; every "write e.g. `k = …`" in a help must name the key reported.
#[test]
fn example_fixes_name_the_reported_key() {
    let cases = [
        "[scenario]\nmonths = 0\n",
        "[scenario]\nmonths = 5000\n",
        "[scenario]\npaths = 0\n",
        "[scenario]\nseed = -1\n",
        "[scenario]\nstart = \"x\"\n",
        "[scenario]\nname = \"bad name!\"\n",
        "[scenario]\nmarket = 5\n",
        "[scenario]\nmonths = \"x\"\n",
        "[scenario]\ninit = \"x\"\n",
        "[brent]\np0 = 0\n",
        "[brent]\nf24 = 0\n",
        "[brent]\nf24 = -1\n",
        "[brent]\nf24 = \"x\"\n",
        "[brent]\np0 = \"x\"\n",
        "[brent]\nimposed = 5\n",
        "[params]\neps_d = \"x\"\n",
        "[params]\ngulf_share = 30\n",
        "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = \"x\"\n",
        "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 0.1\nprob = \"x\"\n",
        "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 0.1\nlag_months = -1\n",
        "[[event]]\ndate = \"2025-09\"\nlever = \"cap.eu_mode\"\nvalue = \"x\"\n",
        "[[event]]\ndate = \"2025-09\"\nlever = \"sdn.wave\"\nvalue = { add_share = 0.1 }\n",
        "[[event]]\ndate = \"2025-09\"\nlever = \"sdn.wave\"\nvalue = { add_share = 0.1, wind_down_months = 0 }\n",
    ];
    let mut seen = 0;
    for body in cases {
        let e = load_err(body).unwrap_or_else(|| panic!("{body} loaded"));
        for d in &e.diagnostics {
            let (Some(key), Some(help)) = (&d.key, &d.help) else {
                continue;
            };
            let leaf = key.rsplit('.').next().unwrap();
            for (i, _) in help.match_indices("write e.g. `") {
                let rest = &help[i + "write e.g. `".len()..];
                let Some((k, _)) = rest.split_once(" = ") else {
                    continue;
                };
                seen += 1;
                assert_eq!(k, leaf, "{body}: help names `{k}` for `{key}`: {help}");
            }
        }
    }
    assert!(seen >= 8, "{seen}");
}

/// Huge and tiny numbers are printed readably, never as hundreds of digits.
#[test]
fn numbers_in_messages_are_readable() {
    let mut n = 0;
    for x in [
        "1e308",
        "-1e308",
        "1e-300",
        "-1.5e300",
        "1.7976931348623157e308",
    ] {
        for body in [
            format!("[brent]\np0 = -{x}\n"),
            format!("[brent]\nf24 = -{x}\n"),
            format!("[params]\ngulf_share = {x}\n"),
            format!("[params]\neps_d = {{ normal = [0, -{x}] }}\n"),
            format!("[params]\neps_d = {{ uniform = [{x}, 0] }}\n"),
            format!("[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = {x}\n"),
            format!(
                "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 0.1\nprob = {x}\n"
            ),
        ] {
            let Some(e) = load_err(&body) else { continue };
            n += 1;
            let text = e.to_string();
            let longest = text
                .split(|c: char| !c.is_ascii_digit())
                .map(str::len)
                .max()
                .unwrap_or(0);
            assert!(longest < 20, "{body}: {text}");
        }
    }
    assert!(n >= 25, "{n}");
    let e = load_err("[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 1e308\n")
        .unwrap();
    assert!(e.to_string().contains("got 1e308"), "{e}");
}

#[test]
fn percentages_and_quoted_numbers_get_the_number_to_write() {
    for (body, key, want) in [
        (
            "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 0.1\nprob = \"50%\"\n",
            "event[1].prob",
            "`prob = 0.5`",
        ),
        (
            "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 0.1\nprob = 50\n",
            "event[1].prob",
            "`prob = 0.5`",
        ),
        (
            "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 100\n",
            "event[1].value",
            "rates are fractions (1.0 = 100%)",
        ),
        (
            "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = \"25%\"\n",
            "event[1].value",
            "`value = 0.25`",
        ),
        (
            "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = \"0.25\"\n",
            "event[1].value",
            "without quotes: `value = 0.25`",
        ),
        (
            "[params]\ngulf_share = 30\n",
            "params.gulf_share",
            "`gulf_share = 0.3`",
        ),
        (
            "[params]\ngulf_share = \"30%\"\n",
            "params.gulf_share",
            "`gulf_share = 0.3`",
        ),
    ] {
        let e = load_err(body).unwrap();
        let h = diag_for(&e, key).help.clone().unwrap_or_default();
        assert!(h.contains(want), "{body}: {h}");
    }
    // A value that is out of range but not a plausible percentage gets no such hint.
    let e = load_err("[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 1000\n")
        .unwrap();
    let h = diag_for(&e, "event[1].value").help.clone().unwrap();
    assert!(!h.contains("fractions"), "{h}");
    // Just past 1 is a slip, not a percentage: told the bound, no `%` reading.
    for (body, key, want) in [
        (
            "[[event]]\ndate = \"2025-09\"\nlever = \"tariff.IN.rate\"\nvalue = 0.1\nprob = 1.0000000001\n",
            "event[1].prob",
            "probabilities are at most 1",
        ),
        (
            "[params]\ngulf_share = 1.04\n",
            "params.gulf_share",
            "shares are at most 1",
        ),
    ] {
        let e = load_err(body).unwrap();
        let h = diag_for(&e, key).help.clone().unwrap_or_default();
        assert!(h.contains(want), "{body}: {h}");
        assert!(!h.contains('%'), "{body}: {h}");
    }
}

#[test]
fn distribution_errors_say_the_accepted_forms() {
    for (v, want) in [
        (
            "{ normal = \"x\" }",
            "`normal` takes two numbers (`[mu, sd]`)",
        ),
        ("{ normal = [1] }", "got one number"),
        ("{ tri = [0, \"a\", 1] }", "item 2 is the string \"a\""),
        ("{ poisson = [1, 2] }", "`poisson` takes one number"),
        ("{ beta = true }", "`beta` takes two numbers"),
        ("{ uniform = { a = 1 } }", "got a table"),
    ] {
        let e = load_err(&format!("[params]\neps_d = {v}\n")).unwrap();
        let t = e.to_string();
        assert!(t.contains(want), "{v}: {t}");
        assert!(
            !t.contains("untagged") && !t.contains("variant"),
            "{v}: {t}"
        );
    }
}
