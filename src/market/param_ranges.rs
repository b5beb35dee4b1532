//! The values each model parameter can take at all (not its prior): what the equations need
//! to stay finite and meaningful. The loader refuses `[params]` values outside them, so a typo
//! such as `sigma_xi = -7e18` is an error at its line instead of NaN bands.

/// Largest magnitude accepted for any parameter: far beyond every prior (the largest prior
/// bound is 250 mb of storage) but small enough that no product in the model overflows.
pub const MAX_MAGNITUDE: f64 = 1e6;

/// What a parameter's value must satisfy.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Range {
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

impl Range {
    /// Whether every value `d` can draw lies inside the range. An unbounded tail (normal,
    /// lognormal) is held to the magnitude guard at its 1e-9 quantile, not at infinity.
    pub fn admits_dist(self, d: &crate::dist::Dist) -> bool {
        let (lo, hi) = d.support();
        let lo_eff = if lo.is_finite() { lo } else { d.quantile(1e-9) };
        let hi_eff = if hi.is_finite() {
            hi
        } else {
            d.quantile(1.0 - 1e-9)
        };
        let sign_ok = match self {
            Range::Free => true,
            _ => self.admits(lo, hi.min(MAX_MAGNITUDE)) || self.admits(lo.max(-MAX_MAGNITUDE), hi),
        };
        sign_ok && self.admits(lo_eff, hi_eff)
    }

    /// Whether `[lo, hi]` (a distribution's support) lies inside the range.
    pub fn admits(self, lo: f64, hi: f64) -> bool {
        let inside = |x: f64| match self {
            Range::Unit => (0.0..=1.0).contains(&x),
            Range::Correlation => (-1.0..=1.0).contains(&x),
            Range::NonNegative => x >= 0.0,
            Range::Positive => x > 0.0,
            Range::NonPositive => x <= 0.0,
            Range::Free => true,
        };
        let small = |x: f64| x.abs() <= MAX_MAGNITUDE;
        inside(lo) && inside(hi) && small(lo) && small(hi)
    }

    /// The range in words, for error messages.
    pub fn describe(self) -> String {
        let m = MAX_MAGNITUDE;
        match self {
            Range::Unit => "in [0, 1]".into(),
            Range::Correlation => "in [-1, 1]".into(),
            Range::NonNegative => format!("in [0, {m:e}]"),
            Range::Positive => format!("in (0, {m:e}]"),
            Range::NonPositive => format!("in [-{m:e}, 0]"),
            Range::Free => format!("in [-{m:e}, {m:e}]"),
        }
    }
}

const UNIT: &[&str] = &[
    "freight_speed",
    "p_calm_to_turb",
    "p_turb_to_calm",
    "outage_rate_small",
    "outage_rate_medium",
    "outage_rate_large",
    "spr_offset",
    "gulf_share",
    "inv_reversion",
    "phi_nu",
    "storage_margin_share",
    "restart_rate",
    "fleet_rebuild",
    "desig_eff_us",
    "desig_eff_eu",
    "reentry_eu",
    "reentry_us",
    "b_jan25",
    "phi_f",
    "enforcement",
    "enforcement_2024",
    "alpha_m",
    "alpha_m_minus",
    "omega_cap",
    "tanker_replace_growth",
    "buyer_noise_phi",
    "snapback_prob",
];
const CORRELATION: &[&str] = &["rho_chi_xi", "corr_chi_freight"];
const POSITIVE: &[&str] = &[
    "p_long_run",
    "tau_pi",
    "outage_mean_months",
    "demand_base",
    "inv_target",
    "inv_min",
    "inv_max",
    "opec_trigger",
    "h_laundering",
    "h_margin",
    "t_adapt",
    "u_star",
    "cap_switch_width",
];
const NON_POSITIVE: &[&str] = &["eps_d", "eps_d_lr"];
const FREE: &[&str] = &["mu_xi", "theta_x", "demand_growth"];

/// The range of parameter `name` (every other parameter is [`Range::NonNegative`]).
pub fn range_of(name: &str) -> Range {
    if UNIT.contains(&name) {
        Range::Unit
    } else if CORRELATION.contains(&name) {
        Range::Correlation
    } else if POSITIVE.contains(&name) {
        Range::Positive
    } else if NON_POSITIVE.contains(&name) {
        Range::NonPositive
    } else if FREE.contains(&name) {
        Range::Free
    } else {
        Range::NonNegative
    }
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
    fn names_in_the_lists_are_parameters() {
        for n in UNIT
            .iter()
            .chain(CORRELATION)
            .chain(POSITIVE)
            .chain(NON_POSITIVE)
            .chain(FREE)
        {
            assert!(ParamSpec::NAMES.contains(n), "{n} is not a parameter");
        }
    }
}
