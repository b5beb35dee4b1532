//! Scenario files: TOML in, one validated [`Scenario`] out.
//!
//! The loader is a pipeline (`resolve.rs::load`), one stage per step and per table:
//! - read the chain: `files.rs` reads the `extends` chain (`ReadError`), and the market file;
//! - parse: each file as spanned TOML (`resolve::ParseError`), then `raw.rs` walks it into
//!   its keys as written (unknown keys and wrong types), through the typed readers of
//!   `walker.rs` (spanned values and serde in `spanned.rs`);
//! - resolve, one table each: `header.rs` (`[scenario]`, `[brent]`), `files.rs` +
//!   `params.rs` (market file, `[params]`), `correlations.rs`, `event.rs` (`[[event]]`, with
//!   `value.rs` holding the value rules of each lever kind), `tree.rs` + `tree_exit.rs`
//!   (`[[tree]]`, with `schedule.rs`);
//! - check: `resolve::check` turns every reported problem into one `LoadError`, which
//!   `diagnostics.rs` renders rustc-style.
//!
//! Imports go one way: `resolve` → stages → `walker` → `spanned`/`hints`/`diagnostics`.
//!
//! Inheritance: a child inherits `[scenario]` and `[brent]` key by key (except `name`, which
//! defaults to the child's file stem), `[params]` merged by key (child wins) and events
//! (parent's first, then the child's, in file order). Parameters apply in the order
//! `ParamSpec::default()` ← market file `[params]` ← root scenario ← … ← leaf. Paths
//! (`extends`, `market`) are relative to the file that declares them.
//!
//! Errors: TOML syntax errors and unreadable files stop at the first; after parsing, every
//! unknown key, wrong type and invalid value in the whole chain is reported.

use crate::suggest::ShowPath;
mod correlations;
mod dates;
mod demand_floor;
mod designation;
mod diagnostics;
pub mod discrete_timing;
mod event;
mod files;
mod header;
mod hints;
mod idle_levers;
pub mod imposed;
mod inherit;
pub mod inputs;
mod jump_timing;
mod late_lags;
mod lever_bounds;
mod market_file;
mod market_findings;
mod misplaced;
mod overrides;
mod param_order;
mod params;
mod pre_start;
mod provenance;
mod raw;
mod raw_event;
mod raw_tree;
mod resolve;
mod schedule;
mod schema;
mod seller_findings;
mod spanned;
mod start_state;
mod stream_order;
mod syntax;
pub(crate) mod text;
mod tie_findings;
mod tree;
mod tree_branches;
mod tree_dead_keys;
mod tree_exit;
mod tree_graph;
mod tree_inherit;
mod tree_overrides;
mod tree_reach;
mod value;
mod walker;
mod wave_findings;
mod window;

pub use diagnostics::{Diagnostic, LoadError};
pub use files::{discover, discover_all, near_path, Found};
pub use overrides::{overrides, Severity, Warning};
pub use provenance::key_origins;
pub use resolve::load;
pub use schema::scenario_schema;
pub use tree_graph::tree_findings;
pub use wave_findings::{term_ties_line, wave_findings};
pub use window::window_findings;

use crate::market::data::Market;
use crate::market::params::ParamSpec;
use crate::policy::calendar::MonthIdx;
use crate::policy::events::Event;
use crate::policy::levers::LeverRegistry;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A scenario with its `extends` chain resolved and every value validated.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// `[scenario].name` of the leaf file, or its file stem; `[A-Za-z0-9_-]+`.
    pub name: String,
    pub description: String,
    /// The leaf file as given to [`load`].
    pub path: PathBuf,
    /// The `extends` chain, root first (the leaf is last of these), then the market file.
    pub files: Vec<PathBuf>,
    /// Every file the scenario read: `files`, then the `[brent] imposed` series if any, each
    /// with the SHA-256 of its text (`inputs.rs`); the manifest's `inputs` (hostile round 9
    /// #1).
    pub inputs: Vec<inputs::InputFile>,
    /// What to hash (SHA-256) to identify the resolved inputs: a header line
    /// `## sanctions-sim resolved scenario v1`, then for each scenario file in chain order
    /// (root first) a line `## scenario file <k> of <n>` followed by the file's text, then a
    /// line `## market file` followed by the market file's text, then, when `[brent] imposed`
    /// names a series, a line `## imposed brent file` followed by the CSV's text (hostile
    /// round 9 #1; absent otherwise, so other scenarios' hashes are unchanged). Line endings are normalised
    /// to `\n` and each text ends with one. No paths are included, so moving or renaming the
    /// folder does not change the hash, but editing any byte of any file (comments included)
    /// does.
    pub resolved_text: String,
    pub start: MonthIdx,
    /// Horizon length; the simulated months are `start .. start + months`.
    pub months: usize,
    pub paths: u64,
    pub seed: u64,
    pub brent_p0: f64,
    pub brent_f24: Option<f64>,
    /// `[brent] imposed`: the observed monthly Brent that replaces the simulated one
    /// (model.md §4.8); covers at least `start − 1 .. start`, and a run only the months its
    /// rows cover (`check_months`, D171).
    pub brent_imposed: Option<imposed::ImposedBrent>,
    /// `[scenario] init`.
    pub init: Init,
    pub market: Market,
    pub market_path: PathBuf,
    /// Built from the market's rows (`LeverRegistry::new(&market.registry_rows())`).
    pub registry: LeverRegistry,
    pub params: ParamSpec,
    /// `[correlations]`: the Gaussian copula over rank-correlated parameters (empty when
    /// the chain has none).
    pub correlations: crate::market::params::Copula,
    /// Findings made while loading, shown with [`overrides`]: each `[correlations]` pair
    /// dropped because a later file made one of its parameters constant.
    pub load_notes: Vec<Warning>,
    /// Resolved events in chain order, then file order; a wildcard event is expanded into
    /// one event per matching lever, in registry order. Events dated before `start` are kept
    /// (they form the historical calendar).
    pub events: Vec<Event>,
    /// Where each of `events` was written, index for index (a wildcard's events share one).
    pub event_origins: Vec<EventOrigin>,
    /// Inherited events a later file removed or replaced, in chain order.
    pub removed_events: Vec<RemovedEvent>,
    /// Event trees (`[[tree]]`, scenarios.md §5), in chain order then file order.
    pub trees: Vec<crate::policy::tree::Tree>,
    /// Where each of `trees` was written, index for index.
    pub tree_origins: Vec<TreeOrigin>,
    /// Inherited trees a later file removed (`remove_trees`) or replaced (`[[tree]]
    /// replaces`), in chain order (hostile round 9 #2).
    pub removed_trees: Vec<RemovedTree>,
    /// The file and position of the winning `[params]` entry of each overridden parameter
    /// (market file or scenario file); parameters not listed keep `ParamSpec::default()`.
    pub param_origins: BTreeMap<String, Origin>,
}

impl Scenario {
    /// Whether a run of `months` months (the file's, or `--months` of `run`, `compare` or
    /// `sensitivity`) fits the scenario: it may not run past 2200-12 (D156), and an imposed
    /// Brent path (`brent.imposed`) must cover every simulated month. The one check all three commands make before simulating, so
    /// none of them runs a free Brent past the imposed rows; the message names the key, both
    /// files and the largest `--months` that fits.
    pub fn check_months(&self, months: usize) -> Result<(), String> {
        // D156: no month past 2200-12, as for the file's own `months`.
        let last = self.start + months as MonthIdx - 1;
        if last > dates::LAST_MONTH {
            return Err(format!(
                "{}: --months {months} from the start {} runs to {}, past {}, the last month a \
                 run may reach (dates are limited to years 1900–2200); pass --months ≤ {}",
                self.path.shown(),
                crate::policy::calendar::iso_month(self.start),
                crate::policy::calendar::iso_month(last),
                crate::policy::calendar::iso_month(dates::LAST_MONTH),
                dates::LAST_MONTH - self.start + 1
            ));
        }
        // D208: world demand stays above its floor over the horizon run.
        self.check_demand(months)
            .map_err(|m| format!("{}: {m}", self.path.shown()))?;
        let Some(b) = &self.brent_imposed else {
            return Ok(());
        };
        if b.covers(self.start, months).is_ok() {
            return Ok(());
        }
        let fits = b.months_from(self.start);
        let end = self.start + months as i32 - 1;
        // D171: the file's own `months` may outrun its rows too; name what set the horizon.
        let (runs, drop) = if months == self.months {
            (format!("the file's `months = {months}`"), String::new())
        } else {
            (
                format!("--months {months}"),
                format!(" (or drop --months: the file runs {})", self.months),
            )
        };
        Err(format!(
            "{}: `brent.imposed` names {}, whose rows end in {}: they cover {fits} months \
             from the start {}, but {runs} runs to {}; pass --months ≤ {fits}{drop}, or add \
             rows to {} through {}",
            self.path.shown(),
            b.path.shown(),
            crate::policy::calendar::iso_month(b.last()),
            crate::policy::calendar::iso_month(self.start),
            crate::policy::calendar::iso_month(end),
            b.path.shown(),
            crate::policy::calendar::iso_month(end),
        ))
    }
}

/// How the start state is built (`[scenario] init`, engine/path.rs `initial_state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Init {
    /// Errata N2: a 2025-08 start, seven months after the 2025-01-10 wave and tanker batch.
    Explicit,
    /// No designation history carried: L = 0, ψ = 1, A_j = 1, F = F0, no designated tankers.
    /// For replays that start before the 2025-01-10 episode (2022-01, 2024-01, 2024-10).
    Unsanctioned,
}

/// A position in a file (1-based line and column), for `explain`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file.shown(), self.line, self.col)
    }
}

/// Where one resolved tree and its nodes were written.
#[derive(Debug, Clone, PartialEq)]
pub struct TreeOrigin {
    /// Dotted key of the tree in its file, e.g. `tree[1]`.
    pub prefix: String,
    /// Where its `[[tree]]` header is.
    pub at: Origin,
    /// Position of each node's `id` (of its table when it has none), node for node.
    pub nodes: Vec<Origin>,
    /// Position of each exit's inline table, node for node and exit for exit.
    pub exits: Vec<Vec<Origin>>,
    /// The `note` of each `risk_premium.jump` action, node for node, in the node's order
    /// (walkthrough 10 #3: a note saying "scaled" acknowledges a jump entered after day 1).
    pub jump_notes: Vec<Vec<Option<String>>>,
    /// Position of each exit's `value` key, node for node and exit for exit (hostile round 11
    /// F2).
    pub values: Vec<Vec<Option<Origin>>>,
    /// Position of each action's `cancel_on_exit` and `cancelled_by` keys, node for node and
    /// action for action (a wildcard's copies share them; hostile round 11 F3).
    pub cancel_keys: Vec<Vec<[Option<Origin>; 2]>>,
}

/// Where one resolved event came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventOrigin {
    /// The `[[event]]` header (or inline table).
    pub at: Origin,
    /// 1-based position among that file's events.
    pub index: usize,
    /// `lever` as written (a wildcard pattern for expanded events).
    pub lever_written: String,
    pub note: Option<String>,
    /// `id = "..."` of the `[[event]]` (D51).
    pub id: Option<String>,
    /// `sellers = "..."` of a plain `sdn.share` event: the companies its share stands for (D219).
    pub sellers: Option<String>,
    /// For an event without an `id`: how many events without one, on the same lever and
    /// date, come before it along the chain *as written* (removed, replaced and `prob = 0`
    /// ones counted), the `<k>` of its random stream `event.<lever>.<date>.<k>`; 0 for an
    /// event with an `id`, whose stream is keyed by its id (hostile round 11 F1).
    pub stream: usize,
}

/// An inherited tree a later file removed (`remove_trees`) or replaced (`replaces` in a
/// `[[tree]]`), hostile round 9 #2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedTree {
    pub id: String,
    /// Where the removed tree's `[[tree]]` was written.
    pub was: Origin,
    /// Where the `remove_trees` entry or `replaces` key is.
    pub by: Origin,
    /// `"removed"` or `"replaced"`.
    pub how: &'static str,
}

/// An inherited event a later file removed (`remove_events`) or replaced (`replaces`), D51.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemovedEvent {
    /// The lever's name and the event's written date.
    pub lever: String,
    pub date: crate::policy::calendar::Date,
    /// Where the removed event was written.
    pub was: EventOrigin,
    /// Where the `remove_events` entry or `replaces` key is.
    pub by: Origin,
    /// `"removed"` or `"replaced"`.
    pub how: &'static str,
}

/// Tree and node ids: `[A-Za-z0-9_-]+` (they appear in output files).
/// Longest scenario name (characters): it names the result folder, and with the hidden
/// `.<name>.partial-<pid>` and a shard's `.shard-K-of-N` the folder name must stay within the
/// 255 bytes filesystems allow (`output::files::MAX_FOLDER_LEN`). The loader refuses longer
/// names at their position.
pub const MAX_NAME_LEN: usize = 128;

/// Longest tree or node id (characters). Ids reach folder names three at a time: a
/// `--by-outcome` result goes to `by_outcome/<tree>.<node>.<k>=<outcome node>/`, so each id
/// gets a third of the 255 bytes a name may have, with room for the separators (D173). The
/// scenario name's 128 would let two node ids alone overflow a name; the loader refuses longer
/// ids at their position, before anything is simulated.
pub const MAX_ID_LEN: usize = 64;

/// The error for an id longer than [`MAX_ID_LEN`] (`what`: "tree id", "node id"), or `None`.
pub(crate) fn id_too_long(what: &str, id: &str) -> Option<String> {
    let len = id.chars().count();
    (len > MAX_ID_LEN).then(|| {
        format!(
            "{what} is {len} characters long; at most {MAX_ID_LEN} are allowed (ids name \
             `--by-outcome` result folders, `by_outcome/<tree>.<node>=<outcome>`, which must \
             fit the filesystem's 255-byte limit for a name)"
        )
    })
}

pub(crate) fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests;
