//! The output variables: names (snake_case, unit as suffix), units, and how each is read
//! from a month's outcome (`market::accounting::Outcome`) and the policy in force. Built from
//! the market file, so adding a buyer or route adds variables and changes nothing else
//! (outputs.md §5).
use crate::market::data::{BasinSpec, FlowPart, Market};
use crate::market::stance::tariff_in_force;
use crate::market::state::State;
use crate::market::work::Work;
use crate::policy::levers::{no_cap, LeverIds, LeverSet};

mod meaning;

/// The unit of a per-path 0/1 flag (the cap binds, a buyer is halted, …): its percentiles are
/// 0 or 1 and only the mean, the share of paths, says anything (`wide.csv` adds its mean).
pub const FLAG_UNIT: &str = "share of paths";

#[derive(Debug, Clone, PartialEq)]
enum Get {
    Brent,
    BasinPrice(usize),
    Discount(usize),
    Exports,
    Withheld,
    Storage,
    Shutin,
    /// A flow output (`[[output]]` of the market file): the sum of these routes' flows, then
    /// of these pipelines', in index order. The lists are found once, when the variables are
    /// built, instead of testing every route and pipeline each month.
    Flow {
        routes: Box<[usize]>,
        pipes: Box<[usize]>,
    },
    /// D47: the same routes' arrivals (loadings a voyage later), then the pipelines' flows.
    Arrivals {
        routes: Box<[usize]>,
        pipes: Box<[usize]>,
    },
    ShadowShare,
    Revenue,
    Bill(usize),
    Savings(usize),
    TariffCost(usize),
    TariffDuty(usize),
    Halted(usize),
    StanceCut(usize),
    SlatePrice(usize),
    Anchor,
    RiskPremium,
    Outage,
    Inventories,
    Netback,
    Customs,
    FleetShadow,
    FleetWestern,
    Tightness,
    CapBinding,
    Refused,
    Clamped,
    SdnShare,
    RouteFlow(usize),
    RouteFreight(usize),
    RouteDes(usize),
    CapEu,
    CapUs,
    CapEuNone,
    CapUsNone,
    TariffInForce(usize),
    Designated(usize),
    Laundered(usize),
    RouteDesPrice(usize),
    SellerWedge(usize),
    PipePrice(usize),
    PipeDiscount(usize),
    Unpapered(usize),
    /// D40: basin's cargo share still on designated tankers.
    TankerBanned(usize),
    NetGain(usize),
    CarrotEarned(usize),
    Welfare(usize),
    RevenueChange,
}

/// One output variable.
#[derive(Debug, Clone, PartialEq)]
pub struct Var {
    pub name: String,
    pub unit: String,
    get: Get,
}

/// The variable list for a market, contract variables first.
pub fn variables(mkt: &Market) -> Vec<Var> {
    let mut v = Vec::new();
    let mut add = |name: String, unit: &str, get: Get| {
        v.push(Var {
            name,
            unit: unit.into(),
            get,
        })
    };
    add("brent_usd_bbl".into(), "USD/bbl", Get::Brent);
    for (b, basin) in mkt.basins.iter().enumerate() {
        let x = basin_name(basin);
        add(format!("{x}_price_usd_bbl"), "USD/bbl", Get::BasinPrice(b));
        add(format!("{x}_discount_usd_bbl"), "USD/bbl", Get::Discount(b));
    }
    add("russia_crude_exports_mbd".into(), "mb/d", Get::Exports);
    add("russia_withheld_mbd".into(), "mb/d", Get::Withheld);
    add("russia_storage_mb".into(), "mb", Get::Storage);
    add("russia_shutin_mbd".into(), "mb/d", Get::Shutin);
    for (name, buyers, part) in &mkt.outputs {
        add(name.clone(), "mb/d", flow_sum(mkt, buyers, *part));
    }
    add("shadow_fleet_share".into(), "share", Get::ShadowShare);
    add(
        "russia_export_revenue_usd_bn".into(),
        "USD bn/month",
        Get::Revenue,
    );
    for (j, b) in mkt.buyers.iter().enumerate() {
        let Some(x) = &b.report_as else { continue };
        if b.imports_mbd.is_some() {
            add(
                format!("{x}_import_bill_usd_bn"),
                "USD bn/month",
                Get::Bill(j),
            );
        }
        add(
            format!("{x}_discount_savings_usd_bn"),
            "USD bn/month",
            Get::Savings(j),
        );
        add(
            format!("{x}_tariff_cost_usd_bn"),
            "USD bn/month",
            Get::TariffCost(j),
        );
        add(
            format!("{x}_tariff_duty_usd_bn"),
            "USD bn/month",
            Get::TariffDuty(j),
        );
    }
    for (j, b) in mkt.buyers.iter().enumerate() {
        if let (Some(x), Some(_)) = (&b.report_as, &b.stance) {
            add(format!("{x}_halted_share"), FLAG_UNIT, Get::Halted(j));
        }
    }
    add("brent_anchor_usd_bbl".into(), "USD/bbl", Get::Anchor);
    add("risk_premium_log".into(), "log points", Get::RiskPremium);
    add("outage_elsewhere_mbd".into(), "mb/d", Get::Outage);
    add("inventories_bn_bbl".into(), "bn bbl", Get::Inventories);
    add("russia_netback_avg_usd_bbl".into(), "USD/bbl", Get::Netback);
    add(
        "russia_customs_price_usd_bbl".into(),
        "USD/bbl",
        Get::Customs,
    );
    add(
        "fleet_shadow_capacity_flow_months".into(),
        "flow-months",
        Get::FleetShadow,
    );
    add(
        "fleet_western_capacity_flow_months".into(),
        "flow-months",
        Get::FleetWestern,
    );
    add("tanker_tightness_ratio".into(), "ratio", Get::Tightness);
    add("cap_binding_share".into(), FLAG_UNIT, Get::CapBinding);
    add("cap_tranche_refused_share".into(), FLAG_UNIT, Get::Refused);
    add("brent_clamped_share".into(), FLAG_UNIT, Get::Clamped);
    add("sdn_share".into(), "share", Get::SdnShare);
    for (r, route) in mkt.routes.iter().enumerate() {
        let id = format!(
            "{}_{}",
            route.spec.from.to_lowercase(),
            route.spec.to.to_lowercase()
        );
        add(format!("flow_{id}_mbd"), "mb/d", Get::RouteFlow(r));
        add(
            format!("freight_{id}_usd_bbl"),
            "USD/bbl",
            Get::RouteFreight(r),
        );
        add(
            format!("des_discount_{id}_usd_bbl"),
            "USD/bbl",
            Get::RouteDes(r),
        );
    }
    // Policy in force (D50): what the month's step used, after suspensions and snapbacks.
    // D136: a month without a cap reports the month's Brent (a cap there never binds).
    add("cap_eu_in_force_usd_bbl".into(), "USD/bbl", Get::CapEu);
    add("cap_us_in_force_usd_bbl".into(), "USD/bbl", Get::CapUs);
    for (j, b) in mkt.buyers.iter().enumerate() {
        let x = b.report_as.clone().unwrap_or_else(|| b.id.to_lowercase());
        add(
            format!("{x}_tariff_in_force_share"),
            "share (ad valorem)",
            Get::TariffInForce(j),
        );
    }
    for (b, basin) in mkt.basins.iter().enumerate() {
        let x = basin_name(basin);
        add(format!("{x}_designated_share"), "share", Get::Designated(b));
        add(format!("{x}_laundered_share"), "share", Get::Laundered(b));
    }
    // Issue 13: delivered prices per route and pipeline prices, then the designated share
    // still biting through compliance (D35). Appended: existing columns keep their order.
    for (r, route) in mkt.routes.iter().enumerate() {
        let id = format!(
            "{}_{}",
            route.spec.from.to_lowercase(),
            route.spec.to.to_lowercase()
        );
        add(
            format!("des_price_{id}_usd_bbl"),
            "USD/bbl",
            Get::RouteDesPrice(r),
        );
    }
    for (p, pl) in mkt.pipelines.iter().enumerate() {
        let id = pl.spec.id.to_lowercase();
        add(
            format!("pipeline_price_{id}_usd_bbl"),
            "USD/bbl",
            Get::PipePrice(p),
        );
        add(
            format!("pipeline_discount_{id}_usd_bbl"),
            "USD/bbl",
            Get::PipeDiscount(p),
        );
    }
    for (b, basin) in mkt.basins.iter().enumerate() {
        let x = basin_name(basin);
        add(
            format!("{x}_designated_unpapered_share"),
            "share of exports",
            Get::Unpapered(b),
        );
    }
    // Appended last (issue 14): net positions.
    for (j, b) in mkt.buyers.iter().enumerate() {
        if let Some(x) = &b.report_as {
            add(
                format!("{x}_net_gain_usd_bn"),
                "USD bn/month",
                Get::NetGain(j),
            );
        }
    }
    add(
        "russia_revenue_change_usd_bn".into(),
        "USD bn/month",
        Get::RevenueChange,
    );
    // Appended last (issue 13, D38): the continuous stance's cut.
    for (j, b) in mkt.buyers.iter().enumerate() {
        if let (Some(x), Some(_)) = (&b.report_as, &b.stance) {
            add(
                format!("{x}_stance_cut_share"),
                "share of intake",
                Get::StanceCut(j),
            );
        }
    }
    // D39: the shadow price of each slate buyer's refinery slate.
    for (j, b) in mkt.buyers.iter().enumerate() {
        if let (Some(x), Some(_)) = (&b.report_as, &b.slate_mbd) {
            add(
                format!("{x}_slate_price_usd_bbl"),
                "USD/bbl",
                Get::SlatePrice(j),
            );
        }
    }
    // D40: each basin's cargoes still on designated tankers.
    for (b, basin) in mkt.basins.iter().enumerate() {
        let x = basin_name(basin);
        add(
            format!("{x}_designated_tanker_share"),
            "share of cargoes",
            Get::TankerBanned(b),
        );
    }
    // D47: what arrivals data would show, for every flow output with sea routes (a pipeline
    // delivers the month it flows, so a pipeline-only output would repeat itself).
    for (name, buyers, part) in &mkt.outputs {
        if *part == FlowPart::Pipeline {
            continue;
        }
        let Get::Flow { routes, pipes } = flow_sum(mkt, buyers, *part) else {
            unreachable!("flow_sum gives a flow")
        };
        let stem = name.strip_prefix("flow_").unwrap_or(name);
        add(
            format!("arrivals_{stem}"),
            "mb/d",
            Get::Arrivals { routes, pipes },
        );
    }
    // Appended last (D136): whether the month ran without a cap (its mean: the share of
    // paths without one).
    add("cap_eu_none_share".into(), "share of paths", Get::CapEuNone);
    add("cap_us_none_share".into(), "share of paths", Get::CapUsNone);
    // Appended last (D141): what a deal pays, and the position to compare across scenarios.
    for (j, b) in mkt.buyers.iter().enumerate() {
        if let Some(x) = &b.report_as {
            add(
                format!("{x}_carrot_earned_usd_bn"),
                "USD bn/month",
                Get::CarrotEarned(j),
            );
            add(
                format!("{x}_welfare_usd_bn"),
                "USD bn/month",
                Get::Welfare(j),
            );
        }
    }
    // Appended last (D170): the seller-side wedge w_b, the intermediaries' margin between the
    // FOB and the delivered price (DES discount = D_b − f_r − c^ins_r − w_b).
    for (b, basin) in mkt.basins.iter().enumerate() {
        let x = basin_name(basin);
        add(
            format!("{x}_seller_wedge_usd_bbl"),
            "USD/bbl",
            Get::SellerWedge(b),
        );
    }
    v
}

/// The routes and pipelines a flow output sums: those of its buyers, by sea, pipeline or both.
fn flow_sum(mkt: &Market, buyers: &[usize], part: FlowPart) -> Get {
    let routes = mkt
        .routes
        .iter()
        .enumerate()
        .filter(|(_, route)| part != FlowPart::Pipeline && buyers.contains(&route.buyer))
        .map(|(r, _)| r)
        .collect();
    let pipes = mkt
        .pipelines
        .iter()
        .enumerate()
        .filter(|(_, pl)| part != FlowPart::Sea && buyers.contains(&pl.buyer))
        .map(|(p, _)| p)
        .collect();
    Get::Flow { routes, pipes }
}

/// D136: the cap the step applied, or the month's Brent when it applied none, so bands,
/// means and charts of a cap that is sometimes `"none"` stay in dollars instead of mixing in
/// the 1e9 encoding.
fn cap_in_force(lever: f64, brent: f64) -> f64 {
    if no_cap(lever) {
        brent
    } else {
        lever
    }
}

/// A basin's name in variable names: its `report_as`, or its lower-case id.
fn basin_name(basin: &BasinSpec) -> String {
    basin
        .report_as
        .clone()
        .unwrap_or_else(|| basin.id.to_lowercase())
}

/// What a month's variables are read from besides the market: the step's work space (its
/// outcome, alternatives and designated shares), the levers in force and the state after it.
pub struct MonthView<'a> {
    pub work: &'a Work,
    pub levers: &'a LeverSet,
    pub ids: &'a LeverIds,
    pub state: &'a State,
    /// D47: each route's arrivals this month (its loadings a voyage earlier).
    pub arrivals: &'a [f64],
}

/// Reads one variable from a month's outcome.
pub fn value(var: &Var, mkt: &Market, mv: &MonthView<'_>) -> f64 {
    let (o, alt) = (&mv.work.out, &mv.work.alt);
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    match var.get {
        Get::Brent => o.price,
        Get::BasinPrice(b) => o.price - o.d[b],
        Get::Discount(b) => o.d[b],
        Get::Exports => o.deliveries,
        Get::Withheld => o.withheld,
        Get::Storage => o.storage_end,
        Get::Shutin => o.shutin_end,
        Get::Flow {
            ref routes,
            ref pipes,
        } => {
            // The same additions in the same order as a scan of every route and pipeline, so
            // the same bits.
            let mut s = 0.0;
            for &r in routes.iter() {
                s += o.m[r];
            }
            for &p in pipes.iter() {
                s += o.q[p];
            }
            s
        }
        Get::Arrivals {
            ref routes,
            ref pipes,
        } => {
            let mut s = 0.0;
            for &r in routes.iter() {
                s += mv.arrivals.get(r).copied().unwrap_or(f64::NAN);
            }
            for &p in pipes.iter() {
                s += o.q[p];
            }
            s
        }
        Get::ShadowShare => 1.0 - o.upsilon,
        Get::Revenue => o.revenue_bn,
        Get::Bill(j) => o.bill_bn[j],
        Get::Savings(j) => o.savings_bn[j],
        Get::TariffCost(j) => o.tariff_cost_bn[j],
        Get::TariffDuty(j) => o.tariff_duty_bn[j],
        Get::Halted(j) => o.halted[j],
        Get::StanceCut(j) => o.stance_cut[j],
        Get::SlatePrice(j) => mv.work.lambda[j],
        Get::Anchor => o.anchor_price,
        Get::RiskPremium => o.risk_premium,
        Get::Outage => o.outage,
        Get::Inventories => o.inventories,
        Get::Netback => o.netback_avg,
        Get::Customs => o.customs_price,
        Get::FleetShadow => o.fleet_shadow,
        Get::FleetWestern => o.fleet_western,
        Get::Tightness => o.tightness,
        Get::CapBinding => flag(o.cap_binding),
        Get::Refused => flag(o.refused),
        Get::Clamped => flag(o.clamped),
        Get::SdnShare => o.sdn_share,
        Get::RouteFlow(r) => o.m[r],
        Get::RouteFreight(r) => o.freight[r],
        Get::RouteDes(r) => o.delta[r] - alt[mkt.routes[r].buyer],
        Get::CapEu => cap_in_force(mv.levers.get(mv.ids.cap_eu_usd), o.price),
        Get::CapUs => cap_in_force(mv.levers.get(mv.ids.cap_us_usd), o.price),
        Get::CapEuNone => flag(no_cap(mv.levers.get(mv.ids.cap_eu_usd))),
        Get::CapUsNone => flag(no_cap(mv.levers.get(mv.ids.cap_us_usd))),
        Get::TariffInForce(j) => tariff_in_force(mv.state, mv.levers, mv.ids, j),
        Get::Designated(b) => mv.work.s[b],
        // (s − a)·L = (s − a) − s̃: the designated barrels already re-papered by laundering
        // this month. Authority waves' share `a` bites through compliance instead (D35) and
        // is re-papered as `Unpapered` shrinks, so it is not laundered from its first day.
        Get::Laundered(b) => (mv.work.s_chan[b] - mv.work.s_tilde[b]).max(0.0),
        Get::RouteDesPrice(r) => o.price + alt[mkt.routes[r].buyer] - o.delta[r],
        Get::PipePrice(p) => {
            let pl = &mkt.pipelines[p];
            o.price - o.d[pl.priced_off] + pl.spec.price_adj_usd
        }
        Get::PipeDiscount(p) => {
            let pl = &mkt.pipelines[p];
            o.d[pl.priced_off] - pl.spec.price_adj_usd
        }
        Get::Unpapered(b) => o.unpapered[b],
        Get::TankerBanned(b) => mv.work.exposure.banned[b]
            .iter()
            .sum::<f64>()
            .clamp(0.0, 1.0),
        Get::NetGain(j) => o.savings_bn[j] - o.tariff_cost_bn[j] - o.carrot_forgone_bn[j],
        Get::CarrotEarned(j) => o.carrot_earned_bn[j],
        Get::Welfare(j) => o.savings_bn[j] - o.tariff_cost_bn[j] + o.carrot_earned_bn[j],
        Get::RevenueChange => o.revenue_change_bn,
        Get::SellerWedge(b) => mv.work.w[b],
    }
}
