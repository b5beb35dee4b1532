//! One `[[event]]` table as written, or a tree node's action (an event without a date, with
//! `after_months` for its lag): its keys with their spans, type-checked, not yet resolved
//! against the lever registry (`event.rs` does that).

use super::spanned::Val;
use super::walker::Walker;
use serde_spanned::Spanned;
use std::ops::Range;
use toml::de::{DeTable, DeValue};

pub(crate) const EVENT_KEYS: &[&str] = &[
    "date",
    "lever",
    "action",
    "value",
    "months",
    "prob",
    "lag_months",
    "note",
    "id",
    "replaces",
    "sellers",
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
    /// `id = "..."`: a name a child file can remove or replace the event by (D51).
    pub id: Option<Spanned<String>>,
    /// `replaces = "<id>"` or `"<lever>@<date>"`: the inherited event(s) this one replaces.
    pub replaces: Option<Spanned<String>>,
    /// `sellers = "..."` on a plain `sdn.share` event: the companies the share stands for (D219).
    pub sellers: Option<&'a Val<'a>>,
    /// A tree node's action: drop it if the node is left before it takes effect.
    pub cancel_on_exit: bool,
    /// A tree node's action: node ids whose entry drops it if not yet in force.
    pub cancelled_by: Option<&'a Val<'a>>,
    /// Where the `cancel_on_exit` and `cancelled_by` keys are written (hostile round 11 F3).
    pub cancel_keys: [Option<Range<usize>>; 2],
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

impl Walker<'_> {
    pub(super) fn event<'a>(
        &mut self,
        index: usize,
        span: Range<usize>,
        t: &'a DeTable<'a>,
    ) -> RawEvent<'a> {
        self.event_like(index, format!("event[{index}]"), false, span, t)
    }

    /// An `[[event]]`, or (with `action`) a tree node's action: no `date`, and `after_months`
    /// in place of `lag_months`.
    pub(super) fn event_like<'a>(
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
            id: None,
            replaces: None,
            sellers: None,
            cancel_on_exit: false,
            cancelled_by: None,
            cancel_keys: [None, None],
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
                    e.cancel_keys[0] = Some(k.span());
                    if let DeValue::Boolean(b) = v.get_ref() {
                        e.cancel_on_exit = *b;
                    } else {
                        self.wrong_type(v, &key, "true or false", "cancel_on_exit = true");
                    }
                }
                "cancelled_by" => {
                    e.cancel_keys[1] = Some(k.span());
                    e.cancelled_by = Some(v);
                }
                "date" => e.date = self.string(v, &key, "date = \"2025-08-27\""),
                "lever" => e.lever = self.string(v, &key, "lever = \"tariff.IN.rate\""),
                "action" => e.action = self.string(v, &key, "action = \"set\""),
                "value" => e.value = Some(v),
                "months" => e.months = self.int(v, &key, "months = 3"),
                "prob" => e.prob = Some(v),
                "lag_months" => e.lag_months = Some(v),
                "note" => e.note = self.string(v, &key, "note = \"source\""),
                "id" => e.id = self.string(v, &key, "id = \"eu_cap_cut\""),
                "sellers" => e.sellers = Some(v),
                "replaces" => {
                    e.replaces = self.string(v, &key, "replaces = \"cap.eu_usd@2025-09-03\"")
                }
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
}
