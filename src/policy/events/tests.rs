use super::*;
use crate::policy::calendar::month_idx;
use crate::policy::levers::{RegistryRows, COMPLIANCE_FROM_MARKET, NONE_CAP};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

pub(super) fn reg() -> LeverRegistry {
    LeverRegistry::new(&RegistryRows {
        buyers: vec!["IN".into()],
        buyer_capacity_scale: vec![1.0],
        buyer_exposed_exports_bn: vec![58.0],
        pipelines: vec![],
        basins: vec!["W".into()],
    })
}

pub(super) fn ev(reg: &LeverRegistry, date: &str, lever: &str, action: Action, v: f64) -> Event {
    Event {
        date: Date::parse(date).unwrap(),
        lever: reg.id(lever).unwrap(),
        action,
        value: Value::Number(Dist::Const(v)),
        prob: Dist::Const(1.0),
        lag_months: None,
    }
}

pub(super) fn run(
    events: &[Event],
    reg: &LeverRegistry,
    start: &str,
    months: usize,
) -> Vec<LeverSet> {
    let rng = ChaCha8Rng::seed_from_u64(1);
    let start = month_idx(start).unwrap();
    let mut p = PolicyPath::new(events, reg, &reg.defaults(), start, |_| rng.clone());
    let mut out = reg.defaults();
    let mut fired = Vec::new();
    (0..months)
        .map(|t| {
            p.advance(start + t as i32, &mut out, &mut fired);
            out.clone()
        })
        .collect()
}

#[test]
fn pro_rates_continuous_levers_by_day() {
    let r = reg();
    let id = r.ids.tariff_rate[0];
    // 27 August: 5 of 31 days at 0.25.
    let m = run(
        &[ev(&r, "2025-08-27", "tariff.IN.rate", Action::Set, 0.25)],
        &r,
        "2025-08",
        2,
    );
    assert!((m[0].get(id) - 0.25 * 5.0 / 31.0).abs() < 1e-12);
    assert!((m[0].on(id) - 5.0 / 31.0).abs() < 1e-12);
    assert_eq!(m[1].get(id), 0.25);
    assert_eq!(m[1].on(id), 1.0);
}

/// Hostile round 10 #1: a mid-month pulse of a boolean holds its own month, not the next
/// (`tests_discrete.rs` has every bool and enum lever and day).
#[test]
fn a_mid_month_boolean_pulse_holds_its_own_month() {
    let r = reg();
    let id = r.ids.relief_active;
    let m = run(
        &[ev(&r, "2025-08-15", "relief.active", Action::Pulse, 1.0)],
        &r,
        "2025-08",
        3,
    );
    let got: Vec<f64> = m.iter().map(|s| s.get(id)).collect();
    assert_eq!(got, vec![1.0, 0.0, 0.0]);
}

#[test]
fn booleans_switch_from_the_first_full_month() {
    let r = reg();
    let id = r.ids.relief_active;
    let m = run(
        &[ev(&r, "2025-08-15", "relief.active", Action::Set, 1.0)],
        &r,
        "2025-08",
        2,
    );
    assert_eq!(m[0].get(id), 0.0);
    assert_eq!(m[1].get(id), 1.0);
    let m = run(
        &[ev(&r, "2025-08-01", "relief.active", Action::Set, 1.0)],
        &r,
        "2025-08",
        1,
    );
    assert_eq!(m[0].get(id), 1.0);
}

#[test]
fn events_before_start_build_the_initial_state() {
    let r = reg();
    let m = run(
        &[ev(&r, "2022-12-05", "cap.eu_usd", Action::Set, 60.0)],
        &r,
        "2025-08",
        1,
    );
    assert_eq!(m[0].get(r.ids.cap_eu_usd), 60.0);
}

#[test]
fn ramp_pulse_add_scale() {
    let r = reg();
    let id = r.ids.freight_scale[0];
    let m = run(
        &[ev(
            &r,
            "2025-08-01",
            "freight.W.scale",
            Action::Ramp { months: 4 },
            3.0,
        )],
        &r,
        "2025-08",
        5,
    );
    let got: Vec<f64> = m.iter().map(|s| s.get(id)).collect();
    assert_eq!(got, vec![1.5, 2.0, 2.5, 3.0, 3.0]);
    let m = run(
        &[ev(&r, "2025-08-01", "freight.W.scale", Action::Pulse, 2.0)],
        &r,
        "2025-08",
        2,
    );
    assert_eq!((m[0].get(id), m[1].get(id)), (2.0, 1.0));
    let m = run(
        &[
            ev(&r, "2025-08-01", "freight.W.scale", Action::Add, 1.0),
            ev(&r, "2025-08-01", "freight.W.scale", Action::Scale, 1.5),
        ],
        &r,
        "2025-08",
        1,
    );
    assert_eq!(m[0].get(id), 3.0);
}

/// An `sdn.wave` event of `share` on every basin, with no authority.
pub(super) fn wave_event(
    r: &LeverRegistry,
    date: &str,
    share: f64,
    months: u32,
    sellers: Option<&str>,
) -> Event {
    Event {
        date: Date::parse(date).unwrap(),
        lever: r.ids.sdn_wave,
        action: Action::Fire,
        value: Value::Wave {
            add_share: Dist::Const(share),
            wind_down_months: months,
            basins: vec![],
            authority: None,
            sellers: sellers.map(String::from),
        },
        prob: Dist::Const(1.0),
        lag_months: None,
    }
}

#[test]
fn a_wave_remembers_its_announcement_day() {
    // D42: OFAC's 2025-01-10 designations; the deadline counts from the 10th, not the 1st.
    let r = reg();
    let rng = ChaCha8Rng::seed_from_u64(1);
    let wave = |date: &str| wave_event(&r, date, 0.2, 2, None);
    let start = month_idx("2025-01").unwrap();
    let offset = |events: &[Event], month| {
        let mut p = PolicyPath::new(events, &r, &r.defaults(), start, |_| rng.clone());
        let (mut out, mut fired) = (r.defaults(), Vec::new());
        for m in start..=month {
            p.advance(m, &mut out, &mut fired);
        }
        match fired[..] {
            [Fired::Wave { day_offset, .. }] => day_offset,
            _ => panic!("{fired:?} {month}"),
        }
    };
    assert!((offset(&[wave("2025-01-10")], start) - 9.0 / 31.0).abs() < 1e-12);
    assert_eq!(offset(&[wave("2025-01-01")], start), 0.0);
}

#[test]
fn wave_ramps_the_share_and_fires_once() {
    let r = reg();
    let rng = ChaCha8Rng::seed_from_u64(1);
    let e = wave_event(&r, "2025-10-01", 0.4, 2, None);
    let start = month_idx("2025-10").unwrap();
    let mut p = PolicyPath::new(&[e], &r, &r.defaults(), start, |_| rng.clone());
    let mut out = r.defaults();
    let mut fired = Vec::new();
    p.advance(start, &mut out, &mut fired);
    assert_eq!(
        fired,
        vec![Fired::Wave {
            add_share: 0.4,
            basins: 0,
            authority: None,
            wind_down_months: 2,
            day_offset: 0.0,
            group: 0,
            names: [0; 8],
            lever_share: 0.4,
        }]
    );
    assert!((out.get(r.ids.sdn_share) - 0.2).abs() < 1e-12);
    p.advance(start + 1, &mut out, &mut fired);
    assert!(fired.is_empty());
    assert!((out.get(r.ids.sdn_share) - 0.4).abs() < 1e-12);
}

#[test]
fn probability_zero_never_fires_and_lags_move_to_the_first() {
    let r = reg();
    let mut e = ev(&r, "2025-08-20", "tariff.IN.rate", Action::Set, 0.5);
    e.prob = Dist::Const(0.0);
    let m = run(&[e.clone()], &r, "2025-08", 3);
    assert!(m.iter().all(|s| s.get(r.ids.tariff_rate[0]) == 0.0));
    e.prob = Dist::Const(1.0);
    e.lag_months = Some(Dist::Const(1.0));
    let m = run(&[e], &r, "2025-08", 2);
    assert_eq!(m[0].get(r.ids.tariff_rate[0]), 0.0);
    assert_eq!(m[1].get(r.ids.tariff_rate[0]), 0.5);
}

#[test]
fn named_waves_count_their_sellers_once() {
    // D45: the UK (15th) and the US (22nd) list the same companies; a third wave of other
    // sellers adds its own share.
    let r = reg();
    let rng = ChaCha8Rng::seed_from_u64(1);
    let wave =
        |date: &str, share: f64, sellers: Option<&str>| wave_event(&r, date, share, 1, sellers);
    let start = month_idx("2025-10").unwrap();
    let share_after = |events: &[Event]| {
        let mut p = PolicyPath::new(events, &r, &r.defaults(), start, |_| rng.clone());
        let (mut out, mut fired) = (r.defaults(), Vec::new());
        let mut groups = Vec::new();
        for m in start..start + 3 {
            p.advance(m, &mut out, &mut fired);
            groups.extend(fired.iter().filter_map(|f| match f {
                Fired::Wave { group, .. } => Some(*group),
                _ => None,
            }));
        }
        (out.get(r.ids.sdn_share), groups)
    };
    let rn = Some("rosneft_lukoil");
    let (s, g) = share_after(&[wave("2025-10-15", 0.45, rn), wave("2025-10-22", 0.45, rn)]);
    assert!((s - 0.45).abs() < 1e-12, "{s}");
    assert!(g.len() == 2 && g[0] == g[1] && g[0] != 0);
    // A larger later listing of the same name adds only the difference; the file order of
    // the two events does not matter, their dates do.
    let (s, _) = share_after(&[wave("2025-10-22", 0.5, rn), wave("2025-10-15", 0.45, rn)]);
    assert!((s - 0.5).abs() < 1e-12, "{s}");
    // Other sellers, or no name, add in full.
    let (s, _) = share_after(&[
        wave("2025-10-15", 0.45, rn),
        wave("2025-10-22", 0.2, Some("gpn")),
        wave("2025-10-29", 0.1, None),
    ]);
    assert!((s - 0.75).abs() < 1e-12, "{s}");
    assert_ne!(
        crate::policy::events::seller_group("a"),
        crate::policy::events::seller_group("b")
    );
}

/// D46: a `sellers` name lists its companies between `_`, `-` and `.`, case-folded, each once.
#[test]
fn seller_names_list_the_companies() {
    use crate::policy::events::{seller_group, seller_names, MAX_SELLER_NAMES};
    let n = seller_names("Rosneft_lukoil");
    assert_eq!(&n[..2], &[seller_group("rosneft"), seller_group("lukoil")]);
    assert!(n[2..].iter().all(|h| *h == 0));
    assert_eq!(seller_names("rosneft.LUKOIL--rosneft"), n);
    assert_eq!(seller_names("gpn"), {
        let mut a = [0; MAX_SELLER_NAMES];
        a[0] = seller_group("gpn");
        a
    });
    assert!(seller_names("a_b_c_d_e_f_g_h_i").iter().all(|h| *h != 0));
}

/// D131: events that would run a lever out of its range, as a tree node re-entered every
/// month does, stop at the range's edge; a cap of none stays none under `add`.
#[test]
fn repeated_add_and_scale_stop_at_the_range() {
    let r = reg();
    let mut evs = Vec::new();
    for m in 0..36 {
        let date = crate::policy::calendar::iso_month(month_idx("2025-08").unwrap() + m);
        let date = format!("{date}-01");
        evs.push(ev(&r, &date, "buyer.IN.capacity_scale", Action::Scale, 3.0));
        evs.push(ev(&r, &date, "cap.eu_usd", Action::Add, 1e8));
        evs.push(ev(&r, &date, "tariff.IN.rate", Action::Add, 0.4));
        evs.push(ev(&r, &date, "freight.W.scale", Action::Scale, 0.5));
        evs.push(ev(&r, &date, "compliance.IN.share", Action::Add, 0.3));
    }
    let m = run(&evs, &r, "2025-08", 36);
    for s in &m {
        for (i, d) in r.defs.iter().enumerate() {
            if let Some(g) = d.range() {
                let v = s.get(i);
                assert!(
                    Some(v) == g.sentinel || (g.min..=g.max).contains(&v),
                    "{} = {v}",
                    d.name
                );
            }
        }
    }
    let last = &m[35];
    assert_eq!(last.get(r.ids.buyer_capacity_scale[0]), 2.0);
    assert_eq!(last.get(r.ids.cap_eu_usd), NONE_CAP);
    assert_eq!(last.get(r.ids.tariff_rate[0]), 5.0);
    assert_eq!(last.get(r.ids.freight_scale[0]), 0.2);
    assert_eq!(last.get(r.ids.compliance_share[0]), COMPLIANCE_FROM_MARKET);
    // A cap set to a number and then added to in a loop reaches the top of its range: none.
    let mut evs = vec![ev(&r, "2025-08-01", "cap.eu_usd", Action::Set, 60.0)];
    for m in 1..12 {
        let date = crate::policy::calendar::iso_month(month_idx("2025-08").unwrap() + m);
        evs.push(ev(
            &r,
            &format!("{date}-01"),
            "cap.eu_usd",
            Action::Scale,
            100.0,
        ));
    }
    let m = run(&evs, &r, "2025-08", 12);
    assert_eq!(m[0].get(r.ids.cap_eu_usd), 60.0);
    assert_eq!(m[1].get(r.ids.cap_eu_usd), 6000.0);
    assert_eq!(m[11].get(r.ids.cap_eu_usd), NONE_CAP);
}

/// D226: a ramp that meets a marker default (the market's draw, a cap of none) has no number
/// to start from: it starts at its target, never at the marker's encoding (−1 or 1e9).
#[test]
fn a_ramp_from_a_marker_starts_at_its_target() {
    let r = reg();
    let comp = r.id("compliance.IN.share").unwrap();
    assert_eq!(r.defaults().get(comp), COMPLIANCE_FROM_MARKET);
    let m = run(
        &[ev(
            &r,
            "2025-10-01",
            "compliance.IN.share",
            Action::Ramp { months: 4 },
            0.5,
        )],
        &r,
        "2025-09",
        6,
    );
    assert_eq!(m[0].get(comp), COMPLIANCE_FROM_MARKET);
    for (t, lv) in m.iter().enumerate().skip(1) {
        assert_eq!(lv.get(comp), 0.5, "month {t}");
    }
    let cap = r.ids.cap_eu_usd;
    let m = run(
        &[
            ev(&r, "2025-09-01", "cap.eu_usd", Action::Set, NONE_CAP),
            ev(
                &r,
                "2025-11-01",
                "cap.eu_usd",
                Action::Ramp { months: 4 },
                40.0,
            ),
        ],
        &r,
        "2025-09",
        6,
    );
    assert_eq!(m[1].get(cap), NONE_CAP);
    for lv in &m[2..] {
        assert_eq!(lv.get(cap), 40.0);
    }
    // From a number, a ramp is still a ramp.
    let m = run(
        &[
            ev(&r, "2025-09-01", "compliance.IN.share", Action::Set, 0.1),
            ev(
                &r,
                "2025-10-01",
                "compliance.IN.share",
                Action::Ramp { months: 4 },
                0.5,
            ),
        ],
        &r,
        "2025-09",
        6,
    );
    assert!((m[1].get(comp) - 0.2).abs() < 1e-12 && (m[4].get(comp) - 0.5).abs() < 1e-12);
}

/// D232 (hostile round 8, finding 2): a pulse inside a multi-step change (a `ramp`, a wave's
/// share ramp, a named wave's, a basin wave's) changes only the pulse's own month: its
/// restore comes before the step due on the same 1st, which used to be overwritten by it (a
/// wave then stayed a step short for good).
#[test]
fn a_pulse_inside_a_ramp_or_wave_changes_only_its_month() {
    let r = reg();
    let w_lever = r.ids.sdn_basin_share[0];
    let mut basin_wave = wave_event(&r, "2025-09-01", 0.4, 4, None);
    if let Value::Wave { basins, .. } = &mut basin_wave.value {
        basins.push(w_lever);
    }
    let cases: Vec<(Vec<Event>, LeverId)> = vec![
        (
            vec![
                ev(&r, "2025-08-01", "cap.us_usd", Action::Set, 60.0),
                ev(
                    &r,
                    "2025-09-01",
                    "cap.us_usd",
                    Action::Ramp { months: 4 },
                    20.0,
                ),
            ],
            r.ids.cap_us_usd,
        ),
        (
            vec![wave_event(&r, "2025-09-01", 0.4, 4, None)],
            r.ids.sdn_share,
        ),
        (
            vec![wave_event(&r, "2025-09-01", 0.4, 4, Some("rosneft"))],
            r.ids.sdn_share,
        ),
        (vec![basin_wave], w_lever),
    ];
    for (change, lever) in cases {
        let name = r.def(lever).name.clone();
        let without = run(&change, &r, "2025-08", 8);
        for day in ["2025-10-01", "2025-10-17"] {
            let mut events = change.clone();
            let v = if lever == r.ids.cap_us_usd {
                45.0
            } else {
                0.05
            };
            events.push(ev(&r, day, &name, Action::Pulse, v));
            let with = run(&events, &r, "2025-08", 8);
            for (m, (a, b)) in without.iter().zip(&with).enumerate() {
                let (a, b) = (a.get(lever), b.get(lever));
                if m == 2 {
                    assert!(a != b, "{name} {day}: the pulse month is unchanged");
                } else {
                    assert!(
                        (a - b).abs() < 1e-12,
                        "{name} {day} month {m}: {b} against {a}"
                    );
                }
            }
        }
    }
}
