//! What the buyers' arrivals data would show (decision D47, docs/outputs.md).
//!
//! The model's route flows are *loadings*: the month a cargo leaves a Russian port. India's and
//! China's import figures (Kpler, Vortexa, customs) count *arrivals*, a voyage later (about a
//! month from the Baltic to India, shared/data/README.md). A reader who holds
//! `flow_india_mbd` against Kpler's India imports sees every cut a month early. So each route's
//! loadings are delayed by its one-way voyage `v_r` (half its `round_trip_months`), linearly
//! between whole months: arrivals in month t are `(1 − f) m_r(t − n) + f m_r(t − n − 1)` with
//! `n = ⌊v_r⌋`, `f = v_r − n`. Before the first month the loadings are the pre-start month's
//! (errata N2's deterministic month). Pipelines deliver the month they flow. This is reporting
//! only: nothing in the model reads it.

use crate::market::model::PathModel;

/// Whole months of history kept: voyages up to `HIST − 2` months are delayed exactly; longer
/// ones are capped there (no route of the shipped market is longer than 1.7 months one way).
const HIST: usize = 6;

/// The last months' loadings of every route and this month's arrivals.
#[derive(Debug, Clone, Default)]
pub struct Arrivals {
    /// Per route, loadings of this month, last month, … (index = months ago).
    hist: Vec<[f64; HIST]>,
    /// Per route, (n, f) of its voyage.
    lag: Vec<(usize, f64)>,
    /// Per route, this month's arrivals.
    pub now: Vec<f64>,
}

impl Arrivals {
    /// Routes' voyages from the path's market, history filled with the pre-start loadings
    /// `before` (one per route).
    pub fn new(m: &PathModel, before: &[f64]) -> Arrivals {
        Arrivals::with_trips(&m.route_trip, before)
    }

    fn with_trips(trips: &[f64], before: &[f64]) -> Arrivals {
        let lag = trips
            .iter()
            .map(|&trip| {
                let v = 0.5 * trip;
                let v = if v.is_finite() {
                    v.clamp(0.0, (HIST - 2) as f64)
                } else {
                    0.0
                };
                let n = v.floor() as usize;
                (n, v - n as f64)
            })
            .collect();
        Arrivals {
            hist: before.iter().map(|&x| [x; HIST]).collect(),
            lag,
            now: before.to_vec(),
        }
    }

    /// Records this month's loadings `m` and computes the month's arrivals.
    pub fn push(&mut self, m: &[f64]) {
        for (r, h) in self.hist.iter_mut().enumerate() {
            h.copy_within(0..HIST - 1, 1);
            h[0] = m[r];
            let (n, f) = self.lag[r];
            self.now[r] = (1.0 - f) * h[n] + f * h[n + 1];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A step in loadings reaches arrivals a voyage later, spread over two months when the
    /// voyage is not whole; a zero voyage arrives at once.
    #[test]
    fn arrivals_are_loadings_a_voyage_later() {
        // W→IN: 2.3 months round trip, 1.15 one way. W→TR: 0.5, 0.25. A pipeline-like 0.
        let mut a = Arrivals::with_trips(&[2.3, 0.5, 0.0], &[1.0, 1.0, 1.0]);
        let mut seen = Vec::new();
        for t in 0..6 {
            let m = if t >= 2 { 0.5 } else { 1.0 };
            a.push(&[m, m, m]);
            seen.push(a.now.clone());
        }
        let india: Vec<f64> = seen.iter().map(|v| v[0]).collect();
        let turkey: Vec<f64> = seen.iter().map(|v| v[1]).collect();
        let instant: Vec<f64> = seen.iter().map(|v| v[2]).collect();
        assert_eq!(instant, vec![1.0, 1.0, 0.5, 0.5, 0.5, 0.5]);
        assert!(
            (turkey[2] - 0.625).abs() < 1e-12 && turkey[3] == 0.5,
            "{turkey:?}"
        );
        assert_eq!(&india[..3], &[1.0, 1.0, 1.0]);
        assert!(
            (india[3] - (0.85 * 0.5 + 0.15 * 1.0)).abs() < 1e-12,
            "{india:?}"
        );
        assert!((india[4] - 0.5).abs() < 1e-12, "{india:?}");
    }
}
