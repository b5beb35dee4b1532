//! The split clearing of a basin whose designated tranche some refiners refuse (decisions
//! D35, D36, D40; model.md §4.4.1, eq. C4): a clean tranche every refiner buys and a
//! designated tranche that only the non-rationed part of each route buys. Used by the basin
//! clearing (`basins.rs`) and the Brent step's sales at a pinned discount (`brent.rs`);
//! `compliance.rs` decides who is rationed and what they keep.

use super::clearing::{logistic, solve_basin_into, BasinStatus, D_INF};

/// One basin's routes as the split clearing reads them: capacity `M_r`, half-saving `h_r`,
/// dispersion `σ_r`, cost offset `k_r`, the rationed share `refuse_r` and the share of its
/// pooled intake that part keeps, `keep_r` (slices of equal length).
#[derive(Debug, Clone, Copy)]
pub struct Tranche<'a> {
    pub cap: &'a [f64],
    pub h: &'a [f64],
    pub sigma: &'a [f64],
    pub k: &'a [f64],
    pub refuse: &'a [f64],
    pub keep: &'a [f64],
}

/// The [`Tranche`] of a basin's route range `$r` from the path model `$m` and the month's
/// work `$w`, borrowing only those fields (so `$w`'s outputs can be borrowed mutably beside it).
macro_rules! tranche {
    ($m:expr, $w:expr, $r:expr) => {
        $crate::market::split_clearing::Tranche {
            cap: &$w.m_cap[$r.clone()],
            h: &$w.h[$r.clone()],
            sigma: &$m.route_sigma[$r.clone()],
            k: &$w.k[$r.clone()],
            refuse: &$w.refuse[$r.clone()],
            keep: &$w.keep[$r.clone()],
        }
    };
}
pub(crate) use tranche;

/// The six slices of a tranche, for the loops that index them together.
type Parts<'a> = (
    &'a [f64],
    &'a [f64],
    &'a [f64],
    &'a [f64],
    &'a [f64],
    &'a [f64],
);

impl<'a> Tranche<'a> {
    fn parts(&self) -> Parts<'a> {
        (self.cap, self.h, self.sigma, self.k, self.refuse, self.keep)
    }
}

/// Outcome of a split clearing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitRoot {
    pub status: BasinStatus,
    /// Volume-weighted discount of the basin (reported D_b).
    pub d: f64,
    /// Discount of the compliant refiners' clean barrels (the pooled root) and of the barrels
    /// the others absorb.
    pub d_clean: f64,
    pub d_designated: f64,
    pub iters: u32,
    pub bisections: u32,
    pub converged: bool,
}

/// Route flows when the rationed refiners buy at discount `dc` and the others at `dd`: the
/// rationed part of route i is `keep_i·refuse_i·M_i·Λ_i(dc)` (compliant refiners keep only the
/// share of their supply that is not designated or already re-papered, `1 − U_b`; a pledging
/// buyer keeps `1 − cut` of its whole intake), the rest `(1 − refuse_i)·M_i·Λ_i(dd)`, capped so
/// that the basin never sells more than `x`. Writes flows and each route's discount minus
/// `d_rep`; returns the volume sold.
pub fn split_flows(
    t: &Tranche,
    x: f64,
    (dc, dd, d_rep): (f64, f64, f64),
    flows: &mut [f64],
    d_off: &mut [f64],
) -> f64 {
    let (cap, h, sigma, k, refuse, keep) = t.parts();
    let (mut c_sum, mut n_sum) = (0.0, 0.0);
    // The two logistics of each route are kept in `flows` and `d_off` for the second pass
    // (the same values, computed once); a closed route contributes exactly 0.
    for i in 0..cap.len() {
        let (lc, ln) = if cap[i] == 0.0 {
            (0.0, 0.0)
        } else {
            (lam(h[i], sigma[i], k[i], dc), lam(h[i], sigma[i], k[i], dd))
        };
        flows[i] = lc;
        d_off[i] = ln;
        c_sum += keep[i] * cap[i] * refuse[i] * lc;
        n_sum += cap[i] * (1.0 - refuse[i]) * ln;
    }
    let fc = if c_sum > x && c_sum > 0.0 {
        x / c_sum
    } else {
        1.0
    };
    let room = (x - c_sum * fc).max(0.0);
    let fn_ = if n_sum > room && n_sum > 0.0 {
        room / n_sum
    } else {
        1.0
    };
    let mut total = 0.0;
    for i in 0..cap.len() {
        let mc = fc * keep[i] * cap[i] * refuse[i] * flows[i];
        let mn = fn_ * cap[i] * (1.0 - refuse[i]) * d_off[i];
        flows[i] = mc + mn;
        total += flows[i];
        d_off[i] = if flows[i] > 1e-15 {
            (mc * dc + mn * dd) / flows[i] - d_rep
        } else {
            0.0
        };
    }
    total
}

/// Volume sold and its derivative in d when both groups buy at discount `d` (the floor pins
/// it): the sums of [`split_flows`] without writing flows, for the Brent step's V(x).
pub fn split_sales(t: &Tranche, x: f64, d: f64, d_clean: f64) -> (f64, f64) {
    let (cap, h, sigma, k, refuse, keep) = t.parts();
    let (mut c, mut dc, mut n, mut dn) = (0.0, 0.0, 0.0, 0.0);
    // The compliant refiners never buy more than at the basin's pooled root `d_clean`: a
    // pinned discount above it does not bring them more clean barrels (D37), so no route's
    // flow exceeds its cleared flow and the fleet bound of the clearing still holds.
    let capped = d > d_clean;
    for i in 0..cap.len() {
        if cap[i] == 0.0 {
            continue; // adds exactly +0 to each sum
        }
        let l = lam(h[i], sigma[i], k[i], d);
        let slope = l * (1.0 - l) / sigma[i];
        let lc = if capped {
            lam(h[i], sigma[i], k[i], d_clean)
        } else {
            l
        };
        c += keep[i] * cap[i] * refuse[i] * lc;
        if !capped {
            dc += keep[i] * cap[i] * refuse[i] * slope;
        }
        n += cap[i] * (1.0 - refuse[i]) * l;
        dn += cap[i] * (1.0 - refuse[i]) * slope;
    }
    if c >= x {
        return (x, 0.0);
    }
    if c + n >= x {
        return (x, 0.0);
    }
    (c + n, dc + dn)
}

#[inline]
fn lam(h: f64, sigma: f64, k: f64, d: f64) -> f64 {
    logistic((d + k - h) / sigma)
}

/// Clears one basin whose deliverable volume `x` holds an unpapered designated share that the
/// `refuse` share of each route will not take, so that part keeps only `keep` of its intake
/// (D35, D36; model.md §4.4.1, eq. C4):
///
/// 1. the pooled root D^c of Σ_r M_r Λ_r(D) = x: what every refiner would buy without the
///    designation;
/// 2. the rationed part of each route keeps `keep` (= 1 − U_b) of that intake: the barrels it loses
///    can come back only through re-papering (which lowers `u` month by month), not through
///    a wider discount, because the clean sellers' barrels are already committed;
/// 3. the other refiners absorb the rest, x − Σ compliant, at the wider root D^d of
///    Σ_r (1 − refuse_r) M_r Λ_r(D) = x − Σ compliant (D^d ≥ D^c).
///
/// Writes route flows and per-route discount offsets (route discount − reported D_b). Never
/// accepts an unconverged sub-root silently: `converged` is false if any solve failed. When
/// the non-compliant capacity cannot absorb the rest, the basin is reported saturated and the
/// Brent step's floor decides (with the same split, [`split_sales`]).
pub fn clear_split(
    t: &Tranche,
    x: f64,
    warm: f64,
    flows: &mut [f64],
    d_off: &mut [f64],
    scratch: &mut Vec<f64>,
) -> SplitRoot {
    let (cap, h, sigma, k, refuse, keep) = t.parts();
    d_off.iter_mut().for_each(|d| *d = 0.0);
    let n = cap.len();
    let (pooled, have) = solve_basin_into(cap, h, sigma, k, x, warm, flows);
    let mut out = SplitRoot {
        status: pooled.status,
        d: pooled.d,
        d_clean: pooled.d,
        d_designated: pooled.d,
        iters: pooled.iters,
        bisections: pooled.bisections,
        converged: pooled.converged,
    };
    if pooled.status != BasinStatus::Cleared {
        // Saturated or empty: the floor decides in the Brent step (split there as well).
        return out;
    }
    if !have {
        for i in 0..n {
            flows[i] = cap[i] * lam(h[i], sigma[i], k[i], pooled.d);
        }
    }
    let compliant: f64 = (0..n).map(|i| keep[i] * refuse[i] * flows[i]).sum();
    scratch.clear();
    scratch.resize(2 * n, 0.0);
    let (cap_n, tmp) = scratch.split_at_mut(n);
    for i in 0..n {
        cap_n[i] = cap[i] * (1.0 - refuse[i]);
    }
    // Nothing left for the others (to rounding): no second root to find.
    let rest = x - compliant;
    if rest <= 1e-9 * (1.0 + x) {
        let d_rep = pooled.d;
        split_flows(t, x, (pooled.d, pooled.d, d_rep), flows, d_off);
        return out;
    }
    let (rd, _) = solve_basin_into(cap_n, h, sigma, k, rest, pooled.d, tmp);
    out.iters += rd.iters;
    out.bisections += rd.bisections;
    out.converged &= rd.converged;
    let dd = match rd.status {
        BasinStatus::Cleared => rd.d.max(pooled.d),
        BasinStatus::Empty => pooled.d,
        BasinStatus::Saturated => {
            out.status = BasinStatus::Saturated;
            out.d = D_INF;
            out.d_designated = D_INF;
            return out;
        }
    };
    let d_rep = (compliant * pooled.d + (x - compliant) * dd) / x;
    split_flows(t, x, (pooled.d, dd, d_rep), flows, d_off);
    out.d = d_rep;
    out.d_designated = dd;
    out
}
