//! A path's monthly random streams and the draws each month consumes, keyed by what they
//! feed (`engine::rng`): `shocks` for the fixed-size monthly block, `shocks.buyer.<id>` per
//! buyer (both filled through [`MonthDraws`]), `designations` for the variable-count batch
//! draws, and `event.<lever>.<date>.<k>` or `event.<lever>.id.<id>` per event ([`event_keys`]). A
//! lever change never shifts the shock streams (model.md §2), and adding an event leaves
//! every other draw unchanged, except one without an `id` added above another on the same
//! lever and date (hostile round 11 F1).
//!
//! With the model's generator (D130) each month's streams are opened at that month's counter,
//! so nothing is carried from month to month; under `RngKind::Legacy` the pre-D130 ChaCha8
//! streams are read on from month to month, as they were.

use super::month_draws::{MonthDraws, MonthKeys};
use super::rng::{fnv_extend, key_hash, legacy as chacha, CounterRng, RngKind, StreamKey};
use crate::market::model::PathModel;
use crate::market::state::Shocks;
use crate::market::work::Batch;
use crate::policy::events::Fired;
use crate::policy::levers::{LeverIds, LeverSet};
use crate::scenario::Scenario;
use rand::{Rng, RngExt};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Poisson};

/// The pre-D130 monthly streams, read on from month to month.
#[derive(Clone)]
struct Legacy {
    main: ChaCha8Rng,
    buyers: Vec<ChaCha8Rng>,
    aux: ChaCha8Rng,
}

/// The monthly streams of one path and the buffers they fill.
#[derive(Clone)]
pub(crate) struct PathRngs {
    path: u64,
    designations: StreamKey,
    legacy: Option<Box<Legacy>>,
    draws: MonthDraws,
    iid: Vec<f64>,
    pub shocks: Shocks,
    pub batches: Vec<Batch>,
}

impl PathRngs {
    pub fn new(sc: &Scenario, model: &PathModel, kind: RngKind, seed: u64, path: u64) -> PathRngs {
        let ids = || sc.market.buyers.iter().map(|b| b.id.as_str());
        let legacy = (kind == RngKind::Legacy).then(|| {
            let buyer = |id: &str| chacha(seed, path, fnv_extend(key_hash("shocks.buyer."), id));
            Box::new(Legacy {
                main: chacha(seed, path, key_hash("shocks")),
                buyers: ids().map(buyer).collect(),
                aux: chacha(seed, path, key_hash("designations")),
            })
        });
        PathRngs {
            path,
            designations: StreamKey::new(seed, "designations"),
            legacy,
            draws: MonthDraws::new(1, MonthKeys::new(seed, ids())),
            iid: vec![0.0; model.n_normals],
            shocks: Shocks::zeros(model),
            batches: Vec::new(),
        }
    }

    /// The fixed shock block of month index `month` (0 for the first month), then the
    /// designation batches: scheduled ones from `fired`, then Poisson-random ones unless
    /// relief is active.
    pub fn draw(
        &mut self,
        model: &PathModel,
        levers: &LeverSet,
        ids: &LeverIds,
        fired: &[Fired],
        month: u32,
    ) {
        match self.legacy.as_deref_mut() {
            Some(l) => self.draws.fill_from(&mut l.main, &mut l.buyers),
            None => self.draws.fill(self.path, month),
        }
        self.draws.shocks(0, model, &mut self.shocks, &mut self.iid);
        self.batches.clear();
        for f in fired {
            if let Fired::Batch { share, us } = *f {
                self.batches.push(Batch { share, us });
            }
        }
        match self.legacy.as_deref_mut() {
            Some(l) => designations(&mut l.aux, levers, ids, &mut self.batches),
            None => {
                let mut aux = CounterRng::new(self.designations, self.path, month);
                designations(&mut aux, levers, ids, &mut self.batches)
            }
        }
    }
}

/// The month's random tanker designation batches (model.md §4.7), after the scheduled ones.
fn designations<R: Rng>(aux: &mut R, levers: &LeverSet, ids: &LeverIds, out: &mut Vec<Batch>) {
    let rate = levers.get(ids.fleet_designation_rate);
    if levers.flag(ids.relief_active) || rate <= 0.0 {
        return;
    }
    let n = Poisson::new(rate)
        .map(|d| d.sample(aux) as u32)
        .unwrap_or(0);
    let mean = levers
        .get(ids.fleet_designation_mean_share)
        .clamp(1e-6, 0.5);
    let beta = Beta::new(mean * 20.0, (1.0 - mean) * 20.0).ok();
    let us_prob = levers.get(ids.fleet_designation_us_prob);
    for _ in 0..n {
        let share = beta.as_ref().map_or(mean, |b| b.sample(aux));
        let us = aux.random::<f64>() < us_prob;
        out.push(Batch { share, us });
    }
}

/// Each event's id, or its occurrence `k` among the id-less events on its lever and date
/// (`EventOrigin::stream`). An event the library added to `Scenario::events` without an origin
/// counts as written after every event before it.
fn stream_parts(sc: &Scenario) -> Vec<Result<&str, usize>> {
    let mut next: std::collections::HashMap<(usize, crate::policy::calendar::Date), usize> =
        std::collections::HashMap::new();
    sc.events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let o = sc.event_origins.get(i);
            if let Some(id) = o.and_then(|o| o.id.as_deref()) {
                return Ok(id);
            }
            let n = next.entry((e.lever, e.date)).or_insert(0);
            let k = o.map_or(*n, |o| o.stream);
            *n = (*n).max(k + 1);
            Err(k)
        })
        .collect()
}

/// The FNV-1a hashes of [`event_keys`], without building the strings: a path opens a stream
/// per event, and formatting the keys cost more than the draws.
pub fn event_key_hashes(sc: &Scenario) -> Vec<u64> {
    use std::fmt::Write;
    let mut tail = String::new();
    sc.events
        .iter()
        .zip(stream_parts(sc))
        .map(|(e, part)| {
            let h = fnv_extend(key_hash("event."), &sc.registry.def(e.lever).name);
            tail.clear();
            let _ = match part {
                Ok(id) => write!(tail, ".id.{id}"),
                Err(k) => write!(tail, ".{}.{k}", e.date),
            };
            fnv_extend(h, &tail)
        })
        .collect()
}

/// Stream keys of the scenario's events (hostile round 11 F1): `event.<lever>.id.<id>` for an
/// event with an `id` (the lever too, as a wildcard's copies share the id), so its draws never
/// depend on other events; otherwise `event.<lever>.<date>.<k>`, `k` counting the events
/// without an id on the same lever and date written before it along the chain, removed,
/// replaced and `prob = 0` ones included (`EventOrigin::stream`). An event added on another
/// lever or date, or with an id, and any removal or replacement, leave this one's draws
/// unchanged.
pub fn event_keys(sc: &Scenario) -> Vec<String> {
    sc.events
        .iter()
        .zip(stream_parts(sc))
        .map(|(e, part)| {
            let lever = &sc.registry.def(e.lever).name;
            match part {
                Ok(id) => format!("event.{lever}.id.{id}"),
                Err(k) => format!("event.{lever}.{}.{k}", e.date),
            }
        })
        .collect()
}

/// The names `sensitivity` gives the scenario's event inputs, `event.<lever>.<date>.<k>` with
/// `k` the occurrence of that pair in the resolved list (a stable contract of
/// sensitivity.csv, which the stream keys of [`event_keys`] no longer follow for an event with
/// an `id` or one beside a removed sibling: hostile round 11 F1).
pub fn event_input_names(sc: &Scenario) -> Vec<String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_key_hashes_are_the_keys_hashes() {
        for name in ["summit_failure", "summit_success", "baseline"] {
            let file = format!("{}/scenarios/{name}.toml", env!("CARGO_MANIFEST_DIR"));
            let sc = crate::scenario::load(std::path::Path::new(&file)).expect("loads");
            let want: Vec<u64> = event_keys(&sc).iter().map(|k| key_hash(k)).collect();
            assert!(!want.is_empty());
            assert_eq!(event_key_hashes(&sc), want, "{name}");
        }
    }
}
