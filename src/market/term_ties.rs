//! Term ties: refiners bound to named sellers by term contracts (decision D46, model.md §4.4.1,
//! eq. C8).
//!
//! The compliant share `c_j` of D35 is the refiners that screen every spot cargo: they refuse
//! the designated sellers' barrels in proportion to what those sellers ship (`U_b`). A refiner
//! outside it can still be bound to one seller by a term contract: Reliance's ten-year deal
//! with Rosneft, up to 0.5 mb/d from 2025-01 (`reliance_rosneft_term_deal_volume`, buyers.csv),
//! about half of Rosneft's seaborne exports. Such a contract cannot be re-papered cargo by
//! cargo: once an authority that reaches the holder designates that seller, the holder loses
//! the whole tied volume at the deadline, not the seller's share of a spot basket, and gets it
//! back only as the designated sellers re-paper (the wave's `R_w / s_w`). A wave whose
//! `sellers` name does not list the tied company (the 2025-01-10 designation of Gazprom Neft
//! and Surgutneftegas, for Reliance) leaves the tie alone, and an unnamed wave never meets
//! one: the buyers answer it through `c_j` as before.

use super::compliance::WaveState;
use super::deadline::{past_share, wave_route_deadline};
use super::model::PathModel;
use super::state::State;

/// One route's term-tied refiners this month (shares of the route's capacity).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct TieExposure {
    /// Tied share whose seller a live authority wave names (at most `1 − c_j`).
    pub share: f64,
    /// Part of that share refused: past the route's deadline, not re-papered, by reach.
    pub refused: f64,
    /// Part still before the route's deadline (it front-loads, as the compliant refiners do).
    pub pending: f64,
}

/// Whether wave `w` names the company hashed as `name` (D46).
pub fn names_company(w: &WaveState, name: u64) -> bool {
    name != 0 && w.names.contains(&name)
}

/// Route `r`'s tied refiners, with the basin's lever scale `scale` (a delisting scales the
/// waves down) and the buyer's compliance share `c` (the tied refiners are outside it).
pub fn route_ties(m: &PathModel, st: &State, scale: f64, c: f64, r: usize) -> TieExposure {
    let (b, j) = (m.route_basin[r], m.route_buyer[r]);
    let ties = &m.buyer_ties[j];
    let mut e = TieExposure::default();
    if ties.is_empty() || st.waves.is_empty() || scale <= 0.0 {
        return e;
    }
    let voyage = 0.5 * m.route_trip[r];
    let reach = &m.buyer_reach[j];
    for &(name, t) in ties {
        let (mut live, mut refused, mut pending) = (false, 0.0_f64, 0.0_f64);
        for w in st
            .waves
            .iter()
            .filter(|w| w.hits(b) && names_company(w, name))
        {
            live = true;
            let past = past_share(w.age, wave_route_deadline(w, voyage));
            let before = if w.age == 0 {
                w.day_offset.clamp(0.0, 1.0)
            } else {
                0.0
            };
            let left = if w.share > 0.0 {
                ((w.share - w.repapered) / w.share).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let rch = reach[w.authority];
            // Several waves naming the company: the one that bites hardest counts (as D45).
            refused = refused.max(rch * left * past);
            pending = pending.max(rch * (1.0 - past - before).max(0.0));
        }
        if live && t > 0.0 {
            e.share += t;
            e.refused += t * (scale.min(1.0) * refused);
            e.pending += t * (scale.min(1.0) * pending);
        }
    }
    // The tied refiners are outside the compliant share: scale them into 1 − c.
    let room = (1.0 - c).clamp(0.0, 1.0);
    if e.share > room {
        let f = if e.share > 0.0 { room / e.share } else { 0.0 };
        e.share *= f;
        e.refused *= f;
        e.pending *= f;
    }
    e
}

/// Adds the tied refiners to a route's rationed group `(refuse, keep)` (D46): they are
/// `share / (1 − c)` of the refiners outside the compliant share, so that part of the free
/// capacity `1 − refuse` joins the rationed group and keeps `1 − refused/share` of its pooled
/// intake. Tied refiners already rationed (by a port ban) keep their rationing unchanged.
pub fn ration_ties(refuse: f64, keep: f64, c: f64, tie: &TieExposure) -> (f64, f64) {
    if tie.refused <= 0.0 || tie.share <= 0.0 {
        return (refuse, keep);
    }
    let room = (1.0 - c).clamp(0.0, 1.0);
    let q = if room > 0.0 {
        (tie.share / room).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let joined = (1.0 - refuse).clamp(0.0, 1.0) * q;
    if joined <= 0.0 {
        return (refuse, keep);
    }
    let tie_keep = (1.0 - tie.refused / tie.share).clamp(0.0, 1.0);
    let rationed = refuse + joined;
    (
        rationed,
        ((refuse * keep + joined * tie_keep) / rationed).clamp(0.0, 1.0),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn tie(share: f64, refused: f64) -> TieExposure {
        TieExposure {
            share,
            refused,
            pending: 0.0,
        }
    }

    #[test]
    fn no_refusal_leaves_the_route_alone() {
        assert_eq!(ration_ties(0.4, 0.7, 0.5, &tie(0.3, 0.0)), (0.4, 0.7));
        assert_eq!(ration_ties(0.4, 0.7, 0.5, &tie(0.0, 0.0)), (0.4, 0.7));
        // The whole tied share refused: it joins the rationed group and keeps nothing.
        let (r, k) = ration_ties(0.0, 1.0, 0.5, &tie(0.25, 0.25));
        assert!((r - 0.5).abs() < 1e-15 && k.abs() < 1e-15);
    }

    proptest! {
        /// A bigger tie, or a larger refused part of it, never lets the route keep more of its
        /// pooled intake (kept = refuse·keep + 1 − refuse, the free part at its own discount).
        #[test]
        fn more_tied_or_refused_never_keeps_more(
            refuse in 0.0..1.0f64, keep in 0.0..1.0f64, c in 0.0..0.99f64,
            t in 0.0..1.0f64, frac in 0.0..1.0f64, dt in 0.0..0.5f64, dfrac in 0.0..0.5f64,
        ) {
            let room = 1.0 - c;
            let t0 = (t * room).min(room);
            let t1 = ((t + dt) * room).min(room);
            let f1 = (frac + dfrac).min(1.0);
            let kept = |e: &TieExposure| {
                let (r, k) = ration_ties(refuse, keep, c, e);
                prop_assert!((0.0..=1.0 + 1e-12).contains(&r) && (0.0..=1.0).contains(&k));
                Ok(r * k + 1.0 - r)
            };
            let base = kept(&tie(t0, t0 * frac))?;
            prop_assert!(kept(&tie(t1, t1 * frac))? <= base + 1e-12);
            prop_assert!(kept(&tie(t0, t0 * f1))? <= base + 1e-12);
            prop_assert!(base <= refuse * keep + 1.0 - refuse + 1e-12);
        }
    }
}
