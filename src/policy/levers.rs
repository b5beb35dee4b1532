//! The lever registry (model.md §5): every policy knob the model reads, by name.
//!
//! Policy enters the model only through these levers. Names with `<buyer>`, `<id>` or
//! `<basin>` are expanded against the market file's rows at load time, so adding a buyer adds
//! levers without touching code. A lever's value is one `f64` per path and month in a flat
//! [`LeverSet`]; booleans are 0/1, enums are the index of their variant, a cap of `none` is
//! [`NONE_CAP`].

use std::collections::HashMap;

pub use super::lever_ids::LeverIds;

/// A cap of `none` is stored as this many $/bbl: no price is ever above it, and it
/// pro-rates to "effectively none" (errata N11).
pub const NONE_CAP: f64 = 1e9;

/// Index of a lever in a [`LeverSet`].
pub type LeverId = usize;

/// What kind of value a lever holds, which fixes the actions allowed on it.
#[derive(Debug, Clone, PartialEq)]
pub enum LeverKind {
    /// A continuous number in `[min, max]`; `none_ok` levers also take `"none"`.
    Number {
        min: f64,
        max: f64,
        none_ok: bool,
    },
    Bool,
    Enum(&'static [&'static str]),
    /// Fires once in the month of its date; never pro-rated.
    Action(ActionKind),
}

/// The one-off actions of model.md §5 and the state levers that act on model state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionKind {
    /// `{ add_share, wind_down_months }`.
    SdnWave,
    /// `{ share, authority = "us" | "eu" }`.
    DesignationBatch,
    /// A number (or distribution) in log points added to the risk premium.
    RiskJump,
    /// `set` or `scale` the shadow-fleet state F.
    ShadowCapacity,
}

/// One registered lever.
#[derive(Debug, Clone)]
pub struct LeverDef {
    pub name: String,
    pub kind: LeverKind,
    pub unit: &'static str,
    pub default: f64,
    /// Where the model reads it (for docs and `explain`).
    pub enters: &'static str,
}

/// Enum variants, in index order.
pub const CAP_MODES: &[&str] = &["fixed", "dynamic"];
pub const CAP_AUTHORITIES: &[&str] = &["eu", "us", "min"];
pub const STANCE_FORCES: &[&str] = &["auto", "buy", "halt"];
pub const AUTHORITIES: &[&str] = &["us", "eu"];

/// Sentinel for `tariff.<buyer>.snapback_rate`: "the rate in force at the halt".
pub const SNAPBACK_AT_HALT: f64 = -1.0;

/// Sentinel for `compliance.<buyer>.share`: "the path's draw of the market file's
/// `compliance_share`" (D35).
pub const COMPLIANCE_FROM_MARKET: f64 = -1.0;

/// Row data the wildcards expand against.
#[derive(Debug, Clone, Default)]
pub struct RegistryRows {
    pub buyers: Vec<String>,
    /// Market-file defaults per buyer: `capacity_scale` and `exposed_exports_bn`.
    pub buyer_capacity_scale: Vec<f64>,
    pub buyer_exposed_exports_bn: Vec<f64>,
    pub pipelines: Vec<String>,
    pub basins: Vec<String>,
}

/// All levers of one market, with name lookup.
#[derive(Debug, Clone)]
pub struct LeverRegistry {
    pub defs: Vec<LeverDef>,
    pub(super) by_name: HashMap<String, LeverId>,
    pub ids: LeverIds,
}

fn num(min: f64, max: f64) -> LeverKind {
    LeverKind::Number {
        min,
        max,
        none_ok: false,
    }
}

impl LeverRegistry {
    pub fn new(rows: &RegistryRows) -> Self {
        let mut defs: Vec<LeverDef> = Vec::new();
        let mut add = |name: String,
                       kind: LeverKind,
                       unit: &'static str,
                       default: f64,
                       enters: &'static str| {
            defs.push(LeverDef {
                name,
                kind,
                unit,
                default,
                enters,
            });
            defs.len() - 1
        };
        let cap = LeverKind::Number {
            min: 0.0,
            max: NONE_CAP,
            none_ok: true,
        };
        let inf = f64::INFINITY;
        let cap_eu_usd = add(
            "cap.eu_usd".into(),
            cap.clone(),
            "$/bbl or none",
            NONE_CAP,
            "cap c_t (§4.7)",
        );
        let cap_eu_mode = add(
            "cap.eu_mode".into(),
            LeverKind::Enum(CAP_MODES),
            "fixed|dynamic",
            0.0,
            "dynamic cap review (§4.0)",
        );
        let cap_eu_dyn_factor = add(
            "cap.eu_dyn_factor".into(),
            num(0.5, 1.0),
            "-",
            0.85,
            "dynamic cap = factor x mean Urals of 5 months",
        );
        let cap_eu_review_months = add(
            "cap.eu_review_months".into(),
            num(1.0, 120.0),
            "months",
            6.0,
            "dynamic cap review cadence",
        );
        let cap_us_usd = add(
            "cap.us_usd".into(),
            cap,
            "$/bbl or none",
            NONE_CAP,
            "cap c_t if authority is us or min",
        );
        let cap_authority = add(
            "cap.authority".into(),
            LeverKind::Enum(CAP_AUTHORITIES),
            "eu|us|min",
            0.0,
            "selects c_t",
        );
        let cap_enforcement = add(
            "cap.enforcement".into(),
            num(0.0, 1.0),
            "probability",
            0.3,
            "capped netback n^c; Western capacity F^c",
        );
        let cap_attestation_usd = add(
            "cap.attestation_usd".into(),
            num(0.0, 3.0),
            "$/bbl",
            0.5,
            "capped netback n^c",
        );
        let cap_services_ban = add(
            "cap.services_ban".into(),
            LeverKind::Bool,
            "bool",
            0.0,
            "F^c = 0",
        );
        let cap_refusal_prob = add(
            "cap.refusal_prob".into(),
            num(0.0, 1.0),
            "/month",
            0.0,
            "Russia refuses the capped tranche",
        );
        let fleet_shadow_capacity = add(
            "fleet.shadow_capacity".into(),
            LeverKind::Action(ActionKind::ShadowCapacity),
            "flow-months",
            0.0,
            "state F_t (set/scale)",
        );
        let fleet_western_capacity = add(
            "fleet.western_capacity".into(),
            num(0.0, inf),
            "flow-months",
            0.0,
            "F^c_max (§4.7); default calibrated per path",
        );
        let fleet_designation_rate = add(
            "fleet.designation.rate".into(),
            num(0.0, 4.0),
            "batches/month",
            0.5,
            "Poisson designation batches (§4.0)",
        );
        let fleet_designation_mean_share = add(
            "fleet.designation.mean_share".into(),
            num(0.0, 0.5),
            "share of F",
            0.05,
            "Beta batch size",
        );
        let fleet_designation_us_prob = add(
            "fleet.designation.us_prob".into(),
            num(0.0, 1.0),
            "probability",
            0.3,
            "authority of a random batch",
        );
        let fleet_designation_batch = add(
            "fleet.designation.batch".into(),
            LeverKind::Action(ActionKind::DesignationBatch),
            "{share, authority}",
            0.0,
            "one-off batch (§4.1)",
        );
        let sdn_share = add(
            "sdn.share".into(),
            num(0.0, 1.0),
            "share",
            0.0,
            "M_r, h_r, w_b (§4.4)",
        );
        let sdn_wave = add(
            "sdn.wave".into(),
            LeverKind::Action(ActionKind::SdnWave),
            "{add_share, wind_down_months[, basins]}",
            0.0,
            "ramps sdn.share; resets psi, A, L (§4.1)",
        );
        let relief_active = add(
            "relief.active".into(),
            LeverKind::Bool,
            "bool",
            0.0,
            "h_r - dh_relief; random batches stop",
        );
        let supply_russia_exports_adj = add(
            "supply.russia_exports_adj".into(),
            num(-3.0, 1.0),
            "mb/d",
            0.0,
            "added to X (§4.2.5), ramp-limited",
        );
        let supply_ramp_mbd = add(
            "supply.ramp_mbd".into(),
            num(1e-6, inf),
            "mb/d per month",
            0.45,
            "ramp limit of the export adjustment",
        );
        let supply_opec_spare_mbd = add(
            "supply.opec_spare_mbd".into(),
            num(0.0, 6.0),
            "mb/d",
            3.0,
            "K^sp (§4.8); default drawn per path",
        );
        let risk_premium_jump = add(
            "risk_premium.jump".into(),
            LeverKind::Action(ActionKind::RiskJump),
            "log points",
            0.0,
            "adds to pi_t (§4.2.2)",
        );

        let mut per = |pattern: &str,
                       names: &[String],
                       kind: LeverKind,
                       unit: &'static str,
                       defaults: &dyn Fn(usize) -> f64,
                       enters: &'static str|
         -> Vec<LeverId> {
            names
                .iter()
                .enumerate()
                .map(|(i, n)| {
                    add(
                        pattern.replace('*', n),
                        kind.clone(),
                        unit,
                        defaults(i),
                        enters,
                    )
                })
                .collect()
        };
        let b = &rows.buyers;
        let zero = |_: usize| 0.0;
        let tariff_rate = per(
            "tariff.*.rate",
            b,
            num(0.0, 5.0),
            "fraction",
            &zero,
            "stance cost (§4.3); dh_tar (§4.4)",
        );
        let tariff_base_rate = per(
            "tariff.*.base_rate",
            b,
            num(0.0, 5.0),
            "fraction",
            &zero,
            "reported only",
        );
        let exp = rows.buyer_exposed_exports_bn.clone();
        let tariff_exposed_exports_bn = per(
            "tariff.*.exposed_exports_bn",
            b,
            num(0.0, inf),
            "$bn/yr",
            &|i| exp.get(i).copied().unwrap_or(0.0),
            "stance cost",
        );
        let tariff_snapback_rate = per(
            "tariff.*.snapback_rate",
            b,
            LeverKind::Number {
                min: 0.0,
                max: 5.0,
                none_ok: false,
            },
            "fraction",
            &|_| SNAPBACK_AT_HALT,
            "rate restored by a snapback (default: rate at halt)",
        );
        let tariff_snapback_prob = per(
            "tariff.*.snapback_prob",
            b,
            num(0.0, 1.0),
            "/month",
            &|_| 0.3,
            "resume hazard; default drawn per path",
        );
        let secondary_capacity_cut = per(
            "secondary.*.capacity_cut",
            b,
            num(0.0, 1.0),
            "share",
            &zero,
            "M_r",
        );
        let secondary_risk_wedge_usd = per(
            "secondary.*.risk_wedge_usd",
            b,
            num(0.0, 20.0),
            "$/bbl",
            &zero,
            "h_r",
        );
        let secondary_pipeline_block_prob = per(
            "secondary.*.pipeline_block_prob",
            b,
            num(0.0, 1.0),
            "/month",
            &zero,
            "blocks the buyer's pipelines this month",
        );
        let carrot_value_bn = per(
            "carrot.*.value_bn",
            b,
            num(0.0, inf),
            "$bn/yr",
            &zero,
            "stance cost",
        );
        let cs = rows.buyer_capacity_scale.clone();
        let buyer_capacity_scale = per(
            "buyer.*.capacity_scale",
            b,
            num(0.0, 2.0),
            "multiplier",
            &|i| cs.get(i).copied().unwrap_or(1.0),
            "M_r",
        );
        let stance_force = per(
            "stance.*.force",
            b,
            LeverKind::Enum(STANCE_FORCES),
            "auto|buy|halt",
            &zero,
            "overrides the stance hazard",
        );
        let pipeline_availability = per(
            "pipeline.*.availability",
            &rows.pipelines,
            num(0.0, 1.0),
            "share",
            &|_| 1.0,
            "Q_p (§4.5)",
        );
        let sdn_basin_share = per(
            "sdn.*.share",
            &rows.basins,
            num(0.0, 1.0),
            "share",
            &|_| 0.0,
            "designated share of the basin's exports on top of sdn.share (D33); ramped by a wave with `basins`",
        );
        let freight_scale = per(
            "freight.*.scale",
            &rows.basins,
            num(0.2, 5.0), // down to 0.2: pre-war short-haul W freight is 0.27 of 2024 (backtest B1)
            "multiplier",
            &|_| 1.0,
            "freight on the basin's routes (§4.2.4)",
        );
        let compliance_share = per(
            "compliance.*.share",
            b,
            num(0.0, 1.0),
            "share",
            &|_| COMPLIANCE_FROM_MARKET,
            "c_j: compliant share of the buyer's intake (D35); default: the market file's draw",
        );
        let pledge_cut = per(
            "pledge.*.cut",
            b,
            num(0.0, 1.0),
            "share",
            &zero,
            "pledged share of the buyer's Russian intake to stop (D36); ramp it for a gradual pledge",
        );

        let ids = LeverIds {
            cap_eu_usd,
            cap_eu_mode,
            cap_eu_dyn_factor,
            cap_eu_review_months,
            cap_us_usd,
            cap_authority,
            cap_enforcement,
            cap_attestation_usd,
            cap_services_ban,
            cap_refusal_prob,
            fleet_shadow_capacity,
            fleet_western_capacity,
            fleet_designation_rate,
            fleet_designation_mean_share,
            fleet_designation_us_prob,
            fleet_designation_batch,
            sdn_share,
            sdn_wave,
            relief_active,
            supply_russia_exports_adj,
            supply_ramp_mbd,
            supply_opec_spare_mbd,
            risk_premium_jump,
            tariff_rate,
            tariff_base_rate,
            tariff_exposed_exports_bn,
            tariff_snapback_rate,
            tariff_snapback_prob,
            secondary_capacity_cut,
            secondary_risk_wedge_usd,
            secondary_pipeline_block_prob,
            carrot_value_bn,
            buyer_capacity_scale,
            stance_force,
            pipeline_availability,
            freight_scale,
            sdn_basin_share,
            compliance_share,
            pledge_cut,
        };
        let by_name = defs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), i))
            .collect();
        LeverRegistry { defs, by_name, ids }
    }
}

pub use super::lever_set::LeverSet;

#[cfg(test)]
mod tests;
