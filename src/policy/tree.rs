//! Event trees (scenarios.md §5): policy states as nodes, left by dated, hazard or lagged exits
//! that may branch, each node applying its own lever actions on entry.
//!
//! Exactly one node of a tree is current on a path. Exits of the current node are checked at
//! the start of each month, in the order written; the first that fires is taken:
//!
//! - `at`: fires in the month of its date, if the node was entered on or before that date;
//! - `hazard`: a monthly probability (drawn once per path if a distribution), checked from the
//!   month after entry on, so the waiting time is geometric with mean 1/h months; a `schedule`
//!   makes it piecewise constant in calendar time (`from` a month) or in time spent in the node
//!   (`after_months` since entry), each step's probability drawn once per path;
//! - `after`: fires `lag` whole months after the entry month, the lag drawn (and rounded) at
//!   entry.
//!
//! A branching exit picks one of its targets with probabilities drawn once per path. Entering
//! a node queues its actions as events dated at the entry date (the exit's date for `at`, the
//! 1st of the month otherwise), each with its own `after_months` delay. Chains of exits can
//! happen within one month (an `after` with lag 0, or an `at` later in the month).

use super::calendar::{Date, MonthIdx};
use super::events::Event;
use crate::dist::Dist;

/// When an exit fires.
#[derive(Debug, Clone, PartialEq)]
pub enum ExitKind {
    At(Date),
    /// Monthly probability in [0, 1], drawn once per path.
    Hazard(Dist),
    /// Lag in months, `constant + dist` (rounded, at least 0), drawn at entry.
    After {
        constant: f64,
        dist: Option<Dist>,
    },
}

/// One branch probability as written.
#[derive(Debug, Clone, PartialEq)]
pub enum Prob {
    /// A number or a distribution drawn once per path.
    Dist(Dist),
    /// `"rest"`: one minus the others.
    Rest,
}

/// Where a step of a time-varying hazard starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepStart {
    /// From this calendar month on.
    Month(MonthIdx),
    /// Once this many whole months have passed since the node was entered.
    InNode(u32),
}

/// From `start` on (until the next step), the exit's monthly probability is `value`.
#[derive(Debug, Clone, PartialEq)]
pub struct HazardStep {
    pub start: StepStart,
    pub value: Dist,
}

impl HazardStep {
    /// Whether the step applies in `month` to a node entered in month `entered`.
    pub fn applies(&self, month: MonthIdx, entered: MonthIdx) -> bool {
        match self.start {
            StepStart::Month(m) => month >= m,
            StepStart::InNode(k) => month - entered >= k as i32,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Exit {
    pub kind: ExitKind,
    /// Steps of a time-varying `hazard` (empty: constant hazard; always empty for other kinds),
    /// in increasing order of start, all of one [`StepStart`] kind.
    pub schedule: Vec<HazardStep>,
    /// `γ_G` of scenarios.md §5 for a `hazard` exit (0 otherwise): the monthly probability is
    /// multiplied by `exp(−γ_G (x_{t−1} − ln 70))`, `x_{t−1}` last month's log Brent, and
    /// capped at 1.
    pub price_link: f64,
    /// Target node indices; more than one for a branching exit.
    pub to: Vec<usize>,
    /// One per target (a single target has `[Dist(Const(1))]`).
    pub probs: Vec<Prob>,
}

impl Exit {
    pub fn branches(&self) -> bool {
        self.to.len() > 1
    }
}

/// When a node action still pending is withdrawn.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cancel {
    /// `cancel_on_exit = true`: when the node is left (by any exit).
    pub on_exit: bool,
    /// `cancelled_by = [...]`: when the path enters one of these nodes (indices), even after
    /// moving on from the node through others.
    pub on_entering: Vec<usize>,
}

impl Cancel {
    pub fn any(&self) -> bool {
        self.on_exit || !self.on_entering.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub id: String,
    pub exits: Vec<Exit>,
    /// Applied on entry. Each event's `date` is a placeholder replaced by the entry date; its
    /// `lag_months` is the action's `after_months`.
    pub actions: Vec<Event>,
    /// One per action: when to drop what of it has not yet taken effect (otherwise a queued
    /// action still happens after the node is left).
    pub cancel: Vec<Cancel>,
}

impl Node {
    /// Whether a path can leave the node in the month it enters it: through an `at` exit, or
    /// an `after` exit whose lag can round to 0 (a hazard is checked from the next month on).
    pub fn can_leave_in_entry_month(&self) -> bool {
        self.exits.iter().any(|e| match &e.kind {
            ExitKind::At(_) => true,
            ExitKind::After { constant, dist } => {
                let lo = dist.as_ref().map_or(0.0, |d| d.support().0.max(0.0));
                (constant + lo).round() <= 0.0
            }
            ExitKind::Hazard(_) => false,
        })
    }

    /// Whether action `a` takes effect on entry (no `after_months`, or one whose every draw
    /// rounds to 0) in a node no path can leave, and so no other node enter, within its entry
    /// month: then nothing is ever pending, and its `cancel_on_exit` and `cancelled_by` can
    /// never withdraw it (hostile round 11 F3).
    pub fn cancel_never_acts(&self, a: usize) -> bool {
        let Some(action) = self.actions.get(a) else {
            return false;
        };
        let on_entry = action
            .lag_months
            .as_ref()
            .is_none_or(|d| d.support().1.round() <= 0.0);
        on_entry && !self.can_leave_in_entry_month()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub id: String,
    pub start: usize,
    pub nodes: Vec<Node>,
}

impl Tree {
    /// Label of exit `k` of node `n` in outputs: the node id, with `[k]` (1-based) when the
    /// node has more than one branching exit.
    pub fn exit_label(&self, n: usize, k: usize) -> String {
        let node = &self.nodes[n];
        if node.exits.iter().filter(|e| e.branches()).count() > 1 {
            format!("{}[{}]", node.id, k + 1)
        } else {
            node.id.clone()
        }
    }
}
