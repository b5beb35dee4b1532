//! A JSON Schema (draft 2020-12) of the scenario file format, built from the same key lists,
//! parameter names, distribution names, actions and lever names the loader uses, so the two
//! cannot drift apart. Editors with TOML schema support (Taplo, Even Better TOML) use it to
//! validate and complete scenario files; `sanctions-sim schema` prints it.
//!
//! The schema checks shape (keys, types, enums, simple ranges); what depends on the lever
//! named (its kind, range, allowed actions) or on other files (`extends`, the horizon) is the
//! loader's job, so a file that validates can still fail to load.

use super::event::ACTIONS;
use super::raw::{BRENT_KEYS, SCENARIO_KEYS, TOP_KEYS};
use super::raw_event::{ACTION_KEYS, EVENT_KEYS};
use super::raw_tree::{EXIT_KEYS, NODE_KEYS, TREE_KEYS};
use crate::dist::DIST_NAMES;
use crate::market::params::ParamSpec;
use crate::policy::levers::{LeverRegistry, AUTHORITIES};
use serde_json::{json, Map, Value};

/// The `$id` of the schema.
pub const SCHEMA_ID: &str = "https://sanctions-sim.invalid/scenario.schema.json";

/// Matches `[scenario].name`.
pub const NAME_PATTERN: &str = "^[A-Za-z0-9_-]+$";
/// Matches `[scenario].start`.
pub const MONTH_PATTERN: &str = r"^\d{4}-\d{2}$";
/// Matches an event `date`: `YYYY-MM` or `YYYY-MM-DD`.
pub const DATE_PATTERN: &str = r"^\d{4}-\d{2}(-\d{2})?$";
/// A lever name or wildcard (`tariff.*.rate`) as written, when no market is known.
pub const LEVER_PATTERN: &str = r"^[A-Za-z0-9_]+(\.[A-Za-z0-9_*]+)+$";
/// A wildcard lever pattern: exactly one `*` standing for one name segment.
pub const WILDCARD_PATTERN: &str = r"^[A-Za-z0-9_.]*\*[A-Za-z0-9_.]*$";
/// An inherited event named by `replaces` or `remove_events`: an id, or `<lever>@<date>`.
pub const TARGET_PATTERN: &str = r"^([A-Za-z0-9_-]+|[A-Za-z0-9_.*]+@\d{4}-\d{2}(-\d{2})?)$";

/// Number of parameters each distribution takes (as in `dist.rs`).
fn dist_arity(name: &str) -> usize {
    match name {
        "tri" | "triangular" | "pert" => 3,
        "poisson" => 1,
        _ => 2,
    }
}

/// An object with exactly these `properties`, nothing else.
fn closed(properties: Map<String, Value>, required: &[&str]) -> Value {
    let mut o = json!({
        "type": "object",
        "properties": properties,
        "additionalProperties": false,
    });
    if !required.is_empty() {
        o["required"] = json!(required);
    }
    o
}

/// `{ <name> = [p, ...] }` for every distribution name.
fn distribution() -> Value {
    let forms: Vec<Value> = DIST_NAMES
        .iter()
        .map(|&name| {
            let n = dist_arity(name);
            let arr = json!({
                "type": "array",
                "items": { "type": "number" },
                "minItems": n,
                "maxItems": n,
            });
            let params = if n == 1 {
                json!({ "anyOf": [{ "type": "number" }, arr] })
            } else {
                arr
            };
            let mut props = Map::new();
            props.insert(name.to_string(), params);
            closed(props, &[name])
        })
        .collect();
    json!({
        "description": format!(
            "a distribution drawn once per path: a table with one key, one of {}",
            DIST_NAMES.join(", ")
        ),
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "anyOf": forms,
    })
}

fn number_or_dist() -> Value {
    json!({ "anyOf": [{ "type": "number" }, { "$ref": "#/$defs/distribution" }] })
}

fn scenario_table() -> Value {
    let mut p = Map::new();
    for &k in SCENARIO_KEYS {
        let v = match k {
            "name" => json!({
                "type": "string",
                "pattern": NAME_PATTERN,
                "description": "names the output folder; defaults to the file stem (not inherited)",
            }),
            "description" => json!({ "type": "string" }),
            "start" => json!({
                "type": "string",
                "pattern": MONTH_PATTERN,
                "description": "first simulated month, YYYY-MM",
            }),
            "months" => json!({ "type": "integer", "minimum": 1, "maximum": 1200 }),
            "paths" => json!({ "type": "integer", "minimum": 1 }),
            "seed" => json!({ "type": "integer", "minimum": 0 }),
            "market" => json!({
                "type": "string",
                "description": "market file, relative to this file",
            }),
            "init" => json!({
                "type": "string",
                "enum": ["explicit", "unsanctioned"],
                "description": "explicit: 2025-08 state after the Jan-2025 wave; unsanctioned: no designation history (replays)",
            }),
            other => unreachable!("schema: no rule for [scenario].{other}"),
        };
        p.insert(k.to_string(), v);
    }
    // Required keys may come from a file this one extends, so none is required here.
    closed(p, &[])
}

fn brent_table() -> Value {
    let mut p = Map::new();
    for &k in BRENT_KEYS {
        let v = if k == "imposed" {
            json!({
                "type": "string",
                "description": "CSV `date,usd_bbl[,source]` (relative to this file) whose monthly Brent replaces the simulated one, or \"none\" for no imposed series (unsets one that an extended file names)",
            })
        } else {
            json!({
                "type": "number",
                "minimum": super::header::BRENT_MIN,
                "maximum": super::header::BRENT_MAX,
                "description": "$/bbl",
            })
        };
        p.insert(k.to_string(), v);
    }
    closed(p, &[])
}

fn params_table() -> Value {
    json!({
        "type": "object",
        "propertyNames": { "enum": ParamSpec::NAMES },
        "additionalProperties": number_or_dist(),
    })
}

/// `[correlations]`: `pairs = [[name, name, rho], ...]`, Spearman rho in (-1, 1).
fn correlations_table() -> Value {
    let mut p = Map::new();
    p.insert(
        "pairs".into(),
        json!({
            "type": "array",
            "description": "Spearman rank correlations between uncertain [params] names",
            "items": {
                "type": "array",
                "prefixItems": [
                    { "enum": ParamSpec::NAMES },
                    { "enum": ParamSpec::NAMES },
                    { "type": "number", "exclusiveMinimum": -1, "exclusiveMaximum": 1 },
                ],
                "minItems": 3,
                "maxItems": 3,
            },
        }),
    );
    closed(p, &[])
}

fn lever(registry: Option<&LeverRegistry>) -> Value {
    match registry {
        Some(reg) => json!({
            "anyOf": [
                { "enum": reg.names() },
                { "type": "string", "pattern": WILDCARD_PATTERN },
            ],
        }),
        None => json!({ "type": "string", "pattern": LEVER_PATTERN }),
    }
}

fn event_table(registry: Option<&LeverRegistry>) -> Value {
    let mut wave = Map::new();
    wave.insert("add_share".into(), number_or_dist());
    wave.insert(
        "wind_down_months".into(),
        json!({ "type": "integer", "minimum": 1, "maximum": 1200 }),
    );
    // D33: the basins a wave hits; with a market, their ids.
    let basin = match registry {
        Some(reg) => json!({ "type": "string", "enum": reg.sdn_basins() }),
        None => json!({ "type": "string" }),
    };
    wave.insert(
        "basins".into(),
        json!({ "type": "array", "items": basin, "minItems": 1, "uniqueItems": true }),
    );
    // D45: the name of the designated companies (optional).
    wave.insert(
        "sellers".into(),
        json!({ "type": "string", "pattern": "^[A-Za-z0-9_.-]{1,64}$" }),
    );
    // D35: the designating authority of a wave (optional).
    wave.insert(
        "authority".into(),
        json!({ "type": "string", "enum": crate::policy::events::WaveAuthority::NAMES }),
    );
    let mut batch = Map::new();
    batch.insert("share".into(), number_or_dist());
    batch.insert(
        "authority".into(),
        json!({ "type": "string", "enum": AUTHORITIES }),
    );
    // D40: one share for every basin, or a table of basin → share.
    let basin_share = match registry {
        Some(reg) => {
            let props: Map<String, serde_json::Value> = reg
                .sdn_basins()
                .iter()
                .map(|b| (b.to_string(), number_or_dist()))
                .collect();
            json!({ "type": "object", "properties": props, "additionalProperties": false })
        }
        None => json!({ "type": "object", "additionalProperties": number_or_dist() }),
    };
    batch.insert(
        "cargo_share".into(),
        json!({ "anyOf": [number_or_dist(), basin_share] }),
    );
    let mut p = Map::new();
    for &k in EVENT_KEYS {
        let v = match k {
            "date" => json!({ "type": "string", "pattern": DATE_PATTERN }),
            "lever" => lever(registry),
            "action" => json!({ "type": "string", "enum": ACTIONS }),
            "value" => json!({
                "anyOf": [
                    { "type": "number" },
                    { "type": "string" },
                    { "type": "boolean" },
                    { "$ref": "#/$defs/distribution" },
                    closed(wave.clone(), &["add_share", "wind_down_months"]),
                    closed(batch.clone(), &["share", "authority"]),
                ],
            }),
            "months" => json!({ "type": "integer", "minimum": 1, "maximum": 1200 }),
            "prob" => json!({
                "anyOf": [
                    { "type": "number", "minimum": 0, "maximum": 1 },
                    { "$ref": "#/$defs/distribution" },
                ],
            }),
            "lag_months" => json!({
                "anyOf": [
                    { "type": "number", "minimum": 0 },
                    { "$ref": "#/$defs/distribution" },
                ],
            }),
            "note" => json!({ "type": "string" }),
            "id" => json!({
                "type": "string",
                "pattern": NAME_PATTERN,
                "description": "a name a file extending this one can remove or replace the event by",
            }),
            "replaces" => json!({
                "type": "string",
                "pattern": TARGET_PATTERN,
                "description": "the inherited event(s) this one replaces: an id, or <lever>@<date> as written",
            }),
            "sellers" => json!({
                "type": "string",
                "pattern": "^[A-Za-z0-9_.-]{1,64}$",
                "description": "on a plain sdn.share or sdn.<basin>.share set or ramp: the companies the share stands for (D219)",
            }),
            other => unreachable!("schema: no rule for [[event]].{other}"),
        };
        p.insert(k.to_string(), v);
    }
    closed(p, &["date", "lever", "value"])
}

/// `[[tree]]` (scenarios.md §5): nodes with exits and entry actions.
fn tree_table(registry: Option<&LeverRegistry>) -> Value {
    let id = json!({ "type": "string", "pattern": NAME_PATTERN });
    let prob = json!({
        "anyOf": [
            { "type": "number", "minimum": 0, "maximum": 1 },
            { "$ref": "#/$defs/distribution" },
        ],
    });
    let mut e = Map::new();
    for &k in EXIT_KEYS {
        let v = match k {
            "kind" => json!({ "type": "string", "enum": ["at", "hazard", "after"] }),
            "date" => json!({ "type": "string", "pattern": DATE_PATTERN }),
            "value" => prob.clone(),
            "lag" => json!({ "anyOf": [{ "type": "number", "minimum": 0 }, { "type": "object" }] }),
            "schedule" => json!({
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "from": { "type": "string", "pattern": DATE_PATTERN },
                        "after_months": { "type": "integer", "minimum": 0 },
                        "value": prob.clone(),
                        "note": { "type": "string" },
                    },
                    "required": ["value"],
                    "additionalProperties": false,
                },
            }),
            "price_link" => json!({ "type": "number", "minimum": -20, "maximum": 20 }),
            "to" => json!({
                "anyOf": [
                    id.clone(),
                    { "type": "array", "items": id.clone(), "minItems": 1 },
                ],
            }),
            "probs" => json!({
                "type": "array",
                "items": { "anyOf": [prob.clone(), { "const": "rest" }] },
            }),
            "note" => json!({ "type": "string" }),
            other => unreachable!("schema: no rule for exit key {other}"),
        };
        e.insert(k.to_string(), v);
    }
    let ev = event_table(registry);
    let mut a = Map::new();
    for &k in ACTION_KEYS {
        let v = match k {
            "after_months" => ev["properties"]["lag_months"].clone(),
            "cancel_on_exit" => json!({ "type": "boolean" }),
            "cancelled_by" => json!({
                "type": "array",
                "items": { "type": "string", "pattern": NAME_PATTERN },
            }),
            other => ev["properties"][other].clone(),
        };
        a.insert(k.to_string(), v);
    }
    let mut n = Map::new();
    for &k in NODE_KEYS {
        let v = match k {
            "id" => id.clone(),
            "exits" => json!({ "type": "array", "items": closed(e.clone(), &["kind", "to"]) }),
            "actions" => {
                json!({ "type": "array", "items": closed(a.clone(), &["lever", "value"]) })
            }
            "note" => json!({ "type": "string" }),
            other => unreachable!("schema: no rule for node key {other}"),
        };
        n.insert(k.to_string(), v);
    }
    let mut t = Map::new();
    for &k in TREE_KEYS {
        let v = match k {
            "id" | "start" | "replaces" => id.clone(),
            "node" => json!({ "type": "array", "items": closed(n.clone(), &["id"]) }),
            "note" => json!({ "type": "string" }),
            other => unreachable!("schema: no rule for tree key {other}"),
        };
        t.insert(k.to_string(), v);
    }
    closed(t, &["id", "start", "node"])
}

/// The JSON Schema of a scenario file. With a registry (the shipped default market's),
/// `lever` is an enum of its lever names or a wildcard; without one, a name pattern.
pub fn scenario_schema(registry: Option<&LeverRegistry>) -> Value {
    let mut p = Map::new();
    for &k in TOP_KEYS {
        let v = match k {
            "extends" => json!({
                "type": "string",
                "description": "parent scenario file, relative to this file",
            }),
            "scenario" => json!({ "$ref": "#/$defs/scenario" }),
            "brent" => json!({ "$ref": "#/$defs/brent" }),
            "params" => json!({ "$ref": "#/$defs/params" }),
            "correlations" => json!({ "$ref": "#/$defs/correlations" }),
            "event" => json!({ "type": "array", "items": { "$ref": "#/$defs/event" } }),
            "tree" => json!({ "type": "array", "items": { "$ref": "#/$defs/tree" } }),
            "remove_events" => json!({
                "type": "array",
                "items": { "type": "string", "pattern": TARGET_PATTERN },
                "description": "inherited events to drop: ids, or <lever>@<date> as written",
            }),
            "remove_trees" => json!({
                "type": "array",
                "items": { "type": "string", "pattern": NAME_PATTERN },
                "description": "inherited trees ([[tree]] ids) to drop",
            }),
            other => unreachable!("schema: no rule for top-level {other}"),
        };
        p.insert(k.to_string(), v);
    }
    let mut root = closed(p, &[]);
    let o = root.as_object_mut().expect("an object");
    let mut head = Map::new();
    head.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    head.insert("$id".into(), json!(SCHEMA_ID));
    head.insert("title".into(), json!("sanctions-sim scenario file"));
    head.insert(
        "description".into(),
        json!("A scenario for sanctions-sim (TOML). Generated by `sanctions-sim schema`."),
    );
    head.append(o);
    head.insert(
        "$defs".into(),
        json!({
            "scenario": scenario_table(),
            "brent": brent_table(),
            "params": params_table(),
            "correlations": correlations_table(),
            "event": event_table(registry),
            "tree": tree_table(registry),
            "distribution": distribution(),
        }),
    );
    Value::Object(head)
}
