//! The loader pipeline: read the `extends` chain → parse each file → resolve each table
//! (`[scenario]`/`[brent]`, market file, `[params]`, `[correlations]`, events, trees) →
//! check that nothing was reported and assemble one validated [`Scenario`].
//!
//! The first two stages stop at their first error (`files::ReadError`, [`ParseError`]); the table
//! stages report into one list so that a single run names every problem in the chain, and
//! the check stage turns that list into the [`LoadError`] the CLI prints.

use super::diagnostics::{Diagnostic, LoadError, Source};
use super::files::{load_market, read_chain, syntax};
use super::header::Header;
use super::raw::RawFile;
use super::walker::Walker;
use super::{header, inherit, params, EventOrigin, RemovedEvent, Scenario};
use crate::market::data::Market;
use crate::market::params::ParamSpec;
use crate::policy::events::Event;
use crate::policy::levers::LeverRegistry;
use crate::policy::tree::Tree;
use crate::suggest::ShowPath;
use serde_spanned::Spanned;
use std::path::{Path, PathBuf};
use toml::de::DeTable;

/// Why the chain could not be parsed (stops at the first file that fails).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ParseError {
    #[error("{0}")]
    Syntax(Box<Diagnostic>),
    /// A lone scenario file with nothing in it.
    #[error("{0}")]
    Empty(Box<Diagnostic>),
}

impl From<ParseError> for LoadError {
    fn from(e: ParseError) -> Self {
        let (ParseError::Syntax(d) | ParseError::Empty(d)) = e;
        LoadError::one(*d)
    }
}

/// Loads and validates a scenario; see the module docs of `scenario`.
pub fn load(path: &Path) -> Result<Scenario, LoadError> {
    load_named(path).map_err(|e| e.loading(path))
}

fn load_named(path: &Path) -> Result<Scenario, LoadError> {
    let sources = read_chain(path).map_err(LoadError::from)?;
    let docs = parse(path, &sources)?;
    let mut diags: Vec<Diagnostic> = Vec::new();
    for (src, doc) in sources.iter().zip(&docs) {
        super::text::check(src, doc.get_ref(), &mut diags);
    }
    let raws = walk(&sources, &docs, &mut diags);
    let head = header::resolve(path, &raws, &sources, &mut diags);
    let (mut params, loaded) = market(&head, &raws, &sources, &mut diags);
    params::resolve_chain(&raws, &sources, &mut params, &mut diags);
    if let Some((_, msrc)) = &loaded {
        super::param_order::check(msrc, &raws, &sources, &params, &mut diags);
    }
    let chain: Vec<_> = raws
        .iter()
        .zip(&sources)
        .map(|(r, s)| (r.correlations.as_slice(), s))
        .collect();
    let pins = super::correlations::pins(loaded.as_ref().map(|(_, s)| s), &raws, &sources);
    let mut load_notes = Vec::new();
    let correlations =
        super::correlations::resolve(&chain, &params, &pins, &mut diags, &mut load_notes);
    let registry = loaded
        .as_ref()
        .map(|(m, _)| LeverRegistry::new(&m.registry_rows()));
    let (events, event_origins, removed_events, (trees, tree_origins, removed_trees)) =
        match &registry {
            Some(reg) => {
                let (ev, origins, removed) =
                    inherit::resolve(&raws, &sources, reg, head.horizon(), &mut diags);
                let trees =
                    super::tree_inherit::resolve(&raws, &sources, reg, head.horizon(), &mut diags);
                diags.extend(super::lever_bounds::check(&ev, &origins, &trees.0, reg));
                (ev, origins, removed, trees)
            }
            None => Default::default(),
        };
    let files = files(&sources, &head);
    check(diags, &files)?;
    let (Some(registry), Some((market, msrc))) = (registry, loaded) else {
        unreachable!("a market that failed to load was reported as a diagnostic");
    };
    assemble(Parts {
        path,
        head,
        files,
        raws: &raws,
        sources: &sources,
        market,
        msrc,
        registry,
        params,
        correlations,
        load_notes,
        events,
        event_origins,
        removed_events,
        trees,
        tree_origins,
        removed_trees,
    })
}

/// Parses each file of the chain (root first) as spanned TOML.
fn parse<'s>(path: &Path, sources: &'s [Source]) -> Result<Vec<Spanned<DeTable<'s>>>, ParseError> {
    let docs: Vec<Spanned<DeTable<'_>>> = sources
        .iter()
        .map(|s| DeTable::parse(&s.text).map_err(|e| ParseError::Syntax(Box::new(syntax(s, &e)))))
        .collect::<Result<_, _>>()?;
    if sources.len() == 1 && docs[0].get_ref().is_empty() {
        return Err(ParseError::Empty(Box::new(Diagnostic::file_level(
            path,
            Some("scenario"),
            format!("`{}` has no settings: the file is empty", path.shown()),
            Some(
                "a scenario needs `[scenario]` with start, months, paths, seed and market, and \
                 `[brent]` with p0; or `extends = \"baseline.toml\"` to inherit them"
                    .into(),
            ),
        ))));
    }
    Ok(docs)
}

/// Walks each parsed file into its keys as written (unknown keys and wrong types reported).
fn walk<'a>(
    sources: &'a [Source],
    docs: &'a [Spanned<DeTable<'a>>],
    diags: &mut Vec<Diagnostic>,
) -> Vec<RawFile<'a>> {
    sources
        .iter()
        .zip(docs)
        .map(|(src, doc)| Walker::new(src, diags).file(doc.get_ref()))
        .collect()
}

/// The market file stage: the market named by `scenario.market`, and the parameters with its
/// own `[params]` applied. The market counts as not loaded when its `[params]` are invalid.
fn market(
    head: &Header,
    raws: &[RawFile<'_>],
    sources: &[Source],
    diags: &mut Vec<Diagnostic>,
) -> (ParamSpec, Option<(Market, Source)>) {
    let mut params = ParamSpec::default();
    let Some((i, mp)) = &head.market else {
        return (params, None);
    };
    let decl = raws[*i].scenario.market.as_ref().map_or(0..0, |m| m.span());
    match load_market(mp, &sources[*i], decl) {
        Err(e) => {
            diags.extend(e.into_diagnostics());
            (params, None)
        }
        Ok((market, msrc)) => {
            let d0 = diags.len();
            // The market file parsed once already, into `market`.
            if let Ok(doc) = DeTable::parse(&msrc.text) {
                super::text::check(&msrc, doc.get_ref(), diags);
            }
            params::market_params(&msrc, &mut params, diags);
            let ok = diags.len() == d0;
            (params, ok.then_some((market, msrc)))
        }
    }
}

/// The chain's files, root first, then the market file.
fn files(sources: &[Source], head: &Header) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = sources.iter().map(|s| s.path.clone()).collect();
    if let Some((_, mp)) = &head.market {
        files.push(mp.clone());
    }
    files
}

/// The check stage: every problem reported by the table stages, in file order (chain, then
/// market file) and position order, without duplicates.
fn check(mut diags: Vec<Diagnostic>, files: &[PathBuf]) -> Result<(), LoadError> {
    if diags.is_empty() {
        return Ok(());
    }
    let rank = |d: &Diagnostic| {
        files
            .iter()
            .position(|f| *f == d.file)
            .unwrap_or(files.len())
    };
    diags.sort_by_key(|d| (rank(d), d.line, d.col));
    diags.dedup();
    Err(LoadError::new(diags))
}

/// Everything the stages produced, once the check stage passed.
struct Parts<'a> {
    path: &'a Path,
    head: Header,
    files: Vec<PathBuf>,
    raws: &'a [RawFile<'a>],
    sources: &'a [Source],
    market: Market,
    msrc: Source,
    registry: LeverRegistry,
    params: ParamSpec,
    correlations: crate::market::params::Copula,
    load_notes: Vec<super::Warning>,
    events: Vec<Event>,
    event_origins: Vec<EventOrigin>,
    removed_events: Vec<RemovedEvent>,
    trees: Vec<Tree>,
    tree_origins: Vec<super::TreeOrigin>,
    removed_trees: Vec<super::RemovedTree>,
}

fn assemble(p: Parts<'_>) -> Result<Scenario, LoadError> {
    let h = p.head;
    let (Some((_, start)), Some((_, months)), Some((_, paths)), Some((_, seed))) =
        (h.start, h.months, h.paths, h.seed)
    else {
        unreachable!("every missing key was reported as a diagnostic");
    };
    let (Some((_, market_path)), Some((_, brent_p0))) = (h.market, h.p0) else {
        unreachable!("every missing key was reported as a diagnostic");
    };
    let start_at = h.start.map(|(i, _)| i);
    let (inputs, resolved_text) =
        super::inputs::collect(p.sources, &p.msrc, h.brent_imposed.as_ref());
    let sc = Scenario {
        name: h.name,
        description: h.description,
        path: p.path.to_path_buf(),
        files: p.files,
        inputs,
        resolved_text,
        start,
        months,
        paths,
        seed,
        brent_p0,
        brent_f24: h.f24,
        brent_imposed: h.brent_imposed,
        init: h.init,
        market: p.market,
        market_path,
        registry: p.registry,
        params: p.params,
        correlations: p.correlations,
        load_notes: p.load_notes,
        param_origins: params::origins(&p.msrc, p.raws, p.sources),
        events: p.events,
        event_origins: p.event_origins,
        removed_events: p.removed_events,
        trees: p.trees,
        tree_origins: p.tree_origins,
        removed_trees: p.removed_trees,
    };
    // D208: demand over the horizon, reported at the `start` that set it.
    if let Err(message) = sc.check_demand(sc.months) {
        let i = start_at.unwrap_or(0);
        let span = p.raws[i].scenario.start.as_ref().map(|s| s.span());
        let d = match span {
            Some(span) => p.sources[i].diag(span, Some("scenario.start"), message, None),
            None => Diagnostic::file_level(&sc.path, Some("scenario.start"), message, None),
        };
        return Err(LoadError::one(d));
    }
    Ok(sc)
}
