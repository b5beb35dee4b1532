//! Whether two scenarios' variables can be paired by name. Each scenario's variables and what
//! they measure come from its market file, so two market files can give one name to two
//! different things, or give a name to only one side (hostile round 8 finding 3).

use crate::engine::vars::{variables, Var};
use crate::scenario::Scenario;

/// How a compared scenario's variables pair with the baseline's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pairing {
    /// Each name both report with different meanings: (name, the baseline's meaning, the
    /// scenario's meaning), in the baseline's order.
    pub redefined: Vec<(String, String, String)>,
    /// Names only the baseline reports, in its order.
    pub only_baseline: Vec<String>,
    /// Names only the scenario reports, in its order.
    pub only_scenario: Vec<String>,
}

/// Pairs `other`'s variables with `baseline`'s by name and meaning.
pub fn pairing(baseline: &Scenario, other: &Scenario) -> Pairing {
    let (bv, ov) = (variables(&baseline.market), variables(&other.market));
    let find = |vs: &[Var], n: &str| vs.iter().position(|v| v.name == n);
    let mut p = Pairing::default();
    for v in &bv {
        match find(&ov, &v.name) {
            None => p.only_baseline.push(v.name.clone()),
            Some(j) => {
                let (a, b) = (v.meaning(&baseline.market), ov[j].meaning(&other.market));
                if a != b {
                    p.redefined.push((v.name.clone(), a, b));
                }
            }
        }
    }
    p.only_scenario = ov
        .iter()
        .filter(|v| find(&bv, &v.name).is_none())
        .map(|v| v.name.clone())
        .collect();
    p
}

/// The refusal for variables that one name gives two meanings, naming both market files and
/// the fix; `None` when every shared name means the same thing.
pub fn redefined_error(baseline: &Scenario, other: &Scenario, p: &Pairing) -> Option<String> {
    if p.redefined.is_empty() {
        return None;
    }
    let (bm, om) = (baseline.market_path.display(), other.market_path.display());
    let lines: Vec<String> = p
        .redefined
        .iter()
        .map(|(name, a, b)| {
            format!(
                "variable `{name}` is {a}, in market file {bm} (baseline `{}`), but {b}, in \
                 market file {om} (`{}`)",
                baseline.name, other.name
            )
        })
        .collect();
    Some(format!(
        "{}\n  = help: compare differences variables by name, and these names mean different \
         things in the two market files; give the variable another name in one file's \
         `[[output]]` (or `report_as`), or compare scenarios whose market files agree",
        lines.join("\n")
    ))
}

/// The warning for variables left out of the comparison because one side lacks them.
pub fn left_out_warning(baseline: &Scenario, other: &Scenario, p: &Pairing) -> Option<String> {
    let side = |names: &[String], sc: &Scenario| {
        (!names.is_empty()).then(|| {
            format!(
                "{} only `{}` reports (market file {}): {}",
                names.len(),
                sc.name,
                sc.market_path.display(),
                names.join(", ")
            )
        })
    };
    let parts: Vec<String> = [
        side(&p.only_baseline, baseline),
        side(&p.only_scenario, other),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| {
        format!(
            "warning: `{}` vs `{}`: compare.csv leaves out the variables that one side lacks: \
             {}; to compare them, give them the same name in both market files",
            baseline.name,
            other.name,
            parts.join("; ")
        )
    })
}
