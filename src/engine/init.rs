//! A path's start: the lever values in force (the scenario's calendar on top of the registry
//! defaults, with the levers that are also priors at the path's draw, errata N4) and the
//! explicit initial state of the market (model.md §3, errata N2), or the unsanctioned one.

use crate::market::basins::basin_sdn_share;
use crate::market::model::PathModel;
use crate::market::state::State;
use crate::policy::levers::LeverSet;
use crate::scenario::{Init, Scenario};

/// Registry defaults, with the levers that are also priors at the path's draw (errata N4).
pub(crate) fn initial_levers(sc: &Scenario, model: &PathModel) -> LeverSet {
    let ids = &sc.registry.ids;
    let mut initial = sc.registry.defaults();
    initial.set(ids.cap_enforcement, model.p.enforcement);
    initial.set(ids.cap_attestation_usd, model.p.attestation);
    initial.set(ids.supply_opec_spare_mbd, model.p.opec_spare);
    initial.set(ids.fleet_western_capacity, model.fc_max);
    for &id in &ids.tariff_snapback_prob {
        initial.set(id, model.p.snapback_prob);
    }
    initial
}

/// The explicit initial state for a 2025-08 start (model.md §3, errata N2).
pub(crate) fn initial_state(sc: &Scenario, m: &PathModel, lv: &LeverSet) -> State {
    let ids = &sc.registry.ids;
    let p = &m.p;
    let mut st = State::sized(m);
    let p0 = sc.brent_p0.max(1e-6);
    st.xi = sc.brent_f24.unwrap_or(p0).max(1e-6).ln();
    st.chi = p0.ln() - st.xi;
    st.x_prev = p0.ln();
    st.u_prev = p.u_star;
    st.inv = p.inv_target;
    for b in 0..m.n_basins {
        st.s_prev[b] = basin_sdn_share(lv, ids, b);
    }
    if sc.init == Init::Unsanctioned {
        // No designation history: the shadow fleet stands at its 2024 calibration F0,
        // nothing is designated or laundered yet, ψ and A_j at their post-wave value 1.
        st.laundering.iter_mut().for_each(|l| *l = 0.0);
        st.psi.iter_mut().for_each(|x| *x = 1.0);
        st.adapt.iter_mut().for_each(|x| *x = 1.0);
        st.fleet = m.f0;
        st.fdes_us = 0.0;
        set_prev_policy(&mut st, m, lv, sc);
        return st;
    }
    let age = p.wave_age_months.max(0.0);
    let laundered = 1.0 - (-age / p.h_laundering.max(1e-6)).exp2();
    st.laundering.iter_mut().for_each(|l| *l = laundered);
    let psi = (-age / p.h_margin.max(1e-6)).exp2();
    st.psi.iter_mut().for_each(|x| *x = psi);
    let a = (-age / p.t_adapt.max(1e-6)).exp2();
    st.adapt.iter_mut().for_each(|x| *x = a);
    let removed = m.f0 * p.b_jan25 * p.desig_eff_us;
    st.fleet = m.f0 - removed;
    st.fdes_us = removed;
    // Errata 9: the months since the 2025-01-10 batch also rebuilt the fleet (toward κ_F·Φ,
    // at the 2024 requirement) and let some designated tankers re-enter.
    for _ in 0..age.round() as u32 {
        st.fleet +=
            p.fleet_rebuild * (m.kappa_f * m.phi_2024 - st.fleet) + p.reentry_us * st.fdes_us;
        st.fdes_us *= 1.0 - p.reentry_us;
    }
    set_prev_policy(&mut st, m, lv, sc);
    st
}

/// Tariff and secondary levers in force at the start, so month 1 sees no spurious increase.
fn set_prev_policy(st: &mut State, m: &PathModel, lv: &LeverSet, sc: &Scenario) {
    let ids = &sc.registry.ids;
    for j in 0..m.n_buyers {
        st.tariff_prev[j] = lv.end(ids.tariff_rate[j]);
        st.secondary_prev[j] = (
            lv.end(ids.secondary_capacity_cut[j]),
            lv.end(ids.secondary_risk_wedge_usd[j]),
            lv.end(ids.secondary_pipeline_block_prob[j]),
        );
    }
}
