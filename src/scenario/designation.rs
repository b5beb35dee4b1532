//! The values of the designation levers: an `sdn.wave` (D33, D35) and a
//! `fleet.designation.batch` (D40), each an inline table checked key by key, with the market's
//! basins resolved by name.

use super::hints::a_type;
use super::raw_event::RawEvent;
use super::spanned::{de, Val};
use super::value::{bad, dist_in, required, sub_table, Bad};
use super::walker::Walker;
use crate::dist::DIST_NAMES;
use crate::policy::events::{Cargo, Value, WaveAuthority, MAX_SELLER_NAMES};
use crate::policy::levers::{LeverId, LeverRegistry, AUTHORITIES};
use crate::suggest;
use toml::de::DeValue;

/// `value = { add_share, wind_down_months[, basins][, authority][, sellers] }` of an `sdn.wave`.
pub(super) fn wave(v: &Val<'_>, key: &str, reg: &LeverRegistry) -> Result<Value, Vec<Bad>> {
    let mut errs = Vec::new();
    let t = sub_table(
        v,
        key,
        &[
            "add_share",
            "wind_down_months",
            "basins",
            "authority",
            "sellers",
        ],
        "{ add_share = 0.2, wind_down_months = 3, authority = \"us\" }",
        &mut errs,
    )?;
    // Optional keys: the value, or the error noted and `None`.
    let auth = t.get("authority").and_then(|(_, x)| {
        wave_authority(x, &format!("{key}.authority"))
            .map_err(|b| errs.push(b))
            .ok()
    });
    let sellers = t.get("sellers").and_then(|(_, x)| {
        sellers_name(x, &format!("{key}.sellers"))
            .map_err(|b| errs.push(b))
            .ok()
    });
    let basins = match t.get("basins") {
        None => Vec::new(),
        Some((_, x)) => wave_basins(x, &format!("{key}.basins"), reg, &mut errs),
    };
    let share = t
        .get("add_share")
        .map(|(_, x)| dist_in(x, &format!("{key}.add_share"), 0.0, 1.0));
    let months = t
        .get("wind_down_months")
        .map(|(_, x)| int_at_least(x, &format!("{key}.wind_down_months"), 1));
    let share = required(share, v, key, "add_share", &mut errs);
    let months = required(months, v, key, "wind_down_months", &mut errs);
    match (share, months) {
        (Some(add_share), Some(m)) if errs.is_empty() => Ok(Value::Wave {
            add_share,
            wind_down_months: m,
            basins,
            authority: auth,
            sellers,
        }),
        _ => Err(errs),
    }
}

/// `value = { share, authority[, cargo_share] }` of a `fleet.designation.batch`.
pub(super) fn batch(v: &Val<'_>, key: &str, reg: &LeverRegistry) -> Result<Value, Vec<Bad>> {
    let mut errs = Vec::new();
    let t = sub_table(
        v,
        key,
        &["share", "authority", "cargo_share"],
        "{ share = 0.1, authority = \"us\", cargo_share = { W = 0.2 } }",
        &mut errs,
    )?;
    let share = t
        .get("share")
        .map(|(_, x)| dist_in(x, &format!("{key}.share"), 0.0, 0.5));
    let written = t
        .get("authority")
        .map(|(_, x)| authority(x, &format!("{key}.authority")));
    let cargo = match t.get("cargo_share") {
        None => Cargo::FleetShare,
        Some((_, x)) => cargo_share(x, &format!("{key}.cargo_share"), reg, &mut errs),
    };
    let share = required(share, v, key, "share", &mut errs);
    let written = required(written, v, key, "authority", &mut errs);
    match (share, written) {
        (Some(share), Some(authority)) if errs.is_empty() => Ok(Value::Batch {
            share,
            us: authority == WaveAuthority::Us,
            authority,
            cargo,
        }),
        _ => Err(errs),
    }
}

/// D40: a batch's `cargo_share`, one share (number or distribution) for every basin or a table
/// of basin name → share.
fn cargo_share(v: &Val<'_>, key: &str, reg: &LeverRegistry, errs: &mut Vec<Bad>) -> Cargo {
    let DeValue::Table(t) = v.get_ref() else {
        return match dist_in(v, key, 0.0, 1.0) {
            Ok(d) => Cargo::All(d),
            Err(b) => {
                errs.push(b);
                Cargo::FleetShare
            }
        };
    };
    // A distribution written inline (`{ uniform = [..] }`) is one share for every basin.
    if t.keys().any(|k| DIST_NAMES.contains(&k.get_ref().as_ref())) {
        return match dist_in(v, key, 0.0, 1.0) {
            Ok(d) => Cargo::All(d),
            Err(b) => {
                errs.push(b);
                Cargo::FleetShare
            }
        };
    }
    let valid = reg.sdn_basins();
    let mut out = Vec::new();
    for (name, x) in t.iter() {
        let name = name.get_ref().to_string();
        let at = format!("{key}.{name}");
        match valid.iter().position(|b| *b == name) {
            Some(i) => match dist_in(x, &at, 0.0, 1.0) {
                Ok(d) => out.push((reg.ids.sdn_basin_share[i], d)),
                Err(b) => errs.push(b),
            },
            None => errs.push(not_a_basin(x.span(), at.clone(), &name, &valid)),
        }
    }
    Cargo::Basins(out)
}

/// The `basins` of an `sdn.wave`: market basin names, each resolved to its `sdn.<basin>.share`.
fn wave_basins(v: &Val<'_>, key: &str, reg: &LeverRegistry, errs: &mut Vec<Bad>) -> Vec<LeverId> {
    let valid = reg.sdn_basins();
    let list = valid
        .iter()
        .map(|b| format!("\"{b}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let DeValue::Array(items) = v.get_ref() else {
        errs.push(bad(
            v.span(),
            key.into(),
            format!("`{key}` must be a list of basin names"),
            Some(&format!(
                "write e.g. `basins = [\"W\"]`; the market's basins are {list}"
            )),
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for x in items.iter() {
        let DeValue::String(name) = x.get_ref() else {
            errs.push(bad(
                x.span(),
                key.into(),
                format!(
                    "`{key}` lists basin names, got {}",
                    a_type(x.get_ref().type_str())
                ),
                Some(&format!("quote each name; the market's basins are {list}")),
            ));
            continue;
        };
        let name = name.to_string();
        match valid.iter().position(|b| *b == name) {
            Some(i) if !out.contains(&reg.ids.sdn_basin_share[i]) => {
                out.push(reg.ids.sdn_basin_share[i])
            }
            Some(_) => errs.push(bad(
                x.span(),
                key.into(),
                format!("basin `{name}` is listed twice in `{key}`"),
                Some("list each basin once"),
            )),
            None => errs.push(not_a_basin(x.span(), key.into(), &name, &valid)),
        }
    }
    if items.is_empty() {
        errs.push(bad(
            v.span(),
            key.into(),
            format!("`{key}` is empty"),
            Some("name at least one basin, or leave `basins` out for every basin"),
        ));
    }
    out
}

fn int_at_least(v: &Val<'_>, key: &str, lo: i64) -> Result<u32, Bad> {
    match de::<i64>(v) {
        Ok(n) if matches!(v.get_ref(), DeValue::Integer(_)) && n >= lo && n <= 1200 => Ok(n as u32),
        _ => Err(bad(
            v.span(),
            key.into(),
            format!("`{key}` must be a whole number between {lo} and 1200"),
            Some("write e.g. `wind_down_months = 3`"),
        )),
    }
}

/// D219: `sellers = "..."` on a plain `sdn.share` or `sdn.<basin>.share` event (`set` or
/// `ramp`): the companies the share stands for, so that a later wave naming them is warned
/// about (`seller_findings.rs`). It changes no number. An error on any other lever or action.
pub(super) fn event_sellers(
    w: &mut Walker<'_>,
    ev: &RawEvent<'_>,
    reg: &LeverRegistry,
) -> Option<String> {
    let v = ev.sellers?;
    let key = ev.key("sellers");
    let name = match sellers_name(v, &key) {
        Ok(n) => n,
        Err(b) => {
            w.err(b.span, &b.key, b.msg, b.help);
            return None;
        }
    };
    let ids = &reg.ids;
    let share = |l: &LeverId| *l == ids.sdn_share || ids.sdn_basin_share.contains(l);
    let levers = ev.lever.as_ref().map(|l| reg.expand(l.get_ref()));
    let action = ev.action.as_ref().map_or("set", |a| a.get_ref().as_str());
    let problem = match levers {
        // No lever, or an unknown one: reported as such.
        None => return None,
        Some(ids) if ids.is_empty() => return None,
        // An unknown action is reported as such.
        Some(_) if !super::event::ACTIONS.contains(&action) => return None,
        Some(ids) if !ids.iter().all(share) => format!(
            "`sellers` names the companies a designated share stands for; `{}` is not \
             `sdn.share` or `sdn.<basin>.share`",
            ev.lever.as_ref().map_or("", |l| l.get_ref().as_str())
        ),
        Some(_) if !matches!(action, "set" | "ramp") => format!(
            "`sellers` goes with action `set` or `ramp` (the share the companies stand for), \
             not `{action}`"
        ),
        Some(_) => return Some(name),
    };
    w.err(
        v.span(),
        &key,
        problem,
        Some(
            "to designate named sellers on top of the share, write an `sdn.wave` with \
             `value = { add_share = 0.2, wind_down_months = 1, sellers = \"...\" }` \
             (docs/scenarios.md §2.6)"
                .into(),
        ),
    );
    None
}

/// D45: the name of a wave's designated companies: 1–64 letters, digits, `_`, `-` or `.`.
fn sellers_name(v: &Val<'_>, key: &str) -> Result<String, Bad> {
    // D46: the parts between `_`, `-` and `.` are the companies, at most MAX_SELLER_NAMES.
    // Which rule failed, so that the message names it (hostile round 7 #8): the first one
    // broken, in the order a reader checks them.
    let broken = |s: &str| -> Option<String> {
        let companies = s.split(['_', '-', '.']).filter(|p| !p.is_empty()).count();
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
        {
            Some(format!("{c:?} is not a letter, digit, `_`, `-` or `.`"))
        } else if !(1..=64).contains(&s.len()) {
            Some(format!("{} characters is not 1–64", s.len()))
        } else if companies == 0 {
            Some("it names no company, only separators".into())
        } else if companies > MAX_SELLER_NAMES {
            Some(format!(
                "it names {companies} companies, more than the {MAX_SELLER_NAMES} a wave may name"
            ))
        } else {
            None
        }
    };
    let (got, why) = match v.get_ref() {
        DeValue::String(s) => match broken(s.as_ref()) {
            None => return Ok(s.to_string()),
            Some(why) => (
                format!("\"{}\"", s.chars().take(70).collect::<String>()),
                format!(": {why}"),
            ),
        },
        o => (a_type(o.type_str()), String::new()),
    };
    Err(bad(
        v.span(),
        key.into(),
        format!(
            "`{key}` must name the designated companies in 1–64 letters, digits, `_`, `-` or \
             `.`, at most {MAX_SELLER_NAMES} companies joined by `_`, `-` or `.`, got {got}{why}"
        ),
        Some("write e.g. `sellers = \"rosneft_lukoil\"`; waves with the same name designate the same sellers; a group of more than 8 companies can be named for the group (`sellers = \"second_tier_traders\"`)"),
    ))
}

/// D35: the designating authority of an `sdn.wave`.
fn wave_authority(v: &Val<'_>, key: &str) -> Result<WaveAuthority, Bad> {
    let got = match v.get_ref() {
        DeValue::String(s) => match WaveAuthority::parse(s.as_ref()) {
            Some(a) => return Ok(a),
            None => format!("\"{s}\""),
        },
        o => a_type(o.type_str()),
    };
    Err(bad(
        v.span(),
        key.into(),
        format!("`{key}` must be \"us\", \"eu\" or \"uk\", got {got}"),
        Some("write e.g. `authority = \"us\"` (omit it for a seller-chain wave without buyer compliance)"),
    ))
}

/// A batch's authority as written. UK listings work through services and shipping like the
/// EU's, so `uk` takes the EU/UK efficiency and reach (`desig_eff_eu`; walkthrough 5: the UK
/// was the most frequent lister of tankers in 2025); the value keeps `uk` for display.
fn authority(v: &Val<'_>, key: &str) -> Result<WaveAuthority, Bad> {
    match v.get_ref() {
        DeValue::String(s) if AUTHORITIES.contains(&s.as_ref()) => {
            Ok(WaveAuthority::parse(s.as_ref()).expect("the batch authorities are wave ones"))
        }
        other => Err(bad(
            v.span(),
            key.into(),
            match other {
                DeValue::String(s) => {
                    format!("`{key}` must be \"us\", \"eu\" or \"uk\", got \"{s}\"")
                }
                o => format!(
                    "`{key}` must be \"us\", \"eu\" or \"uk\", got {}",
                    a_type(o.type_str())
                ),
            },
            Some("write `authority = \"us\"`, or \"eu\" or \"uk\" (services and shipping)"),
        )),
    }
}

/// One error for a basin name the market does not have, wherever a key names basins: a
/// case-only slip is corrected first, then the closest name is suggested.
fn not_a_basin(span: std::ops::Range<usize>, key: String, name: &str, valid: &[&str]) -> Bad {
    let list = valid
        .iter()
        .map(|b| format!("\"{b}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let hint = match valid
        .iter()
        .find(|b| b.eq_ignore_ascii_case(name))
        .copied()
        .or_else(|| suggest::closest(name, valid))
    {
        Some(c) => format!("did you mean \"{c}\"? The market's basins are {list}"),
        None => format!("the market's basins are {list}"),
    };
    bad(
        span,
        key,
        format!("`{name}` is not a basin of the market"),
        Some(&hint),
    )
}
