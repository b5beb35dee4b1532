//! How the designated share is split between authority waves and the laundering channel, and
//! how long a wave lasts (D147, D159–D163; found by a model audit, 2026-12-07). Each test runs
//! two scenarios on the same draws and compares what the audit saw differ.

mod common;
use common::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::policy::calendar::month_idx;
use sanctions_sim::scenario::Scenario;

const PATHS: u64 = 40;

fn wave(date: &str, value: &str) -> String {
    format!("[[event]]\ndate = \"{date}\"\nlever = \"sdn.wave\"\nvalue = {value}\n")
}

fn set(date: &str, lever: &str, value: f64) -> String {
    format!("[[event]]\ndate = \"{date}\"\nlever = \"{lever}\"\nvalue = {value}\n")
}

fn load(body: &str) -> Scenario {
    load_body(&format!("[scenario]\nmonths = 14\n{body}")).unwrap_or_else(|e| panic!("{e}"))
}

/// Mean over the paths of `var` in month `ym`.
fn mean(sc: &Scenario, var: &str, ym: &str) -> f64 {
    let t = (month_idx(ym).unwrap() - sc.start) as usize;
    values_at(sc, var, t, 17, PATHS).iter().sum::<f64>() / PATHS as f64
}

/// `var` has the same mean in both scenarios in each of the months `yms`.
fn same(a: &Scenario, b: &Scenario, var: &str, yms: &[&str]) {
    for ym in yms {
        let (x, y) = (mean(a, var, ym), mean(b, var, ym));
        assert!((x - y).abs() < 1e-9, "{var} {ym}: {x} vs {y}");
    }
}

const RL: &str =
    "{ add_share = 0.3, wind_down_months = 1, authority = \"us\", sellers = \"rosneft_lukoil\" }";

/// D163: sellers delisted and designated again are designated again (the second wave was a
/// no-op: the group remembered its share from before the delisting).
#[test]
fn sellers_delisted_and_designated_again_are_designated() {
    let again = load(&format!(
        "{}{}{}",
        wave("2025-10-01", RL),
        set("2026-03-01", "sdn.share", 0.0),
        wave("2026-06-01", RL)
    ));
    let fresh = load(&format!(
        "{}{}",
        set("2026-03-01", "sdn.share", 0.0),
        wave("2026-06-01", RL)
    ));
    for var in ["urals_designated_share", "urals_designated_unpapered_share"] {
        same(&again, &fresh, var, &["2026-06", "2026-07", "2026-08"]);
    }
    assert!(mean(&again, "urals_designated_share", "2026-07") > 0.29);
}

/// D159: a channel designation enters unlaundered (N13) while an authority wave is on the
/// books (it entered already laundered: the reset compared it with the whole lever share).
#[test]
fn a_channel_wave_enters_unlaundered_beside_an_authority_wave() {
    let channel = "{ add_share = 0.2, wind_down_months = 1 }";
    let with = load(&format!(
        "{}{}",
        wave(
            "2025-10-01",
            "{ add_share = 0.3, wind_down_months = 1, authority = \"us\" }"
        ),
        wave("2026-06-01", channel)
    ));
    let alone = load(&wave("2026-06-01", channel));
    let (before, after) = (
        mean(&with, "urals_laundered_share", "2026-05"),
        mean(&with, "urals_laundered_share", "2026-06"),
    );
    assert!(after < before + 0.01, "{before} -> {after}");
    let (a, b) = (
        mean(&with, "urals_laundered_share", "2026-06"),
        mean(&alone, "urals_laundered_share", "2026-06"),
    );
    assert!((a - b).abs() < 0.01, "{a} vs {b}");
}

/// D160: China's two-month pause from the deadline is not cut short by a wave that is
/// re-papered quickly: a slightly bigger wave changes December's ESPO flow and discount only
/// slightly (a 0.02 bigger wave moved the discount by $4.6).
#[test]
fn a_pause_outlasts_a_quickly_repapered_wave() {
    let espo = |share: f64| {
        let mut sc = load(&wave(
            "2025-10-01",
            &format!(
                "{{ add_share = {share}, wind_down_months = 1, authority = \"us\", basins = [\"E\"] }}"
            ),
        ));
        param(&mut sc, "repaper_growth", 0.035);
        sc
    };
    let (small, big) = (espo(0.10), espo(0.12));
    let (fs, fb) = (
        mean(&small, "flow_e_cn_mbd", "2025-12"),
        mean(&big, "flow_e_cn_mbd", "2025-12"),
    );
    assert!(
        fb <= fs + 1e-9,
        "a bigger wave raised China's ESPO intake: {fs} -> {fb}"
    );
    assert!(fs - fb < 0.05, "{fs} vs {fb}");
    let (ds, db) = (
        mean(&small, "espo_discount_usd_bbl", "2025-12"),
        mean(&big, "espo_discount_usd_bbl", "2025-12"),
    );
    assert!((db - ds).abs() < 1.0, "{ds} vs {db}");
}

/// D161: a lever whose default is a marker (the market's compliance draw) set mid-month takes
/// the value held on most of the month's days; the day-weighted mean of the marker −1 and the
/// number was clamped to 0 (no compliance at all) and raised India's intake by 42%.
#[test]
fn a_marker_lever_set_mid_month_takes_the_value_of_most_days() {
    let flow = |date: Option<&str>| {
        let body = date.map_or(String::new(), |d| set(d, "compliance.IN.share", 0.9));
        let sc = load(&format!(
            "{}{}",
            wave(
                "2025-10-22",
                "{ add_share = 0.45, wind_down_months = 1, authority = \"us\" }"
            ),
            body
        ));
        mean(&sc, "flow_w_in_mbd", "2025-11")
    };
    let (none, first, mid, late) = (
        flow(None),
        flow(Some("2025-11-01")),
        flow(Some("2025-11-16")),
        flow(Some("2025-11-20")),
    );
    assert!(first < none, "{first} vs {none}");
    assert!((mid - first).abs() < 1e-12, "{mid} vs {first}");
    assert!((late - none).abs() < 1e-12, "{late} vs {none}");
}

/// D162: a later wave of the same sellers adds only what it designates beyond them, in its
/// announcement month too (the gap leaked into the laundering channel for a month).
#[test]
fn a_group_wave_adds_only_its_increment_from_its_first_day() {
    let first = wave("2025-09-01", RL);
    let both = load(&format!(
        "{first}{}",
        wave(
            "2026-01-22",
            "{ add_share = 0.5, wind_down_months = 1, authority = \"eu\", sellers = \"rosneft_lukoil\" }"
        )
    ));
    let one = load(&first);
    same(
        &both,
        &one,
        "urals_laundered_share",
        &["2025-12", "2026-01", "2026-02"],
    );
    assert!(mean(&both, "urals_designated_share", "2026-02") > 0.69);
}

/// D163: a full delisting forgets the waves it ended, so a later, unrelated wave bites in full
/// (it was halved by a retired wave's share).
#[test]
fn a_delisting_forgets_the_waves_it_ended() {
    let us = "{ add_share = 0.3, wind_down_months = 1, authority = \"us\" }";
    let after = load(&format!(
        "{}{}{}",
        wave("2025-10-01", us),
        set("2026-03-01", "sdn.share", 0.0),
        wave("2026-06-01", us)
    ));
    let fresh = load(&format!(
        "{}{}",
        set("2026-03-01", "sdn.share", 0.0),
        wave("2026-06-01", us)
    ));
    same(
        &after,
        &fresh,
        "urals_designated_unpapered_share",
        &["2026-07", "2026-08"],
    );
}

/// D165: a tariff raised late in a month resets the buyer's adaptation once (it reset again the
/// next month, when the day-weighted value completed the rise).
#[test]
fn a_late_tariff_rise_resets_adaptation_once() {
    let sc = load(&set("2026-03-27", "tariff.TR.rate", 0.25));
    let j = sc.market.buyers.iter().position(|b| b.id == "TR").unwrap();
    let mar = (month_idx("2026-03").unwrap() - sc.start) as usize;
    let mut sim = PathSim::new(&sc, 3, 0);
    let mut adapt = Vec::new();
    for t in 0..=mar + 2 {
        sim.step_month();
        if t >= mar {
            adapt.push(sim.state.adapt[j]);
        }
    }
    assert!(
        adapt[1] < adapt[0] && adapt[2] < adapt[1],
        "adaptation restarted after March: {adapt:?}"
    );
    let fresh = sim.state.adapt[j];
    assert!(fresh < 1.0 && fresh > 0.0, "{fresh}");
}
