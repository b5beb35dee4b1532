//! National stances of buyers with a `[buyer.stance]` table (model.md §4.3), with the tariff
//! state machine written out as errata 4 asks:
//! *buy → halt*: the US suspends the conditional tariff; *halt → buy*: the tariff stays
//! suspended until a snapback fires, each month with probability p_snap once the buyer's
//! intake is back above a share of its pre-halt intake. Hazards use t−1 outcomes.

use super::clearing::logistic;
use super::model::{PathModel, StanceDraw};
use super::state::{Shocks, State};
use crate::policy::levers::{LeverIds, LeverSet, SNAPBACK_AT_HALT};

/// Buyer j's annualised savings on Russian crude at t−1 outcomes, $bn/yr (§4.3).
pub fn savings_bn_yr(m: &PathModel, st: &State, j: usize) -> f64 {
    let mut s = 0.0;
    for r in 0..m.route_cap.len() {
        if m.route_buyer[r] == j {
            s += st.m_prev[r] * st.delta_prev[r];
        }
    }
    for p in 0..m.pipe_flow.len() {
        if m.pipe_buyer[p] == j {
            let b = m.pipe_priced_off[p];
            s += st.q_prev[p] * (st.p_prev + m.buyer_alt[j] - st.n_prev[b] - m.pipe_padj[p]);
        }
    }
    0.365 * s
}

/// Buyer j's intake (sea + pipeline) last month, mb/d.
pub fn intake_prev(m: &PathModel, st: &State, j: usize) -> f64 {
    let sea: f64 = (0..m.route_cap.len())
        .filter(|r| m.route_buyer[*r] == j)
        .map(|r| st.m_prev[r])
        .sum();
    let pipe: f64 = (0..m.pipe_flow.len())
        .filter(|p| m.pipe_buyer[*p] == j)
        .map(|p| st.q_prev[p])
        .sum();
    sea + pipe
}

/// The conditional tariff rate the buyer actually faces this month (0 while suspended).
pub fn tariff_in_force(st: &State, lv: &LeverSet, ids: &LeverIds, j: usize) -> f64 {
    if st.stance[j].suspended {
        0.0
    } else {
        lv.get(ids.tariff_rate[j])
    }
}

/// Monthly halt hazard of a buying stance buyer (§4.3): h̄·Λ(Net/σ) with
/// Net = λ·T·X^exp + C − Sav − V^pol, and 0 without a tariff or carrot.
pub fn halt_probability(sd: &StanceDraw, t: f64, x_exp: f64, carrot: f64, sav: f64) -> f64 {
    if t <= 0.0 && carrot <= 0.0 {
        return 0.0;
    }
    let net = sd.welfare_loss * t * x_exp + carrot - sav - sd.political_value_bn;
    sd.base_hazard * logistic(net / sd.noise_bn)
}

/// Monthly resume hazard of a halted buyer (§4.3): h̄·Λ(Net'/σ) with
/// Net' = Sav/(1 − θ) + V^pol − C − p_snap·λ·T^snap·X^exp (Sav measured while halted).
pub fn resume_probability(
    sd: &StanceDraw,
    snap_rate: f64,
    x_exp: f64,
    carrot: f64,
    sav: f64,
    p_snap: f64,
) -> f64 {
    let keep = 1.0 - sd.halt_depth;
    let sav_full = if keep > 1e-9 { sav / keep } else { sav };
    let net =
        sav_full + sd.political_value_bn - carrot - p_snap * sd.welfare_loss * snap_rate * x_exp;
    sd.base_hazard * logistic(net / sd.noise_bn)
}

pub fn stance_step(m: &PathModel, st: &mut State, lv: &LeverSet, ids: &LeverIds, sh: &Shocks) {
    for j in 0..m.n_buyers {
        let Some(sd) = m.stance(j) else { continue };
        let force = lv.get(ids.stance_force[j]).round() as i64;
        let rate = lv.get(ids.tariff_rate[j]);
        let x_exp = lv.get(ids.tariff_exposed_exports_bn[j]);
        let carrot = lv.get(ids.carrot_value_bn[j]);
        let p_snap = lv.get(ids.tariff_snapback_prob[j]);
        let sav = savings_bn_yr(m, st, j);
        let intake = intake_prev(m, st, j);
        let s = &mut st.stance[j];
        if rate <= 0.0 {
            // Nothing to suspend or snap back when the US charges no conditional tariff.
            s.suspended = false;
        }
        match force {
            1 => {
                s.halted = false;
                continue;
            }
            2 => {
                if !s.halted {
                    s.halted = true;
                    s.suspended = rate > 0.0;
                    s.snap_rate = rate;
                    s.prehalt_intake = intake;
                }
                continue;
            }
            _ => {}
        }
        if !s.halted {
            if s.suspended {
                // Resumed: the snapback may restore the tariff.
                if sh.u_snap[j] < p_snap && intake > sd.snapback_threshold_share * s.prehalt_intake
                {
                    s.suspended = false;
                }
                continue;
            }
            // Stance hazards use the value in force from the first full month (scenarios.md §2).
            let t = if lv.on(ids.tariff_rate[j]) >= 1.0 {
                rate
            } else {
                0.0
            };
            // The hazard is 0 without a tariff or carrot, so no draw can halt then.
            if sh.u_stance[j] < halt_probability(sd, t, x_exp, carrot, sav) {
                s.halted = true;
                s.suspended = t > 0.0;
                let snap = lv.get(ids.tariff_snapback_rate[j]);
                s.snap_rate = if snap == SNAPBACK_AT_HALT { t } else { snap };
                s.prehalt_intake = intake;
            }
        } else if sh.u_stance[j] < resume_probability(sd, s.snap_rate, x_exp, carrot, sav, p_snap) {
            s.halted = false;
        }
    }
}
