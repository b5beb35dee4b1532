//! When an authority wave bites on each route (decision D41, model.md §4.4.1).
//!
//! A wave's `wind_down_months` is the authority's deadline: the day designated barrels must
//! be discharged and paid (OFAC's general licence of 2025-01-10 ran 61 days, to 2025-03-12).
//! A cargo that must arrive by then must *load* a voyage earlier, so route r's loading
//! deadline is `dl_r = max(0, W − τ_r)`, with τ_r the one-way voyage (half the round trip).
//! India's state refiners stopping designated Urals for discharge by 2025-02-27 is this rule
//! on a 35-day voyage: the compliant refiners of long routes stop first. The refusal covers
//! the part of each loading month after the route's deadline.
//!
//! Re-papering (D35) starts in the month the first refusal falls, on the basin's longest
//! route, because that is when the designated sellers start to lose buyers.
//!
//! Some compliant refiners also pause *every* purchase from the designated basin for a while
//! at the deadline: Tüpraş took no Urals in March 2025, and Sinopec bought no ESPO for March and
//! April loadings. India's state refiners switched sellers instead. The pause runs P_j loading
//! months from the authority's deadline, a decision in calendar time and not a voyage, and it
//! stops the compliant share `c_j` of the buyer's routes from that basin.

use super::compliance::{group_counts, WaveState};
use super::model::PathModel;
use super::state::State;

/// Route loading deadline `dl = max(0, W − τ)`, in months from the start of the announcement
/// month (`W` = the wave's [`WaveState::deadline`], which counts from the announcement day).
pub fn route_deadline(deadline: f64, voyage: f64) -> f64 {
    (deadline - voyage.max(0.0)).max(0.0)
}

/// Wave `w`'s loading deadline on a route of one-way voyage `voyage`: a voyage longer than the
/// wind-down refuses from the announcement day, never before it (D42).
pub fn wave_route_deadline(w: &WaveState, voyage: f64) -> f64 {
    route_deadline(w.deadline(), voyage).max(w.day_offset.clamp(0.0, 1.0))
}

/// Share of loading month `age` (the interval [age, age + 1)) at or after deadline `dl`.
pub fn past_share(age: u32, dl: f64) -> f64 {
    (age as f64 + 1.0 - dl).clamp(0.0, 1.0)
}

/// Share of loading month `age` inside the pause [W, W + P).
pub fn pause_share(age: u32, deadline: f64, months: f64) -> f64 {
    let a = age as f64;
    ((a + 1.0).min(deadline + months.max(0.0)) - a.max(deadline)).max(0.0)
}

/// First month of re-papering: the month the basin's longest route reaches its deadline.
pub fn repaper_start(deadline: f64, voyage_max: f64) -> u32 {
    route_deadline(deadline, voyage_max).floor() as u32
}

/// The longest voyage over the basins a wave hits (0 = every basin).
pub fn wave_voyage(m: &PathModel, w: &WaveState) -> f64 {
    (0..m.n_basins)
        .filter(|&b| w.hits(b))
        .map(|b| m.basin_voyage_max[b])
        .fold(0.0, f64::max)
}

/// One route's exposure to the authority waves this month, by authority.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RouteExposure {
    /// Designated share past the route's deadline and not re-papered.
    pub unpapered: [f64; 3],
    /// Designated share still before the route's deadline (front-loading).
    pub pending: [f64; 3],
    /// Largest share of the month a wave of this authority pauses the route (before `c_j`).
    pub paused: [f64; 3],
}

/// Route `r`'s exposure, with the basin's lever scale `scale` (a delisting scales waves down).
pub fn route_exposure(m: &PathModel, st: &State, scale: f64, r: usize) -> RouteExposure {
    let mut e = RouteExposure::default();
    let (b, j) = (m.route_basin[r], m.route_buyer[r]);
    if scale <= 0.0 {
        return e;
    }
    let voyage = 0.5 * m.route_trip[r];
    let reach = &m.buyer_reach[j];
    let past = |w: &WaveState| past_share(w.age, wave_route_deadline(w, voyage));
    // Front-loading runs from the announcement day (D42) to the route's deadline.
    let before = |w: &WaveState| {
        if w.age == 0 {
            w.day_offset.clamp(0.0, 1.0)
        } else {
            0.0
        }
    };
    let refused = |w: &WaveState| (w.share - w.repapered).max(0.0) * past(w);
    let ahead = |w: &WaveState| w.share * (1.0 - past(w) - before(w)).max(0.0);
    let ws = &st.waves;
    for (i, w) in ws.iter().enumerate().filter(|(_, w)| w.hits(b)) {
        let a = w.authority;
        // D45: a seller group's barrels count once, through the wave that bites hardest on
        // this route (the widest reach past its deadline).
        // (The sums keep their factors' order, so a wave of its own gives the same bits.)
        if group_counts(ws, i, b, |v| reach[v.authority] * refused(v)) {
            e.unpapered[a] += scale * (w.share - w.repapered).max(0.0) * past(w);
        }
        if group_counts(ws, i, b, |v| reach[v.authority] * ahead(v)) {
            e.pending[a] += scale * w.share * (1.0 - past(w) - before(w)).max(0.0);
        }
        e.paused[a] = e.paused[a].max(pause_share(w.age, w.deadline(), m.buyer_pause[j]));
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longer_voyages_stop_loading_earlier() {
        // OFAC's 61 days ≈ 2 months: W→IN (1.15 months one way) stops in Jan's last days,
        // W→TR (0.25) in the deadline month's last quarter.
        let (india, turkey) = (route_deadline(2.0, 1.15), route_deadline(2.0, 0.25));
        assert!((india - 0.85).abs() < 1e-12 && (turkey - 1.75).abs() < 1e-12);
        assert!((past_share(0, india) - 0.15).abs() < 1e-12);
        assert_eq!(past_share(1, india), 1.0);
        assert_eq!(past_share(0, turkey), 0.0);
        assert!((past_share(1, turkey) - 0.25).abs() < 1e-12);
        // A voyage longer than the wind-down refuses from the announcement.
        assert_eq!(route_deadline(1.0, 1.65), 0.0);
        assert_eq!(past_share(0, 0.0), 1.0);
        for age in 0..6 {
            for v in [0.0, 0.2, 0.5, 1.0, 1.7, 3.0] {
                let (s, l) = (
                    past_share(age, route_deadline(2.0, v)),
                    past_share(age, route_deadline(2.0, v + 0.3)),
                );
                assert!(l >= s, "age {age} voyage {v}");
            }
        }
    }

    #[test]
    fn pause_covers_p_months_from_the_deadline() {
        let months: Vec<f64> = (0..6).map(|a| pause_share(a, 2.0, 1.5)).collect();
        assert_eq!(months, vec![0.0, 0.0, 1.0, 0.5, 0.0, 0.0]);
        assert_eq!((0..6).map(|a| pause_share(a, 1.0, 0.0)).sum::<f64>(), 0.0);
        for p in [0.0, 0.3, 1.0, 2.0, 2.7] {
            let total: f64 = (0..12).map(|a| pause_share(a, 2.0, p)).sum();
            assert!((total - p).abs() < 1e-12, "P = {p}");
        }
    }

    #[test]
    fn repapering_starts_with_the_first_refusal() {
        assert_eq!(repaper_start(2.0, 1.65), 0);
        assert_eq!(repaper_start(2.0, 0.5), 1);
        assert_eq!(repaper_start(1.0, 0.0), 1);
        assert_eq!(repaper_start(3.0, 0.9), 2);
        // D42: a wave announced on the 10th of a 31-day month with OFAC's two months.
        assert_eq!(repaper_start(2.0 + 9.0 / 31.0, 1.15), 1);
    }

    proptest::proptest! {
        /// D42 over any wave: nothing refuses or front-loads before the announcement day, the
        /// refusal never starts after the authority's deadline, a later day never makes a route
        /// refuse earlier, and the pause covers exactly P months.
        #[test]
        fn announcement_day_invariants(
            day in 0.0f64..1.0,
            later in 0.0f64..1.0,
            wind_down in 1u32..6,
            voyage in 0.0f64..3.0,
            p in 0.0f64..4.0,
        ) {
            let wave = |day_offset: f64| WaveState {
                basins: 0,
                authority: 0,
                share: 0.3,
                age: 0,
                wind_down,
                day_offset,
                group: 0,
                names: [0; 8],
                repapered: 0.0,
                lever_share: 0.3,
            };
            let w = wave(day);
            let dl = wave_route_deadline(&w, voyage);
            proptest::prop_assert!(dl >= day - 1e-12 && dl <= w.deadline() + 1e-12);
            let l = wave((day + later).min(0.999).max(day));
            for age in 0..12 {
                let (a, b) = (
                    past_share(age, dl),
                    past_share(age, wave_route_deadline(&l, voyage)),
                );
                proptest::prop_assert!(b <= a + 1e-12, "age {}", age);
            }
            // In the announcement month the refused share is at most the days left.
            proptest::prop_assert!(past_share(0, dl) <= 1.0 - day + 1e-12);
            let total: f64 = (0..24).map(|a| pause_share(a, w.deadline(), p)).sum();
            proptest::prop_assert!((total - p).abs() < 1e-9);
        }
    }

    #[test]
    fn no_route_refuses_before_the_announcement_day() {
        // OFAC's 2025-10-22 designations with one month (to 11-21): India's 35-day voyage would
        // put its loading deadline on 10-16, before the announcement.
        let w = WaveState {
            basins: 0,
            authority: 0,
            share: 0.4,
            age: 0,
            wind_down: 1,
            day_offset: 21.0 / 31.0,
            group: 0,
            names: [0; 8],
            repapered: 0.0,
            lever_share: 0.4,
        };
        let dl = wave_route_deadline(&w, 1.15);
        assert!((dl - 21.0 / 31.0).abs() < 1e-12, "{dl}");
        assert!((past_share(0, dl) - 10.0 / 31.0).abs() < 1e-12);
        // A short voyage keeps its own, later deadline.
        assert!((wave_route_deadline(&w, 0.25) - (1.0 + 21.0 / 31.0 - 0.25)).abs() < 1e-12);
    }

    #[test]
    fn a_later_announcement_day_moves_every_deadline_later() {
        // 2025-01-10 + 2 months: the pause covers 22/31 of March and 9/31 of April.
        let w = 2.0 + 9.0 / 31.0;
        let march = pause_share(2, w, 1.0);
        assert!((march - 22.0 / 31.0).abs() < 1e-12, "{march}");
        assert!((pause_share(3, w, 1.0) - 9.0 / 31.0).abs() < 1e-12);
        for age in 0..6 {
            for v in [0.0, 0.5, 1.15, 2.5] {
                let (early, late) = (route_deadline(2.0, v), route_deadline(w, v));
                assert!(past_share(age, late) <= past_share(age, early));
            }
        }
    }
}
