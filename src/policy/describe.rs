//! Events and event-tree exits as an analyst writes them in a scenario file, for every reader
//! of a resolved scenario (`explain`, the policy calendar of `report.html`): booleans as
//! true/false, enums by variant, a cap of `none` as `none`, designation waves and batches as
//! TOML-like tables, distributions as `poisson(2)`. Never Rust's `Debug` form.

use super::calendar::{days_in_month, iso_first, iso_month, Date};
use super::events::{Action, Cargo, Event, Value};
use super::levers::{LeverKind, LeverRegistry, NONE_CAP};
use super::tree::{Exit, ExitKind, Prob, StepStart, Tree};
use crate::dist::Dist;
use std::fmt::Write;

/// A lever value as an analyst writes it: booleans as true/false, enums by variant, a cap
/// of `none` as `none`.
pub fn lever_value(kind: &LeverKind, d: &Dist) -> String {
    match (kind, d) {
        (LeverKind::Bool, Dist::Const(v)) => (*v != 0.0).to_string(),
        (LeverKind::Enum(vs), Dist::Const(v)) => vs
            .get(*v as usize)
            .map_or_else(|| v.to_string(), |s| format!("\"{s}\"")),
        (LeverKind::Number { none_ok: true, .. }, Dist::Const(v)) if *v >= NONE_CAP => {
            "none".into()
        }
        _ => d.to_string(),
    }
}

/// When a bool or enum event dated after day 1 acts, as the run applies it (hostile round 10
/// #1, docs/scenarios.md §2.2): such a lever takes one value a month, so a `pulse` holds the
/// whole month it is dated in and a `set` acts from the 1st of the next month. `None` for
/// other levers and for dates on the 1st, which act as written.
pub fn discrete_window(kind: &LeverKind, action: &Action, date: Date) -> Option<String> {
    if !matches!(kind, LeverKind::Bool | LeverKind::Enum(_)) || date.day <= 1 {
        return None;
    }
    Some(match action {
        Action::Pulse => format!(
            "holds all of {}, {} to {}-{:02}",
            iso_month(date.month),
            iso_first(date.month),
            iso_month(date.month),
            days_in_month(date.month)
        ),
        _ => format!("acts from {}", iso_first(date.month + 1)),
    })
}

/// An event's value for a lever of kind `kind`.
pub fn value(reg: &LeverRegistry, kind: &LeverKind, v: &Value) -> String {
    match v {
        Value::Number(d) => lever_value(kind, d),
        Value::Wave {
            add_share,
            wind_down_months,
            basins,
            authority,
            sellers,
        } => {
            // `sdn.<basin>.share` back to the basin's id, as the file wrote it.
            let names: Vec<String> = basins
                .iter()
                .map(|&id| format!("\"{}\"", reg.sdn_basin(id).unwrap_or("?")))
                .collect();
            let scope = if names.is_empty() {
                String::new()
            } else {
                format!(", basins = [{}]", names.join(", "))
            };
            let auth = authority
                .map(|a| format!(", authority = \"{}\"", a.name()))
                .unwrap_or_default();
            let sellers = sellers
                .as_ref()
                .map(|s| format!(", sellers = \"{s}\""))
                .unwrap_or_default();
            format!(
                "{{ add_share = {add_share}, wind_down_months = {wind_down_months}{scope}{auth}\
                 {sellers} }}"
            )
        }
        Value::Batch {
            share,
            authority,
            cargo,
            ..
        } => {
            let cargo = match cargo {
                Cargo::FleetShare => String::new(),
                Cargo::All(d) => format!(", cargo_share = {d}"),
                Cargo::Basins(list) => format!(
                    ", cargo_share = {{ {} }}",
                    list.iter()
                        .map(|(id, d)| format!("{} = {d}", reg.sdn_basin(*id).unwrap_or("?")))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            format!(
                "{{ share = {share}, authority = \"{}\"{cargo} }}",
                authority.name()
            )
        }
    }
}

/// The action as the file writes it (`ramp over 3 months`).
pub fn action(a: &Action) -> String {
    match a {
        Action::Set => "set".into(),
        Action::Add => "add".into(),
        Action::Scale => "scale".into(),
        Action::Ramp { months } => format!("ramp over {months} month{}", plural(*months)),
        Action::Pulse => "pulse".into(),
        Action::Fire => "fire".into(),
    }
}

fn plural(n: u32) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// One event's parts, each as text: the lever's name, the action, the value, the
/// probability (`None` when it is certain) and the lag (`None` when it has none).
#[derive(Debug, Clone, PartialEq)]
pub struct EventText {
    pub lever: String,
    pub action: String,
    pub value: String,
    pub prob: Option<String>,
    /// The lag distribution with its unit: `poisson(2) months`.
    pub lag: Option<String>,
}

/// An event (a dated `[[event]]` or a tree node's action) as text.
pub fn event(reg: &LeverRegistry, ev: &Event) -> EventText {
    let def = reg.def(ev.lever);
    EventText {
        lever: def.name.clone(),
        action: action(&ev.action),
        value: value(reg, &def.kind, &ev.value),
        prob: (ev.prob != Dist::Const(1.0)).then(|| ev.prob.to_string()),
        lag: ev.lag_months.as_ref().map(|l| format!("{l} months")),
    }
}

/// When an exit of a tree node is taken: `at 2025-08-15`, `after 1 + poisson(1) months`,
/// `hazard 0.02 a month`, with the hazard's steps and price link.
pub fn exit_when(exit: &Exit) -> String {
    match &exit.kind {
        ExitKind::At(d) => format!("at {d}"),
        ExitKind::Hazard(h) => {
            let mut s = format!("hazard {h} a month");
            for st in &exit.schedule {
                let _ = match st.start {
                    StepStart::Month(m) => write!(s, ", {} from {}", st.value, iso_month(m)),
                    StepStart::InNode(k) => {
                        write!(s, ", {} after {k} months in the node", st.value)
                    }
                };
            }
            if exit.price_link != 0.0 {
                let _ = write!(
                    s,
                    ", times exp(-{} (ln Brent last month - ln 70))",
                    exit.price_link
                );
            }
            s
        }
        ExitKind::After {
            constant,
            dist: Some(d),
        } => format!("after {constant} + {d} months"),
        ExitKind::After {
            constant,
            dist: None,
        } => format!("after {constant} months"),
    }
}

/// Where an exit leads: the target node, or the branches with their probabilities
/// (`deal (tri(0.15, 0.35, 0.6)) | fail (rest)`).
pub fn exit_targets(tree: &Tree, exit: &Exit) -> String {
    let targets: Vec<String> = exit
        .to
        .iter()
        .zip(&exit.probs)
        .map(|(t, p)| {
            let id = &tree.nodes[*t].id;
            match p {
                _ if !exit.branches() => id.clone(),
                Prob::Rest => format!("{id} (rest)"),
                Prob::Dist(d) => format!("{id} ({d})"),
            }
        })
        .collect();
    targets.join(" | ")
}

/// When an action of node `node` of `tree` is withdrawn before it takes effect, if ever:
/// `withdrawn if the node is left first`, `withdrawn on entering unravel first`.
pub fn withdrawn(tree: &Tree, node: usize, action: usize) -> Vec<String> {
    let mut out = Vec::new();
    // Applied on entry in a node that cannot be left that month: never withdrawn (hostile
    // round 11 F3), so nothing is promised.
    if tree.nodes[node].cancel_never_acts(action) {
        return out;
    }
    if let Some(c) = tree.nodes[node].cancel.get(action) {
        if c.on_exit {
            out.push("withdrawn if the node is left first".to_string());
        }
        if !c.on_entering.is_empty() {
            let ids: Vec<&str> = c
                .on_entering
                .iter()
                .map(|&k| tree.nodes[k].id.as_str())
                .collect();
            out.push(format!("withdrawn on entering {} first", ids.join(", ")));
        }
    }
    out
}
