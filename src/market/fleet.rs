//! The tanker-fleet constraint and the price-cap tranche (model.md §4.7).
//!
//! Cargoes beyond the shadow fleet F ride Western tankers and form the capped tranche υ.
//! Fixes applied: the Western-capacity switch at the cap is smooth (errata 7), refusal is
//! tested against the production floor (errata 2), and the re-clear iterates
//! ζ ← ζ·C/Φ' until the fleet bound holds (errata 6).

use super::clearing::logistic;
use super::model::PathModel;
use super::slate::clear_all;
use super::state::{Shocks, State};
use super::work::{StepDiag, Work};
use crate::policy::levers::{no_cap, LeverIds, LeverSet};

#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Fleet {
    /// First-pass tanker requirement Φ_t, flow-months.
    pub phi: f64,
    /// Requirement after re-clearing.
    pub phi_final: f64,
    pub western: f64,
    /// Capped-tranche share υ (0 after a refusal).
    pub upsilon: f64,
    pub zeta: f64,
    /// Tightness u_t = Φ_t/(F + F^c), used by next month's freight.
    pub u: f64,
    pub refused: bool,
    pub enforcement: f64,
    pub attestation: f64,
    pub cap: f64,
    pub cap_binding: bool,
    /// D172: this month's Western participation, carried to the next month.
    pub west_stay: f64,
}

fn requirement(m: &PathModel, w: &Work) -> f64 {
    w.out.m.iter().zip(&m.route_trip).map(|(f, t)| f * t).sum()
}

#[allow(clippy::too_many_arguments)]
pub fn fleet_step(
    m: &PathModel,
    st: &State,
    lv: &LeverSet,
    ids: &LeverIds,
    sh: &Shocks,
    anchor: f64,
    cap: f64,
    w: &mut Work,
    diag: &mut StepDiag,
) -> Fleet {
    let e = lv.get(ids.cap_enforcement).clamp(0.0, 1.0);
    // D184: attestations are the cap regime's paperwork, owed on every Western-serviced cargo
    // while a cap exists (binding or not) and on none without one, so `none` charges nothing
    // (the no-cap counterfactual used to lose c_att on the whole Western tranche).
    let c_att = if no_cap(cap) {
        0.0
    } else {
        lv.get(ids.cap_attestation_usd)
    };
    let phi = requirement(m, w);
    let prim = m.primary;
    let n_tilde = anchor.exp() - w.d_clr[prim];
    let binding = n_tilde > cap;
    let switch = logistic((n_tilde - cap) / m.p.cap_switch_width.max(1e-6));
    // D172: Western owners and insurers do not leave the trade the month Urals crosses the cap
    // nor come back the month it falls below: participation closes `west_speed` of the gap
    // to the cap test's level each month. Switching in full each month made the errata-7
    // cobweb (cap binds → Western tankers leave → freight up → Urals below the cap → they
    // return → freight down → …) alternate freight $8 ↔ $23 on a quarter of the forward paths.
    let target = 1.0 - 0.5 * e * switch;
    let west_stay = match st.west_stay {
        Some(prev) => prev + m.p.west_speed.clamp(0.0, 1.0) * (target - prev),
        None => target,
    };
    let ban = lv.flag(ids.cap_services_ban);
    let western = if ban {
        0.0
    } else {
        lv.get(ids.fleet_western_capacity) * west_stay
    };
    let f = st.fleet.max(0.0);
    let upsilon0 = if phi > 1e-12 {
        (phi - f).max(0.0) / phi
    } else {
        0.0
    };
    let u = if f + western > 1e-12 {
        phi / (f + western)
    } else {
        1.0
    };
    let refused = upsilon0 > 0.0
        && ((binding && sh.u_refuse < lv.get(ids.cap_refusal_prob))
            || e * n_tilde.min(cap) + (1.0 - e) * n_tilde - c_att < m.prod_floor);
    let capacity = if refused { f } else { f + western };
    let mut zeta = if phi > capacity { capacity / phi } else { 1.0 };
    let mut phi_final = phi;
    if zeta < 1.0 {
        // ζ ← ζ·C/Φ' converges in 2–3 steps in ordinary months. It crawls when a saturated
        // basin's flows do not respond to ζ, so after a few steps bisect on ζ between a
        // feasible `lo` and an infeasible `hi` (Φ' is monotone in ζ); the result is always
        // the feasible end. The test is relative (no absolute slack), so the iteration does
        // not depend on the volume scale (§9.1.10).
        let (mut lo, mut hi) = (0.0, 1.0);
        let at = |zeta: f64, w: &mut Work, diag: &mut StepDiag| {
            for b in 0..m.n_basins {
                w.x_del[b] = zeta * w.x_basin[b];
            }
            clear_all(m, st, w, diag);
            requirement(m, w)
        };
        for it in 0..100 {
            phi_final = at(zeta, w, diag);
            diag.reclear_iters = it + 1;
            let feasible = phi_final <= capacity;
            if feasible {
                lo = zeta;
            } else {
                hi = zeta;
            }
            if feasible && (it < 8 || hi - lo <= 1e-9 * hi) {
                break;
            }
            zeta = if it < 8 && !feasible {
                (zeta * capacity / phi_final * (1.0 - 1e-12)).max(lo)
            } else {
                0.5 * (lo + hi)
            };
        }
        if phi_final > capacity {
            zeta = lo;
            phi_final = at(zeta, w, diag);
        }
        if phi_final > capacity + 1e-9 {
            diag.fleet_violation = true;
        }
    }
    let upsilon = if refused || phi_final <= 1e-12 {
        0.0
    } else {
        (phi_final - f).max(0.0) / phi_final
    };
    Fleet {
        phi,
        phi_final,
        western,
        upsilon,
        zeta,
        u,
        refused,
        enforcement: e,
        attestation: c_att,
        cap,
        cap_binding: binding,
        west_stay,
    }
}
