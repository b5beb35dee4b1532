//! Plain-language names of the model's uncertain inputs: ONE table, shared by the sensitivity
//! tornado (`tornado.svg`), `explain` (a "means" line under each parameter) and
//! docs/sensitivity.md (whose table `tests/sensitivity.rs` checks against [`PARAMS`]).
//!
//! Parameters are named by [`PARAMS`]; inputs built from a scenario (events, market rows,
//! event trees) are described by [`plain`] from the pattern of their name.

/// `(parameter, what it means in words)`: every parameter that is uncertain by default.
pub const PARAMS: &[(&str, &str)] = &[
    ("kappa", "How fast Brent's short-term swings fade"),
    (
        "sigma_chi_calm",
        "Brent's short-term volatility in calm markets",
    ),
    (
        "sigma_chi_turb",
        "Brent's short-term volatility in turbulent markets",
    ),
    ("p_calm_to_turb", "Chance a calm oil market turns turbulent"),
    ("p_turb_to_calm", "Chance a turbulent oil market calms"),
    ("sigma_xi", "Volatility of Brent's long-term level"),
    ("mu_xi", "Drift of Brent's long-term level"),
    ("tau_pi", "How fast an event's risk premium fades"),
    ("outage_mean_months", "How long a supply outage lasts"),
    (
        "spr_offset",
        "Share of an outage covered by strategic reserves",
    ),
    (
        "gamma_a",
        "How a Gulf outage raises Asian buyers' alternatives",
    ),
    (
        "eps_d",
        "How much oil demand falls when prices rise (short run)",
    ),
    (
        "eps_s",
        "How much oil supply rises when prices rise (short run)",
    ),
    (
        "eps_d_lr",
        "How much oil demand falls when prices rise (long run)",
    ),
    (
        "eps_s_lr",
        "How much oil supply rises when prices rise (long run)",
    ),
    ("nu_d", "How fast demand moves to its long-run response"),
    ("nu_s", "How fast supply moves to its long-run response"),
    ("eta_i", "How much inventories cushion a shortfall"),
    ("opec_spare", "OPEC+ spare capacity"),
    (
        "opec_response",
        "How strongly OPEC+ adds oil when prices are high",
    ),
    ("opec_trigger", "Brent price at which OPEC+ responds"),
    ("theta_x", "Russia's export capacity, above or below plan"),
    ("marginal_cost", "Russia's cost of producing a barrel"),
    ("prod_floor", "Price below which Russia cuts production"),
    ("storage_cap", "Russia's oil storage capacity"),
    (
        "storage_margin_share",
        "How low prices must fall before Russia stores oil",
    ),
    ("restart_rate", "How fast Russia restarts shut-in wells"),
    ("fleet_share_2024", "Size of the shadow fleet in 2024"),
    (
        "fleet_rebuild",
        "How fast the shadow fleet replaces lost tankers",
    ),
    (
        "desig_eff_us",
        "Share of US-sanctioned tankers actually taken out",
    ),
    (
        "desig_eff_eu",
        "Share of EU/UK-sanctioned tankers actually taken out",
    ),
    (
        "reentry_eu",
        "How fast EU/UK-sanctioned tankers return to work",
    ),
    (
        "reentry_us",
        "How fast US-sanctioned tankers return to work",
    ),
    (
        "b_jan25",
        "Share of the fleet hit by the January 2025 US sanctions",
    ),
    (
        "alpha_f",
        "How much freight rates jump when tankers are scarce",
    ),
    ("attestation", "Cost of price-cap paperwork per barrel"),
    ("enforcement", "How strictly the price cap is enforced"),
    ("dh_sdn", "Discount buyers demand for sanctioned sellers"),
    ("mu_int", "Middlemen's margin on Russian crude"),
    (
        "h_laundering",
        "How fast trade is rerouted around sanctions",
    ),
    ("h_margin", "How fast the middlemen's margin shrinks"),
    ("t_adapt", "How fast buyers adapt to new sanctions"),
    ("dh_relief", "Discount narrowing when sanctions are eased"),
    (
        "alpha_m",
        "How fast refineries adapt to take more Russian crude",
    ),
    ("delta_m", "Savings that make refineries adapt"),
    (
        "omega_cap",
        "Share of the middlemen's margin kept by Russia",
    ),
    (
        "repaper_growth",
        "How fast traders re-paper cargoes after a sanctions wave",
    ),
    (
        "tanker_replace_growth",
        "How fast clean tankers replace designated ones",
    ),
    (
        "frontload",
        "How much buyers rush purchases before a wind-down ends",
    ),
    (
        "snapback_prob",
        "Chance a lifted tariff snaps back each month",
    ),
];

/// The plain-language label of parameter `name`, if it has one.
pub fn param(name: &str) -> Option<&'static str> {
    PARAMS.iter().find(|(n, _)| *n == name).map(|(_, l)| *l)
}

/// A sensitivity input's name (`eps_d`, `event.sdn.wave.2025-10.0.value`,
/// `basin.baltic.share`, `tree.summit.pending.entered`) in words; the name itself when no
/// pattern fits.
pub fn plain(input: &str) -> String {
    if let Some(l) = param(input) {
        return l.to_string();
    }
    // A seller group's shared draw (walkthrough 10 #17): the first wave's key, then the group.
    if let Some((base, group)) = input.split_once(" (shared by sellers ") {
        let group = group.strip_suffix(')').unwrap_or(group);
        return format!("{}, shared by sellers {group}", plain(base));
    }
    let parts: Vec<&str> = input.split('.').collect();
    match parts.as_slice() {
        // event.<lever...>.<YYYY-MM>.<k>.<part>; the lever may hold dots (tariff.IN.rate).
        ["event", lever @ .., date, _k, part] if !lever.is_empty() => {
            let what = match *part {
                "value" => "size",
                "happens" => "whether it happens",
                "lag" => "delay",
                other => other,
            };
            format!("{} ({date}): {what}", lever.join("."))
        }
        ["shock", "brent_short"] => "Brent's short-term swings on the path".to_string(),
        ["shock", "brent_long"] => "Brent's long-term shocks on the path".to_string(),
        ["basin", b, "share"] => format!("Share of exports from the {b} basin"),
        ["basin", b, "seller_wedge_usd"] => {
            format!("Middlemen's margin (seller wedge) at the {b} basin")
        }
        ["route", from, to, "freight_usd"] => format!("Freight from {from} to {to}"),
        ["route", from, to, "slate_max"] => {
            format!("Most Russian crude {to} can refine via {from}")
        }
        ["buyer", b, "sdn_averse_share"] => {
            format!("Share of {b}'s refiners shunning sanctioned oil")
        }
        ["buyer", b, "compliance_share"] => {
            format!("Share of {b}'s refiners refusing designated sellers")
        }
        ["buyer", b, "slate_mbd"] => format!("Most Russian crude {b}'s refineries can run"),
        ["buyer", b, "tanker_ban_share"] => {
            format!("Share of {b}'s ports refusing designated tankers")
        }
        ["buyer", b, "pause_months"] => {
            format!("Months {b}'s compliant refiners pause at a designation deadline")
        }
        ["buyer", b, "stance", field] => match *field {
            "welfare_loss" => format!("Welfare {b} loses per dollar of tariff duty"),
            "political_value_bn" => format!("Political value to {b} of keeping Russian crude"),
            "noise_bn" => format!("Noise in {b}'s halt decision"),
            "base_hazard" => format!("{b}'s monthly chance of halting for other reasons"),
            "halt_depth" => format!("Share of {b}'s intake a full halt stops"),
            _ => input.to_string(),
        },
        ["pipeline", p, "capacity_mbd"] => format!("Capacity of the {p} pipeline"),
        ["pipeline", p, "scheduled_mbd"] => format!("Scheduled flow on the {p} pipeline"),
        ["buyer", b, "term_ties", seller] => {
            format!("Share of {b}'s intake tied by term contract to {seller}")
        }
        ["tree", t, rest @ ..] if !rest.is_empty() => {
            let last = rest[rest.len() - 1];
            let node = rest[..rest.len() - 1].join(".");
            match last {
                "entered" => format!("Event tree {t}: reaches {node}"),
                "entry_month" => format!("Event tree {t}: when it reaches {node}"),
                "hazard" => format!("Event tree {t}: monthly chance of {node}"),
                p if p.starts_with("prob=") => {
                    format!("Event tree {t}: chance of {node} -> {}", &p[5..])
                }
                _ => input.to_string(),
            }
        }
        _ => input.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_uncertain_default_parameter_has_a_label() {
        let p = crate::market::params::ParamSpec::default();
        for (name, d, _, _) in p.entries() {
            if !d.is_const() {
                assert!(param(name).is_some(), "{name} has no plain-language label");
            }
        }
        let names: Vec<&str> = PARAMS.iter().map(|p| p.0).collect();
        for (i, n) in names.iter().enumerate() {
            assert!(!names[..i].contains(n), "{n} twice");
            assert!(p.entries().iter().any(|e| e.0 == *n), "{n} is no parameter");
        }
    }

    #[test]
    fn patterns() {
        assert_eq!(
            plain("eps_d"),
            "How much oil demand falls when prices rise (short run)"
        );
        assert_eq!(
            plain("event.tariff.IN.rate.2025-08.0.value"),
            "tariff.IN.rate (2025-08): size"
        );
        assert_eq!(
            plain("event.sdn.wave.2026-01.1.happens"),
            "sdn.wave (2026-01): whether it happens"
        );
        assert_eq!(
            plain("event.sdn.wave.2025-10-15.0.value (shared by sellers rosneft.lukoil: 2 waves)"),
            "sdn.wave (2025-10-15): size, shared by sellers rosneft.lukoil: 2 waves"
        );
        assert_eq!(
            plain("tree.summit.pending.prob=deal"),
            "Event tree summit: chance of pending -> deal"
        );
        assert_eq!(plain("something_else"), "something_else");
    }
}
