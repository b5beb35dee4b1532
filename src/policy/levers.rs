//! The lever registry (model.md §5): every policy knob the model reads, by name.
//!
//! Policy enters the model only through these levers. Names with `*` are expanded against the
//! market file's rows (buyers, pipelines or basins) at load time, so adding a buyer adds
//! levers without touching code. A lever's value is one `f64` per path and month in a flat
//! [`LeverSet`]; booleans are 0/1, enums are the index of their variant, a cap of `none` is
//! [`NONE_CAP`].
//!
//! **Adding a lever is one row** of the table at the end of this file (`global` for a single
//! knob, `per_row` for one knob per buyer, pipeline or basin): the row declares the
//! [`LeverIds`] field the model reads it through, its name, kind, unit, default and where it
//! enters. Then read it in the model and document it in model.md §5 (docs/architecture.md,
//! "A policy lever").

use std::collections::HashMap;

/// A cap of `none` is stored as this many $/bbl: no price is ever above it, and it
/// pro-rates to "effectively none" (errata N11).
pub const NONE_CAP: f64 = 1e9;

/// D136: the month ran without a cap. A cap lever is day-weighted, so one day of `"none"`
/// (encoded [`NONE_CAP`]) lifts the month's value past 1e9/31 and the step applies no cap;
/// 1e6 $/bbl is far above any cap that can bind and far below that.
pub fn no_cap(lever: f64) -> bool {
    lever >= NONE_CAP * 1e-3
}

/// Largest value of a number lever whose range has no upper end: the "none" cap sentinel, the
/// largest value any lever legitimately takes. Scenario files are checked against it
/// (`scenario::lever_bounds`) and events are held to it at run time ([`LeverRange`], D131).
pub const UNBOUNDED_MAX: f64 = NONE_CAP;

/// The upper end of a number lever's range as enforced, at load and at run time alike (D210):
/// `max`, or [`UNBOUNDED_MAX`] for a range without an upper end.
pub fn enforced_max(max: f64) -> f64 {
    if max.is_finite() {
        max
    } else {
        UNBOUNDED_MAX
    }
}

/// Largest value of `fleet.shadow_capacity` (flow-months for `set`, a multiplier for
/// `scale`), and so of the shadow-fleet state F that it sets (D85, D131).
pub const SHADOW_CAPACITY_MAX: f64 = 1e6;

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
    /// `{ share, authority = "us" | "eu" | "uk" }`.
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

/// Where events may take a number lever at run time (D131): `[min, max]` of its registry
/// range (a range without an upper end stops at [`UNBOUNDED_MAX`]), plus its sentinel, if it
/// has one: the "none" of a cap ([`NONE_CAP`]), or a default that lies outside the range
/// ([`SNAPBACK_AT_HALT`], [`COMPLIANCE_FROM_MARKET`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LeverRange {
    pub min: f64,
    pub max: f64,
    pub sentinel: Option<f64>,
}

impl LeverRange {
    /// The value an event leaves the lever with, given the value `before` it and the value
    /// `after` its action computed (`arithmetic`: an `add`, `scale` or a wave's share ramp).
    ///
    /// - The sentinel is kept exactly: a lever holds its sentinel or a value in `[min, max]`.
    /// - A sentinel is not a number: `add` and `scale` leave a lever that holds it unchanged
    ///   (a cap of none stays none, the market's draw of a compliance share stays the draw);
    ///   `set`, `ramp` and `pulse` replace it.
    /// - Anything else is clamped to `[min, max]`, and a result that is not a number keeps
    ///   the value before. Statically checked events never reach the clamp
    ///   (`scenario::lever_bounds`); an event-tree node's `add` or `scale` that runs again
    ///   every time the path re-enters the node does, and stops at the range's edge.
    pub fn bound(&self, before: f64, after: f64, arithmetic: bool) -> f64 {
        if let Some(s) = self.sentinel {
            if after == s || (arithmetic && before == s) {
                return s;
            }
        }
        if after.is_nan() {
            return before;
        }
        after.clamp(self.min, self.max)
    }
}

impl LeverDef {
    /// The run-time range of a number lever (D131); `None` for booleans, enums and actions.
    pub fn range(&self) -> Option<LeverRange> {
        let LeverKind::Number { min, max, none_ok } = self.kind else {
            return None;
        };
        let max = enforced_max(max);
        let sentinel = if none_ok {
            Some(NONE_CAP)
        } else if !(min..=max).contains(&self.default) {
            Some(self.default)
        } else {
            None
        };
        Some(LeverRange { min, max, sentinel })
    }
}

/// Enum variants, in index order.
pub const CAP_MODES: &[&str] = &["fixed", "dynamic"];
pub const CAP_AUTHORITIES: &[&str] = &["eu", "us", "min"];
pub const STANCE_FORCES: &[&str] = &["auto", "buy", "halt"];
pub const AUTHORITIES: &[&str] = &["us", "eu", "uk"];

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

impl LeverRegistry {
    pub fn new(rows: &RegistryRows) -> Self {
        let (defs, ids) = register(rows);
        let by_name = defs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.name.clone(), i))
            .collect();
        LeverRegistry { defs, by_name, ids }
    }
}

pub use super::lever_set::LeverSet;

const fn num(min: f64, max: f64) -> LeverKind {
    LeverKind::Number {
        min,
        max,
        none_ok: false,
    }
}

/// A price cap: any non-negative $/bbl, or `"none"`.
const CAP: LeverKind = LeverKind::Number {
    min: 0.0,
    max: NONE_CAP,
    none_ok: true,
};

const INF: f64 = f64::INFINITY;

/// Appends one lever and returns its id.
fn global(
    defs: &mut Vec<LeverDef>,
    name: String,
    kind: LeverKind,
    unit: &'static str,
    default: f64,
    enters: &'static str,
) -> LeverId {
    defs.push(LeverDef {
        name,
        kind,
        unit,
        default,
        enters,
    });
    defs.len() - 1
}

/// Appends one lever per row, `*` in `pattern` replaced by the row's id; `default(i)` is the
/// default of row `i`.
fn per_row(
    defs: &mut Vec<LeverDef>,
    pattern: &str,
    rows: &[String],
    kind: LeverKind,
    unit: &'static str,
    default: impl Fn(usize) -> f64,
    enters: &'static str,
) -> Vec<LeverId> {
    let ids = rows.iter().enumerate().map(|(i, row)| {
        let name = pattern.replace('*', row);
        global(defs, name, kind.clone(), unit, default(i), enters)
    });
    ids.collect()
}

/// Types a per-row default: a function of the market's rows and the row index.
fn row_default<F: Fn(&RegistryRows, usize) -> f64>(f: F) -> F {
    f
}

/// Declares [`LeverIds`] and `register` from the lever table below, so that a lever is
/// named, typed and given an id in one place. Levers are registered in table order (which
/// fixes their ids and the order `explain` lists them in); a per-row lever takes one id per
/// row, in the market file's row order.
macro_rules! levers {
    (
        global {$(
            $(#[$gdoc:meta])*
            $g:ident = $gname:literal, $gkind:expr, $gunit:literal, $gdefault:expr, $genters:literal;
        )*}
        per_row {$(
            $(#[$pdoc:meta])*
            $p:ident = $pname:literal per $rows:ident, $pkind:expr, $punit:literal,
                $pdefault:expr, $penters:literal;
        )*}
    ) => {
        /// Ids of the levers the model reads, resolved once so the hot loop never looks up
        /// names. Per-row levers are indexed like the market file's rows.
        #[derive(Debug, Clone)]
        pub struct LeverIds {
            $( $(#[$gdoc])* pub $g: LeverId, )*
            $( $(#[$pdoc])* pub $p: Vec<LeverId>, )*
        }

        /// Every lever of the table, in table order, and the ids the model reads them by.
        fn register(rows: &RegistryRows) -> (Vec<LeverDef>, LeverIds) {
            let mut defs = Vec::new();
            $( let $g = global(&mut defs, $gname.to_string(), $gkind, $gunit, $gdefault, $genters); )*
            $(
                let d = row_default($pdefault);
                let $p = per_row(&mut defs, $pname, &rows.$rows, $pkind, $punit, |i| d(rows, i), $penters);
            )*
            (defs, LeverIds { $( $g, )* $( $p, )* })
        }
    };
}

// The lever table. Columns: the `LeverIds` field = name, kind, unit, default, where it enters
// the model (model.md section). Per-row levers name the rows they expand over (`per buyers`,
// `per pipelines`, `per basins`) and give the default as a function of (rows, row index).
levers! {
    global {
        cap_eu_usd = "cap.eu_usd", CAP, "$/bbl or none", NONE_CAP, "cap c_t (§4.7)";
        cap_eu_mode = "cap.eu_mode", LeverKind::Enum(CAP_MODES), "fixed|dynamic", 0.0,
            "dynamic cap review (§4.0)";
        cap_eu_dyn_factor = "cap.eu_dyn_factor", num(0.5, 1.0), "-", 0.85,
            "dynamic cap = factor x mean Urals of 5 months";
        cap_eu_review_months = "cap.eu_review_months", num(1.0, 120.0), "months", 6.0,
            "dynamic cap review cadence";
        cap_us_usd = "cap.us_usd", CAP, "$/bbl or none", NONE_CAP,
            "cap c_t if authority is us or min";
        cap_authority = "cap.authority", LeverKind::Enum(CAP_AUTHORITIES), "eu|us|min", 0.0,
            "selects c_t";
        cap_enforcement = "cap.enforcement", num(0.0, 1.0), "probability", 0.3,
            "capped netback n^c; Western capacity F^c";
        cap_attestation_usd = "cap.attestation_usd", num(0.0, 3.0), "$/bbl", 0.5,
            "capped netback n^c";
        cap_services_ban = "cap.services_ban", LeverKind::Bool, "bool", 0.0, "F^c = 0";
        cap_refusal_prob = "cap.refusal_prob", num(0.0, 1.0), "/month", 0.0,
            "Russia refuses the capped tranche";
        fleet_shadow_capacity = "fleet.shadow_capacity",
            LeverKind::Action(ActionKind::ShadowCapacity), "flow-months", 0.0,
            "state F_t (set/scale)";
        fleet_western_capacity = "fleet.western_capacity", num(0.0, INF), "flow-months", 0.0,
            "F^c_max (§4.7); default calibrated per path";
        fleet_designation_rate = "fleet.designation.rate", num(0.0, 4.0), "batches/month", 0.5,
            "Poisson designation batches (§4.0)";
        fleet_designation_mean_share = "fleet.designation.mean_share", num(0.0, 0.5),
            "share of F", 0.05, "Beta batch size";
        fleet_designation_us_prob = "fleet.designation.us_prob", num(0.0, 1.0), "probability",
            0.3, "authority of a random batch";
        fleet_designation_batch = "fleet.designation.batch",
            LeverKind::Action(ActionKind::DesignationBatch), "{share, authority}", 0.0,
            "one-off batch (§4.1)";
        sdn_share = "sdn.share", num(0.0, 1.0), "share", 0.0, "M_r, h_r, w_b (§4.4)";
        sdn_wave = "sdn.wave", LeverKind::Action(ActionKind::SdnWave),
            "{add_share, wind_down_months[, basins][, authority][, sellers]}", 0.0,
            "ramps sdn.share; resets psi, A, L (§4.1)";
        relief_active = "relief.active", LeverKind::Bool, "bool", 0.0,
            "h_r - dh_relief; random batches stop";
        supply_russia_exports_adj = "supply.russia_exports_adj", num(-3.0, 1.0), "mb/d", 0.0,
            "added to X (§4.2.5), ramp-limited";
        supply_ramp_mbd = "supply.ramp_mbd", num(1e-6, INF), "mb/d per month", 0.45,
            "ramp limit of the export adjustment";
        supply_opec_spare_mbd = "supply.opec_spare_mbd", num(0.0, 6.0), "mb/d", 3.0,
            "K^sp (§4.8); default drawn per path";
        supply_opec_adj_mbd = "supply.opec_adj_mbd", num(-10.0, 10.0), "mb/d", 0.0,
            "OPEC+ output beyond the anchor: E − adj, K^sp − adj (§4.8)";
        demand_world_adj_mbd = "demand.world_adj_mbd", num(-20.0, 10.0), "mb/d", 0.0,
            "world demand beyond the anchor: E + adj (§4.8)";
        supply_gulf_outage_mbd = "supply.gulf_outage_mbd", num(0.0, 20.0), "mb/d", 0.0,
            "a Gulf supply outage: J and its Gulf part (§4.2.3), a_j of Gulf-exposed buyers";
        risk_premium_jump = "risk_premium.jump", LeverKind::Action(ActionKind::RiskJump),
            "log points", 0.0, "adds to pi_t (§4.2.2)";
    }
    per_row {
        tariff_rate = "tariff.*.rate" per buyers, num(0.0, 5.0), "fraction", |_, _| 0.0,
            "stance cost (§4.3); dh_tar (§4.4)";
        tariff_base_rate = "tariff.*.base_rate" per buyers, num(0.0, 5.0), "fraction",
            |_, _| 0.0, "nothing: not read by the model, shown in the policy calendar only (D20)";
        tariff_exposed_exports_bn = "tariff.*.exposed_exports_bn" per buyers, num(0.0, INF),
            "$bn/yr", |r, i| r.buyer_exposed_exports_bn.get(i).copied().unwrap_or(0.0),
            "stance cost";
        tariff_snapback_rate = "tariff.*.snapback_rate" per buyers, num(0.0, 5.0), "fraction",
            |_, _| SNAPBACK_AT_HALT, "rate restored by a snapback (default: rate at halt)";
        tariff_snapback_prob = "tariff.*.snapback_prob" per buyers, num(0.0, 1.0), "/month",
            |_, _| 0.3, "resume hazard; default drawn per path";
        secondary_capacity_cut = "secondary.*.capacity_cut" per buyers, num(0.0, 1.0), "share",
            |_, _| 0.0, "M_r";
        secondary_risk_wedge_usd = "secondary.*.risk_wedge_usd" per buyers, num(0.0, 20.0),
            "$/bbl", |_, _| 0.0, "h_r";
        secondary_pipeline_block_prob = "secondary.*.pipeline_block_prob" per buyers,
            num(0.0, 1.0), "/month", |_, _| 0.0, "blocks the buyer's pipelines this month";
        carrot_value_bn = "carrot.*.value_bn" per buyers, num(0.0, INF), "$bn/yr", |_, _| 0.0,
            "stance cost";
        buyer_capacity_scale = "buyer.*.capacity_scale" per buyers, num(0.0, 2.0), "multiplier",
            |r, i| r.buyer_capacity_scale.get(i).copied().unwrap_or(1.0), "M_r";
        stance_force = "stance.*.force" per buyers, LeverKind::Enum(STANCE_FORCES),
            "auto|buy|halt", |_, _| 0.0, "overrides the stance hazard";
        pipeline_availability = "pipeline.*.availability" per pipelines, num(0.0, 1.0), "share",
            |_, _| 1.0, "Q_p (§4.5)";
        /// `sdn.<basin>.share`, in basin row order (D33).
        sdn_basin_share = "sdn.*.share" per basins, num(0.0, 1.0), "share", |_, _| 0.0,
            "designated share of the basin's exports on top of sdn.share (D33); ramped by a wave with `basins`";
        // Down to 0.2: pre-war short-haul W freight is 0.27 of 2024 (backtest B1).
        freight_scale = "freight.*.scale" per basins, num(0.2, 5.0), "multiplier", |_, _| 1.0,
            "freight on the basin's routes (§4.2.4)";
        /// `compliance.<buyer>.share` (D35), in buyer row order.
        compliance_share = "compliance.*.share" per buyers, num(0.0, 1.0), "share",
            |_, _| COMPLIANCE_FROM_MARKET,
            "c_j: compliant share of the buyer's intake (D35); default: the market file's draw";
        /// `pledge.<buyer>.cut` (D36), in buyer row order.
        pledge_cut = "pledge.*.cut" per buyers, num(0.0, 1.0), "share", |_, _| 0.0,
            "pledged share of the buyer's Russian intake to stop (D36); ramp it for a gradual pledge";
    }
}

#[cfg(test)]
mod tests;
