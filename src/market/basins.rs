//! Every basin's clearing of the month (model.md §4.6) on the working set: which basins clear
//! as two groups (D35/D36), the solve of each at its deliverable volume, the route flows at a
//! given discount, and each basin's designated share (D33).
//!
//! Kept apart from `step.rs` because the slate (`slate.rs`), the fleet re-clear (`fleet.rs`)
//! and the Brent root (`brent.rs`) call these many times a month; the step only sequences.

use super::clearing::{flows_at, solve_basin_into, BasinStatus};
use super::model::PathModel;
use super::split_clearing::{clear_split, split_flows, tranche};
use super::state::State;
use super::work::{StepDiag, Work};
use crate::policy::levers::{LeverIds, LeverSet};

/// D33: basin b's designated share, the market-wide one plus its own.
pub fn basin_sdn_share(lv: &LeverSet, ids: &LeverIds, b: usize) -> f64 {
    (lv.get(ids.sdn_share) + lv.get(ids.sdn_basin_share[b])).clamp(0.0, 1.0)
}

/// Solves every basin at its deliverable volume `w.x_del`, warm-started at last month's D, at
/// the half-savings `w.h` in place (the slate loop of `slate.rs` sets them).
pub fn clear_basins(m: &PathModel, st: &State, w: &mut Work, diag: &mut StepDiag) {
    for b in 0..m.n_basins {
        let r = m.basin_routes[b].clone();
        w.d_off[r.clone()].iter_mut().for_each(|d| *d = 0.0);
        if is_split(w, b, r.clone()) {
            let root = clear_split(
                &tranche!(m, w, r),
                w.x_del[b],
                st.d_prev[b],
                &mut w.out.m[r.clone()],
                &mut w.d_off[r.clone()],
                &mut w.scratch,
            );
            diag.basin_iters_max = diag.basin_iters_max.max(root.iters);
            diag.bisections += root.bisections;
            if !root.converged {
                diag.not_converged += 1;
            }
            w.status[b] = root.status;
            w.d_clr[b] = root.d;
            w.d_clean[b] = root.d_clean;
            match root.status {
                BasinStatus::Cleared => {}
                BasinStatus::Saturated => {
                    sales_at(m, w, b, D_INF_SPLIT);
                }
                BasinStatus::Empty => w.out.m[r].iter_mut().for_each(|f| *f = 0.0),
            }
            continue;
        }
        w.d_clean[b] = f64::INFINITY;
        let flows = &mut w.out.m[r.clone()];
        let (root, have_flows) = solve_basin_into(
            &w.m_cap[r.clone()],
            &w.h[r.clone()],
            &m.route_sigma[r.clone()],
            &w.k[r.clone()],
            w.x_del[b],
            st.d_prev[b],
            flows,
        );
        diag.basin_iters_max = diag.basin_iters_max.max(root.iters);
        diag.bisections += root.bisections;
        if !root.converged {
            diag.not_converged += 1;
        }
        w.status[b] = root.status;
        w.d_clr[b] = root.d;
        match root.status {
            BasinStatus::Cleared if have_flows => {}
            BasinStatus::Cleared => {
                flows_at(
                    &w.m_cap[r.clone()],
                    &w.h[r.clone()],
                    &m.route_sigma[r.clone()],
                    &w.k[r],
                    root.d,
                    flows,
                );
            }
            BasinStatus::Saturated => flows.copy_from_slice(&w.m_cap[r]),
            BasinStatus::Empty => flows.iter_mut().for_each(|f| *f = 0.0),
        }
    }
}

/// A discount high enough that every route takes all it can (saturated split basins).
const D_INF_SPLIT: f64 = 1e6;

/// D35/D36: whether basin `b` clears as two groups this month (some route is rationed).
#[inline]
pub fn is_split(w: &Work, _b: usize, r: std::ops::Range<usize>) -> bool {
    w.refuse[r.clone()]
        .iter()
        .zip(&w.keep[r])
        .any(|(rho, keep)| *rho > 0.0 && *keep < 1.0)
}

/// Route flows of basin `b` when both tranches sell at discount `d` (the floor pins them), into
/// `w.out.m`; returns the volume sold. For a basin without a designated tranche this is
/// Σ m_r(d).
pub fn sales_at(m: &PathModel, w: &mut Work, b: usize, d: f64) -> f64 {
    let r = m.basin_routes[b].clone();
    if is_split(w, b, r.clone()) {
        split_flows(
            &tranche!(m, w, r),
            w.x_del[b],
            (d.min(w.d_clean[b]), d, d),
            &mut w.out.m[r.clone()],
            &mut w.d_off[r],
        )
    } else {
        flows_at(
            &w.m_cap[r.clone()],
            &w.h[r.clone()],
            &m.route_sigma[r.clone()],
            &w.k[r.clone()],
            d,
            &mut w.out.m[r],
        )
    }
}
