//! `events.csv` and `outcomes.csv` of a scenario with event trees (scenarios.md §5), from the
//! engine's integer counts. Pure: same counts in, same bytes out.
//!
//! - `events.csv`: `date,tree,node,share_entered`, for every month (outer), tree and node (in
//!   file order): the share of paths that have entered the node by the end of that month
//!   (cumulative). Node entries are the tree's events and outcomes; the start node is entered
//!   in the first month on every path.
//! - `outcomes.csv`: `tree,exit_from,outcome,share,mc_se`, for every branching exit: over the
//!   paths that took the exit (counted once per path, at its first taking), the share that went
//!   to each branch and its Monte Carlo standard error `sqrt(p(1 − p)/n)`. Empty cells when no
//!   path took the exit.

use super::csv::fmt_num;
use super::csv::{into_bytes, writer};
use crate::engine::run::TreeStats;
use crate::policy::calendar::{iso_first, MonthIdx};
use crate::policy::tree::Tree;

pub const EVENTS_HEADER: [&str; 4] = ["date", "tree", "node", "share_entered"];
pub const OUTCOMES_HEADER: [&str; 5] = ["tree", "exit_from", "outcome", "share", "mc_se"];

/// `events.csv` for `months` months from `start` over `paths` paths.
pub fn events_csv(
    start: MonthIdx,
    months: usize,
    paths: u64,
    trees: &[Tree],
    s: &TreeStats,
) -> Vec<u8> {
    let mut w = writer();
    w.write_record(EVENTS_HEADER).expect("in-memory CSV");
    let mut cum: Vec<Vec<u64>> = trees.iter().map(|t| vec![0; t.nodes.len()]).collect();
    for t in 0..months {
        let date = iso_first(start + t as i32);
        for (i, tree) in trees.iter().enumerate() {
            for (n, node) in tree.nodes.iter().enumerate() {
                cum[i][n] += s.first_entries[i][n].get(t).copied().unwrap_or(0);
                let share = cum[i][n] as f64 / paths.max(1) as f64;
                w.write_record([
                    date.as_str(),
                    tree.id.as_str(),
                    node.id.as_str(),
                    &fmt_num(share),
                ])
                .expect("in-memory CSV");
            }
        }
    }
    into_bytes(w)
}

/// `outcomes.csv`: one row per branch of every branching exit.
pub fn branch_shares_csv(trees: &[Tree], s: &TreeStats) -> Vec<u8> {
    let mut w = writer();
    w.write_record(OUTCOMES_HEADER).expect("in-memory CSV");
    for (i, tree) in trees.iter().enumerate() {
        for (n, node) in tree.nodes.iter().enumerate() {
            for (k, e) in node.exits.iter().enumerate() {
                if !e.branches() {
                    continue;
                }
                let counts = &s.branches[i][n][k];
                let total: u64 = counts.iter().sum();
                for (b, &to) in e.to.iter().enumerate() {
                    let (share, se) = if total == 0 {
                        (String::new(), String::new())
                    } else {
                        let nn = total as f64;
                        let p = counts[b] as f64 / nn;
                        (fmt_num(p), fmt_num((p * (1.0 - p) / nn).sqrt()))
                    };
                    w.write_record([
                        tree.id.as_str(),
                        &tree.exit_label(n, k),
                        tree.nodes[to].id.as_str(),
                        &share,
                        &se,
                    ])
                    .expect("in-memory CSV");
                }
            }
        }
    }
    into_bytes(w)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dist::Dist;
    use crate::policy::tree::{Exit, ExitKind, Node, Prob};

    fn tree() -> Tree {
        let node = |id: &str, exits| Node {
            id: id.into(),
            exits,
            actions: Vec::new(),
            cancel: Vec::new(),
        };
        Tree {
            id: "t".into(),
            start: 0,
            nodes: vec![
                node(
                    "a",
                    vec![Exit {
                        kind: ExitKind::After {
                            constant: 1.0,
                            dist: None,
                        },
                        schedule: Vec::new(),
                        price_link: 0.0,
                        to: vec![1, 2],
                        probs: vec![Prob::Dist(Dist::Const(0.25)), Prob::Rest],
                    }],
                ),
                node("b", Vec::new()),
                node("c", Vec::new()),
            ],
        }
    }

    #[test]
    fn cumulative_shares_and_standard_errors() {
        let s = TreeStats {
            first_entries: vec![vec![vec![4, 0], vec![0, 1], vec![0, 3]]],
            branches: vec![vec![vec![vec![1, 3]], vec![], vec![]]],
        };
        let start = 2025 * 12 + 7;
        let ev = String::from_utf8(events_csv(start, 2, 4, &[tree()], &s)).unwrap();
        assert_eq!(
            ev,
            "date,tree,node,share_entered\n2025-08-01,t,a,1.0000\n2025-08-01,t,b,0.0000\n\
             2025-08-01,t,c,0.0000\n2025-09-01,t,a,1.0000\n2025-09-01,t,b,0.2500\n\
             2025-09-01,t,c,0.7500\n"
        );
        let oc = String::from_utf8(branch_shares_csv(&[tree()], &s)).unwrap();
        let se = fmt_num((0.25f64 * 0.75 / 4.0).sqrt());
        assert_eq!(
            oc,
            format!("tree,exit_from,outcome,share,mc_se\nt,a,b,0.2500,{se}\nt,a,c,0.7500,{se}\n")
        );
    }
}
