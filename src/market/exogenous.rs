//! Exogenous processes (model.md §4.2): the Schwartz–Smith anchor with Markov-switching
//! volatility (§4.2.1; Schwartz & Smith 2000, Management Science 46:893), the event risk premium
//! (§4.2.2), compound-Poisson outages elsewhere (§4.2.3; EMF-2005 via ORNL's OIP model), freight
//! and buyer-capacity noise (§4.2.4, §4.2.6) and Russian availability (§4.2.5).

use super::model::{PathModel, DT, N_BUYER0, N_CHI, N_FREIGHT, N_NU, N_XI};
use super::state::{Shocks, State, OUTAGE_CLASSES, OUTAGE_SIZES};

/// What the rest of the month needs from the exogenous block.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Exo {
    /// Log anchor a_t = χ + ξ + π.
    pub anchor: f64,
    /// Net (after-SPR) outage J_t, mb/d.
    pub outage: f64,
    /// Net Gulf part of J_t (errata N16), mb/d.
    pub gulf_outage: f64,
}

const SPR_MONTHS: u32 = 4;

/// Bound of the event risk premium π, in log points (D131): π stays in `[-1, 1]`, a factor of
/// e ≈ 2.7 on the anchor either way. Jumps are a few hundredths (model.md §7.1: +0.04 for an
/// escalation, −0.03 for a deal; the invasion day's +0.08 is the upper reference), and the
/// largest event moves of Brent on record are within it (Kuwait 1990: $17 in July to $41 in
/// October, +0.88; spring 2020: −0.87 from January to April, monthly means). Without it a legal
/// `risk_premium.jump = 50`, or a tree node re-applying a jump every month, gave an anchor of
/// e^54 $/bbl (the jump's own range, ±50, keeps a single value finite, not the sum).
pub const RISK_PREMIUM_MAX: f64 = 1.0;

pub fn exogenous_step(m: &PathModel, st: &mut State, sh: &Shocks, jump: f64) -> Exo {
    let p = &m.p;
    // Regime first; the new regime's σ drives χ this month (errata N16).
    if st.regime == 0 && sh.u_regime < p.p_calm_to_turb {
        st.regime = 1;
    } else if st.regime == 1 && sh.u_regime < p.p_turb_to_calm {
        st.regime = 0;
    }
    let sigma_chi = if st.regime == 0 {
        p.sigma_chi_calm
    } else {
        p.sigma_chi_turb
    };
    st.chi = m.ou_decay * st.chi + sigma_chi * m.ou_sd * sh.normals[N_CHI];
    let lr = p.p_long_run.max(1e-6).ln();
    let xi_kick = p.sigma_xi * DT.sqrt() * sh.normals[N_XI];
    st.xi += (p.mu_xi - p.kappa_xi * (st.xi - lr)) * DT + xi_kick;
    // ξ is linear in its shocks, so their part follows the same decay without the drift.
    st.xi_shock += -p.kappa_xi * st.xi_shock * DT + xi_kick;
    st.pi = (st.pi * (-1.0 / p.tau_pi.max(1e-6)).exp() + jump)
        .clamp(-RISK_PREMIUM_MAX, RISK_PREMIUM_MAX);
    // Outages: existing ones may end (geometric duration), then arrivals merge into the slot.
    let rates = [
        p.outage_rate_small,
        p.outage_rate_medium,
        p.outage_rate_large,
    ];
    let (mut net, mut gulf) = (0.0, 0.0);
    for c in 0..OUTAGE_CLASSES {
        let u = sh.u_outage[c];
        let o = &mut st.outages[c];
        if o.active && u[3] < 1.0 / p.outage_mean_months.max(1.0) {
            *o = Default::default();
        }
        if u[0] < rates[c] {
            let size = p.outage_scale * OUTAGE_SIZES[c] * (0.75 + 0.5 * u[1]);
            o.size = if o.active { o.size + size } else { size };
            o.gulf = if o.active {
                o.gulf
            } else {
                u[2] < p.gulf_share
            };
            o.active = true;
            o.spr_months_left = SPR_MONTHS;
        }
        if o.active {
            let j = o.size
                * if o.spr_months_left > 0 {
                    1.0 - p.spr_offset
                } else {
                    1.0
                };
            o.spr_months_left = o.spr_months_left.saturating_sub(1);
            net += j;
            if o.gulf {
                gulf += j;
            }
        }
    }
    st.zf = p.phi_f * st.zf + p.sigma_f * sh.normals[N_FREIGHT];
    st.nu = p.phi_nu * st.nu + p.sigma_nu * sh.normals[N_NU];
    for j in 0..m.n_buyers {
        st.eta[j] = p.buyer_noise_phi * st.eta[j]
            + p.buyer_noise_sd * sh.normals[N_BUYER0 + m.buyer_rank[j]];
    }
    Exo {
        anchor: st.chi + st.xi + st.pi,
        outage: net,
        gulf_outage: gulf,
    }
}
