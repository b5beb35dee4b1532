//! One month of the model, in the order of model.md §4: a pure function of
//! (state, path constants, levers, fired actions, designation batches, shocks).
//!
//! Steps 2 (exogenous), 3 (stances), 4–5 (effective parameters, supply split), 6–7 (basin
//! clearing, fleet), 8–9 (Brent root, allocation, storage), 10 (accounting) and 11 (dynamics)
//! are separate functions in their own files; this file sequences them. The types they share
//! (`Work`, `MonthCtx`, `StepDiag`, `Batch`) are in `work.rs`, and the per-basin clearing they
//! all call in `basins.rs`.

use super::accounting::{account, dynamics};
use super::basins::basin_sdn_share;
use super::brent::brent_root;
use super::compliance::{advance_waves, forget_delisted, mask_hits, push_waves, route_split};
use super::exogenous::exogenous_step;
use super::fleet::{fleet_step, Fleet};
use super::model::PathModel;
use super::slate::{clear_all, sea_slates};
use super::stance::stance_step;
use super::state::{Shocks, State};
use super::work::{Batch, MonthCtx, StepDiag, Work};
use crate::policy::events::Fired;
use crate::policy::levers::{LeverIds, LeverSet, SHADOW_CAPACITY_MAX};

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
                    if mask_hits(basins, b) {
                        *psi = 1.0;
                    }
                }
                st.adapt.iter_mut().for_each(|a| *a = 1.0);
            }
            // D131: F stays in the lever's range however often a tree node re-applies it.
            Fired::ShadowSet(v) => st.fleet = v.clamp(0.0, SHADOW_CAPACITY_MAX),
            Fired::ShadowScale(v) => st.fleet = (st.fleet * v).clamp(0.0, SHADOW_CAPACITY_MAX),
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
    let fleet_held = st.fleet >= SHADOW_CAPACITY_MAX
        && fired
            .iter()
            .any(|f| matches!(f, Fired::ShadowSet(_) | Fired::ShadowScale(_)));
    push_waves(st, fired);
    for b in 0..m.n_basins {
        w.s[b] = basin_sdn_share(lv, ids, b);
    }
    forget_delisted(st, &w.s);
    w.exposure.compute(st, &w.s);
    for b in 0..m.n_basins {
        // D35: authority waves bite through compliance (below); the laundering channel keeps
        // the rest of the lever share (seller-chain waves and plain `set`s).
        let s = (w.s[b] - w.exposure.authority_share[b]).max(0.0);
        w.s_chan[b] = s;
        // D159: `s_prev` is last month's channel share too, so an authority wave's barrels
        // never make a later channel designation look smaller than it is.
        if s > st.s_prev[b] + 1e-15 {
            // N13: every increase of s enters at L = 0.
            st.laundering[b] *= if s > 0.0 { st.s_prev[b] / s } else { 0.0 };
        }
        w.s_tilde[b] = s * (1.0 - st.laundering[b]);
    }
    route_split(
        m,
        st,
        lv,
        ids,
        &w.exposure,
        &mut w.refuse,
        &mut w.keep,
        &mut w.boost,
        &mut w.pause,
    );
    // N15: adaptation resets on any increase of a buyer's tariff or secondary measures, judged
    // on the values in force at the month's end (D165): a rise late in a month resets once,
    // not again when the next month's day-weighted value completes it.
    for j in 0..m.n_buyers {
        let t = lv.end(ids.tariff_rate[j]);
        let sec = (
            lv.end(ids.secondary_capacity_cut[j]),
            lv.end(ids.secondary_risk_wedge_usd[j]),
            lv.end(ids.secondary_pipeline_block_prob[j]),
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
    let mut exo = exogenous_step(m, st, sh, jump);
    // D277: a scenario's Gulf outage is an outage of the Gulf class, net of stock releases:
    // it enters the world balance and the Gulf-exposed buyers' alternative cost alike.
    let gulf = lv.get(ids.supply_gulf_outage_mbd);
    exo.outage += gulf;
    exo.gulf_outage += gulf;
    diag.state_bounded = fleet_held || st.pi.abs() >= super::exogenous::RISK_PREMIUM_MAX;
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
        w.eta_exp[j] = st.eta[j].exp();
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
            * w.eta_exp[j]
            * (1.0 - m.buyer_sdn_averse[j] * w.s_tilde[b])
            * (1.0 - lv.get(ids.secondary_capacity_cut[j]))
            * (1.0 - halt)
            * w.boost[r]
            * (1.0 - w.pause[r]))
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
    // An OPEC+ output change beyond what the anchor prices uses spare capacity (a cut adds to
    // it), and enters the world balance with a world-demand change (walkthrough 9 #1).
    let opec_adj = lv.get(ids.supply_opec_adj_mbd);
    w.out.opec_spare = (lv.get(ids.supply_opec_spare_mbd) - opec_adj).max(0.0);
    w.out.balance_shift = lv.get(ids.demand_world_adj_mbd) - opec_adj;
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
