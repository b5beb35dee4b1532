//! The market-file draws that are sensitivity inputs: which rows and keys, their
//! distributions, how to override them and the value the path model holds.

use crate::dist::Dist;
use crate::market::data::Market;
use crate::market::model::PathModel;

/// Which part of a market row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MarketSlot {
    BasinShare(usize),
    BasinWedge(usize),
    RouteFreight(usize),
    RouteSlate(usize),
    BuyerAverse(usize),
    /// Buyer index and stance field 0..5 (welfare_loss, political_value_bn, noise_bn,
    /// base_hazard, halt_depth).
    Stance(usize, usize),
    PipeCap(usize),
    PipeSched(usize),
    /// D35, D39, D40 buyer draws (listed after the older slots, so their order is unchanged).
    BuyerCompliance(usize),
    BuyerSlate(usize),
    BuyerTankerBan(usize),
    BuyerPause(usize),
    /// D46: buyer index and the index of the tie in its `term_ties` (key order).
    BuyerTie(usize, usize),
}

const STANCE_FIELDS: [&str; 5] = [
    "welfare_loss",
    "political_value_bn",
    "noise_bn",
    "base_hazard",
    "halt_depth",
];

pub(crate) fn market_dist(m: &Market, s: MarketSlot) -> Option<Dist> {
    Some(match s {
        MarketSlot::BasinShare(i) => m.basins[i].share?,
        MarketSlot::BasinWedge(i) => m.basins[i].seller_wedge_usd,
        MarketSlot::RouteFreight(r) => m.routes[r].spec.freight_usd,
        MarketSlot::RouteSlate(r) => m.routes[r].spec.slate_max,
        MarketSlot::BuyerAverse(j) => m.buyers[j].sdn_averse_share,
        MarketSlot::Stance(j, f) => {
            let s = m.buyers[j].stance.as_ref()?;
            [
                s.welfare_loss,
                s.political_value_bn,
                s.noise_bn,
                s.base_hazard,
                s.halt_depth,
            ][f]
        }
        MarketSlot::PipeCap(p) => m.pipelines[p].spec.capacity_mbd,
        MarketSlot::PipeSched(p) => m.pipelines[p].spec.scheduled_mbd?,
        MarketSlot::BuyerCompliance(j) => m.buyers[j].compliance_share,
        MarketSlot::BuyerSlate(j) => m.buyers[j].slate_mbd?,
        MarketSlot::BuyerTankerBan(j) => m.buyers[j].tanker_ban_share,
        MarketSlot::BuyerPause(j) => m.buyers[j].pause_months,
        MarketSlot::BuyerTie(j, k) => *m.buyers[j].term_ties.values().nth(k)?,
    })
}

pub(crate) fn set_market_dist(m: &mut Market, s: MarketSlot, d: Dist) {
    match s {
        MarketSlot::BasinShare(i) => m.basins[i].share = Some(d),
        MarketSlot::BasinWedge(i) => m.basins[i].seller_wedge_usd = d,
        MarketSlot::RouteFreight(r) => m.routes[r].spec.freight_usd = d,
        MarketSlot::RouteSlate(r) => m.routes[r].spec.slate_max = d,
        MarketSlot::BuyerAverse(j) => m.buyers[j].sdn_averse_share = d,
        MarketSlot::Stance(j, f) => {
            if let Some(s) = m.buyers[j].stance.as_mut() {
                *[
                    &mut s.welfare_loss,
                    &mut s.political_value_bn,
                    &mut s.noise_bn,
                    &mut s.base_hazard,
                    &mut s.halt_depth,
                ][f] = d;
            }
        }
        MarketSlot::PipeCap(p) => m.pipelines[p].spec.capacity_mbd = d,
        MarketSlot::PipeSched(p) => m.pipelines[p].spec.scheduled_mbd = Some(d),
        MarketSlot::BuyerCompliance(j) => m.buyers[j].compliance_share = d,
        MarketSlot::BuyerSlate(j) => m.buyers[j].slate_mbd = Some(d),
        MarketSlot::BuyerTankerBan(j) => m.buyers[j].tanker_ban_share = d,
        MarketSlot::BuyerPause(j) => m.buyers[j].pause_months = d,
        MarketSlot::BuyerTie(j, k) => {
            if let Some(t) = m.buyers[j].term_ties.values_mut().nth(k) {
                *t = d;
            }
        }
    }
}

/// The value the path model holds for a market slot (after the model's clamps; a pipeline's
/// scheduled flow is the effective min(capacity, scheduled)).
pub(crate) fn market_value(pm: &PathModel, s: MarketSlot) -> f64 {
    match s {
        MarketSlot::BasinShare(i) => pm.basin_share[i],
        MarketSlot::BasinWedge(i) => pm.basin_wedge0[i],
        MarketSlot::RouteFreight(r) => pm.route_freight0[r],
        MarketSlot::RouteSlate(r) => pm.route_slate_max[r],
        MarketSlot::BuyerAverse(j) => pm.buyer_sdn_averse[j],
        MarketSlot::Stance(j, f) => pm.stance(j).map_or(f64::NAN, |s| {
            [
                s.welfare_loss,
                s.political_value_bn,
                s.noise_bn,
                s.base_hazard,
                s.halt_depth,
            ][f]
        }),
        MarketSlot::PipeCap(p) => pm.pipe_cap[p],
        MarketSlot::PipeSched(p) => pm.pipe_flow[p],
        MarketSlot::BuyerCompliance(j) => pm.buyer_compliance[j],
        MarketSlot::BuyerSlate(j) => pm.buyer_slate[j],
        MarketSlot::BuyerTankerBan(j) => pm.buyer_tanker_ban[j],
        MarketSlot::BuyerPause(j) => pm.buyer_pause[j],
        MarketSlot::BuyerTie(j, k) => pm.buyer_ties[j].get(k).map_or(f64::NAN, |t| t.1),
    }
}

pub(crate) fn market_slots(m: &Market) -> Vec<(MarketSlot, String, &'static str)> {
    let mut v = Vec::new();
    for (i, b) in m.basins.iter().enumerate() {
        v.push((
            MarketSlot::BasinShare(i),
            format!("basin.{}.share", b.id),
            "share",
        ));
        v.push((
            MarketSlot::BasinWedge(i),
            format!("basin.{}.seller_wedge_usd", b.id),
            "USD/bbl",
        ));
    }
    for (r, route) in m.routes.iter().enumerate() {
        let k = format!("route.{}.{}", route.spec.from, route.spec.to);
        v.push((
            MarketSlot::RouteFreight(r),
            format!("{k}.freight_usd"),
            "USD/bbl",
        ));
        v.push((MarketSlot::RouteSlate(r), format!("{k}.slate_max"), "ratio"));
    }
    for (j, b) in m.buyers.iter().enumerate() {
        v.push((
            MarketSlot::BuyerAverse(j),
            format!("buyer.{}.sdn_averse_share", b.id),
            "share",
        ));
        let units = [
            "per USD of duty",
            "USD bn/yr",
            "USD bn/yr",
            "/month",
            "share",
        ];
        for (f, name) in STANCE_FIELDS.iter().enumerate() {
            v.push((
                MarketSlot::Stance(j, f),
                format!("buyer.{}.stance.{name}", b.id),
                units[f],
            ));
        }
    }
    for (p, pl) in m.pipelines.iter().enumerate() {
        let k = format!("pipeline.{}", pl.spec.id);
        v.push((MarketSlot::PipeCap(p), format!("{k}.capacity_mbd"), "mb/d"));
        v.push((
            MarketSlot::PipeSched(p),
            format!("{k}.scheduled_mbd"),
            "mb/d",
        ));
    }
    for (j, b) in m.buyers.iter().enumerate() {
        let k = format!("buyer.{}", b.id);
        v.push((
            MarketSlot::BuyerCompliance(j),
            format!("{k}.compliance_share"),
            "share",
        ));
        v.push((MarketSlot::BuyerSlate(j), format!("{k}.slate_mbd"), "mb/d"));
        v.push((
            MarketSlot::BuyerTankerBan(j),
            format!("{k}.tanker_ban_share"),
            "share",
        ));
        v.push((
            MarketSlot::BuyerPause(j),
            format!("{k}.pause_months"),
            "months",
        ));
    }
    // D46, after every older slot so their order is unchanged.
    for (j, b) in m.buyers.iter().enumerate() {
        for (t, name) in b.term_ties.keys().enumerate() {
            v.push((
                MarketSlot::BuyerTie(j, t),
                format!("buyer.{}.term_ties.{name}", b.id),
                "share",
            ));
        }
    }
    v
}

#[cfg(test)]
mod tests {
    /// Every market input a tornado chart can show has words, not its key (walkthrough:
    /// `buyer.IN.stance.political_value_bn` was printed raw next to labelled rows).
    #[test]
    fn every_market_input_has_a_plain_label() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let sc = crate::scenario::load(&dir.join("scenarios/summit_failure.toml")).unwrap();
        let slots = super::market_slots(&sc.market);
        assert!(slots.len() > 20);
        for (_, name, _) in slots {
            let label = crate::output::labels::plain(&name);
            assert_ne!(label, name, "{name} has no plain-language label");
        }
    }
}
