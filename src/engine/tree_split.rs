//! `run --by-outcome`: which branching exit of an event tree splits the paths, resolved from
//! a selector given on the command line.

use super::path::TreeRecord;
use crate::scenario::Scenario;

/// A branching exit whose outcome splits the paths for conditional bands (`run --by-outcome`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutcomeSplit {
    pub tree: usize,
    pub node: usize,
    pub exit: usize,
    /// Name used in outputs: the exit's label (`node`, or `node.k` for the k-th of several
    /// branching exits), prefixed by `tree.` when another tree has the same label.
    pub key: String,
    /// One per branch (the target node ids), then `none` (never took the exit).
    pub outcomes: Vec<String>,
}

impl OutcomeSplit {
    /// Index into [`OutcomeSplit::outcomes`] of a path's outcome.
    pub(super) fn outcome_of<'r>(
        &self,
        mut records: impl Iterator<Item = &'r TreeRecord>,
    ) -> usize {
        records
            .nth(self.tree)
            .and_then(|r| r.first_branch[self.node][self.exit])
            .unwrap_or(self.outcomes.len() - 1)
    }
}

/// Every branching exit of the scenario's trees as `(tree, node, exit)`.
fn branching_exits(sc: &Scenario) -> Vec<(usize, usize, usize)> {
    let mut v = Vec::new();
    for (i, t) in sc.trees.iter().enumerate() {
        for (n, node) in t.nodes.iter().enumerate() {
            for (k, e) in node.exits.iter().enumerate() {
                if e.branches() {
                    v.push((i, n, k));
                }
            }
        }
    }
    v
}

/// Label of a branching exit in folder names: [`crate::policy::tree::Tree::exit_label`] with `[k]` written `.k`.
fn plain_label(sc: &Scenario, (i, n, k): (usize, usize, usize)) -> String {
    sc.trees[i]
        .exit_label(n, k)
        .replace('[', ".")
        .replace(']', "")
}

/// Why a `--by-outcome` selector names no single branching exit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    #[error("--by-outcome `{selector}`: scenario `{scenario}` has no event trees ([[tree]])")]
    NoTrees { selector: String, scenario: String },
    #[error(
        "--by-outcome `{selector}`: scenario `{scenario}` has event trees but no branching exit \
         (an exit with more than one `to`)"
    )]
    NoBranchingExit { selector: String, scenario: String },
    #[error(
        "--by-outcome `{selector}`: node `{node}` of scenario `{scenario}` has several branching \
         exits; name one of {choices}"
    )]
    SeveralExits {
        selector: String,
        node: String,
        scenario: String,
        choices: String,
    },
    #[error(
        "--by-outcome `{selector}`: scenario `{scenario}` has no branching exit of that \
         name{hint}; branching exits (by source node): {exits}"
    )]
    Unknown {
        selector: String,
        scenario: String,
        hint: String,
        exits: String,
    },
    #[error(
        "--by-outcome `{selector}` is ambiguous in scenario `{scenario}`: name one of {choices}"
    )]
    Ambiguous {
        selector: String,
        scenario: String,
        choices: String,
    },
}

/// Resolves a `--by-outcome` selector: a branching exit named by its source node
/// (`summit_pending`, or `node.k` / `node[k]` when the node has several), optionally qualified
/// by its tree (`us_russia.summit_pending`), or by one of its targets (`fail`) when that node
/// is the target of exactly one branching exit. Errors are complete sentences with a
/// did-you-mean hint.
pub fn resolve_outcome(sc: &Scenario, selector: &str) -> Result<OutcomeSplit, OutcomeError> {
    let exits = branching_exits(sc);
    if sc.trees.is_empty() {
        return Err(OutcomeError::NoTrees {
            selector: selector.into(),
            scenario: sc.name.clone(),
        });
    }
    if exits.is_empty() {
        return Err(OutcomeError::NoBranchingExit {
            selector: selector.into(),
            scenario: sc.name.clone(),
        });
    }
    let labels: Vec<String> = exits.iter().map(|&x| plain_label(sc, x)).collect();
    let sel = selector.replace('[', ".").replace(']', "");
    let (tree_sel, rest) = match sel.split_once('.') {
        Some((t, r)) if sc.trees.iter().any(|tr| tr.id == t) => (Some(t), r.to_string()),
        _ => (None, sel.clone()),
    };
    let in_tree = |x: &(usize, usize, usize)| tree_sel.is_none_or(|t| sc.trees[x.0].id == t);
    let mut hits: Vec<(usize, usize, usize)> = exits
        .iter()
        .zip(&labels)
        .filter(|(x, l)| in_tree(x) && **l == rest)
        .map(|(x, _)| *x)
        .collect();
    if hits.is_empty() {
        // A node with several branching exits, named without `.k`.
        let several: Vec<String> = exits
            .iter()
            .zip(&labels)
            .filter(|(x, _)| in_tree(x) && sc.trees[x.0].nodes[x.1].id == rest)
            .map(|(_, l)| l.clone())
            .collect();
        if !several.is_empty() {
            return Err(OutcomeError::SeveralExits {
                selector: selector.into(),
                node: rest.clone(),
                scenario: sc.name.clone(),
                choices: quoted(&several),
            });
        }
        // A target of exactly one branching exit.
        let parents: Vec<(usize, usize, usize)> = exits
            .iter()
            .filter(|x| {
                in_tree(x)
                    && sc.trees[x.0].nodes[x.1].exits[x.2]
                        .to
                        .iter()
                        .any(|&t| sc.trees[x.0].nodes[t].id == rest)
            })
            .copied()
            .collect();
        if parents.len() == 1 {
            hits = parents;
        }
    }
    match hits.len() {
        1 => {}
        0 => {
            let mut cands = labels.clone();
            for &(i, n, k) in &exits {
                cands.push(format!("{}.{}", sc.trees[i].id, plain_label(sc, (i, n, k))));
            }
            let hint = crate::suggest::did_you_mean(selector, &cands);
            return Err(OutcomeError::Unknown {
                selector: selector.into(),
                scenario: sc.name.clone(),
                hint,
                exits: quoted(&labels),
            });
        }
        _ => {
            let q: Vec<String> = hits
                .iter()
                .map(|&x| format!("{}.{}", sc.trees[x.0].id, plain_label(sc, x)))
                .collect();
            return Err(OutcomeError::Ambiguous {
                selector: selector.into(),
                scenario: sc.name.clone(),
                choices: quoted(&q),
            });
        }
    }
    let x = hits[0];
    let label = plain_label(sc, x);
    let shared = labels.iter().filter(|l| **l == label).count() > 1;
    let key = if shared {
        format!("{}.{label}", sc.trees[x.0].id)
    } else {
        label
    };
    let tree = &sc.trees[x.0];
    let mut outcomes: Vec<String> = tree.nodes[x.1].exits[x.2]
        .to
        .iter()
        .map(|&t| tree.nodes[t].id.clone())
        .collect();
    outcomes.push("none".into());
    Ok(OutcomeSplit {
        tree: x.0,
        node: x.1,
        exit: x.2,
        key,
        outcomes,
    })
}

fn quoted(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
