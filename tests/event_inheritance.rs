//! Removing and replacing inherited events (`id`, `replaces`, `remove_events`; D51,
//! docs/scenarios.md §1.5).

mod common;
use common::*;
use proptest::prelude::*;
use sanctions_sim::engine::run::{run, RunOptions};

fn lever_dates(sc: &sanctions_sim::scenario::Scenario, lever: &str) -> Vec<String> {
    let id = sc.registry.id(lever).unwrap();
    sc.events
        .iter()
        .filter(|e| e.lever == id)
        .map(|e| e.date.to_string())
        .collect()
}

#[test]
fn remove_events_drops_the_inherited_event() {
    let base = scenario("baseline");
    assert_eq!(lever_dates(&base, "cap.eu_mode"), ["2025-09-03"]);
    let sc = load_body("remove_events = [\"cap.eu_mode@2025-09-03\"]\n").unwrap();
    assert!(lever_dates(&sc, "cap.eu_mode").is_empty());
    assert_eq!(sc.events.len() + 1, base.events.len());
    assert_eq!(sc.event_origins.len(), sc.events.len());
    assert_eq!(sc.removed_events.len(), 1);
    let r = &sc.removed_events[0];
    assert_eq!((r.lever.as_str(), r.how), ("cap.eu_mode", "removed"));
    assert!(r.was.at.file.ends_with("baseline.toml"));
    assert!(r.by.file.ends_with("t.toml"));
    // Without the dynamic mode no review happens: the $47.60 holds to the horizon.
    let mut o = RunOptions::from_scenario(&sc);
    o.paths = 50;
    let res = run(&sc, &o, &|_| {}).unwrap();
    assert_eq!(res.p50("cap_eu_in_force_usd_bbl", sc.months - 1), 47.6);
}

#[test]
fn replaces_puts_the_new_event_in_place_of_the_inherited_one() {
    let sc = load_body(
        "[[event]]\ndate = \"2025-09-03\"\nlever = \"cap.eu_usd\"\nvalue = 40\n\
         replaces = \"cap.eu_usd@2025-09-03\"\n",
    )
    .unwrap();
    assert_eq!(
        lever_dates(&sc, "cap.eu_usd"),
        ["2022-12-05", "2025-09-03"],
        "the baseline's 47.60 is gone, the child's 40 is there"
    );
    assert_eq!(sc.removed_events[0].how, "replaced");
    // The month form of the date names the 1st only.
    let e = load_body("remove_events = [\"cap.eu_usd@2025-09\"]\n").unwrap_err();
    assert!(e.contains("did you mean `cap.eu_usd@2025-09-03`"), "{e}");
}

#[test]
fn ids_name_events_across_the_chain() {
    let tmp = tempfile::tempdir().unwrap();
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let base = base.to_str().unwrap().replace('\\', "\\\\");
    let mid = format!(
        "extends = \"{base}\"\n[[event]]\nid = \"in_tariff\"\ndate = \"2026-01-01\"\n\
         lever = \"tariff.IN.rate\"\nvalue = 0.5\n"
    );
    std::fs::write(tmp.path().join("mid.toml"), mid).unwrap();
    let load = |body: &str| {
        let p = tmp.path().join("leaf.toml");
        std::fs::write(&p, format!("extends = \"mid.toml\"\n{body}")).unwrap();
        sanctions_sim::scenario::load(&p).map_err(|e| e.to_string())
    };
    let sc = load("remove_events = [\"in_tariff\"]\n").unwrap();
    assert!(lever_dates(&sc, "tariff.IN.rate").is_empty());
    let sc = load(
        "[[event]]\nid = \"in_tariff\"\nreplaces = \"in_tariff\"\ndate = \"2026-02-01\"\n\
         lever = \"tariff.IN.rate\"\nvalue = 0.25\n",
    )
    .unwrap();
    assert_eq!(lever_dates(&sc, "tariff.IN.rate"), ["2026-02-01"]);
    assert_eq!(
        sc.event_origins.last().unwrap().id.as_deref(),
        Some("in_tariff")
    );
    // Reusing an inherited id without `replaces` is an error that says how to replace.
    let e = load(
        "[[event]]\nid = \"in_tariff\"\ndate = \"2026-02-01\"\nlever = \"tariff.IN.rate\"\nvalue = 0.25\n",
    )
    .unwrap_err();
    assert!(e.contains("already names an inherited event"), "{e}");
    assert!(e.contains("replaces = \"in_tariff\""), "{e}");
    // A misspelt id gets the closest inherited name.
    let e = load("remove_events = [\"in_tarif\"]\n").unwrap_err();
    assert!(e.contains("no inherited event is named `in_tarif`"), "{e}");
    assert!(e.contains("did you mean `in_tariff`?"), "{e}");
    assert!(e.contains("leaf.toml:2:"), "{e}");
    // An event of the file itself is not inherited: it cannot be removed by the same file.
    let e = load(
        "remove_events = [\"own\"]\n[[event]]\nid = \"own\"\ndate = \"2026-02-01\"\n\
         lever = \"tariff.IN.rate\"\nvalue = 0.25\n",
    )
    .unwrap_err();
    assert!(e.contains("no inherited event is named `own`"), "{e}");
}

#[test]
fn malformed_removal_keys_are_errors() {
    let e = load_body("remove_events = \"cap.eu_usd@2025-09-03\"\n").unwrap_err();
    assert!(e.contains("must be an array of strings"), "{e}");
    let e = load_body("remove_events = [3]\n").unwrap_err();
    assert!(e.contains("remove_events[1]"), "{e}");
    let e = load_body(
        "[[event]]\nid = \"a b\"\ndate = \"2026-02-01\"\nlever = \"tariff.IN.rate\"\nvalue = 0.25\n",
    )
    .unwrap_err();
    assert!(e.contains("event id `a b`"), "{e}");
    let e = load_body(
        "[[event]]\nreplaces = \"tariff.IN.rate@2026-02-01\"\ndate = \"2026-02-01\"\n\
         lever = \"tariff.IN.rate\"\nvalue = 0.25\n",
    )
    .unwrap_err();
    assert!(e.contains("no inherited event is named"), "{e}");
}

#[test]
fn the_schema_knows_the_keys() {
    let s = sanctions_sim::scenario::scenario_schema(None);
    assert!(s["properties"]["remove_events"].is_object());
    assert!(s["$defs"]["event"]["properties"]["id"].is_object());
    assert!(s["$defs"]["event"]["properties"]["replaces"].is_object());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// Removing any subset of the baseline's events by `<lever>@<date>` leaves exactly the
    /// others, in their order.
    #[test]
    fn removing_any_subset_leaves_the_rest(mask in proptest::collection::vec(any::<bool>(), 12)) {
        let base = scenario("baseline");
        let keys: Vec<String> = base
            .events
            .iter()
            .map(|e| format!("{}@{}", base.registry.def(e.lever).name, e.date))
            .collect();
        let drop: Vec<&String> = keys.iter().zip(mask.iter().cycle()).filter(|(_, m)| **m).map(|(k, _)| k).collect();
        let list = drop.iter().map(|k| format!("\"{k}\"")).collect::<Vec<_>>().join(", ");
        let sc = load_body(&format!("remove_events = [{list}]\n")).unwrap();
        let kept: Vec<&String> = keys.iter().filter(|k| !drop.contains(k)).collect();
        let got: Vec<String> = sc
            .events
            .iter()
            .map(|e| format!("{}@{}", sc.registry.def(e.lever).name, e.date))
            .collect();
        prop_assert_eq!(got.iter().collect::<Vec<_>>(), kept);
    }
}

fn wave_findings(body: &str) -> Vec<String> {
    let sc = load_body(body).unwrap();
    sanctions_sim::scenario::overrides(&sc)
        .iter()
        .filter(|w| w.message.contains("sdn.wave"))
        .map(|w| format!("{} {}", w.key, w.message))
        .collect()
}

fn wave(date: &str, share: &str, basins: &str, authority: &str) -> String {
    format!(
        "[[event]]\ndate = \"{date}\"\nlever = \"sdn.wave\"\nvalue = {{ add_share = {share}, \
         wind_down_months = 1{basins}, authority = \"{authority}\" }}\n"
    )
}

#[test]
fn waves_of_two_authorities_on_the_same_basins_are_flagged() {
    // D44: the UK's and the US's listings of Rosneft and Lukoil a week apart.
    let body = wave("2025-10-15", "0.45", "", "uk") + &wave("2025-10-22", "0.45", "", "us");
    let found = wave_findings(&body);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("counted twice") && found[0].contains("uk wave of 2025-10-15"));
    // With the baseline's 0.20 already designated they also pass 1.
    assert!(found[1].contains("up to 1.10"), "{found:?}");
    // Named as the same sellers (D45): counted once, so nothing to flag, not even past 1.
    let named = |d: &str, a: &str| wave(d, "0.45", ", sellers = \"rn\"", a);
    assert!(wave_findings(&(named("2025-10-15", "uk") + &named("2025-10-22", "us"))).is_empty());
    // Different basins, the same authority, or a quarter apart: nothing.
    let w = |d: &str, a: &str, b: &str| wave(d, "0.3", b, a);
    for body in [
        w("2025-10-15", "uk", ", basins = [\"W\"]") + &w("2025-10-22", "us", ", basins = [\"E\"]"),
        w("2025-10-15", "us", "") + &w("2025-10-22", "us", ""),
        w("2025-06-01", "uk", "") + &w("2025-10-22", "us", ""),
    ] {
        assert!(wave_findings(&body).is_empty(), "{body}");
    }
    // Shares that can add up past 1 on a basin are flagged on the wave that crosses it.
    let body = wave("2025-09-01", "0.6", ", basins = [\"W\"]", "us")
        + &wave(
            "2026-03-01",
            "{ uniform = [0.1, 0.3] }",
            ", basins = [\"W\"]",
            "us",
        );
    let found = wave_findings(&body);
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0].contains("up to 1.10") && found[0].starts_with("event[2]"));
    let below = wave("2025-09-01", "0.6", ", basins = [\"W\"]", "us")
        + &wave(
            "2026-03-01",
            "{ uniform = [0.1, 0.2] }",
            ", basins = [\"W\"]",
            "us",
        );
    assert!(wave_findings(&below).is_empty());
    // The shipped scenarios have neither.
    for name in [
        "baseline",
        "summit_failure",
        "china_sanctions",
        "summit_uncertain",
    ] {
        let sc = scenario(name);
        let n = sanctions_sim::scenario::overrides(&sc)
            .iter()
            .filter(|w| w.message.contains("sdn.wave"))
            .count();
        assert_eq!(n, 0, "{name}");
    }
}

/// An inherited event dated before the user's can still land after it through its lag
/// (summit_success's `eu_follows` drops the EU cap 1..12 months after 2025-08-15): that
/// replacement is warned about, with the latest date it can land on; a user event dated past
/// that latest date is not.
#[test]
fn an_inherited_lag_that_can_land_after_a_user_event_is_flagged() {
    let base =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_success.toml");
    let found = |date: &str| {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("t.toml");
        std::fs::write(
            &p,
            format!(
                "extends = {:?}\n[scenario]\nname = \"t\"\n[[event]]\ndate = \"{date}\"\n\
                 lever = \"cap.eu_usd\"\naction = \"set\"\nvalue = 30\n",
                base.to_str().unwrap()
            ),
        )
        .unwrap();
        let sc = sanctions_sim::scenario::load(&p).unwrap();
        sanctions_sim::scenario::overrides(&sc)
            .iter()
            .filter(|w| w.at.file.ends_with("t.toml"))
            .map(|w| w.to_string())
            .collect::<Vec<_>>()
    };
    let w = found("2026-03-01");
    assert!(
        w.iter().any(|w| w
            .contains("can be replaced by the inherited `cap.eu_usd` dated 2025-08-15")
            && w.contains("as late as 2026-08-01")
            && w.contains("remove_events")),
        "{w:?}"
    );
    let w = found("2026-08-02");
    assert!(!w.iter().any(|w| w.contains("can be replaced")), "{w:?}");
}

/// A lag whose shortest draw already passes the horizon never takes effect: warned, with the
/// longest lag that would still land.
#[test]
fn a_lag_past_the_horizon_is_flagged() {
    let found = |lag: &str| {
        let sc = load_body(&format!(
            "[[event]]\ndate = \"2026-01-01\"\nlever = \"tariff.IN.rate\"\nvalue = 0.5\n\
             lag_months = {lag}\n"
        ))
        .unwrap();
        sanctions_sim::scenario::overrides(&sc)
            .iter()
            .map(|w| w.to_string())
            .filter(|w| w.contains("never takes effect"))
            .collect::<Vec<_>>()
    };
    let w = found("45");
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("after the horizon's last month 2028-07")
            && w[0].contains("at most 30 months"),
        "{w:?}"
    );
    assert!(found("{ uniform = [40, 60] }").len() == 1);
    assert!(found("{ uniform = [2, 60] }").is_empty());
    assert!(found("30").is_empty());
}

/// A risk-premium jump past the premium's bound (D131) loads but is warned about.
#[test]
fn a_jump_past_the_premiums_bound_is_flagged() {
    let found = |v: &str| {
        let sc = load_body(&format!(
            "[[event]]\ndate = \"2026-01-01\"\nlever = \"risk_premium.jump\"\nvalue = {v}\n"
        ))
        .unwrap();
        sanctions_sim::scenario::overrides(&sc)
            .iter()
            .map(|w| w.to_string())
            .filter(|w| w.contains("risk premium's bound"))
            .count()
    };
    assert_eq!(found("50"), 1);
    assert_eq!(found("{ uniform = [-2, 0.1] }"), 1);
    assert_eq!(found("0.08"), 0);
    assert_eq!(found("{ normal = [0.04, 0.015] }"), 0);
}

/// A lag of a billion months is said as such, not as a date a century away.
#[test]
fn an_absurd_lag_gives_no_absurd_date() {
    let sc = load_body(
        "[[event]]\ndate = \"2026-01-01\"\nlever = \"tariff.IN.rate\"\nvalue = 0.5\nlag_months = 1e9\n",
    )
    .unwrap();
    let w: Vec<String> = sanctions_sim::scenario::overrides(&sc)
        .iter()
        .map(|w| w.to_string())
        .filter(|w| w.contains("never takes effect"))
        .collect();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(w[0].contains("more than 100 years after its date"), "{w:?}");
}
