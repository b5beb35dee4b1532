//! Port bans on designated tankers (decision D40, model.md §4.4.2).
//!
//! A `fleet.designation.batch` removes tankers from the shadow fleet (§4.7). It also strands
//! the cargoes those tankers were carrying at the buyers whose ports or refiners refuse
//! designated tankers: India's refiners after the US wind-down (state and private alike:
//! `us_winddown_days_jan10_designations`), the Shandong Port Group and China's state firms,
//! Tüpraş. Seller designations (D35) act only through the compliant refiners; a port ban acts
//! on every refiner behind the port, which is why China's total intake fell in Q1 2025 while
//! its independents kept buying designated sellers' barrels.
//!
//! Each batch is remembered on its own ([`TankerBan`]): the share of each basin's cargoes its
//! tankers carried, minus what replacement tankers already carry. Replacement is a capacity
//! that grows each month (`tanker_replace_growth`, g_T): g_T in the batch's month, 2·g_T the
//! next, so after n months g_T·n(n+1)/2 of the basin's cargoes have moved to clean tankers.
//! Sources: 17 non-sanctioned tankers joined the Kozmino–China route within six weeks
//! (`non_sanctioned_tankers_added_espo_route`, Vortexa) and only 2 of 27 ESPO cargoes loaded
//! 2025-01-10 … 02-02 were on designated tankers (`espo_cargoes_on_us_sanctioned_vessels_post_designation`,
//! Bloomberg), against 75% before (`share_espo_cargoes_on_jan10_designated_vessels`).

use super::model::PathModel;
use super::state::State;
use crate::policy::events::Fired;

/// One remembered tanker batch (D40).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TankerBan {
    /// Basin bit mask; 0 means every basin.
    pub basins: u64,
    /// `WaveAuthority` index of the designating authority: 0 US, 1 EU.
    pub authority: usize,
    /// Share of the basins' cargoes the designated tankers carried.
    pub cargo: f64,
    /// Whole months since the batch (0 in the month it fires).
    pub age: u32,
    /// Share of the basins' cargoes already moved to replacement tankers.
    pub replaced: f64,
}

impl TankerBan {
    pub fn hits(&self, b: usize) -> bool {
        super::compliance::mask_hits(self.basins, b)
    }

    /// The share of the basins' cargoes still on designated tankers.
    pub fn unreplaced(&self) -> f64 {
        (self.cargo - self.replaced).max(0.0)
    }
}

/// Remembers the tanker batches that fire this month.
pub fn push_bans(st: &mut State, fired: &[Fired]) {
    for f in fired {
        if let Fired::TankerBan { basins, cargo, us } = *f {
            if cargo > 0.0 {
                st.tanker_bans.push(TankerBan {
                    basins,
                    authority: if us { 0 } else { 1 },
                    cargo: cargo.min(1.0),
                    age: 0,
                    replaced: 0.0,
                });
            }
        }
    }
}

/// Basin b's cargo share still on designated tankers, per authority (at most 1 in all).
pub fn banned(st: &State, b: usize) -> [f64; 3] {
    let mut out = [0.0; 3];
    for t in st.tanker_bans.iter().filter(|t| t.hits(b)) {
        out[t.authority] += t.unreplaced();
    }
    let total: f64 = out.iter().sum();
    if total > 1.0 {
        out.iter_mut().for_each(|x| *x /= total);
    }
    out
}

/// End of month: batches age and replacement tankers arrive; the replacement capacity grows
/// by g_T a month.
pub fn advance_bans(m: &PathModel, st: &mut State) {
    let g = m.p.tanker_replace_growth.max(0.0);
    for t in st.tanker_bans.iter_mut() {
        let n = (t.age + 1) as f64;
        t.replaced = (t.replaced + g * n).min(t.cargo);
        t.age += 1;
    }
    st.tanker_bans.retain(|t| t.replaced < t.cargo - 1e-12);
}

/// D40: how a route's refusing refiners combine. The compliant share `rho` refuses the unpapered
/// designated sellers' barrels (`u` of the basin's supply, D35) and the port-ban share `pi`
/// refuses the cargoes still on designated tankers (`t`). The two are independent, so a route
/// splits into four groups; the three that refuse something form one rationed group that keeps
/// `keep` of its pooled intake, and the fourth buys freely. Returns (rationed share, keep).
pub fn combine(rho: f64, u: f64, pi: f64, t: f64) -> (f64, f64) {
    let (rho, pi) = (rho.clamp(0.0, 1.0), pi.clamp(0.0, 1.0));
    let (ku, kt) = (1.0 - u.clamp(0.0, 1.0), 1.0 - t.clamp(0.0, 1.0));
    // Each channel alone, exactly (no rounding through the mixture).
    if pi <= 0.0 {
        return (rho, ku);
    }
    if rho <= 0.0 {
        return (pi, kt);
    }
    let refuse = 1.0 - (1.0 - rho) * (1.0 - pi);
    let kept = rho * pi * ku * kt + rho * (1.0 - pi) * ku + (1.0 - rho) * pi * kt;
    (refuse, kept / refuse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn combine_reduces_to_each_channel_alone_and_never_keeps_more() {
        // Compliance alone: D35's (rho, 1 − u).
        assert_eq!(combine(0.4, 0.2, 0.0, 0.5), (0.4, 0.8));
        // Port ban alone.
        let (r, k) = combine(0.0, 0.3, 0.7, 0.25);
        assert!((r - 0.7).abs() < 1e-15 && (k - 0.75).abs() < 1e-15);
        // Both: the rationed group keeps no more than either channel would leave it.
        for &(rho, u, pi, t) in &[
            (0.5, 0.2, 0.8, 0.3),
            (1.0, 0.5, 1.0, 0.5),
            (0.3, 0.0, 0.6, 0.9),
        ] {
            let (r, k) = combine(rho, u, pi, t);
            let kept = r * k + (1.0 - r);
            assert!(kept <= 1.0 - rho * u + 1e-12 && kept <= 1.0 - pi * t + 1e-12);
            assert!((0.0..=1.0).contains(&k) && (0.0..=1.0).contains(&r));
        }
        assert_eq!(combine(0.0, 0.5, 0.0, 0.5), (0.0, 0.5));
    }
}
