//! The values each model parameter can take at all (not its prior): what the equations need
//! to stay finite and meaningful. The loader refuses `[params]` values outside them, so a typo
//! such as `sigma_xi = -7e18` is an error at its line instead of NaN bands.
//!
//! Each parameter has a *kind* (the hard limits of its meaning: a share lies in [0, 1], a
//! volatility is ≥ 0) and a *size range* derived from its equation (D142): a monthly log
//! volatility above about 2 has no meaning and overflows `exp`, an Euler reversion speed above
//! 1 per step overshoots its target. The hostile report (findings 1 and 2) found values inside the old
//! `sign + 1e6` ranges that panicked (`sigma_f = 300`) or gave NaN (`kappa_xi = 100`). The
//! bounds are generous (every prior and calibration grid lies well inside) but model-safe:
//! tests/hostile/params.rs runs every parameter at both ends. The table below states each
//! bound's reason, which the load error repeats.

/// Largest magnitude of any bound (the largest prior bound is 250 mb of storage).
pub const MAX_MAGNITUDE: f64 = 1e6;

/// The hard limits of a parameter's meaning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// A probability, share or per-month rate: [0, 1].
    Unit,
    /// A correlation: [-1, 1].
    Correlation,
    /// ≥ 0 (volatilities, volumes, prices, sensitivities).
    NonNegative,
    /// > 0 (time constants, reference levels and ratios the model divides by).
    Positive,
    /// ≤ 0 (demand elasticities).
    NonPositive,
    /// Any sign (drifts, log shifts, growth).
    Free,
}

impl Kind {
    /// Whether `x` respects the kind's hard ends (NaN does not).
    fn inside(self, x: f64) -> bool {
        match self {
            Kind::Unit => (0.0..=1.0).contains(&x),
            Kind::Correlation => (-1.0..=1.0).contains(&x),
            Kind::NonNegative => x >= 0.0,
            Kind::Positive => x > 0.0,
            Kind::NonPositive => x <= 0.0,
            Kind::Free => !x.is_nan(),
        }
    }
}

/// What a parameter's value must satisfy: its kind and `[lo, hi]` (for [`Kind::Positive`]
/// with `lo == 0`, the lower end is open).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    pub kind: Kind,
    pub lo: f64,
    pub hi: f64,
    /// Why the bounds are where they are (the load error quotes it).
    pub why: &'static str,
}

impl Range {
    /// Whether every value `d` can draw lies inside the range. The kind's hard ends (0 of a
    /// volatility, 1 of a share) hold for the whole support, so a `normal` is refused where
    /// the sign is fixed; an unbounded tail is held to the size bounds at its 1e-9 quantile,
    /// as before D142 it was held to the magnitude guard.
    pub fn admits_dist(self, d: &crate::dist::Dist) -> bool {
        let (lo, hi) = d.support();
        let hard_lo = !matches!(self.kind, Kind::NonPositive | Kind::Free);
        let hard_hi = matches!(
            self.kind,
            Kind::Unit | Kind::Correlation | Kind::NonPositive
        );
        if (hard_lo && !self.kind.inside(lo)) || (hard_hi && !self.kind.inside(hi)) {
            return false;
        }
        let lo_eff = if lo.is_finite() { lo } else { d.quantile(1e-9) };
        let hi_eff = if hi.is_finite() {
            hi
        } else {
            d.quantile(1.0 - 1e-9)
        };
        self.admits(lo_eff, hi_eff)
    }

    /// Whether `[lo, hi]` (a distribution's support) lies inside the range.
    pub fn admits(self, lo: f64, hi: f64) -> bool {
        let inside = |x: f64| self.kind.inside(x) && x >= self.lo && x <= self.hi;
        inside(lo) && inside(hi)
    }

    /// The range in words, for error messages: `in [0, 2]` or `in (0, 120]`.
    pub fn describe(self) -> String {
        let n = |x: f64| crate::suggest::Num(x).to_string();
        let open = self.kind == Kind::Positive && self.lo <= 0.0;
        format!(
            "in {}{}, {}]",
            if open { "(" } else { "[" },
            n(self.lo),
            n(self.hi)
        )
    }
}

/// Pairs of parameters whose values must keep an order on every draw, `(lower, upper, why)`:
/// `lower` below `upper` (hostile round 11 F5). The inventory gate G(I) of model.md §4.8
/// divides by `inv_target − inv_min` and `inv_max − inv_target`; with the order broken the
/// 1e-9 floor of those gaps hides it and the buffer becomes a 0/1 step. Checked after the
/// market file's and the chain's `[params]` are merged (`scenario::param_order`).
pub const ORDERED: &[(&str, &str, &str)] = &[
    (
        "inv_min",
        "inv_target",
        "the inventory floor must lie below the target (model.md §4.8, G(I))",
    ),
    (
        "inv_target",
        "inv_max",
        "the inventory target must lie below the ceiling (model.md §4.8, G(I))",
    ),
];

/// The values of `d` as the range check reads them: its support, an unbounded tail at its
/// 1e-9 quantile.
pub fn reach(d: &crate::dist::Dist) -> (f64, f64) {
    let (lo, hi) = d.support();
    let lo = if lo.is_finite() { lo } else { d.quantile(1e-9) };
    let hi = if hi.is_finite() {
        hi
    } else {
        d.quantile(1.0 - 1e-9)
    };
    (lo, hi)
}

/// The pairs of [`ORDERED`] that `spec` can break on some draw: the largest value `lower` can
/// take is not below the smallest `upper` can take.
pub fn disorders(
    spec: &crate::market::params::ParamSpec,
) -> Vec<(&'static str, &'static str, &'static str)> {
    ORDERED
        .iter()
        .filter(
            |(lower, upper, _)| match (spec.get(lower), spec.get(upper)) {
                (Some(l), Some(u)) => reach(&l).1 >= reach(&u).0,
                _ => false,
            },
        )
        .copied()
        .collect()
}

use Kind::*;

/// Every parameter: (name, kind, lo, hi, why). "dt" is the model's month, 1/12 yr.
#[rustfmt::skip]
const TABLE: &[(&str, Kind, f64, f64, &str)] = &[
    // §7.1 Brent and the world balance
    ("kappa", NonNegative, 0.0, 24.0, "a mean-reversion speed per year; above 24/yr (a half-life under 11 days) the short factor is gone within one monthly step"),
    ("sigma_chi_calm", NonNegative, 0.0, 5.0, "an annual log volatility; 5/sqrt(yr) is a monthly log s.d. of 1.4, beyond any oil market (monthly Brent s.d. is about 0.1), and larger values overflow exp in the Brent anchor"),
    ("sigma_chi_turb", NonNegative, 0.0, 5.0, "an annual log volatility; 5/sqrt(yr) is a monthly log s.d. of 1.4, beyond any oil market, and larger values overflow exp in the Brent anchor"),
    ("p_calm_to_turb", Unit, 0.0, 1.0, "a probability per month"),
    ("p_turb_to_calm", Unit, 0.0, 1.0, "a probability per month"),
    ("sigma_xi", NonNegative, 0.0, 5.0, "an annual log volatility of the long-term factor (a random walk); 5/sqrt(yr) is a monthly log s.d. of 1.4, and larger values overflow exp in the Brent anchor"),
    ("mu_xi", Free, -1.0, 1.0, "a log drift per year; ±1/yr is a factor of e a year, far beyond any long-run oil trend, and larger drifts overflow the Brent anchor over long horizons"),
    ("rho_chi_xi", Correlation, -1.0, 1.0, "a correlation"),
    ("kappa_xi", NonNegative, 0.0, 12.0, "a reversion speed per year applied by an Euler step of kappa_xi·dt; above 12/yr the step overshoots the long-run level (and above 24/yr it diverges)"),
    ("p_long_run", Positive, 5.0, 400.0, "a Brent price in $/bbl: the range Brent itself is clamped to"),
    ("corr_chi_freight", Correlation, -1.0, 1.0, "a correlation"),
    ("tau_pi", Positive, 0.0, 120.0, "a decay time in months (the model divides by it); 120 months is ten years, beyond which the premium never decays within a run"),
    ("outage_rate_small", Unit, 0.0, 1.0, "an arrival probability per month"),
    ("outage_rate_medium", Unit, 0.0, 1.0, "an arrival probability per month"),
    ("outage_rate_large", Unit, 0.0, 1.0, "an arrival probability per month"),
    ("outage_scale", NonNegative, 0.0, 5.0, "a multiplier of the outage sizes {1, 3, 6} mb/d; 5 makes the largest outage 30 mb/d, almost a third of world demand, beyond which the Brent balance has no root"),
    ("outage_mean_months", Positive, 1.0, 120.0, "the mean of a geometric duration in months: at least one month (the step), at most ten years"),
    ("spr_offset", Unit, 0.0, 1.0, "a share of the outage"),
    ("gulf_share", Unit, 0.0, 1.0, "a probability"),
    ("gamma_a", NonNegative, 0.0, 20.0, "a pass-through in $/bbl per mb/d; 20 is five times the prior's top and moves the Asian cost by $600/bbl at the largest outage"),
    ("demand_base", Positive, 50.0, 200.0, "world demand in mb/d (about 100 in 2024); the floor keeps it above the largest Russian availability (x_bar·e^theta_x)"),
    ("demand_growth", Free, -1.0, 3.0, "a change of world demand in mb/d per year; -1..3 covers every year but 2020; with demand_base, the loader keeps demand at or above 50 mb/d over the run's horizon (D208)"),
    ("eps_d", NonPositive, -2.0, 0.0, "a short-run demand elasticity (estimates -0.03 to -0.35); below -2 the Brent balance is too steep for its root search"),
    ("eps_s", NonNegative, 0.0, 2.0, "a short-run supply elasticity (estimates 0.015 to 0.15); above 2 the Brent balance is too steep for its root search"),
    ("eps_d_lr", NonPositive, -2.0, 0.0, "a long-run demand elasticity (estimates -0.2 to -0.4)"),
    ("eps_s_lr", NonNegative, 0.0, 2.0, "a long-run supply elasticity (estimates 0.2 to 0.4)"),
    ("nu_d", NonNegative, 0.0, 12.0, "an adjustment speed per year applied by an Euler step of nu_d·dt; above 12/yr the step overshoots its target"),
    ("nu_s", NonNegative, 0.0, 12.0, "an adjustment speed per year applied by an Euler step of nu_s·dt; above 12/yr the step overshoots its target"),
    ("eta_i", NonNegative, 0.0, 1.0, "a share of demand drawn per log unit of price; above 1 the inventory term swamps the balance and its root search fails"),
    ("inv_target", Positive, 0.0, 10.0, "world inventories in bn bbl (about 2.8); 10 is more than three times the real stock"),
    ("inv_min", Positive, 0.0, 10.0, "world inventories in bn bbl (about 2.4); 10 is more than three times the real stock"),
    ("inv_max", Positive, 0.0, 10.0, "world inventories in bn bbl (about 3.2); 10 is more than three times the real stock"),
    ("inv_reversion", Unit, 0.0, 1.0, "a share per month"),
    ("opec_spare", NonNegative, 0.0, 20.0, "spare capacity in mb/d (1.5 to 5 in the prior); 20 is a fifth of world demand"),
    ("opec_response", NonNegative, 0.0, 100.0, "mb/d per log unit of price, capped by the spare capacity; 100 is ten times the prior's top"),
    ("opec_trigger", Positive, 5.0, 400.0, "a Brent price in $/bbl: the range Brent itself is clamped to"),
    // §7.2 Russian supply, storage, fleet
    ("x_bar", NonNegative, 0.0, 15.0, "Russian export availability in mb/d (4.7); 15 is more than any country has exported, and keeps x_bar·e^theta_x below the smallest demand_base"),
    ("theta_x", Free, -1.0, 1.0, "a log shift of availability (prior s.d. 0.03); ±1 multiplies it by e^±1, and larger shifts leave exports beyond world demand"),
    ("phi_nu", Unit, 0.0, 1.0, "an AR(1) coefficient"),
    ("sigma_nu", NonNegative, 0.0, 2.0, "an availability shock s.d. in mb/d (0.08); 2 is almost half of Russian exports per month"),
    ("marginal_cost", NonNegative, 0.0, 400.0, "a cost in $/bbl, at most the Brent clamp of $400"),
    ("prod_floor", NonNegative, 0.0, 400.0, "a price in $/bbl, at most the Brent clamp of $400"),
    ("storage_cap", NonNegative, 0.0, 1000.0, "storage in mb (prior 30 to 250); 1000 mb is more than all of Russia's tank and field storage"),
    ("storage_margin_share", Unit, 0.0, 1.0, "a share of the netback EMA"),
    ("release_max", NonNegative, 0.0, 15.0, "a release rate in mb/d, at most the largest x_bar"),
    ("release_hysteresis", NonNegative, 0.0, 100.0, "a netback margin in $/bbl"),
    ("restart_rate", Unit, 0.0, 1.0, "a share per month"),
    ("fleet_share_2024", NonNegative, 0.0, 2.0, "the shadow fleet as a share of the 2024 need (0.55 to 0.75); 2 is twice the need"),
    ("fleet_rebuild", Unit, 0.0, 1.0, "a share per month"),
    ("desig_eff_us", Unit, 0.0, 1.0, "a share"),
    ("desig_eff_eu", Unit, 0.0, 1.0, "a share"),
    ("reentry_eu", Unit, 0.0, 1.0, "a share per month"),
    ("reentry_us", Unit, 0.0, 1.0, "a share per month"),
    ("b_jan25", Unit, 0.0, 1.0, "a share of the fleet"),
    ("alpha_f", NonNegative, 0.0, 20.0, "the freight gain at full tightness (2022 peaked near 3); 20 makes freight 21 times its base, beyond which route costs leave the clearing bracket"),
    ("u_star", Positive, 0.0, 1.0, "a tightness ratio; the model clamps it to [0.05, 0.999] before dividing by 1 - u_star"),
    ("freight_speed", Unit, 0.0, 1.0, "a share per month"),
    ("phi_f", Unit, 0.0, 1.0, "an AR(1) coefficient"),
    ("sigma_f", NonNegative, 0.0, 2.0, "a monthly log s.d. of freight noise (0.12); 2 is a factor of e^2 a month, and larger values overflow exp and broke the clearing bracket (hostile report, finding 1)"),
    ("attestation", NonNegative, 0.0, 100.0, "a cost in $/bbl (prior 0.2 to 1)"),
    ("enforcement", Unit, 0.0, 1.0, "a probability"),
    ("enforcement_2024", Unit, 0.0, 1.0, "a probability"),
    ("west_speed", Unit, 0.0, 1.0, "a share per month"),
    ("cap_switch_width", Positive, 0.1, 50.0, "a width in $/bbl the model divides by; under $0.1 the switch is a step the root search cannot follow"),
    // §7.3 Sanction wedges and adaptation
    ("dh_sdn", NonNegative, 0.0, 100.0, "a wedge in $/bbl per unit share (prior 0 to 8)"),
    ("mu_int", NonNegative, 0.0, 100.0, "a margin in $/bbl per unit share (prior 0 to 20)"),
    ("h_laundering", Positive, 0.1, 600.0, "a half-life in months (the model divides by it): from 3 days to 50 years"),
    ("h_margin", Positive, 0.1, 600.0, "a half-life in months (the model divides by it): from 3 days to 50 years"),
    ("t_adapt", Positive, 0.1, 600.0, "a half-life in months (the model divides by it): from 3 days to 50 years"),
    ("dh_relief", NonNegative, 0.0, 100.0, "a wedge in $/bbl (prior 1 to 4)"),
    ("alpha_m", Unit, 0.0, 1.0, "a share per month"),
    ("delta_m", NonNegative, 0.0, 100.0, "savings in $/bbl (prior 5 to 12)"),
    ("alpha_m_minus", Unit, 0.0, 1.0, "a share per month"),
    ("omega_cap", Unit, 0.0, 1.0, "a share"),
    ("repaper_growth", NonNegative, 0.0, 1.0, "a share of exports per month²; 1 re-papers everything in the first month"),
    ("tanker_replace_growth", Unit, 0.0, 1.0, "a share of cargoes per month²; 1 replaces everything in the first month"),
    ("frontload", NonNegative, 0.0, 10.0, "capacity boost per unit of pending share (prior 0 to 1)"),
    ("wave_age_months", NonNegative, 0.0, 600.0, "months since the last wave, at most 50 years"),
    // §7.4 buyer capacity noise
    ("buyer_noise_phi", Unit, 0.0, 1.0, "an AR(1) coefficient"),
    ("buyer_noise_sd", NonNegative, 0.0, 2.0, "a monthly log s.d. of buyer capacity (0.05); 2 is a factor of e^2 a month, and larger values overflow exp and broke the clearing bracket (hostile report, finding 1)"),
    // §7.5 stances
    ("snapback_prob", Unit, 0.0, 1.0, "a probability per month"),
];

/// The range of parameter `name` (a name that is not a parameter gets the magnitude guard).
pub fn range_of(name: &str) -> Range {
    match TABLE.iter().find(|r| r.0 == name) {
        Some(&(_, kind, lo, hi, why)) => Range { kind, lo, hi, why },
        None => Range {
            kind: Kind::Free,
            lo: -MAX_MAGNITUDE,
            hi: MAX_MAGNITUDE,
            why: "not a model parameter",
        },
    }
}

/// Every parameter's range, in model order: for docs and tests.
pub fn all() -> impl Iterator<Item = (&'static str, Range)> {
    TABLE
        .iter()
        .map(|&(n, kind, lo, hi, why)| (n, Range { kind, lo, hi, why }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::params::ParamSpec;

    #[test]
    fn every_default_prior_lies_in_its_range() {
        for (name, d, _, _) in ParamSpec::default().entries() {
            assert!(
                range_of(name).admits_dist(&d),
                "{name}: default {d} outside {}",
                range_of(name).describe()
            );
        }
    }

    #[test]
    fn absurd_values_are_outside() {
        use crate::dist::Dist;
        assert!(!range_of("sigma_xi").admits_dist(&Dist::Const(-7e18)));
        assert!(!range_of("fleet_rebuild").admits_dist(&Dist::Const(5e291)));
        assert!(!range_of("enforcement").admits_dist(&Dist::Const(1.5)));
        assert!(!range_of("tau_pi").admits_dist(&Dist::Const(0.0)));
        assert!(!range_of("eps_d").admits_dist(&Dist::Const(0.1)));
        assert!(!range_of("storage_cap").admits_dist(&Dist::Normal {
            mu: 100.0,
            sd: 10.0
        }));
        assert!(range_of("theta_x").admits_dist(&Dist::Normal { mu: 0.0, sd: 0.03 }));
        assert!(range_of("mu_xi").admits_dist(&Dist::Const(-0.5)));
    }

    #[test]
    fn every_parameter_has_one_row_inside_its_kind() {
        for n in ParamSpec::NAMES {
            assert_eq!(TABLE.iter().filter(|r| r.0 == *n).count(), 1, "{n}");
        }
        assert_eq!(TABLE.len(), ParamSpec::NAMES.len());
        for (n, r) in all() {
            assert!(r.lo <= r.hi && r.hi.abs() <= MAX_MAGNITUDE, "{n}");
            assert!(r.kind.inside(r.hi), "{n}");
            assert!(r.kind.inside(r.lo) || r.kind == Kind::Positive, "{n}");
        }
    }

    #[test]
    fn hostile_values_are_outside() {
        use crate::dist::Dist;
        for (n, v) in [
            ("sigma_f", 300.0),
            ("buyer_noise_sd", 300.0),
            ("kappa_xi", 100.0),
            ("sigma_xi", 300.0),
            ("theta_x", 1000.0),
            ("mu_xi", 1000.0),
            ("sigma_chi_calm", 1000.0),
            ("sigma_chi_turb", 1000.0),
        ] {
            assert!(!range_of(n).admits_dist(&Dist::Const(v)), "{n} = {v}");
        }
        assert!(!range_of("sigma_f").admits_dist(&Dist::uniform(0.1, 400.0)));
    }
}
