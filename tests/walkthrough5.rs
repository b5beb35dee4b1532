//! The fifth walkthrough's model fixes: the waves of one seller group share their size draw
//! (D189), and tanker batches take a UK authority.

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
