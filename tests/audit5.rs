//! Findings 2, 5 and 6 of model audit 5 (2026-12-07): a later `set` during a ramp (D183), the
//! attestation cost without a cap (D184) and a wave at the `sdn.share` ceiling (D186). Each
//! test runs scenarios on the same draws and compares what the audit saw go wrong.

mod common;
use common::*;
use sanctions_sim::policy::calendar::month_idx;
use sanctions_sim::scenario::Scenario;

const PATHS: u64 = 40;

fn event(date: &str, lever: &str, extra: &str, value: &str) -> String {
    format!("[[event]]\ndate = \"{date}\"\nlever = \"{lever}\"\n{extra}value = {value}\n")
}

fn set(date: &str, lever: &str, value: &str) -> String {
    event(date, lever, "", value)
}

/// A US wave of `share` over `months` months, dated `date`.
fn us_wave(date: &str, share: f64, months: u32) -> String {
    let v = format!("{{ add_share = {share}, wind_down_months = {months}, authority = \"us\" }}");
    event(date, "sdn.wave", "", &v)
}

fn load(body: &str) -> Scenario {
    load_body(&format!("[scenario]\nmonths = 10\n{body}")).unwrap_or_else(|e| panic!("{e}"))
}

/// Mean over the paths of `var` in month `ym`.
fn mean(sc: &Scenario, var: &str, ym: &str) -> f64 {
    let t = (month_idx(ym).unwrap() - sc.start) as usize;
    values_at(sc, var, t, 23, PATHS).iter().sum::<f64>() / PATHS as f64
}

/// `var` is `want` (on every path, as it is a lever) in each of the months `yms`.
fn holds(sc: &Scenario, var: &str, want: f64, yms: &[&str]) {
    for ym in yms {
        let x = mean(sc, var, ym);
        assert!((x - want).abs() < 1e-9, "{var} {ym}: {x}, want {want}");
    }
}

/// `var` has the same mean in both scenarios in each of the months `yms`.
fn same(a: &Scenario, b: &Scenario, var: &str, yms: &[&str]) {
    for ym in yms {
        let (x, y) = (mean(a, var, ym), mean(b, var, ym));
        assert!((x - y).abs() < 1e-9, "{var} {ym}: {x} vs {y}");
    }
}

/// Finding 2, D183: a full delisting during a wave's 4-month wind-down holds (the wave's
/// remaining steps took it back to 0.3), and it ends the wave's compliance bite (D163: the
/// refusals started three months after the delisting).
#[test]
fn a_full_delisting_during_a_wind_down_holds_and_ends_the_wave() {
    let sc = load(&format!(
        "{}{}",
        us_wave("2025-10-01", 0.4, 4),
        set("2025-11-01", "sdn.share", "0.0")
    ));
    let months = ["2025-11", "2025-12", "2026-01", "2026-02", "2026-03"];
    holds(&sc, "urals_designated_share", 0.0, &months);
    holds(&sc, "urals_designated_unpapered_share", 0.0, &months);
}

/// Finding 2, D183: a partial delisting during the wind-down holds too (it ended at 0.5).
#[test]
fn a_partial_delisting_during_a_wind_down_holds() {
    let sc = load(&format!(
        "{}{}",
        us_wave("2025-10-01", 0.4, 4),
        set("2025-12-01", "sdn.share", "0.3")
    ));
    holds(
        &sc,
        "urals_designated_share",
        0.3,
        &["2025-12", "2026-01", "2026-02", "2026-03"],
    );
}

/// D183: the same for a `ramp`: a later `set` ends it (its pending steps overwrote the set),
/// and a later `add` builds on it, which still reaches its target.
#[test]
fn a_set_ends_a_ramp_and_an_add_does_not() {
    let ramp = event(
        "2025-10-01",
        "sdn.share",
        "action = \"ramp\"\nmonths = 4\n",
        "0.6",
    );
    let sc = load(&format!("{ramp}{}", set("2025-12-01", "sdn.share", "0.1")));
    holds(
        &sc,
        "urals_designated_share",
        0.1,
        &["2025-12", "2026-01", "2026-02"],
    );
    let added = event("2025-11-01", "sdn.share", "action = \"add\"\n", "0.05");
    let sc = load(&format!("{ramp}{added}"));
    holds(&sc, "urals_designated_share", 0.6, &["2026-01", "2026-02"]);
}

/// Finding 5, D184: without a cap nothing is attested, so the attestation cost changes no
/// revenue (it cost $0.04bn a month); under a cap it still does.
#[test]
fn attestation_costs_nothing_without_a_cap() {
    let run = |cap: &str, att: &str| {
        load(&format!(
            "{}{}",
            set("2025-09-03", "cap.eu_usd", cap),
            set("2025-08-01", "cap.attestation_usd", att)
        ))
    };
    let var = "russia_export_revenue_usd_bn";
    same(
        &run("\"none\"", "0.0"),
        &run("\"none\"", "1.0"),
        var,
        &["2025-09", "2025-10", "2025-12"],
    );
    let (a0, a1) = (run("47.6", "0.0"), run("47.6", "1.0"));
    assert!(mean(&a0, var, "2025-10") > mean(&a1, var, "2025-10") + 0.005);
}

/// Finding 6, D186: a wave that meets the `sdn.share` ceiling counts only what it added to the
/// lever, so the laundering channel keeps its share (it lost the clamped excess).
#[test]
fn a_wave_at_the_ceiling_leaves_the_channel_alone() {
    for s in ["0.9", "1.0"] {
        let base = set("2025-08-01", "sdn.share", s);
        let plain = load(&base);
        let waved = load(&format!("{base}{}", us_wave("2025-11-01", 0.2, 1)));
        same(&plain, &waved, "urals_laundered_share", &["2025-11"]);
        holds(&waved, "urals_designated_share", 1.0, &["2025-11"]);
        // The wave still bites through the buyers' compliance, the same at 0.9 and 1.
        assert!(mean(&waved, "urals_designated_unpapered_share", "2025-12") > 0.1);
    }
}
