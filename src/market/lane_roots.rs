//! Basin clearing across lanes (issue 16: "roots across lanes"): `L` independent basins, one
//! per path of a batch, solved together. Groundwork for the batched step; the one-path step
//! still calls [`super::clearing::solve_basin_into`].
//!
//! Each lane runs the safeguarded Halley iteration of `clearing::safeguarded_root_halley`
//! on its own bracket, with its own convergence test and bisection fallback (errata 8), and
//! keeps its own iteration and bisection counts; a lane that has converged is masked off and
//! the batch stops when every lane has. What is shared is the expensive part: each iteration
//! computes the logistic of every route of every lane in one vectorised pass
//! ([`crate::vmath::logistic_slice`], AVX-512 or AVX2 where the machine has them), laid out
//! route-major with the lanes contiguous. A lane's arithmetic never reads another lane, so its
//! root has the same bits whatever batch it is solved in (the tests check it): the property
//! that keeps outputs independent of `--threads` and `--shard`.
//!
//! Differences from the scalar solver: `vmath`'s logistic is within 2 ulp of `f64::exp`'s,
//! not bit-identical, so roots agree to the solver's tolerance, not to the bit.

// Lane arrays are indexed by lane and by `route * lanes + lane` together.
#![allow(clippy::needless_range_loop)]

use super::clearing::{BasinStatus, D_INF};

/// `L` basins of `R` routes each, route-major: route `r` of lane `l` is at `r * lanes + l`.
#[derive(Debug, Clone, Default)]
pub struct LaneBasins {
    pub routes: usize,
    pub lanes: usize,
    pub cap: Vec<f64>,
    pub h: Vec<f64>,
    pub sigma: Vec<f64>,
    pub k: Vec<f64>,
    /// Volume to clear, per lane.
    pub x: Vec<f64>,
}

impl LaneBasins {
    /// `lanes` basins of `routes` routes, every value 0, to be filled.
    pub fn zeros(routes: usize, lanes: usize) -> LaneBasins {
        let n = routes * lanes;
        LaneBasins {
            routes,
            lanes,
            cap: vec![0.0; n],
            h: vec![0.0; n],
            sigma: vec![0.0; n],
            k: vec![0.0; n],
            x: vec![0.0; lanes],
        }
    }
}

/// Per-lane results, as `clearing::BasinRoot` gives them for one basin.
#[derive(Debug, Clone, Default)]
pub struct LaneRoots {
    pub d: Vec<f64>,
    pub status: Vec<BasinStatus>,
    pub iters: Vec<u32>,
    pub converged: Vec<bool>,
    pub bisections: Vec<u32>,
}

/// Buffers reused across calls (`R × L` each).
#[derive(Debug, Clone, Default)]
pub struct LaneScratch {
    z: Vec<f64>,
    lam: Vec<f64>,
}

/// One lane's iteration state.
#[derive(Debug, Clone, Copy)]
struct Lane {
    lo: f64,
    hi: f64,
    prev_abs: f64,
    /// Still iterating.
    active: bool,
    /// The bracket has collapsed: the next evaluation is the final check (|f| < 10 tol).
    last_check: bool,
    tol: f64,
}

/// Clears every lane of `p` (warm starts `warm`, one per lane) into `out`, with the scalar
/// solver's tolerance `1e-11 (1 + x)` and at most `max_iter` iterations per lane.
pub fn solve_lanes(
    p: &LaneBasins,
    warm: &[f64],
    max_iter: u32,
    out: &mut LaneRoots,
    s: &mut LaneScratch,
) {
    let (nr, nl) = (p.routes, p.lanes);
    assert!(
        p.cap.len() == nr * nl && p.h.len() == nr * nl && p.sigma.len() == nr * nl,
        "lane_roots: route arrays must be routes × lanes"
    );
    assert!(p.k.len() == nr * nl && p.x.len() == nl && warm.len() == nl);
    out.d.clear();
    out.d.resize(nl, 0.0);
    out.status.clear();
    out.status.resize(nl, BasinStatus::Cleared);
    out.iters.clear();
    out.iters.resize(nl, 0);
    out.converged.clear();
    out.converged.resize(nl, true);
    out.bisections.clear();
    out.bisections.resize(nl, 0);
    s.z.resize(nr * nl, 0.0);
    s.lam.resize(nr * nl, 0.0);
    let mut lanes = Vec::with_capacity(nl);
    for l in 0..nl {
        let x = p.x[l];
        let total: f64 = (0..nr).map(|r| p.cap[r * nl + l]).sum();
        let mut lane = Lane {
            lo: 0.0,
            hi: 0.0,
            prev_abs: f64::INFINITY,
            active: false,
            last_check: false,
            tol: 1e-11 * (1.0 + x),
        };
        if x <= 1e-12 {
            out.d[l] = -D_INF;
            out.status[l] = BasinStatus::Empty;
        } else if x >= total - 1e-9 {
            out.d[l] = D_INF;
            out.status[l] = BasinStatus::Saturated;
        } else {
            let (mut lo, mut hi, mut smax) = (f64::INFINITY, f64::NEG_INFINITY, 0.0_f64);
            for r in 0..nr {
                let i = r * nl + l;
                lo = lo.min(p.h[i] - p.k[i]);
                hi = hi.max(p.h[i] - p.k[i]);
                smax = smax.max(p.sigma[i]);
            }
            lane.lo = lo - 40.0 * smax;
            lane.hi = hi + 40.0 * smax;
            out.converged[l] = false;
            // As in `safeguarded_root_halley`: a bracket that is not a finite interval is
            // reported unconverged (solver diagnostics), never clamped into a panic.
            if !(lane.lo.is_finite() && lane.hi.is_finite() && lane.lo <= lane.hi) {
                out.d[l] = f64::NAN;
                lanes.push(lane);
                continue;
            }
            lane.active = true;
            out.d[l] = if warm[l].is_finite() {
                crate::market::clearing::clamp_nan_safe(warm[l], lane.lo, lane.hi)
            } else {
                0.5 * (lane.lo + lane.hi)
            };
        }
        lanes.push(lane);
    }
    for it in 1..=max_iter {
        if !lanes.iter().any(|l| l.active) {
            break;
        }
        // Every lane's logistic arguments, then one vectorised pass (inactive lanes too: a
        // branch per element would cost more than the lanes it saves).
        for r in 0..nr {
            for l in 0..nl {
                let i = r * nl + l;
                s.z[i] = ((out.d[l] + p.k[i] - p.h[i]) / p.sigma[i]).clamp(-40.0, 40.0);
            }
        }
        crate::vmath::logistic_slice(&s.z, &mut s.lam);
        for (l, lane) in lanes.iter_mut().enumerate() {
            if !lane.active {
                continue;
            }
            // m = M·Λ, m' = m(1 − Λ)/σ, m'' = m'(1 − 2Λ)/σ, summed over routes in order.
            let (mut g, mut dg, mut d2g) = (-p.x[l], 0.0, 0.0);
            for r in 0..nr {
                let i = r * nl + l;
                let lam = s.lam[i];
                let m = p.cap[i] * lam;
                let dm = m * (1.0 - lam) / p.sigma[i];
                g += m;
                dg += dm;
                d2g += dm * (1.0 - 2.0 * lam) / p.sigma[i];
            }
            step_lane(lane, l, it, max_iter, (g, dg, d2g), out);
        }
    }
}

/// One safeguarded Halley step of lane `l` from its evaluation `(g, g', g'')` at `out.d[l]`:
/// `clearing::safeguarded_root_halley`'s loop body (increasing function).
fn step_lane(
    lane: &mut Lane,
    l: usize,
    it: u32,
    max_iter: u32,
    f: (f64, f64, f64),
    out: &mut LaneRoots,
) {
    let (g, dg, d2g) = f;
    let x = out.d[l];
    if lane.last_check {
        // The bracket collapsed on the previous iteration: accept within 10 tol.
        lane.active = false;
        out.converged[l] = g.abs() < 10.0 * lane.tol;
        return;
    }
    out.iters[l] = it;
    if g.abs() < lane.tol {
        lane.active = false;
        out.converged[l] = true;
        return;
    }
    if g < 0.0 {
        lane.lo = x;
    } else {
        lane.hi = x;
    }
    let denom = 2.0 * dg * dg - g * d2g;
    let halley = x - 2.0 * g * dg / denom;
    let step = if denom.is_finite() && denom > 0.0 && halley > lane.lo && halley < lane.hi {
        halley
    } else {
        x - g / dg
    };
    let halved = g.abs() <= 0.5 * lane.prev_abs;
    lane.prev_abs = g.abs();
    let next =
        if dg.is_finite() && dg != 0.0 && step > lane.lo && step < lane.hi && (halved || it == 1) {
            step
        } else {
            out.bisections[l] += 1;
            0.5 * (lane.lo + lane.hi)
        };
    out.d[l] = next;
    if lane.hi - lane.lo < 1e-13 * (1.0 + next.abs()) {
        lane.last_check = true;
    } else if it == max_iter {
        lane.active = false;
        out.converged[l] = false;
    }
}

#[cfg(test)]
mod tests {
    use super::super::clearing::solve_basin;
    use super::*;
    use rand::{RngExt, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    /// `lanes` random basins of `routes` routes (the shapes of the default market's), fill
    /// shares across the whole range, and a few empty and saturated lanes.
    fn random(lanes: usize, routes: usize, seed: u64) -> (LaneBasins, Vec<f64>) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut p = LaneBasins::zeros(routes, lanes);
        let mut warm = vec![0.0; lanes];
        for l in 0..lanes {
            let mut total = 0.0;
            for r in 0..routes {
                let i = r * lanes + l;
                p.cap[i] = rng.random_range(0.05..3.0);
                p.h[i] = rng.random_range(-5.0..15.0);
                p.sigma[i] = rng.random_range(0.5..4.0);
                p.k[i] = rng.random_range(-12.0..2.0);
                total += p.cap[i];
            }
            p.x[l] = match l % 17 {
                0 => 0.0,
                1 => total,
                _ => total * rng.random_range(0.01..0.99),
            };
            warm[l] = match l % 5 {
                0 => f64::NAN,
                1 => rng.random_range(-500.0..500.0),
                _ => rng.random_range(-5.0..30.0),
            };
        }
        (p, warm)
    }

    fn lane_of(p: &LaneBasins, l: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>, Vec<f64>) {
        let pick = |v: &[f64]| (0..p.routes).map(|r| v[r * p.lanes + l]).collect();
        (pick(&p.cap), pick(&p.h), pick(&p.sigma), pick(&p.k))
    }

    /// Every lane gives the scalar solver's status and, to tolerance, its root; every cleared
    /// lane converges and clears its volume.
    #[test]
    fn lanes_agree_with_the_scalar_solver() {
        for seed in 0..20 {
            let (p, warm) = random(64, 1 + (seed as usize % 7), seed);
            let (mut out, mut s) = (LaneRoots::default(), LaneScratch::default());
            solve_lanes(&p, &warm, 200, &mut out, &mut s);
            for l in 0..p.lanes {
                let (cap, h, sg, k) = lane_of(&p, l);
                let want = solve_basin(&cap, &h, &sg, &k, p.x[l], warm[l]);
                assert_eq!(out.status[l], want.status, "seed {seed} lane {l}");
                if want.status != BasinStatus::Cleared {
                    assert_eq!(out.d[l], want.d);
                    continue;
                }
                assert!(out.converged[l] && want.converged, "seed {seed} lane {l}");
                let sold: f64 = (0..cap.len())
                    .map(|r| {
                        cap[r] * super::super::clearing::logistic((out.d[l] + k[r] - h[r]) / sg[r])
                    })
                    .sum();
                assert!(
                    (sold - p.x[l]).abs() < 1e-9 * (1.0 + p.x[l]),
                    "seed {seed} lane {l}"
                );
                assert!(
                    (out.d[l] - want.d).abs() < 1e-6 * (1.0 + want.d.abs()),
                    "seed {seed} lane {l}: {} vs {}",
                    out.d[l],
                    want.d
                );
            }
        }
    }

    /// A lane's root has the same bits alone as in any batch (lanes never read each other).
    #[test]
    fn a_lane_is_the_same_alone_and_in_a_batch() {
        let (p, warm) = random(37, 6, 99);
        let (mut all, mut s) = (LaneRoots::default(), LaneScratch::default());
        solve_lanes(&p, &warm, 200, &mut all, &mut s);
        for l in 0..p.lanes {
            let (cap, h, sigma, k) = lane_of(&p, l);
            let one = LaneBasins {
                routes: p.routes,
                lanes: 1,
                cap,
                h,
                sigma,
                k,
                x: vec![p.x[l]],
            };
            let mut o = LaneRoots::default();
            solve_lanes(&one, &warm[l..l + 1], 200, &mut o, &mut s);
            assert_eq!(o.d[0].to_bits(), all.d[l].to_bits(), "lane {l}");
            assert_eq!(
                (o.iters[0], o.bisections[0], o.converged[0], o.status[0]),
                (
                    all.iters[l],
                    all.bisections[l],
                    all.converged[l],
                    all.status[l]
                )
            );
        }
    }

    /// The non-convex pair of errata 8 (plain Newton 2-cycles) converges in every lane.
    #[test]
    fn non_convex_lanes_do_not_two_cycle() {
        let (xs, warms) = ([0.5, 0.999, 1.001, 1.5], [-10.0, 11.46, 20.0, 30.2, 60.0]);
        let nl = xs.len() * warms.len();
        let mut p = LaneBasins {
            routes: 2,
            lanes: nl,
            cap: vec![1.0; 2 * nl],
            h: [vec![0.0; nl], vec![40.0; nl]].concat(),
            sigma: vec![0.5; 2 * nl],
            k: vec![0.0; 2 * nl],
            x: Vec::new(),
        };
        let mut warm = Vec::new();
        for x in xs {
            for w in warms {
                p.x.push(x);
                warm.push(w);
            }
        }
        let (mut out, mut s) = (LaneRoots::default(), LaneScratch::default());
        solve_lanes(&p, &warm, 200, &mut out, &mut s);
        assert!(out.converged.iter().all(|c| *c), "{out:?}");
        assert!(out.iters.iter().all(|i| *i <= 200));
    }

    /// An unconverged lane is reported, never accepted silently.
    #[test]
    fn running_out_of_iterations_is_reported() {
        let (p, warm) = random(16, 5, 7);
        let (mut out, mut s) = (LaneRoots::default(), LaneScratch::default());
        solve_lanes(&p, &warm, 1, &mut out, &mut s);
        for l in 0..p.lanes {
            if out.status[l] == BasinStatus::Cleared && !out.converged[l] {
                assert_eq!(out.iters[l], 1);
            }
        }
        assert!(
            (0..p.lanes).any(|l| out.status[l] == BasinStatus::Cleared && !out.converged[l]),
            "one iteration converged every lane"
        );
    }
}
