//! One-at-a-time swing for the tornado chart.
//!
//! The base case holds every continuous overridable input (parameters, market rows, event
//! values and lags) at its median. A swing of input j moves j alone to its p10, then to its p90
//! (for whether an event happens: to "does not happen", then "happens"), and reports the mean
//! target over paths `0..swing_paths` of the run's seed. All runs use the same paths and seed,
//! so what is not held fixed — the monthly Brent, freight, availability and buyer shocks, the
//! random designation batches, whether events with a probability happen, event-tree timings
//! and branches — is the same draw in every run (common random numbers); the difference
//! between low and high is the input's effect, not noise.
//!
//! Jobs (run × chunk) run in parallel and are summed in a fixed order, so the means do not
//! depend on the thread count.

use super::inputs::{median_value, overridable, override_input, swing_values, Input};
use super::target::{target_value, SensOptions};
use crate::engine::path::{event_key_hashes, PathDiag, PathSim};
use crate::engine::rng::RngKind;
use crate::engine::run::CHUNK_PATHS;
use crate::engine::vars::Var;
use crate::scenario::Scenario;
use rayon::prelude::*;

/// The swing of one input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Swing {
    /// The input's value in the low and high runs.
    pub low_input: f64,
    pub high_input: f64,
    /// Mean target in those runs.
    pub at_low: f64,
    pub at_high: f64,
}

impl Swing {
    pub fn abs(&self) -> f64 {
        (self.at_high - self.at_low).abs()
    }
}

/// The scenario with every continuous overridable input at its median.
pub fn base_scenario(sc: &Scenario, inp: &[Input]) -> Scenario {
    let mut base = sc.clone();
    for i in inp {
        if let Some(m) = median_value(i) {
            override_input(&mut base, i, m);
        }
    }
    base
}

/// Sum and count of the finite targets of paths `lo..hi`, and their diagnostics (a swing
/// run can pin Brent or a lever where the main run does not: the command reports them).
fn chunk_sum(sc: &Scenario, o: &SensOptions, var: &Var, lo: u64, hi: u64) -> (f64, u64, PathDiag) {
    let mut monthly = vec![0.0; o.months];
    let vars = std::slice::from_ref(var);
    let (mut sum, mut n, mut diag) = (0.0, 0, PathDiag::default());
    let keys = event_key_hashes(sc);
    for path in lo..hi {
        let mut sim = PathSim::with_keys(sc, &keys, o.seed, path, RngKind::Counter);
        for slot in monthly.iter_mut() {
            sim.step_month();
            sim.write_vars(vars, std::slice::from_mut(slot));
        }
        diag.add(&sim.diag);
        let y = target_value(&monthly, o.horizon);
        if y.is_finite() {
            sum += y;
            n += 1;
        }
    }
    (sum, n, diag)
}

/// Mean target of each scenario over paths `0..o.swing_paths`, and the diagnostics of all
/// of them together.
fn means(
    runs: &[Scenario],
    o: &SensOptions,
    var: &Var,
    pool: &rayon::ThreadPool,
    progress: &(dyn Fn(u64) + Sync),
) -> (Vec<f64>, PathDiag) {
    let chunks = o.swing_paths.div_ceil(CHUNK_PATHS);
    let jobs: Vec<(usize, u64)> = (0..runs.len())
        .flat_map(|r| (0..chunks).map(move |c| (r, c)))
        .collect();
    let mut sums = vec![(0.0, 0u64); runs.len()];
    let batch = (pool.current_num_threads() * 4).max(1);
    let mut diag = PathDiag::default();
    let mut done = 0;
    for part in jobs.chunks(batch) {
        let got: Vec<(f64, u64, PathDiag)> = pool.install(|| {
            part.par_iter()
                .map(|&(r, c)| {
                    let lo = c * CHUNK_PATHS;
                    let hi = (lo + CHUNK_PATHS).min(o.swing_paths);
                    chunk_sum(&runs[r], o, var, lo, hi)
                })
                .collect()
        });
        for (&(r, c), (s, n, d)) in part.iter().zip(got) {
            sums[r].0 += s;
            sums[r].1 += n;
            diag.add(&d);
            done += (((c + 1) * CHUNK_PATHS).min(o.swing_paths)) - c * CHUNK_PATHS;
        }
        progress(done);
    }
    let m = sums
        .iter()
        .map(|&(s, n)| if n == 0 { f64::NAN } else { s / n as f64 })
        .collect();
    (m, diag)
}

/// The base mean and, per input, its swing: for the first `o.swing_top` overridable inputs of
/// `order`; `None` for the others; and the diagnostics of every swing run together.
/// `progress` counts simulated paths.
pub fn swings(
    sc: &Scenario,
    inp: &[Input],
    order: &[usize],
    o: &SensOptions,
    var: &Var,
    pool: &rayon::ThreadPool,
    progress: &(dyn Fn(u64) + Sync),
) -> (f64, Vec<Option<Swing>>, PathDiag) {
    let mut out = vec![None; inp.len()];
    if o.swing_paths == 0 {
        return (f64::NAN, out, PathDiag::default());
    }
    let base = base_scenario(sc, inp);
    let chosen: Vec<(usize, f64, f64)> = order
        .iter()
        .copied()
        .filter(|&i| overridable(&inp[i]))
        .filter_map(|i| swing_values(&inp[i]).map(|(lo, hi)| (i, lo, hi)))
        .take(o.swing_top)
        .collect();
    let mut runs = vec![base.clone()];
    for &(i, lo, hi) in &chosen {
        for v in [lo, hi] {
            let mut s = base.clone();
            override_input(&mut s, &inp[i], v);
            runs.push(s);
        }
    }
    let (m, diag) = means(&runs, o, var, pool, progress);
    for (k, &(i, lo, hi)) in chosen.iter().enumerate() {
        out[i] = Some(Swing {
            low_input: lo,
            high_input: hi,
            at_low: m[1 + 2 * k],
            at_high: m[2 + 2 * k],
        });
    }
    (m[0], out, diag)
}
