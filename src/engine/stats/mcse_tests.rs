//! The Monte Carlo standard errors against the spread of estimates over independent samples.

use super::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, LogNormal, Normal};

/// Sample s.d. of `xs`.
fn spread(xs: &[f64]) -> f64 {
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    (xs.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (xs.len() - 1) as f64).sqrt()
}

/// Over `reps` independent samples of `n` values: (s.d. of the means, mean mc_se_mean,
/// s.d. of the medians, mean mc_se_p50).
fn replicate(
    draw: &dyn Fn(&mut ChaCha8Rng) -> f64,
    n: usize,
    reps: u64,
    mode: SummaryMode,
) -> (f64, f64, f64, f64) {
    let (mut means, mut medians, mut se_mean, mut se_p50) = (vec![], vec![], 0.0, 0.0);
    for seed in 0..reps {
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + seed);
        let mut s = MonthlyStats::new(1, 1, mode);
        for _ in 0..n {
            s.push_path(&[draw(&mut rng)]);
        }
        let c = *s.finish().cell(0, 0);
        means.push(c.mean);
        medians.push(c.p50);
        se_mean += c.mc_se_mean / reps as f64;
        se_p50 += c.mc_se_p50 / reps as f64;
    }
    (spread(&means), se_mean, spread(&medians), se_p50)
}

/// 400 replications estimate a s.d. within about ±3.5 % (one standard error), so a band of
/// ±20 % is more than five standard errors wide; the estimators' own bias at n = 2001 is a
/// few percent (Bofinger's bandwidth is 0.1 there).
#[test]
fn standard_errors_match_spread_over_seeds() {
    let normal = Normal::new(70.0, 12.0).unwrap();
    let lognormal = LogNormal::new(1.0, 0.8).unwrap();
    let skewed_mix = |r: &mut ChaCha8Rng| {
        // Zero-inflated and skewed, like a flow that is often shut in.
        let x: f64 = lognormal.sample(r);
        if x < 1.5 {
            0.0
        } else {
            x
        }
    };
    let cases: [(&str, &dyn Fn(&mut ChaCha8Rng) -> f64); 3] = [
        ("normal", &|r| normal.sample(r)),
        ("lognormal", &|r| lognormal.sample(r)),
        ("zero-inflated", &skewed_mix),
    ];
    for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
        for (name, draw) in cases {
            let (sd_means, se_mean, sd_medians, se_p50) = replicate(draw, 2001, 400, mode);
            let r_mean = se_mean / sd_means;
            let r_p50 = se_p50 / sd_medians;
            eprintln!("{name} {mode:?}: mc_se_mean/spread {r_mean:.3}, mc_se_p50/spread {r_p50:.3}");
            assert!(
                (0.8..1.25).contains(&r_mean),
                "{name} {mode:?}: mc_se_mean {se_mean} vs spread of means {sd_means}"
            );
            assert!(
                (0.8..1.25).contains(&r_p50),
                "{name} {mode:?}: mc_se_p50 {se_p50} vs spread of medians {sd_medians}"
            );
        }
    }
}

#[test]
fn bandwidth_rule() {
    assert!((mcse::bandwidth(10_000) - 0.1027).abs() < 1e-3);
    assert!((mcse::bandwidth(1_000_000) - 0.0409).abs() < 1e-3);
    assert_eq!(mcse::bandwidth(2), 0.25);
}

#[test]
fn small_and_degenerate_cells() {
    for mode in [SummaryMode::Exact, SummaryMode::Sketch] {
        let mut s = MonthlyStats::new(1, 2, mode);
        s.push_path(&[1.0, 0.0]);
        let one = s.clone().finish();
        assert!(one.cell(0, 0).mc_se_mean.is_nan() && one.cell(0, 0).mc_se_p50.is_nan());
        for i in 0..99 {
            s.push_path(&[f64::from(i), 0.0]);
        }
        let c = s.finish();
        assert!(c.cell(0, 0).mc_se_p50 > 0.0 && c.cell(0, 0).mc_se_mean > 0.0);
        // A constant: its median never moves.
        assert_eq!((c.cell(0, 1).mc_se_mean, c.cell(0, 1).mc_se_p50), (0.0, 0.0));
    }
}

/// The sketch's estimate is within the documented bound of the exact one.
#[test]
fn sketch_within_bound_of_exact() {
    let ln = LogNormal::new(4.0, 0.3).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let v: Vec<f64> = (0..50_000).map(|_| ln.sample(&mut rng)).collect();
    let fin = |mode| {
        let mut s = MonthlyStats::new(1, 1, mode);
        for &x in &v {
            s.push_path(&[x]);
        }
        *s.finish().cell(0, 0)
    };
    let (e, k) = (fin(SummaryMode::Exact), fin(SummaryMode::Sketch));
    let h = mcse::bandwidth(v.len() as u64);
    let mut sorted = v.clone();
    sorted.sort_by(f64::total_cmp);
    let q = |p: f64| exact::exact_quantile(&sorted, p);
    let bound = SKETCH_RELATIVE_ERROR * (q(0.5 - h).abs() + q(0.5 + h).abs())
        / (4.0 * h * (v.len() as f64).sqrt());
    assert!(
        (e.mc_se_p50 - k.mc_se_p50).abs() <= bound,
        "{} vs {} (bound {bound})",
        e.mc_se_p50,
        k.mc_se_p50
    );
    assert_eq!(e.mc_se_mean.to_bits(), k.mc_se_mean.to_bits());
}
