//! Accounting (model.md §4.10), storage and shut-in bookkeeping (§4.9), and the end-of-month
//! dynamics with its slow adjustment (§4.11).

use super::brent::BrentOut;
use super::clearing::{logistic, BasinStatus};
use super::exogenous::Exo;
use super::fleet::Fleet;
use super::model::{PathModel, DT};
use super::stance::tariff_in_force;
use super::state::State;
use super::work::{MonthCtx, Work};
use crate::policy::levers::{LeverIds, LeverSet};

/// Everything a month produces, per path. Vectors follow market-file order (routes grouped
/// by basin).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    pub m: Vec<f64>,
    pub delta: Vec<f64>,
    pub freight: Vec<f64>,
    pub d: Vec<f64>,
    pub n: Vec<f64>,
    pub n_hat: Vec<f64>,
    pub sold: Vec<f64>,
    pub floor_bound: Vec<bool>,
    pub q: Vec<f64>,
    pub price: f64,
    pub anchor_price: f64,
    pub risk_premium: f64,
    pub outage: f64,
    pub inventories: f64,
    /// K^sp in force: the lever less the OPEC+ output change.
    pub opec_spare: f64,
    /// World demand change less OPEC+ output change (mb/d), added to E (§4.8).
    pub balance_shift: f64,
    pub x_avail: f64,
    pub release: f64,
    pub port_overflow: f64,
    pub withheld: f64,
    pub delta_s: f64,
    pub shutin_new: f64,
    pub storage_end: f64,
    pub shutin_end: f64,
    pub storage_start: f64,
    pub deliveries: f64,
    pub revenue_bn: f64,
    pub netback_avg: f64,
    pub customs_price: f64,
    pub savings_bn: Vec<f64>,
    pub bill_bn: Vec<f64>,
    pub tariff_cost_bn: Vec<f64>,
    pub tariff_duty_bn: Vec<f64>,
    pub halted: Vec<f64>,
    /// D38: each stance buyer's cut φ, the share of its intake that has stopped.
    pub stance_cut: Vec<f64>,
    pub fleet_shadow: f64,
    pub fleet_western: f64,
    pub upsilon: f64,
    pub tightness: f64,
    pub refused: bool,
    pub cap: f64,
    pub cap_binding: bool,
    pub sdn_share: f64,
    /// D35: designated share of each basin past its deadline and not yet re-papered.
    pub unpapered: Vec<f64>,
    /// Netback floor of each basin in force at the Brent root (§4.8, D32).
    pub floor: Vec<f64>,
    pub clamped: bool,
    /// Deal carrot a stance buyer forgoes this month by not halting, $bn (C·d/365; 0 while
    /// halted): part of its net gain (issue 14).
    pub carrot_forgone_bn: Vec<f64>,
    /// The part of the deal carrot the buyer earns this month by its cut, $bn (C·d/365 less
    /// the forgone part; D141).
    pub carrot_earned_bn: Vec<f64>,
    /// Revenue per day of the path's first month, $m/day, kept for the change against it
    /// (issue 14). The outcome is reused across a path's months, so it is set once and
    /// carried.
    pub revenue_first_daily: Option<f64>,
    /// Revenue this month minus the first month's daily revenue over this month's days,
    /// $bn (D67, D141: a per-day comparison, so a 28-day February is not a fall).
    pub revenue_change_bn: f64,
}

impl Outcome {
    pub fn new(m: &PathModel) -> Outcome {
        let (nr, nb, nj, np) = (m.route_cap.len(), m.n_basins, m.n_buyers, m.pipe_flow.len());
        Outcome {
            m: vec![0.0; nr],
            delta: vec![0.0; nr],
            freight: vec![0.0; nr],
            d: vec![0.0; nb],
            n: vec![0.0; nb],
            n_hat: vec![0.0; nb],
            sold: vec![0.0; nb],
            floor_bound: vec![false; nb],
            floor: vec![0.0; nb],
            unpapered: vec![0.0; nb],
            q: vec![0.0; np],
            savings_bn: vec![0.0; nj],
            bill_bn: vec![0.0; nj],
            tariff_cost_bn: vec![0.0; nj],
            tariff_duty_bn: vec![0.0; nj],
            halted: vec![0.0; nj],
            stance_cut: vec![0.0; nj],
            carrot_forgone_bn: vec![0.0; nj],
            carrot_earned_bn: vec![0.0; nj],
            ..Default::default()
        }
    }
}

/// Realised netback n̂ = (1 − υ)·n + υ·n^c with the capped-tranche netback
/// n^c = e·min(n, c) + (1 − e)·n − c_att (§4.7).
pub fn realised_netback(n: f64, upsilon: f64, e: f64, cap: f64, c_att: f64) -> f64 {
    let capped = e * n.min(cap) + (1.0 - e) * n - c_att;
    (1.0 - upsilon) * n + upsilon * capped
}

/// Storage, shut-ins and the §4.10 accounting, written into `w.out`.
#[allow(clippy::too_many_arguments)]
pub fn account(
    m: &PathModel,
    st: &mut State,
    lv: &LeverSet,
    ids: &LeverIds,
    ctx: MonthCtx,
    exo: &Exo,
    fl: &Fleet,
    br: &BrentOut,
    x_avail: f64,
    release: f64,
    x_tilde_total: f64,
    s: f64,
    w: &mut Work,
) {
    let p = &m.p;
    let price = br.price;
    let days = ctx.days;
    let o = &mut w.out;
    o.price = price;
    o.anchor_price = br.anchor.exp();
    o.risk_premium = st.pi;
    o.outage = exo.outage;
    o.x_avail = x_avail;
    o.release = release;
    o.q.copy_from_slice(&w.q);
    o.freight.copy_from_slice(&w.freight);
    o.clamped = br.clamped;
    o.sdn_share = s;
    o.cap = fl.cap;
    o.cap_binding = fl.cap_binding;
    o.refused = fl.refused;
    o.upsilon = fl.upsilon;
    o.tightness = fl.u;
    o.fleet_shadow = st.fleet;
    o.fleet_western = fl.western;
    let port_cap_total: f64 = w.x_basin.iter().sum();
    o.port_overflow = (x_tilde_total - port_cap_total).max(0.0);
    let e = fl.enforcement;
    for b in 0..m.n_basins {
        o.unpapered[b] = w.exposure.unpapered[b].iter().sum::<f64>().clamp(0.0, 1.0);
        o.n[b] = price - o.d[b];
        o.n_hat[b] = realised_netback(o.n[b], fl.upsilon, e, fl.cap, fl.attestation);
    }
    for r in 0..m.route_cap.len() {
        // D35: a route of a split basin buys at its own mix of the clean and designated
        // discounts (d_off is 0 otherwise).
        o.delta[r] = o.d[m.route_basin[r]] + w.d_off[r] + w.k[r];
    }
    let pipes: f64 = o.q.iter().sum();
    let sold: f64 = o.sold.iter().sum();
    o.deliveries = pipes + sold;
    // §4.9 storage and shut-ins.
    let u = (x_avail + release - o.deliveries).max(0.0);
    o.withheld = u;
    o.storage_start = st.storage;
    let ds = (u * days).min((p.storage_cap - st.storage).max(0.0));
    o.delta_s = ds;
    st.storage = (st.storage + ds - release * days).max(0.0);
    o.shutin_new = (u - ds / days).max(0.0);
    let restart = o.n[m.primary] >= m.prod_floor + 2.0;
    st.shutin = st.shutin * (1.0 - if restart { p.restart_rate } else { 0.0 }) + o.shutin_new;
    o.storage_end = st.storage;
    o.shutin_end = st.shutin;
    // §4.10 money, $bn for the month.
    let k = days / 1000.0;
    let mut rev_usd = 0.0;
    for b in 0..m.n_basins {
        rev_usd += o.sold[b] * o.n_hat[b];
    }
    for pl in 0..o.q.len() {
        rev_usd += o.q[pl] * (o.n[m.pipe_priced_off[pl]] + m.pipe_padj[pl]);
    }
    o.revenue_bn = k * rev_usd;
    let first = *o.revenue_first_daily.get_or_insert(rev_usd);
    o.revenue_change_bn = k * (rev_usd - first);
    o.netback_avg = if o.deliveries > 1e-12 {
        rev_usd / o.deliveries
    } else {
        0.0
    };
    let (mut margin, mut msum) = (0.0, 0.0);
    for r in 0..m.route_cap.len() {
        let b = m.route_basin[r];
        margin += o.m[r] * (w.w[b] + (o.freight[r] - m.route_freight0[r]).max(0.0));
        msum += o.m[r];
    }
    o.customs_price = o.netback_avg
        + if msum > 1e-12 {
            p.omega_cap * margin / msum
        } else {
            0.0
        };
    for j in 0..m.n_buyers {
        let a = w.alt[j];
        let (mut sav, mut bill, mut vol) = (0.0, 0.0, 0.0);
        for r in 0..m.route_cap.len() {
            if m.route_buyer[r] == j {
                sav += o.m[r] * o.delta[r];
                bill += o.m[r] * (price + a - o.delta[r]);
                vol += o.m[r];
            }
        }
        for pl in 0..o.q.len() {
            if m.pipe_buyer[pl] == j {
                let nb = o.n[m.pipe_priced_off[pl]] + m.pipe_padj[pl];
                sav += o.q[pl] * (price + a - nb);
                bill += o.q[pl] * nb;
                vol += o.q[pl];
            }
        }
        o.savings_bn[j] = k * sav;
        o.bill_bn[j] = match m.buyer_imports[j] {
            Some((imp, g, base)) => {
                let imp_t = imp * (1.0 + g).powf((ctx.month - base) as f64 / 12.0);
                k * (bill + (imp_t - vol) * (price + a))
            }
            None => f64::NAN,
        };
        let stance = st.stance[j];
        o.halted[j] = if stance.halted { 1.0 } else { 0.0 };
        o.stance_cut[j] = stance.cut;
        // The duty is on the buyer's exports, whatever share of its intake stopped; a halt
        // suspends it (the tariff machine), a partial cut does not (D38).
        let t = tariff_in_force(st, lv, ids, j);
        let x_exp = lv.get(ids.tariff_exposed_exports_bn[j]);
        // Errata 20: the duty and the welfare loss, both with d_t/365.
        o.tariff_duty_bn[j] = t * x_exp * days / 365.0;
        o.tariff_cost_bn[j] = m.stance(j).map_or(0.0, |sd| sd.welfare_loss) * o.tariff_duty_bn[j];
        // D38: a deal pays in proportion to the cut it asks for (θ^halt is a full halt).
        let unearned = m.stance(j).map_or(1.0, |sd| {
            if sd.halt_depth > 0.0 {
                (1.0 - stance.cut / sd.halt_depth).clamp(0.0, 1.0)
            } else {
                1.0
            }
        });
        let carrot = lv.get(ids.carrot_value_bn[j]) * days / 365.0;
        o.carrot_forgone_bn[j] = unearned * carrot;
        o.carrot_earned_bn[j] = (1.0 - unearned) * carrot;
    }
    st.s_prev.copy_from_slice(&w.s_chan);
}

/// Step 11: slow adjustment, inventories, fleet, adaptation, EMAs and lags.
pub fn dynamics(
    m: &PathModel,
    st: &mut State,
    ctx: MonthCtx,
    _exo: &Exo,
    fl: &Fleet,
    br: &BrentOut,
    w: &mut Work,
) {
    let p = &m.p;
    let o = &mut w.out;
    let g = br.x - br.anchor;
    st.alpha_d += p.nu_d * DT * ((p.eps_d_lr - p.eps_d) * g - st.alpha_d);
    st.alpha_s += p.nu_s * DT * ((p.eps_s_lr - p.eps_s) * g - st.alpha_s);
    st.inv = st.inv - br.draw * ctx.days / 1000.0 + p.inv_reversion * (p.inv_target - st.inv);
    o.inventories = st.inv;
    // Fleet: rebuild toward its target (first-pass demand for tankers, N17) and re-entry.
    st.fleet += p.fleet_rebuild * (fleet_target(m, fl) - st.fleet)
        + p.reentry_eu * st.fdes_eu
        + p.reentry_us * st.fdes_us;
    st.fleet = st.fleet.max(0.0);
    st.fdes_eu *= 1.0 - p.reentry_eu;
    st.fdes_us *= 1.0 - p.reentry_us;
    let launder = 1.0 - (-1.0 / p.h_laundering.max(1e-6)).exp2();
    st.laundering
        .iter_mut()
        .for_each(|l| *l += (1.0 - *l) * launder);
    let margin = (-1.0 / p.h_margin.max(1e-6)).exp2();
    st.psi.iter_mut().for_each(|x| *x *= margin);
    let decay = (-1.0 / p.t_adapt.max(1e-6)).exp2();
    st.adapt.iter_mut().for_each(|a| *a *= decay);
    for r in 0..m.route_cap.len() {
        let mu = st.slate[r];
        let up = p.alpha_m * (m.route_slate_max[r] - mu) * logistic((o.delta[r] - p.delta_m) / 2.0);
        st.slate[r] = crate::market::clearing::clamp_nan_safe(
            mu + up - p.alpha_m_minus * (mu - 1.0),
            1.0,
            m.route_slate_max[r],
        );
    }
    let prim = m.primary;
    // Errata 15: an empty basin keeps its last finite D and stays out of the EMAs.
    if w.status[prim] != BasinStatus::Empty {
        st.push_ubar(o.n[prim]);
    }
    st.pbar += 0.3 * (br.price - st.pbar);
    st.x_prev = br.x;
    st.west_stay = Some(fl.west_stay);
    // D34: freight reprices at once when tankers get scarcer, and eases only as charters roll
    // off; the slow way down is what stops the fleet-cap cobweb of errata 7.
    st.u_prev = if fl.u >= st.u_prev {
        fl.u
    } else {
        st.u_prev + p.freight_speed.clamp(0.0, 1.0) * (fl.u - st.u_prev)
    };
    st.m_prev.copy_from_slice(&o.m);
    st.delta_prev.copy_from_slice(&o.delta);
    st.alt_prev.copy_from_slice(&w.alt);
    for b in 0..m.n_basins {
        if w.status[b] != BasinStatus::Empty && o.d[b].abs() < 1e5 {
            st.d_prev[b] = o.d[b];
        }
    }
    st.n_prev.copy_from_slice(&o.n);
    st.q_prev.copy_from_slice(&o.q);
    st.p_prev = br.price;
}

/// The shadow fleet's target (D248): its 2024 share of the requirement, κ_F·Φ, or the part
/// of the requirement that the Western tankers available this month leave uncovered at the
/// target utilisation u*, Φ/u* − F^c, whichever is larger. At the 2024 calibration the two
/// are equal (model.md §4.12: F^c_2024 = Φ_2024/u* − F0); when Western tankers withdraw (a
/// services ban, enforcement, `fleet.western_capacity`) the shadow fleet grows into the gap,
/// as it did in 2022–23, instead of shrinking with the exports the withdrawal cuts.
pub fn fleet_target(m: &PathModel, fl: &Fleet) -> f64 {
    (m.kappa_f * fl.phi).max(fl.phi / m.u_star() - fl.western)
}
