//! The value rules of each lever kind: what `value` may be, and its range.

use super::hints::{a_type, dist_help, fraction_help, quoted_number_help};
use super::raw_event::RawEvent;
use super::spanned::{de, Val};
use super::walker::key_help;
use crate::dist::Dist;
use crate::policy::events::Value;
use crate::policy::levers::{ActionKind, LeverKind, LeverRegistry, NONE_CAP, SHADOW_CAPACITY_MAX};
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

/// A range as enforced. `none_ok`: a cap lever, whose 1e9 is the "none" of no cap.
fn bounds(min: f64, max: f64, none_ok: bool) -> String {
    if max.is_infinite() {
        format!("[{}, inf)", Num(min))
    } else if max >= NONE_CAP && none_ok {
        // The range enforced: "none" is stored as 1e9, and any number above it is refused;
        // `[0, none]` read as "no upper end" while 2e9 was refused for it (D178).
        format!(
            "[{}, 1e9] (1e9 stands for \"no cap\"; write \"none\" for no cap)",
            Num(min)
        )
    } else if max >= NONE_CAP {
        // A lever without an upper end is held to 1e9 at run time: the load checks the same
        // range (D210).
        format!(
            "[{}, 1e9] (a lever without an upper end stops at 1e9, the largest value any \
             lever takes)",
            Num(min)
        )
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
    dist_in_named(v, key, key, (lo, hi), false)
}

/// [`dist_in`] for a value whose meaning `name` gives (a lever name for an event's `value`),
/// so that a percentage written for a fraction is recognised as such.
pub(crate) fn dist_in_named(
    v: &Val<'_>,
    key: &str,
    name: &str,
    (lo, hi): (f64, f64),
    none_ok: bool,
) -> Result<Dist, Bad> {
    let d = dist(v, key)?;
    let (a, b) = d.support();
    // A range without an upper end stops at 1e9 only as a guard (D210): an unbounded tail is
    // held to it at its 1e-9 quantile, as parameter ranges are (D142), so a `lognormal`
    // carrot value stays legal. Real upper ends (a share's 1) still refuse any tail.
    let b = if b.is_infinite() && hi == crate::policy::levers::UNBOUNDED_MAX {
        d.quantile(1.0 - 1e-9)
    } else {
        b
    };
    if a < lo || b > hi {
        if (a.is_infinite() && lo.is_finite()) || (b.is_infinite() && hi.is_finite()) {
            // No bounds can make an unbounded form fit: say so instead of "adjust the bounds".
            let side = if b.is_infinite() { "above" } else { "below" };
            return Err(bad(
                v.span(),
                key.into(),
                format!(
                    "`{key}` must lie in {}, got {d}, which is unbounded {side}",
                    bounds(lo, hi, none_ok)
                ),
                Some("use a bounded distribution: `uniform`, `tri` or `pert`, within the range"),
            ));
        }
        let what = if d.is_const() {
            format!("{d}")
        } else {
            format!("{d} (which can produce values in [{}, {}])", Num(a), Num(b))
        };
        return Err(bad(
            v.span(),
            key.into(),
            format!(
                "`{key}` must lie in {}, got {what}",
                bounds(lo, hi, none_ok)
            ),
            Some(&format!(
                "use a value (or distribution bounds) within {}{}",
                bounds(lo, hi, none_ok),
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
            // `false` is how a reader tries to switch a cap off; the sentinel is "none".
            if *none_ok && matches!(v.get_ref(), DeValue::Boolean(_)) {
                return Err(vec![bad(
                    v.span(),
                    key.clone(),
                    format!("`{key}` must be a number, a distribution or \"none\", got a boolean"),
                    Some("write `value = \"none\"` (with `set` or `pulse`) for no cap, or a number in $/bbl"),
                )]);
            }
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
                // The range enforced at run time (D131, D210): no upper end is 1e9.
                let hi = crate::policy::levers::enforced_max(*max);
                dist_in_named(v, &key, lever, (*min, hi), *none_ok)
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
        LeverKind::Action(ActionKind::ShadowCapacity) => dist_in(v, &key, 0.0, SHADOW_CAPACITY_MAX)
            .map(Value::Number)
            .map_err(|b| vec![b]),
        LeverKind::Action(ActionKind::SdnWave) => super::designation::wave(v, &key, reg),
        LeverKind::Action(ActionKind::DesignationBatch) => super::designation::batch(v, &key, reg),
    }
}

pub(super) type SubTable<'v, 'a> = std::collections::HashMap<String, (Range<usize>, &'v Val<'a>)>;

/// An inline table whose keys must be in `valid` (each optional here); unknown keys go to
/// `errs` and the known ones are still returned, so every problem is reported.
pub(super) fn sub_table<'v, 'a>(
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

pub(super) fn required<T>(
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
