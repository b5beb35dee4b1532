//! The `[[tree]]` tables of one scenario file as written: trees, their nodes, the nodes'
//! exits and actions (an action is walked as an event without a date), with their spans.
//! Split from `raw.rs`, which walks the rest of the file and calls [`Walker::tree`].

use super::raw_event::RawEvent;
use super::spanned::Val;
use super::walker::Walker;
use serde_spanned::Spanned;
use std::ops::Range;
use toml::de::DeTable;

pub(crate) const TREE_KEYS: &[&str] = &["id", "replaces", "start", "node", "note"];
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
    /// `replaces = "<tree id>"`: the inherited tree this one takes the place of.
    pub replaces: Option<Spanned<String>>,
    pub start: Option<Spanned<String>>,
    pub nodes: Vec<RawNode<'a>>,
}

impl Walker<'_> {
    pub(super) fn tree<'a>(
        &mut self,
        prefix: String,
        span: Range<usize>,
        t: &'a DeTable<'a>,
    ) -> RawTree<'a> {
        let mut tr = RawTree {
            span,
            prefix: prefix.clone(),
            id: None,
            replaces: None,
            start: None,
            nodes: Vec::new(),
        };
        for (k, v) in t.iter() {
            let key = format!("{prefix}.{}", k.get_ref());
            match k.get_ref().as_ref() {
                "id" => tr.id = self.string(v, &key, "id = \"us_russia\""),
                "replaces" => tr.replaces = self.string(v, &key, "replaces = \"us_russia\""),
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
