//! The market file (scenarios.md §3): basins, buyers, routes and pipelines as data.
//!
//! The engine iterates over these tables and holds no enum of countries: adding a buyer only
//! adds rows. [`MarketFile`] is the TOML shape; [`Market`] is the validated, index-resolved
//! form the model consumes, with routes stored flat and grouped by basin.

use crate::dist::Dist;
use serde::Deserialize;

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
    /// D39: S_j, the most Russian crude (sea and pipeline) the buyer's refiners can run, mb/d,
    /// shared by all its routes. Absent means each route's own capacity is the only limit.
    #[serde(default)]
    pub slate_mbd: Option<Dist>,
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

/// A problem [`Market::from_file`] found, with where it sits: the array of tables (`basin`,
/// `buyer`, `route`, `pipeline`, `output`, or the `buyer_noise_corr` list), its 0-based row and
/// the key, so that the loader can name the line and column. `table: None` is a whole-file
/// problem (no basin at all, shares that do not sum to 1).
#[derive(Debug, Clone, PartialEq)]
pub struct MarketProblem {
    pub table: Option<&'static str>,
    pub row: usize,
    pub key: Option<&'static str>,
    pub message: String,
}

impl MarketProblem {
    fn at(table: &'static str, row: usize, key: &'static str, message: String) -> MarketProblem {
        MarketProblem {
            table: Some(table),
            row,
            // An empty key is the row itself (an entry of a list such as `buyer_noise_corr`).
            key: (!key.is_empty()).then_some(key),
            message,
        }
    }

    fn whole(message: String) -> MarketProblem {
        MarketProblem {
            table: None,
            row: 0,
            key: None,
            message,
        }
    }
}

impl std::fmt::Display for MarketProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl Market {
    /// Validates references and resolves ids to indices. Each problem names its row and key.
    pub fn from_file(f: MarketFile) -> Result<Market, Vec<MarketProblem>> {
        let mut errs: Vec<MarketProblem> = Vec::new();
        let basin_ids: Vec<String> = f.basin.iter().map(|b| b.id.clone()).collect();
        let buyer_ids: Vec<String> = f.buyer.iter().map(|b| b.id.clone()).collect();
        // `at` is where the reference sits: (table, row, key).
        let find = |ids: &[String],
                    id: &str,
                    what: &str,
                    at: (&'static str, usize, &'static str),
                    errs: &mut Vec<MarketProblem>|
         -> usize {
            match ids.iter().position(|x| x == id) {
                Some(i) => i,
                None => {
                    errs.push(MarketProblem::at(
                        at.0,
                        at.1,
                        at.2,
                        format!(
                            "unknown {what} `{id}`{}; the market file defines {}",
                            crate::suggest::did_you_mean(id, ids),
                            ids.join(", ")
                        ),
                    ));
                    0
                }
            }
        };
        for (what, ids) in [("basin", &basin_ids), ("buyer", &buyer_ids)] {
            for (i, id) in ids.iter().enumerate() {
                if ids[..i].contains(id) {
                    errs.push(MarketProblem::at(
                        what,
                        i,
                        "id",
                        format!("duplicate {what} id `{id}`"),
                    ));
                }
                if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                    errs.push(MarketProblem::at(
                        what,
                        i,
                        "id",
                        format!("{what} id `{id}` must be letters, digits or `_`"),
                    ));
                }
            }
        }
        if f.basin.is_empty() {
            errs.push(MarketProblem::whole(
                "the market file needs at least one [[basin]]".into(),
            ));
        }
        let rest: Vec<usize> = f
            .basin
            .iter()
            .enumerate()
            .filter(|(_, b)| b.share.is_none())
            .map(|(i, _)| i)
            .collect();
        if rest.len() > 1 {
            errs.push(MarketProblem::at(
                "basin",
                rest[1],
                "id",
                "at most one basin may omit `share` (it takes the rest)".into(),
            ));
        }
        let explicit: f64 = f
            .basin
            .iter()
            .filter_map(|b| b.share.map(|d| d.median()))
            .sum();
        if rest.is_empty() && (explicit - 1.0).abs() > 1e-6 {
            errs.push(MarketProblem::whole(format!(
                "basin shares must sum to 1, got {explicit}; omit `share` on one basin to give it the rest"
            )));
        }
        for (i, b) in f.basin.iter().enumerate() {
            if let Some(s) = b.share {
                let (lo, hi) = s.support();
                if lo < 0.0 || hi > 1.0 {
                    errs.push(MarketProblem::at(
                        "basin",
                        i,
                        "share",
                        format!("basin `{}` share must lie in [0, 1]", b.id),
                    ));
                }
            }
            if b.port_cap_mbd < 0.0 || !b.port_cap_mbd.is_finite() {
                errs.push(MarketProblem::at(
                    "basin",
                    i,
                    "port_cap_mbd",
                    format!("basin `{}` port_cap_mbd must be a finite number >= 0", b.id),
                ));
            }
        }
        for (i, b) in f.buyer.iter().enumerate() {
            if let Some(s) = &b.slate_mbd {
                if s.support().0 < 0.0 {
                    errs.push(MarketProblem::at(
                        "buyer",
                        i,
                        "slate_mbd",
                        format!(
                            "buyer `{}` slate_mbd must be >= 0 (mb/d of Russian crude), got {s}{}",
                            b.id,
                            if s.is_const() {
                                ""
                            } else {
                                ", whose values reach below 0: use a distribution with a floor, e.g. tri or uniform"
                            }
                        ),
                    ));
                }
            }
            let (lo, hi) = b.compliance_share.support();
            if lo < 0.0 || hi > 1.0 {
                errs.push(MarketProblem::at(
                    "buyer",
                    i,
                    "compliance_share",
                    format!(
                        "buyer `{}` compliance_share must lie in [0, 1] (a share), got {}",
                        b.id, b.compliance_share
                    ),
                ));
            }
            if b.authority_reach
                .as_array()
                .iter()
                .any(|x| !(0.0..=1.0).contains(x))
            {
                errs.push(MarketProblem::at(
                    "buyer",
                    i,
                    "authority_reach",
                    format!(
                        "buyer `{}` authority_reach values must lie in [0, 1] (shares)",
                        b.id
                    ),
                ));
            }
        }
        let mut routes = Vec::new();
        for (i, r) in f.route.iter().enumerate() {
            let basin = find(
                &basin_ids,
                &r.from,
                "basin",
                ("route", i, "from"),
                &mut errs,
            );
            let buyer = find(&buyer_ids, &r.to, "buyer", ("route", i, "to"), &mut errs);
            if r.dispersion_usd <= 0.0 {
                errs.push(MarketProblem::at(
                    "route",
                    i,
                    "dispersion_usd",
                    format!(
                        "route {}→{}: dispersion_usd must be > 0, got {}",
                        r.from, r.to, r.dispersion_usd
                    ),
                ));
            }
            for (key, v) in [
                ("capacity_mbd", r.capacity_mbd),
                ("round_trip_months", r.round_trip_months),
                ("insurance_usd", r.insurance_usd),
            ] {
                if v < 0.0 {
                    errs.push(MarketProblem::at(
                        "route",
                        i,
                        key,
                        format!("route {}→{}: {key} must be >= 0, got {v}", r.from, r.to),
                    ));
                }
            }
            if r.slate_max.support().0 < 1.0 {
                errs.push(MarketProblem::at(
                    "route",
                    i,
                    "slate_max",
                    format!("route {}→{}: slate_max must be >= 1", r.from, r.to),
                ));
            }
            routes.push(Route {
                basin,
                buyer,
                spec: r.clone(),
            });
        }
        // Stable grouping by basin keeps file order inside each basin.
        routes.sort_by_key(|r| r.basin);
        let mut basin_routes = Vec::new();
        for b in 0..f.basin.len() {
            let lo = routes
                .iter()
                .position(|r| r.basin == b)
                .unwrap_or(routes.len());
            let n = routes.iter().filter(|r| r.basin == b).count();
            basin_routes.push(lo..lo + n);
        }
        let mut pipelines = Vec::new();
        for (i, p) in f.pipeline.iter().enumerate() {
            let buyer = find(
                &buyer_ids,
                &p.buyer,
                "buyer",
                ("pipeline", i, "buyer"),
                &mut errs,
            );
            let priced_off = find(
                &basin_ids,
                &p.priced_off,
                "basin",
                ("pipeline", i, "priced_off"),
                &mut errs,
            );
            let fallback = find(
                &basin_ids,
                &p.fallback,
                "basin",
                ("pipeline", i, "fallback"),
                &mut errs,
            );
            pipelines.push(Pipeline {
                buyer,
                priced_off,
                fallback,
                spec: p.clone(),
            });
        }
        let mut corr = Vec::new();
        const CORR: &str = "buyer_noise_corr";
        for (i, (a, b, c)) in f.buyer_noise_corr.iter().enumerate() {
            let ia = find(&buyer_ids, a, "buyer", (CORR, i, ""), &mut errs);
            let ib = find(&buyer_ids, b, "buyer", (CORR, i, ""), &mut errs);
            if c.is_nan() || c.abs() >= 1.0 || ia == ib {
                errs.push(MarketProblem::at(
                    CORR,
                    i,
                    "",
                    format!(
                        "buyer_noise_corr [{a}, {b}, {c}]: need two different buyers and |corr| < 1"
                    ),
                ));
            }
            corr.push((ia, ib, *c));
        }
        let mut outputs = Vec::new();
        for (i, o) in f.output.iter().enumerate() {
            let idx = o
                .buyers
                .iter()
                .map(|b| find(&buyer_ids, b, "buyer", ("output", i, "buyers"), &mut errs))
                .collect();
            outputs.push((o.variable.clone(), idx, o.part));
        }
        if !errs.is_empty() {
            return Err(errs);
        }
        let primaries: Vec<usize> = f
            .basin
            .iter()
            .enumerate()
            .filter(|(_, b)| b.primary)
            .map(|(i, _)| i)
            .collect();
        if primaries.len() > 1 {
            return Err(vec![MarketProblem::at(
                "basin",
                primaries[1],
                "primary",
                "at most one basin may be `primary = true`".into(),
            )]);
        }
        Ok(Market {
            primary_basin: primaries.first().copied().unwrap_or(0),
            basins: f.basin,
            buyers: f.buyer,
            routes,
            basin_routes,
            pipelines,
            rest_basin: rest.first().copied(),
            buyer_noise_corr: corr,
            outputs,
            params: f.params,
        })
    }

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
