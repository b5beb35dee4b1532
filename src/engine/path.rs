//! One Monte Carlo path: its RNG streams, parameter draw, explicit initial state (errata N2),
//! policy timeline, and the month loop around the pure market step.
//!
//! Streams are keyed by what they feed (`engine::rng::keyed`): `shocks` for the fixed-size
//! monthly block, `shocks.buyer.<id>` per buyer, `designations` for the variable-count batch
//! draws, `param.<name>`, `market.<row>` and `event.<lever>.<date>.<k>` for the per-path draws,
//! so a lever change never shifts the shock stream (model.md §2) and adding a parameter,
//! row or event leaves every other draw unchanged.

use super::rng::{keyed, keyed_parts};
use super::vars::{value, Var};
use crate::market::model::PathModel;
use crate::market::state::{Shocks, State};
use crate::market::step::{basin_sdn_share, step, Batch, MonthCtx, StepDiag, Work};
use crate::policy::calendar::days_in_month;
use crate::policy::calendar::Date;
use crate::policy::events::{Fired, PolicyPath};
use crate::policy::levers::{LeverSet, NONE_CAP};
use crate::policy::tree::{Cancel, ExitKind, Prob, Tree};
use crate::scenario::{Init, Scenario};
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Poisson};

/// The EU dynamic cap is reviewed every `cap.eu_review_months` counted from 2025-09-03 (EU 18th
/// package, scenarios.md §1.4), applied from the 3rd of the review month (errata 16).
const CAP_REVIEW_ANCHOR: i32 = 2025 * 12 + 8;
const CAP_REVIEW_DAY: u32 = 3;

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
    main: ChaCha8Rng,
    buyer_rngs: Vec<ChaCha8Rng>,
    aux: ChaCha8Rng,
    shocks: Shocks,
    iid: Vec<f64>,
    fired: Vec<Fired>,
    batches: Vec<Batch>,
    pub month: i32,
    pub diag: PathDiag,
    trees: Vec<TreePath>,
}

/// Exits taken in one month of one tree, at most (a guard against zero-lag cycles).
const MAX_HOPS_PER_MONTH: usize = 64;

/// What a path did in one event tree: the month (index from the start, 0-based) in which it
/// first entered each node, and the branch it took the first time it took each branching
/// exit (`[node][exit]`).
#[derive(Debug, Clone, PartialEq)]
pub struct TreeRecord {
    pub first_entry: Vec<Option<usize>>,
    pub first_branch: Vec<Vec<Option<usize>>>,
}

/// One tree's state on one path.
#[derive(Clone)]
struct TreePath {
    /// Exit draws (hazards, lags, branches); per-path probabilities are drawn first.
    rng: ChaCha8Rng,
    /// Draws of the nodes' entry actions.
    actions_rng: ChaCha8Rng,
    /// Per-path hazard of each exit (`[node][exit]`, 0 for other kinds).
    hazard: Vec<Vec<f64>>,
    /// Per-path hazard of each step of each exit's `schedule` (`[node][exit][step]`).
    steps: Vec<Vec<Vec<f64>>>,
    /// Per-path cumulative branch probabilities of each exit.
    cum: Vec<Vec<Vec<f64>>>,
    node: usize,
    entered: Date,
    /// Month in which each `after` exit of the current node fires.
    due: Vec<Option<i32>>,
    /// Sequence ranges in the policy queue of cancellable node actions, with their rule.
    cancellable: Vec<(u32, u32, Cancel)>,
    record: TreeRecord,
}

/// Brent level at which a price-linked hazard equals its written value (scenarios.md §5).
const PRICE_LINK_REF_USD: f64 = 70.0;

impl TreePath {
    fn new(tree: &Tree, seed: u64, path: u64) -> TreePath {
        let mut rng = keyed(seed, path, &format!("tree.{}", tree.id));
        let actions_rng = keyed(seed, path, &format!("tree.{}.actions", tree.id));
        let mut hazard = Vec::new();
        let mut steps = Vec::new();
        let mut cum = Vec::new();
        for n in &tree.nodes {
            let mut hz = Vec::new();
            let mut st = Vec::new();
            let mut cs = Vec::new();
            for e in &n.exits {
                hz.push(match &e.kind {
                    ExitKind::Hazard(d) => d.sample(&mut rng).clamp(0.0, 1.0),
                    _ => 0.0,
                });
                // Drawn right after the base hazard, so files without schedules keep their draws.
                st.push(
                    e.schedule
                        .iter()
                        .map(|s| s.value.sample(&mut rng).clamp(0.0, 1.0))
                        .collect(),
                );
                let mut ps: Vec<f64> = e
                    .probs
                    .iter()
                    .map(|p| match p {
                        Prob::Dist(d) => d.sample(&mut rng).clamp(0.0, 1.0),
                        Prob::Rest => 0.0,
                    })
                    .collect();
                if let Some(r) = e.probs.iter().position(|p| *p == Prob::Rest) {
                    let others: f64 = ps.iter().sum();
                    ps[r] = (1.0 - others).max(0.0);
                }
                let mut acc = 0.0;
                cs.push(
                    ps.iter()
                        .map(|p| {
                            acc += p;
                            acc
                        })
                        .collect(),
                );
            }
            hazard.push(hz);
            steps.push(st);
            cum.push(cs);
        }
        TreePath {
            rng,
            actions_rng,
            hazard,
            steps,
            cum,
            node: tree.start,
            entered: Date { month: 0, day: 1 },
            due: Vec::new(),
            cancellable: Vec::new(),
            record: TreeRecord {
                first_entry: vec![None; tree.nodes.len()],
                first_branch: tree
                    .nodes
                    .iter()
                    .map(|n| vec![None; n.exits.len()])
                    .collect(),
            },
        }
    }

    /// Enters `node` on `date`: draws its `after` lags and queues its actions.
    fn enter(
        &mut self,
        tree: &Tree,
        node: usize,
        date: Date,
        start: i32,
        sc: &Scenario,
        policy: &mut PolicyPath,
    ) {
        // Withdraw what entering `node` cancels, before its own actions are queued.
        self.cancellable.retain(|(lo, hi, c)| {
            let hit = c.on_entering.contains(&node);
            if hit {
                policy.cancel(*lo, *hi);
            }
            !hit
        });
        self.node = node;
        self.entered = date;
        let rec = &mut self.record.first_entry[node];
        if rec.is_none() {
            *rec = Some((date.month - start).max(0) as usize);
        }
        let n = &tree.nodes[node];
        self.due.clear();
        for e in &n.exits {
            self.due.push(match &e.kind {
                ExitKind::After { constant, dist } => {
                    let x = constant + dist.map_or(0.0, |d| d.sample(&mut self.rng));
                    Some(date.month + x.round().max(0.0) as i32)
                }
                _ => None,
            });
        }
        for (a, cancel) in n.actions.iter().zip(&n.cancel) {
            let mut ev = a.clone();
            ev.date = date;
            let lo = policy.next_seq();
            policy.inject_event(&ev, &sc.registry, &mut self.actions_rng);
            let hi = policy.next_seq();
            if cancel.any() && hi > lo {
                self.cancellable.push((lo, hi, cancel.clone()));
            }
        }
    }

    /// Monthly probability of hazard exit `k` of the current node in `month`: the last step of
    /// its schedule that has started, else its base value, times the Brent link `γ_G`.
    fn hazard_now(&self, e: &crate::policy::tree::Exit, k: usize, month: i32, x_prev: f64) -> f64 {
        let h = e
            .schedule
            .iter()
            .zip(&self.steps[self.node][k])
            .rev()
            .find(|(s, _)| s.applies(month, self.entered.month))
            .map_or(self.hazard[self.node][k], |(_, h)| *h);
        if e.price_link == 0.0 || !x_prev.is_finite() {
            return h;
        }
        (h * (-e.price_link * (x_prev - PRICE_LINK_REF_USD.ln())).exp()).clamp(0.0, 1.0)
    }

    /// Takes the exits that fire at the start of `month` (chains within the month included).
    fn step(
        &mut self,
        tree: &Tree,
        month: i32,
        x_prev: f64,
        start: i32,
        sc: &Scenario,
        policy: &mut PolicyPath,
    ) {
        for _ in 0..MAX_HOPS_PER_MONTH {
            let node = &tree.nodes[self.node];
            let mut taken = None;
            for (k, e) in node.exits.iter().enumerate() {
                let fires = match &e.kind {
                    ExitKind::At(d) => d.month == month && *d >= self.entered,
                    ExitKind::Hazard(_) => {
                        self.entered.month < month
                            && self.rng.random::<f64>() < self.hazard_now(e, k, month, x_prev)
                    }
                    ExitKind::After { .. } => self.due[k].is_some_and(|m| m <= month),
                };
                if fires {
                    let date = match &e.kind {
                        ExitKind::At(d) => *d,
                        _ => Date { month, day: 1 },
                    };
                    taken = Some((k, date));
                    break;
                }
            }
            let Some((k, date)) = taken else {
                return;
            };
            let e = &node.exits[k];
            let b = if e.branches() {
                let u = self.rng.random::<f64>();
                let cum = &self.cum[self.node][k];
                cum.iter().position(|c| u < *c).unwrap_or(cum.len() - 1)
            } else {
                0
            };
            let slot = &mut self.record.first_branch[self.node][k];
            if slot.is_none() {
                *slot = Some(b);
            }
            let to = e.to[b];
            self.cancellable.retain(|(lo, hi, c)| {
                if c.on_exit {
                    policy.cancel(*lo, *hi);
                }
                !c.on_exit
            });
            self.enter(tree, to, date, start, sc, policy);
        }
    }
}

impl<'a> PathSim<'a> {
    pub fn new(sc: &'a Scenario, seed: u64, path: u64) -> PathSim<'a> {
        let main = keyed(seed, path, "shocks");
        let aux = keyed(seed, path, "designations");
        let p = sc.params.draw_correlated(&sc.correlations, |name| {
            keyed_parts(seed, path, "param.", name)
        });
        let model = PathModel::new(&sc.market, p, |key| keyed_parts(seed, path, "market.", key));
        let buyer_rngs = sc
            .market
            .buyers
            .iter()
            .map(|b| keyed_parts(seed, path, "shocks.buyer.", &b.id))
            .collect();
        let ids = &sc.registry.ids;
        // Errata N4: levers that are also priors default to the path's draw.
        let mut initial = sc.registry.defaults();
        initial.set(ids.cap_enforcement, model.p.enforcement);
        initial.set(ids.cap_attestation_usd, model.p.attestation);
        initial.set(ids.supply_opec_spare_mbd, model.p.opec_spare);
        initial.set(ids.fleet_western_capacity, model.fc_max);
        for &id in &ids.tariff_snapback_prob {
            initial.set(id, model.p.snapback_prob);
        }
        let keys = event_keys(sc);
        let policy = PolicyPath::new(&sc.events, &sc.registry, &initial, sc.start, |i| {
            keyed(seed, path, &keys[i])
        });
        let mut policy = policy;
        // Event trees: own keyed streams, so scenarios without trees draw nothing new.
        let mut trees = Vec::with_capacity(sc.trees.len());
        for tree in &sc.trees {
            let mut tp = TreePath::new(tree, seed, path);
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
            shocks: Shocks::zeros(&model),
            iid: vec![0.0; model.n_normals],
            model,
            state,
            policy,
            levers,
            work,
            main,
            buyer_rngs,
            aux,
            fired: Vec::new(),
            batches: Vec::new(),
            month: sc.start,
            diag: PathDiag::default(),
            trees,
        };
        sim.pre_step();
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
        s.d_prev.copy_from_slice(&st.d_prev);
        s.n_prev.copy_from_slice(&st.n_prev);
        s.q_prev.copy_from_slice(&st.q_prev);
        s.p_prev = st.p_prev;
        let urals = o.n[self.model.primary];
        s.pbar = st.p_prev;
        s.ubar = [urals; 5];
        // The pre-start month is not the scenario's first month (russia_revenue_change_usd_bn).
        self.work.out.revenue_first_bn = None;
    }

    /// Runs month `self.month` and advances. The outcome is in `self.work.out`.
    pub fn step_month(&mut self) -> StepDiag {
        let ids = &self.sc.registry.ids;
        let month = self.month;
        // Event trees first, in file order: their entry actions dated this month apply now.
        for (tree, tp) in self.sc.trees.iter().zip(self.trees.iter_mut()) {
            let x_prev = self.state.x_prev;
            tp.step(
                tree,
                month,
                x_prev,
                self.sc.start,
                self.sc,
                &mut self.policy,
            );
        }
        // Dynamic cap review (errata 16): from the previous five months, from the review day,
        // and `none` wins.
        let since = month - CAP_REVIEW_ANCHOR;
        let every = self
            .policy
            .current(ids.cap_eu_review_months)
            .round()
            .max(1.0) as i32;
        if self.policy.current(ids.cap_eu_mode) > 0.5 && since > 0 && since % every == 0 {
            let cap_now = self.policy.current(ids.cap_eu_usd);
            if cap_now < NONE_CAP * 0.5 {
                let v =
                    (self.policy.current(ids.cap_eu_dyn_factor) * self.state.ubar_mean()).max(0.0);
                self.policy
                    .inject_set(month, CAP_REVIEW_DAY, ids.cap_eu_usd, v);
            }
        }
        self.policy
            .advance(month, &mut self.levers, &mut self.fired);
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
            &self.batches,
            &self.shocks,
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
        self.diag.count_edges(&self.model, &self.state, &self.work);
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

    /// Draws everything random the month consumes after the policy calendar has advanced:
    /// the fixed shock block and the designation batches (scheduled ones from `fired`, then
    /// Poisson-random ones). Separate from [`PathSim::step_month`] so the benchmarks can time
    /// the draws alone, from the same keyed streams.
    pub fn draw_random(&mut self) {
        let ids = &self.sc.registry.ids;
        self.shocks.draw(
            &self.model,
            &mut self.main,
            &mut self.buyer_rngs,
            &mut self.iid,
        );
        // Designation batches: scheduled ones, then Poisson-random ones unless relief is active.
        self.batches.clear();
        for f in &self.fired {
            if let Fired::Batch { share, us } = *f {
                self.batches.push(Batch { share, us });
            }
        }
        let rate = self.levers.get(ids.fleet_designation_rate);
        if !self.levers.flag(ids.relief_active) && rate > 0.0 {
            let n = Poisson::new(rate)
                .map(|d| d.sample(&mut self.aux) as u32)
                .unwrap_or(0);
            let mean = self
                .levers
                .get(ids.fleet_designation_mean_share)
                .clamp(1e-6, 0.5);
            let beta = Beta::new(mean * 20.0, (1.0 - mean) * 20.0).ok();
            let us_prob = self.levers.get(ids.fleet_designation_us_prob);
            for _ in 0..n {
                let share = beta.as_ref().map_or(mean, |b| b.sample(&mut self.aux));
                let us = self.aux.random::<f64>() < us_prob;
                self.batches.push(Batch { share, us });
            }
        }
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
        for (v, slot) in vars.iter().zip(out.iter_mut()) {
            let x = value(v, &self.sc.market, &self.work.alt, &self.work.out);
            if !x.is_finite() && !v.unit.is_empty() {
                self.diag.nonfinite += 1;
            }
            *slot = x;
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

/// The explicit initial state for a 2025-08 start (model.md §3, errata N2).
fn initial_state(sc: &Scenario, m: &PathModel, lv: &LeverSet) -> State {
    let ids = &sc.registry.ids;
    let p = &m.p;
    let mut st = State::sized(m);
    let p0 = sc.brent_p0.max(1e-6);
    st.xi = sc.brent_f24.unwrap_or(p0).max(1e-6).ln();
    st.chi = p0.ln() - st.xi;
    st.x_prev = p0.ln();
    st.u_prev = p.u_star;
    st.inv = p.inv_target;
    for b in 0..m.n_basins {
        st.s_prev[b] = basin_sdn_share(lv, ids, b);
    }
    if sc.init == Init::Unsanctioned {
        // No designation history: the shadow fleet stands at its 2024 calibration F0,
        // nothing is designated or laundered yet, ψ and A_j at their post-wave value 1.
        st.laundering.iter_mut().for_each(|l| *l = 0.0);
        st.psi.iter_mut().for_each(|x| *x = 1.0);
        st.adapt.iter_mut().for_each(|x| *x = 1.0);
        st.fleet = m.f0;
        st.fdes_us = 0.0;
        set_prev_policy(&mut st, m, lv, sc);
        return st;
    }
    let age = p.wave_age_months.max(0.0);
    let laundered = 1.0 - (-age / p.h_laundering.max(1e-6)).exp2();
    st.laundering.iter_mut().for_each(|l| *l = laundered);
    let psi = (-age / p.h_margin.max(1e-6)).exp2();
    st.psi.iter_mut().for_each(|x| *x = psi);
    let a = (-age / p.t_adapt.max(1e-6)).exp2();
    st.adapt.iter_mut().for_each(|x| *x = a);
    let removed = m.f0 * p.b_jan25 * p.desig_eff_us;
    st.fleet = m.f0 - removed;
    st.fdes_us = removed;
    // Errata 9: the months since the 2025-01-10 batch also rebuilt the fleet (toward κ_F·Φ,
    // at the 2024 requirement) and let some designated tankers re-enter.
    for _ in 0..age.round() as u32 {
        st.fleet +=
            p.fleet_rebuild * (m.kappa_f * m.phi_2024 - st.fleet) + p.reentry_us * st.fdes_us;
        st.fdes_us *= 1.0 - p.reentry_us;
    }
    set_prev_policy(&mut st, m, lv, sc);
    st
}

/// Tariff and secondary levers in force at the start, so month 1 sees no spurious increase.
fn set_prev_policy(st: &mut State, m: &PathModel, lv: &LeverSet, sc: &Scenario) {
    let ids = &sc.registry.ids;
    for j in 0..m.n_buyers {
        st.tariff_prev[j] = lv.get(ids.tariff_rate[j]);
        st.secondary_prev[j] = (
            lv.get(ids.secondary_capacity_cut[j]),
            lv.get(ids.secondary_risk_wedge_usd[j]),
            lv.get(ids.secondary_pipeline_block_prob[j]),
        );
    }
}
