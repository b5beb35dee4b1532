//! The variables a compared scenario and the baseline both report, paired by name.

use crate::engine::vars::Var;

/// A variable reported by both the baseline and a compared scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComparedVar {
    pub name: String,
    /// The baseline's unit.
    pub unit: String,
    /// Index in the baseline's variable list.
    pub base: usize,
    /// Index in the compared scenario's variable list.
    pub other: usize,
}

/// The variables of `other` that the baseline also reports, matched by name, in the
/// baseline's order.
pub fn common_vars(base: &[Var], other: &[Var]) -> Vec<ComparedVar> {
    base.iter()
        .enumerate()
        .filter_map(|(i, v)| {
            other
                .iter()
                .position(|o| o.name == v.name)
                .map(|j| ComparedVar {
                    name: v.name.clone(),
                    unit: v.unit.clone(),
                    base: i,
                    other: j,
                })
        })
        .collect()
}
