//! One refinery slate per buyer across basins (model.md §4.6.1, D39).
//!
//! A buyer's refiners can run only so much Russian crude, whichever basin it comes from: its
//! Urals and ESPO routes (and pipelines) share one intake capacity S_j. When the basins'
//! clearing would fill more than S_j, the slate's shadow price λ_j ≥ 0 is added to the
//! half-saving h_r of every sea route of j, so that j's marginal refiner asks that much more
//! saving of every Russian grade and the buyer takes exactly S_j (a Takayama–Judge capacity
//! constraint; λ_j = 0 when slack). Its basins then re-clear, so the grades compete for the
//! slate through their discounts: when ESPO is short China takes more Urals, and barrels India
//! gives up go to China up to its slate at a wider discount.
//!
//! Pipelines fill the slate first (their flows are scheduled, not priced). The λ_j are found
//! buyer by buyer (Gauss–Seidel), each by a safeguarded root of a monotone function whose every
//! evaluation re-clears the basins: j's intake falls as λ_j rises, because its own routes ask
//! more while the basins' discounts widen only as far as the other buyers need to absorb the
//! rest.

use super::basins::clear_basins;
use super::model::PathModel;
use super::state::State;
use super::work::{StepDiag, Work};
use crate::policy::levers::{LeverIds, LeverSet};

/// Intake tolerance of the slate, mb/d (the basin roots are solved to ~1e-11).
const TOL: f64 = 1e-9;
/// Gauss–Seidel sweeps over slate buyers before the joint Newton.
const GS_SWEEPS: u32 = 3;
/// Iterations of the joint Newton.
const NEWTON_ITERS: u32 = 50;
/// Iterations of each buyer's λ root.
const MAX_ITERS: u32 = 100;
/// The largest shadow price ($/bbl) the clearing looks for. If the buyer still takes more
/// than its slate there, no discount can clear its basins within it (the other buyers cannot
/// absorb the rest): its routes are then rationed to the slate (see `ration`).
const LAMBDA_MAX: f64 = 128.0;

/// Buyer j's sea intake at the current clearing, mb/d.
pub fn sea_intake(m: &PathModel, w: &Work, j: usize) -> f64 {
    (0..m.route_cap.len())
        .filter(|r| m.route_buyer[*r] == j)
        .map(|r| w.out.m[r])
        .sum()
}

/// Applies the shadow prices to the routes' half-savings: h_r = h⁰_r + λ_{j(r)}.
fn apply(m: &PathModel, w: &mut Work) {
    for r in 0..m.route_cap.len() {
        w.h[r] = w.h0[r] + w.lambda[m.route_buyer[r]];
    }
}

/// Clears every basin with each buyer's slate respected (D39). `w.slate_sea[j]` is the sea
/// part of buyer j's slate this month (+∞ without a slate).
///
/// When no shadow price up to `LAMBDA_MAX` brings a buyer within its slate, the other buyers
/// cannot absorb the rest at any discount: the buyer's route capacities are scaled down to
/// its slate (counted in `diag.slate_rationed`), its basins saturate, and the reservation
/// floor of the Brent root decides what is withheld.
pub fn clear_all(m: &PathModel, st: &State, w: &mut Work, diag: &mut StepDiag) {
    w.lambda.iter_mut().for_each(|l| *l = 0.0);
    apply(m, w);
    clear_basins(m, st, w, diag);
    if w.slate_sea.iter().all(|s| !s.is_finite()) {
        return;
    }
    // Each round either settles every slate or rations one more buyer (which then never
    // binds again this month), so the rounds end.
    for _ in 0..=m.n_buyers {
        // Gauss–Seidel first: one binding buyer (the usual case) is then solved exactly.
        for _ in 0..GS_SWEEPS {
            let mut moved = false;
            for j in 0..m.n_buyers {
                let cap = w.slate_sea[j];
                if cap.is_finite() && !settled(w, sea_intake(m, w, j) - cap, j) {
                    solve_buyer(m, st, w, diag, j, cap);
                    moved = true;
                }
            }
            if !moved {
                return;
            }
        }
        // Two slates that bind on shared basins (India and China both on Urals) couple
        // strongly and Gauss–Seidel then crawls: finish with a projected Newton.
        joint_newton(m, st, w, diag);
        if all_settled(m, w) {
            return;
        }
        // A buyer still over its slate (its λ would pass LAMBDA_MAX, or its intake jumps
        // over the slate where a basin root failed) is rationed to it; then solve again.
        let mut rationed = false;
        for j in 0..m.n_buyers {
            let cap = w.slate_sea[j];
            if cap.is_finite() && sea_intake(m, w, j) > cap + TOL {
                ration(m, st, w, diag, j, cap);
                rationed = true;
            }
        }
        if !rationed {
            break;
        }
    }
    if !all_settled(m, w) {
        diag.not_converged += 1;
    }
}

/// Every slate buyer within its slate, and on it wherever its shadow price is positive.
fn all_settled(m: &PathModel, w: &Work) -> bool {
    (0..m.n_buyers).all(|j| {
        let cap = w.slate_sea[j];
        !cap.is_finite() || settled(w, sea_intake(m, w, j) - cap, j)
    })
}

/// Whether buyer j's slate condition holds: λ_j = 0 with intake within the slate, or intake
/// on the slate.
fn settled(w: &Work, excess: f64, j: usize) -> bool {
    excess <= TOL && (w.lambda[j] == 0.0 || excess >= -TOL)
}

fn excesses(m: &PathModel, w: &Work, f: &mut Vec<f64>) {
    f.clear();
    f.extend((0..m.n_buyers).map(|j| {
        if w.slate_sea[j].is_finite() {
            sea_intake(m, w, j) - w.slate_sea[j]
        } else {
            0.0
        }
    }));
}

/// Projected Newton on the buyers whose slate binds, with a forward-difference Jacobian and a
/// backtracking line search on the largest violation.
fn joint_newton(m: &PathModel, st: &State, w: &mut Work, diag: &mut StepDiag) {
    let mut f = Vec::with_capacity(m.n_buyers);
    let mut g = Vec::with_capacity(m.n_buyers);
    let violation = |w: &Work, f: &[f64]| -> f64 {
        (0..f.len())
            .filter(|&j| w.slate_sea[j].is_finite())
            .map(|j| {
                if w.lambda[j] == 0.0 {
                    f[j].max(0.0)
                } else {
                    f[j].abs()
                }
            })
            .fold(0.0, f64::max)
    };
    excesses(m, w, &mut f);
    let mut best = (violation(w, &f), w.lambda.clone());
    for _ in 0..NEWTON_ITERS {
        let v0 = violation(w, &f);
        if v0 <= TOL {
            return;
        }
        let act: Vec<usize> = (0..m.n_buyers)
            .filter(|&j| w.slate_sea[j].is_finite() && (w.lambda[j] > 0.0 || f[j] > TOL))
            .collect();
        let n = act.len();
        let mut jac = vec![0.0; n * n];
        let lam0 = w.lambda.clone();
        for (c, &k) in act.iter().enumerate() {
            let dh = 1e-4 * (1.0 + lam0[k]);
            w.lambda[k] = lam0[k] + dh;
            apply(m, w);
            clear_basins(m, st, w, diag);
            excesses(m, w, &mut g);
            for (r, &j) in act.iter().enumerate() {
                jac[r * n + c] = (g[j] - f[j]) / dh;
            }
            w.lambda[k] = lam0[k];
        }
        let rhs: Vec<f64> = act.iter().map(|&j| -f[j]).collect();
        let Some(step) = solve_dense(&mut jac, rhs, n) else {
            break;
        };
        let mut t = 1.0;
        let mut improved = false;
        for _ in 0..30 {
            for (i, &j) in act.iter().enumerate() {
                w.lambda[j] = (lam0[j] + t * step[i]).clamp(0.0, LAMBDA_MAX);
            }
            apply(m, w);
            clear_basins(m, st, w, diag);
            excesses(m, w, &mut g);
            if violation(w, &g) < v0 {
                improved = true;
                break;
            }
            t *= 0.5;
        }
        std::mem::swap(&mut f, &mut g);
        if !improved {
            break;
        }
        let v = violation(w, &f);
        if v < best.0 {
            best = (v, w.lambda.clone());
        }
    }
    // Leave the basins cleared at the best point found, never at a rejected trial.
    w.lambda.copy_from_slice(&best.1);
    apply(m, w);
    clear_basins(m, st, w, diag);
}

/// Solves the n×n system `a·x = b` (row-major) by Gaussian elimination with partial pivoting;
/// `None` when it is singular.
fn solve_dense(a: &mut [f64], mut b: Vec<f64>, n: usize) -> Option<Vec<f64>> {
    for c in 0..n {
        let p = (c..n).max_by(|&i, &k| a[i * n + c].abs().total_cmp(&a[k * n + c].abs()))?;
        if a[p * n + c].abs() < 1e-300 || !a[p * n + c].is_finite() {
            return None;
        }
        if p != c {
            for k in 0..n {
                a.swap(p * n + k, c * n + k);
            }
            b.swap(p, c);
        }
        for i in c + 1..n {
            let r = a[i * n + c] / a[c * n + c];
            for k in c..n {
                a[i * n + k] -= r * a[c * n + k];
            }
            b[i] -= r * b[c];
        }
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| a[i * n + k] * x[k]).sum();
        x[i] = (b[i] - s) / a[i * n + i];
    }
    Some(x)
}

/// Finds λ_j ≥ 0 with j's sea intake = `cap` (or λ_j = 0 when it is below at 0), re-clearing
/// the basins at each trial, and leaves the basins cleared at the answer.
fn solve_buyer(m: &PathModel, st: &State, w: &mut Work, diag: &mut StepDiag, j: usize, cap: f64) {
    let eval = |w: &mut Work, diag: &mut StepDiag, lam: f64| {
        w.lambda[j] = lam;
        apply(m, w);
        clear_basins(m, st, w, diag);
        sea_intake(m, w, j) - cap
    };
    let (mut lo, mut f_lo) = (0.0, eval(w, diag, 0.0));
    if f_lo <= TOL {
        return;
    }
    // Bracket: double from a step of a few σ until the intake is at or below the slate.
    let mut hi = 2.0;
    let mut f_hi = eval(w, diag, hi);
    while f_hi > TOL {
        if hi >= LAMBDA_MAX {
            ration(m, st, w, diag, j, cap);
            return;
        }
        (lo, f_lo) = (hi, f_hi);
        hi = (2.0 * hi).min(LAMBDA_MAX);
        f_hi = eval(w, diag, hi);
    }
    if f_hi >= -TOL {
        return;
    }
    // Illinois regula falsi: the intake is smooth and monotone in λ, so it converges
    // superlinearly; bisect when the bracket stops shrinking.
    let mut side = 0i8;
    for _ in 0..MAX_ITERS {
        let lam = if hi - lo > 1e-12 {
            let x = hi - f_hi * (hi - lo) / (f_hi - f_lo);
            if x > lo && x < hi {
                x
            } else {
                0.5 * (lo + hi)
            }
        } else {
            // The bracket collapsed onto a jump of the intake (a basin root that failed, or a
            // basin passing between cleared and saturated): take the side within the slate.
            eval(w, diag, hi);
            return;
        };
        let f = eval(w, diag, lam);
        if f.abs() <= TOL {
            return;
        }
        if f > 0.0 {
            (lo, f_lo) = (lam, f);
            if side == 1 {
                f_hi *= 0.5;
            }
            side = 1;
        } else {
            (hi, f_hi) = (lam, f);
            if side == -1 {
                f_lo *= 0.5;
            }
            side = -1;
        }
    }
    // Out of iterations: leave the basins cleared at the bracket end within the slate; the
    // caller's final check counts a search that did not settle.
    eval(w, diag, hi);
}

/// Scales buyer j's route capacities so that they sum to its slate, with λ_j = 0, and
/// re-clears: its intake can then never exceed the slate, at any discount.
fn ration(m: &PathModel, st: &State, w: &mut Work, diag: &mut StepDiag, j: usize, cap: f64) {
    let total: f64 = (0..m.route_cap.len())
        .filter(|r| m.route_buyer[*r] == j)
        .map(|r| w.m_cap[r])
        .sum();
    if total > cap {
        let k = if total > 0.0 { cap / total } else { 0.0 };
        for r in 0..m.route_cap.len() {
            if m.route_buyer[r] == j {
                w.m_cap[r] *= k;
            }
        }
    }
    diag.slate_rationed += 1;
    w.lambda[j] = 0.0;
    apply(m, w);
    clear_basins(m, st, w, diag);
}

/// The sea part of each buyer's slate this month: S_j scaled like the buyer's refining
/// (capacity scale lever, capacity noise, secondary capacity cut, the stance's cut, a pledged
/// cut), minus its
/// pipelines' flows, never below 0.
pub fn sea_slates(m: &PathModel, st: &State, lv: &LeverSet, ids: &LeverIds, w: &mut Work) {
    for j in 0..m.n_buyers {
        let s = m.buyer_slate[j];
        if !s.is_finite() {
            w.slate_sea[j] = f64::INFINITY;
            continue;
        }
        let pipes: f64 = (0..m.pipe_flow.len())
            .filter(|p| m.pipe_buyer[*p] == j)
            .map(|p| w.q[p])
            .sum();
        let scaled = s
            * lv.get(ids.buyer_capacity_scale[j])
            * w.eta_exp[j]
            * (1.0 - lv.get(ids.secondary_capacity_cut[j]))
            * (1.0 - st.stance[j].cut)
            // D164: a pledged cut is a cut of the buyer's refining of Russian crude, as a
            // stance's is (its pipelines are already scaled by it; the sea room grew instead).
            * (1.0 - lv.get(ids.pledge_cut[j]).clamp(0.0, 1.0));
        w.slate_sea[j] = (scaled - pipes).max(0.0);
    }
}
