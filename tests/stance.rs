//! The continuous national stance (model.md §4.3, D38): a tariff moves a buyer's intake partly
//! and gradually, more with a bigger tariff, and a full halt is the tail, not the rule.

mod common;
use common::*;
use sanctions_sim::engine::path::PathSim;
use sanctions_sim::scenario::Scenario;

const IN: usize = 0;

/// Per month over `n` paths: (mean cut φ, share of paths halted, mean intake mb/d).
fn india(sc: &Scenario, n: u64, months: usize) -> Vec<(f64, f64, f64)> {
    let mut out = vec![(0.0, 0.0, 0.0); months];
    for path in 0..n {
        let mut sim = PathSim::new(sc, 3, path);
        for v in out.iter_mut() {
            let errs = step_checked(&mut sim);
            assert!(errs.is_empty(), "{errs:?}");
            let s = sim.state.stance[IN];
            let m = &sim.work.out.m;
            // W→IN and E→IN are routes 0 and 7 of the default market; India has no pipeline.
            let intake = m[0] + m[7];
            v.0 += s.cut / n as f64;
            v.1 += f64::from(u8::from(s.halted)) / n as f64;
            v.2 += intake / n as f64;
        }
    }
    out
}

fn with_tariff(rate: f64) -> Scenario {
    let mut sc = scenario("baseline");
    set(&mut sc, "2025-10-15", "tariff.IN.rate", rate);
    sc
}

/// A 25% tariff alone: India cuts part of its intake, gradually, and is fully halted only on
/// a minority of paths.
#[test]
fn tariff_alone_moves_india_partly() {
    let months = 10;
    let base = india(&scenario("baseline"), 400, months);
    let taxed = india(&with_tariff(0.25), 400, months);
    // Announced mid-October (index 2): the stance weighs the tariff from November, its first
    // full month, and closes only part of the gap each month.
    for x in &taxed[..3] {
        assert_eq!(x.0, 0.0, "no cut before a full month of tariff: {taxed:?}");
    }
    assert!(taxed[3].0 > 0.0 && taxed[4].0 > taxed[3].0, "{taxed:?}");
    for (t, (b, x)) in base.iter().zip(&taxed).enumerate().skip(4) {
        assert_eq!(b.0, 0.0, "no cut without a tariff");
        let (cut, halted) = (x.0, x.1);
        assert!(cut > 0.03 && cut < 0.4, "month {t}: mean cut {cut}");
        assert!(halted < 0.25, "month {t}: halted on {halted} of paths");
        let fall = 1.0 - x.2 / b.2;
        assert!(
            fall > 0.02 && fall < 0.4,
            "month {t}: intake fell by {fall}"
        );
    }
}

/// A bigger tariff never lowers the mean cut (common random numbers: same seeds and paths).
#[test]
fn bigger_tariff_bigger_cut() {
    let months = 8;
    let runs: Vec<_> = [0.1, 0.25, 0.5]
        .iter()
        .map(|r| india(&with_tariff(*r), 200, months))
        .collect();
    for (t, ((lo, mid), hi)) in runs[0]
        .iter()
        .zip(&runs[1])
        .zip(&runs[2])
        .enumerate()
        .skip(3)
    {
        assert!(
            lo.0 <= mid.0 + 1e-12 && mid.0 <= hi.0 + 1e-12,
            "month {t}: {} {} {}",
            lo.0,
            mid.0,
            hi.0
        );
    }
}

/// Walkthrough 10 #6 (D276): once a snapback has hit it, a suspended buyer weighs the year's
/// threat and does not resume into the next snapback month after month. On `china_sanctions`
/// the 100% tariff snapped back more than once on two paths in three when the buyer weighed
/// one month's chance (`p_snap·T^snap`), charging China the full duty each time.
#[test]
fn a_snapback_is_not_a_monthly_cycle() {
    const CN: usize = 1;
    let sc = scenario("china_sanctions");
    let n = 200;
    let (mut repeated, mut onsets) = (0, 0);
    for path in 0..n {
        let mut sim = PathSim::new(&sc, 3, path);
        let (mut on_before, mut count) = (false, 0);
        for _ in 0..36 {
            let errs = step_checked(&mut sim);
            assert!(errs.is_empty(), "{errs:?}");
            let s = sim.state.stance[CN];
            // In force: a tariff lever above 0 and not suspended.
            let on = !s.suspended && s.snap_rate > 0.0;
            if on && !on_before {
                count += 1;
            }
            on_before = on;
        }
        onsets += count;
        repeated += u32::from(count > 1);
    }
    assert!(
        repeated * 10 < n as u32,
        "the tariff went back into force more than once on {repeated} of {n} paths \
         ({onsets} onsets)"
    );
}
