//! The event-tree runtime of one path (scenarios.md §5): each `[[tree]]`'s per-path draws
//! (hazards, schedules, branch probabilities), its current node, the exits that fire each
//! month, and the node actions it queues on (and withdraws from) the path's policy timeline.
//! Each tree draws from its own keyed streams (`tree.<id>`, `tree.<id>.actions`), so a
//! scenario without trees draws nothing new.

use super::rng::{KeyedRng, Keyer};
use crate::policy::calendar::Date;
use crate::policy::events::PolicyPath;
use crate::policy::tree::{Cancel, ExitKind, Prob, Tree};
use crate::scenario::Scenario;
use rand::RngExt;

/// Exits taken in one month of one tree, at most (a guard against zero-lag cycles).
const MAX_HOPS_PER_MONTH: usize = 64;

/// What a path did in one event tree: the month (index from the start, 0-based) in which it
/// first entered each node, and the branch it took the first time it took each branching
/// exit (`[node][exit]`).
#[derive(Debug, Clone, PartialEq)]
pub struct TreeRecord {
    pub first_entry: Vec<Option<usize>>,
    pub first_branch: Vec<Vec<Option<usize>>>,
}

impl TreeRecord {
    /// Whether the path entered `node` by the end of month `by` (0-based from the start), or
    /// within the horizon when `by` is `None`. The one notion of "entered": the `entered`
    /// input of `sensitivity`, the node-entry split of `run --by-outcome` (outputs.md §8),
    /// and what `events.csv` counts (cumulated to month `by`).
    pub fn entered_by(&self, node: usize, by: Option<usize>) -> bool {
        self.first_entry[node].is_some_and(|m| by.is_none_or(|b| m <= b))
    }
}

/// One tree's state on one path.
#[derive(Clone)]
pub(crate) struct TreePath {
    /// Exit draws (hazards, lags, branches); per-path probabilities are drawn first.
    rng: KeyedRng,
    /// Draws of the nodes' entry actions.
    actions_rng: KeyedRng,
    /// Per-path hazard of each exit (`[node][exit]`, 0 for other kinds).
    pub(super) hazard: Vec<Vec<f64>>,
    /// Per-path hazard of each step of each exit's `schedule` (`[node][exit][step]`).
    steps: Vec<Vec<Vec<f64>>>,
    /// Per-path cumulative branch probabilities of each exit.
    pub(super) cum: Vec<Vec<Vec<f64>>>,
    pub(super) node: usize,
    entered: Date,
    /// Month in which each `after` exit of the current node fires.
    due: Vec<Option<i32>>,
    /// Sequence ranges in the policy queue of cancellable node actions, with their rule.
    cancellable: Vec<(u32, u32, Cancel)>,
    pub(super) record: TreeRecord,
}

/// Brent level at which a price-linked hazard equals its written value (scenarios.md §5).
const PRICE_LINK_REF_USD: f64 = 70.0;

impl TreePath {
    pub(super) fn new(tree: &Tree, keyer: &Keyer) -> TreePath {
        let mut rng = keyer.parts("tree.", &tree.id);
        let actions_rng = keyer.stream(&format!("tree.{}.actions", tree.id));
        let mut hazard = Vec::new();
        let mut steps = Vec::new();
        let mut cum = Vec::new();
        for n in &tree.nodes {
            let mut hz = Vec::new();
            let mut st = Vec::new();
            let mut cs = Vec::new();
            for e in &n.exits {
                hz.push(match &e.kind {
                    ExitKind::Hazard(d) => d.sample(&mut rng).clamp(0.0, 1.0),
                    _ => 0.0,
                });
                // Drawn right after the base hazard, so files without schedules keep their draws.
                st.push(
                    e.schedule
                        .iter()
                        .map(|s| s.value.sample(&mut rng).clamp(0.0, 1.0))
                        .collect(),
                );
                let mut ps: Vec<f64> = e
                    .probs
                    .iter()
                    .map(|p| match p {
                        Prob::Dist(d) => d.sample(&mut rng).clamp(0.0, 1.0),
                        Prob::Rest => 0.0,
                    })
                    .collect();
                if let Some(r) = e.probs.iter().position(|p| *p == Prob::Rest) {
                    let others: f64 = ps.iter().sum();
                    ps[r] = (1.0 - others).max(0.0);
                }
                let mut acc = 0.0;
                cs.push(
                    ps.iter()
                        .map(|p| {
                            acc += p;
                            acc
                        })
                        .collect(),
                );
            }
            hazard.push(hz);
            steps.push(st);
            cum.push(cs);
        }
        TreePath {
            rng,
            actions_rng,
            hazard,
            steps,
            cum,
            node: tree.start,
            entered: Date { month: 0, day: 1 },
            due: Vec::new(),
            cancellable: Vec::new(),
            record: TreeRecord {
                first_entry: vec![None; tree.nodes.len()],
                first_branch: tree
                    .nodes
                    .iter()
                    .map(|n| vec![None; n.exits.len()])
                    .collect(),
            },
        }
    }

    /// Enters `node` on `date`: draws its `after` lags and queues its actions.
    pub(super) fn enter(
        &mut self,
        tree: &Tree,
        node: usize,
        date: Date,
        start: i32,
        sc: &Scenario,
        policy: &mut PolicyPath,
    ) {
        // Withdraw what entering `node` cancels, before its own actions are queued.
        self.cancellable.retain(|(lo, hi, c)| {
            let hit = c.on_entering.contains(&node);
            if hit {
                policy.cancel(*lo, *hi);
            }
            !hit
        });
        self.node = node;
        self.entered = date;
        let rec = &mut self.record.first_entry[node];
        if rec.is_none() {
            *rec = Some((date.month - start).max(0) as usize);
        }
        let n = &tree.nodes[node];
        self.due.clear();
        for e in &n.exits {
            self.due.push(match &e.kind {
                ExitKind::After { constant, dist } => {
                    let x = constant + dist.map_or(0.0, |d| d.sample(&mut self.rng));
                    Some(date.month + x.round().max(0.0) as i32)
                }
                _ => None,
            });
        }
        for (a, cancel) in n.actions.iter().zip(&n.cancel) {
            let mut ev = a.clone();
            ev.date = date;
            let lo = policy.next_seq();
            policy.inject_event(&ev, &sc.registry, &mut self.actions_rng);
            let hi = policy.next_seq();
            if cancel.any() && hi > lo {
                self.cancellable.push((lo, hi, cancel.clone()));
            }
        }
    }

    /// Monthly probability of hazard exit `k` of the current node in `month`: the last step of
    /// its schedule that has started, else its base value, times the Brent link `γ_G`.
    fn hazard_now(&self, e: &crate::policy::tree::Exit, k: usize, month: i32, x_prev: f64) -> f64 {
        let h = e
            .schedule
            .iter()
            .zip(&self.steps[self.node][k])
            .rev()
            .find(|(s, _)| s.applies(month, self.entered.month))
            .map_or(self.hazard[self.node][k], |(_, h)| *h);
        if e.price_link == 0.0 || !x_prev.is_finite() {
            return h;
        }
        (h * (-e.price_link * (x_prev - PRICE_LINK_REF_USD.ln())).exp()).clamp(0.0, 1.0)
    }

    /// Takes the exits that fire at the start of `month` (chains within the month included).
    /// `true` when it stopped at the guard of [`MAX_HOPS_PER_MONTH`] exits.
    pub(super) fn step(
        &mut self,
        tree: &Tree,
        month: i32,
        x_prev: f64,
        start: i32,
        sc: &Scenario,
        policy: &mut PolicyPath,
    ) -> bool {
        for _ in 0..MAX_HOPS_PER_MONTH {
            let node = &tree.nodes[self.node];
            let mut taken = None;
            for (k, e) in node.exits.iter().enumerate() {
                let fires = match &e.kind {
                    ExitKind::At(d) => d.month == month && *d >= self.entered,
                    ExitKind::Hazard(_) => {
                        self.entered.month < month
                            && self.rng.random::<f64>() < self.hazard_now(e, k, month, x_prev)
                    }
                    ExitKind::After { .. } => self.due[k].is_some_and(|m| m <= month),
                };
                if fires {
                    let date = match &e.kind {
                        ExitKind::At(d) => *d,
                        _ => Date { month, day: 1 },
                    };
                    taken = Some((k, date));
                    break;
                }
            }
            let Some((k, date)) = taken else {
                return false;
            };
            let e = &node.exits[k];
            let b = if e.branches() {
                let u = self.rng.random::<f64>();
                let cum = &self.cum[self.node][k];
                cum.iter().position(|c| u < *c).unwrap_or(cum.len() - 1)
            } else {
                0
            };
            let slot = &mut self.record.first_branch[self.node][k];
            if slot.is_none() {
                *slot = Some(b);
            }
            let to = e.to[b];
            self.cancellable.retain(|(lo, hi, c)| {
                if c.on_exit {
                    policy.cancel(*lo, *hi);
                }
                !c.on_exit
            });
            self.enter(tree, to, date, start, sc, policy);
        }
        true
    }
}
