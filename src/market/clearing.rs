//! Monotone 1-D roots: basin clearing (§4.6) and the logistic route demand (§4.6).
//!
//! Every solve in the model is a monotone root, found by a safeguarded Newton that bisects
//! whenever the step leaves the bracket *or* |f| fails to halve (errata 8: Σ logistic is not
//! convex and plain safeguarded Newton 2-cycles). Convergence is checked, never assumed.

/// Stable logistic Λ(z) with |z| clamped to 40 (model.md §10).
#[inline]
pub fn logistic(z: f64) -> f64 {
    let z = z.clamp(-40.0, 40.0);
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `x` held to `[lo, hi]` without `f64::clamp`'s panic: `clamp` panics when `lo > hi` or
/// either bound is NaN, which a bracket built from non-finite prices or widths can be
/// (hostile report, finding 1: `sigma_f = 300` gave the bracket (inf, -inf)). A NaN bound is
/// ignored; with `lo > hi` the result is `hi`; a NaN `x` stays NaN (as with `clamp`), so the
/// non-finite output check still sees it. Callers that need a usable bracket check it first.
#[inline]
pub fn clamp_nan_safe(x: f64, lo: f64, hi: f64) -> f64 {
    if x.is_nan() {
        x
    } else {
        x.max(lo).min(hi)
    }
}

/// Result of a root search.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Root {
    pub x: f64,
    pub iters: u32,
    pub converged: bool,
    /// Steps taken by bisection rather than Newton.
    pub bisections: u32,
}

/// Finds x in [lo, hi] with f(x) = 0 for a monotone `f` returning (f, f'). `increasing` gives
/// the direction. Assumes a sign change over the bracket (callers check the ends). This is
/// [`safeguarded_root_halley`] without a second derivative: a NaN f'' makes every step the
/// Newton step, with the same arithmetic, so the two share one safeguard loop.
pub fn safeguarded_root(
    mut f: impl FnMut(f64) -> (f64, f64),
    lo: f64,
    hi: f64,
    x0: f64,
    tol: f64,
    increasing: bool,
    max_iter: u32,
) -> Root {
    let with_nan = |x: f64| {
        let (g, dg) = f(x);
        (g, dg, f64::NAN)
    };
    safeguarded_root_halley(with_nan, lo, hi, x0, tol, increasing, max_iter)
}

/// The safeguarded root with Halley's step for an `f` that also returns f'' (bisect when the
/// step leaves the bracket or |f| fails to halve); Halley's cubic convergence saves about one
/// evaluation per solve from a warm start. Where the Halley denominator is unusable (or f'' is
/// NaN) the Newton step is tried instead.
#[inline(always)]
pub fn safeguarded_root_halley(
    mut f: impl FnMut(f64) -> (f64, f64, f64),
    mut lo: f64,
    mut hi: f64,
    x0: f64,
    tol: f64,
    increasing: bool,
    max_iter: u32,
) -> Root {
    // A bracket that is not a finite interval (non-finite prices, widths or volumes upstream)
    // has no root to find: report it unconverged, so it reaches the solver diagnostics
    // (`solver_not_converged`) instead of panicking in `clamp` or looping on NaN.
    if !(lo.is_finite() && hi.is_finite() && lo <= hi) {
        return Root {
            x: f64::NAN,
            iters: 0,
            converged: false,
            bisections: 0,
        };
    }
    let mut x = if x0.is_finite() {
        clamp_nan_safe(x0, lo, hi)
    } else {
        0.5 * (lo + hi)
    };
    let mut prev_abs = f64::INFINITY;
    let mut bisections = 0;
    for it in 1..=max_iter {
        let (g, dg, d2g) = f(x);
        if g.abs() < tol {
            return Root {
                x,
                iters: it,
                converged: true,
                bisections,
            };
        }
        if (g < 0.0) == increasing {
            lo = x;
        } else {
            hi = x;
        }
        let denom = 2.0 * dg * dg - g * d2g;
        let halley = x - 2.0 * g * dg / denom;
        let step = if denom.is_finite() && denom > 0.0 && halley > lo && halley < hi {
            halley
        } else {
            x - g / dg
        };
        let halved = g.abs() <= 0.5 * prev_abs;
        prev_abs = g.abs();
        x = if dg.is_finite() && dg != 0.0 && step > lo && step < hi && (halved || it == 1) {
            step
        } else {
            bisections += 1;
            0.5 * (lo + hi)
        };
        if hi - lo < 1e-13 * (1.0 + x.abs()) {
            let (g, _, _) = f(x);
            return Root {
                x,
                iters: it,
                converged: g.abs() < tol * 10.0,
                bisections,
            };
        }
    }
    Root {
        x,
        iters: max_iter,
        converged: false,
        bisections,
    }
}

/// Route demand m_r(D) = M Λ((D + k − h)/σ) and its derivative.
#[inline]
pub fn route_flow(cap: f64, h: f64, sigma: f64, k: f64, d: f64) -> (f64, f64) {
    let l = logistic((d + k - h) / sigma);
    let m = cap * l;
    (m, m * (1.0 - l) / sigma)
}

/// Status of a basin clearing (§4.6 edge cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BasinStatus {
    Cleared,
    /// Deliverable volume ≥ Σ M_r: the discount is unbounded, the floor will bind.
    Saturated,
    /// Nothing to sell.
    Empty,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BasinRoot {
    pub d: f64,
    pub status: BasinStatus,
    pub iters: u32,
    pub converged: bool,
    pub bisections: u32,
}

/// A saturated basin's "infinite" discount (errata N12).
pub const D_INF: f64 = 1e6;

/// Solves Σ_r m_r(D) = x for one basin's routes (slices of equal length).
pub fn solve_basin(
    cap: &[f64],
    h: &[f64],
    sigma: &[f64],
    k: &[f64],
    x: f64,
    warm: f64,
) -> BasinRoot {
    let mut scratch = vec![0.0; cap.len()];
    solve_basin_into(cap, h, sigma, k, x, warm, &mut scratch).0
}

/// [`solve_basin`], also leaving in `flows` the route flows of the last evaluation. Returns
/// whether those are the flows at the returned root (always, unless the search ran out of
/// iterations): the flows at the root cost a logistic per route, and the last evaluation has
/// already computed exactly them, bit for bit.
pub fn solve_basin_into(
    cap: &[f64],
    h: &[f64],
    sigma: &[f64],
    k: &[f64],
    x: f64,
    warm: f64,
    flows: &mut [f64],
) -> (BasinRoot, bool) {
    let total: f64 = cap.iter().sum();
    if x <= 1e-12 {
        let r = BasinRoot {
            d: -D_INF,
            status: BasinStatus::Empty,
            iters: 0,
            converged: true,
            bisections: 0,
        };
        return (r, false);
    }
    if x >= total - 1e-9 {
        let r = BasinRoot {
            d: D_INF,
            status: BasinStatus::Saturated,
            iters: 0,
            converged: true,
            bisections: 0,
        };
        return (r, false);
    }
    let (r, last) = super::padded_root::basin_root(cap, h, sigma, k, x, warm, flows);
    let root = BasinRoot {
        d: r.x,
        status: BasinStatus::Cleared,
        iters: r.iters,
        converged: r.converged,
        bisections: r.bisections,
    };
    (root, last.to_bits() == r.x.to_bits())
}

/// Flows at discount `d` into `out`; returns their sum.
pub fn flows_at(cap: &[f64], h: &[f64], sigma: &[f64], k: &[f64], d: f64, out: &mut [f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..cap.len() {
        // A closed route's flow is exactly 0 (see `solve_basin_into`).
        out[i] = if cap[i] == 0.0 {
            0.0
        } else {
            route_flow(cap[i], h[i], sigma[i], k[i], d).0
        };
        s += out[i];
    }
    s
}

/// Convenience for calibration: the root and the flows.
pub struct BasinSolution {
    pub root: BasinRoot,
    pub flows: Vec<f64>,
}

pub fn clear_basin(
    cap: &[f64],
    h: &[f64],
    sigma: &[f64],
    k: &[f64],
    x: f64,
    warm: f64,
) -> BasinSolution {
    let root = solve_basin(cap, h, sigma, k, x, warm);
    let mut flows = vec![0.0; cap.len()];
    match root.status {
        BasinStatus::Empty => {}
        BasinStatus::Saturated => flows.copy_from_slice(cap),
        BasinStatus::Cleared => {
            flows_at(cap, h, sigma, k, root.d, &mut flows);
        }
    }
    BasinSolution { root, flows }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// D142: a bracket of (inf, -inf) or NaN used to panic in `f64::clamp`; it is an
    /// unconverged root now, and the clamp keeps a NaN value NaN.
    #[test]
    fn non_finite_brackets_are_unconverged_not_a_panic() {
        for (lo, hi) in [
            (f64::INFINITY, f64::NEG_INFINITY),
            (f64::NAN, 1.0),
            (0.0, f64::INFINITY),
            (2.0, 1.0),
        ] {
            let r = safeguarded_root_halley(|x| (x, 1.0, 0.0), lo, hi, 0.5, 1e-9, true, 50);
            assert!(!r.converged && r.x.is_nan(), "{lo} {hi}: {r:?}");
        }
        assert_eq!(
            clamp_nan_safe(5.0, f64::INFINITY, f64::NEG_INFINITY),
            f64::NEG_INFINITY
        );
        assert_eq!(clamp_nan_safe(5.0, f64::NAN, 3.0), 3.0);
        assert!(clamp_nan_safe(f64::NAN, 0.0, 1.0).is_nan());
        assert_eq!(clamp_nan_safe(0.5, 0.0, 1.0), 0.5);
    }

    #[test]
    fn logistic_is_stable_and_symmetric() {
        assert_eq!(logistic(1e6), logistic(40.0));
        assert!((logistic(0.3) + logistic(-0.3) - 1.0).abs() < 1e-15);
        assert!(logistic(-1e6) > 0.0);
    }

    #[test]
    fn clears_a_basin_to_tolerance() {
        let cap = [2.4, 0.8, 0.35, 0.3, 1.0];
        let h = [1.1, 1.0, 3.9, 8.0, 14.7];
        let s = [2.0, 2.0, 2.0, 2.0, 3.0];
        let k = [-6.0, -8.5, -2.5, -5.0, -8.5];
        let sol = clear_basin(&cap, &h, &s, &k, 2.45, 10.0);
        assert!(sol.root.converged);
        assert!((sol.flows.iter().sum::<f64>() - 2.45).abs() < 1e-7);
        // Warm starts far away still converge.
        for warm in [-500.0, 0.0, 500.0, f64::NAN] {
            let r = solve_basin(&cap, &h, &s, &k, 2.45, warm);
            assert!((r.d - sol.root.d).abs() < 1e-6, "{warm}");
        }
    }

    #[test]
    fn non_convex_case_does_not_two_cycle() {
        // Two far-apart logistic steps make Σ m non-convex: plain Newton oscillates here.
        let cap = [1.0, 1.0];
        let h = [0.0, 40.0];
        let s = [0.5, 0.5];
        let k = [0.0, 0.0];
        for x in [0.5, 0.999, 1.001, 1.5] {
            for warm in [-10.0, 11.46, 20.0, 30.2, 60.0] {
                let r = solve_basin(&cap, &h, &s, &k, x, warm);
                assert!(r.converged, "x {x} warm {warm}: {r:?}");
                assert!(r.iters <= 200);
                let mut f = [0.0; 2];
                assert!((flows_at(&cap, &h, &s, &k, r.d, &mut f) - x).abs() < 1e-7);
            }
        }
    }

    #[test]
    fn edge_cases() {
        let r = solve_basin(&[1.0], &[0.0], &[1.0], &[0.0], 0.0, 0.0);
        assert_eq!(r.status, BasinStatus::Empty);
        let r = solve_basin(&[1.0], &[0.0], &[1.0], &[0.0], 1.0, 0.0);
        assert_eq!(r.status, BasinStatus::Saturated);
    }
}
