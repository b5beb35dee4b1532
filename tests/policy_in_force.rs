//! Policy in force as outputs, and a user's cap that the automatic EU dynamic review no longer
//! undoes silently (issue 13 item 5; docs/decisions.md D50).

mod common;
use common::*;
use proptest::prelude::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::engine::run::{run, RunOptions};
use sanctions_sim::engine::vars::variables;
use sanctions_sim::policy::calendar::month_idx;
use sanctions_sim::scenario::{overrides, Scenario, Severity};

fn month_of(sc: &Scenario, ym: &str) -> usize {
    (month_idx(ym).unwrap() - sc.start) as usize
}

/// Runs `paths` paths and returns the per-path values of `var` in month index `t`.
fn per_path(sc: &Scenario, var: &str, t: usize, paths: u64) -> Vec<f64> {
    values_at(sc, var, t, sc.seed, paths)
}

const CAP30: &str = r#"
[[event]]
date = "2026-03-01"
lever = "cap.eu_usd"
value = 30
"#;

/// The issue's example: `cap.eu_usd = 30` dated 2026-03-01 in a scenario extending baseline
/// used to be replaced two days later by the inherited dynamic review, so results matched the
/// baseline. Now the cap holds and the results differ.
#[test]
fn a_user_cap_survives_the_inherited_review() {
    let base = scenario("baseline");
    let child = load_body(CAP30).unwrap();
    let mut o = RunOptions::from_scenario(&base);
    o.paths = 200;
    let rb = run(&base, &o, &|_| {}).unwrap();
    let rc = run(&child, &o, &|_| {}).unwrap();
    let mar = month_of(&base, "2026-03");
    for t in mar..base.months {
        assert_eq!(rc.p50("cap_eu_in_force_usd_bbl", t), 30.0, "month {t}");
        assert_eq!(rc.mean("cap_eu_in_force_usd_bbl", t), 30.0, "month {t}");
    }
    // The baseline's review replaced its $47.60 in 2026-03 by the computed value.
    assert_ne!(rb.p50("cap_eu_in_force_usd_bbl", mar + 1), 30.0);
    // Before the user's date nothing differs.
    for t in 0..mar {
        assert_eq!(
            rb.mean("urals_discount_usd_bbl", t),
            rc.mean("urals_discount_usd_bbl", t)
        );
    }
    let differs = (mar..base.months).any(|t| {
        rb.mean("russia_export_revenue_usd_bn", t) != rc.mean("russia_export_revenue_usd_bn", t)
    });
    assert!(differs, "a $30 cap from 2026-03 changed nothing downstream");
}

/// `cap.eu_mode = "dynamic"` written for the same day keeps the review running from the user's
/// cap (D52): the cap holds for `cap.eu_review_months` months, and the review replaces it
/// from the same day of the month six months on (2026-09-01), not on the baseline's 2026-03-03.
#[test]
fn an_explicit_dynamic_mode_keeps_the_review_from_the_users_cap() {
    let child = load_body(&format!(
        "{CAP30}\n[[event]]\ndate = \"2026-03-01\"\nlever = \"cap.eu_mode\"\nvalue = \"dynamic\"\n"
    ))
    .unwrap();
    for ym in ["2026-03", "2026-04", "2026-08"] {
        let c = per_path(&child, "cap_eu_in_force_usd_bbl", month_of(&child, ym), 10);
        assert!(c.iter().all(|x| *x == 30.0), "{ym}: {c:?}");
    }
    let sep = per_path(
        &child,
        "cap_eu_in_force_usd_bbl",
        month_of(&child, "2026-09"),
        10,
    );
    assert!(sep.iter().all(|x| *x != 30.0), "{sep:?}");
    // Reviewed from day 1 of September: the whole month is at one value, which the next
    // month (no review) keeps (to the last bits of the day-weighted mean of 30 equal days).
    let oct = per_path(
        &child,
        "cap_eu_in_force_usd_bbl",
        month_of(&child, "2026-10"),
        10,
    );
    for (s, o) in sep.iter().zip(&oct) {
        assert!((s - o).abs() <= 1e-12 * o.abs(), "{sep:?} vs {oct:?}");
    }
}

/// The EU's $44.10 of 2026-02-01 with the review kept: reviews then fall on 2026-08-01 and
/// 2027-02-01; writing `dynamic` again while the mode is dynamic does not move them.
#[test]
fn the_review_counts_from_the_day_the_mode_switched_to_dynamic() {
    let child = load_body(
        "[[event]]\ndate = \"2026-02-01\"\nlever = \"cap.eu_usd\"\nvalue = 44.1\n\
         [[event]]\ndate = \"2026-02-01\"\nlever = \"cap.eu_mode\"\nvalue = \"dynamic\"\n",
    )
    .unwrap();
    let at = |ym: &str| per_path(&child, "cap_eu_in_force_usd_bbl", month_of(&child, ym), 6);
    for ym in ["2026-02", "2026-03", "2026-07"] {
        assert!(at(ym).iter().all(|x| (*x - 44.1).abs() < 1e-12), "{ym}");
    }
    assert!(at("2026-08").iter().all(|x| (*x - 44.1).abs() > 1e-9));
    // Re-writing `dynamic` in the baseline's own dynamic period changes nothing.
    let base = scenario("baseline");
    let again = load_body(
        "[[event]]\ndate = \"2025-12-10\"\nlever = \"cap.eu_mode\"\nvalue = \"dynamic\"\n",
    )
    .unwrap();
    let mar = month_of(&base, "2026-03");
    assert_eq!(
        per_path(&base, "cap_eu_in_force_usd_bbl", mar, 6),
        per_path(&again, "cap_eu_in_force_usd_bbl", mar, 6)
    );
}

/// A cap dated after the review day of the review month: the review applies first, the user's
/// cap replaces it on its day, and no later review replaces the user's cap.
#[test]
fn a_cap_after_the_review_day_wins_from_its_day() {
    let child = load_body("[[event]]\ndate = \"2026-03-15\"\nlever = \"cap.eu_usd\"\nvalue = 30\n")
        .unwrap();
    let mar = month_of(&child, "2026-03");
    let in_mar = per_path(&child, "cap_eu_in_force_usd_bbl", mar, 5);
    // Day-weighted: 14 of 31 days at the reviewed value, then 30.
    assert!(in_mar.iter().all(|x| *x != 30.0));
    for t in [mar + 1, mar + 6, mar + 7, child.months - 1] {
        let v = per_path(&child, "cap_eu_in_force_usd_bbl", t, 5);
        assert!(v.iter().all(|x| *x == 30.0), "month {t}: {v:?}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Whatever the date and the value, a user's EU cap is the cap in force from the month
    /// after its date to the end of the horizon, on every path; or, where an inherited event
    /// replaces it (baseline's $47.60 of 2025-09-03), `overrides` warns about it.
    #[test]
    fn a_user_cap_holds_or_is_warned_about(offset in 1usize..30, day in 1u32..29, cap in 20.0f64..90.0) {
        let base = scenario("baseline");
        let m = base.start + offset as i32;
        let date = format!("{}-{:02}", sanctions_sim::policy::calendar::iso_month(m), day);
        let child = load_body(&format!(
            "[[event]]\ndate = \"{date}\"\nlever = \"cap.eu_usd\"\nvalue = {cap}\n"
        ))
        .unwrap();
        let warned = overrides(&child).iter().any(|w| w.severity == Severity::Warning);
        let holds = [offset + 1, child.months - 1].iter().all(|&t| {
            per_path(&child, "cap_eu_in_force_usd_bbl", t, 3).iter().all(|x| *x == cap)
        });
        prop_assert!(holds != warned, "{date}: holds {holds}, warned {warned}");
    }
}

/// The tariff in force is the written rate, 0 while the US has suspended it after a halt.
#[test]
fn tariff_in_force_follows_suspension() {
    let sc = scenario("summit_failure");
    let vars = variables(&sc.market);
    let k = vars
        .iter()
        .position(|v| v.name == "india_tariff_in_force_share")
        .unwrap();
    let india = sc.market.buyer_index("IN").unwrap();
    let rate = sc.registry.id("tariff.IN.rate").unwrap();
    let mut buf = vec![0.0; vars.len()];
    let (mut on, mut off) = (0, 0);
    for p in 0..40 {
        let mut sim = PathSim::new(&sc, 7, p);
        for _ in 0..18 {
            sim.step_month();
            sim.write_vars(&vars, &mut buf);
            if sim.state.stance[india].suspended {
                assert_eq!(buf[k], 0.0);
                off += 1;
            } else {
                assert_eq!(buf[k], sim.levers.get(rate));
                on += (buf[k] > 0.0) as u32;
            }
        }
    }
    assert!(on > 0, "the tariff was never in force");
    let _ = off;
}

/// 0 ≤ laundered ≤ designated ≤ 1 in every basin and month; the W basin's designated share
/// is the existing `sdn_share`.
#[test]
fn designated_and_laundered_shares_are_ordered() {
    let sc = scenario("china_sanctions");
    let vars = variables(&sc.market);
    let idx = |n: &str| vars.iter().position(|v| v.name == n).unwrap();
    let (sdn, ud, ul, ed, el) = (
        idx("sdn_share"),
        idx("urals_designated_share"),
        idx("urals_laundered_share"),
        idx("espo_designated_share"),
        idx("espo_laundered_share"),
    );
    let mut buf = vec![0.0; vars.len()];
    let mut laundered_seen = false;
    for p in 0..20 {
        let mut sim = PathSim::new(&sc, 11, p);
        for t in 0..sc.months {
            sim.step_month();
            sim.write_vars(&vars, &mut buf);
            assert_eq!(buf[ud], buf[sdn], "path {p} month {t}");
            for (d, l) in [(ud, ul), (ed, el)] {
                assert!(
                    (0.0..=1.0).contains(&buf[d]) && buf[l] >= -1e-12 && buf[l] <= buf[d] + 1e-12,
                    "path {p} month {t}: designated {} laundered {}",
                    buf[d],
                    buf[l]
                );
                laundered_seen |= buf[l] > 0.0;
            }
        }
    }
    assert!(laundered_seen, "nothing was ever laundered");
}

/// Writes `files` into a temporary folder (with `{base}` standing for the shipped baseline)
/// and loads the last one.
fn load_chain(files: &[(&str, &str)]) -> Scenario {
    let tmp = tempfile::tempdir().unwrap();
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    let base = base.to_str().unwrap().replace('\\', "\\\\");
    for (name, body) in files {
        std::fs::write(tmp.path().join(name), body.replace("{base}", &base)).unwrap();
    }
    let leaf = tmp.path().join(files.last().unwrap().0);
    sanctions_sim::scenario::load(&leaf).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_cap_that_stops_the_inherited_review_is_noted() {
    let sc = load_body(CAP30).unwrap();
    let found = overrides(&sc);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].severity, Severity::Note);
    assert!(found[0].message.contains("stops the dynamic cap review"));
    // Walkthrough 7 #4: the review it stops could have set a lower cap.
    assert!(
        found[0].message.contains("your cap is a raise"),
        "{found:?}"
    );
    let help = found[0].help.as_deref().unwrap_or_default();
    assert!(
        help.contains("--prob 'cap_eu_in_force_usd_bbl<30'"),
        "{help}"
    );
    assert!(found[0].at.file.ends_with("t.toml"));
    // Keeping the review explicitly is what the file says: nothing to report.
    let keep = load_body(&format!(
        "{CAP30}\n[[event]]\ndate = \"2026-03-01\"\nlever = \"cap.eu_mode\"\nvalue = \"dynamic\"\n"
    ))
    .unwrap();
    assert!(overrides(&keep).is_empty());
}

#[test]
fn an_inherited_later_event_on_the_same_lever_warns() {
    let sc = load_body(
        "[[event]]\ndate = \"2025-08-20\"\nlever = \"cap.eu_usd\"\nvalue = 30\n\n\
         [[event]]\ndate = \"2025-08-20\"\nlever = \"tariff.IN.rate\"\naction = \"add\"\nvalue = 0.1\n",
    )
    .unwrap();
    let found = overrides(&sc);
    assert_eq!(found.len(), 1, "{found:?}");
    let w = &found[0];
    assert_eq!(w.severity, Severity::Warning);
    assert_eq!(w.key, "event[1]");
    assert!(
        w.message.contains("replaced on 2025-09-03"),
        "{}",
        w.message
    );
    assert!(w.message.contains("baseline.toml"), "{}", w.message);
    // A later-dated event of the child itself is not an override. (A lever the model reads:
    // `cap.us_usd` under the baseline's EU authority is now named as moving nothing,
    // walkthrough 11 #1.)
    let own = load_body(
        "[[event]]\ndate = \"2026-01-01\"\nlever = \"fleet.designation.rate\"\nvalue = 1\n\n\
         [[event]]\ndate = \"2026-02-01\"\nlever = \"fleet.designation.rate\"\nvalue = 2\n",
    )
    .unwrap();
    assert!(overrides(&own).is_empty());
}

#[test]
fn an_inherited_dynamic_mode_after_the_cap_warns_with_the_review_date() {
    let sc = load_chain(&[
        (
            "mid.toml",
            "extends = \"{base}\"\n[[event]]\ndate = \"2026-01-01\"\nlever = \"cap.eu_mode\"\nvalue = \"dynamic\"\n",
        ),
        (
            "leaf.toml",
            "extends = \"mid.toml\"\n[[event]]\ndate = \"2025-12-01\"\nlever = \"cap.eu_usd\"\nvalue = 30\n",
        ),
    ]);
    let found = overrides(&sc);
    let w = found
        .iter()
        .find(|w| w.message.contains("dynamic cap review"))
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(w.severity, Severity::Warning);
    // The mode switched back to dynamic on 2026-01-01 (the leaf's cap had fixed it): the
    // review runs six months from that day (D52).
    assert!(
        w.message.contains("replaced on 2026-07-01"),
        "{}",
        w.message
    );
    assert!(w.at.file.ends_with("leaf.toml"));
    // The run agrees: the cap holds until the review of 2026-07 replaces it.
    let jun = month_of(&sc, "2026-06");
    let v = per_path(&sc, "cap_eu_in_force_usd_bbl", jun, 3);
    assert!(v.iter().all(|x| *x == 30.0), "{v:?}");
    let aug = month_of(&sc, "2026-08");
    let v = per_path(&sc, "cap_eu_in_force_usd_bbl", aug, 3);
    assert!(v.iter().all(|x| *x != 30.0), "{v:?}");
}

/// D136: a month without a cap reports the month's Brent (never the 1e9 encoding of "none"),
/// and `cap_eu_none_share` says it ran without one; means and bands stay in dollars.
#[test]
fn a_cap_of_none_is_reported_in_dollars_with_its_share() {
    let mut sc = scenario("summit_success");
    // A mid-month "none" on every path: the month is partly without a cap.
    set(&mut sc, "2027-06-15", "cap.eu_usd", 1e9);
    let vars = variables(&sc.market);
    let idx = |n: &str| vars.iter().position(|v| v.name == n).unwrap();
    let (cap, none, brent) = (
        idx("cap_eu_in_force_usd_bbl"),
        idx("cap_eu_none_share"),
        idx("brent_usd_bbl"),
    );
    let lever = sc.registry.ids.cap_eu_usd;
    let mut buf = vec![0.0; vars.len()];
    let (mut with_none, mut partial) = (0, 0);
    for p in 0..80 {
        let mut sim = PathSim::new(&sc, 3, p);
        for t in 0..sc.months {
            sim.step_month();
            sim.write_vars(&vars, &mut buf);
            let v = sim.levers.get(lever);
            assert!(buf[cap].is_finite() && buf[cap] < 1e4, "path {p} month {t}");
            if v >= 1e6 {
                with_none += 1;
                partial += (v < 1e9) as u32;
                assert_eq!(
                    (buf[cap], buf[none]),
                    (buf[brent], 1.0),
                    "path {p} month {t}"
                );
            } else {
                assert_eq!((buf[cap], buf[none]), (v, 0.0), "path {p} month {t}");
            }
        }
    }
    assert!(with_none > 0, "eu_follows never dropped the cap");
    assert!(partial > 0, "no month was partly without a cap");
    let mut o = RunOptions::from_scenario(&sc);
    o.paths = 400;
    let r = run(&sc, &o, &|_| {}).unwrap();
    let last = month_of(&sc, "2027-05");
    // eu_follows: probability 0.25, landed by 2026-08.
    let share = r.mean("cap_eu_none_share", last);
    assert!((0.17..0.33).contains(&share), "{share}");
    assert!(r.mean("cap_eu_in_force_usd_bbl", last) < 200.0);
}

/// An authority wave bites through compliance (D35), not laundering: its share is designated
/// but never counted as laundered; a plain `sdn.share` set is laundered as L grows.
#[test]
fn authority_waves_are_not_laundered_from_their_first_day() {
    let mut sc = scenario("baseline");
    sc.events.push(us_wave(&sc, "2025-10-01", 0.4, 1));
    let vars = variables(&sc.market);
    let idx = |n: &str| vars.iter().position(|v| v.name == n).unwrap();
    let (d, l) = (idx("urals_designated_share"), idx("urals_laundered_share"));
    let mut buf = vec![0.0; vars.len()];
    let oct = month_of(&sc, "2025-10");
    for p in 0..10 {
        let mut before = f64::NAN;
        let mut sim = PathSim::new(&sc, 5, p);
        for t in 0..=oct + 1 {
            sim.step_month();
            sim.write_vars(&vars, &mut buf);
            if t + 1 == oct {
                before = buf[l];
            }
            if t >= oct {
                assert!(buf[d] >= 0.4 - 1e-9, "path {p} month {t}: {}", buf[d]);
                // What was laundered before the wave stays; the wave adds nothing.
                assert!(
                    buf[l] <= before + 0.02,
                    "path {p} month {t}: {} vs {before}",
                    buf[l]
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// D147: an authority wave never moves the laundering channel's share, on any day of the
    /// month and after it is fully re-papered. What was laundered before the wave neither
    /// vanishes in the announcement month nor grows past the pre-wave designated share when
    /// the wave retires (it used to read 0 in the month of a wave on the 22nd and then climb
    /// to the whole designated share once the wave was re-papered).
    #[test]
    fn authority_waves_leave_the_laundering_channel_alone(
        month in 1u32..10,
        day in 1u32..29,
        share in 0.05f64..0.6,
        wind_down in 1u32..4,
        twice in proptest::bool::ANY,
    ) {
        let mut sc = scenario("baseline");
        let ym = month_idx("2025-09").unwrap() + month as i32 - 1;
        let date = format!("{}-{:02}-{day:02}", ym.div_euclid(12), ym.rem_euclid(12) + 1);
        let mut wave = us_wave(&sc, &date, share, wind_down);
        if twice {
            // The same sellers listed again a week later (D45): they count once.
            if let sanctions_sim::policy::events::Value::Wave { sellers, .. } = &mut wave.value {
                *sellers = Some("rosneft".into());
            }
            let mut again = wave.clone();
            again.date = sanctions_sim::policy::calendar::Date::parse(&format!(
                "{}-{:02}-{:02}",
                ym.div_euclid(12),
                ym.rem_euclid(12) + 1,
                (day + 7).min(28)
            ))
            .unwrap();
            sc.events.push(again);
        }
        sc.events.push(wave);
        let vars = variables(&sc.market);
        let idx = |n: &str| vars.iter().position(|v| v.name == n).unwrap();
        let (d, l) = (idx("urals_designated_share"), idx("urals_laundered_share"));
        let at = (ym - sc.start) as usize;
        let mut buf = vec![0.0; vars.len()];
        for p in 0..3 {
            let (mut pre_d, mut pre_l) = (f64::NAN, f64::NAN);
            let mut sim = PathSim::new(&sc, 9, p);
            for t in 0..sc.months {
                sim.step_month();
                sim.write_vars(&vars, &mut buf);
                if t + 1 == at {
                    (pre_d, pre_l) = (buf[d], buf[l]);
                }
                if t >= at && at > 0 {
                    prop_assert!(
                        buf[l] <= pre_d + 1e-9,
                        "path {} month {}: laundered {} above the pre-wave designated {}",
                        p, t, buf[l], pre_d
                    );
                    prop_assert!(
                        buf[l] >= pre_l - 1e-9,
                        "path {} month {}: laundered {} fell from {}",
                        p, t, buf[l], pre_l
                    );
                }
            }
        }
    }
}
