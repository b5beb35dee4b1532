//! The policy calendar of `report.html`: every event of the scenario files after `extends`,
//! sorted by date, written as `explain` writes it (`policy::describe`), and for scenarios
//! with event trees their nodes, entries, exits and actions.

use super::{Block, Cell, Table};
use crate::policy::describe;
use crate::scenario::Scenario;

/// The policy calendar: every dated event after `extends`, in date order (file order within a
/// date), formatted as `explain` formats it (`policy::describe`); then, for scenarios with
/// event trees, each node's entries and exits and the actions it takes on entry.
pub(super) fn calendar(scenarios: &[&Scenario], out: &mut Vec<Block>) {
    let header = |cols: &[&str]| cols.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    let mut t = Table {
        caption: "Policy calendar as applied (the scenario files' events, after `extends`, by \
                  date). A value or lag written as a distribution is drawn per path; a positive \
                  lag moves the event to the 1st of the lagged month; probability is the chance \
                  the event happens at all on a path"
            .into(),
        header: header(&[
            "scenario",
            "date",
            "lever",
            "action",
            "value",
            "probability",
            "lag",
        ]),
        rows: Vec::new(),
    };
    for sc in scenarios {
        let mut order: Vec<usize> = (0..sc.events.len()).collect();
        order.sort_by_key(|&i| sc.events[i].date);
        for i in order {
            let e = &sc.events[i];
            let mut d = describe::event(&sc.registry, e);
            // A bool or enum dated after day 1: when the run applies it, beside the action
            // (hostile round 10 #1); the date stays the one written.
            if let Some(w) = crate::scenario::discrete_timing::applied_window(sc, e) {
                d.action = format!("{} ({w})", d.action);
            }
            let mut row = vec![Cell::text(sc.name.clone()), Cell::text(e.date.to_string())];
            row.extend(event_cells(d));
            t.rows.push(row);
        }
    }
    out.push(Block::Table(t));

    if scenarios.iter().all(|sc| sc.trees.is_empty()) {
        return;
    }
    let mut nodes = Table {
        caption: "Event trees: how each node is entered and left (each path draws its own way \
                  through the tree)"
            .into(),
        header: header(&["scenario", "tree", "node", "entered", "exits"]),
        rows: Vec::new(),
    };
    let mut actions = Table {
        caption: "Event trees: the actions a path takes on entering a node (lag: months after \
                  entering)"
            .into(),
        header: header(&[
            "scenario",
            "tree",
            "node",
            "lever",
            "action",
            "value",
            "probability",
            "lag",
            "withdrawn",
        ]),
        rows: Vec::new(),
    };
    for sc in scenarios {
        for tree in &sc.trees {
            for (k, node) in tree.nodes.iter().enumerate() {
                let mut entered: Vec<String> = Vec::new();
                if k == tree.start {
                    entered.push("start of the tree".into());
                }
                for from in &tree.nodes {
                    for exit in from.exits.iter().filter(|x| x.to.contains(&k)) {
                        entered.push(format!("from {} {}", from.id, describe::exit_when(exit)));
                    }
                }
                let exits: Vec<String> = node
                    .exits
                    .iter()
                    .map(|x| {
                        format!(
                            "{} -> {}",
                            describe::exit_when(x),
                            describe::exit_targets(tree, x)
                        )
                    })
                    .collect();
                nodes.rows.push(vec![
                    Cell::text(sc.name.clone()),
                    Cell::text(tree.id.clone()),
                    Cell::text(node.id.clone()),
                    Cell::text(if entered.is_empty() {
                        "-".into()
                    } else {
                        entered.join("; ")
                    }),
                    Cell::text(if exits.is_empty() {
                        "none (final)".into()
                    } else {
                        exits.join("; ")
                    }),
                ]);
                for (i, ev) in node.actions.iter().enumerate() {
                    let mut d = describe::event(&sc.registry, ev);
                    // A bool or enum entered after day 1: when the run applies it.
                    let when =
                        crate::scenario::discrete_timing::node_action_windows(sc, tree, k, ev);
                    if !when.is_empty() {
                        d.action = format!("{} ({})", d.action, when.join("; "));
                    }
                    let w = describe::withdrawn(tree, k, i);
                    let mut row = vec![
                        Cell::text(sc.name.clone()),
                        Cell::text(tree.id.clone()),
                        Cell::text(node.id.clone()),
                    ];
                    row.extend(event_cells(d));
                    row.push(Cell::text(if w.is_empty() {
                        "-".into()
                    } else {
                        w.join("; ")
                    }));
                    actions.rows.push(row);
                }
            }
        }
    }
    out.push(Block::Table(nodes));
    out.push(Block::Table(actions));
}

/// An event's lever, action, value, probability (1 when certain) and lag (`-` when none), as
/// both calendar tables show them.
fn event_cells(d: describe::EventText) -> [Cell; 5] {
    [
        Cell::text(d.lever),
        Cell::text(d.action),
        Cell::text(d.value),
        Cell::text(d.prob.unwrap_or_else(|| "1".into())),
        Cell::text(d.lag.unwrap_or_else(|| "-".into())),
    ]
}
