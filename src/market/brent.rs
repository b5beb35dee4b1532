//! The Brent root (model.md §4.8) with Russian deliveries V(x) from the reservation floor
//! (also §4.8), and the allocation at the root.
//!
//! E(x) = Dem(x) − Sup(x) − Draw(x) − O − V(x) + J is strictly decreasing in x = ln P, so the
//! root is unique. The floor: Russia sells a basin's barrels only at a netback ≥ n_floor,b;
//! below it the basin's discount is pinned at P − n_floor,b and the rest is withheld. Errata 1
//! (storage as a carry trade, here on Brent: store only while P < (1 − m_s)·P̄, D31/D32, so the
//! basin floor is max(n^prod, (1 − m_s)P̄ − D^clr_b)) and 3a (storage-floor withholding capped
//! at the room left: V = max(V_store, V_prod − room/d)) are applied.

use super::basins::{is_split, sales_at};
use super::clearing::{route_flow, safeguarded_root, BasinStatus};
use super::exogenous::Exo;
use super::model::PathModel;
use super::split_clearing::{split_sales, tranche};
use super::state::State;
use super::work::{MonthCtx, StepDiag, Work};

pub const LN_P_MIN: f64 = 1.6094379124341003; // ln 5
pub const LN_P_MAX: f64 = 5.991464547107982; // ln 400

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BrentOut {
    pub x: f64,
    pub price: f64,
    pub clamped: bool,
    /// The carry-trade Brent level in force for the allocation (after the room rule; −∞ when
    /// only the production floor applies). Basin floors are in `Outcome::floor`.
    pub store_floor: f64,
    pub demand_bar: f64,
    pub draw: f64,
    pub opec: f64,
    pub iters: u32,
    /// Log anchor in force: the exogenous one, or the one solved for an imposed Brent.
    pub anchor: f64,
}

/// World demand ex Russian domestic, D̄_t = base + growth·(months since 2024-01)/12 (errata N1).
pub fn demand_bar(m: &PathModel, month: i32) -> f64 {
    m.p.demand_base + m.p.demand_growth * (month - 2024 * 12) as f64 / 12.0
}

fn inventory_gate(m: &PathModel, inv: f64, g: f64) -> f64 {
    let p = &m.p;
    if g > 0.0 {
        ((inv - p.inv_min) / (p.inv_target - p.inv_min).max(1e-9)).clamp(0.0, 1.0)
    } else {
        ((p.inv_max - inv) / (p.inv_max - p.inv_target).max(1e-9)).clamp(0.0, 1.0)
    }
}

/// The netback floor of basin `b` when the carry trade stores below Brent level `store` (D32):
/// storing pays only when Brent itself is low, P < store, whatever the basin's discount, so the
/// floor is `store − D^clr_b` for a cleared basin; never below the production floor.
fn basin_floor(w: &Work, b: usize, prod: f64, store: f64) -> f64 {
    if w.status[b] == BasinStatus::Cleared {
        (store - w.d_clr[b]).max(prod)
    } else {
        prod
    }
}

/// Seaborne sales and their derivative in x at price `p` with the store floor at Brent `store`.
fn sea_sales(m: &PathModel, w: &Work, p: f64, prod: f64, store: f64) -> (f64, f64) {
    let mut sum = (0.0, 0.0);
    for b in 0..m.n_basins {
        if w.status[b] != BasinStatus::Empty {
            let f = basin_floor(w, b, prod, store);
            basin_sales(m, w, b, p, f, &mut |q, dq| add_term(&mut sum, q, dq));
        }
    }
    sum
}

/// Adds a basin's term to a (sales, derivative) sum; a term without a derivative adds
/// nothing to it, not even +0, so the sums' bits are those of the loop before the terms
/// were passed around.
#[inline(always)]
fn add_term(sum: &mut (f64, f64), q: f64, dq: Option<f64>) {
    sum.0 += q;
    if let Some(dq) = dq {
        sum.1 += dq;
    }
}

/// [`sea_sales`] at the store floor `store` and without it (`−∞`), in one pass: a basin whose
/// floor is the same either way (every saturated basin, and a cleared one whose carry-trade
/// floor is below the production floor) is evaluated once and its terms added to both sums.
/// Each sum receives exactly the additions, in the order, of its own [`sea_sales`] call, so
/// the bits are the same as two calls.
fn sea_sales_pair(m: &PathModel, w: &Work, p: f64, prod: f64, store: f64) -> [(f64, f64); 2] {
    let mut sums = [(0.0, 0.0); 2];
    for b in 0..m.n_basins {
        if w.status[b] == BasinStatus::Empty {
            continue;
        }
        let fs = basin_floor(w, b, prod, store);
        let fp = basin_floor(w, b, prod, f64::NEG_INFINITY);
        if fs.to_bits() == fp.to_bits() {
            basin_sales(m, w, b, p, fs, &mut |q, dq| {
                sums.iter_mut().for_each(|s| add_term(s, q, dq))
            });
        } else {
            for (s, f) in sums.iter_mut().zip([fs, fp]) {
                basin_sales(m, w, b, p, f, &mut |q, dq| add_term(s, q, dq));
            }
        }
    }
    sums
}

/// Basin `b`'s seaborne sales at price `p` and netback floor `f`: passes each term (a volume
/// and its derivative in x) to `add` in the order they are summed.
#[inline(always)]
fn basin_sales(
    m: &PathModel,
    w: &Work,
    b: usize,
    p: f64,
    f: f64,
    add: &mut impl FnMut(f64, Option<f64>),
) {
    // A split basin's cleared discount is a volume-weighted mix of two roots, so "the floor
    // binds" is decided by what both tranches buy at the pinned discount: that keeps V(x)
    // continuous where the basin passes from cleared to pinned (D37).
    let split = is_split(w, b, m.basin_routes[b].clone());
    if w.status[b] == BasinStatus::Cleared && !split && p - w.d_clr[b] >= f {
        add(w.x_del[b], None);
    } else if split {
        // D35: compliant refiners still take only clean barrels at the pinned discount.
        let r = m.basin_routes[b].clone();
        let (q, dq) = split_sales(&tranche!(m, w, r), w.x_del[b], p - f, w.d_clean[b]);
        add(q, Some(p * dq));
    } else {
        for r in m.basin_routes[b].clone() {
            if w.m_cap[r] == 0.0 {
                continue; // a closed route adds exactly +0 (clearing.rs)
            }
            let (q, dq) = route_flow(w.m_cap[r], w.h[r], m.route_sigma[r], w.k[r], p - f);
            add(q, Some(p * dq));
        }
    }
}

struct Floors {
    /// Production floor, a netback.
    prod: f64,
    /// Carry-trade floor, a Brent level (−∞ when storage is full).
    store: f64,
    /// The store level at or below which every basin floor is the production floor
    /// (prod + the smallest cleared D^clr); fixed for the month, so computed once.
    all_prod: f64,
    room_rate: f64,
}

/// Deliveries V(x), dV/dx and the store floor in force (a Brent level). When storage-floor
/// withholding would exceed the room left, the store level is lowered to the B* at which the
/// withheld volume exactly fills storage (errata 3a), so the allocation matches V. Every basin
/// floor is non-increasing in B and constant in x, so V stays continuous and non-decreasing.
fn deliveries(m: &PathModel, w: &Work, fl: &Floors, p: f64, pipes: f64) -> (f64, f64, f64) {
    let lo = fl.all_prod;
    if fl.store.partial_cmp(&lo) != Some(std::cmp::Ordering::Greater) {
        let (v, dv) = sea_sales(m, w, p, fl.prod, f64::NEG_INFINITY);
        return (v + pipes, dv, f64::NEG_INFINITY);
    }
    let [(vs, dvs), (vp, dvp)] = sea_sales_pair(m, w, p, fl.prod, fl.store);
    let target = vp - fl.room_rate;
    if vs >= target {
        return (vs + pipes, dvs, fl.store);
    }
    let (mut lo, mut hi) = (lo, fl.store);
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        if sea_sales(m, w, p, fl.prod, mid).0 >= target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (target + pipes, dvp, lo)
}

pub fn brent_root(
    m: &PathModel,
    st: &State,
    ctx: MonthCtx,
    exo: &Exo,
    w: &mut Work,
    diag: &mut StepDiag,
) -> BrentOut {
    let p = &m.p;
    let dbar = demand_bar(m, ctx.month);
    let mut a = exo.anchor;
    let spare = w.out.opec_spare;
    // Outages elsewhere and the scenario's world-balance changes enter E alike (mb/d).
    let ext = exo.outage + w.out.balance_shift;
    let opec = (p.opec_response * (st.x_prev - p.opec_trigger.max(1e-6).ln()).max(0.0)).min(spare);
    let gate_up = inventory_gate(m, st.inv, 1.0);
    let gate_dn = inventory_gate(m, st.inv, -1.0);
    let store = if st.storage < p.storage_cap - 1e-12 {
        // D32: a carry trade on Brent. A sanctions discount is expected to persist, so storing
        // only pays when Brent is below what it is expected to recover to; the margin is a
        // share of the level because Brent's deviations are in logs (D31).
        st.pbar * (1.0 - p.storage_margin_share)
    } else {
        f64::NEG_INFINITY
    };
    let floors = Floors {
        prod: m.prod_floor,
        store,
        all_prod: (0..m.n_basins)
            .filter(|&b| w.status[b] == BasinStatus::Cleared)
            .map(|b| m.prod_floor + w.d_clr[b])
            .fold(f64::INFINITY, f64::min),
        room_rate: (p.storage_cap - st.storage).max(0.0) / ctx.days,
    };
    let pipes: f64 = w.q.iter().sum();
    if let Some(xo) = w.imposed_x {
        let (v, _, _) = deliveries(m, w, &floors, xo.exp(), pipes);
        let bal = Balance {
            dbar,
            opec,
            v,
            ext,
            gate_up,
            gate_dn,
        };
        let (g, ok) = imposed_gap(m, st, &bal);
        a = xo - g;
        diag.brent_clamped = !ok;
    }
    // The point and floor of the last evaluation: the root is always the last point
    // evaluated, so the allocation below reuses its floor instead of solving it again.
    let last = std::cell::Cell::new((f64::NAN, 0.0));
    let e = |x: f64| -> (f64, f64) {
        let g = x - a;
        let dem = dbar * (st.alpha_d + p.eps_d * g).exp();
        let sup = (dbar - m.v_ref) * (st.alpha_s + p.eps_s * g).exp();
        let gate = if g > 0.0 { gate_up } else { gate_dn };
        let draw = p.eta_i * dbar * gate * g;
        let price = x.exp();
        let (v, dv, floor) = deliveries(m, w, &floors, price, pipes);
        last.set((x, floor));
        let val = dem - sup - draw - opec - v + ext;
        let der = dem * p.eps_d - sup * p.eps_s - p.eta_i * dbar * gate - dv;
        (val, der)
    };
    // E at the bracket ends decides clamping. Evaluating E(ln 5) exactly is the dearest call of
    // the month (every route floor-bound), so first try bounds that need no route flows:
    // pipes ≤ V(x) ≤ v_max at any price (sales never exceed a cleared basin's deliverable
    // volume or a saturated basin's capacities). Only when a bound cannot settle the sign
    // (within a margin far above rounding and the basin tolerance) is E evaluated, so the
    // outcome is the same as evaluating both ends always.
    let e_bound = |x: f64, v: f64| -> f64 {
        let g = x - a;
        let dem = dbar * (st.alpha_d + p.eps_d * g).exp();
        let sup = (dbar - m.v_ref) * (st.alpha_s + p.eps_s * g).exp();
        let gate = if g > 0.0 { gate_up } else { gate_dn };
        dem - sup - p.eta_i * dbar * gate * g - opec - v + ext
    };
    let mut v_max = pipes;
    for b in 0..m.n_basins {
        v_max += match w.status[b] {
            BasinStatus::Empty => 0.0,
            BasinStatus::Cleared => w.x_del[b],
            BasinStatus::Saturated => w.m_cap[m.basin_routes[b].clone()].iter().sum(),
        };
    }
    let margin = 1e-6 * dbar;
    // A NaN bound settles nothing, so E is then evaluated as before.
    let lo_positive = e_bound(LN_P_MIN, v_max) > margin;
    let hi_negative = e_bound(LN_P_MAX, pipes) < -margin;
    // Under an imposed Brent the anchor was solved so that E(x_obs; a) = 0: x_obs is the root.
    let imposed = w.imposed_x;
    let clamp_lo = imposed.is_none() && !lo_positive && e(LN_P_MIN).0 <= 0.0;
    let clamp_hi = imposed.is_none() && !hi_negative && e(LN_P_MAX).0 >= 0.0;
    let (x, clamped, iters) = if let Some(xo) = imposed {
        (xo, diag.brent_clamped, 0)
    } else if clamp_lo {
        (LN_P_MIN, true, 1)
    } else if clamp_hi {
        (LN_P_MAX, true, 1)
    } else {
        // Warm start at last month's price (§4.8); tolerance relative to world demand.
        let warm = if st.x_prev.is_finite() { st.x_prev } else { a };
        let r = safeguarded_root(e, LN_P_MIN, LN_P_MAX, warm, 1e-11 * dbar, false, 200);
        diag.bisections += r.bisections;
        if !r.converged {
            diag.not_converged += 1;
        }
        (r.x, false, r.iters)
    };
    diag.brent_iters = iters;
    diag.brent_clamped = clamped;
    let price = x.exp();
    let store_in_force = match last.get() {
        (at, store) if at.to_bits() == x.to_bits() => store,
        _ => deliveries(m, w, &floors, price, pipes).2,
    };
    // Allocation at the root.
    for b in 0..m.n_basins {
        let r = m.basin_routes[b].clone();
        let floor = basin_floor(w, b, floors.prod, store_in_force);
        w.out.floor[b] = floor;
        let bound = match w.status[b] {
            BasinStatus::Empty => false,
            BasinStatus::Saturated => true,
            BasinStatus::Cleared if is_split(w, b, r.clone()) => {
                // As in `sea_sales` (D37): pinned when the reported netback is below the
                // floor or both tranches at P − floor buy less than the deliverable volume;
                // either way it sells `split_sales` at P − floor, which is continuous.
                price - w.d_clr[b] < floor
                    || split_sales(&tranche!(m, w, r), w.x_del[b], price - floor, w.d_clean[b]).0
                        < w.x_del[b]
            }
            BasinStatus::Cleared => price - w.d_clr[b] < floor,
        };
        if bound {
            w.out.d[b] = price - floor;
            w.out.sold[b] = sales_at(m, w, b, price - floor);
        } else if w.status[b] == BasinStatus::Empty {
            // N12/errata 15: report the discount at the floor, keep the last finite D.
            w.out.d[b] = price - floor;
            w.out.sold[b] = 0.0;
            w.out.m[r].iter_mut().for_each(|f| *f = 0.0);
        } else {
            w.out.d[b] = w.d_clr[b];
            w.out.sold[b] = w.x_del[b];
        }
        w.out.floor_bound[b] = bound;
    }
    let g = x - a;
    let gate = if g > 0.0 { gate_up } else { gate_dn };
    BrentOut {
        x,
        price,
        clamped,
        store_floor: store_in_force,
        demand_bar: dbar,
        draw: p.eta_i * dbar * gate * g,
        opec,
        iters,
        anchor: a,
    }
}

/// The pieces of the world balance E(x) that do not depend on the anchor, at the imposed price.
struct Balance {
    dbar: f64,
    opec: f64,
    v: f64,
    /// Outages elsewhere plus the world-balance levers (mb/d).
    ext: f64,
    gate_up: f64,
    gate_dn: f64,
}

/// Imposed Brent (model.md §4.8): the gap g = x_obs − a at which the world balance clears at
/// the observed price, E(x_obs; a) = 0. With Russian deliveries fixed at the observed price,
/// E is strictly decreasing in g (demand falls, supply and stock draw rise), so bisection on
/// a wide bracket finds the unique root. Returns `false` when the root lies outside the
/// bracket (the gap is then clamped to its end).
fn imposed_gap(m: &PathModel, st: &State, b: &Balance) -> (f64, bool) {
    let p = &m.p;
    let e = |g: f64| {
        let dem = b.dbar * (st.alpha_d + p.eps_d * g).exp();
        let sup = (b.dbar - m.v_ref) * (st.alpha_s + p.eps_s * g).exp();
        let gate = if g > 0.0 { b.gate_up } else { b.gate_dn };
        dem - sup - p.eta_i * b.dbar * gate * g - b.opec - b.v + b.ext
    };
    let (mut lo, mut hi) = (-5.0, 5.0);
    if e(lo) <= 0.0 {
        return (lo, false);
    }
    if e(hi) >= 0.0 {
        return (hi, false);
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if e(mid) > 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
        if hi - lo < 1e-13 {
            break;
        }
    }
    (0.5 * (lo + hi), true)
}
