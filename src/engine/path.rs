//! One Monte Carlo path: its parameter draw, policy timeline and the month loop around the
//! pure market step. Its parts live next door: the random streams and monthly draws in
//! `path_rng.rs`, the start state in `init.rs`, the event-tree runtime in `tree_path.rs`, and
//! the EU dynamic cap review in `policy::cap_review`.

use super::arrivals::Arrivals;
use super::init::{initial_levers, initial_state};
use super::path_rng::PathRngs;
pub use super::path_rng::{event_input_names, event_key_hashes, event_keys};
use super::rng::{Keyer, RngKind};
use super::tree_path::TreePath;
pub use super::tree_path::TreeRecord;
use super::vars::{value, MonthView, Var};
use crate::market::model::PathModel;
use crate::market::state::{Shocks, State};
use crate::market::step::step;
use crate::market::work::{MonthCtx, StepDiag, Work};
use crate::policy::calendar::days_in_month;
use crate::policy::calendar::Date;
use crate::policy::cap_review;
use crate::policy::events::{Fired, PolicyPath};
use crate::policy::levers::LeverSet;
use crate::scenario::Scenario;

/// A basin's FOB premium over Brent ($/bbl) beyond anything on record: pre-war Urals and
/// ESPO traded within a few dollars of it either way (`premium_basin_months`).
pub const PREMIUM_LIMIT_USD: f64 = 5.0;

/// Per-path counts summed into the run's diagnostics.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PathDiag {
    pub bisections: u64,
    pub not_converged: u64,
    pub brent_clamped: u64,
    pub fleet_violations: u64,
    pub refusals: u64,
    pub reclears: u64,
    pub max_basin_iters: u64,
    pub max_brent_iters: u64,
    pub nonfinite: u64,
    /// Valid edge cases, flagged so an extreme scenario says what happened (docs/outputs.md).
    pub buyerless_basin_months: u64,
    pub storage_full_months: u64,
    pub halted_buyer_months: u64,
    /// D39: path-months in which a buyer's routes were rationed to its slate.
    pub slate_rationed: u64,
    /// Path-months in which some basin's FOB discount was below −[`PREMIUM_LIMIT_USD`]:
    /// Russian crude priced well above Brent, outside everything the model was calibrated on.
    pub premium_basin_months: u64,
    /// D131: path-months in which an event pushed a lever, the shadow fleet or (through
    /// jumps) the risk premium to the edge of its range, where it was held.
    pub bound_hits: u64,
    /// Tree-months in which a tree took the 64 exits a month allows (scenarios.md §5).
    pub tree_exit_limit: u64,
}

impl PathDiag {
    pub fn add(&mut self, o: &PathDiag) {
        self.bisections += o.bisections;
        self.not_converged += o.not_converged;
        self.brent_clamped += o.brent_clamped;
        self.fleet_violations += o.fleet_violations;
        self.refusals += o.refusals;
        self.reclears += o.reclears;
        self.max_basin_iters = self.max_basin_iters.max(o.max_basin_iters);
        self.max_brent_iters = self.max_brent_iters.max(o.max_brent_iters);
        self.nonfinite += o.nonfinite;
        self.buyerless_basin_months += o.buyerless_basin_months;
        self.storage_full_months += o.storage_full_months;
        self.halted_buyer_months += o.halted_buyer_months;
        self.slate_rationed += o.slate_rationed;
        self.premium_basin_months += o.premium_basin_months;
        self.bound_hits += o.bound_hits;
        self.tree_exit_limit += o.tree_exit_limit;
    }

    /// The counters as written into `manifest.json`'s `diagnostics`.
    pub fn to_map(&self) -> std::collections::BTreeMap<String, u64> {
        [
            ("solver_bisection_steps", self.bisections),
            ("solver_not_converged", self.not_converged),
            ("brent_clamp_hits", self.brent_clamped),
            ("fleet_bound_violations", self.fleet_violations),
            ("capped_tranche_refusals", self.refusals),
            ("fleet_reclears", self.reclears),
            ("max_basin_iterations", self.max_basin_iters),
            ("max_brent_iterations", self.max_brent_iters),
            ("nonfinite_values", self.nonfinite),
            ("buyerless_basin_months", self.buyerless_basin_months),
            ("storage_full_months", self.storage_full_months),
            ("halted_buyer_months", self.halted_buyer_months),
            ("slate_rationed_months", self.slate_rationed),
            ("premium_basin_months", self.premium_basin_months),
            ("bound_hits", self.bound_hits),
            ("tree_exit_limit_hits", self.tree_exit_limit),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn count(&mut self, d: &StepDiag, refused: bool) {
        self.bisections += d.bisections as u64;
        self.not_converged += d.not_converged as u64;
        self.brent_clamped += d.brent_clamped as u64;
        self.fleet_violations += d.fleet_violation as u64;
        self.refusals += refused as u64;
        self.reclears += (d.reclear_iters > 0) as u64;
        self.max_basin_iters = self.max_basin_iters.max(d.basin_iters_max as u64);
        self.max_brent_iters = self.max_brent_iters.max(d.brent_iters as u64);
        self.slate_rationed += (d.slate_rationed > 0) as u64;
    }

    /// After a step: a basin with oil to sell and no buyer capacity at all, storage at its
    /// capacity (a capacity of 0 is always full), and each halted buyer.
    fn count_edges(&mut self, m: &PathModel, st: &State, w: &Work) {
        let buyerless = (0..m.n_basins).any(|b| {
            w.x_del[b] > 1e-12 && w.m_cap[m.basin_routes[b].clone()].iter().sum::<f64>() <= 1e-12
        });
        self.buyerless_basin_months += buyerless as u64;
        self.storage_full_months += (st.storage >= m.p.storage_cap - 1e-9) as u64;
        self.halted_buyer_months += st.stance.iter().filter(|s| s.halted).count() as u64;
        self.premium_basin_months += w.out.d.iter().any(|d| *d < -PREMIUM_LIMIT_USD) as u64;
    }
}

/// A path ready to run: constants, state and policy. Cloning gives two paths that will see
/// the same draws (common random numbers), which the comparative-statics tests use.
#[derive(Clone)]
pub struct PathSim<'a> {
    pub sc: &'a Scenario,
    pub model: PathModel,
    pub state: State,
    pub policy: PolicyPath,
    pub levers: LeverSet,
    pub work: Work,
    rngs: PathRngs,
    fired: Vec<Fired>,
    pub month: i32,
    pub diag: PathDiag,
    trees: Vec<TreePath>,
    /// D47: route loadings of the last months, for the arrivals outputs.
    arrivals: Arrivals,
}

impl<'a> PathSim<'a> {
    /// Path `path` of a run with seed `seed`, on the model's generator.
    pub fn new(sc: &'a Scenario, seed: u64, path: u64) -> PathSim<'a> {
        PathSim::with_rng(sc, seed, path, RngKind::Counter)
    }

    /// The same path on the generator `kind` (`RngKind::Legacy`: the one before D130).
    pub fn with_rng(sc: &'a Scenario, seed: u64, path: u64, kind: RngKind) -> PathSim<'a> {
        PathSim::with_keys(sc, &event_key_hashes(sc), seed, path, kind)
    }

    /// [`PathSim::with_rng`] with the scenario's event-stream keys (`path_rng::event_key_hashes`)
    /// already hashed: they depend on the scenario alone, so a run hashes them once per chunk
    /// instead of once per path (about 2% of a path's instructions).
    pub fn with_keys(
        sc: &'a Scenario,
        keys: &[u64],
        seed: u64,
        path: u64,
        kind: RngKind,
    ) -> PathSim<'a> {
        debug_assert_eq!(keys.len(), sc.events.len());
        let keyer = Keyer::new(kind, seed, path);
        let p = sc
            .params
            .draw_correlated(&sc.correlations, |name| keyer.parts("param.", name));
        let model = PathModel::new(&sc.market, p, |key| keyer.parts("market.", key));
        let initial = initial_levers(sc, &model);
        let policy = PolicyPath::new(&sc.events, &sc.registry, &initial, sc.start, |i| {
            keyer.open(keys[i])
        });
        let mut policy = policy;
        // Event trees: own keyed streams, so scenarios without trees draw nothing new.
        let mut trees = Vec::with_capacity(sc.trees.len());
        for tree in &sc.trees {
            let mut tp = TreePath::new(tree, &keyer);
            let date = Date {
                month: sc.start,
                day: 1,
            };
            tp.enter(tree, tree.start, date, sc.start, sc, &mut policy);
            trees.push(tp);
        }
        let mut levers = initial;
        for i in 0..levers.values.len() {
            levers.set(i, policy.current(i));
        }
        let state = initial_state(sc, &model, &levers);
        let work = Work::new(&model);
        let mut sim = PathSim {
            sc,
            rngs: PathRngs::new(sc, &model, kind, seed, path),
            model,
            state,
            policy,
            levers,
            work,
            fired: Vec::new(),
            month: sc.start,
            diag: PathDiag::default(),
            trees,
            arrivals: Arrivals::default(),
        };
        sim.pre_step();
        // Before the first month, routes loaded what the pre-start month gives (errata N2).
        sim.arrivals = Arrivals::new(&sim.model, &sim.state.m_prev);
        sim
    }

    /// Errata N2: lags and EMAs from one deterministic month at pre-start conditions (no
    /// shocks, the calendar's levers, anchor at ln P0). Only the t−1 outcomes are kept.
    fn pre_step(&mut self) {
        let mut st = self.state.clone();
        let zero = Shocks::zeros(&self.model);
        let month = self.sc.start - 1;
        self.work.imposed_x = self.imposed_x(month);
        let ctx = MonthCtx {
            month,
            days: days_in_month(month) as f64,
        };
        step(
            &self.model,
            &mut st,
            &self.levers,
            &self.sc.registry.ids,
            &[],
            &[],
            &zero,
            ctx,
            &mut self.work,
        );
        let o = &self.work.out;
        let s = &mut self.state;
        s.m_prev.copy_from_slice(&st.m_prev);
        s.delta_prev.copy_from_slice(&st.delta_prev);
        s.alt_prev.copy_from_slice(&st.alt_prev);
        s.d_prev.copy_from_slice(&st.d_prev);
        s.n_prev.copy_from_slice(&st.n_prev);
        s.q_prev.copy_from_slice(&st.q_prev);
        s.p_prev = st.p_prev;
        let urals = o.n[self.model.primary];
        s.pbar = st.p_prev;
        s.ubar = [urals; 5];
        // The pre-start month is not the scenario's first month (russia_revenue_change_usd_bn).
        self.work.out.revenue_first_daily = None;
    }

    /// Runs month `self.month` and advances. The outcome is in `self.work.out`.
    pub fn step_month(&mut self) -> StepDiag {
        let ids = &self.sc.registry.ids;
        let month = self.month;
        // Event trees first, in file order: their entry actions dated this month apply now.
        for (tree, tp) in self.sc.trees.iter().zip(self.trees.iter_mut()) {
            let x_prev = self.state.x_prev;
            if tp.step(
                tree,
                month,
                x_prev,
                self.sc.start,
                self.sc,
                &mut self.policy,
            ) {
                self.diag.tree_exit_limit += 1;
            }
        }
        let _ = cap_review::review(&mut self.policy, ids, month, self.state.ubar_mean());
        let clamps = self.policy.clamps();
        self.policy
            .advance(month, &mut self.levers, &mut self.fired);
        let clamped = self.policy.clamps() > clamps;
        self.draw_random();
        self.work.imposed_x = self.imposed_x(month);
        let ctx = MonthCtx {
            month,
            days: days_in_month(month) as f64,
        };
        #[cfg(debug_assertions)]
        let before = crate::market::invariants::Before {
            storage: self.state.storage,
        };
        let d = step(
            &self.model,
            &mut self.state,
            &self.levers,
            ids,
            &self.fired,
            &self.rngs.batches,
            &self.rngs.shocks,
            ctx,
            &mut self.work,
        );
        #[cfg(debug_assertions)]
        {
            let bad = crate::market::invariants::check(
                &self.model,
                before,
                &self.state,
                &self.work,
                &self.levers,
                ids,
                ctx,
            );
            debug_assert!(bad.is_empty(), "invariants violated in {month}: {bad:?}");
        }
        self.diag.count(&d, self.work.out.refused);
        self.diag.bound_hits += (clamped || d.state_bounded) as u64;
        self.diag.count_edges(&self.model, &self.state, &self.work);
        self.arrivals.push(&self.work.out.m);
        self.month += 1;
        d
    }

    /// ln of the imposed Brent of `month` (the loader checked coverage of the horizon, and
    /// `engine::run` refuses a `--months` override beyond the file).
    fn imposed_x(&self, month: i32) -> Option<f64> {
        self.sc
            .brent_imposed
            .as_ref()
            .and_then(|b| b.price(month))
            .map(f64::ln)
    }

    /// Draws everything random the month consumes after the policy calendar has advanced
    /// (`PathRngs::draw`). Separate from [`PathSim::step_month`] so the benchmarks can time
    /// the draws alone, from the same keyed streams.
    pub fn draw_random(&mut self) {
        self.rngs.draw(
            &self.model,
            &self.levers,
            &self.sc.registry.ids,
            &self.fired,
            (self.month - self.sc.start) as u32,
        );
    }

    /// What the path did in each event tree so far (one record per `sc.trees`).
    pub fn tree_records(&self) -> impl Iterator<Item = &TreeRecord> {
        self.trees.iter().map(|t| &t.record)
    }

    /// Per-path draws of each tree (for sensitivity analysis): the hazard of each exit
    /// (`[node][exit]`) and its cumulative branch probabilities (`[node][exit][branch]`).
    pub fn tree_draws(&self) -> impl Iterator<Item = (&[Vec<f64>], &[Vec<Vec<f64>>])> {
        self.trees
            .iter()
            .map(|t| (t.hazard.as_slice(), t.cum.as_slice()))
    }

    /// Index of the current node of each tree.
    pub fn tree_nodes(&self) -> Vec<usize> {
        self.trees.iter().map(|t| t.node).collect()
    }

    /// Writes the month's variables into `out` (one value per variable).
    pub fn write_vars(&mut self, vars: &[Var], out: &mut [f64]) {
        let mv = MonthView {
            work: &self.work,
            levers: &self.levers,
            ids: &self.sc.registry.ids,
            state: &self.state,
            arrivals: &self.arrivals.now,
        };
        for (v, slot) in vars.iter().zip(out.iter_mut()) {
            let x = value(v, &self.sc.market, &mv);
            if !x.is_finite() && !v.unit.is_empty() {
                self.diag.nonfinite += 1;
            }
            *slot = x;
        }
    }
}
