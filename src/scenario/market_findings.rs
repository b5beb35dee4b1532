//! Hostile round 5: a market file in which a basin has no route, or a buyer neither a route nor
//! a pipeline, loads (a basin without buyers is a supported extreme: its barrels are withheld,
//! `tests/extremes.rs`), but its outputs are not what their names say. A basin with no route
//! has no price (the model reported ESPO at $27 with a $46 discount for a basin that sold
//! nothing), and a buyer with neither only writes zeros. `validate`, `explain` and `run` warn.

use super::overrides::{Severity, Warning};
use super::{Origin, Scenario};

/// One warning per basin without a route and per buyer without a route or a pipeline.
pub(super) fn market_findings(sc: &Scenario) -> Vec<Warning> {
    let m = &sc.market;
    let at = Origin {
        file: sc.market_path.clone(),
        line: 1,
        col: 1,
    };
    let mut out = Vec::new();
    for (b, basin) in m.basins.iter().enumerate() {
        if m.basin_routes[b].is_empty() {
            out.push(Warning {
                severity: Severity::Warning,
                at: at.clone(),
                key: format!("basin[{}]", b + 1),
                message: format!(
                    "basin {} has no [[route]]: its barrels are withheld every month, and its \
                     price and discount columns are not market prices",
                    basin.id
                ),
                help: Some(format!(
                    "add a [[route]] with `from = \"{}\"`, or read that basin's outputs as \
                     undefined",
                    basin.id
                )),
            });
        }
    }
    for (j, buyer) in m.buyers.iter().enumerate() {
        let buys =
            m.routes.iter().any(|r| r.buyer == j) || m.pipelines.iter().any(|p| p.buyer == j);
        if !buys {
            out.push(Warning {
                severity: Severity::Warning,
                at: at.clone(),
                key: format!("buyer[{}]", j + 1),
                message: format!(
                    "buyer {} has no [[route]] and no [[pipeline]]: it never buys, and its \
                     flows, savings and slate price are all zero",
                    buyer.id
                ),
                help: Some(format!(
                    "add a [[route]] with `to = \"{}\"`, or delete the buyer",
                    buyer.id
                )),
            });
        }
    }
    out
}
