//! One scenario file as written: its keys with their spans, type-checked but not yet
//! validated against each other, the market or the lever registry.
//!
//! Built by walking the spanned TOML tree (`toml::de::DeTable`) rather than by serde derive,
//! so that every unknown key and every wrong type in a file is reported, not just the first.
//! Values whose meaning depends on the lever (event values, probabilities, lags, parameter
//! distributions) are kept as spanned TOML values for `resolve` and `event` to interpret.

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
];
pub(crate) const TREE_KEYS: &[&str] = &["id", "start", "node", "note"];
pub(crate) const NODE_KEYS: &[&str] = &["id", "exits", "actions", "note"];
pub(crate) const EXIT_KEYS: &[&str] = &[
    "kind",
    "date",
    "value",
    "lag",
    "schedule",
    "price_link",
    "to",
    "probs",
    "note",
];
pub(crate) const ACTION_KEYS: &[&str] = &[
    "lever",
    "action",
    "value",
    "months",
    "prob",
    "after_months",
    "cancel_on_exit",
    "cancelled_by",
    "note",
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
pub(crate) const EVENT_KEYS: &[&str] = &[
    "date",
    "lever",
    "action",
    "value",
    "months",
    "prob",
    "lag_months",
    "note",
];

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

/// One `[[event]]` table.
#[derive(Debug)]
pub(crate) struct RawEvent<'a> {
    /// 1-based position among the file's events.
    pub index: usize,
    /// Span of the `[[event]]` header (or inline table).
    pub span: Range<usize>,
    pub date: Option<Spanned<String>>,
    pub lever: Option<Spanned<String>>,
    pub action: Option<Spanned<String>>,
    pub value: Option<&'a Val<'a>>,
    pub months: Option<Spanned<i64>>,
    pub prob: Option<&'a Val<'a>>,
    pub lag_months: Option<&'a Val<'a>>,
    /// `note = "..."`, for `explain`.
    pub note: Option<Spanned<String>>,
    /// A tree node's action: drop it if the node is left before it takes effect.
    pub cancel_on_exit: bool,
    /// A tree node's action: node ids whose entry drops it if not yet in force.
    pub cancelled_by: Option<&'a Val<'a>>,
    /// Every key written in the table, even those whose value had the wrong type.
    pub present: Vec<String>,
    /// Dotted key of the table: `event[3]`, or `tree[1].node[2].actions[1]` for a tree action.
    pub prefix: String,
    /// A tree node's action: no `date` (it is the node's entry date), `after_months` for the lag.
    pub relative: bool,
}

impl RawEvent<'_> {
    pub fn key(&self, k: &str) -> String {
        format!("{}.{k}", self.prefix)
    }
}

/// One exit of a tree node (an inline table in `exits`).
#[derive(Debug)]
pub(crate) struct RawExit<'a> {
    pub span: Range<usize>,
    pub prefix: String,
    pub kind: Option<Spanned<String>>,
    pub date: Option<Spanned<String>>,
    pub value: Option<&'a Val<'a>>,
    pub lag: Option<&'a Val<'a>>,
    pub schedule: Option<&'a Val<'a>>,
    pub price_link: Option<&'a Val<'a>>,
    pub to: Option<&'a Val<'a>>,
    pub probs: Option<&'a Val<'a>>,
    pub present: Vec<String>,
}

/// One `[[tree.node]]`.
#[derive(Debug)]
pub(crate) struct RawNode<'a> {
    pub span: Range<usize>,
    pub prefix: String,
    pub id: Option<Spanned<String>>,
    pub exits: Vec<RawExit<'a>>,
    pub actions: Vec<RawEvent<'a>>,
}

/// One `[[tree]]`.
#[derive(Debug)]
pub(crate) struct RawTree<'a> {
    pub span: Range<usize>,
    pub prefix: String,
    pub id: Option<Spanned<String>>,
    pub start: Option<Spanned<String>>,
    pub nodes: Vec<RawNode<'a>>,
}

/// One scenario file.
#[derive(Debug, Default)]
pub(crate) struct RawFile<'a> {
    pub extends: Option<Spanned<String>>,
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
}

impl Walker<'_> {
    /// Walks a parsed file. Type and unknown-key errors go to `self.diags`.
    pub fn file<'a>(&mut self, doc: &'a DeTable<'a>) -> RawFile<'a> {
        let mut f = RawFile::default();
        for (k, v) in doc.iter() {
            match k.get_ref().as_ref() {
                "extends" => f.extends = self.string(v, "extends", "extends = \"baseline.toml\""),
                "scenario" => {
                    if let Some(t) = self.table(v, "scenario", "[scenario]") {
                        f.scenario_span = Some(v.span());
                        f.scenario = self.scenario(t);
                    }
                }
                "brent" => {
                    if let Some(t) = self.table(v, "brent", "[brent]") {
                        f.brent_span = Some(v.span());
                        f.brent = self.brent(t);
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
                    b.imposed = self.string(
                        v,
                        "brent.imposed",
                        "imposed = \"../../data/brent_monthly.csv\"",
                    )
                }
                _ => self.unknown_key(k, "brent", BRENT_KEYS),
            }
        }
        b
    }

    fn event<'a>(&mut self, index: usize, span: Range<usize>, t: &'a DeTable<'a>) -> RawEvent<'a> {
        self.event_like(index, format!("event[{index}]"), false, span, t)
    }

    /// An `[[event]]`, or (with `action`) a tree node's action: no `date`, and `after_months`
    /// in place of `lag_months`.
    fn event_like<'a>(
        &mut self,
        index: usize,
        prefix: String,
        action: bool,
        span: Range<usize>,
        t: &'a DeTable<'a>,
    ) -> RawEvent<'a> {
        let valid = if action { ACTION_KEYS } else { EVENT_KEYS };
        let mut e = RawEvent {
            index,
            span,
            date: None,
            lever: None,
            action: None,
            value: None,
            months: None,
            prob: None,
            lag_months: None,
            note: None,
            cancel_on_exit: false,
            cancelled_by: None,
            present: t.iter().map(|(k, _)| k.get_ref().to_string()).collect(),
            prefix: prefix.clone(),
            relative: action,
        };
        for (k, v) in t.iter() {
            let key = format!("{prefix}.{}", k.get_ref());
            let name = k.get_ref().as_ref();
            if !valid.contains(&name) {
                self.unknown_key(k, &prefix, valid);
                continue;
            }
            match name {
                "after_months" => e.lag_months = Some(v),
                "cancel_on_exit" => {
                    if let DeValue::Boolean(b) = v.get_ref() {
                        e.cancel_on_exit = *b;
                    } else {
                        self.wrong_type(v, &key, "true or false", "cancel_on_exit = true");
                    }
                }
                "cancelled_by" => e.cancelled_by = Some(v),
                "date" => e.date = self.string(v, &key, "date = \"2025-08-27\""),
                "lever" => e.lever = self.string(v, &key, "lever = \"tariff.IN.rate\""),
                "action" => e.action = self.string(v, &key, "action = \"set\""),
                "value" => e.value = Some(v),
                "months" => e.months = self.int(v, &key, "months = 3"),
                "prob" => e.prob = Some(v),
                "lag_months" => e.lag_months = Some(v),
                "note" => e.note = self.string(v, &key, "note = \"source\""),
                _ => self.unknown_key(k, &prefix, valid),
            }
        }
        // A misspelt key (`dat = ...`) already says "did you mean `date`?": count it as present.
        let own = format!("{prefix}.");
        for t in &self.seen.typos {
            if let Some(short) = t.strip_prefix(&own) {
                e.present.push(short.to_string());
            }
        }
        e
    }

    fn tree<'a>(&mut self, prefix: String, span: Range<usize>, t: &'a DeTable<'a>) -> RawTree<'a> {
        let mut tr = RawTree {
            span,
            prefix: prefix.clone(),
            id: None,
            start: None,
            nodes: Vec::new(),
        };
        for (k, v) in t.iter() {
            let key = format!("{prefix}.{}", k.get_ref());
            match k.get_ref().as_ref() {
                "id" => tr.id = self.string(v, &key, "id = \"us_russia\""),
                "start" => tr.start = self.string(v, &key, "start = \"status_quo\""),
                "note" => {
                    self.string(v, &key, "note = \"source\"");
                }
                "node" => {
                    for (i, item) in self
                        .table_array(v, &key, "[[tree.node]]")
                        .into_iter()
                        .enumerate()
                    {
                        let nkey = format!("{prefix}.node[{}]", i + 1);
                        if let Some(nt) = self.table(item, &nkey, "[[tree.node]]") {
                            let n = self.node(nkey, item.span(), nt);
                            tr.nodes.push(n);
                        }
                    }
                }
                _ => self.unknown_key(k, &prefix, TREE_KEYS),
            }
        }
        tr
    }

    fn node<'a>(&mut self, prefix: String, span: Range<usize>, t: &'a DeTable<'a>) -> RawNode<'a> {
        let mut n = RawNode {
            span,
            prefix: prefix.clone(),
            id: None,
            exits: Vec::new(),
            actions: Vec::new(),
        };
        for (k, v) in t.iter() {
            let key = format!("{prefix}.{}", k.get_ref());
            match k.get_ref().as_ref() {
                "id" => n.id = self.string(v, &key, "id = \"deal\""),
                "note" => {
                    self.string(v, &key, "note = \"source\"");
                }
                "exits" => {
                    let ex = "exits = [{ kind = \"at\", date = \"2025-08-15\", to = \"summit\" }]";
                    for (i, item) in self.table_array(v, &key, ex).into_iter().enumerate() {
                        let ekey = format!("{prefix}.exits[{}]", i + 1);
                        if let Some(et) = self.table(item, &ekey, ex) {
                            let e = self.exit(ekey, item.span(), et);
                            n.exits.push(e);
                        }
                    }
                }
                "actions" => {
                    let ex = "actions = [{ lever = \"relief.active\", value = true }]";
                    for (i, item) in self.table_array(v, &key, ex).into_iter().enumerate() {
                        let akey = format!("{prefix}.actions[{}]", i + 1);
                        if let Some(at) = self.table(item, &akey, ex) {
                            let a = self.event_like(i + 1, akey, true, item.span(), at);
                            n.actions.push(a);
                        }
                    }
                }
                _ => self.unknown_key(k, &prefix, NODE_KEYS),
            }
        }
        n
    }

    fn exit<'a>(&mut self, prefix: String, span: Range<usize>, t: &'a DeTable<'a>) -> RawExit<'a> {
        let mut e = RawExit {
            span,
            prefix: prefix.clone(),
            kind: None,
            date: None,
            value: None,
            lag: None,
            schedule: None,
            price_link: None,
            to: None,
            probs: None,
            present: t.iter().map(|(k, _)| k.get_ref().to_string()).collect(),
        };
        for (k, v) in t.iter() {
            let key = format!("{prefix}.{}", k.get_ref());
            match k.get_ref().as_ref() {
                "kind" => e.kind = self.string(v, &key, "kind = \"hazard\""),
                "date" => e.date = self.string(v, &key, "date = \"2025-08-15\""),
                "value" => e.value = Some(v),
                "lag" => e.lag = Some(v),
                "schedule" => e.schedule = Some(v),
                "price_link" => e.price_link = Some(v),
                "to" => e.to = Some(v),
                "probs" => e.probs = Some(v),
                "note" => {
                    self.string(v, &key, "note = \"source\"");
                }
                _ => self.unknown_key(k, &prefix, EXIT_KEYS),
            }
        }
        e
    }
}
