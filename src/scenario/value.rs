//! The value rules of each lever kind: what `value` may be, and its range.

use super::hints::{a_type, dist_help, fraction_help, quoted_number_help};
use super::raw_event::RawEvent;
use super::spanned::{de, Val};
use super::walker::key_help;
use crate::dist::{Dist, DIST_NAMES};
use crate::policy::events::WaveAuthority;
use crate::policy::events::{Cargo, Value};
use crate::policy::levers::{ActionKind, LeverId, LeverKind, LeverRegistry, AUTHORITIES, NONE_CAP};
use crate::suggest::{self, Num};
use std::ops::Range;
use toml::de::DeValue;

/// A problem found while checking an event, before it is turned into a diagnostic.
pub(crate) struct Bad {
    pub span: Range<usize>,
    pub key: String,
    pub msg: String,
    pub help: Option<String>,
}

pub(crate) fn bad(span: Range<usize>, key: String, msg: String, help: Option<&str>) -> Bad {
    Bad {
        span,
        key,
        msg,
        help: help.map(str::to_string),
    }
}

pub(crate) fn kind_name(kind: &LeverKind) -> String {
    match kind {
        LeverKind::Number { .. } => "a number lever".into(),
        LeverKind::Bool => "a boolean lever".into(),
        LeverKind::Enum(v) => format!("an enum lever ({})", v.join(" | ")),
        LeverKind::Action(a) => format!("an action lever ({a:?})"),
    }
}

fn bounds(min: f64, max: f64) -> String {
    if max.is_infinite() {
        format!("[{}, inf)", Num(min))
    } else if max >= NONE_CAP {
        format!("[{}, none]", Num(min))
    } else {
        format!("[{}, {}]", Num(min), Num(max))
    }
}

/// A number or distribution.
fn dist(v: &Val<'_>, key: &str) -> Result<Dist, Bad> {
    let help = dist_help(v, key);
    let help = Some(help.as_str());
    match v.get_ref() {
        DeValue::Integer(_) | DeValue::Float(_) | DeValue::Table(_) => {
            de::<Dist>(v).map_err(|(span, m)| bad(span, key.into(), format!("`{key}`: {m}"), help))
        }
        other => Err(bad(
            v.span(),
            key.into(),
            format!(
                "`{key}` must be a number or a distribution, got {}",
                a_type(other.type_str())
            ),
            help,
        )),
    }
}

/// A number or distribution whose support lies in `[lo, hi]`.
pub(crate) fn dist_in(v: &Val<'_>, key: &str, lo: f64, hi: f64) -> Result<Dist, Bad> {
    dist_in_named(v, key, key, lo, hi)
}

/// [`dist_in`] for a value whose meaning `name` gives (a lever name for an event's `value`),
/// so that a percentage written for a fraction is recognised as such.
pub(crate) fn dist_in_named(
    v: &Val<'_>,
    key: &str,
    name: &str,
    lo: f64,
    hi: f64,
) -> Result<Dist, Bad> {
    let d = dist(v, key)?;
    let (a, b) = d.support();
    if a < lo || b > hi {
        let what = if d.is_const() {
            format!("{d}")
        } else {
            format!("{d} (which can produce values in [{}, {}])", Num(a), Num(b))
        };
        return Err(bad(
            v.span(),
            key.into(),
            format!("`{key}` must lie in {}, got {what}", bounds(lo, hi)),
            Some(&format!(
                "use a value (or distribution bounds) within {}{}",
                bounds(lo, hi),
                match d {
                    Dist::Const(x) => fraction_help(name, key, x, lo, hi)
                        .map_or(String::new(), |h| format!("; {h}")),
                    _ => String::new(),
                }
            )),
        ));
    }
    Ok(d)
}

/// The event's `value` for a lever of `kind` under `action` (a valid action name).
pub(crate) fn value(
    ev: &RawEvent<'_>,
    v: &Val<'_>,
    kind: &LeverKind,
    action: &str,
    reg: &LeverRegistry,
) -> Result<Value, Vec<Bad>> {
    let key = ev.key("value");
    match kind {
        LeverKind::Number { min, max, none_ok } => {
            if let DeValue::String(s) = v.get_ref() {
                let ok = *none_ok && s.as_ref() == "none" && matches!(action, "set" | "pulse");
                if ok {
                    return Ok(Value::Number(Dist::Const(NONE_CAP)));
                }
                let help = if *none_ok && s.as_ref() == "none" {
                    "`none` can only be `set` or `pulse`".to_string()
                } else if s.as_ref() == "none" {
                    "\"none\" (no cap) is only accepted by the price-cap levers \
                     (`cap.eu_usd`, `cap.us_usd`); write a number or a distribution"
                        .to_string()
                } else if let Some(h) = quoted_number_help(s, &key) {
                    h
                } else if *none_ok {
                    "write a number, a distribution, or \"none\" (no cap)".to_string()
                } else {
                    "write a number, or a distribution such as `{ tri = [lo, mode, hi] }`"
                        .to_string()
                };
                return Err(vec![bad(
                    v.span(),
                    key.clone(),
                    format!(
                        "`{key}` must be a number or a distribution, got \"{}\"",
                        s.escape_debug()
                    ),
                    Some(&help),
                )]);
            }
            let d = if matches!(action, "set" | "ramp" | "pulse") {
                let lever = ev.lever.as_ref().map_or(key.as_str(), |l| l.get_ref());
                dist_in_named(v, &key, lever, *min, *max)
            } else {
                dist(v, &key)
            };
            d.map(Value::Number).map_err(|b| vec![b])
        }
        LeverKind::Bool => match v.get_ref() {
            DeValue::Boolean(b) => Ok(Value::Number(Dist::Const(if *b { 1.0 } else { 0.0 }))),
            other => Err(vec![bad(
                v.span(),
                key.clone(),
                format!(
                    "`{key}` must be true or false, got {}",
                    a_type(other.type_str())
                ),
                Some("write `value = true` or `value = false`"),
            )]),
        },
        LeverKind::Enum(variants) => {
            let s = match v.get_ref() {
                DeValue::String(s) => s.to_string(),
                other => {
                    return Err(vec![bad(
                        v.span(),
                        key.clone(),
                        format!(
                            "`{key}` must be one of {}, got {}",
                            variants.join(", "),
                            a_type(other.type_str())
                        ),
                        Some(&format!("write e.g. `value = \"{}\"`", variants[0])),
                    )])
                }
            };
            match variants.iter().position(|x| *x == s) {
                Some(i) => Ok(Value::Number(Dist::Const(i as f64))),
                None => {
                    let help = match suggest::closest(&s, variants) {
                        Some(c) => format!("did you mean `{c}`? (one of {})", variants.join(", ")),
                        None => format!("use one of: {}", variants.join(", ")),
                    };
                    Err(vec![bad(
                        v.span(),
                        key.clone(),
                        format!("`{s}` is not a valid value of `{key}`"),
                        Some(&help),
                    )])
                }
            }
        }
        // Log points added to the risk premium, which enters through exp(): ±50 is a factor
        // of 5e21, far beyond any plausible jump, and keeps the premium finite (issue 15).
        LeverKind::Action(ActionKind::RiskJump) => {
            let d = dist(v, &key).map_err(|b| vec![b])?;
            let (a, b) = super::lever_bounds::reach(&d);
            if !(a >= -50.0 && b <= 50.0) {
                return Err(vec![bad(
                    v.span(),
                    key.clone(),
                    format!("`{key}` must lie in [-50, 50] log points, got {d}"),
                    Some("a jump is a few hundredths of a log point, e.g. `{ normal = [0.04, 0.015] }`"),
                )]);
            }
            Ok(Value::Number(d))
        }
        // Flow-months, or a multiplier: bounded like every magnitude (1e6) so that `scale`
        // cannot overflow the fleet state.
        LeverKind::Action(ActionKind::ShadowCapacity) => dist_in(v, &key, 0.0, 1e6)
            .map(Value::Number)
            .map_err(|b| vec![b]),
        LeverKind::Action(ActionKind::SdnWave) => {
            let mut errs = Vec::new();
            let t = sub_table(
                v,
                &key,
                &["add_share", "wind_down_months", "basins", "authority"],
                "{ add_share = 0.2, wind_down_months = 3, authority = \"us\" }",
                &mut errs,
            )?;
            let auth = match t.get("authority") {
                None => None,
                Some((_, x)) => match wave_authority(x, &format!("{key}.authority")) {
                    Ok(a) => Some(a),
                    Err(b) => {
                        errs.push(b);
                        None
                    }
                },
            };
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
            let share = required(share, v, &key, "add_share", &mut errs);
            let months = required(months, v, &key, "wind_down_months", &mut errs);
            match (share, months) {
                (Some(add_share), Some(m)) if errs.is_empty() => Ok(Value::Wave {
                    add_share,
                    wind_down_months: m,
                    basins,
                    authority: auth,
                }),
                _ => Err(errs),
            }
        }
        LeverKind::Action(ActionKind::DesignationBatch) => {
            let mut errs = Vec::new();
            let t = sub_table(
                v,
                &key,
                &["share", "authority", "cargo_share"],
                "{ share = 0.1, authority = \"us\", cargo_share = { W = 0.2 } }",
                &mut errs,
            )?;
            let share = t
                .get("share")
                .map(|(_, x)| dist_in(x, &format!("{key}.share"), 0.0, 0.5));
            let us = t
                .get("authority")
                .map(|(_, x)| authority(x, &format!("{key}.authority")));
            let cargo = match t.get("cargo_share") {
                None => Cargo::FleetShare,
                Some((_, x)) => cargo_share(x, &format!("{key}.cargo_share"), reg, &mut errs),
            };
            let share = required(share, v, &key, "share", &mut errs);
            let us = required(us, v, &key, "authority", &mut errs);
            match (share, us) {
                (Some(share), Some(us)) if errs.is_empty() => Ok(Value::Batch { share, us, cargo }),
                _ => Err(errs),
            }
        }
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
            None => errs.push(bad(
                x.span(),
                at.clone(),
                format!("`{name}` is not a basin of the market"),
                Some(&match suggest::closest(&name, &valid) {
                    Some(c) => format!(
                        "did you mean `{c}`? The market's basins are {}",
                        valid.join(", ")
                    ),
                    None => format!("the market's basins are {}", valid.join(", ")),
                }),
            )),
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
            None => errs.push(bad(
                x.span(),
                key.into(),
                format!("`{name}` is not a basin of the market"),
                Some(&match valid
                    .iter()
                    .find(|b| b.eq_ignore_ascii_case(&name))
                    .copied()
                    .or_else(|| suggest::closest(&name, &valid))
                {
                    Some(c) => format!("did you mean \"{c}\"? The market's basins are {list}"),
                    None => format!("the market's basins are {list}"),
                }),
            )),
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

type SubTable<'v, 'a> = std::collections::HashMap<String, (Range<usize>, &'v Val<'a>)>;

/// An inline table whose keys must be in `valid` (each optional here); unknown keys go to
/// `errs` and the known ones are still returned, so every problem is reported.
fn sub_table<'v, 'a>(
    v: &'v Val<'a>,
    key: &str,
    valid: &[&str],
    example: &str,
    errs: &mut Vec<Bad>,
) -> Result<SubTable<'v, 'a>, Vec<Bad>> {
    let DeValue::Table(t) = v.get_ref() else {
        return Err(vec![bad(
            v.span(),
            key.into(),
            format!(
                "`{key}` must be a table, got {}",
                a_type(v.get_ref().type_str())
            ),
            Some(&format!("write `value = {example}`")),
        )]);
    };
    let mut out = SubTable::new();
    for (k, x) in t.iter() {
        let name = k.get_ref().to_string();
        if valid.contains(&name.as_str()) {
            out.insert(name, (k.span(), x));
        } else {
            errs.push(bad(
                k.span(),
                format!("{key}.{name}"),
                format!("unknown key `{name}` in `{key}`"),
                Some(&key_help(&name, valid)),
            ));
        }
    }
    Ok(out)
}

fn required<T>(
    r: Option<Result<T, Bad>>,
    v: &Val<'_>,
    key: &str,
    name: &str,
    errs: &mut Vec<Bad>,
) -> Option<T> {
    match r {
        Some(Ok(x)) => Some(x),
        Some(Err(b)) => {
            errs.push(b);
            None
        }
        None => {
            errs.push(bad(
                v.span(),
                format!("{key}.{name}"),
                format!("`{key}` needs `{name}`"),
                Some(&format!("add `{name} = ...` inside the table")),
            ));
            None
        }
    }
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

fn authority(v: &Val<'_>, key: &str) -> Result<bool, Bad> {
    match v.get_ref() {
        DeValue::String(s) if AUTHORITIES.contains(&s.as_ref()) => Ok(s.as_ref() == "us"),
        other => Err(bad(
            v.span(),
            key.into(),
            match other {
                DeValue::String(s) => format!("`{key}` must be \"us\" or \"eu\", got \"{s}\""),
                o => format!(
                    "`{key}` must be \"us\" or \"eu\", got {}",
                    a_type(o.type_str())
                ),
            },
            Some("write `authority = \"us\"` or `authority = \"eu\"`"),
        )),
    }
}
