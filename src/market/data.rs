//! The market file (scenarios.md §3): basins, buyers, routes and pipelines as data.
//!
//! The engine iterates over these tables and holds no enum of countries: adding a buyer only
//! adds rows. [`MarketFile`] is the TOML shape; [`Market`] is the validated, index-resolved
//! form the model consumes, with routes stored flat and grouped by basin.

use crate::dist::Dist;
use serde::Deserialize;
use std::collections::BTreeMap;

mod check;
mod noise_corr;
mod output_names;
mod ranges;
pub use check::MarketProblem;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarketFile {
    #[serde(default)]
    pub description: Option<String>,
    /// When the fitted values were last fitted (issue 4 writes it).
    #[serde(default)]
    pub fit_date: Option<String>,
    pub basin: Vec<BasinSpec>,
    pub buyer: Vec<BuyerSpec>,
    pub route: Vec<RouteSpec>,
    #[serde(default)]
    pub pipeline: Vec<PipelineSpec>,
    /// Pairwise correlations of buyer capacity noise innovations: `[["IN", "CN", 0.2]]`.
    #[serde(default)]
    pub buyer_noise_corr: Vec<(String, String, f64)>,
    /// Aggregate flow variables written to the output, e.g. `flow_india_mbd`.
    #[serde(default)]
    pub output: Vec<OutputFlowSpec>,
    /// Overrides of the model parameters of model.md §7 (see `market::params`).
    #[serde(default)]
    pub params: toml::Table,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasinSpec {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// Share ω_b of seaborne exports; exactly one basin may omit it and takes the rest.
    #[serde(default)]
    pub share: Option<Dist>,
    /// Port capacity K_b, mb/d.
    pub port_cap_mbd: f64,
    /// Baseline seller wedge w⁰_b, $/bbl.
    pub seller_wedge_usd: Dist,
    /// Output prefix for its discount, e.g. `urals` gives `urals_discount_usd_bbl`.
    #[serde(default)]
    pub report_as: Option<String>,
    /// The basin that receives storage releases and whose netback drives the storage rule,
    /// the cap decision and the dynamic cap (model.md's `W`). Default: the first basin.
    #[serde(default)]
    pub primary: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StanceSpec {
    /// λ_k: welfare loss per $ of duty.
    pub welfare_loss: Dist,
    /// V^pol_k, $bn/yr.
    pub political_value_bn: Dist,
    /// σ^pol_k, $bn/yr.
    pub noise_bn: Dist,
    /// h̄_k, /month.
    pub base_hazard: Dist,
    /// θ^halt_k, share of capacity removed while halted.
    pub halt_depth: Dist,
    /// Snapback needs last month's intake above this share of the pre-halt intake
    /// (errata 4: a relative m_thr).
    #[serde(default = "default_snap_threshold")]
    pub snapback_threshold_share: f64,
}

fn default_snap_threshold() -> f64 {
    0.5
}
fn one() -> f64 {
    1.0
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuyerSpec {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// a_j: landed premium of the buyer's alternative crude over Dated, $/bbl.
    #[serde(default)]
    pub alt_premium_usd: f64,
    /// x_j: share of refiners that stop buying from designated sellers.
    #[serde(default = "zero_dist")]
    pub sdn_averse_share: Dist,
    /// Δh^tar_j, $/bbl, priced while a conditional tariff is in force.
    #[serde(default)]
    pub tariff_risk_wedge_usd: f64,
    /// Total crude imports, mb/d, for the import bill (omit for buyers without one).
    #[serde(default)]
    pub imports_mbd: Option<f64>,
    /// Annual growth of `imports_mbd` (0.04 = 4 %/yr) from `imports_base`.
    #[serde(default)]
    pub imports_growth: f64,
    /// Month `imports_mbd` refers to, `YYYY-MM`.
    #[serde(default)]
    pub imports_base: Option<String>,
    /// Default of `buyer.<id>.capacity_scale`.
    #[serde(default = "one")]
    pub capacity_scale: f64,
    /// Switches on the Gulf alternative-cost channel (§4.2.3).
    #[serde(default)]
    pub gulf_exposed: bool,
    /// Default of `tariff.<id>.exposed_exports_bn`, $bn/yr.
    #[serde(default)]
    pub exposed_exports_bn: f64,
    /// Correlation of its capacity-noise innovation with the Brent short factor.
    #[serde(default)]
    pub noise_corr_brent: f64,
    /// Output prefix for its money variables, e.g. `india`.
    #[serde(default)]
    pub report_as: Option<String>,
    /// National stance parameters (§7.5); absent means the buyer never halts.
    #[serde(default)]
    pub stance: Option<StanceSpec>,
    /// D35: c_j, the share of the buyer's Russian-crude intake bought by refiners that will not
    /// take a designated seller's barrels once a wind-down ends (default of the lever
    /// `compliance.<id>.share`). Drawn once per path.
    #[serde(default = "zero_dist")]
    pub compliance_share: Dist,
    /// D35: how far each designating authority reaches the compliant refiners (0..1).
    #[serde(default)]
    pub authority_reach: AuthorityReach,
    /// D40: π_j, the share of the buyer's seaborne intake discharged where designated tankers
    /// are refused (port bans, refiners' own rules), scaled by `authority_reach`. Drawn once
    /// per path, after the older fields.
    #[serde(default = "zero_dist")]
    pub tanker_ban_share: Dist,
    /// D41: P_j, loading months for which the buyer's compliant refiners stop buying *every*
    /// barrel of a designated basin once the authority's deadline is reached (a derisking pause;
    /// Tüpraş 1, Sinopec 2 in 2025). Drawn once per path, after `tanker_ban_share`.
    #[serde(default = "zero_dist")]
    pub pause_months: Dist,
    /// D39: S_j, the most Russian crude (sea and pipeline) the buyer's refiners can run, mb/d,
    /// shared by all its routes. Absent means each route's own capacity is the only limit.
    #[serde(default)]
    pub slate_mbd: Option<Dist>,
    /// D46: shares of the buyer's Russian-crude intake bought under term contracts from named
    /// sellers by refiners *outside* `compliance_share` that unwind them once an authority
    /// designates those sellers (India: Reliance's Rosneft deal, `{ rosneft = ... }`). A key is
    /// one company's name as `sdn.wave`'s `sellers` lists it (case-folded). Drawn once per
    /// path, in key order, after `pause_months`.
    #[serde(default)]
    pub term_ties: BTreeMap<String, Dist>,
}

/// D35: reach of a US, EU or UK designation into a buyer's compliant refiners: 1 means every
/// compliant refiner refuses that authority's designated sellers.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthorityReach {
    #[serde(default = "one")]
    pub us: f64,
    #[serde(default = "one")]
    pub eu: f64,
    #[serde(default = "one")]
    pub uk: f64,
}

impl Default for AuthorityReach {
    fn default() -> Self {
        AuthorityReach {
            us: 1.0,
            eu: 1.0,
            uk: 1.0,
        }
    }
}

impl AuthorityReach {
    /// In `WaveAuthority` index order (us, eu, uk).
    pub fn as_array(&self) -> [f64; 3] {
        [self.us, self.eu, self.uk]
    }
}

fn zero_dist() -> Dist {
    Dist::Const(0.0)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteSpec {
    pub from: String,
    pub to: String,
    /// M_r, mb/d.
    pub capacity_mbd: f64,
    /// h_r: the saving at which half the buyer's refiners buy, $/bbl.
    pub half_saving_usd: f64,
    /// σ_r, $/bbl.
    pub dispersion_usd: f64,
    /// f⁰_r, $/bbl.
    pub freight_usd: Dist,
    /// c^ins_r, $/bbl.
    pub insurance_usd: f64,
    /// T_r, months.
    pub round_trip_months: f64,
    /// μ^max_r.
    #[serde(default = "one_dist")]
    pub slate_max: Dist,
}

fn one_dist() -> Dist {
    Dist::Const(1.0)
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PipelineSpec {
    pub id: String,
    pub buyer: String,
    /// Basin whose FOB netback prices the pipeline.
    pub priced_off: String,
    #[serde(default)]
    pub price_adj_usd: f64,
    pub capacity_mbd: Dist,
    /// Scheduled flow; omitted means "= capacity".
    #[serde(default)]
    pub scheduled_mbd: Option<Dist>,
    /// Basin that receives volume lost on a blocked pipeline.
    pub fallback: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FlowPart {
    Sea,
    Pipeline,
    All,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutputFlowSpec {
    pub variable: String,
    pub buyers: Vec<String>,
    pub part: FlowPart,
}

/// A validated market: every reference is an index.
#[derive(Debug, Clone)]
pub struct Market {
    pub basins: Vec<BasinSpec>,
    pub buyers: Vec<BuyerSpec>,
    /// Routes grouped by basin: basin b owns `routes[basin_routes[b].clone()]`.
    pub routes: Vec<Route>,
    pub basin_routes: Vec<std::ops::Range<usize>>,
    pub pipelines: Vec<Pipeline>,
    /// Index of the basin without an explicit share (takes 1 − the others).
    pub rest_basin: Option<usize>,
    /// Correlation pairs of buyer noise, by buyer index.
    pub buyer_noise_corr: Vec<(usize, usize, f64)>,
    pub outputs: Vec<(String, Vec<usize>, FlowPart)>,
    pub params: toml::Table,
    /// The basin flagged `primary` (or the first).
    pub primary_basin: usize,
}

#[derive(Debug, Clone)]
pub struct Route {
    pub basin: usize,
    pub buyer: usize,
    pub spec: RouteSpec,
}

#[derive(Debug, Clone)]
pub struct Pipeline {
    pub buyer: usize,
    pub priced_off: usize,
    pub fallback: usize,
    pub spec: PipelineSpec,
}

impl Market {
    pub fn registry_rows(&self) -> crate::policy::levers::RegistryRows {
        crate::policy::levers::RegistryRows {
            buyers: self.buyers.iter().map(|b| b.id.clone()).collect(),
            buyer_capacity_scale: self.buyers.iter().map(|b| b.capacity_scale).collect(),
            buyer_exposed_exports_bn: self.buyers.iter().map(|b| b.exposed_exports_bn).collect(),
            pipelines: self.pipelines.iter().map(|p| p.spec.id.clone()).collect(),
            basins: self.basins.iter().map(|b| b.id.clone()).collect(),
        }
    }

    pub fn buyer_index(&self, id: &str) -> Option<usize> {
        self.buyers.iter().position(|b| b.id == id)
    }
}
