//! One scenario file as written: its keys with their spans, type-checked but not yet
//! validated against each other, the market or the lever registry.
//!
//! Built by walking the spanned TOML tree (`toml::de::DeTable`) rather than by serde derive,
//! so that every unknown key and every wrong type in a file is reported, not just the first.
//! Values whose meaning depends on the lever (event values, probabilities, lags, parameter
//! distributions) are kept as spanned TOML values for `resolve` and `event` to interpret.

use super::raw_event::RawEvent;
use super::raw_tree::RawTree;
use super::spanned::Val;
use super::walker::Walker;
use serde_spanned::Spanned;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

pub(crate) const TOP_KEYS: &[&str] = &[
    "extends",
    "scenario",
    "brent",
    "params",
    "correlations",
    "event",
    "tree",
    "remove_events",
    "remove_trees",
];
pub(crate) const SCENARIO_KEYS: &[&str] = &[
    "name",
    "description",
    "start",
    "months",
    "paths",
    "seed",
    "market",
    "init",
];
pub(crate) const BRENT_KEYS: &[&str] = &["p0", "f24", "imposed"];

/// `[scenario]` as written; every key optional here (required keys are checked after
/// inheritance).
#[derive(Debug, Default)]
pub(crate) struct RawScenario {
    pub name: Option<Spanned<String>>,
    pub description: Option<Spanned<String>>,
    pub start: Option<Spanned<String>>,
    pub months: Option<Spanned<i64>>,
    pub paths: Option<Spanned<i64>>,
    pub seed: Option<Spanned<i64>>,
    pub market: Option<Spanned<String>>,
    pub init: Option<Spanned<String>>,
}

#[derive(Debug, Default)]
pub(crate) struct RawBrent {
    pub p0: Option<Spanned<f64>>,
    pub f24: Option<Spanned<f64>>,
    pub imposed: Option<Spanned<String>>,
}

/// One scenario file.
#[derive(Debug, Default)]
pub(crate) struct RawFile<'a> {
    pub extends: Option<Spanned<String>>,
    /// `extends` is written but is not a string (already an error): the keys it would have
    /// given are not reported missing.
    pub bad_extends: bool,
    /// Tables written with the wrong kind (`[[scenario]]`, `brent = 5`; already an error):
    /// their required keys are not reported missing, since they were written, only in a form
    /// that is not read (D179).
    pub bad_tables: Vec<&'static str>,
    /// Span of the `[scenario]` header, if the file has one.
    pub scenario_span: Option<Range<usize>>,
    pub scenario: RawScenario,
    pub brent_span: Option<Range<usize>>,
    pub brent: RawBrent,
    /// `[params]` entries: key (with span) and value.
    pub params: Vec<(Spanned<String>, &'a Val<'a>)>,
    /// `[correlations].pairs` entries.
    pub correlations: Vec<super::correlations::RawPair>,
    pub events: Vec<RawEvent<'a>>,
    pub trees: Vec<RawTree<'a>>,
    /// Dotted `scenario.*` and `brent.*` keys written, even with a value of the wrong type.
    pub present: Vec<String>,
    /// Dotted keys suggested for misspelt keys (a "missing" error for them would be noise).
    pub typos: Vec<String>,
    /// `remove_events = [...]`: inherited events to drop, by id or `<lever>@<date>` (D51).
    pub remove_events: Vec<Spanned<String>>,
    /// `remove_trees = [...]`: inherited trees to drop, by id (hostile round 9 #2).
    pub remove_trees: Vec<Spanned<String>>,
}

impl Walker<'_> {
    /// Walks a parsed file. Type and unknown-key errors go to `self.diags`.
    pub fn file<'a>(&mut self, doc: &'a DeTable<'a>) -> RawFile<'a> {
        let mut f = RawFile::default();
        for (k, v) in doc.iter() {
            match k.get_ref().as_ref() {
                "extends" => {
                    f.extends = self.string(v, "extends", "extends = \"baseline.toml\"");
                    f.bad_extends = f.extends.is_none();
                }
                "scenario" => {
                    if let Some(t) = self.table(v, "scenario", "[scenario]") {
                        f.scenario_span = Some(v.span());
                        f.scenario = self.scenario(t);
                    } else {
                        f.bad_tables.push("scenario");
                    }
                }
                "brent" => {
                    if let Some(t) = self.table(v, "brent", "[brent]") {
                        f.brent_span = Some(v.span());
                        f.brent = self.brent(t);
                    } else {
                        f.bad_tables.push("brent");
                    }
                }
                "params" => {
                    if let Some(t) = self.table(v, "params", "[params]") {
                        for (pk, pv) in t.iter() {
                            f.params
                                .push((Spanned::new(pk.span(), pk.get_ref().to_string()), pv));
                        }
                    }
                }
                "correlations" => f.correlations = super::correlations::walk(self, v),
                "remove_events" => {
                    let ex = "remove_events = [\"cap.eu_usd@2025-09-03\"]";
                    f.remove_events = self.strings(v, "remove_events", ex);
                }
                "remove_trees" => {
                    f.remove_trees =
                        self.strings(v, "remove_trees", "remove_trees = [\"us_russia\"]");
                }
                "event" => match v.get_ref() {
                    DeValue::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            let key = format!("event[{}]", i + 1);
                            if let Some(t) = self.table(item, &key, "[[event]]") {
                                let ev = self.event(i + 1, item.span(), t);
                                f.events.push(ev);
                            }
                        }
                    }
                    _ => self.err(
                        v.span(),
                        "event",
                        "`event` must be an array of tables",
                        Some(
                            "write each event under its own `[[event]]` header (two brackets)"
                                .into(),
                        ),
                    ),
                },
                "tree" => match v.get_ref() {
                    DeValue::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            let key = format!("tree[{}]", i + 1);
                            if let Some(t) = self.table(item, &key, "[[tree]]") {
                                let tr = self.tree(key, item.span(), t);
                                f.trees.push(tr);
                            }
                        }
                    }
                    _ => self.err(
                        v.span(),
                        "tree",
                        "`tree` must be an array of tables",
                        Some(
                            "write each tree under its own `[[tree]]` header (two brackets)".into(),
                        ),
                    ),
                },
                _ => self.unknown_key(k, "", TOP_KEYS),
            }
        }
        let seen = std::mem::take(&mut self.seen);
        f.present = seen.present;
        f.typos = seen.typos;
        f
    }

    /// A top-level array of strings (`remove_events`, `remove_trees`), entry keys `key[i]`.
    fn strings(&mut self, v: &Val<'_>, key: &str, ex: &str) -> Vec<Spanned<String>> {
        let DeValue::Array(items) = v.get_ref() else {
            self.err(
                v.span(),
                key,
                format!("`{key}` must be an array of strings"),
                Some(format!("write e.g. `{ex}`")),
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, it) in items.iter().enumerate() {
            out.extend(self.string(it, &format!("{key}[{}]", i + 1), ex));
        }
        out
    }

    fn scenario(&mut self, t: &DeTable<'_>) -> RawScenario {
        let mut s = RawScenario::default();
        for (k, v) in t.iter() {
            self.seen.present.push(format!("scenario.{}", k.get_ref()));
            match k.get_ref().as_ref() {
                "name" => s.name = self.string(v, "scenario.name", "name = \"baseline\""),
                "description" => {
                    s.description =
                        self.string(v, "scenario.description", "description = \"one line\"")
                }
                "start" => s.start = self.string(v, "scenario.start", "start = \"2025-08\""),
                "months" => s.months = self.int(v, "scenario.months", "months = 36"),
                "paths" => s.paths = self.int(v, "scenario.paths", "paths = 10000"),
                "seed" => s.seed = self.int(v, "scenario.seed", "seed = 42"),
                "market" => {
                    s.market = self.string(v, "scenario.market", "market = \"market/default.toml\"")
                }
                "init" => s.init = self.string(v, "scenario.init", "init = \"explicit\""),
                _ => self.unknown_key(k, "scenario", SCENARIO_KEYS),
            }
        }
        s
    }

    fn brent(&mut self, t: &DeTable<'_>) -> RawBrent {
        let mut b = RawBrent::default();
        for (k, v) in t.iter() {
            self.seen.present.push(format!("brent.{}", k.get_ref()));
            match k.get_ref().as_ref() {
                "p0" => b.p0 = self.float(v, "brent.p0", "p0 = 71.04"),
                "f24" => b.f24 = self.float(v, "brent.f24", "f24 = 70.0"),
                "imposed" => {
                    b.imposed = if matches!(v.get_ref(), DeValue::String(_)) {
                        self.string(v, "brent.imposed", "")
                    } else {
                        // `false` or `0` is how a reader tries to switch an inherited series
                        // off; the sentinel is a string (hostile round 8).
                        self.wrong_type_help(
                            v,
                            "brent.imposed",
                            "a string (a CSV path, or \"none\")",
                            "write e.g. `imposed = \"../../data/brent_monthly.csv\"`, or \
                             `imposed = \"none\"` for no imposed series (it unsets one that a \
                             file this one extends names)"
                                .into(),
                        );
                        None
                    }
                }
                _ => self.unknown_key(k, "brent", BRENT_KEYS),
            }
        }
        b
    }
}
