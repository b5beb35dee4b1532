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
