//! Market-file values that loaded and then misbehaved (hostile round 4, D166): each is now a
//! load error at its file, line, column and key.

mod common;
use common::{load_with_market, load_with_market_ok, market_diagnostic};
use std::path::Path;

fn default_market() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(root.join("scenarios/market/default.toml")).unwrap()
}

/// Replaces `from` by `to` in the default market file; the load must fail with a diagnostic
/// for `key` in the market file, past its first line, whose message says `says`.
fn check(from: &str, to: &str, key: &str, says: &str) {
    let base = default_market();
    assert!(base.contains(from), "default.toml no longer has `{from}`");
    let text = base.replacen(from, to, 1);
    let d = market_diagnostic(&text, to, key);
    assert!(d.line > 1, "`{to}`: points at line {}", d.line);
    assert!(d.message.contains(says), "`{to}`: {}", d.message);
}

#[test]
fn import_growth_and_base_that_overflow_the_bill_are_refused() {
    // -0.99 from a base in 2200 made the bill infinite and the run exit 2 with empty cells.
    check(
        "imports_growth = 0.04",
        "imports_growth = -0.99",
        "buyer.imports_growth",
        "must lie in [-0.5, 1]",
    );
    check(
        "imports_growth = 0.04",
        "imports_growth = 1000000",
        "buyer.imports_growth",
        "must lie in [-0.5, 1]",
    );
    // A base that is not a month used to count from 2024-01 without a word.
    check(
        "imports_base = \"2024-10\"",
        "imports_base = \"Oct 2024\"",
        "buyer.imports_base",
        "must be a month",
    );
    check(
        "imports_base = \"2024-10\"",
        "imports_base = \"2500-01\"",
        "buyer.imports_base",
        "from 1900-01 to 2200-12",
    );
}

#[test]
fn noise_correlations_must_be_one_per_pair_and_consistent() {
    check(
        "buyer_noise_corr = [[\"IN\", \"CN\", 0.2]]",
        "buyer_noise_corr = [[\"IN\", \"CN\", 0.2], [\"CN\", \"IN\", -0.2]]",
        "buyer_noise_corr",
        "twice",
    );
    check(
        "buyer_noise_corr = [[\"IN\", \"CN\", 0.2]]",
        "buyer_noise_corr = [[\"IN\", \"CN\", 0.95], [\"IN\", \"TR\", 0.95], [\"CN\", \"TR\", -0.95]]",
        "buyer_noise_corr",
        "inconsistent",
    );
}

#[test]
fn a_route_listed_twice_and_outputs_of_no_or_repeated_buyers_are_refused() {
    let route = "[[route]]\nfrom = \"W\"\nto = \"IN\"\ncapacity_mbd = 2.4\n";
    let base = default_market();
    assert!(base.contains(route));
    let text = format!("{base}\n{route}half_saving_usd = 1.1\ndispersion_usd = 2.0\nfreight_usd = 6.5\ninsurance_usd = 0.5\nround_trip_months = 2.3\n");
    let e = load_with_market(&text, "route twice");
    assert!(
        e.diagnostics
            .iter()
            .any(|d| d.key.as_deref() == Some("route.to") && d.message.contains("listed twice")),
        "{e}"
    );
    check(
        "buyers = [\"IN\"]",
        "buyers = []",
        "output.buyers",
        "sums no buyer",
    );
    check(
        "buyers = [\"IN\"]",
        "buyers = [\"IN\", \"IN\"]",
        "output.buyers",
        "twice",
    );
}

/// The default market without the `[[route]]` tables that `keep` rejects.
fn without_routes(drop: impl Fn(&str) -> bool) -> String {
    let base = default_market();
    let mut parts = base.split("\n[[route]]\n");
    let mut out = parts.next().unwrap().to_string();
    for p in parts {
        // A table runs to the next blank-line-separated header; the last route's text may
        // carry the tables that follow it, which are kept.
        let (table, rest) = match p.find("\n[[") {
            Some(k) => p.split_at(k),
            None => (p, ""),
        };
        if !drop(table) {
            out.push_str("\n[[route]]\n");
            out.push_str(table);
        }
        out.push_str(rest);
    }
    out
}

/// Hostile round 5: a basin with no route had a made-up price, a buyer with no route or
/// pipeline wrote zeros, and nothing said so. Both load (a basin without buyers is a supported
/// extreme) and are warned about at the market file.
#[test]
fn a_basin_or_buyer_without_a_route_is_warned_about() {
    let load = |text: &str| {
        let sc = load_with_market_ok(text);
        sanctions_sim::scenario::overrides(&sc)
            .iter()
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    };
    let w = load(&without_routes(|t| t.contains("from = \"E\"")));
    assert!(
        w.contains("warning[basin[2]]: basin E has no [[route]]"),
        "{w}"
    );
    let w = load(&without_routes(|t| t.contains("to = \"IN\"")));
    assert!(
        w.contains("buyer IN has no [[route]] and no [[pipeline]]") && w.contains("m.toml"),
        "{w}"
    );
    // China keeps its pipelines when its sea routes go; the default market warns of nothing.
    // (Its sea-only output would be 0 in every month, which is refused (D213): it sums all.)
    let cn = without_routes(|t| t.contains("to = \"CN\"")).replace(
        "variable = \"flow_china_sea_mbd\"\nbuyers = [\"CN\"]\npart = \"sea\"",
        "variable = \"flow_china_sea_mbd\"\nbuyers = [\"CN\"]\npart = \"all\"",
    );
    let w = load(&cn);
    assert!(!w.contains("buyer CN"), "{w}");
    assert!(!load(&default_market()).contains("has no [[route]]"));
}
