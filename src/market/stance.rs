//! National stances of buyers with a `[buyer.stance]` table (model.md §4.3), continuous (D38):
//! the state is the share φ of the buyer's intake that has stopped, not a halt flag. Its
//! refiners differ in how much a tariff, a carrot or the savings weigh with them, so the share
//! that steps back is a logistic of the buyer's net benefit of stopping; φ moves toward it at
//! the buyer's adjustment speed. A full halt (φ = θ^halt) stays possible, on the paths whose
//! drawn political value and welfare loss make stopping worth it for nearly every refiner.
//!
//! The tariff state machine of errata 4 keeps its shape, with "halted" read as "has cut at
//! least half of its maximal depth": the US then suspends the conditional tariff; once the
//! buyer is back below that and its intake above a share of its full-buying intake, a snapback
//! restores the tariff each month with probability p_snap. While suspended, the buyer weighs
//! the share of the coming year the snapback would put it under the tariff if it resumed
//! (D276). Everything uses t−1 outcomes.

use super::clearing::logistic;
use super::model::{PathModel, StanceDraw};
use super::state::{Shocks, State};
use crate::policy::levers::{LeverIds, LeverSet, SNAPBACK_AT_HALT};

/// The share of θ^halt a buyer must have cut for the US to count it as halted (D38) [A]: the
/// midpoint, so that a buyer counts as halted once most of what it could stop has stopped.
pub const HALTED_AT_DEPTH: f64 = 0.5;

/// The months ahead over which a suspended buyer weighs the snapback threat (D276) [A]: a
/// year, the length of the Indian refiners' Russian term deals (IOC–Rosneft FY2023-24,
/// buyers.csv), the horizon over which a refiner commits to a supplier.
pub const SNAPBACK_HORIZON_MONTHS: u32 = 12;

/// The expected share of the next `h` months under a snapped-back tariff for a buyer that
/// resumes now, when the snapback fires with probability `p` each month after it resumes
/// (D276): month n is under the tariff with probability 1 − (1 − p)^n, so the share is the
/// mean of those over n = 1..h. It is p for h = 1 (the spec's one-month threat), rises with p
/// and h, and is 1 at p = 1. The one-month threat let a buyer that the snapback had just hit
/// resume the next month and be hit again: on `china_sanctions`, a 100% tariff snapped back
/// every few months on two paths in three, each time charged in full for a month.
pub fn snapback_threat_share(p: f64, h: u32) -> f64 {
    if p.is_nan() || p <= 0.0 || h == 0 {
        return 0.0;
    }
    if p >= 1.0 {
        return 1.0;
    }
    // −expm1(n·ln(1 − p)) is 1 − (1 − p)^n without cancellation at small p.
    let l = (-p).ln_1p();
    let sum: f64 = (1..=h).map(|n| -(f64::from(n) * l).exp_m1()).sum();
    (sum / f64::from(h)).clamp(0.0, 1.0)
}

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
            // D169: last month's a_j, Gulf outages included, as the routes' δ and the
            // accounting's savings have it.
            s += st.q_prev[p] * (st.p_prev + st.alt_prev[j] - st.n_prev[b] - m.pipe_padj[p]);
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

/// The share of intake a stance buyer's refiners would stop (§4.3, D38, D167):
/// φ* = θ^halt·(Λ(Net/σ^pol) − Λ₀)⁺/(1 − Λ₀) with Net = λ·T·X^exp + C − Sav^full − V^pol and
/// Λ₀ = Λ(Net₀/σ^pol) its value without a tariff threat or a carrot (Net₀ = −Sav^full − V^pol):
/// 0 without them, rising continuously with them, and θ^halt at full strength. (It was
/// θ^halt·Λ(Net/σ^pol) for any tariff or carrot above 0, so a $1m carrot or a 0.01% tariff
/// stopped 3–4% of India's intake at once.) `t` is the tariff the buyer weighs (the rate in
/// force, or the snapback threat p_snap·T^snap while suspended); `sav_full` the savings at
/// full intake.
pub fn stance_target(sd: &StanceDraw, t: f64, x_exp: f64, carrot: f64, sav_full: f64) -> f64 {
    if t <= 0.0 && carrot <= 0.0 {
        return 0.0;
    }
    let base = -sav_full - sd.political_value_bn;
    let net = sd.welfare_loss * t * x_exp + carrot + base;
    let l0 = logistic(base / sd.noise_bn);
    let l = logistic(net / sd.noise_bn);
    if l0 >= 1.0 {
        return sd.halt_depth * l;
    }
    sd.halt_depth * ((l - l0).max(0.0) / (1.0 - l0)).clamp(0.0, 1.0)
}

/// Whether a cut `phi` counts as a halt for the tariff machine and `<buyer>_halted_share`.
#[inline]
pub fn is_halted(sd: &StanceDraw, phi: f64) -> bool {
    sd.halt_depth > 0.0 && phi >= HALTED_AT_DEPTH * sd.halt_depth - 1e-12
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
        // What the buyer's intake and savings would be at full buying (the cut is last
        // month's): a buyer weighs the savings it gives up, not the ones it still has.
        let keep = 1.0 - s.cut;
        let (sav_full, intake_full) = if keep > 1e-9 {
            (sav / keep, intake / keep)
        } else {
            (sav, intake)
        };
        match force {
            1 => s.cut = 0.0,
            2 => s.cut = sd.halt_depth,
            _ => {
                // Stance decisions use the value in force from the first full month
                // (scenarios.md §2); while suspended, the buyer weighs the snapback threat
                // over the coming year (D276).
                let t = if s.suspended {
                    snapback_threat_share(p_snap, SNAPBACK_HORIZON_MONTHS) * s.snap_rate
                } else if lv.on(ids.tariff_rate[j]) >= 1.0 {
                    rate
                } else {
                    0.0
                };
                let target = stance_target(sd, t, x_exp, carrot, sav_full);
                s.cut += sd.base_hazard * (target - s.cut);
                s.cut = crate::market::clearing::clamp_nan_safe(s.cut, 0.0, sd.halt_depth);
            }
        }
        s.halted = is_halted(sd, s.cut);
        // D168: a halted buyer is never charged the conditional tariff, whichever came first
        // (a tariff imposed on a buyer that had already halted was charged in full).
        if s.halted && rate > 0.0 && !s.suspended {
            // Buy → halt: the US suspends the tariff and records what a snapback restores.
            s.suspended = true;
            let snap = lv.get(ids.tariff_snapback_rate[j]);
            s.snap_rate = if snap == SNAPBACK_AT_HALT || force == 2 {
                rate
            } else {
                snap
            };
            s.prehalt_intake = intake_full;
        } else if s.suspended
            && !s.halted
            && sh.u_snap[j] < p_snap
            && intake > sd.snapback_threshold_share * s.prehalt_intake
        {
            // Resumed: the snapback restores the tariff, and, as any rise of the tariff the
            // buyer faces, resets its adaptation (N15; D168: it did not).
            s.suspended = false;
            st.adapt[j] = 1.0;
        }
    }
}
