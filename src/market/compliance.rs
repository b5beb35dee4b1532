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

use super::deadline::{past_share, repaper_start, route_exposure, wave_voyage};
use super::model::PathModel;
pub use super::split_clearing::{clear_split, split_flows, split_sales, SplitRoot, Tranche};
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
    /// D162: what the wave added to the `sdn.share` lever (less than `share` for a seller
    /// group's later wave, D45).
    pub lever_share: f64,
}

/// A fully re-papered authority wave, kept only for what it added to the `sdn.share` lever
/// (D147, D162).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetiredWave {
    pub basins: u64,
    pub share: f64,
}

/// Whether a basin bit mask (0: every basin) covers basin `b`: waves, retired waves, tanker
/// batches and the step's wave actions all read their masks with it.
#[inline]
pub fn mask_hits(basins: u64, b: usize) -> bool {
    basins == 0 || (basins >> b.min(63)) & 1 == 1
}

impl WaveState {
    pub fn hits(&self, b: usize) -> bool {
        mask_hits(self.basins, b)
    }

    /// The authority's deadline in months from the start of the announcement month: the
    /// wind-down counts from the announcement day (D42).
    pub fn deadline(&self) -> f64 {
        self.wind_down as f64 + self.day_offset.clamp(0.0, 1.0)
    }

    /// Share the `sdn.share` lever has ramped in by now for this wave, as the lever's month
    /// value counts it (the wave's ramp, scenarios.md §2.3): in the announcement month only
    /// the days from the announcement on (D147; it used to count the whole month, so a wave
    /// announced on the 22nd claimed more than the lever held and hid the rest of the
    /// designated share), and of a seller group's wave only what it added (D162).
    fn ramped(&self) -> f64 {
        let wd = self.wind_down.max(1) as f64;
        if self.age == 0 {
            self.lever_share / wd * (1.0 - self.day_offset.clamp(0.0, 1.0))
        } else {
            self.lever_share * ((self.age + 1) as f64 / wd).min(1.0)
        }
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
            lever_share,
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
                    lever_share: lever_share.max(0.0),
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
            if st.waves.is_empty() && st.retired.is_empty() {
                continue;
            }
            let ws = &st.waves;
            // D162: each wave counts what it added to the lever, so the sum is the lever's own.
            let ramped: f64 = ws
                .iter()
                .filter(|w| w.hits(b))
                .map(WaveState::ramped)
                .sum::<f64>()
                + retired_share(st, b);
            // D186: a wave that found the lever at 1 added nothing to it (ramped 0) but still
            // bites through the buyers' compliance: nothing to scale it down unless delisted.
            let scale = if ramped > 0.0 {
                (s_b / ramped).min(1.0)
            } else if s_b > 0.0 {
                1.0
            } else {
                continue;
            };
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
    // A fully re-papered wave has no more effect on the buyers; dropping it keeps the loop
    // short. Its share stays the authority's (D147): it is still in the `sdn.share` lever,
    // and counting it in the laundering channel's share would designate it a second time.
    // D160: and not before the longest buyer's pause from its deadline is over (C7): the
    // pause is a decision in calendar time, which a quickly re-papered wave used to cut short.
    let pause = m.buyer_pause.iter().fold(0.0_f64, |a, &p| a.max(p));
    let done =
        |w: &WaveState| (w.age as f64) >= w.deadline() + pause && w.repapered >= w.share - 1e-12;
    for w in st.waves.iter().filter(|w| done(w)) {
        retire(&mut st.retired, w);
    }
    st.waves.retain(|w| !done(w));
}

/// A retired wave keeps what it added to the lever (D147, D162).
fn retire(retired: &mut Vec<RetiredWave>, w: &WaveState) {
    if w.lever_share > 0.0 {
        retired.push(RetiredWave {
            basins: w.basins,
            share: w.lever_share,
        });
    }
}

/// The share of basin `b`'s `sdn.share` lever that re-papered, retired authority waves
/// account for.
fn retired_share(st: &State, b: usize) -> f64 {
    st.retired
        .iter()
        .filter(|r| mask_hits(r.basins, b))
        .map(|r| r.share)
        .sum()
}

/// D163: a basin delisted to a designated share of 0 ends the authority waves on it: the
/// waves (and retired waves) that hit no basin with a share left are forgotten, so a later
/// wave is neither scaled down by them nor paused by their deadline.
pub fn forget_delisted(st: &mut State, s: &[f64]) {
    if s.iter().all(|&x| x > 0.0) || (st.waves.is_empty() && st.retired.is_empty()) {
        return;
    }
    let live = |basins: u64| {
        s.iter()
            .enumerate()
            .any(|(b, &x)| x > 0.0 && mask_hits(basins, b))
    };
    st.waves.retain(|w| live(w.basins));
    st.retired.retain(|r| live(r.basins));
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
