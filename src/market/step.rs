//! One month of the model, in the order of model.md §4: a pure function of
//! (state, path constants, levers, fired actions, designation batches, shocks).
//!
//! Steps 2 (exogenous), 3 (stances), 4–5 (effective parameters, supply split), 6–7 (basin
//! clearing, fleet), 8–9 (Brent root, allocation, storage), 10 (accounting) and 11 (dynamics)
//! are separate functions in their own files; this file sequences them.

use super::accounting::{account, dynamics, Outcome};
use super::brent::brent_root;
use super::clearing::{flows_at, solve_basin_into, BasinStatus};
use super::compliance::{
    advance_waves, clear_split, push_waves, route_split, split_flows, Exposure,
};
use super::exogenous::exogenous_step;
use super::fleet::{fleet_step, Fleet};
use super::model::PathModel;
use super::slate::{clear_all, sea_slates};
use super::stance::stance_step;
use super::state::{Shocks, State};
use crate::policy::events::Fired;
use crate::policy::levers::{LeverIds, LeverSet};

/// One designation batch drawn for this month (scheduled or random).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Batch {
    pub share: f64,
    pub us: bool,
}

/// The calendar facts of the month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MonthCtx {
    pub month: i32,
    pub days: f64,
}

/// Scratch and outcome buffers reused across months of a path (no allocation in the loop).
#[derive(Debug, Clone)]
pub struct Work {
    pub m_cap: Vec<f64>,
    pub h: Vec<f64>,
    /// h_r before the slate's shadow price: h_r = h⁰_r + λ_{j(r)} (D39).
    pub h0: Vec<f64>,
    /// D39: each buyer's slate shadow price λ_j ($/bbl) and the sea part of its slate (mb/d).
    pub lambda: Vec<f64>,
    pub slate_sea: Vec<f64>,
    pub k: Vec<f64>,
    pub freight: Vec<f64>,
    pub alt: Vec<f64>,
    pub w: Vec<f64>,
    /// Designated share s_b and its non-laundered part s̃_b of each basin this month (D33).
    pub s: Vec<f64>,
    pub s_tilde: Vec<f64>,
    pub x_basin: Vec<f64>,
    pub x_del: Vec<f64>,
    pub d_clr: Vec<f64>,
    /// A split basin's pooled root D^c (the compliant refiners' discount), +∞ otherwise (D37).
    pub d_clean: Vec<f64>,
    pub status: Vec<BasinStatus>,
    pub q_sched: Vec<f64>,
    pub q: Vec<f64>,
    pub out: Outcome,
    /// D35: per route, the share of capacity refusing the designated tranche, the wind-down
    /// front-loading multiplier and the route's discount minus the basin's reported D_b.
    pub refuse: Vec<f64>,
    pub boost: Vec<f64>,
    pub d_off: Vec<f64>,
    /// D35/D36: per route, the share of the rationed part's pooled intake it keeps.
    pub keep: Vec<f64>,
    pub exposure: Exposure,
    pub scratch: Vec<f64>,
    /// ln of the observed Brent imposed this month (`[brent] imposed`), or `None` for the
    /// free outer root; set by the engine before each step.
    pub imposed_x: Option<f64>,
}

impl Work {
    pub fn new(m: &PathModel) -> Work {
        let nr = m.route_cap.len();
        let nb = m.n_basins;
        Work {
            m_cap: vec![0.0; nr],
            h: vec![0.0; nr],
            h0: vec![0.0; nr],
            lambda: vec![0.0; m.n_buyers],
            slate_sea: vec![f64::INFINITY; m.n_buyers],
            k: vec![0.0; nr],
            freight: vec![0.0; nr],
            alt: vec![0.0; m.n_buyers],
            w: vec![0.0; nb],
            s: vec![0.0; nb],
            s_tilde: vec![0.0; nb],
            x_basin: vec![0.0; nb],
            x_del: vec![0.0; nb],
            d_clr: vec![0.0; nb],
            d_clean: vec![f64::INFINITY; nb],
            status: vec![BasinStatus::Cleared; nb],
            q_sched: vec![0.0; m.pipe_flow.len()],
            q: vec![0.0; m.pipe_flow.len()],
            out: Outcome::new(m),
            refuse: vec![0.0; nr],
            boost: vec![1.0; nr],
            d_off: vec![0.0; nr],
            keep: vec![1.0; nr],
            exposure: Exposure::new(nb),
            scratch: Vec::new(),
            imposed_x: None,
        }
    }
}

/// Diagnostics counted per path-month and summed by the engine.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepDiag {
    pub basin_iters_max: u32,
    pub brent_iters: u32,
    pub bisections: u32,
    pub not_converged: u32,
    pub brent_clamped: bool,
    pub fleet_violation: bool,
    pub reclear_iters: u32,
    pub empty_basin: u32,
    /// D39: a buyer's routes were rationed to its slate (no discount cleared within it).
    pub slate_rationed: u32,
}

/// Applies step 1's one-off actions to the state: jumps, waves, shadow-capacity levers and
/// designation batches (errata 13: sequentially and multiplicatively, before the fleet
/// constraint, so a batch bites in its own month).
pub fn apply_actions(m: &PathModel, st: &mut State, fired: &[Fired], batches: &[Batch]) -> f64 {
    let mut jump = 0.0;
    for f in fired {
        match *f {
            Fired::Jump(v) => jump += v,
            Fired::Wave { basins, .. } => {
                for (b, psi) in st.psi.iter_mut().enumerate() {
                    if basins == 0 || (basins >> b.min(63)) & 1 == 1 {
                        *psi = 1.0;
                    }
                }
                st.adapt.iter_mut().for_each(|a| *a = 1.0);
            }
            Fired::ShadowSet(v) => st.fleet = v.max(0.0),
            Fired::ShadowScale(v) => st.fleet = (st.fleet * v).max(0.0),
            Fired::Batch { .. } | Fired::TankerBan { .. } => {}
        }
    }
    for b in batches {
        let eff = if b.us {
            m.p.desig_eff_us
        } else {
            m.p.desig_eff_eu
        };
        let rem = (b.share.clamp(0.0, 1.0) * eff * st.fleet).max(0.0);
        st.fleet -= rem;
        if b.us {
            st.fdes_us += rem;
        } else {
            st.fdes_eu += rem;
        }
    }
    jump
}

/// D33: basin b's designated share, the market-wide one plus its own.
pub fn basin_sdn_share(lv: &LeverSet, ids: &LeverIds, b: usize) -> f64 {
    (lv.get(ids.sdn_share) + lv.get(ids.sdn_basin_share[b])).clamp(0.0, 1.0)
}

/// Runs one month. `out` in `w` holds the month's outcome afterwards.
#[allow(clippy::too_many_arguments)]
pub fn step(
    m: &PathModel,
    st: &mut State,
    lv: &LeverSet,
    ids: &LeverIds,
    fired: &[Fired],
    batches: &[Batch],
    sh: &Shocks,
    ctx: MonthCtx,
    w: &mut Work,
) -> StepDiag {
    let mut diag = StepDiag::default();
    // 1. Policy actions.
    let jump = apply_actions(m, st, fired, batches);
    push_waves(st, fired);
    for b in 0..m.n_basins {
        w.s[b] = basin_sdn_share(lv, ids, b);
    }
    w.exposure.compute(st, &w.s);
    for b in 0..m.n_basins {
        // D35: authority waves bite through compliance (below); the laundering channel keeps
        // the rest of the lever share (seller-chain waves and plain `set`s).
        let s = (w.s[b] - w.exposure.authority_share[b]).max(0.0);
        if s > st.s_prev[b] + 1e-15 {
            // N13: every increase of s enters at L = 0.
            st.laundering[b] *= if s > 0.0 { st.s_prev[b] / s } else { 0.0 };
        }
        w.s_tilde[b] = s * (1.0 - st.laundering[b]);
    }
    route_split(
        m,
        lv,
        ids,
        &w.exposure,
        &mut w.refuse,
        &mut w.keep,
        &mut w.boost,
    );
    // N15: adaptation resets on any increase of a buyer's tariff or secondary measures.
    for j in 0..m.n_buyers {
        let t = lv.get(ids.tariff_rate[j]);
        let sec = (
            lv.get(ids.secondary_capacity_cut[j]),
            lv.get(ids.secondary_risk_wedge_usd[j]),
            lv.get(ids.secondary_pipeline_block_prob[j]),
        );
        let p = st.secondary_prev[j];
        if t > st.tariff_prev[j] + 1e-12
            || sec.0 > p.0 + 1e-12
            || sec.1 > p.1 + 1e-12
            || sec.2 > p.2 + 1e-12
        {
            st.adapt[j] = 1.0;
        }
        st.tariff_prev[j] = t;
        st.secondary_prev[j] = sec;
    }
    // 2. Exogenous processes.
    let exo = exogenous_step(m, st, sh, jump);
    // 3. Stances, from t−1 outcomes.
    stance_step(m, st, lv, ids, sh);
    // 4. Effective parameters (§4.4).
    let relief = lv.flag(ids.relief_active);
    // §4.2.4 as written (D34): 1 + α_f at full tightness, the 2022 peak. `u_prev` is the tightness
    // the freight market has caught up with, which damps the errata-7 cobweb.
    let u_star = m.u_star();
    let tight = ((st.u_prev - u_star) / (1.0 - u_star)).clamp(0.0, 1.0);
    let freight_common = st.zf.exp() * (1.0 + m.p.alpha_f * tight);
    for j in 0..m.n_buyers {
        w.alt[j] = m.buyer_alt[j]
            + if m.buyer_gulf[j] {
                m.p.gamma_a * exo.gulf_outage
            } else {
                0.0
            };
    }
    for b in 0..m.n_basins {
        w.w[b] = m.basin_wedge0[b] + m.p.mu_int * w.s[b] * st.psi[b];
    }
    for r in 0..m.route_cap.len() {
        let (b, j) = (m.route_basin[r], m.route_buyer[r]);
        let halt = st.stance[j].cut;
        w.m_cap[r] = (m.route_cap[r]
            * lv.get(ids.buyer_capacity_scale[j])
            * st.slate[r]
            * st.eta[j].exp()
            * (1.0 - m.buyer_sdn_averse[j] * w.s_tilde[b])
            * (1.0 - lv.get(ids.secondary_capacity_cut[j]))
            * (1.0 - halt)
            * w.boost[r])
            .max(0.0);
        // Errata 12: the share of days with a conditional tariff in force, and none while the
        // US has suspended it after a halt.
        let tariff_on = if st.stance[j].suspended {
            0.0
        } else {
            lv.on(ids.tariff_rate[j])
        };
        w.h0[r] = m.route_h[r]
            + st.adapt[j]
                * (m.p.dh_sdn * w.s_tilde[b]
                    + m.buyer_dh_tar[j] * tariff_on
                    + lv.get(ids.secondary_risk_wedge_usd[j]))
            - if relief { m.p.dh_relief } else { 0.0 };
        w.freight[r] = m.route_freight0[r] * lv.get(ids.freight_scale[b]) * freight_common;
        w.k[r] = w.alt[j] - w.freight[r] - m.route_ins[r] - w.w[b];
    }
    // 5. Supply split (§4.5).
    let target = lv.get(ids.supply_russia_exports_adj);
    st.adj += (target - st.adj).min(lv.get(ids.supply_ramp_mbd));
    let x_avail = (m.v_ref + st.adj - st.shutin + st.nu).max(0.0);
    let prim = m.primary;
    // D32: stored barrels are released once Brent is back above its average.
    let mut release = if st.p_prev >= st.pbar + m.p.release_hysteresis {
        (st.storage / ctx.days).min(m.p.release_max)
    } else {
        0.0
    };
    let q_sum: f64 = m.pipe_flow.iter().sum();
    let q_scale = if q_sum > x_avail && q_sum > 0.0 {
        x_avail / q_sum
    } else {
        1.0
    };
    for p in 0..m.pipe_flow.len() {
        let j = m.pipe_buyer[p];
        w.q_sched[p] = m.pipe_flow[p] * q_scale;
        let halt = st.stance[j].cut;
        let blocked = sh.u_block[j] < lv.get(ids.secondary_pipeline_block_prob[j]);
        w.q[p] = if blocked {
            0.0
        } else {
            // D36: a pledged cut stops that share of the buyer's pipeline flow (its routes are
            // rationed in the clearing).
            w.q_sched[p]
                * lv.get(ids.pipeline_availability[p])
                * (1.0 - halt)
                * (1.0 - lv.get(ids.pledge_cut[j]).clamp(0.0, 1.0))
        };
    }
    let x_sea = (x_avail - w.q_sched.iter().sum::<f64>()).max(0.0);
    for b in 0..m.n_basins {
        w.x_basin[b] = m.basin_share[b] * x_sea;
    }
    for p in 0..m.pipe_flow.len() {
        w.x_basin[m.pipe_fallback[p]] += w.q_sched[p] - w.q[p];
    }
    // Stored barrels are released only into spare port capacity: releasing into a full port
    // would only move them from storage to "withheld" (our reading; §4.5 is silent).
    release = release.min((m.basin_port_cap[prim] - w.x_basin[prim]).max(0.0));
    w.x_basin[prim] += release;
    let mut x_tilde_total = 0.0;
    for b in 0..m.n_basins {
        x_tilde_total += w.x_basin[b];
        w.x_basin[b] = w.x_basin[b].min(m.basin_port_cap[b]);
        w.x_del[b] = w.x_basin[b];
    }
    // 6. Basin clearing at full deliverable volume, within each buyer's slate (D39).
    sea_slates(m, st, lv, ids, w);
    clear_all(m, st, w, &mut diag);
    // 7. Fleet and the capped tranche (re-clears in place when short or refused).
    let cap = effective_cap(lv, ids);
    // With Brent imposed, the observed price is the better pre-root guess of the netback.
    let guess = w.imposed_x.unwrap_or(exo.anchor);
    let fl: Fleet = fleet_step(m, st, lv, ids, sh, guess, cap, w, &mut diag);
    w.out.opec_spare = lv.get(ids.supply_opec_spare_mbd);
    // 8–9. Brent root with the reservation floor, then allocation and storage.
    let br = brent_root(m, st, ctx, &exo, w, &mut diag);
    account(
        m,
        st,
        lv,
        ids,
        ctx,
        &exo,
        &fl,
        &br,
        x_avail,
        release,
        x_tilde_total,
        w.s[m.primary],
        w,
    );
    // 11. Dynamics.
    dynamics(m, st, ctx, &exo, &fl, &br, w);
    advance_waves(m, st);
    diag
}

/// The effective cap c_t (§5): EU, US or their minimum.
pub fn effective_cap(lv: &LeverSet, ids: &LeverIds) -> f64 {
    let eu = lv.get(ids.cap_eu_usd);
    let us = lv.get(ids.cap_us_usd);
    match lv.get(ids.cap_authority).round() as i64 {
        1 => us,
        2 => eu.min(us),
        _ => eu,
    }
}

/// Solves every basin at its deliverable volume `w.x_del`, warm-started at last month's D, at
/// the half-savings `w.h` in place (the slate loop of `slate.rs` sets them).
pub fn clear_basins(m: &PathModel, st: &State, w: &mut Work, diag: &mut StepDiag) {
    for b in 0..m.n_basins {
        let r = m.basin_routes[b].clone();
        w.d_off[r.clone()].iter_mut().for_each(|d| *d = 0.0);
        if is_split(w, b, r.clone()) {
            let root = clear_split(
                &w.m_cap[r.clone()],
                &w.h[r.clone()],
                &m.route_sigma[r.clone()],
                &w.k[r.clone()],
                &w.refuse[r.clone()],
                &w.keep[r.clone()],
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
            &w.m_cap[r.clone()],
            &w.h[r.clone()],
            &m.route_sigma[r.clone()],
            &w.k[r.clone()],
            &w.refuse[r.clone()],
            &w.keep[r.clone()],
            w.x_del[b],
            d.min(w.d_clean[b]),
            d,
            d,
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
