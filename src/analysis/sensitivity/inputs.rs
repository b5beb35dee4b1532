//! The uncertain per-path inputs of a scenario: what the sensitivity analysis ranks.
//!
//! - `param`: every model parameter (`market::params`) whose distribution is not constant;
//! - `market`: every non-constant distribution of a market-file row (basin shares and seller
//!   wedges, route freight and slate limits, buyer SDN aversion and stance draws, pipeline
//!   capacity and scheduled flow);
//! - `event`: per scenario event, its drawn value, lag and whether it happens at all, when they
//!   vary;
//! - `tree`: per event tree, the per-path branch probabilities and hazards drawn from
//!   distributions, and for each non-start node whether the path entered it (0/1) and in
//!   which month (timing only, see [`impute_entry`]). Whether a node was entered says which
//!   branch was taken; branch indicators would repeat it.
//!
//! Values are read from the path after it is built (parameters, market rows, tree draws) and,
//! for trees' outcomes, after it ran. Event draws are not kept by the policy timeline, so they
//! are re-drawn from the event's own keyed stream in the documented order of
//! `PolicyPath::schedule` (uniform for `prob`, then `prob`, `lag`, value); `tests/sensitivity.rs`
//! checks the re-draw against the simulated SDN share.
//!
//! Swing runs override an input by replacing its distribution in a copy of the scenario with a
//! constant; a constant consumes no randomness and every input has its own keyed stream (or is
//! the only varying draw of its row), so every other draw of the path is unchanged (common
//! random numbers). Tree inputs cannot be overridden that way (their draws share one stream)
//! and get no swing, nor do the shock inputs (a summary of the path's monthly draws).

pub use super::market::MarketSlot;
use super::market::{market_dist, market_slots, market_value, set_market_dist};
use crate::dist::Dist;
use crate::engine::path::{event_input_names, event_keys, PathSim};
use crate::engine::rng::keyed;
use crate::policy::events::{Event, Value};
use crate::policy::tree::{ExitKind, Prob};
use crate::scenario::Scenario;
use rand::RngExt;

/// Which part of an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventPart {
    Value,
    Lag,
    Happens,
}

/// Where an input's per-path value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum Source {
    Param(&'static str),
    Market(MarketSlot),
    Event(usize, EventPart),
    /// Tree, node, exit: the per-path hazard.
    TreeHazard(usize, usize, usize),
    /// Tree, node, exit, branch: the per-path branch probability.
    TreeProb(usize, usize, usize, usize),
    /// Tree, node: 1 if the path entered the node within the horizon.
    TreeEntered(usize, usize),
    /// Tree, node: month (0-based from the start) of first entry. A path that never entered
    /// reads [`NEVER`] here and gets the mean of the paths that did ([`impute_entry`]), so the
    /// column measures timing only; whether is [`Source::TreeEntered`].
    TreeEntry(usize, usize),
    /// The path's own Brent shocks over the target's window (walkthrough 6): not a drawn
    /// input but a summary of the monthly draws, so that "Brent's path" can be ranked.
    Shock(ShockKind),
}

/// Which Brent factor a [`Source::Shock`] summarises: the mean over the target's window of
/// the short-term factor χ (all shock: mean-reverting, with no drift) or of the shock part
/// of the long-term factor ξ (`State::xi_shock`), in log points of Brent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShockKind {
    BrentShort = 0,
    BrentLong = 1,
}

impl ShockKind {
    pub const ALL: [ShockKind; 2] = [ShockKind::BrentShort, ShockKind::BrentLong];

    pub fn name(self) -> &'static str {
        match self {
            ShockKind::BrentShort => "shock.brent_short",
            ShockKind::BrentLong => "shock.brent_long",
        }
    }

    /// This month's value of the factor, read after the month's step.
    pub fn read(self, st: &crate::market::state::State) -> f64 {
        match self {
            ShockKind::BrentShort => st.chi,
            ShockKind::BrentLong => st.xi_shock,
        }
    }
}

/// One uncertain input.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub name: String,
    /// `param`, `market`, `event`, `tree` or `shock` (the CSV's `kind`).
    pub kind: &'static str,
    pub unit: String,
    pub source: Source,
    /// The distribution it is drawn from, when a swing can override it.
    pub dist: Option<Dist>,
}

/// Whether a probability distribution leaves the outcome uncertain.
fn uncertain_prob(d: &Dist) -> bool {
    match d {
        Dist::Const(p) => *p > 0.0 && *p < 1.0,
        _ => true,
    }
}

fn event_value_dist(ev: &Event) -> Dist {
    match &ev.value {
        Value::Number(d) => *d,
        Value::Wave { add_share, .. } => *add_share,
        Value::Batch { share, .. } => *share,
    }
}

fn set_event_value(ev: &mut Event, d: Dist) {
    match &mut ev.value {
        Value::Number(x) => *x = d,
        Value::Wave { add_share, .. } => *add_share = d,
        Value::Batch { share, .. } => *share = d,
    }
}

/// Every uncertain input of `sc` over a horizon of `months`, in a fixed order: parameters in
/// declaration order, market rows in file order, events in scenario order, then trees.
pub fn inputs(sc: &Scenario, months: usize) -> Vec<Input> {
    let mut v = Vec::new();
    for (name, d, unit, _) in sc.params.entries() {
        if !d.is_const() {
            v.push(Input {
                name: name.to_string(),
                kind: "param",
                unit: unit.to_string(),
                source: Source::Param(name),
                dist: Some(d),
            });
        }
    }
    for (slot, name, unit) in market_slots(&sc.market) {
        if let Some(d) = market_dist(&sc.market, slot).filter(|d| !d.is_const()) {
            v.push(Input {
                name,
                kind: "market",
                unit: unit.to_string(),
                source: Source::Market(slot),
                dist: Some(d),
            });
        }
    }
    let keys = event_input_names(sc);
    let end = sc.start + months as i32;
    // D189: the waves of one seller group share one draw, the input of its first wave
    // (walkthrough 10 #17); how many of them act within the horizon.
    let reps = super::groups::representatives(&sc.events);
    let members = |r: usize| {
        (0..sc.events.len())
            .filter(|&j| reps[j] == r && sc.events[j].date.month < end)
            .count()
    };
    for (i, ev) in sc.events.iter().enumerate() {
        let shared = super::groups::group_of(ev).filter(|_| reps[i] == i);
        // A group's draw is an input when any of its waves acts within the horizon.
        if reps[i] == i && shared.is_some() && ev.date.month >= end && members(i) > 0 {
            let vd = event_value_dist(ev);
            if !vd.is_const() {
                let name = shared.map_or("", |(_, n)| n);
                v.push(Input {
                    name: format!(
                        "{}.value{}",
                        keys[i],
                        super::groups::shared_label(name, members(i))
                    ),
                    kind: "event",
                    unit: "share".into(),
                    source: Source::Event(i, EventPart::Value),
                    dist: Some(vd),
                });
            }
        }
        if ev.date.month >= end {
            continue; // drawn, but it never acts within the horizon
        }
        let lever = sc.registry.def(ev.lever);
        let vd = event_value_dist(ev);
        // A later wave of a seller group takes the group's draw: no input of its own.
        if !vd.is_const() && reps[i] == i {
            let label = shared.map_or(String::new(), |(_, n)| {
                super::groups::shared_label(n, members(i))
            });
            v.push(Input {
                name: format!("{}.value{label}", keys[i]),
                kind: "event",
                unit: match ev.value {
                    Value::Number(_) => lever.unit.to_string(),
                    Value::Wave { .. } => "share".into(),
                    Value::Batch { .. } => "share of fleet".into(),
                },
                source: Source::Event(i, EventPart::Value),
                dist: Some(vd),
            });
        }
        if let Some(d) = ev.lag_months.filter(|d| !d.is_const()) {
            v.push(Input {
                name: format!("{}.lag", keys[i]),
                kind: "event",
                unit: "months".into(),
                source: Source::Event(i, EventPart::Lag),
                dist: Some(d),
            });
        }
        if uncertain_prob(&ev.prob) {
            v.push(Input {
                name: format!("{}.happens", keys[i]),
                kind: "event",
                unit: "0/1".into(),
                source: Source::Event(i, EventPart::Happens),
                // The swing compares "does not happen" with "happens"; see `swing_values`.
                dist: Some(ev.prob),
            });
        }
    }
    for (t, tree) in sc.trees.iter().enumerate() {
        let prefix = format!("tree.{}", tree.id);
        for (n, node) in tree.nodes.iter().enumerate() {
            for (k, e) in node.exits.iter().enumerate() {
                let label = tree.exit_label(n, k);
                if let ExitKind::Hazard(d) = &e.kind {
                    if !d.is_const() {
                        v.push(tree_input(
                            format!("{prefix}.{label}.hazard"),
                            "/month",
                            Source::TreeHazard(t, n, k),
                        ));
                    }
                }
                if !e.branches() {
                    continue;
                }
                let any_varies = e
                    .probs
                    .iter()
                    .any(|p| matches!(p, Prob::Dist(d) if !d.is_const()));
                for (b, p) in e.probs.iter().enumerate() {
                    let target = &tree.nodes[e.to[b]].id;
                    let varies = match p {
                        Prob::Dist(d) => !d.is_const(),
                        Prob::Rest => false, // one minus the others: redundant
                    };
                    if varies && any_varies {
                        v.push(tree_input(
                            format!("{prefix}.{label}.prob={target}"),
                            "probability",
                            Source::TreeProb(t, n, k, b),
                        ));
                    }
                }
            }
            if n != tree.start {
                v.push(tree_input(
                    format!("{prefix}.{}.entered", node.id),
                    "0/1",
                    Source::TreeEntered(t, n),
                ));
                v.push(tree_input(
                    format!("{prefix}.{}.entry_month", node.id),
                    "months from start",
                    Source::TreeEntry(t, n),
                ));
            }
        }
    }
    for k in ShockKind::ALL {
        v.push(Input {
            name: k.name().to_string(),
            kind: "shock",
            unit: "log points".into(),
            source: Source::Shock(k),
            dist: None,
        });
    }
    v
}

fn tree_input(name: String, unit: &str, source: Source) -> Input {
    Input {
        name,
        kind: "tree",
        unit: unit.into(),
        source,
        dist: None,
    }
}

/// Re-draws event `i`'s (happens, lag, value) from its keyed stream, in the order of
/// `PolicyPath::schedule`.
fn event_draw(ev: &Event, key: &str, seed: u64, path: u64) -> (f64, f64, f64) {
    let mut rng = keyed(seed, path, key);
    let u: f64 = rng.random();
    let happens = u < ev.prob.sample(&mut rng).clamp(0.0, 1.0);
    let lag = ev
        .lag_months
        .map_or(0.0, |d| d.sample(&mut rng).round().max(0.0));
    // D189: a wave of a seller group takes the quantile of one uniform (its group's).
    let value = match super::groups::group_of(ev) {
        Some(_) => event_value_dist(ev).quantile(rng.random::<f64>()),
        None => event_value_dist(ev).sample(&mut rng),
    };
    (happens as u8 as f64, lag, value)
}

/// Entry month of a node the path never entered (before [`impute_entry`]).
pub const NEVER: f64 = -1.0;

/// Replaces [`NEVER`] in an entry-month column by the mean entry month of the paths that
/// entered (0 when none did), so that timing and whether are separate inputs instead of one
/// column that mixes both (which would be nearly collinear with the `entered` indicator).
pub fn impute_entry(col: &mut [f64]) {
    let (s, n) = col
        .iter()
        .filter(|v| **v != NEVER)
        .fold((0.0, 0u64), |(s, n), v| (s + v, n + 1));
    let mean = if n == 0 { 0.0 } else { s / n as f64 };
    col.iter_mut()
        .filter(|v| **v == NEVER)
        .for_each(|v| *v = mean);
}

/// Reads the input values of one path once it has run (tree outcomes are known only then);
/// `shocks` holds the path's [`ShockKind`] summaries by kind (the caller sees every month);
/// `out` has one slot per input.
pub fn read_values(
    inputs: &[Input],
    sim: &PathSim,
    keys: &[String],
    (seed, path): (u64, u64),
    shocks: [f64; 2],
    out: &mut [f64],
) {
    let records: Vec<_> = sim.tree_records().collect();
    let draws: Vec<_> = sim.tree_draws().collect();
    for (inp, slot) in inputs.iter().zip(out.iter_mut()) {
        *slot = match inp.source {
            Source::Param(name) => sim.model.p.get(name).unwrap_or(f64::NAN),
            Source::Market(s) => market_value(&sim.model, s),
            Source::Event(i, part) => {
                let (h, l, v) = event_draw(&sim.sc.events[i], &keys[i], seed, path);
                match part {
                    EventPart::Happens => h,
                    EventPart::Lag => l,
                    EventPart::Value => v,
                }
            }
            Source::TreeHazard(t, n, k) => draws[t].0[n][k],
            Source::TreeProb(t, n, k, b) => {
                let cum = &draws[t].1[n][k];
                cum[b] - if b == 0 { 0.0 } else { cum[b - 1] }
            }
            Source::TreeEntered(t, n) => records[t].entered_by(n, None) as u8 as f64,
            Source::TreeEntry(t, n) => records[t].first_entry[n].map_or(NEVER, |m| m as f64),
            Source::Shock(k) => shocks[k as usize],
        };
    }
}

/// The stream keys of the scenario's events (for [`read_values`]).
pub fn keys(sc: &Scenario) -> Vec<String> {
    event_keys(sc)
}

/// Replaces input `inp`'s distribution in `sc` by the constant `v` (no-op for tree inputs).
pub fn override_input(sc: &mut Scenario, inp: &Input, v: f64) {
    let c = Dist::Const(v);
    match inp.source {
        Source::Param(name) => {
            sc.params.set(name, c);
        }
        Source::Market(s) => set_market_dist(&mut sc.market, s, c),
        // D189: holding a seller group's draw holds every wave of the group.
        Source::Event(i, EventPart::Value) => {
            super::groups::hold_group(&mut sc.events, i, v, set_event_value)
        }
        Source::Event(i, EventPart::Lag) => sc.events[i].lag_months = Some(c),
        Source::Event(i, EventPart::Happens) => sc.events[i].prob = c,
        _ => {}
    }
}

/// Whether a swing can set this input.
pub fn overridable(inp: &Input) -> bool {
    inp.dist.is_some()
}

/// The "held at the median" value of a continuous input; `None` for inputs that stay as drawn
/// in swing runs (tree inputs and whether an event happens: their median would be a fixed
/// outcome, which changes the question from "what if this input moves" to another scenario).
pub fn median_value(inp: &Input) -> Option<f64> {
    match inp.source {
        Source::Event(_, EventPart::Happens) => None,
        _ => inp.dist.map(|d| d.median()),
    }
}

/// The (low, high) values of a swing: the distribution's p10 and p90; for whether an event
/// happens, 0 (does not happen) and 1 (happens).
pub fn swing_values(inp: &Input) -> Option<(f64, f64)> {
    match inp.source {
        Source::Event(_, EventPart::Happens) => Some((0.0, 1.0)),
        _ => inp.dist.map(|d| (d.quantile(0.1), d.quantile(0.9))),
    }
}
