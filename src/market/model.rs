//! One path's constants: the parameter draw (§7), the market rows with their drawn values,
//! and the quantities calibrated per path on 2024 conditions (calibration.md §2, errata N3).
//!
//! Everything here is fixed for the life of a path; the monthly step only reads it.

use super::clearing::clear_basin;
use super::data::Market;
use super::params::Params;
use crate::dist::Dist;
use crate::policy::events::company_id;
use rand::Rng;

pub const DT: f64 = 1.0 / 12.0;

/// A stance buyer's drawn parameters (§7.5).
#[derive(Debug, Clone, PartialEq)]
pub struct StanceDraw {
    pub welfare_loss: f64,
    pub political_value_bn: f64,
    pub noise_bn: f64,
    pub base_hazard: f64,
    pub halt_depth: f64,
    pub snapback_threshold_share: f64,
}

/// Per-path model constants. Route vectors are in `Market::routes` order (grouped by basin).
#[derive(Debug, Clone)]
pub struct PathModel {
    pub p: Params,
    pub n_basins: usize,
    pub n_buyers: usize,
    pub primary: usize,
    pub basin_share: Vec<f64>,
    pub basin_port_cap: Vec<f64>,
    pub basin_wedge0: Vec<f64>,
    pub basin_routes: Vec<std::ops::Range<usize>>,
    pub route_basin: Vec<usize>,
    pub route_buyer: Vec<usize>,
    pub route_cap: Vec<f64>,
    pub route_h: Vec<f64>,
    pub route_sigma: Vec<f64>,
    pub route_freight0: Vec<f64>,
    pub route_ins: Vec<f64>,
    pub route_trip: Vec<f64>,
    pub route_slate_max: Vec<f64>,
    pub buyer_alt: Vec<f64>,
    pub buyer_sdn_averse: Vec<f64>,
    /// D35: compliance share c_j (path draw) and reach of US, EU, UK designations.
    pub buyer_compliance: Vec<f64>,
    /// D40: π_j, the share of the buyer's seaborne intake that refuses designated tankers.
    pub buyer_tanker_ban: Vec<f64>,
    /// D41: P_j, the compliant refiners' pause after an authority's deadline, months.
    pub buyer_pause: Vec<f64>,
    /// D46: per buyer, its term ties: (hashed company name, share of its intake).
    pub buyer_ties: Vec<Vec<(u64, f64)>>,
    /// D41: the longest one-way voyage (half a round trip) of each basin's routes, months.
    pub basin_voyage_max: Vec<f64>,
    pub buyer_reach: Vec<[f64; 3]>,
    /// D39: S_j, the buyer's slate for Russian crude (path draw), +∞ without one.
    pub buyer_slate: Vec<f64>,
    pub buyer_dh_tar: Vec<f64>,
    pub buyer_gulf: Vec<bool>,
    pub buyer_stance: Vec<Option<StanceDraw>>,
    /// (imports mb/d at base, annual growth, base month index) per buyer.
    pub buyer_imports: Vec<Option<(f64, f64, i32)>>,
    pub pipe_buyer: Vec<usize>,
    pub pipe_priced_off: Vec<usize>,
    pub pipe_fallback: Vec<usize>,
    pub pipe_padj: Vec<f64>,
    /// min(K_p, scheduled_p).
    pub pipe_flow: Vec<f64>,
    pub pipe_cap: Vec<f64>,
    /// Lower-triangular Cholesky factor of the innovation correlation, row-major n×n.
    pub chol: Vec<f64>,
    pub n_normals: usize,
    /// Buyers sorted by id: the canonical order of their shocks, so that permuting the market
    /// file's rows permutes nothing but columns (§9.1.12).
    pub buyer_order: Vec<usize>,
    /// Position of buyer j in `buyer_order`; its noise is normal `N_BUYER0 + buyer_rank[j]`.
    pub buyer_rank: Vec<usize>,
    // Precomputed per path (model.md §10).
    pub ou_decay: f64,
    pub ou_sd: f64,
    pub prod_floor: f64,
    /// Calibrated on 2024 (errata N3).
    pub phi_2024: f64,
    pub f0: f64,
    pub fc_max: f64,
    pub kappa_f: f64,
    pub v_ref: f64,
}

/// Index of each correlated normal in the shock block: χ, ξ, f, ν, then one per buyer.
pub const N_CHI: usize = 0;
pub const N_XI: usize = 1;
pub const N_FREIGHT: usize = 2;
pub const N_NU: usize = 3;
pub const N_BUYER0: usize = 4;

fn month_of(s: &Option<String>) -> i32 {
    s.as_deref()
        .and_then(|m| crate::policy::calendar::month_idx(m).ok())
        .unwrap_or(2024 * 12)
}

impl PathModel {
    /// The 2024 tanker tightness u*, kept inside (0, 1): both the F^c calibration and §4.2.4's
    /// freight divide by it or by 1 − u*.
    #[inline]
    pub fn u_star(&self) -> f64 {
        self.p.u_star.clamp(0.05, 0.999)
    }

    /// Draws the market's distributions for one path (in market-file order) and calibrates.
    /// Each row draws from its own stream, `rng_for("buyer.IN")` etc., so row order and added
    /// rows change nothing else.
    pub fn new<R: Rng, F: FnMut(&str) -> R>(mkt: &Market, p: Params, mut rng_for: F) -> PathModel {
        let draw = |d: &Dist, rng: &mut R| d.sample(rng);
        let nb = mkt.basins.len();
        let mut basin_share = vec![0.0; nb];
        let mut basin_wedge0 = vec![0.0; nb];
        for (i, b) in mkt.basins.iter().enumerate() {
            let rng = &mut rng_for(&format!("basin.{}", b.id));
            basin_share[i] = b
                .share
                .map(|d| draw(&d, rng))
                .unwrap_or(0.0)
                .clamp(0.0, 1.0);
            basin_wedge0[i] = draw(&b.seller_wedge_usd, rng);
        }
        if let Some(r) = mkt.rest_basin {
            let others: f64 = basin_share
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != r)
                .map(|(_, s)| s)
                .sum();
            basin_share[r] = (1.0 - others).max(0.0);
        }
        let total: f64 = basin_share.iter().sum();
        if total > 0.0 {
            basin_share.iter_mut().for_each(|s| *s /= total);
        }
        let nr = mkt.routes.len();
        let mut route_freight0 = Vec::with_capacity(nr);
        let mut route_slate_max = Vec::with_capacity(nr);
        for r in &mkt.routes {
            let rng = &mut rng_for(&format!("route.{}.{}", r.spec.from, r.spec.to));
            route_freight0.push(draw(&r.spec.freight_usd, rng).max(0.0));
            route_slate_max.push(draw(&r.spec.slate_max, rng).max(1.0));
        }
        let mut buyer_sdn_averse = Vec::new();
        let mut buyer_stance = Vec::new();
        let mut buyer_compliance = Vec::new();
        let mut buyer_slate = Vec::new();
        let mut buyer_tanker_ban = Vec::new();
        let mut buyer_pause = Vec::new();
        let mut buyer_ties = Vec::new();
        for b in &mkt.buyers {
            let rng = &mut rng_for(&format!("buyer.{}", b.id));
            buyer_sdn_averse.push(draw(&b.sdn_averse_share, rng).clamp(0.0, 1.0));
            buyer_stance.push(b.stance.as_ref().map(|s| StanceDraw {
                welfare_loss: draw(&s.welfare_loss, rng).max(0.0),
                political_value_bn: draw(&s.political_value_bn, rng),
                noise_bn: draw(&s.noise_bn, rng).max(1e-6),
                base_hazard: draw(&s.base_hazard, rng).clamp(0.0, 1.0),
                halt_depth: draw(&s.halt_depth, rng).clamp(0.0, 1.0),
                snapback_threshold_share: s.snapback_threshold_share,
            }));
            // Drawn after the older fields, so their draws are unchanged (D35).
            buyer_compliance.push(draw(&b.compliance_share, rng).clamp(0.0, 1.0));
            // D39: after the D35 draw, so older draws are unchanged.
            buyer_slate.push(
                b.slate_mbd
                    .as_ref()
                    .map_or(f64::INFINITY, |s| draw(s, rng).max(0.0)),
            );
            // D40: after the D39 draw, so older draws are unchanged.
            buyer_tanker_ban.push(draw(&b.tanker_ban_share, rng).clamp(0.0, 1.0));
            // D41: after the D40 draw, so older draws are unchanged.
            let pause = draw(&b.pause_months, rng);
            buyer_pause.push(if pause.is_finite() {
                pause.max(0.0)
            } else {
                0.0
            });
            // D46: after the D41 draw, in key order, so older draws are unchanged.
            buyer_ties.push(
                b.term_ties
                    .iter()
                    .map(|(name, d)| {
                        let t = draw(d, rng);
                        let t = if t.is_finite() {
                            t.clamp(0.0, 1.0)
                        } else {
                            0.0
                        };
                        (company_id(name), t)
                    })
                    .collect(),
            );
        }
        let mut pipe_flow = Vec::new();
        let mut pipe_cap = Vec::new();
        for pl in &mkt.pipelines {
            let rng = &mut rng_for(&format!("pipeline.{}", pl.spec.id));
            let cap = draw(&pl.spec.capacity_mbd, rng).max(0.0);
            let sched = pl
                .spec
                .scheduled_mbd
                .map(|d| draw(&d, rng))
                .unwrap_or(cap)
                .max(0.0);
            pipe_cap.push(cap);
            pipe_flow.push(cap.min(sched));
        }
        let n_buyers = mkt.buyers.len();
        let n_normals = N_BUYER0 + n_buyers;
        let mut buyer_order: Vec<usize> = (0..n_buyers).collect();
        buyer_order.sort_by(|a, b| mkt.buyers[*a].id.cmp(&mkt.buyers[*b].id));
        let mut buyer_rank = vec![0; n_buyers];
        for (rank, j) in buyer_order.iter().enumerate() {
            buyer_rank[*j] = rank;
        }
        let chol = cholesky(&correlation(mkt, &p, n_normals, &buyer_rank), n_normals);
        let kappa = p.kappa.max(1e-6);
        let ou_decay = (-kappa * DT).exp();
        let ou_sd = ((1.0 - (-2.0 * kappa * DT).exp()) / (2.0 * kappa)).sqrt();
        let mut m = PathModel {
            n_basins: nb,
            n_buyers,
            primary: mkt.primary_basin,
            basin_share,
            basin_port_cap: mkt.basins.iter().map(|b| b.port_cap_mbd).collect(),
            basin_wedge0,
            basin_routes: mkt.basin_routes.clone(),
            route_basin: mkt.routes.iter().map(|r| r.basin).collect(),
            route_buyer: mkt.routes.iter().map(|r| r.buyer).collect(),
            route_cap: mkt.routes.iter().map(|r| r.spec.capacity_mbd).collect(),
            route_h: mkt.routes.iter().map(|r| r.spec.half_saving_usd).collect(),
            route_sigma: mkt.routes.iter().map(|r| r.spec.dispersion_usd).collect(),
            route_freight0,
            route_ins: mkt.routes.iter().map(|r| r.spec.insurance_usd).collect(),
            route_trip: mkt
                .routes
                .iter()
                .map(|r| r.spec.round_trip_months)
                .collect(),
            route_slate_max,
            buyer_alt: mkt.buyers.iter().map(|b| b.alt_premium_usd).collect(),
            buyer_sdn_averse,
            buyer_compliance,
            buyer_tanker_ban,
            buyer_pause,
            buyer_ties,
            basin_voyage_max: mkt
                .basin_routes
                .iter()
                .map(|rs| {
                    mkt.routes[rs.clone()]
                        .iter()
                        .map(|r| 0.5 * r.spec.round_trip_months)
                        .fold(0.0, f64::max)
                })
                .collect(),
            buyer_slate,
            buyer_reach: mkt
                .buyers
                .iter()
                .map(|b| b.authority_reach.as_array())
                .collect(),
            buyer_dh_tar: mkt.buyers.iter().map(|b| b.tariff_risk_wedge_usd).collect(),
            buyer_gulf: mkt.buyers.iter().map(|b| b.gulf_exposed).collect(),
            buyer_stance,
            buyer_imports: mkt
                .buyers
                .iter()
                .map(|b| {
                    b.imports_mbd
                        .map(|i| (i, b.imports_growth, month_of(&b.imports_base)))
                })
                .collect(),
            pipe_buyer: mkt.pipelines.iter().map(|x| x.buyer).collect(),
            pipe_priced_off: mkt.pipelines.iter().map(|x| x.priced_off).collect(),
            pipe_fallback: mkt.pipelines.iter().map(|x| x.fallback).collect(),
            pipe_padj: mkt.pipelines.iter().map(|x| x.spec.price_adj_usd).collect(),
            pipe_flow,
            pipe_cap,
            chol,
            n_normals,
            buyer_order,
            buyer_rank,
            ou_decay,
            ou_sd,
            prod_floor: p.prod_floor.max(p.marginal_cost),
            phi_2024: 0.0,
            f0: 0.0,
            fc_max: 0.0,
            kappa_f: 0.0,
            v_ref: p.x_bar * p.theta_x.exp(),
            p,
        };
        m.calibrate_fleet(mkt);
        m
    }

    /// Φ_2024 from a clearing at 2024 conditions (no designations, base wedges and freight,
    /// capacity scales from the market file), then F0, F^c_max and κ_F (errata N3, 18).
    fn calibrate_fleet(&mut self, mkt: &Market) {
        let x = self.v_ref;
        let sea = x - self.pipe_flow.iter().sum::<f64>();
        let mut phi = 0.0;
        let mut cap = vec![0.0; self.route_cap.len()];
        let mut k = vec![0.0; self.route_cap.len()];
        for (r, route) in mkt.routes.iter().enumerate() {
            let scale = mkt.buyers[route.buyer].capacity_scale;
            cap[r] = self.route_cap[r] * scale;
            k[r] = self.buyer_alt[route.buyer]
                - self.route_freight0[r]
                - self.route_ins[r]
                - self.basin_wedge0[route.basin];
        }
        for b in 0..self.n_basins {
            let range = self.basin_routes[b].clone();
            let xb = (self.basin_share[b] * sea)
                .min(self.basin_port_cap[b])
                .max(0.0);
            let sol = clear_basin(
                &cap[range.clone()],
                &self.route_h[range.clone()],
                &self.route_sigma[range.clone()],
                &k[range.clone()],
                xb,
                10.0,
            );
            for (i, r) in range.enumerate() {
                phi += sol.flows[i] * self.route_trip[r];
            }
        }
        let phi = phi.max(1e-6);
        let u_star = self.u_star();
        let f0 = self.p.fleet_share_2024 * phi;
        let e24 = self.p.enforcement_2024;
        self.phi_2024 = phi;
        self.f0 = f0;
        self.fc_max = ((phi / u_star - f0) / (1.0 - 0.5 * e24)).max(0.0);
        // §7.2: κ_F makes F stationary under the 2024 designation flow (registry defaults:
        // 0.5 batches a month of mean share 0.05, 30 % of them US), with the 2024 designated
        // pool still small so re-entry is ≈ 0 (errata N3's κ_F = F0/Φ ignores the flow).
        let removal = 0.5 * 0.05 * (0.3 * self.p.desig_eff_us + 0.7 * self.p.desig_eff_eu) * f0;
        self.kappa_f = (f0 + removal / self.p.fleet_rebuild.max(1e-6)) / phi;
    }

    pub fn stance(&self, j: usize) -> Option<&StanceDraw> {
        self.buyer_stance[j].as_ref()
    }
}

/// The innovation correlation of §4.2.7: χ–ξ from Schwartz–Smith, χ–freight, χ–buyer noise from
/// the market file, and the market's buyer pairs.
fn correlation(mkt: &Market, p: &Params, n: usize, rank: &[usize]) -> Vec<f64> {
    let mut c = vec![0.0; n * n];
    for i in 0..n {
        c[i * n + i] = 1.0;
    }
    let mut set = |i: usize, j: usize, v: f64| {
        c[i * n + j] = v;
        c[j * n + i] = v;
    };
    set(N_CHI, N_XI, p.rho_chi_xi);
    set(N_CHI, N_FREIGHT, p.corr_chi_freight);
    for (j, b) in mkt.buyers.iter().enumerate() {
        set(N_CHI, N_BUYER0 + rank[j], b.noise_corr_brent);
    }
    for (a, b, v) in &mkt.buyer_noise_corr {
        set(N_BUYER0 + rank[*a], N_BUYER0 + rank[*b], *v);
    }
    c
}

/// Cholesky factor of a correlation matrix. A matrix that is not positive definite (which a
/// market file could specify) is repaired by shrinking the off-diagonal part toward the
/// identity until it factors, so sampling never produces NaN.
pub fn cholesky(c: &[f64], n: usize) -> Vec<f64> {
    let mut shrink = 1.0;
    loop {
        let mut l = vec![0.0; n * n];
        let mut ok = true;
        'outer: for i in 0..n {
            for j in 0..=i {
                let cij = if i == j { 1.0 } else { shrink * c[i * n + j] };
                let mut s = cij;
                for k in 0..j {
                    s -= l[i * n + k] * l[j * n + k];
                }
                if i == j {
                    if s <= 1e-12 {
                        ok = false;
                        break 'outer;
                    }
                    l[i * n + i] = s.sqrt();
                } else {
                    l[i * n + j] = s / l[j * n + j];
                }
            }
        }
        if ok {
            return l;
        }
        shrink *= 0.9;
    }
}
