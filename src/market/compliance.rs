//! Designations that bite through buyers' compliance (decision D35, model.md §4.4.1).
//!
//! An `sdn.wave` with an `authority` is remembered as its own [`WaveState`]: a later wave
//! never resets an earlier one. Between the announcement and the end of the wind-down the
//! compliant refiners front-load; from the deadline they refuse the designated sellers'
//! barrels that have not yet been re-papered. Re-papering (non-designated sellers, new
//! intermediaries, replacement tankers) is a *capacity* that grows by `repaper_growth` each
//! month from the deadline, so a 0.2 wave resettles in 2–3 months and a 0.5 wave in about
//! 1.6 times that, instead of a half-life that erases any wave at the same speed.
//!
//! The refusal is a quantity constraint, not a wedge: a basin's barrels split into a clean
//! tranche that every refiner buys and a designated tranche that only the non-compliant part
//! of each route buys. The basin clears in one of two regimes (see [`clear_split`]): *pooled*,
//! when the non-compliant refiners want at least the designated volume at the common discount
//! (nothing changes but who holds which barrel), or *separated*, when the designated barrels
//! need a wider discount D^d to move and the compliant refiners can buy only the clean
//! barrels at D^c ≤ D^d. Each regime is one or two monotone roots of the safeguarded solver.

use super::clearing::{logistic, solve_basin_into, BasinStatus, D_INF};
use super::deadline::{past_share, repaper_start, route_exposure, wave_voyage};
use super::model::PathModel;
use super::state::State;
use super::tanker_ban::{advance_bans, banned, combine, push_bans};
use super::term_ties::{ration_ties, route_ties, TieExposure};
use crate::policy::events::{Fired, SellerNames};
use crate::policy::levers::{LeverIds, LeverSet, COMPLIANCE_FROM_MARKET};

/// One remembered authority wave (D35).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WaveState {
    /// Basin bit mask; 0 means every basin.
    pub basins: u64,
    /// `WaveAuthority` index: 0 US, 1 EU, 2 UK.
    pub authority: usize,
    pub share: f64,
    /// Whole months since the announcement (0 in the month it fires).
    pub age: u32,
    pub wind_down: u32,
    /// D42: share of the announcement month before the announcement day.
    pub day_offset: f64,
    /// D45: the seller group (0: the wave's own sellers). Waves of one group designate the
    /// same companies: they count once in the designated share and, on a route, bite through
    /// whichever of them bites hardest there.
    pub group: u64,
    /// D46: the companies its `sellers` name lists (hashed), for the buyers' term ties.
    pub names: SellerNames,
    /// Share of exports already re-papered.
    pub repapered: f64,
}

impl WaveState {
    pub fn hits(&self, b: usize) -> bool {
        self.basins == 0 || (self.basins >> b.min(63)) & 1 == 1
    }

    /// The authority's deadline in months from the start of the announcement month: the
    /// wind-down counts from the announcement day (D42).
    pub fn deadline(&self) -> f64 {
        self.wind_down as f64 + self.day_offset.clamp(0.0, 1.0)
    }

    /// Share the `sdn.share` lever has ramped in by now (the wave's ramp, scenarios.md §2.3).
    fn ramped(&self) -> f64 {
        self.share * ((self.age + 1) as f64 / self.wind_down.max(1) as f64).min(1.0)
    }
}

/// D45: whether wave `i` is the one its seller group counts on basin `b`: the wave of the
/// group with the highest `score` there (the first on ties). A wave without a group counts.
pub fn group_counts(
    waves: &[WaveState],
    i: usize,
    b: usize,
    score: impl Fn(&WaveState) -> f64,
) -> bool {
    let w = &waves[i];
    if w.group == 0 {
        return true;
    }
    let s = score(w);
    !waves.iter().enumerate().any(|(k, v)| {
        k != i && v.group == w.group && v.hits(b) && {
            let t = score(v);
            t > s || (t == s && k < i)
        }
    })
}

/// Remembers the authority waves (and, D40, the tanker batches) that fire this month.
pub fn push_waves(st: &mut State, fired: &[Fired]) {
    push_bans(st, fired);
    for f in fired {
        if let Fired::Wave {
            add_share,
            basins,
            authority: Some(a),
            wind_down_months,
            day_offset,
            group,
            names,
        } = *f
        {
            if add_share > 0.0 {
                st.waves.push(WaveState {
                    basins,
                    authority: a as usize,
                    share: add_share,
                    age: 0,
                    wind_down: wind_down_months.max(1),
                    day_offset,
                    group,
                    names,
                    repapered: 0.0,
                });
            }
        }
    }
}

/// This month's exposure of each basin to authority waves, from the state and the lever
/// shares `s` (a lever below the waves' sum, e.g. a delisting, scales them down).
#[derive(Debug, Clone, Default)]
pub struct Exposure {
    /// Per basin and authority: designated share past the authority's deadline and not
    /// re-papered (the reported `<basin>_designated_unpapered_share`; routes use their own
    /// deadlines, D41).
    pub unpapered: Vec<[f64; 3]>,
    /// Per basin: the part of the lever share that authority waves account for.
    pub authority_share: Vec<f64>,
    /// D40, per basin and authority: cargo share still on designated tankers.
    pub banned: Vec<[f64; 3]>,
    /// Per basin: how far the lever share scales the waves down (1 unless delisted).
    pub scale: Vec<f64>,
}

impl Exposure {
    pub fn new(nb: usize) -> Exposure {
        Exposure {
            unpapered: vec![[0.0; 3]; nb],
            authority_share: vec![0.0; nb],
            banned: vec![[0.0; 3]; nb],
            scale: vec![0.0; nb],
        }
    }

    pub fn compute(&mut self, st: &State, s: &[f64]) {
        for (b, &s_b) in s.iter().enumerate() {
            self.unpapered[b] = [0.0; 3];
            self.authority_share[b] = 0.0;
            self.scale[b] = 0.0;
            self.banned[b] = banned(st, b);
            if st.waves.is_empty() {
                continue;
            }
            let ws = &st.waves;
            let ramped: f64 = (0..ws.len())
                .filter(|&i| ws[i].hits(b) && group_counts(ws, i, b, WaveState::ramped))
                .map(|i| ws[i].ramped())
                .sum();
            if ramped <= 0.0 {
                continue;
            }
            let scale = (s_b / ramped).min(1.0);
            self.scale[b] = scale;
            self.authority_share[b] = ramped * scale;
            // The month's share past the authority's own deadline (D42: it can fall mid-month).
            let left =
                |w: &WaveState| (w.share - w.repapered).max(0.0) * past_share(w.age, w.deadline());
            for i in (0..ws.len()).filter(|&i| ws[i].hits(b) && group_counts(ws, i, b, left)) {
                let w = &ws[i];
                self.unpapered[b][w.authority] +=
                    scale * (w.share - w.repapered).max(0.0) * past_share(w.age, w.deadline());
            }
        }
    }
}

/// End of month: waves age and re-paper; the capacity to re-paper grows by `g` a month.
/// Tanker batches age and are replaced (D40).
pub fn advance_waves(m: &PathModel, st: &mut State) {
    advance_bans(m, st);
    let g = m.p.repaper_growth.max(0.0);
    for w in st.waves.iter_mut() {
        // Re-papering starts when the compliant refiners' first refusal does, on the wave's
        // longest route (D41): its capacity is g in that month, 2g the next, ...
        let start = repaper_start(w.deadline(), wave_voyage(m, w));
        if w.age >= start {
            let n = (w.age - start + 1) as f64;
            w.repapered = (w.repapered + g * n).min(w.share);
        }
        w.age += 1;
    }
    // A fully re-papered wave has no more effect; dropping it keeps the loop short.
    st.waves
        .retain(|w| (w.age as f64) < w.deadline() || w.repapered < w.share - 1e-12);
}

/// The buyer's compliance share c_j in force: the lever, or the path's market-file draw.
pub fn compliance(m: &PathModel, lv: &LeverSet, ids: &LeverIds, j: usize) -> f64 {
    let v = lv.get(ids.compliance_share[j]);
    if v <= COMPLIANCE_FROM_MARKET + 1e-12 {
        m.buyer_compliance[j]
    } else {
        v.clamp(0.0, 1.0)
    }
}

/// Per route: the share of its capacity that is rationed (refuses the unpapered designated
/// tranche, or belongs to a pledging buyer), the share of its pooled intake that part keeps,
/// the front-loading multiplier of its capacity before its deadline, and the share of its
/// capacity paused outright (D41).
#[allow(clippy::too_many_arguments)]
pub fn route_split(
    m: &PathModel,
    st: &State,
    lv: &LeverSet,
    ids: &LeverIds,
    ex: &Exposure,
    refuse: &mut [f64],
    keep: &mut [f64],
    boost: &mut [f64],
    pause: &mut [f64],
) {
    for r in 0..m.route_cap.len() {
        let (b, j) = (m.route_basin[r], m.route_buyer[r]);
        let reach = &m.buyer_reach[j];
        // D41: each route reaches the authority's deadline a voyage early.
        let rx = route_exposure(m, st, ex.scale[b], r);
        let (un, pe) = (&rx.unpapered, &rx.pending);
        let total: f64 = un.iter().sum();
        let c = if total > 0.0 || pe.iter().any(|x| *x > 0.0) || rx.paused.iter().any(|x| *x > 0.0)
        {
            compliance(m, lv, ids, j)
        } else {
            0.0
        };
        // The designated tranche mixes authorities; a refiner refuses the part its
        // authorities reach.
        let rho = if total > 0.0 {
            c * (0..3).map(|a| reach[a] * un[a]).sum::<f64>() / total
        } else {
            0.0
        };
        // D40: the port-ban share refuses the cargoes still on designated tankers, mixed over
        // the authorities that listed them.
        let tb = &ex.banned[b];
        let t: f64 = tb.iter().sum();
        let pi = if t > 0.0 {
            m.buyer_tanker_ban[j] * (0..3).map(|a| reach[a] * tb[a]).sum::<f64>() / t
        } else {
            0.0
        };
        let (rationed, kept) = combine(rho, total, pi, t);
        // D46: refiners tied by term contracts to sellers a live wave names.
        let tie = if m.buyer_ties[j].is_empty() {
            TieExposure::default()
        } else {
            route_ties(m, st, ex.scale[b], compliance(m, lv, ids, j), r)
        };
        let (rationed, kept) = if tie.refused > 0.0 {
            ration_ties(rationed, kept, compliance(m, lv, ids, j), &tie)
        } else {
            (rationed, kept)
        };
        // D36: a pledging buyer's whole intake is rationed to (1 − cut) of what it would take,
        // so its non-compliant refiners cannot absorb designated barrels beyond the pledge.
        let pledge = lv.get(ids.pledge_cut[j]).clamp(0.0, 1.0);
        if pledge > 0.0 {
            refuse[r] = 1.0;
            keep[r] = (1.0 - pledge) * (rationed * kept + 1.0 - rationed);
        } else {
            refuse[r] = rationed;
            keep[r] = kept;
        }
        let pending: f64 = (0..3).map(|a| reach[a] * pe[a]).sum();
        boost[r] = 1.0 + m.p.frontload.max(0.0) * (c * pending + tie.pending);
        // D41: the compliant refiners' pause, by the authorities that reach them.
        pause[r] = c * (0..3).map(|a| reach[a] * rx.paused[a]).fold(0.0, f64::max);
    }
}

/// Outcome of a split clearing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitRoot {
    pub status: BasinStatus,
    /// Volume-weighted discount of the basin (reported D_b).
    pub d: f64,
    /// Discount of the compliant refiners' clean barrels (the pooled root) and of the barrels
    /// the others absorb.
    pub d_clean: f64,
    pub d_designated: f64,
    pub iters: u32,
    pub bisections: u32,
    pub converged: bool,
}

/// Route flows when the rationed refiners buy at discount `dc` and the others at `dd`: the
/// rationed part of route i is `keep_i·refuse_i·M_i·Λ_i(dc)` (compliant refiners keep only the
/// share of their supply that is not designated or already re-papered, `1 − U_b`; a pledging
/// buyer keeps `1 − cut` of its whole intake), the rest `(1 − refuse_i)·M_i·Λ_i(dd)`, capped so
/// that the basin never sells more than `x`. Writes flows and each route's discount minus
/// `d_rep`; returns the volume sold.
#[allow(clippy::too_many_arguments)]
pub fn split_flows(
    cap: &[f64],
    h: &[f64],
    sigma: &[f64],
    k: &[f64],
    refuse: &[f64],
    keep: &[f64],
    x: f64,
    dc: f64,
    dd: f64,
    d_rep: f64,
    flows: &mut [f64],
    d_off: &mut [f64],
) -> f64 {
    let (mut c_sum, mut n_sum) = (0.0, 0.0);
    for i in 0..cap.len() {
        c_sum += keep[i] * cap[i] * refuse[i] * lam(h[i], sigma[i], k[i], dc);
        n_sum += cap[i] * (1.0 - refuse[i]) * lam(h[i], sigma[i], k[i], dd);
    }
    let fc = if c_sum > x && c_sum > 0.0 {
        x / c_sum
    } else {
        1.0
    };
    let room = (x - c_sum * fc).max(0.0);
    let fn_ = if n_sum > room && n_sum > 0.0 {
        room / n_sum
    } else {
        1.0
    };
    let mut total = 0.0;
    for i in 0..cap.len() {
        let mc = fc * keep[i] * cap[i] * refuse[i] * lam(h[i], sigma[i], k[i], dc);
        let mn = fn_ * cap[i] * (1.0 - refuse[i]) * lam(h[i], sigma[i], k[i], dd);
        flows[i] = mc + mn;
        total += flows[i];
        d_off[i] = if flows[i] > 1e-15 {
            (mc * dc + mn * dd) / flows[i] - d_rep
        } else {
            0.0
        };
    }
    total
}

/// Volume sold and its derivative in d when both groups buy at discount `d` (the floor pins
/// it): the sums of [`split_flows`] without writing flows, for the Brent step's V(x).
#[allow(clippy::too_many_arguments)]
pub fn split_sales(
    cap: &[f64],
    h: &[f64],
    sigma: &[f64],
    k: &[f64],
    refuse: &[f64],
    keep: &[f64],
    x: f64,
    d: f64,
    d_clean: f64,
) -> (f64, f64) {
    let (mut c, mut dc, mut n, mut dn) = (0.0, 0.0, 0.0, 0.0);
    // The compliant refiners never buy more than at the basin's pooled root `d_clean`: a
    // pinned discount above it does not bring them more clean barrels (D37), so no route's
    // flow exceeds its cleared flow and the fleet bound of the clearing still holds.
    let capped = d > d_clean;
    for i in 0..cap.len() {
        let l = lam(h[i], sigma[i], k[i], d);
        let slope = l * (1.0 - l) / sigma[i];
        let lc = if capped {
            lam(h[i], sigma[i], k[i], d_clean)
        } else {
            l
        };
        c += keep[i] * cap[i] * refuse[i] * lc;
        if !capped {
            dc += keep[i] * cap[i] * refuse[i] * slope;
        }
        n += cap[i] * (1.0 - refuse[i]) * l;
        dn += cap[i] * (1.0 - refuse[i]) * slope;
    }
    if c >= x {
        return (x, 0.0);
    }
    if c + n >= x {
        return (x, 0.0);
    }
    (c + n, dc + dn)
}

#[inline]
fn lam(h: f64, sigma: f64, k: f64, d: f64) -> f64 {
    logistic((d + k - h) / sigma)
}

/// Clears one basin whose deliverable volume `x` holds an unpapered designated share that the
/// `refuse` share of each route will not take, so that part keeps only `keep` of its intake
/// (D35, D36; model.md §4.4.1, eq. C4):
///
/// 1. the pooled root D^c of Σ_r M_r Λ_r(D) = x: what every refiner would buy without the
///    designation;
/// 2. the rationed part of each route keeps `keep` (= 1 − U_b) of that intake: the barrels it loses
///    can come back only through re-papering (which lowers `u` month by month), not through
///    a wider discount, because the clean sellers' barrels are already committed;
/// 3. the other refiners absorb the rest, x − Σ compliant, at the wider root D^d of
///    Σ_r (1 − refuse_r) M_r Λ_r(D) = x − Σ compliant (D^d ≥ D^c).
///
/// Writes route flows and per-route discount offsets (route discount − reported D_b). Never
/// accepts an unconverged sub-root silently: `converged` is false if any solve failed. When
/// the non-compliant capacity cannot absorb the rest, the basin is reported saturated and the
/// Brent step's floor decides (with the same split, [`split_sales`]).
#[allow(clippy::too_many_arguments)]
pub fn clear_split(
    cap: &[f64],
    h: &[f64],
    sigma: &[f64],
    k: &[f64],
    refuse: &[f64],
    keep: &[f64],
    x: f64,
    warm: f64,
    flows: &mut [f64],
    d_off: &mut [f64],
    scratch: &mut Vec<f64>,
) -> SplitRoot {
    d_off.iter_mut().for_each(|d| *d = 0.0);
    let n = cap.len();
    let (pooled, have) = solve_basin_into(cap, h, sigma, k, x, warm, flows);
    let mut out = SplitRoot {
        status: pooled.status,
        d: pooled.d,
        d_clean: pooled.d,
        d_designated: pooled.d,
        iters: pooled.iters,
        bisections: pooled.bisections,
        converged: pooled.converged,
    };
    if pooled.status != BasinStatus::Cleared {
        // Saturated or empty: the floor decides in the Brent step (split there as well).
        return out;
    }
    if !have {
        for i in 0..n {
            flows[i] = cap[i] * lam(h[i], sigma[i], k[i], pooled.d);
        }
    }
    let compliant: f64 = (0..n).map(|i| keep[i] * refuse[i] * flows[i]).sum();
    scratch.clear();
    scratch.resize(2 * n, 0.0);
    let (cap_n, tmp) = scratch.split_at_mut(n);
    for i in 0..n {
        cap_n[i] = cap[i] * (1.0 - refuse[i]);
    }
    // Nothing left for the others (to rounding): no second root to find.
    let rest = x - compliant;
    if rest <= 1e-9 * (1.0 + x) {
        let d_rep = pooled.d;
        split_flows(
            cap, h, sigma, k, refuse, keep, x, pooled.d, pooled.d, d_rep, flows, d_off,
        );
        return out;
    }
    let (rd, _) = solve_basin_into(cap_n, h, sigma, k, rest, pooled.d, tmp);
    out.iters += rd.iters;
    out.bisections += rd.bisections;
    out.converged &= rd.converged;
    let dd = match rd.status {
        BasinStatus::Cleared => rd.d.max(pooled.d),
        BasinStatus::Empty => pooled.d,
        BasinStatus::Saturated => {
            out.status = BasinStatus::Saturated;
            out.d = D_INF;
            out.d_designated = D_INF;
            return out;
        }
    };
    let d_rep = (compliant * pooled.d + (x - compliant) * dd) / x;
    split_flows(
        cap, h, sigma, k, refuse, keep, x, pooled.d, dd, d_rep, flows, d_off,
    );
    out.d = d_rep;
    out.d_designated = dd;
    out
}
