//! The exact identities of model.md §9.1, checked on one path-month.
//!
//! Called after every step in debug builds and by the property tests in `tests/`. Returns the
//! violated identities as readable strings (empty when everything holds).

use super::model::PathModel;
use super::state::State;
use super::work::{MonthCtx, Work};
use crate::policy::levers::{LeverIds, LeverSet};

const VOL_TOL: f64 = 1e-9;

/// What the check needs from before the step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Before {
    pub storage: f64,
}

#[allow(clippy::too_many_arguments)]
pub fn check(
    m: &PathModel,
    before: Before,
    st: &State,
    w: &Work,
    lv: &LeverSet,
    ids: &LeverIds,
    ctx: MonthCtx,
) -> Vec<String> {
    let o = &w.out;
    let mut bad = Vec::new();
    let mut req = |ok: bool, what: String| {
        if !ok {
            bad.push(what);
        }
    };
    let d = ctx.days;
    // 1. Volume.
    let pipes: f64 = o.q.iter().sum();
    let sold: f64 = o.sold.iter().sum();
    let lhs = o.x_avail + o.release;
    req(
        (lhs - (pipes + sold + o.withheld)).abs() < VOL_TOL,
        format!(
            "volume: X + R = {lhs} but Q + sold + U = {}",
            pipes + sold + o.withheld
        ),
    );
    req(
        (o.withheld - (o.delta_s / d + o.shutin_new)).abs() < VOL_TOL,
        format!(
            "U = {} but ΔS/d + H_new = {}",
            o.withheld,
            o.delta_s / d + o.shutin_new
        ),
    );
    let s_next = before.storage + o.delta_s - o.release * d;
    req(
        (st.storage - s_next).abs() < 1e-9 * (1.0 + s_next.abs()),
        format!("storage: S' = {} but S + ΔS − R·d = {s_next}", st.storage),
    );
    // 2. Clearing.
    for b in 0..m.n_basins {
        let flows: f64 = w.out.m[m.basin_routes[b].clone()].iter().sum();
        req(
            (flows - o.sold[b]).abs() < 1e-7,
            format!("basin {b}: Σ m = {flows} but sold = {}", o.sold[b]),
        );
    }
    // 3. Bounds.
    for r in 0..m.route_cap.len() {
        req(
            o.m[r] >= -1e-12 && o.m[r] <= w.m_cap[r] + 1e-9,
            format!("route {r}: m = {} outside [0, {}]", o.m[r], w.m_cap[r]),
        );
        req(
            st.slate[r] >= 1.0 - 1e-12 && st.slate[r] <= m.route_slate_max[r] + 1e-12,
            format!("route {r}: slate {} outside [1, max]", st.slate[r]),
        );
    }
    for p in 0..m.pipe_flow.len() {
        req(
            o.q[p] >= 0.0 && o.q[p] <= m.pipe_cap[p] + 1e-12,
            format!("pipeline {p}: Q = {} above K = {}", o.q[p], m.pipe_cap[p]),
        );
    }
    for b in 0..m.n_basins {
        req(
            w.x_basin[b] <= m.basin_port_cap[b] + 1e-12,
            format!("basin {b}: X_b = {} above port cap", w.x_basin[b]),
        );
    }
    req(
        st.storage >= -1e-12 && st.storage <= m.p.storage_cap + 1e-9,
        format!("storage {} outside [0, K_S]", st.storage),
    );
    req(
        st.shutin >= -1e-12 && st.shutin <= m.v_ref + 1.5,
        format!("shut-in {} outside [0, X̄]", st.shutin),
    );
    let fleet_use: f64 = o.m.iter().zip(&m.route_trip).map(|(a, b)| a * b).sum();
    let cap = if o.refused {
        o.fleet_shadow
    } else {
        o.fleet_shadow + o.fleet_western
    };
    req(
        fleet_use <= cap + 1e-9,
        format!("fleet: Σ m T = {fleet_use} above capacity {cap}"),
    );
    // The first basin value outside [0, 1], or 0.
    let out_of_unit = |v: &[f64]| {
        v.iter()
            .copied()
            .find(|x| !(0.0..=1.0).contains(x))
            .unwrap_or(0.0)
    };
    let laundering = out_of_unit(&st.laundering);
    for (name, v) in [
        ("upsilon", o.upsilon),
        ("laundering", laundering),
        ("psi", out_of_unit(&st.psi)),
    ] {
        req(
            (0.0..=1.0).contains(&v),
            format!("{name} = {v} outside [0, 1]"),
        );
    }
    for a in &st.adapt {
        req(
            (0.0..=1.0).contains(a),
            format!("adaptation {a} outside [0, 1]"),
        );
    }
    // D39: a buyer's sea intake within the sea part of its slate (model.md §4.6.1).
    for j in 0..m.n_buyers {
        let cap = w.slate_sea[j];
        if !cap.is_finite() {
            continue;
        }
        let sea: f64 = (0..m.route_cap.len())
            .filter(|r| m.route_buyer[*r] == j)
            .map(|r| o.m[r])
            .sum();
        req(
            sea <= cap + 1e-7,
            format!("buyer {j}: sea intake {sea} over its slate {cap}"),
        );
        req(
            w.lambda[j] >= 0.0 && w.lambda[j].is_finite(),
            format!("buyer {j}: slate price {}", w.lambda[j]),
        );
    }
    // 4. Price sanity.
    req(
        o.price.is_finite() && (5.0 - 1e-9..=400.0 + 1e-9).contains(&o.price),
        format!("Brent {} outside [5, 400]", o.price),
    );
    // 5. One price per basin.
    for r in 0..m.route_cap.len() {
        let (b, j) = (m.route_basin[r], m.route_buyer[r]);
        // D35: under a designation split a route buys at its own mix of the two discounts,
        // d_off[r] away from the basin's volume-weighted D_b (0 otherwise).
        let n =
            o.price + w.alt[j] - o.delta[r] - o.freight[r] - m.route_ins[r] - w.w[b] + w.d_off[r];
        req(
            (n - o.n[b]).abs() < 1e-9 * (1.0 + o.n[b].abs()),
            format!(
                "route {r}: netback {n} differs from basin netback {}",
                o.n[b]
            ),
        );
    }
    // 6. Netbacks.
    let e = lv.get(ids.cap_enforcement);
    for b in 0..m.n_basins {
        if o.sold[b] > 1e-9 {
            req(
                o.n[b] >= o.floor[b] - 1e-9,
                format!(
                    "basin {b} sells at netback {} below the floor {}",
                    o.n[b], o.floor[b]
                ),
            );
        }
        req(
            o.n_hat[b] <= o.n[b] + 1e-12,
            format!(
                "basin {b}: realised netback {} above FOB netback {}",
                o.n_hat[b], o.n[b]
            ),
        );
        if e >= 1.0 && o.upsilon > 0.0 {
            let capped = o.n[b].min(o.cap) * e + (1.0 - e) * o.n[b];
            req(
                capped <= o.cap + 1e-9,
                format!(
                    "basin {b}: capped-tranche price {capped} above cap {}",
                    o.cap
                ),
            );
        }
    }
    // 7. Accounting.
    let k = d / 1000.0;
    let mut rev = 0.0;
    for b in 0..m.n_basins {
        rev += o.sold[b] * o.n_hat[b];
    }
    for p in 0..m.pipe_flow.len() {
        rev += o.q[p] * (o.n[m.pipe_priced_off[p]] + m.pipe_padj[p]);
    }
    req(
        (o.revenue_bn - k * rev).abs() < 1e-9 * (1.0 + rev.abs()),
        format!("revenue {} ≠ formula {}", o.revenue_bn, k * rev),
    );
    for j in 0..m.n_buyers {
        req(
            o.tariff_cost_bn[j] >= 0.0 && o.tariff_duty_bn[j] >= 0.0,
            format!("buyer {j}: negative tariff cost"),
        );
        if let Some((imp, g, base)) = m.buyer_imports[j] {
            let imp_t = imp * (1.0 + g).powf((ctx.month - base) as f64 / 12.0);
            let a = w.alt[j];
            let mut rus = 0.0;
            let mut vol = 0.0;
            for r in 0..m.route_cap.len() {
                if m.route_buyer[r] == j {
                    rus += o.m[r] * (o.price + a - o.delta[r]);
                    vol += o.m[r];
                }
            }
            for p in 0..m.pipe_flow.len() {
                if m.pipe_buyer[p] == j {
                    rus += o.q[p] * (o.n[m.pipe_priced_off[p]] + m.pipe_padj[p]);
                    vol += o.q[p];
                }
            }
            let bill = k * (rus + (imp_t - vol) * (o.price + a));
            req(
                (o.bill_bn[j] - bill).abs() < 1e-9 * (1.0 + bill.abs()),
                format!(
                    "buyer {j}: bill {} ≠ Russian + non-Russian parts {bill}",
                    o.bill_bn[j]
                ),
            );
        }
    }
    bad
}
