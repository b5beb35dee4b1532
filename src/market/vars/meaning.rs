//! What an output variable measures, said in the market file's ids rather than its indices:
//! `compare` pairs the variables of two market files by name, and a name only says what it
//! measures within one file (an `[[output]]` or a `report_as` can give the same name to
//! other buyers or another basin; hostile round 8 finding 3).

use super::{Get, Var};
use crate::market::data::{FlowPart, Market};

impl Var {
    /// The variable's unit and, when the market file defines it, what it is of: the buyers and
    /// part of a flow output, the basin, buyer, route or pipeline it reads. Two variables of
    /// one name measure the same thing when their meanings are equal.
    pub fn meaning(&self, mkt: &Market) -> String {
        let basin = |b: usize| format!("basin {}", mkt.basins[b].id);
        let buyer = |j: usize| format!("buyer {}", mkt.buyers[j].id);
        let route = |r: usize| {
            let s = &mkt.routes[r].spec;
            format!("route {} to {}", s.from, s.to)
        };
        let of = match self.get {
            Get::Flow { .. } => flow_output(mkt, |n| n == self.name, "flows"),
            Get::Arrivals { .. } => flow_output(
                mkt,
                |n| format!("arrivals_{}", n.strip_prefix("flow_").unwrap_or(n)) == self.name,
                "arrivals",
            ),
            Get::BasinPrice(b)
            | Get::Discount(b)
            | Get::Designated(b)
            | Get::Laundered(b)
            | Get::Unpapered(b)
            | Get::TankerBanned(b)
            | Get::SellerWedge(b) => Some(basin(b)),
            Get::Bill(j)
            | Get::Savings(j)
            | Get::TariffCost(j)
            | Get::TariffDuty(j)
            | Get::Halted(j)
            | Get::StanceCut(j)
            | Get::SlatePrice(j)
            | Get::TariffInForce(j)
            | Get::NetGain(j)
            | Get::CarrotEarned(j)
            | Get::Welfare(j) => Some(buyer(j)),
            Get::RouteFlow(r) | Get::RouteFreight(r) | Get::RouteDes(r) | Get::RouteDesPrice(r) => {
                Some(route(r))
            }
            Get::PipePrice(p) | Get::PipeDiscount(p) => {
                Some(format!("pipeline {}", mkt.pipelines[p].spec.id))
            }
            // Listed, not `_`: a new variable read from the market file must say what of.
            Get::Brent
            | Get::Exports
            | Get::Withheld
            | Get::Storage
            | Get::Shutin
            | Get::ShadowShare
            | Get::Revenue
            | Get::Anchor
            | Get::RiskPremium
            | Get::Outage
            | Get::Inventories
            | Get::Netback
            | Get::Customs
            | Get::FleetShadow
            | Get::FleetWestern
            | Get::Tightness
            | Get::CapBinding
            | Get::Refused
            | Get::Clamped
            | Get::SdnShare
            | Get::CapEu
            | Get::CapUs
            | Get::CapEuNone
            | Get::CapUsNone
            | Get::RevenueChange => None,
        };
        match of {
            Some(of) => format!("{of}, in {}", self.unit),
            None => format!("in {}", self.unit),
        }
    }
}

/// "the flows of buyers IN, TR by sea" for the `[[output]]` whose name `is` picks. Buyers are
/// sorted: a flow output is a sum, so their order in the file does not change what it is.
fn flow_output(mkt: &Market, is: impl Fn(&str) -> bool, what: &str) -> Option<String> {
    let (_, buyers, part) = mkt.outputs.iter().find(|(n, _, _)| is(n))?;
    let mut ids: Vec<&str> = buyers.iter().map(|&j| mkt.buyers[j].id.as_str()).collect();
    ids.sort_unstable();
    let by = match part {
        FlowPart::Sea => "by sea",
        FlowPart::Pipeline => "by pipeline",
        FlowPart::All => "by sea and pipeline",
    };
    let s = if ids.len() == 1 { "" } else { "s" };
    Some(format!("the {what} of buyer{s} {} {by}", ids.join(", ")))
}

#[cfg(test)]
mod tests {
    use crate::market::vars::variables;

    #[test]
    fn a_flow_output_means_its_buyers_and_part() {
        let text = include_str!("../../../scenarios/market/default.toml");
        let file: crate::market::data::MarketFile = toml::from_str(text).unwrap();
        let mkt = crate::market::data::Market::from_file(file).unwrap();
        let vars = variables(&mkt);
        let get = |n: &str| vars.iter().find(|v| v.name == n).unwrap().meaning(&mkt);
        assert_eq!(
            get("flow_india_mbd"),
            "the flows of buyer IN by sea and pipeline, in mb/d"
        );
        assert_eq!(
            get("arrivals_india_mbd"),
            "the arrivals of buyer IN by sea and pipeline, in mb/d"
        );
        assert_eq!(get("brent_usd_bbl"), "in USD/bbl");
    }
}
