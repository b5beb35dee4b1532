//! The fifth walkthrough's fixes: the waves of one seller group share their size draw (D189),
//! tanker batches take a UK authority, and `explain` lists the automatic EU cap reviews.

mod common;

use common::{load_body, values_at};
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::scenario::Scenario;

fn designated_in_december(sc: &Scenario, paths: u64) -> Vec<f64> {
    values_at(sc, "urals_designated_share", 4, 11, paths)
}

const TWO_LISTINGS: &str = r#"
[[event]]
date = "2025-10-15"
lever = "sdn.wave"
value = { add_share = { uniform = [0.40, 0.50] }, wind_down_months = 1, authority = "uk", sellers = "rosneft_lukoil" }

[[event]]
date = "2025-10-22"
lever = "sdn.wave"
value = { add_share = { uniform = [0.40, 0.50] }, wind_down_months = 1, authority = "us", sellers = "lukoil-rosneft" }
"#;

/// Two authorities listing the same companies with the same uncertain size designate one
/// size: the share rises by U(0.40, 0.50), mean 0.45, not by the larger of two independent
/// draws (mean 0.467, which the old draws gave).
#[test]
fn one_seller_group_listed_twice_designates_one_draw() {
    let sc = load_body(TWO_LISTINGS).unwrap();
    let paths = 400;
    let rise: Vec<f64> = designated_in_december(&sc, paths)
        .iter()
        .map(|s| s - 0.20)
        .collect();
    let mean = rise.iter().sum::<f64>() / paths as f64;
    assert!(
        rise.iter().all(|r| (0.40 - 1e-9..=0.50 + 1e-9).contains(r)),
        "{rise:?}"
    );
    // Uniform on [0.4, 0.5]: s.d. 0.029, so the mean of 400 has s.e. 0.0014.
    assert!((mean - 0.45).abs() < 0.006, "mean rise {mean}");
}

/// The UK lists tankers too (walkthrough 5): `authority = "uk"` bites as the EU's does.
#[test]
fn a_uk_tanker_batch_bites_like_an_eu_one() {
    let batch = |a: &str| {
        format!(
            "[[event]]\ndate = \"2025-10-15\"\nlever = \"fleet.designation.batch\"\nvalue = {{ \
             share = 0.10, authority = \"{a}\" }}\n"
        )
    };
    let uk = load_body(&batch("uk")).unwrap();
    let eu = load_body(&batch("eu")).unwrap();
    let us = load_body(&batch("us")).unwrap();
    let fleet = |sc: &Scenario| {
        let mut sim = PathSim::new(sc, 3, 0);
        for _ in 0..3 {
            sim.step_month();
        }
        sim.state.fleet
    };
    assert_eq!(fleet(&uk), fleet(&eu));
    assert!(fleet(&us) < fleet(&eu));
}

/// `explain` lists the automatic reviews (walkthrough 5): the baseline's every six months from
/// 2025-09-03, and a user's cap with `dynamic` on the same day moves them to its day (D52).
#[test]
fn explain_lists_the_automatic_cap_reviews() {
    use sanctions_sim::policy::cap_review::scheduled_reviews;
    let dates = |sc: &sanctions_sim::scenario::Scenario| -> Vec<String> {
        scheduled_reviews(
            &sc.events,
            &sc.registry,
            &sc.registry.defaults(),
            sc.start,
            sc.months,
        )
        .iter()
        .map(|d| d.to_string())
        .collect()
    };
    let base = common::scenario("baseline");
    assert_eq!(
        dates(&base),
        [
            "2026-03-03",
            "2026-09-03",
            "2027-03-03",
            "2027-09-03",
            "2028-03-03"
        ]
    );
    let child = load_body(
        "[[event]]\ndate = \"2026-02-01\"\nlever = \"cap.eu_usd\"\nvalue = 44.10\n\n[[event]]\n\
         date = \"2026-02-01\"\nlever = \"cap.eu_mode\"\nvalue = \"dynamic\"\n",
    )
    .unwrap();
    assert_eq!(
        dates(&child),
        ["2026-08-01", "2027-02-01", "2027-08-01", "2028-02-01"]
    );
    let fixed =
        load_body("[[event]]\ndate = \"2026-02-01\"\nlever = \"cap.eu_usd\"\nvalue = 44.10\n")
            .unwrap();
    assert!(
        dates(&fixed).is_empty(),
        "a user's cap fixes the mode (D50)"
    );
    let text = sanctions_sim::cli::explain::render(&base);
    assert!(text.contains("automatic EU cap reviews (5;"), "{text}");
}

/// The report's key results show the months after the scenario's events (a replay's event
/// window was in no table) and the buyers' arrivals and the EU cap in force.
#[test]
fn the_report_shows_the_event_window_arrivals_and_the_cap_in_force() {
    let d = tempfile::tempdir().unwrap();
    let sf = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/summit_failure.toml");
    let o = common::sim()
        .arg("run")
        .arg(&sf)
        .args([
            "--paths",
            "40",
            "--months",
            "14",
            "--quiet",
            "--no-charts",
            "--out",
        ])
        .arg(d.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", common::text(&o.stderr));
    let html = std::fs::read_to_string(d.path().join("summit_failure/report.html")).unwrap();
    // Events in Aug, Sep and Oct 2025: the months after them, besides months 1, 12 and 14.
    for date in [
        "2025-09-01",
        "2025-10-01",
        "2025-11-01",
        "2026-07-01",
        "2026-09-01",
    ] {
        assert!(html.contains(&format!("<td>{date}</td>")), "{date} missing");
    }
    for var in [
        "arrivals_india_mbd",
        "arrivals_china_mbd",
        "cap_eu_in_force_usd_bbl",
    ] {
        assert!(html.contains(var), "{var} missing");
    }
    // Walkthrough 6: the totals table has each calendar year, not only the horizon.
    let totals = &html[html.find("Totals per path").expect("totals table")..];
    for period in [">2025</td>", ">2026</td>", ">horizon</td>"] {
        assert!(totals.contains(period), "{period} missing from the totals");
    }
}
