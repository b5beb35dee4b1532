//! `explain`: the resolved scenario after `extends`, with where every value came from.
//!
//! Four sections (plus the inherited events removed or replaced, and the warnings of
//! `scenario::overrides`, when there are any): the header (name, horizon, run size, Brent anchor, the files), the events
//! as a dated outline (each with the file:line of its `[[event]]`), every model parameter
//! (distribution, unit, and whether it is the default or which file overrode it, with its
//! source note), and the levers the events and the trees' node actions touch (kind, registry
//! default, unit, range; the trees and nodes that touch each).

use super::CliError;
use crate::dist::Dist;
use crate::policy::calendar::iso_month;
use crate::policy::describe::{self, lever_value};
use crate::policy::levers::{LeverDef, LeverKind, NONE_CAP};
use crate::scenario::{self, Scenario};
use crate::suggest::ShowPath;
use clap::Args;
use std::fmt::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// One scenario file.
    pub scenario: PathBuf,
}

pub fn explain(a: ExplainArgs) -> Result<(), CliError> {
    match scenario::load(&a.scenario) {
        Ok(sc) => {
            out!("{}", render(&sc))?;
            Ok(())
        }
        Err(e) => {
            errln!("{e}");
            Err(CliError::Input(format!(
                "{} does not load ({} error{})",
                a.scenario.shown(),
                e.diagnostics.len(),
                if e.diagnostics.len() == 1 { "" } else { "s" }
            )))
        }
    }
}

fn kind(def: &LeverDef) -> String {
    match &def.kind {
        LeverKind::Number { .. } => "number".into(),
        LeverKind::Bool => "bool".into(),
        LeverKind::Enum(_) => "enum".into(),
        LeverKind::Action(a) => format!("action ({a:?})"),
    }
}

fn range(k: &LeverKind) -> String {
    match k {
        LeverKind::Number { min, max, none_ok } => {
            let hi = if *none_ok && *max >= NONE_CAP {
                "none".to_string()
            } else if max.is_infinite() {
                "inf".to_string()
            } else {
                max.to_string()
            };
            format!("[{min}, {hi}]")
        }
        LeverKind::Bool => "true | false".into(),
        LeverKind::Enum(vs) => vs.join(" | "),
        LeverKind::Action(_) => "fires once".into(),
    }
}

/// Lever id → the trees whose node actions touch it, each with those nodes' ids, in file
/// order.
fn tree_levers(sc: &Scenario) -> std::collections::BTreeMap<usize, Vec<(&str, Vec<&str>)>> {
    let mut out: std::collections::BTreeMap<usize, Vec<(&str, Vec<&str>)>> = Default::default();
    for tree in &sc.trees {
        for node in &tree.nodes {
            for a in &node.actions {
                let trees = out.entry(a.lever).or_default();
                if trees.last().is_none_or(|(t, _)| *t != tree.id) {
                    trees.push((&tree.id, Vec::new()));
                }
                let nodes = &mut trees.last_mut().expect("pushed").1;
                if !nodes.contains(&node.id.as_str()) {
                    nodes.push(&node.id);
                }
            }
        }
    }
    out
}

/// The whole explanation.
pub fn render(sc: &Scenario) -> String {
    let mut o = String::new();
    let end = sc.start + sc.months as i32 - 1;
    let chain = &sc.files[..sc.files.len().saturating_sub(1)];
    let _ = writeln!(o, "scenario     {}", sc.name);
    if !sc.description.is_empty() {
        let _ = writeln!(o, "description  {}", sc.description);
    }
    let _ = writeln!(
        o,
        "horizon      {} .. {} ({} months)",
        iso_month(sc.start),
        iso_month(end),
        sc.months
    );
    let _ = writeln!(o, "paths        {}", sc.paths);
    let _ = writeln!(o, "seed         {}", sc.seed);
    let f24 = sc.brent_f24.map_or("-".to_string(), |f| f.to_string());
    let _ = writeln!(o, "brent        p0 = {} $/bbl, f24 = {f24}", sc.brent_p0);
    let _ = writeln!(o, "file         {}", sc.path.shown());
    let names: Vec<String> = chain.iter().map(|p| p.shown().to_string()).collect();
    if chain.len() > 1 {
        let _ = writeln!(o, "extends      {} (root first)", names.join(" <- "));
    } else {
        let _ = writeln!(o, "extends      -");
    }
    let _ = writeln!(o, "market       {}", sc.market_path.shown());
    let origins = scenario::key_origins(sc);
    if !origins.is_empty() {
        let _ = writeln!(o, "\nset in");
        for (k, at) in &origins {
            let _ = writeln!(o, "  {k:<22} {at}");
        }
    }

    // Events: a dated outline. Chain order then file order, stably sorted by date.
    let mut order: Vec<usize> = (0..sc.events.len()).collect();
    order.sort_by_key(|&i| sc.events[i].date);
    let _ = writeln!(
        o,
        "\nevents ({}; dated before {} = initial lever values)",
        sc.events.len(),
        iso_month(sc.start)
    );
    let mut last_date = None;
    for i in order {
        let ev = &sc.events[i];
        let def = sc.registry.def(ev.lever);
        if last_date != Some(ev.date) {
            let tag = if ev.date.month < sc.start {
                "  (history)"
            } else {
                ""
            };
            let _ = writeln!(o, "  {}{tag}", ev.date);
            last_date = Some(ev.date);
        }
        let t = describe::event(&sc.registry, ev);
        let mut line = format!("    {} {} {}", t.lever, t.action, t.value);
        if let Some(p) = &t.prob {
            let _ = write!(line, "  prob {p}");
        }
        if let Some(lag) = &t.lag {
            let _ = write!(line, "  lag {lag}");
        }
        // D23: a one-off action before the start is not replayed (the warnings say more).
        if matches!(def.kind, LeverKind::Action(_)) && ev.date.month < sc.start {
            let _ = write!(line, "  (before the start: does not fire)");
        }
        // A bool or enum dated after day 1: when the run applies it (hostile round 10 #1).
        if let Some(w) = crate::scenario::discrete_timing::applied_window(sc, ev) {
            let _ = write!(line, "  ({w})");
        }
        let _ = writeln!(o, "{line}");
        if let Some(ties) = crate::scenario::term_ties_line(sc, &ev.value) {
            let _ = writeln!(o, "      {ties}");
        }
        if let Some(origin) = sc.event_origins.get(i) {
            let wild = if origin.lever_written != def.name {
                format!(", from `{}`", origin.lever_written)
            } else {
                String::new()
            };
            let id = origin
                .id
                .as_ref()
                .map_or(String::new(), |i| format!(", id `{i}`"));
            let _ = writeln!(
                o,
                "      at {} (event {}{id}{wild})",
                origin.at, origin.index
            );
            if let Some(s) = &origin.sellers {
                let _ = writeln!(
                    o,
                    "      sellers: {s} (the companies this share stands for, D219)"
                );
            }
            if let Some(n) = &origin.note {
                let _ = writeln!(o, "      note: {n}");
            }
        }
    }

    // The EU dynamic cap's automatic reviews (walkthrough 5): computed, so not in the events.
    let reviews = crate::policy::cap_review::scheduled_reviews(
        &sc.events,
        &sc.registry,
        &sc.registry.defaults(),
        sc.start,
        sc.months,
    );
    // Walkthrough 9 #7: a cadence restarted late puts the next review past the horizon; say
    // when, so that "none in the horizon" does not read as "switched off".
    let next = crate::policy::cap_review::next_review_after(
        &sc.events,
        &sc.registry,
        &sc.registry.defaults(),
        sc.start,
        sc.months,
    );
    if !reviews.is_empty() || next.is_some() {
        let count = if reviews.is_empty() {
            "none inside the horizon".to_string()
        } else {
            reviews.len().to_string()
        };
        let _ = writeln!(
            o,
            "
automatic EU cap reviews ({count}; each sets cap.eu_usd to cap.eu_dyn_factor × the \
             path's average Urals of the previous five months; events with prob < 1 or a lag, \
             and trees, can move them)"
        );
        if !reviews.is_empty() {
            let dates: Vec<String> = reviews.iter().map(|d| d.to_string()).collect();
            let _ = writeln!(o, "  {}", dates.join(", "));
        }
        match (next, reviews.last()) {
            (Some(d), _) => {
                let _ = writeln!(
                    o,
                    "  next: {d}, after the horizon's last month {} (not simulated)",
                    iso_month(end)
                );
            }
            (None, Some(last)) => {
                let _ = writeln!(
                    o,
                    "  none after {last}: from then on the mode is fixed (a cap written later \
                     fixes it) or the cap is none"
                );
            }
            (None, None) => {}
        }
    }

    // Inherited events a later file removed or replaced (D51).
    if !sc.removed_events.is_empty() {
        let _ = writeln!(o, "\nremoved ({})", sc.removed_events.len());
        for r in &sc.removed_events {
            let id = r
                .was
                .id
                .as_ref()
                .map_or(String::new(), |i| format!(" (id `{i}`)"));
            let _ = writeln!(
                o,
                "  {}@{}{id}, written at {}: {} at {}",
                r.lever, r.date, r.was.at, r.how, r.by
            );
        }
    }

    // Inherited trees a later file removed or replaced (hostile round 9 #2).
    if !sc.removed_trees.is_empty() {
        let _ = writeln!(o, "\nremoved trees ({})", sc.removed_trees.len());
        for r in &sc.removed_trees {
            let _ = writeln!(
                o,
                "  `{}`, written at {}: {} at {}",
                r.id, r.was, r.how, r.by
            );
        }
    }

    // Where an inherited event or rule replaces a later file's event (D50).
    let mut found = scenario::overrides(sc);
    found.extend(scenario::window_findings(sc, sc.months));
    if !found.is_empty() {
        let _ = writeln!(o, "\nwarnings and notes ({})", found.len());
        for w in &found {
            for line in w.to_string().lines() {
                let _ = writeln!(o, "  {line}");
            }
        }
    }

    // Event trees: an indented outline with probabilities and timing.
    if !sc.trees.is_empty() {
        let _ = writeln!(o, "\ntrees ({})", sc.trees.len());
    }
    for tree in &sc.trees {
        let _ = writeln!(
            o,
            "  tree {} (starts in {})",
            tree.id, tree.nodes[tree.start].id
        );
        for (k, node) in tree.nodes.iter().enumerate() {
            let _ = writeln!(o, "    {}", node.id);
            for (i, ev) in node.actions.iter().enumerate() {
                let t = describe::event(&sc.registry, ev);
                let mut line = format!("      on entry: {} {} {}", t.lever, t.action, t.value);
                if let Some(lag) = &t.lag {
                    let _ = write!(line, "  after {lag}");
                }
                if let Some(p) = &t.prob {
                    let _ = write!(line, "  prob {p}");
                }
                for w in describe::withdrawn(tree, k, i) {
                    let _ = write!(line, "  ({w})");
                }
                for w in crate::scenario::discrete_timing::node_action_windows(sc, tree, k, ev) {
                    let _ = write!(line, "  ({w})");
                }
                let _ = writeln!(o, "{line}");
            }
            for exit in &node.exits {
                let _ = writeln!(
                    o,
                    "      exit {} -> {}",
                    describe::exit_when(exit),
                    describe::exit_targets(tree, exit)
                );
            }
        }
    }

    // Correlated parameters: rank correlations recovered from the copula's factor.
    let cop = &sc.correlations;
    if !cop.names.is_empty() {
        let _ = writeln!(o, "\ncorrelations (Spearman, Gaussian copula)");
        for i in 0..cop.names.len() {
            for j in 0..i {
                let pearson: f64 = (0..=j).map(|k| cop.chol[i][k] * cop.chol[j][k]).sum();
                let spearman = 6.0 / std::f64::consts::PI * (pearson / 2.0).asin();
                if spearman.abs() > 1e-9 {
                    let _ = writeln!(o, "  {} ~ {} = {spearman:.3}", cop.names[j], cop.names[i]);
                }
            }
        }
    }

    // Parameters.
    let entries = sc.params.entries();
    let w = entries.iter().map(|e| e.0.len()).max().unwrap_or(0);
    let overridden = sc.param_origins.len();
    let _ = writeln!(
        o,
        "\nparameters ({}; {overridden} overridden, the rest at their defaults)",
        entries.len()
    );
    for (name, d, unit, source) in entries {
        let from = match sc.param_origins.get(name) {
            None => "default".to_string(),
            Some(at) if at.file == sc.market_path => format!("market file {at}"),
            Some(at) => format!("scenario file {at}"),
        };
        let unit = if unit.is_empty() { "-" } else { unit };
        let _ = writeln!(o, "  {name:<w$}  {d}  [{unit}]  ({from})");
        if let Some(words) = crate::output::labels::param(name) {
            let _ = writeln!(o, "  {:<w$}  means: {words}", "");
        }
        if !source.is_empty() {
            let _ = writeln!(o, "  {:<w$}  source: {source}", "");
        }
    }

    // Levers the events and the trees' node actions touch, in registry order (hostile
    // round 10 #4: a lever only a tree touches was left out).
    let by_event: std::collections::BTreeSet<usize> = sc.events.iter().map(|e| e.lever).collect();
    let by_tree = tree_levers(sc);
    let ids: std::collections::BTreeSet<usize> =
        by_event.iter().chain(by_tree.keys()).copied().collect();
    let only_trees = ids.iter().filter(|i| !by_event.contains(i)).count();
    let split = if by_tree.is_empty() {
        String::new()
    } else {
        format!(": {} by events, {only_trees} only by trees", by_event.len())
    };
    let _ = writeln!(o, "\nlevers touched ({}{split})", ids.len());
    let w = ids
        .iter()
        .map(|&i| sc.registry.def(i).name.len())
        .max()
        .unwrap_or(0);
    for &id in &ids {
        let def = sc.registry.def(id);
        let default = match def.kind {
            LeverKind::Action(_) => "-".to_string(),
            _ => lever_value(&def.kind, &Dist::Const(def.default)),
        };
        let _ = writeln!(
            o,
            "  {:<w$}  {}, default {default}, unit {}, range {}; enters {}",
            def.name,
            kind(def),
            def.unit,
            range(&def.kind),
            def.enters
        );
        for (tree, nodes) in by_tree.get(&id).into_iter().flatten() {
            let also = if by_event.contains(&id) { "also " } else { "" };
            let _ = writeln!(
                o,
                "  {:<w$}  {also}by tree `{tree}`, node{} {}",
                "",
                if nodes.len() == 1 { "" } else { "s" },
                nodes
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
    o
}
