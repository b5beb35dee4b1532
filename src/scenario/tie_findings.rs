//! D209: names that cross from the market file to the scenario. A buyer's `term_ties` company
//! (market file) meets the `sellers` of the scenario's `sdn.wave` events only at run time, so
//! a misspelt company (`rosnef` for `rosneft`) was silently inert: no wave ever named it, and
//! the D46 term-tie loss did not happen. A company that no wave names is legitimate (a market
//! file serves many scenarios), so only one a letter or two away from a company a wave does
//! name is warned about, with the name it was probably meant to be.

use super::overrides::{Severity, Warning};
use super::{Origin, Scenario};
use crate::policy::events::{companies, Value};

/// One warning per `term_ties` company that no `sdn.wave` of the scenario names but that is
/// close to one that some wave does (the crate's "did you mean" distance).
pub(super) fn tie_findings(sc: &Scenario) -> Vec<Warning> {
    let actions = sc
        .trees
        .iter()
        .flat_map(|t| &t.nodes)
        .flat_map(|n| &n.actions);
    let mut named: Vec<String> = Vec::new();
    for e in sc.events.iter().chain(actions) {
        if let Value::Wave {
            sellers: Some(s), ..
        } = &e.value
        {
            for c in companies(s) {
                if !named.contains(&c) {
                    named.push(c);
                }
            }
        }
    }
    let mut out = Vec::new();
    for (j, buyer) in sc.market.buyers.iter().enumerate() {
        for company in buyer.term_ties.keys() {
            let lower = company.to_ascii_lowercase();
            if named.contains(&lower) {
                continue;
            }
            let Some(near) = crate::suggest::closest(&lower, &named) else {
                continue;
            };
            out.push(Warning {
                severity: Severity::Warning,
                at: position(sc, company),
                key: format!("buyer[{}].term_ties.{company}", j + 1),
                message: format!(
                    "buyer {}'s term-tied company `{company}` is named by no `sdn.wave` \
                     `sellers` of this scenario (did you mean `{near}`?): its refiners' tie \
                     never binds",
                    buyer.id
                ),
                help: Some(format!(
                    "spell it as the waves do (`{near}`); the waves name {}",
                    named.join(", ")
                )),
            });
        }
    }
    out
}

/// Where `company` is written as a key in the market file: the first line of the market
/// file's text that holds it as a whole word after `term_ties` (or anywhere, failing that).
fn position(sc: &Scenario, company: &str) -> Origin {
    let text = sc
        .resolved_text
        .split_once("\n## market file\n")
        .map_or("", |(_, m)| m);
    let word_at = |line: &str| {
        line.match_indices(company).map(|(i, _)| i).find(|&i| {
            let ok = |c: Option<char>| !c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
            ok(line[..i].chars().next_back()) && ok(line[i + company.len()..].chars().next())
        })
    };
    let lines: Vec<&str> = text.lines().collect();
    let found = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.contains("term_ties"))
        .chain(lines.iter().enumerate())
        .find_map(|(n, l)| word_at(l).map(|i| (n + 1, l[..i].chars().count() + 1)));
    let (line, col) = found.unwrap_or((1, 1));
    Origin {
        file: sc.market_path.clone(),
        line,
        col,
    }
}
