//! A path's random streams and the draws each month consumes, keyed by what they feed
//! (`engine::rng::keyed`): `shocks` for the fixed-size monthly block, `shocks.buyer.<id>`
//! per buyer, `designations` for the variable-count batch draws, and
//! `event.<lever>.<date>.<k>` per event ([`event_keys`]). A lever change never shifts the
//! shock stream (model.md §2), and adding an event leaves every other draw unchanged.

use super::rng::{keyed, keyed_parts};
use crate::market::model::PathModel;
use crate::market::state::Shocks;
use crate::market::work::Batch;
use crate::policy::events::Fired;
use crate::policy::levers::{LeverIds, LeverSet};
use crate::scenario::Scenario;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Poisson};

/// The monthly streams of one path and the buffers they fill.
#[derive(Clone)]
pub(crate) struct PathRngs {
    main: ChaCha8Rng,
    buyer_rngs: Vec<ChaCha8Rng>,
    aux: ChaCha8Rng,
    iid: Vec<f64>,
    pub shocks: Shocks,
    pub batches: Vec<Batch>,
}

impl PathRngs {
    pub fn new(sc: &Scenario, model: &PathModel, seed: u64, path: u64) -> PathRngs {
        PathRngs {
            main: keyed(seed, path, "shocks"),
            buyer_rngs: sc
                .market
                .buyers
                .iter()
                .map(|b| keyed_parts(seed, path, "shocks.buyer.", &b.id))
                .collect(),
            aux: keyed(seed, path, "designations"),
            iid: vec![0.0; model.n_normals],
            shocks: Shocks::zeros(model),
            batches: Vec::new(),
        }
    }

    /// The fixed shock block, then the designation batches: scheduled ones from `fired`, then
    /// Poisson-random ones unless relief is active.
    pub fn draw(&mut self, model: &PathModel, levers: &LeverSet, ids: &LeverIds, fired: &[Fired]) {
        self.shocks
            .draw(model, &mut self.main, &mut self.buyer_rngs, &mut self.iid);
        self.batches.clear();
        for f in fired {
            if let Fired::Batch { share, us } = *f {
                self.batches.push(Batch { share, us });
            }
        }
        let rate = levers.get(ids.fleet_designation_rate);
        if !levers.flag(ids.relief_active) && rate > 0.0 {
            let n = Poisson::new(rate)
                .map(|d| d.sample(&mut self.aux) as u32)
                .unwrap_or(0);
            let mean = levers
                .get(ids.fleet_designation_mean_share)
                .clamp(1e-6, 0.5);
            let beta = Beta::new(mean * 20.0, (1.0 - mean) * 20.0).ok();
            let us_prob = levers.get(ids.fleet_designation_us_prob);
            for _ in 0..n {
                let share = beta.as_ref().map_or(mean, |b| b.sample(&mut self.aux));
                let us = self.aux.random::<f64>() < us_prob;
                self.batches.push(Batch { share, us });
            }
        }
    }
}

/// Stream keys of the scenario's events: lever, date and the occurrence count of that pair,
/// so an event added elsewhere in the file leaves this one's draws unchanged.
pub fn event_keys(sc: &Scenario) -> Vec<String> {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    sc.events
        .iter()
        .map(|e| {
            let base = format!("event.{}.{}", sc.registry.def(e.lever).name, e.date);
            let k = seen.entry(base.clone()).or_insert(0);
            *k += 1;
            format!("{base}.{}", *k - 1)
        })
        .collect()
}
