//! One basin's root on the vector unit (issue 16): the basin's routes, padded to 8 or 16 with
//! closed routes, are solved by the safeguarded Halley iteration of
//! [`super::clearing::safeguarded_root_halley`] inside one `pulp` dispatch, so that each
//! evaluation computes the logistic of every route in one vector pass (AVX-512: one register
//! of 8; AVX2: two of 4) with `vmath`'s kernel instead of a scalar `exp` per route.
//!
//! Same bits on every instruction set: each lane's arithmetic is IEEE `+`, `×`, `/`, exact
//! selects and `vmath`'s fused multiply-adds (a correctly rounded software FMA in the portable
//! fallback), and the three sums add the lanes in one fixed pairwise order ([`tree_sum`]). A
//! padded route has capacity 0, so its flow, slope and curvature are exactly +0. Against the
//! scalar loop on glibc's `exp` (kept for basins of more than 16 routes) the logistic differs
//! by at most 2 ulp, 1/σ is taken once per solve and the sums are pairwise, so roots agree to
//! the solver's tolerance, not to the bit (docs/performance.md, "One basin's root on the
//! vector unit").

use super::clearing::{logistic, safeguarded_root_halley, Root};

/// What a basin's root search needs besides the routes: the volume to clear, the bracket, the
/// warm start and the tolerance.
#[derive(Debug, Clone, Copy)]
struct Search {
    x: f64,
    lo: f64,
    hi: f64,
    warm: f64,
    tol: f64,
}

impl Search {
    /// The bracket of every route's logistic ±40 widths around its centre `h − k`, and the
    /// tolerance `1e-11 (1 + x)`, tighter than the spec's 1e-7 mb/d and relative to the volume,
    /// so results do not depend on the volume scale (§9.1.10) beyond rounding.
    fn new(h: &[f64], sigma: &[f64], k: &[f64], x: f64, warm: f64) -> Search {
        let smax = sigma.iter().cloned().fold(0.0, f64::max);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for i in 0..h.len() {
            lo = lo.min(h[i] - k[i]);
            hi = hi.max(h[i] - k[i]);
        }
        Search {
            x,
            lo: lo - 40.0 * smax,
            hi: hi + 40.0 * smax,
            warm,
            tol: 1e-11 * (1.0 + x),
        }
    }
}

/// The root of Σ_r m_r(D) = x for one basin that is neither empty nor saturated, with the
/// route flows of the last evaluation in `flows` and the point of that evaluation: on the
/// vector unit for up to 16 routes, one route at a time above.
pub(super) fn basin_root(
    cap: &[f64],
    h: &[f64],
    sigma: &[f64],
    k: &[f64],
    x: f64,
    warm: f64,
    flows: &mut [f64],
) -> (Root, f64) {
    let s = Search::new(h, sigma, k, x, warm);
    match cap.len() {
        0..=8 => padded_root::<8>(cap, h, sigma, k, s, flows),
        9..=16 => padded_root::<16>(cap, h, sigma, k, s, flows),
        _ => scalar_root(cap, h, sigma, k, s, flows),
    }
}

/// The basin's routes padded to `N` (closed routes: capacity 0, so every sum sees +0), solved
/// inside one `pulp` dispatch so that the logistic of all `N` routes is one vector pass.
fn padded_root<const N: usize>(
    cap: &[f64],
    h: &[f64],
    sigma: &[f64],
    k: &[f64],
    s: Search,
    flows: &mut [f64],
) -> (Root, f64) {
    let (r, fl, last) = pulp::Arch::new().dispatch(Padded::<N>::new(cap, h, sigma, k, s));
    flows.copy_from_slice(&fl[..cap.len()]);
    (r, last)
}

/// One basin's root as a `pulp` operation: `with_simd` is compiled once per instruction set,
/// with the kernel inlined into it.
struct Padded<const N: usize> {
    pc: [f64; N],
    pa: [f64; N],
    /// 1/σ per route (1 for a padded route): one division per route a solve, not three an
    /// evaluation.
    ps: [f64; N],
    s: Search,
}

impl<const N: usize> Padded<N> {
    /// The routes in lanes `0..cap.len()`, closed routes (capacity 0, 1/σ = 1) after them.
    fn new(cap: &[f64], h: &[f64], sigma: &[f64], k: &[f64], s: Search) -> Padded<N> {
        let (mut pc, mut pa, mut ps) = ([0.0; N], [0.0; N], [1.0; N]);
        for i in 0..cap.len() {
            pc[i] = cap[i];
            pa[i] = k[i] - h[i];
            ps[i] = 1.0 / sigma[i];
        }
        Padded { pc, pa, ps, s }
    }
}

impl<const N: usize> pulp::WithSimd for Padded<N> {
    type Output = (Root, [f64; N], f64);

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) -> Self::Output {
        let Padded { pc, pa, ps, s } = self;
        let x = s.x;
        let mut fl = [0.0; N];
        let mut last = f64::NAN;
        let r = safeguarded_root_halley(
            #[inline(always)]
            |d: f64| {
                let (mut dm, mut d2) = ([0.0; N], [0.0; N]);
                for i in 0..N {
                    let z = ((d + pa[i]) * ps[i]).clamp(-40.0, 40.0);
                    let l = crate::vmath::logistic_inline(z);
                    let m = pc[i] * l;
                    let dmi = m * (1.0 - l) * ps[i];
                    fl[i] = m;
                    dm[i] = dmi;
                    d2[i] = dmi * (1.0 - 2.0 * l) * ps[i];
                }
                last = d;
                (tree_sum(fl) - x, tree_sum(dm), tree_sum(d2))
            },
            s.lo,
            s.hi,
            s.warm,
            s.tol,
            true,
            200,
        );
        (r, fl, last)
    }
}

/// Σ a in a fixed pairwise order (halves added lane by lane until one is left): the same
/// bits on every instruction set, and a few vector additions instead of a chain of N.
#[inline(always)]
fn tree_sum<const N: usize>(mut a: [f64; N]) -> f64 {
    let mut n = N;
    while n > 1 {
        n /= 2;
        for i in 0..n {
            a[i] += a[i + n];
        }
    }
    a[0]
}

/// Basins of more than 16 routes, one route at a time.
fn scalar_root(
    cap: &[f64],
    h: &[f64],
    sigma: &[f64],
    k: &[f64],
    s: Search,
    flows: &mut [f64],
) -> (Root, f64) {
    let x = s.x;
    let mut last = f64::NAN;
    let g = |d: f64| {
        let (mut s, mut ds, mut d2s) = (-x, 0.0, 0.0);
        for i in 0..cap.len() {
            if cap[i] == 0.0 {
                flows[i] = 0.0;
                continue;
            }
            let l = logistic((d + k[i] - h[i]) / sigma[i]);
            let m = cap[i] * l;
            let dm = m * (1.0 - l) / sigma[i];
            flows[i] = m;
            s += m;
            ds += dm;
            d2s += dm * (1.0 - 2.0 * l) / sigma[i];
        }
        last = d;
        (s, ds, d2s)
    };
    let r = safeguarded_root_halley(g, s.lo, s.hi, s.warm, s.tol, true, 200);
    (r, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pulp::WithSimd;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// A basin of `n` routes of the default market's shapes (some closed) and its search: the
    /// volume, the bracket and a warm start.
    fn basin(rng: &mut ChaCha8Rng, n: usize) -> ([Vec<f64>; 4], Search) {
        let mut b: [Vec<f64>; 4] = Default::default();
        for _ in 0..n {
            let open = rng.random_range(0.0..1.0) > 0.15;
            b[0].push(if open {
                rng.random_range(0.05..2.5)
            } else {
                0.0
            });
            b[1].push(rng.random_range(-5.0..25.0));
            b[2].push(rng.random_range(0.5..4.0));
            b[3].push(rng.random_range(-15.0..5.0));
        }
        let total: f64 = b[0].iter().sum();
        let x = total * rng.random_range(0.02..0.98);
        let warm = rng.random_range(-10.0..30.0);
        let s = Search::new(&b[1], &b[2], &b[3], x, warm);
        (b, s)
    }

    fn padded<const N: usize>(b: &[Vec<f64>; 4], s: Search) -> Padded<N> {
        Padded::new(&b[0], &b[1], &b[2], &b[3], s)
    }

    /// The dispatched kernel (AVX-512 or AVX2 where the machine has them) and the portable
    /// fallback (no target features, software or libm FMA) give the same bits: root,
    /// iterations, bisections and every route's flow.
    #[test]
    fn same_bits_on_every_instruction_set() {
        let mut rng = ChaCha8Rng::seed_from_u64(21);
        for case in 0..400 {
            let n = 1 + case % 16;
            let (b, sr) = basin(&mut rng, n);
            let check = |fast: (Root, Vec<f64>, f64), slow: (Root, Vec<f64>, f64)| {
                assert_eq!(fast.0.x.to_bits(), slow.0.x.to_bits(), "case {case}");
                assert_eq!(fast.0.iters, slow.0.iters, "case {case}");
                assert_eq!(fast.0.bisections, slow.0.bisections, "case {case}");
                let bits = |v: &[f64]| v.iter().map(|f| f.to_bits()).collect::<Vec<u64>>();
                assert_eq!(bits(&fast.1), bits(&slow.1), "case {case}");
                assert_eq!(fast.2.to_bits(), slow.2.to_bits(), "case {case}");
            };
            if n <= 8 {
                let f = pulp::Arch::new().dispatch(padded::<8>(&b, sr));
                let s = padded::<8>(&b, sr).with_simd(pulp::Scalar::new());
                check((f.0, f.1.to_vec(), f.2), (s.0, s.1.to_vec(), s.2));
            } else {
                let f = pulp::Arch::new().dispatch(padded::<16>(&b, sr));
                let s = padded::<16>(&b, sr).with_simd(pulp::Scalar::new());
                check((f.0, f.1.to_vec(), f.2), (s.0, s.1.to_vec(), s.2));
            }
        }
    }

    /// Against the scalar loop on glibc's `exp` (the solver before): the same convergence,
    /// roots within the tolerance's reach, flows that clear the volume, and padding that adds
    /// nothing (closed routes flow exactly 0).
    #[test]
    fn agrees_with_the_scalar_root() {
        let mut rng = ChaCha8Rng::seed_from_u64(22);
        for case in 0..2000 {
            let n = 1 + case % 16;
            let (b, sr) = basin(&mut rng, n);
            let (x, tol) = (sr.x, sr.tol);
            if x <= 1e-9 {
                continue;
            }
            let (mut f1, mut f2) = (vec![0.0; n], vec![0.0; n]);
            let (r1, _) = basin_root(&b[0], &b[1], &b[2], &b[3], x, sr.warm, &mut f1);
            let (r2, _) = scalar_root(&b[0], &b[1], &b[2], &b[3], sr, &mut f2);
            assert_eq!(r1.converged, r2.converged, "case {case}");
            assert!(r1.converged, "case {case}: {r1:?}");
            assert!(
                (r1.x - r2.x).abs() <= 1e-7 * (1.0 + r2.x.abs()),
                "case {case}: {} vs {}",
                r1.x,
                r2.x
            );
            let sold: f64 = f1.iter().sum();
            assert!((sold - x).abs() < 10.0 * tol, "case {case}: {sold} vs {x}");
            for i in 0..n {
                if b[0][i] == 0.0 {
                    assert_eq!(f1[i].to_bits(), 0, "case {case}, closed route {i}");
                }
                let want = b[0][i] * logistic((r1.x + b[3][i] - b[1][i]) / b[2][i]);
                assert!((f1[i] - want).abs() <= 1e-12 * (1.0 + want), "case {case}");
            }
        }
    }
}
