use super::*;

fn reg() -> LeverRegistry {
    LeverRegistry::new(&RegistryRows {
        buyers: vec!["IN".into(), "CN".into()],
        buyer_capacity_scale: vec![1.0, 1.0],
        buyer_exposed_exports_bn: vec![58.0, 440.0],
        pipelines: vec!["CNP".into()],
        basins: vec!["W".into(), "E".into()],
    })
}

#[test]
fn wildcards_expand_against_rows() {
    let r = reg();
    assert_eq!(r.expand("tariff.*.rate").len(), 2);
    assert_eq!(r.expand("tariff.*.base_rate").len(), 2);
    assert_eq!(r.expand("freight.*.scale").len(), 2);
    assert_eq!(r.expand("cap.eu_usd"), vec![r.ids.cap_eu_usd]);
    assert!(r.expand("nope.*").is_empty());
    assert_eq!(r.defaults().get(r.ids.tariff_exposed_exports_bn[1]), 440.0);
}

#[test]
fn names_are_unique() {
    let r = reg();
    let mut n = r.names();
    n.sort();
    n.dedup();
    assert_eq!(n.len(), r.defs.len());
}

#[test]
fn run_time_ranges_name_the_sentinels() {
    let r = reg();
    let range = |id: LeverId| r.defs[id].range().unwrap();
    assert_eq!(range(r.ids.cap_eu_usd).sentinel, Some(NONE_CAP));
    assert_eq!(range(r.ids.cap_eu_usd).max, NONE_CAP);
    assert_eq!(
        range(r.ids.compliance_share[0]).sentinel,
        Some(COMPLIANCE_FROM_MARKET)
    );
    assert_eq!(
        range(r.ids.tariff_snapback_rate[0]).sentinel,
        Some(SNAPBACK_AT_HALT)
    );
    assert_eq!(range(r.ids.tariff_rate[0]).sentinel, None);
    assert_eq!(range(r.ids.carrot_value_bn[0]).max, UNBOUNDED_MAX);
    assert!(r.defs[r.ids.relief_active].range().is_none());
    assert!(r.defs[r.ids.fleet_shadow_capacity].range().is_none());
}

#[test]
fn add_and_scale_leave_a_sentinel_and_set_replaces_it() {
    let r = reg();
    let cap = r.defs[r.ids.cap_eu_usd].range().unwrap();
    // None plus $5, none less $5, none times 0.5: still none.
    assert_eq!(cap.bound(NONE_CAP, NONE_CAP + 5.0, true), NONE_CAP);
    assert_eq!(cap.bound(NONE_CAP, NONE_CAP - 5.0, true), NONE_CAP);
    assert_eq!(cap.bound(NONE_CAP, NONE_CAP * 0.5, true), NONE_CAP);
    assert_eq!(cap.bound(NONE_CAP, 60.0, false), 60.0);
    assert_eq!(cap.bound(60.0, NONE_CAP, false), NONE_CAP);
    assert_eq!(cap.bound(60.0, 60.0 + 2e9, true), NONE_CAP);
    assert_eq!(cap.bound(60.0, -40.0, true), 0.0);
    let share = r.defs[r.ids.compliance_share[0]].range().unwrap();
    assert_eq!(share.bound(-1.0, 0.5, true), -1.0);
    assert_eq!(share.bound(-1.0, 0.5, false), 0.5);
    // A pulse hands the market's draw back exactly.
    assert_eq!(share.bound(0.5, -1.0, false), -1.0);
    let scale = r.defs[r.ids.buyer_capacity_scale[0]].range().unwrap();
    assert_eq!(scale.bound(1.5, 4.5, true), 2.0);
    assert_eq!(scale.bound(1.5, f64::INFINITY, true), 2.0);
    assert_eq!(scale.bound(1.5, f64::NAN, true), 1.5);
}

proptest::proptest! {
    /// D131: whatever an action computes, a number lever ends in its range or at its sentinel,
    /// and a value in range (all a statically checked event can give) is never changed.
    #[test]
    fn bound_keeps_every_number_lever_in_range(
        lever in 0usize..64,
        start in 0.0f64..1.0,
        after in proptest::prop_oneof![
            proptest::num::f64::ANY,
            -10.0f64..10.0,
            proptest::strategy::Just(NONE_CAP),
            proptest::strategy::Just(-1.0),
        ],
        arithmetic: bool,
    ) {
        let r = reg();
        let numbers: Vec<&LeverDef> = r.defs.iter().filter(|d| d.range().is_some()).collect();
        let d = numbers[lever % numbers.len()];
        let g = d.range().unwrap();
        // Before: the default (which may be the sentinel) or a value in range.
        let before = if lever % 2 == 0 {
            d.default
        } else {
            g.min + (g.max.min(10.0) - g.min) * start
        };
        let v = g.bound(before, after, arithmetic);
        proptest::prop_assert!(
            Some(v) == g.sentinel || (g.min..=g.max).contains(&v),
            "{}: {before} -> {after} gave {v}", d.name
        );
        if (g.min..=g.max).contains(&after) && !(arithmetic && Some(before) == g.sentinel) {
            proptest::prop_assert_eq!(v, after);
        }
    }
}
