//! The Gulf-outage lever (walkthrough 10 #10): `supply.gulf_outage_mbd` imposes an outage of
//! the Gulf class. Before it, a Gulf disruption could be written only as `supply.opec_adj_mbd`,
//! which moves Brent but not the Gulf-exposed buyers' alternative cost, so the Urals discount
//! and India's intake ignored a Hormuz-sized shock. model.md §4.2.3 and §4.8 give the equations.

mod common;

use common::{scenario, set, values_at};

const PATHS: u64 = 120;
const SEED: u64 = 23;

fn with(lever: &str, v: f64) -> sanctions_sim::scenario::Scenario {
    let mut sc = scenario("baseline");
    if v != 0.0 {
        set(&mut sc, "2025-09-01", lever, v);
    }
    sc
}

fn mean(v: &[f64]) -> f64 {
    v.iter().sum::<f64>() / v.len() as f64
}

/// Unset (or 0) it changes nothing: every variable of every path is bit-identical.
#[test]
fn zero_is_the_baseline_bit_for_bit() {
    let base = scenario("baseline");
    let mut zero = scenario("baseline");
    set(&mut zero, "2025-09-01", "supply.gulf_outage_mbd", 0.0);
    for var in [
        "brent_usd_bbl",
        "urals_discount_usd_bbl",
        "flow_india_mbd",
        "outage_elsewhere_mbd",
    ] {
        for t in [1, 7] {
            let a = values_at(&base, var, t, SEED, 40);
            let b = values_at(&zero, var, t, SEED, 40);
            assert!(
                a.iter().zip(&b).all(|(x, y)| x.to_bits() == y.to_bits()),
                "{var}, month {t}"
            );
        }
    }
}

/// In the month it starts, a Gulf outage raises Brent by at least as much as the same OPEC+
/// cut (both enter the world balance), is reported in `outage_elsewhere_mbd`, and, unlike
/// the OPEC+ cut, narrows the Urals discount and raises India's Russian intake: its
/// alternative (Gulf) crude costs γ_a more per mb/d lost. Bigger outages do more.
#[test]
fn a_gulf_outage_moves_brent_and_the_buyers_alternative() {
    let t = 1;
    let base = |var| values_at(&with("supply.gulf_outage_mbd", 0.0), var, t, SEED, PATHS);
    let gulf = |v, var| values_at(&with("supply.gulf_outage_mbd", v), var, t, SEED, PATHS);
    let opec = |v: f64, var| values_at(&with("supply.opec_adj_mbd", -v), var, t, SEED, PATHS);

    let out = gulf(4.0, "outage_elsewhere_mbd");
    let out0 = base("outage_elsewhere_mbd");
    for (a, b) in out.iter().zip(&out0) {
        assert!((a - b - 4.0).abs() < 1e-9, "outage {a} against {b}");
    }

    let brent0 = mean(&base("brent_usd_bbl"));
    let brent_gulf = mean(&gulf(4.0, "brent_usd_bbl"));
    let brent_opec = mean(&opec(4.0, "brent_usd_bbl"));
    assert!(brent_gulf > brent0 * 1.05, "{brent0} → {brent_gulf}");
    assert!(
        brent_gulf >= brent_opec - 1e-9,
        "{brent_opec} vs {brent_gulf}"
    );

    let disc0 = mean(&base("urals_discount_usd_bbl"));
    let disc_opec = mean(&opec(4.0, "urals_discount_usd_bbl"));
    let mut last_disc = disc0;
    let mut last_in = mean(&base("flow_india_mbd"));
    for v in [2.0, 4.0, 8.0] {
        let disc = mean(&gulf(v, "urals_discount_usd_bbl"));
        let india = mean(&gulf(v, "flow_india_mbd"));
        assert!(disc < last_disc, "{v} mb/d: discount {last_disc} → {disc}");
        assert!(
            india >= last_in - 1e-9,
            "{v} mb/d: India {last_in} → {india}"
        );
        last_disc = disc;
        last_in = india;
    }
    let disc4 = mean(&gulf(4.0, "urals_discount_usd_bbl"));
    assert!(
        disc0 - disc4 > (disc0 - disc_opec).abs() + 0.5,
        "the Gulf channel must narrow the discount by more than an OPEC+ cut's balance \
         effect: base {disc0}, Gulf {disc4}, OPEC+ {disc_opec}"
    );
}

/// The lever's range is [0, 20] mb/d: a negative outage is refused at load.
#[test]
fn a_negative_outage_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("neg.toml");
    let base = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/baseline.toml");
    std::fs::write(
        &f,
        format!(
            "extends = {:?}\n[[event]]\ndate = \"2025-09-01\"\nlever = \"supply.gulf_outage_mbd\"\nvalue = -1\n",
            base.to_str().unwrap()
        ),
    )
    .unwrap();
    let out = common::sim().arg("validate").arg(&f).output().unwrap();
    assert!(!out.status.success());
    let err = common::text(&out.stderr);
    assert!(err.contains("[0, 20]") && err.contains("got -1"), "{err}");
}
