//! `exp` and `logistic` against `libm` over the model's ranges, at the edges (overflow,
//! underflow, subnormals, NaN) and on proptest draws; the slice functions against the scalar
//! ones bit for bit.

use super::{exp, exp_in_place, exp_slice, logistic, logistic_slice};
use proptest::prelude::*;

/// Distance in units in the last place: how many f64 lie between `a` and `b` (both finite or
/// equal infinities).
fn ulps(a: f64, b: f64) -> u64 {
    if a == b {
        return 0;
    }
    // Map the bits to a monotone integer line (negative values mirrored below zero).
    let key = |v: f64| {
        let i = v.to_bits() as i64;
        if i < 0 {
            i64::MIN - i
        } else {
            i
        }
    };
    key(a).abs_diff(key(b))
}

fn reference_logistic(z: f64) -> f64 {
    let e = libm::exp(-z.abs());
    if z >= 0.0 {
        1.0 / (1.0 + e)
    } else {
        e / (1.0 + e)
    }
}

/// The largest ulp error of `f` against `g` on a uniform grid of `n` points over [lo, hi].
fn max_ulps(f: fn(f64) -> f64, g: fn(f64) -> f64, lo: f64, hi: f64, n: usize) -> (u64, f64) {
    let mut worst = (0, lo);
    for i in 0..=n {
        let x = lo + (hi - lo) * (i as f64 / n as f64);
        let d = ulps(f(x), g(x));
        if d > worst.0 {
            worst = (d, x);
        }
    }
    // The figure the module doc states (`cargo test --lib vmath -- --nocapture`).
    eprintln!("max {} ulp over [{lo}, {hi}] at {}", worst.0, worst.1);
    worst
}

#[test]
fn exp_is_within_one_ulp_of_libm_over_its_whole_range() {
    let (d, at) = max_ulps(exp, libm::exp, -745.13, 709.78, 1_000_000);
    assert!(d <= 1, "{d} ulp at {at}");
    // The model's usual arguments, more densely.
    let (d, at) = max_ulps(exp, libm::exp, -40.0, 40.0, 200_000);
    assert!(d <= 1, "{d} ulp at {at}");
}

#[test]
fn logistic_is_within_two_ulp_of_the_libm_formula() {
    let (d, at) = max_ulps(logistic, reference_logistic, -745.0, 745.0, 1_000_000);
    assert!(d <= 2, "{d} ulp at {at}");
    let (d, at) = max_ulps(logistic, reference_logistic, -40.0, 40.0, 200_000);
    assert!(d <= 2, "{d} ulp at {at}");
}

#[test]
fn exp_edges() {
    let cases: [(f64, f64); 12] = [
        (0.0, 1.0),
        (-0.0, 1.0),
        (1.0, std::f64::consts::E),
        (f64::INFINITY, f64::INFINITY),
        (f64::NEG_INFINITY, 0.0),
        (709.78, libm::exp(709.78)),
        // ln(f64::MAX) rounded down: the largest finite result.
        (709.782_712_893_384, libm::exp(709.782_712_893_384)),
        (709.782_712_893_385, f64::INFINITY),
        (1000.0, f64::INFINITY),
        // Below ≈ −745.133 the result rounds to 0; just above it, to the smallest subnormal.
        (-745.133_219_101_941_1, 5e-324),
        (-745.2, 0.0),
        (-1e300, 0.0),
    ];
    for (x, want) in cases {
        let got = exp(x);
        assert!(ulps(got, want) <= 1, "exp({x}) = {got:e}, want {want:e}");
    }
    assert!(exp(709.782_712_893_384).is_finite());
    assert!(exp(f64::NAN).is_nan());
    assert!(exp(-f64::NAN).is_nan());
}

#[test]
fn exp_subnormal_results_match_libm() {
    for i in 0..=10_000 {
        let x = -708.4 - 36.7 * (i as f64 / 10_000.0);
        let (got, want) = (exp(x), libm::exp(x));
        assert!(ulps(got, want) <= 1, "exp({x}) = {got:e}, libm {want:e}");
    }
}

#[test]
fn logistic_edges() {
    assert_eq!(logistic(0.0), 0.5);
    assert_eq!(logistic(40.0), reference_logistic(40.0));
    assert_eq!(logistic(700.0), 1.0);
    assert_eq!(logistic(f64::INFINITY), 1.0);
    assert_eq!(logistic(f64::NEG_INFINITY), 0.0);
    assert!(logistic(-700.0) > 0.0);
    assert!(ulps(logistic(-700.0), libm::exp(-700.0)) <= 2);
    assert_eq!(logistic(-746.0), 0.0);
    assert!(logistic(f64::NAN).is_nan());
    // Λ(z) + Λ(−z) = 1 to rounding.
    for z in [0.1, 1.0, 5.0, 20.0] {
        assert!((logistic(z) + logistic(-z) - 1.0).abs() <= f64::EPSILON);
    }
}

#[test]
fn slices_give_the_scalar_bits_for_every_length() {
    // Lengths around the widest vector (8 lanes) exercise the tails.
    for n in [0, 1, 3, 7, 8, 9, 15, 16, 17, 63, 4096] {
        let xs: Vec<f64> = (0..n)
            .map(|i| -750.0 + 1470.0 * (i as f64 + 0.37) / (n.max(1) as f64))
            .chain([f64::NAN, f64::INFINITY, f64::NEG_INFINITY])
            .collect();
        let mut out = vec![0.0; xs.len()];
        exp_slice(&xs, &mut out);
        for (x, y) in xs.iter().zip(&out) {
            assert_eq!(y.to_bits(), exp(*x).to_bits(), "exp_slice at {x}");
        }
        let mut inplace = xs.clone();
        exp_in_place(&mut inplace);
        assert_eq!(
            inplace.iter().map(|v| v.to_bits()).collect::<Vec<_>>(),
            out.iter().map(|v| v.to_bits()).collect::<Vec<_>>()
        );
        logistic_slice(&xs, &mut out);
        for (x, y) in xs.iter().zip(&out) {
            assert_eq!(y.to_bits(), logistic(*x).to_bits(), "logistic_slice at {x}");
        }
    }
}

proptest! {
    #[test]
    fn exp_matches_libm_on_draws(x in -745.13f64..709.78) {
        prop_assert!(ulps(exp(x), libm::exp(x)) <= 1, "exp({})", x);
    }

    #[test]
    fn exp_matches_libm_on_any_bits(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        let (got, want) = (exp(x), libm::exp(x));
        if want.is_nan() {
            prop_assert!(got.is_nan());
        } else {
            prop_assert!(ulps(got, want) <= 1, "exp({:e}) = {:e}, libm {:e}", x, got, want);
        }
    }

    #[test]
    fn logistic_matches_the_libm_formula_on_draws(z in -745.0f64..745.0) {
        prop_assert!(ulps(logistic(z), reference_logistic(z)) <= 2, "logistic({})", z);
    }
}
