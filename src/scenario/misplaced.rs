//! Where a key that is unknown in its table belongs, when it is a key of another table of a
//! scenario file. TOML reads every line below a `[table]` header as part of that table, so
//! the commonest slip is a key written below the wrong header: `extends` under `[scenario]`,
//! `p0` under `[scenario]`, `seed` under `[brent]`, a parameter outside `[params]`. For a
//! market file (read by serde) it turns serde's "unknown field" into a hint.

use super::correlations::CORRELATION_KEYS;
use super::raw::{BRENT_KEYS, SCENARIO_KEYS};
use super::raw_event::EVENT_KEYS;
use crate::market::params::ParamSpec;

/// The help for a misplaced key, and the dotted key it stands for where a "missing required
/// key" error would otherwise repeat the point.
pub(crate) struct Home {
    pub help: String,
    pub full_key: Option<String>,
}

const BELOW: &str = "TOML reads every line below a `[table]` header as part of that table";

/// Where `name`, unknown in the table `here` ("" for the top level, "scenario", "brent",
/// "event[3]"), belongs; `None` when it is no key of a scenario file at all.
pub(crate) fn home_of(name: &str, here: &str) -> Option<Home> {
    let table = |t: &str, what: &str| Home {
        help: format!("`{name}` belongs under `[{t}]`: move the line below a `[{t}]` header{what}"),
        full_key: Some(format!("{t}.{name}")),
    };
    if matches!(name, "extends" | "remove_events" | "remove_trees") {
        let help = if here.is_empty() {
            // Unreachable for the top level itself (both are valid there); kept total.
            format!("`{name}` belongs at the top of the file")
        } else {
            format!(
                "`{name}` belongs at the top of the file, above the first `[...]` header \
                 ({BELOW}): move the line up"
            )
        };
        return Some(Home {
            help,
            full_key: None,
        });
    }
    if here.starts_with("event[") && matches!(name, "description" | "comment" | "source") {
        return Some(Home {
            help: format!(
                "an event's free text is `note`: write `note = \"...\"` (`{name}` is a key of \
                 `[scenario]`, or of nothing)"
            ),
            full_key: None,
        });
    }
    if SCENARIO_KEYS.contains(&name) {
        return Some(table("scenario", ""));
    }
    if BRENT_KEYS.contains(&name) {
        return Some(table("brent", ""));
    }
    if CORRELATION_KEYS.contains(&name) {
        let mut h = table("correlations", "");
        h.full_key = None;
        return Some(h);
    }
    if EVENT_KEYS.contains(&name) && !here.starts_with("event[") {
        return Some(Home {
            help: format!(
                "`{name}` is a key of an event: write the event below its own `[[event]]` \
                 header (two brackets), e.g. `[[event]]` then `date = \"2026-01-01\"`, \
                 `lever = \"cap.eu_usd\"`, `action = \"set\"`, `value = 45`"
            ),
            full_key: None,
        });
    }
    if ParamSpec::NAMES.contains(&name) {
        return Some(Home {
            help: format!(
                "`{name}` is a model parameter: write it below a `[params]` header \
                 (docs/model.md lists the parameters)"
            ),
            full_key: None,
        });
    }
    None
}

/// Help for serde's "unknown field `x`, expected one of `a`, `b`" in a market file: the
/// closest valid key, or where to look (a key of another table is usually a line below the
/// wrong `[[...]]` header, since TOML reads every line below a header as part of it).
pub(crate) fn unknown_field_help(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("unknown field `")?;
    let (name, expected) = rest.split_once('`')?;
    let valid: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    Some(match crate::suggest::closest(name, &valid) {
        Some(c) => format!("did you mean `{c}`?"),
        None => format!(
            "this table takes only the keys listed; if `{name}` belongs to another table, \
             move the line below that table's header (docs/scenarios.md §3 lists every \
             market-file key by table)"
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_level_key_has_one_home() {
        assert!(home_of("extends", "scenario")
            .unwrap()
            .help
            .contains("top of the file"));
        let p0 = home_of("p0", "scenario").unwrap();
        assert!(p0.help.contains("`[brent]`"));
        assert_eq!(p0.full_key.as_deref(), Some("brent.p0"));
        let seed = home_of("seed", "brent").unwrap();
        assert_eq!(seed.full_key.as_deref(), Some("scenario.seed"));
        assert!(home_of("lever", "").unwrap().help.contains("[[event]]"));
        assert!(home_of("lever", "event[2]").is_none());
        assert!(home_of("mu_int", "").unwrap().help.contains("[params]"));
        assert!(home_of("pairs", "scenario")
            .unwrap()
            .help
            .contains("[correlations]"));
        assert!(home_of("no_such_key", "scenario").is_none());
        assert!(home_of("description", "event[1]")
            .unwrap()
            .help
            .contains("`note`"));
        assert!(home_of("description", "")
            .unwrap()
            .help
            .contains("`[scenario]`"));
    }

    #[test]
    fn unknown_market_field_gets_a_suggestion_or_a_pointer() {
        let typo = "unknown field `slate_mx`, expected one of `from`, `to`, `slate_max`";
        assert_eq!(
            unknown_field_help(typo).as_deref(),
            Some("did you mean `slate_max`?")
        );
        let other = "unknown field `compliance_share`, expected one of `from`, `to`";
        assert!(unknown_field_help(other)
            .unwrap()
            .contains("docs/scenarios.md §3"));
        let two = "unknown field `ful`, expected `full` or `none`";
        assert_eq!(
            unknown_field_help(two).as_deref(),
            Some("did you mean `full`?")
        );
        assert!(unknown_field_help("invalid type: string").is_none());
    }
}
