//! Model parameters of model.md §7 (those not in the market tables), each a distribution
//! drawn once per path. Defaults live here, in one table, with their sources; a market file's
//! or scenario's `[params]` table overrides them by name.
//!
//! Where an errata fix changes a prior, the entry says which (docs/decisions.md §A).

use crate::dist::Dist;
use rand::Rng;
use rand_distr::Distribution;

macro_rules! params {
    ($( $field:ident = $default:expr, $unit:literal, $doc:literal; )*) => {
        /// The distributions, as written (or defaulted).
        #[derive(Debug, Clone, PartialEq)]
        pub struct ParamSpec { $( pub $field: Dist, )* }

        impl Default for ParamSpec {
            fn default() -> Self { ParamSpec { $( $field: $default, )* } }
        }

        /// One path's draw.
        #[derive(Debug, Clone, PartialEq)]
        pub struct Params { $( pub $field: f64, )* }

        impl Params {
            /// Sets one drawn value; `false` when the name is unknown.
            pub fn set(&mut self, name: &str, v: f64) -> bool {
                match name { $( stringify!($field) => { self.$field = v; true } )* _ => false }
            }

            pub fn get(&self, name: &str) -> Option<f64> {
                match name { $( stringify!($field) => Some(self.$field), )* _ => None }
            }
        }

        impl ParamSpec {
            /// Every parameter name, in draw order.
            pub const NAMES: &'static [&'static str] = &[ $( stringify!($field), )* ];

            /// Overrides one parameter; `false` when the name is unknown.
            pub fn set(&mut self, name: &str, d: Dist) -> bool {
                match name { $( stringify!($field) => { self.$field = d; true } )* _ => false }
            }

            pub fn get(&self, name: &str) -> Option<Dist> {
                match name { $( stringify!($field) => Some(self.$field), )* _ => None }
            }

            /// `(name, distribution, unit, source)` for docs and `explain`.
            pub fn entries(&self) -> Vec<(&'static str, Dist, &'static str, &'static str)> {
                vec![ $( (stringify!($field), self.$field, $unit, $doc), )* ]
            }

            /// Draws every parameter once, in declaration order, from the path's parameter stream.
            pub fn draw<R: Rng + ?Sized>(&self, rng: &mut R) -> Params {
                Params { $( $field: self.$field.sample(rng), )* }
            }

            /// Draws every parameter from its own stream, `rng_for(name)`; constants draw
            /// nothing. Adding or removing a parameter leaves the others' draws unchanged.
            pub fn draw_keyed<R: Rng, F: FnMut(&str) -> R>(&self, mut rng_for: F) -> Params {
                Params { $( $field: match self.$field {
                    Dist::Const(v) => v,
                    d => d.sample(&mut rng_for(stringify!($field))),
                }, )* }
            }

            /// [`draw_keyed`](Self::draw_keyed), then the parameters of `copula` redrawn
            /// jointly (see [`Copula::apply`]); every other parameter keeps its keyed draw.
            pub fn draw_correlated<R: Rng, F: FnMut(&str) -> R>(
                &self,
                copula: &Copula,
                mut rng_for: F,
            ) -> Params {
                let mut p = self.draw_keyed(&mut rng_for);
                copula.apply(self, &mut p, rng_for);
                p
            }

            /// Every parameter at its median: for deterministic pre-steps and tests.
            pub fn medians(&self) -> Params {
                Params { $( $field: self.$field.median(), )* }
            }
        }
    };
}

params! {
    // §7.1 Brent and the world balance
    kappa = Dist::tri(1.0, 1.49, 2.0), "/yr", "OU mean reversion; Schwartz & Smith (2000)";
    sigma_chi_calm = Dist::tri(0.07, 0.10, 0.13), "/sqrt(yr)", "short-term vol, calm regime; errata 5 (sigma_chi(0) ~ 0.10), tuned to monthly Brent s.d.";
    sigma_chi_turb = Dist::tri(0.25, 0.35, 0.45), "/sqrt(yr)", "short-term vol, turbulent regime; errata 5 (sigma_chi(1) ~ 0.35)";
    p_calm_to_turb = Dist::beta(3.0, 97.0), "/month", "regime switch calm->turbulent; Fong & See (2002), Vo (2009) [A]";
    p_turb_to_calm = Dist::beta(15.0, 85.0), "/month", "regime switch turbulent->calm [A]";
    sigma_xi = Dist::tri(0.10, 0.145, 0.20), "/sqrt(yr)", "long-term factor vol; Schwartz & Smith (2000)";
    mu_xi = Dist::uniform(-0.03, 0.02), "/yr", "long-term drift; Schwartz & Smith (2000)";
    rho_chi_xi = Dist::Const(0.3), "-", "correlation of short and long factor innovations; Schwartz & Smith (2000)";
    kappa_xi = Dist::Const(0.0), "/yr", "long-term reversion (option 0.21); Johnson, Rachel & Wolfram w31347";
    p_long_run = Dist::Const(76.0), "$/bbl", "long-run price for kappa_xi; JRW w31347";
    corr_chi_freight = Dist::Const(0.2), "-", "correlation of Brent short factor and freight noise [A] (§4.2.7)";
    tau_pi = Dist::tri(0.5, 1.5, 3.0), "months", "event risk premium decay [A] (§4.2.2)";
    outage_rate_small = Dist::Const(0.00243), "/month", "1 mb/d outage arrivals; EMF-2005 via ORNL OIP";
    outage_rate_medium = Dist::Const(0.00377), "/month", "3 mb/d outage arrivals; EMF-2005 via ORNL OIP";
    outage_rate_large = Dist::Const(0.00113), "/month", "6 mb/d outage arrivals; EMF-2005 via ORNL OIP";
    outage_scale = Dist::Const(1.0), "multiplier", "scale of outage sizes {1, 3, 6} mb/d (1 = EMF-2005; the scale test of §9.1.10 varies it)";
    outage_mean_months = Dist::tri(2.0, 6.0, 12.0), "months", "mean geometric outage duration [A]";
    spr_offset = Dist::uniform(0.3, 0.9), "share", "share of an outage offset by SPR for 4 months [A]";
    gulf_share = Dist::Const(0.5), "probability", "probability an outage is in the Gulf [A]";
    gamma_a = Dist::uniform(0.0, 4.0), "$/bbl per mb/d", "Gulf outage pass-through to Asian alternative cost [A]";
    demand_base = Dist::Const(100.0), "mb/d", "world demand ex Russian domestic in 2024-01; IEA/EIA [U]";
    demand_growth = Dist::Const(0.8), "mb/d per yr", "demand growth from 2024-01 (errata N1)";
    eps_d = Dist::tri(-0.35, -0.20, -0.08), "-", "short-run demand elasticity; KM14, BH19, CCI19 [U]";
    eps_s = Dist::tri(0.015, 0.05, 0.15), "-", "short-run supply elasticity; KM14, BH19, CCI19 [U]";
    eps_d_lr = Dist::tri(-0.4, -0.3, -0.2), "-", "long-run demand elasticity; ORNL OIP";
    eps_s_lr = Dist::tri(0.2, 0.3, 0.4), "-", "long-run supply elasticity; ORNL OIP";
    nu_d = Dist::tri(0.10, 0.15, 0.20), "/yr", "demand adjustment speed; ORNL OIP";
    nu_s = Dist::tri(0.10, 0.15, 0.20), "/yr", "supply adjustment speed; ORNL OIP";
    eta_i = Dist::uniform(0.02, 0.08), "share of demand per log unit", "inventory buffer [A]; Kilian & Murphy (2014)";
    inv_target = Dist::Const(2.8), "bn bbl", "inventory target I* [A]";
    inv_min = Dist::Const(2.4), "bn bbl", "inventory floor I_min [A]";
    inv_max = Dist::Const(3.2), "bn bbl", "inventory ceiling I_max [A]";
    inv_reversion = Dist::Const(0.05), "/month", "inventory reversion psi_I [A]";
    opec_spare = Dist::uniform(1.5, 5.0), "mb/d", "OPEC+ spare K^sp; default of supply.opec_spare_mbd (errata N4) [A]";
    opec_response = Dist::tri(2.0, 5.0, 10.0), "mb/d per log unit", "OPEC+ discretionary response theta_O [A]";
    opec_trigger = Dist::tri(70.0, 80.0, 95.0), "$/bbl", "OPEC+ response trigger price P_O [A]";
    // §7.2 Russian supply, storage, fleet
    x_bar = Dist::Const(4.7), "mb/d", "Russian crude export availability from 2024 [U] (§4.2.5)";
    theta_x = Dist::normal(0.0, 0.03), "log", "per-path availability level shift (§4.2.5)";
    phi_nu = Dist::Const(0.7), "-", "AR(1) of the availability shock [A]";
    sigma_nu = Dist::Const(0.08), "mb/d", "availability shock s.d. [A]";
    marginal_cost = Dist::tri(12.0, 19.0, 25.0), "$/bbl FOB", "Russian marginal cost; JRW w31347, CREA";
    prod_floor = Dist::tri(19.0, 25.0, 40.0), "$/bbl FOB", "production floor n^prod_floor, at least marginal_cost [A]";
    storage_cap = Dist::uniform(30.0, 250.0), "mb", "Russian storage capacity K_S [A]";
    storage_margin_share = Dist::uniform(0.15, 0.25), "share of EMA", "carry-trade margin m_st as a share of the netback EMA: store only if netback < (1 - share)·EMA (errata 1; $9-15 at the 2025 netback of ≈ $60, docs/decisions.md D9, D31)";
    release_max = Dist::Const(0.5), "mb/d", "storage release limit r_max [A]";
    release_hysteresis = Dist::Const(2.0), "$/bbl", "release needs last netback >= EMA + this (errata 3d)";
    restart_rate = Dist::tri(0.10, 0.25, 0.50), "/month", "shut-in restart rate rho_rs [A]";
    fleet_share_2024 = Dist::uniform(0.55, 0.75), "share of 2024 need", "shadow fleet F0 / Phi_2024; EU 36% Western in Dec 2024, KSE";
    fleet_rebuild = Dist::uniform(0.02, 0.08), "/month", "fleet rebuild speed g_F [A]; KSE";
    desig_eff_us = Dist::beta(17.0, 3.0), "share", "share of US-designated capacity removed; Vortexa via TradeWinds, KSE";
    desig_eff_eu = Dist::beta(6.0, 14.0), "share", "share of EU/UK-designated capacity removed; Vortexa via TradeWinds";
    reentry_eu = Dist::uniform(0.025, 0.075), "/month", "re-entry of EU/UK-designated tankers (0.05 x U(0.5,1.5)) [A]";
    reentry_us = Dist::uniform(0.005, 0.015), "/month", "re-entry of US-designated tankers (0.01 x U(0.5,1.5)) [A]";
    b_jan25 = Dist::uniform(0.05, 0.30), "share of F", "Jan-2025 US batch share [U], fitted in calibration.md §2";
    alpha_f = Dist::tri(0.8, 1.5, 3.0), "-", "freight gain at full tightness: f = f0(1 + alpha_f·clamp((u - u*)/(1 - u*), 0, 1)) (§4.2.4, D34) [A]; 2022 peak ~4x 2024";
    u_star = Dist::Const(0.85), "ratio", "2024 tanker tightness u* [A]";
    freight_speed = Dist::Const(0.5), "share/month", "share of a fall in tanker tightness that freight passes on each month; rises pass at once (D34: rates ease as charters roll off, which damps the fleet-cap cobweb) [A]";
    phi_f = Dist::Const(0.8), "-", "freight noise AR(1) [A]";
    sigma_f = Dist::Const(0.12), "log", "freight noise s.d. [A]";
    attestation = Dist::uniform(0.2, 1.0), "$/bbl", "attestation cost c_att; default of cap.attestation_usd (errata N4) [A]";
    enforcement = Dist::uniform(0.1, 0.6), "probability", "cap enforcement e; default of cap.enforcement (errata N4) [D]";
    enforcement_2024 = Dist::Const(0.3), "probability", "enforcement used to calibrate F^c_max on 2024 (errata 18) [D]";
    cap_switch_width = Dist::Const(2.0), "$/bbl", "width of the smooth Western-capacity switch at the cap (errata 7)";
    west_speed = Dist::Const(0.2), "share/month", "share of the gap to the cap test's Western participation closed each month (D172: owners and insurers leave and re-enter the capped trade over months; KSE's IG-insured share 45% Jun 2023 to 35% Feb 2024) [A]";
    // §7.3 Sanction wedges and adaptation
    dh_sdn = Dist::tri(0.0, 3.0, 8.0), "$/bbl per unit share", "buyer SDN wedge [A], fitted calibration.md §2";
    mu_int = Dist::tri(0.0, 7.5, 20.0), "$/bbl per unit share", "seller intermediary margin [D/U]; Platts ESPO Jan-2025";
    h_laundering = Dist::tri(0.5, 2.0, 6.0), "months", "laundering half-life h_L [U]";
    h_margin = Dist::tri(3.0, 6.0, 12.0), "months", "intermediary-margin decay half-life h_psi [A]; Argus 2023";
    t_adapt = Dist::tri(2.0, 4.0, 8.0), "months", "buyer adaptation half-life [A]";
    dh_relief = Dist::tri(1.0, 2.0, 4.0), "$/bbl", "relief wedge [A]";
    alpha_m = Dist::uniform(0.0, 0.2), "/month", "slate adaptation speed [A]";
    delta_m = Dist::tri(5.0, 8.0, 12.0), "$/bbl", "savings at which slates adapt [A]";
    alpha_m_minus = Dist::Const(0.02), "/month", "slate de-adaptation [A]";
    omega_cap = Dist::uniform(0.0, 1.0), "share", "Russia-affiliated margin capture (reported only) [A]";
    repaper_growth = Dist::tri(0.02, 0.045, 0.07), "share of exports per month^2", "D35: growth of the re-papering capacity after an authority wave (re-papered share after n months = g·n(n+1)/2); a 0.2 wave resettles in 2-3 months: BPCL CFO 2025-01-23, Tupras 1-month pause, Sinopec 2 loading months (buyers.csv) [D]";
    tanker_replace_growth = Dist::tri(0.4, 0.6, 0.8), "share of cargoes per month^2", "D40: growth of the replacement-tanker capacity after a designation batch (replaced cargo share after n months = g_T·n(n+1)/2); ESPO: 75% of cargoes on the Jan-10 tankers, 2 of 27 three weeks later, 17 clean tankers added in six weeks (buyers.csv) [D]";
    frontload = Dist::tri(0.0, 0.5, 1.0), "per unit pending share", "D35: compliant refiners' capacity boost per unit of designated share pending in a wind-down; >= 4.4 mb on India-bound designated tankers, settlement 5 -> 2 days (buyers.csv) [U]";
    wave_age_months = Dist::Const(7.0), "months", "months since the last sdn.wave at start (2025-01 to 2025-08; §3 explicit init)";
    // §7.4 buyer capacity noise
    buyer_noise_phi = Dist::Const(0.5), "-", "AR(1) of buyer capacity noise [A]";
    buyer_noise_sd = Dist::Const(0.05), "log", "buyer capacity noise s.d. [A]";
    // §7.5 stances (shared parts; per-buyer values are in the market file)
    snapback_prob = Dist::uniform(0.1, 0.5), "/month", "snapback probability; default of tariff.<buyer>.snapback_prob (errata N4) [A]";
}

/// A Gaussian copula over named parameters (scenario `[correlations]`): `names[i]` is
/// driven by row `i` of `chol`, the lower-triangular Cholesky factor of the Pearson matrix
/// of the latent normals. Empty: no correlations.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Copula {
    pub names: Vec<&'static str>,
    pub chol: Vec<Vec<f64>>,
}

/// Why a rank-correlation matrix was refused: the matrix is not positive definite, and
/// `(i, j)` (indices into the names, `i > j`) is the largest |ρ| in the first failing row.
#[derive(Debug, Clone, PartialEq)]
pub struct NotPositiveDefinite {
    pub row: usize,
    pub pair: (usize, usize),
    /// The failing Cholesky pivot: clearly negative for an inconsistent matrix, about 0 for
    /// one that is consistent but singular or nearly so (a |ρ| of 0.9999999999999999).
    pub pivot: f64,
}

impl NotPositiveDefinite {
    /// The matrix is consistent in exact arithmetic but too close to singular to factor.
    pub fn nearly_singular(&self) -> bool {
        self.pivot > -1e-9
    }
}

/// Spearman ρ_s → Pearson ρ of the Gaussian copula's latent normals: 2 sin(π ρ_s / 6).
pub fn spearman_to_pearson(rho_s: f64) -> f64 {
    2.0 * (std::f64::consts::PI * rho_s / 6.0).sin()
}

impl Copula {
    /// Builds the copula from a symmetric matrix of Spearman rank correlations with unit
    /// diagonal (entries in (-1, 1)): converts each entry with [`spearman_to_pearson`] and
    /// factors the result (Cholesky); a matrix that is not positive definite is refused.
    pub fn new(
        names: Vec<&'static str>,
        spearman: &[Vec<f64>],
    ) -> Result<Copula, NotPositiveDefinite> {
        let n = names.len();
        let r: Vec<Vec<f64>> = (0..n)
            .map(|i| {
                (0..n)
                    .map(|j| {
                        if i == j {
                            1.0
                        } else {
                            spearman_to_pearson(spearman[i][j])
                        }
                    })
                    .collect()
            })
            .collect();
        let mut l = vec![vec![0.0; n]; n];
        for i in 0..n {
            for j in 0..=i {
                let s: f64 = (0..j).map(|k| l[i][k] * l[j][k]).sum();
                if i == j {
                    let d = r[i][i] - s;
                    if d <= 1e-10 {
                        let jmax = (0..i)
                            .max_by(|&a, &b| r[i][a].abs().total_cmp(&r[i][b].abs()))
                            .unwrap_or(0);
                        return Err(NotPositiveDefinite {
                            row: i,
                            pair: (i, jmax),
                            pivot: d,
                        });
                    }
                    l[i][i] = d.sqrt();
                } else {
                    l[i][j] = (r[i][j] - s) / l[j][j];
                }
            }
        }
        Ok(Copula { names, chol: l })
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Redraws the copula's parameters jointly: an independent standard normal `z_i` from
    /// each parameter's own stream `rng_for(name)` (a fresh stream, so the draw does not
    /// depend on how the independent draw used it), `x = L z`, `u = Φ(x)`, and the
    /// parameter set to its distribution's quantile `F⁻¹(u)`. Marginals are unchanged; the
    /// Spearman correlations are the ones the copula was built from.
    pub fn apply<R: Rng, F: FnMut(&str) -> R>(
        &self,
        spec: &ParamSpec,
        p: &mut Params,
        mut rng_for: F,
    ) {
        if self.names.is_empty() {
            return;
        }
        let z: Vec<f64> = self
            .names
            .iter()
            .map(|n| {
                let x: f64 = rand_distr::StandardNormal.sample(&mut rng_for(n));
                x
            })
            .collect();
        for (i, name) in self.names.iter().enumerate() {
            let x: f64 = (0..=i).map(|j| self.chol[i][j] * z[j]).sum();
            let u = crate::dist::norm_cdf(x);
            if let Some(d) = spec.get(name) {
                p.set(name, d.quantile(u));
            }
        }
    }
}

impl ParamSpec {
    /// Applies a `[params]` table; returns the unknown names (for error reporting).
    pub fn apply_table(&mut self, t: &toml::Table) -> Result<(), Vec<String>> {
        let mut errs = Vec::new();
        for (k, v) in t {
            match v.clone().try_into::<Dist>() {
                Ok(d) => {
                    if !self.set(k, d) {
                        errs.push(format!(
                            "unknown parameter `{k}`{}",
                            crate::suggest::did_you_mean(k, Self::NAMES)
                        ));
                    }
                }
                Err(e) => errs.push(format!("parameter `{k}`: {e}")),
            }
        }
        if errs.is_empty() {
            Ok(())
        } else {
            Err(errs)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_named() {
        let p = ParamSpec::default();
        for (name, d, _, src) in p.entries() {
            d.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(!src.is_empty());
        }
        assert_eq!(p.entries().len(), ParamSpec::NAMES.len());
    }

    #[test]
    fn table_overrides_and_unknown_names() {
        let mut p = ParamSpec::default();
        let t: toml::Table =
            toml::from_str("kappa = 2.0\neps_d = { tri = [-0.3, -0.2, -0.1] }").unwrap();
        p.apply_table(&t).unwrap();
        assert_eq!(p.kappa, Dist::Const(2.0));
        let bad: toml::Table = toml::from_str("kapa = 1").unwrap();
        let e = p.apply_table(&bad).unwrap_err();
        assert!(e[0].contains("did you mean `kappa`"), "{e:?}");
    }
}
