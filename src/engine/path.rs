//! One Monte Carlo path: its RNG streams, parameter draw, explicit initial state (errata N2),
//! policy timeline, and the month loop around the pure market step.
//!
//! Streams are keyed by what they feed (`engine::rng::keyed`): `shocks` for the fixed-size
//! monthly block, `shocks.buyer.<id>` per buyer, `designations` for the variable-count batch
//! draws, `param.<name>`, `market.<row>` and `event.<lever>.<date>.<k>` for the per-path draws,
//! so a lever change never shifts the shock stream (model.md §5.8) and adding a parameter,
//! row or event leaves every other draw unchanged.

use super::rng::keyed;
use super::vars::{value, Var};
use crate::market::model::PathModel;
use crate::market::state::{Shocks, State};
use crate::market::step::{step, Batch, MonthCtx, StepDiag, Work};
use crate::policy::calendar::days_in_month;
use crate::policy::events::{Fired, PolicyPath};
use crate::policy::levers::{LeverSet, NONE_CAP};
use crate::scenario::Scenario;
use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Beta, Distribution, Poisson};

/// The EU dynamic cap is reviewed every `cap.eu_review_months` counted from 2025-09-03 (EU 18th
/// package, model.md §3.5), applied from the 3rd of the review month (errata 16).
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
}

impl<'a> PathSim<'a> {
    pub fn new(sc: &'a Scenario, seed: u64, path: u64) -> PathSim<'a> {
        let main = keyed(seed, path, "shocks");
        let aux = keyed(seed, path, "designations");
        let p = sc
            .params
            .draw_keyed(|name| keyed(seed, path, &format!("param.{name}")));
        let model = PathModel::new(&sc.market, p, |key| {
            keyed(seed, path, &format!("market.{key}"))
        });
        let buyer_rngs = sc
            .market
            .buyers
            .iter()
            .map(|b| keyed(seed, path, &format!("shocks.buyer.{}", b.id)))
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
        s.nbar = urals;
        s.ubar = [urals; 5];
    }

    /// Runs month `self.month` and advances. The outcome is in `self.work.out`.
    pub fn step_month(&mut self) -> StepDiag {
        let ids = &self.sc.registry.ids;
        let month = self.month;
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
        self.month += 1;
        d
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

/// The explicit initial state for a 2025-08 start (model.md §4, errata N2).
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
    let s = lv.get(ids.sdn_share);
    st.s_prev = s;
    let age = p.wave_age_months.max(0.0);
    st.laundering = 1.0 - (-age / p.h_laundering.max(1e-6)).exp2();
    st.psi = (-age / p.h_margin.max(1e-6)).exp2();
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
    for j in 0..m.n_buyers {
        st.tariff_prev[j] = lv.get(ids.tariff_rate[j]);
        st.secondary_prev[j] = (
            lv.get(ids.secondary_capacity_cut[j]),
            lv.get(ids.secondary_risk_wedge_usd[j]),
            lv.get(ids.secondary_pipeline_block_prob[j]),
        );
    }
    st
}
