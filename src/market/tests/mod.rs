//! Unit tests of the month's sub-steps on a hand-built path: a small market written inline,
//! the parameters at their medians, a state set field by field, and shocks chosen by hand. No
//! scenario file, no engine: each sub-step is called as the pure function it is.
//!
//! `reference` holds table-driven reference values with tolerances (in the manner of statrs)
//! for the logistic, the route demand, the basin root and the Brent root; `substeps` one test
//! per sub-step of [`super::step::step`] and the step itself.

mod reference;
mod substeps;

use super::data::{Market, MarketFile};
use super::model::PathModel;
use super::params::ParamSpec;
use super::state::{Shocks, State};
use super::work::{MonthCtx, StepDiag, Work};
use crate::policy::calendar::month_idx;
use crate::policy::levers::{LeverIds, LeverRegistry, LeverSet, RegistryRows};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// One basin `W`, a stance buyer `IN` with a route, `CN` with a route and a pipeline off `W`.
const MARKET: &str = r#"
description = "hand-built test market"

[[basin]]
id = "W"
port_cap_mbd = 4.0
seller_wedge_usd = 10.0

[[buyer]]
id = "IN"
exposed_exports_bn = 58.0

[buyer.stance]
welfare_loss = 0.3
political_value_bn = 4.0
noise_bn = 1.5
base_hazard = 0.5
halt_depth = 0.8
snapback_threshold_share = 0.5

[[buyer]]
id = "CN"

[[route]]
from = "W"
to = "IN"
capacity_mbd = 2.5
half_saving_usd = 5.0
dispersion_usd = 2.0
freight_usd = 3.0
insurance_usd = 0.5
round_trip_months = 2.0

[[route]]
from = "W"
to = "CN"
capacity_mbd = 2.0
half_saving_usd = 5.0
dispersion_usd = 2.0
freight_usd = 4.0
insurance_usd = 0.5
round_trip_months = 3.0

[[pipeline]]
id = "ESPO"
buyer = "CN"
priced_off = "W"
capacity_mbd = 0.6
fallback = "W"
"#;

/// Everything one month needs, built by hand.
pub(super) struct Path {
    pub m: PathModel,
    pub st: State,
    pub lv: LeverSet,
    pub ids: LeverIds,
    pub w: Work,
    pub sh: Shocks,
    pub ctx: MonthCtx,
}

pub(super) fn market() -> Market {
    let f: MarketFile = toml::from_str(MARKET).expect("test market parses");
    Market::from_file(f).expect("test market is valid")
}

/// The path at its parameter medians, Brent at $70 with no premium, outages or sanctions
/// history, the fleet at its 2024 calibration, August 2025, zero shocks.
pub(super) fn path() -> Path {
    let mkt = market();
    let p = ParamSpec::default().medians();
    let m = PathModel::new(&mkt, p, |_| ChaCha8Rng::seed_from_u64(7));
    let reg = LeverRegistry::new(&RegistryRows {
        buyers: vec!["IN".into(), "CN".into()],
        buyer_capacity_scale: vec![1.0, 1.0],
        buyer_exposed_exports_bn: vec![58.0, 0.0],
        pipelines: vec!["ESPO".into()],
        basins: vec!["W".into()],
    });
    let ids = reg.ids.clone();
    let mut lv = reg.defaults();
    // The run defaults that the engine takes from the path's draws (errata N4).
    lv.set(ids.cap_enforcement, m.p.enforcement);
    lv.set(ids.cap_attestation_usd, m.p.attestation);
    lv.set(ids.supply_opec_spare_mbd, m.p.opec_spare);
    lv.set(ids.fleet_western_capacity, m.fc_max);
    for &id in &ids.tariff_snapback_prob {
        lv.set(id, m.p.snapback_prob);
    }
    let mut st = State::sized(&m);
    let x = 70f64.ln();
    st.xi = x;
    st.chi = 0.0;
    st.x_prev = x;
    st.p_prev = 70.0;
    st.pbar = 70.0;
    st.ubar = [50.0; 5];
    st.fleet = m.f0;
    st.psi.iter_mut().for_each(|v| *v = 1.0);
    let w = Work::new(&m);
    let sh = Shocks::zeros(&m);
    let ctx = MonthCtx {
        month: month_idx("2025-08").unwrap(),
        days: 31.0,
    };
    Path {
        m,
        st,
        lv,
        ids,
        w,
        sh,
        ctx,
    }
}

impl Path {
    /// One month of [`super::step::step`] with no fired actions and no designation batches.
    pub fn step(&mut self) -> StepDiag {
        super::step::step(
            &self.m,
            &mut self.st,
            &self.lv,
            &self.ids,
            &[],
            &[],
            &self.sh,
            self.ctx,
            &mut self.w,
        )
    }
}

/// `|got − want| ≤ tol`, with a message naming the case.
#[track_caller]
pub(super) fn close(got: f64, want: f64, tol: f64, what: &str) {
    assert!(
        (got - want).abs() <= tol,
        "{what}: got {got}, want {want} (tolerance {tol}, off by {})",
        (got - want).abs()
    );
}
