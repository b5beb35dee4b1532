//! Why a `run --by-outcome` selector names nothing (outputs.md §8): each message says what the
//! name is not, why, and which selectors of that scenario exist, with a did-you-mean hint.

use super::tree_split::Names;
use crate::policy::describe::{exit_targets, exit_when};

/// Why a `--by-outcome` selector names no branching exit and no node entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OutcomeError {
    #[error("--by-outcome `{selector}`: scenario `{scenario}` has no event trees ([[tree]])")]
    NoTrees { selector: String, scenario: String },
    #[error(
        "--by-outcome `{selector}`: node `{node}` of scenario `{scenario}` has several branching \
         exits; name one of {choices}{entry}"
    )]
    SeveralExits {
        selector: String,
        node: String,
        scenario: String,
        choices: String,
        /// ` (or `<node>.entered` …)`, empty for a start node.
        entry: String,
    },
    #[error(
        "--by-outcome `{selector}`: scenario `{scenario}` has no branching exit and no node of \
         that name{hint}; {exits}; {nodes}"
    )]
    Unknown {
        selector: String,
        scenario: String,
        hint: String,
        /// `branching exits (by source node): …`, or that there are none.
        exits: String,
        /// The node-entry selectors ([`Names::entry_list`]).
        nodes: String,
    },
    /// `<node>.<k>` for a node that has such an exit, or such a number, but not both.
    #[error("--by-outcome `{selector}`: {why}; {own}. {forms}; {nodes}")]
    ExitNumber {
        selector: String,
        /// What exit `k` of the node is (or that there is none).
        why: String,
        /// The node's branching exits and their selectors.
        own: String,
        /// Every `<node>.<k>` selector of the scenario, or that there is none.
        forms: String,
        nodes: String,
    },
    #[error(
        "--by-outcome `{selector}` is ambiguous in scenario `{scenario}`: name one of {choices}"
    )]
    Ambiguous {
        selector: String,
        scenario: String,
        choices: String,
    },
    #[error(
        "--by-outcome `{selector}`: `{node}` is the start node of tree `{tree}` in scenario \
         `{scenario}`: every path is in it from the first day, so its entry splits no paths; \
         {nodes}"
    )]
    StartNode {
        selector: String,
        node: String,
        tree: String,
        scenario: String,
        nodes: String,
    },
    #[error(
        "--by-outcome `{selector}`: {reason}; write `<node>@YYYY-MM` with a month of the run, \
         {first} to {last} (the paths that entered the node by the end of that month)"
    )]
    BadMonth {
        selector: String,
        reason: String,
        first: String,
        last: String,
    },
}

pub(super) fn quoted(v: &[String]) -> String {
    v.iter()
        .map(|s| format!("`{s}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl Names<'_> {
    /// `node-entry selectors (…): `a`, `b``: every node's entry selector.
    pub(super) fn entry_list(&self) -> String {
        let v = self.entry_selectors();
        if v.is_empty() {
            return "no node-entry selector (every node is a start node)".into();
        }
        format!(
            "node-entry selectors (entered within the horizon; add `@YYYY-MM` for by the end \
             of that month): {}",
            quoted(&v)
        )
    }

    /// `branching exits (by source node): …`.
    fn exit_list(&self) -> String {
        if self.labels.is_empty() {
            return "it has no branching exit (an exit with more than one `to`)".into();
        }
        let keys: Vec<String> = self.exits.iter().map(|&x| self.exit_key(x)).collect();
        format!("branching exits (by source node): {}", quoted(&keys))
    }

    pub(super) fn several(
        &self,
        selector: &str,
        tree: Option<&str>,
        node: &str,
        labels: Vec<String>,
    ) -> OutcomeError {
        let entry = (self.nodes_named(tree, node).into_iter())
            .find(|&(t, n)| n != self.sc.trees[t].start)
            .map(|h| {
                let key = self.entry_key(h, None);
                format!(" (or `{key}` for whether paths entered the node)")
            })
            .unwrap_or_default();
        // With the tree named, when another tree has a node of this id (its folders do too).
        let labels: Vec<String> = match tree {
            Some(t) if self.nodes_named(None, node).len() > 1 => {
                labels.iter().map(|l| format!("{t}.{l}")).collect()
            }
            _ => labels,
        };
        OutcomeError::SeveralExits {
            selector: selector.into(),
            node: node.into(),
            scenario: self.sc.name.clone(),
            choices: quoted(&labels),
            entry,
        }
    }

    pub(super) fn ambiguous(&self, selector: &str, choices: Vec<String>) -> OutcomeError {
        OutcomeError::Ambiguous {
            selector: selector.into(),
            scenario: self.sc.name.clone(),
            choices: quoted(&choices),
        }
    }

    /// `name` (the selector less its `@YYYY-MM`, which is `suffix`) names nothing.
    pub(super) fn unknown(&self, selector: &str, name: &str, suffix: Option<&str>) -> OutcomeError {
        let sc = self.sc;
        let mut cands: Vec<String> = Vec::new();
        if suffix.is_none() {
            cands.extend(self.labels.iter().cloned());
            for &x in &self.exits {
                cands.push(format!("{}.{}", sc.trees[x.0].id, self.labels_of(x)));
            }
        }
        cands.extend(self.entry_selectors());
        for tr in &sc.trees {
            for (n, node) in tr.nodes.iter().enumerate() {
                if n != tr.start {
                    cands.push(node.id.clone());
                    cands.push(format!("{}.{}", tr.id, node.id));
                }
            }
        }
        let hint = crate::suggest::closest(name, &cands)
            .map(|c| format!(" (did you mean `{c}{}`?)", suffix.unwrap_or("")))
            .unwrap_or_default();
        OutcomeError::Unknown {
            selector: selector.into(),
            scenario: sc.name.clone(),
            hint,
            exits: self.exit_list(),
            nodes: self.entry_list(),
        }
    }

    fn labels_of(&self, x: (usize, usize, usize)) -> String {
        super::tree_split::plain_label(self.sc, x)
    }

    /// `<node>.<k>` (`rest`, in `tree` when given) where the node exists but has no such
    /// selector: says what exit `k` is, how the node's branching exits are named, and which
    /// `<node>.<k>` selectors exist. `None` when `rest` is not of that form.
    pub(super) fn exit_number(
        &self,
        selector: &str,
        tree: Option<&str>,
        rest: &str,
    ) -> Option<OutcomeError> {
        let (name, k) = rest.rsplit_once('.')?;
        if k.is_empty() || !k.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let &(t, n) = self.nodes_named(tree, name).first()?;
        let tr = &self.sc.trees[t];
        let node = &tr.nodes[n];
        let exit_text =
            |e: &crate::policy::tree::Exit| format!("{}, to {}", exit_when(e), exit_targets(tr, e));
        let count = node.exits.len();
        let k = k.parse::<usize>().ok().filter(|k| (1..=count).contains(k));
        let own: Vec<(usize, String)> = (self.exits.iter())
            .filter(|x| (x.0, x.1) == (t, n))
            .map(|&x| (x.2, self.exit_key(x)))
            .collect();
        let (why, own) = match (k, &own[..]) {
            (None, _) => (
                format!(
                    "node `{name}` has {count} exit{} (`<node>.<k>` counts them from 1)",
                    if count == 1 { "" } else { "s" }
                ),
                own_exits(&own, name, |k| exit_text(&node.exits[k])),
            ),
            (Some(k), _) if !node.exits[k - 1].branches() => (
                format!(
                    "exit {k} of node `{name}` ({}) has one target, so it does not branch",
                    exit_text(&node.exits[k - 1])
                ),
                own_exits(&own, name, |k| exit_text(&node.exits[k])),
            ),
            // It branches, and `name.k` did not match: the node's only branching exit.
            (Some(k), _) => (
                format!(
                    "exit {k} ({}) is the only branching exit of node `{name}`, and a node's \
                     only branching exit is selected by the node's name alone",
                    exit_text(&node.exits[k - 1])
                ),
                format!(
                    "write `{}` (as `exit_from` of outcomes.csv does)",
                    self.exit_key((t, n, k - 1))
                ),
            ),
        };
        let own = match own {
            s if !s.is_empty() => s,
            _ if n == tr.start => format!("`{name}` has no branching exit"),
            _ => format!(
                "`{name}` has no branching exit; `{}` selects whether paths entered it",
                self.entry_key((t, n), None)
            ),
        };
        let numbered: Vec<String> = (self.exits.iter())
            .filter(|x| self.labels_of(**x).contains('.'))
            .map(|&x| self.exit_key(x))
            .collect();
        let forms = if numbered.is_empty() {
            format!(
                "No node of scenario `{}` has several branching exits, so it has no \
                 `<node>.<k>` selector",
                self.sc.name
            )
        } else {
            format!(
                "The `<node>.<k>` selectors of scenario `{}` (nodes with several branching \
                 exits; k counts all the node's exits from 1) are {}",
                self.sc.name,
                quoted(&numbered)
            )
        };
        Some(OutcomeError::ExitNumber {
            selector: selector.into(),
            why,
            own,
            forms,
            nodes: self.entry_list(),
        })
    }
}

/// How a node's branching exits are selected (`own`: exit index and selector), empty when it
/// has none.
fn own_exits(own: &[(usize, String)], name: &str, text: impl Fn(usize) -> String) -> String {
    match own {
        [] => String::new(),
        [(k, key)] => format!(
            "the one branching exit of `{name}` is exit {} ({}), selected as `{key}`",
            k + 1,
            text(*k)
        ),
        several => {
            let keys: Vec<String> = several.iter().map(|(_, s)| s.clone()).collect();
            format!(
                "the branching exits of `{name}` are selected as {}",
                quoted(&keys)
            )
        }
    }
}
